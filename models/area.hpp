#pragma once
// A local area described by the few numbers an analyst has (a scenario's
// `area:` block): births a year, initiation, any breastfeeding at 6-8 weeks,
// optionally exclusive breastfeeding at 6-8 weeks, and the workforce. The
// whole feeding table is derived from the national curve's shape (the
// registry's defaults, the Infant Feeding Survey 2010) by proportional hazards
// among mothers who started; docs/ODD.md, 7.2, gives the method.
#include <optional>
#include <string>
#include <vector>

#include "sim/parameters.hpp"

namespace models {

// Published area figures (shares of all mothers) that a block may start from.
struct AreaPreset {
  std::string name, description;
  double initiation, any_6_8w, exclusive_6_8w;
};
const std::vector<AreaPreset>& area_presets();

struct AreaFigures {
  double initiation = 0.0;
  double any_6_8w = 0.0;
  std::optional<double> exclusive_6_8w;
};

// The ten values of the feeding table (feeding.* paths) for an area, with the
// hazard multipliers the derivation used; throws std::invalid_argument saying
// why figures cannot be met (the caller locates it).
struct DerivedFeedingTable {
  std::vector<std::pair<std::string, double>> values;  // feeding.initiation, feeding.exclusive_at_birth, ...
  double any_multiplier = 1.0;        // local hazard of stopping any breastfeeding / national
  double exclusive_multiplier = 1.0;  // local hazard of stopping exclusive breastfeeding / national
};
DerivedFeedingTable derive_area_feeding_table(const sim::ParameterRegistry& registry, const AreaFigures& figures);

// Declares the `area:` block in the registry.
void declare_area_block(sim::ParameterRegistry& registry);

}  // namespace models
