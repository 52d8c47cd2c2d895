#pragma once
// The model's declared results: daily series and per-run summary outcomes,
// each with a unit and a one-line description (`ppisim docs outputs` lists them).
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
  referrals_withheld,
  access_granted,
  access_refused,
  real_transgressions,
  perceived_transgressions,
  false_alarms,
  joint_supports,
  knowledge_transfers,
  recruits,
  dropouts,
  mean_confidence,
  volunteer_self_esteem,
  volunteer_social_support,
  volunteer_skill,
  volunteer_autonomy,
  volunteer_trust_in_professionals,
  volunteer_felt_surveillance,
  volunteer_commitment,
  prof_trust_in_volunteers,
  prof_boundary_concern,
  prof_gatekeeping,
  prof_surveillance,
  prof_workload,
  prof_cultural_knowledge,
  prof_orientation,
  boundary_clarity,
  tension_index,
  any_bf_share_under_6w,
  exclusive_bf_share_under_6w,
  any_bf_share_6w_to_6m,
  exclusive_bf_share_6w_to_6m,
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
  any_bf_10d,
  excl_bf_10d,
  any_bf_12w,
  excl_bf_12w,
  network_team_mean_degree,
  network_team_clustering,
  network_team_components,
  network_cohort_mean_degree,
  network_cohort_clustering,
  network_working_ties_per_volunteer,
  volunteers_active_end,
  volunteer_retention_1y,
  mean_volunteer_self_esteem,
  mean_trust_prof_in_vol,
  mean_trust_vol_in_prof,
  mean_boundary_concern,
  mean_gatekeeping,
  mean_surveillance,
  perceived_transgressions,
  false_alarms,
  real_transgressions,
  prof_cultural_knowledge,
  prof_workload,
  tension_index,
  count
};
}

// The catalog, in the order of the enums above.
const sim::OutputCatalog& output_catalog();

}  // namespace models
