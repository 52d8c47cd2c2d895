#pragma once
// Indices of the model's outputs, looked up by name in the catalog (the
// modules declare them; tests refer to them by these names).
#include <cstddef>

#include "models/outputs.hpp"

namespace test_support {

namespace summary {
inline const std::size_t mothers_measured = models::output_catalog().summary_index("mothers_measured");
inline const std::size_t initiation_rate = models::output_catalog().summary_index("initiation_rate");
inline const std::size_t any_bf_1w = models::output_catalog().summary_index("any_bf_1w");
inline const std::size_t any_bf_6w = models::output_catalog().summary_index("any_bf_6w");
inline const std::size_t any_bf_3m = models::output_catalog().summary_index("any_bf_3m");
inline const std::size_t any_bf_4m = models::output_catalog().summary_index("any_bf_4m");
inline const std::size_t any_bf_6m = models::output_catalog().summary_index("any_bf_6m");
inline const std::size_t excl_bf_1w = models::output_catalog().summary_index("excl_bf_1w");
inline const std::size_t excl_bf_6w = models::output_catalog().summary_index("excl_bf_6w");
inline const std::size_t excl_bf_3m = models::output_catalog().summary_index("excl_bf_3m");
inline const std::size_t excl_bf_4m = models::output_catalog().summary_index("excl_bf_4m");
inline const std::size_t excl_bf_6m = models::output_catalog().summary_index("excl_bf_6m");
inline const std::size_t reached_by_volunteer = models::output_catalog().summary_index("reached_by_volunteer");
inline const std::size_t peer_contacts_per_mother = models::output_catalog().summary_index("peer_contacts_per_mother");
inline const std::size_t referrals_per_mother = models::output_catalog().summary_index("referrals_per_mother");
inline const std::size_t any_bf_10d = models::output_catalog().summary_index("any_bf_10d");
inline const std::size_t excl_bf_10d = models::output_catalog().summary_index("excl_bf_10d");
inline const std::size_t any_bf_12w = models::output_catalog().summary_index("any_bf_12w");
inline const std::size_t excl_bf_12w = models::output_catalog().summary_index("excl_bf_12w");
inline const std::size_t network_team_mean_degree = models::output_catalog().summary_index("network_team_mean_degree");
inline const std::size_t network_team_clustering = models::output_catalog().summary_index("network_team_clustering");
inline const std::size_t network_team_components = models::output_catalog().summary_index("network_team_components");
inline const std::size_t network_cohort_mean_degree = models::output_catalog().summary_index("network_cohort_mean_degree");
inline const std::size_t network_cohort_clustering = models::output_catalog().summary_index("network_cohort_clustering");
inline const std::size_t network_working_ties_per_volunteer = models::output_catalog().summary_index("network_working_ties_per_volunteer");
inline const std::size_t volunteers_active_end = models::output_catalog().summary_index("volunteers_active_end");
inline const std::size_t volunteer_retention_1y = models::output_catalog().summary_index("volunteer_retention_1y");
inline const std::size_t mean_volunteer_self_esteem = models::output_catalog().summary_index("mean_volunteer_self_esteem");
inline const std::size_t mean_trust_prof_in_vol = models::output_catalog().summary_index("mean_trust_prof_in_vol");
inline const std::size_t mean_trust_vol_in_prof = models::output_catalog().summary_index("mean_trust_vol_in_prof");
inline const std::size_t mean_boundary_concern = models::output_catalog().summary_index("mean_boundary_concern");
inline const std::size_t mean_gatekeeping = models::output_catalog().summary_index("mean_gatekeeping");
inline const std::size_t mean_surveillance = models::output_catalog().summary_index("mean_surveillance");
inline const std::size_t perceived_transgressions = models::output_catalog().summary_index("perceived_transgressions");
inline const std::size_t false_alarms = models::output_catalog().summary_index("false_alarms");
inline const std::size_t real_transgressions = models::output_catalog().summary_index("real_transgressions");
inline const std::size_t prof_cultural_knowledge = models::output_catalog().summary_index("prof_cultural_knowledge");
inline const std::size_t prof_workload = models::output_catalog().summary_index("prof_workload");
inline const std::size_t tension_index = models::output_catalog().summary_index("tension_index");
}  // namespace summary

namespace series {
inline const std::size_t mothers_followed = models::output_catalog().series_index("mothers_followed");
inline const std::size_t births = models::output_catalog().series_index("births");
inline const std::size_t any_bf_share = models::output_catalog().series_index("any_bf_share");
inline const std::size_t exclusive_bf_share = models::output_catalog().series_index("exclusive_bf_share");
inline const std::size_t professional_contacts = models::output_catalog().series_index("professional_contacts");
inline const std::size_t referrals = models::output_catalog().series_index("referrals");
inline const std::size_t mothers_waiting = models::output_catalog().series_index("mothers_waiting");
inline const std::size_t peer_contacts = models::output_catalog().series_index("peer_contacts");
inline const std::size_t volunteers_active = models::output_catalog().series_index("volunteers_active");
inline const std::size_t volunteer_utilisation = models::output_catalog().series_index("volunteer_utilisation");
inline const std::size_t referrals_withheld = models::output_catalog().series_index("referrals_withheld");
inline const std::size_t access_granted = models::output_catalog().series_index("access_granted");
inline const std::size_t access_refused = models::output_catalog().series_index("access_refused");
inline const std::size_t real_transgressions = models::output_catalog().series_index("real_transgressions");
inline const std::size_t perceived_transgressions = models::output_catalog().series_index("perceived_transgressions");
inline const std::size_t false_alarms = models::output_catalog().series_index("false_alarms");
inline const std::size_t joint_supports = models::output_catalog().series_index("joint_supports");
inline const std::size_t knowledge_transfers = models::output_catalog().series_index("knowledge_transfers");
inline const std::size_t recruits = models::output_catalog().series_index("recruits");
inline const std::size_t dropouts = models::output_catalog().series_index("dropouts");
inline const std::size_t mean_confidence = models::output_catalog().series_index("mean_confidence");
inline const std::size_t volunteer_self_esteem = models::output_catalog().series_index("volunteer_self_esteem");
inline const std::size_t volunteer_social_support = models::output_catalog().series_index("volunteer_social_support");
inline const std::size_t volunteer_skill = models::output_catalog().series_index("volunteer_skill");
inline const std::size_t volunteer_autonomy = models::output_catalog().series_index("volunteer_autonomy");
inline const std::size_t volunteer_trust_in_professionals = models::output_catalog().series_index("volunteer_trust_in_professionals");
inline const std::size_t volunteer_felt_surveillance = models::output_catalog().series_index("volunteer_felt_surveillance");
inline const std::size_t volunteer_commitment = models::output_catalog().series_index("volunteer_commitment");
inline const std::size_t prof_trust_in_volunteers = models::output_catalog().series_index("prof_trust_in_volunteers");
inline const std::size_t prof_boundary_concern = models::output_catalog().series_index("prof_boundary_concern");
inline const std::size_t prof_gatekeeping = models::output_catalog().series_index("prof_gatekeeping");
inline const std::size_t prof_surveillance = models::output_catalog().series_index("prof_surveillance");
inline const std::size_t prof_workload = models::output_catalog().series_index("prof_workload");
inline const std::size_t prof_cultural_knowledge = models::output_catalog().series_index("prof_cultural_knowledge");
inline const std::size_t prof_orientation = models::output_catalog().series_index("prof_orientation");
inline const std::size_t boundary_clarity = models::output_catalog().series_index("boundary_clarity");
inline const std::size_t tension_index = models::output_catalog().series_index("tension_index");
inline const std::size_t any_bf_share_under_6w = models::output_catalog().series_index("any_bf_share_under_6w");
inline const std::size_t exclusive_bf_share_under_6w = models::output_catalog().series_index("exclusive_bf_share_under_6w");
inline const std::size_t any_bf_share_6w_to_6m = models::output_catalog().series_index("any_bf_share_6w_to_6m");
inline const std::size_t exclusive_bf_share_6w_to_6m = models::output_catalog().series_index("exclusive_bf_share_6w_to_6m");
}  // namespace series

}  // namespace test_support
