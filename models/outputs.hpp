#pragma once
// The model's declared results: daily series and per-run summary outcomes,
// each with a unit and a one-line description (docs/outputs.md lists them).
#include <cstddef>

#include "sim/outputs.hpp"

namespace models {

namespace series {
enum : std::size_t {
  mothers_followed,
  births,
  any_bf_share,
  exclusive_bf_share,
  professional_contacts,
  referrals,
  mothers_waiting,
  peer_contacts,
  volunteers_active,
  volunteer_utilisation,
  count
};
}

namespace summary {
enum : std::size_t {
  mothers_measured,
  initiation_rate,
  any_bf_1w,
  any_bf_6w,
  any_bf_3m,
  any_bf_4m,
  any_bf_6m,
  excl_bf_1w,
  excl_bf_6w,
  excl_bf_3m,
  excl_bf_4m,
  excl_bf_6m,
  reached_by_volunteer,
  peer_contacts_per_mother,
  referrals_per_mother,
  network_team_mean_degree,
  network_team_clustering,
  network_team_components,
  network_cohort_mean_degree,
  network_cohort_clustering,
  network_working_ties_per_volunteer,
  count
};
}

// The catalog, in the order of the enums above.
const sim::OutputCatalog& output_catalog();

}  // namespace models
