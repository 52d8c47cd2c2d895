#pragma once
// The baseline (usual-care) feeding curve: daily hazards that reproduce the
// survey's prevalence table exactly, derived once at load.
//
// A breastfeeding mother is exclusive (E) or partial (P). On day-of-age s
// (from age s-1 to age s) an E mother leaves exclusivity with probability
// 1 - exp(-exclusive_hazard[s]); of those, a share `exit_to_none` stop
// altogether and the rest become partial. A P mother (as of the start of the
// day) stops with probability 1 - exp(-partial_hazard[s]). Hazards are constant
// between the table's ages; the exclusive ones follow from the exclusive
// column directly, the partial ones are solved (bisection) so the any-
// breastfeeding column is met at its ages.
#include <vector>

#include "sim/parameters.hpp"

namespace models {

struct FeedingCurve {
  double initiation = 0.0;          // share of mothers who start breastfeeding
  double exclusive_at_birth = 0.0;  // share of all mothers exclusive at birth
  double exit_to_none = 0.0;
  std::vector<double> exclusive_hazard;  // [day of age 1..182], index 0 unused
  std::vector<double> partial_hazard;

  // Expected shares of all mothers (any, exclusive) at each age 0..182 under
  // these hazards with no modifiers: the closed form the engine must match.
  struct Shares {
    std::vector<double> any, exclusive;
  };
  [[nodiscard]] Shares expected_shares() const;
};

// Derives the curve from the `feeding.*` parameters; InputError when the
// table is impossible (e.g. exclusive above any breastfeeding).
FeedingCurve derive_feeding_curve(const sim::ParameterSet& parameters);

// Declares the survey table (`feeding.*`) the curve is derived from.
void declare_feeding_table(sim::ParameterRegistry& registry);

}  // namespace models
