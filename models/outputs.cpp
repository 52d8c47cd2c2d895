#include "models/outputs.hpp"

#include <stdexcept>
#include <string>

#include "models/parameters.hpp"

namespace models {
namespace {

sim::OutputCatalog build_catalog() {
  sim::OutputCatalog c;
  const auto series = [&](std::size_t expected, sim::OutputSpec spec) {
    if (c.add_series(std::move(spec)) != expected) throw std::logic_error("series declared out of order");
  };
  const auto summary = [&](std::size_t expected, sim::OutputSpec spec) {
    if (c.add_summary(std::move(spec)) != expected) throw std::logic_error("summary declared out of order");
  };
  series(series::mothers_followed, {"mothers_followed", "mothers", "Mothers followed today (born in the last 26 weeks)"});
  series(series::births, {"births", "mothers per day", "Births today"});
  series(series::any_bf_share, {"any_bf_share", "share", "Share of followed mothers breastfeeding at all"});
  series(series::exclusive_bf_share,
         {"exclusive_bf_share", "share", "Share of followed mothers breastfeeding exclusively"});
  series(series::professional_contacts,
         {"professional_contacts", "contacts per day", "Scheduled midwife and health-visitor contacts today"});
  series(series::referrals, {"referrals", "referrals per day", "Mothers referred to a volunteer today"});
  series(series::mothers_waiting,
         {"mothers_waiting", "mothers", "Referred mothers still waiting for a volunteer with free capacity"});
  series(series::peer_contacts, {"peer_contacts", "contacts per day", "Volunteer contacts with mothers today"});
  series(series::volunteers_active, {"volunteers_active", "volunteers", "Volunteers active in the scheme"});
  series(series::volunteer_utilisation,
         {"volunteer_utilisation", "share", "Mothers supported as a share of volunteers' total capacity"});
  const auto per_day = [&](std::size_t index, const char* name, const char* unit, const char* description) {
    series(index, {name, unit, description});
  };
  per_day(series::referrals_withheld, "referrals_withheld", "contacts per day",
          "Contacts with a breastfeeding, unreferred mother at which the professional did not refer (F6)");
  per_day(series::access_granted, "access_granted", "requests per day", "Volunteers' requests for direct access granted (F6)");
  per_day(series::access_refused, "access_refused", "requests per day", "Volunteers' requests for direct access refused (F6)");
  per_day(series::real_transgressions, "real_transgressions", "events per day", "Peer contacts in which the volunteer acted outside the role (F5)");
  per_day(series::perceived_transgressions, "perceived_transgressions", "events per day",
          "Boundary events professionals noticed and took as transgressions, real or not (F5, F7)");
  per_day(series::false_alarms, "false_alarms", "events per day", "Ambiguous acts perceived as transgressions (F5)");
  per_day(series::joint_supports, "joint_supports", "contacts per day",
          "Professional contacts with a mother a volunteer is supporting (F3, F4)");
  per_day(series::knowledge_transfers, "knowledge_transfers", "events per day",
          "Joint cases in which a professional learned from a trusted volunteer (F4)");
  per_day(series::recruits, "recruits", "volunteers per day", "Supported mothers who joined a cohort as volunteers (F8)");
  per_day(series::dropouts, "dropouts", "volunteers per day", "Volunteers who left the scheme");
  per_day(series::mean_confidence, "mean_confidence", "score 0-1", "Mean breastfeeding confidence of followed mothers");
  const char* const score = "score 0-1";
  per_day(series::volunteer_self_esteem, "volunteer_self_esteem", score, "Mean self-esteem of active volunteers (F2)");
  per_day(series::volunteer_social_support, "volunteer_social_support", score, "Mean social support of active volunteers (F1)");
  per_day(series::volunteer_skill, "volunteer_skill", score, "Mean skill of active volunteers (F2)");
  per_day(series::volunteer_autonomy, "volunteer_autonomy", score, "Mean autonomy of active volunteers (F8)");
  per_day(series::volunteer_trust_in_professionals, "volunteer_trust_in_professionals", score,
          "Mean trust of active volunteers in professionals");
  per_day(series::volunteer_felt_surveillance, "volunteer_felt_surveillance", score,
          "Mean surveillance felt by active volunteers (F7)");
  per_day(series::volunteer_commitment, "volunteer_commitment", score, "Mean commitment of active volunteers");
  per_day(series::prof_trust_in_volunteers, "prof_trust_in_volunteers", score,
          "Mean over professionals of their mean trust in the volunteers they work with");
  per_day(series::prof_boundary_concern, "prof_boundary_concern", score, "Mean boundary concern of professionals (F5)");
  per_day(series::prof_gatekeeping, "prof_gatekeeping", score, "Mean gate-keeping of professionals (F6)");
  per_day(series::prof_surveillance, "prof_surveillance", score, "Mean surveillance of professionals (F7)");
  per_day(series::prof_workload, "prof_workload", "ratio to recommended caseload", "Mean workload of professionals (F3)");
  per_day(series::prof_cultural_knowledge, "prof_cultural_knowledge", score,
          "Mean cultural knowledge professionals have learned, over professionals and groups (F4)");
  per_day(series::prof_orientation, "prof_orientation", score, "Mean orientation of professionals: 0 = for, 1 = with (F8)");
  per_day(series::boundary_clarity, "boundary_clarity", score, "Mean boundary clarity over localities (F5, F9)");
  per_day(series::tension_index, "tension_index", score,
          "Tension at the interface: mean of concern, gate-keeping, surveillance, 1 - trust either way and felt "
          "surveillance (volunteer terms left out when there are none)");
  per_day(series::any_bf_share_under_6w, "any_bf_share_under_6w", "share",
          "Share of followed mothers with babies under 6 weeks breastfeeding at all");
  per_day(series::exclusive_bf_share_under_6w, "exclusive_bf_share_under_6w", "share",
          "Share of followed mothers with babies under 6 weeks breastfeeding exclusively");
  per_day(series::any_bf_share_6w_to_6m, "any_bf_share_6w_to_6m", "share",
          "Share of followed mothers with babies from 6 weeks to 6 months breastfeeding at all");
  per_day(series::exclusive_bf_share_6w_to_6m, "exclusive_bf_share_6w_to_6m", "share",
          "Share of followed mothers with babies from 6 weeks to 6 months breastfeeding exclusively");

  const char* const per_mother = "share of mothers";
  summary(summary::mothers_measured,
          {"mothers_measured", "mothers", "Mothers born in the measured window, on whom the outcomes are computed"});
  summary(summary::initiation_rate, {"initiation_rate", per_mother, "Share of mothers who started breastfeeding"});
  summary(summary::any_bf_1w, {"any_bf_1w", per_mother, "Share of mothers breastfeeding at all at 1 week (day 7)", kAge1Week, "1 week"});
  summary(summary::any_bf_6w, {"any_bf_6w", per_mother, "Share of mothers breastfeeding at all at 6 weeks (day 42)", kAge6Weeks, "6 weeks"});
  summary(summary::any_bf_3m, {"any_bf_3m", per_mother, "Share of mothers breastfeeding at all at 3 months (day 91)", kAge3Months, "3 months"});
  summary(summary::any_bf_4m, {"any_bf_4m", per_mother, "Share of mothers breastfeeding at all at 4 months (day 122)", kAge4Months, "4 months"});
  summary(summary::any_bf_6m, {"any_bf_6m", per_mother, "Share of mothers breastfeeding at all at 6 months (day 182)", kAge6Months, "6 months"});
  summary(summary::excl_bf_1w, {"excl_bf_1w", per_mother, "Share of mothers breastfeeding exclusively at 1 week", kAge1Week, "1 week"});
  summary(summary::excl_bf_6w, {"excl_bf_6w", per_mother, "Share of mothers breastfeeding exclusively at 6 weeks", kAge6Weeks, "6 weeks"});
  summary(summary::excl_bf_3m, {"excl_bf_3m", per_mother, "Share of mothers breastfeeding exclusively at 3 months", kAge3Months, "3 months"});
  summary(summary::excl_bf_4m, {"excl_bf_4m", per_mother, "Share of mothers breastfeeding exclusively at 4 months", kAge4Months, "4 months"});
  summary(summary::excl_bf_6m, {"excl_bf_6m", per_mother, "Share of mothers breastfeeding exclusively at 6 months", kAge6Months, "6 months"});
  summary(summary::reached_by_volunteer,
          {"reached_by_volunteer", per_mother, "Share of mothers with at least one peer-support contact"});
  summary(summary::peer_contacts_per_mother,
          {"peer_contacts_per_mother", "contacts per mother", "Peer-support contacts per mother (all mothers)"});
  summary(summary::referrals_per_mother,
          {"referrals_per_mother", "referrals per mother", "Referrals to a volunteer per mother (all mothers)"});
  summary(summary::any_bf_10d, {"any_bf_10d", per_mother, "Share of mothers breastfeeding at all at 10 days", kAge10Days, "10 days"});
  summary(summary::excl_bf_10d, {"excl_bf_10d", per_mother, "Share of mothers breastfeeding exclusively at 10 days", kAge10Days, "10 days"});
  summary(summary::any_bf_12w, {"any_bf_12w", per_mother, "Share of mothers breastfeeding at all at 12 weeks (day 84)", kAge12Weeks, "12 weeks"});
  summary(summary::excl_bf_12w, {"excl_bf_12w", per_mother, "Share of mothers breastfeeding exclusively at 12 weeks", kAge12Weeks, "12 weeks"});
  summary(summary::network_team_mean_degree,
          {"network_team_mean_degree", "colleagues", "Mean number of team ties per professional (graph layer 'team')"});
  summary(summary::network_team_clustering,
          {"network_team_clustering", "coefficient", "Mean local clustering of the professionals' team layer"});
  summary(summary::network_team_components,
          {"network_team_components", "components", "Connected components of the team layer (at least one per locality)"});
  summary(summary::network_cohort_mean_degree,
          {"network_cohort_mean_degree", "volunteers", "Mean number of cohort ties per volunteer (layer 'cohort')"});
  summary(summary::network_cohort_clustering,
          {"network_cohort_clustering", "coefficient", "Mean local clustering of the volunteers' cohort layer"});
  summary(summary::network_working_ties_per_volunteer,
          {"network_working_ties_per_volunteer", "professionals",
           "Mean number of professionals a volunteer works with (layer 'working')"});
  const char* const measured_days = " over the measured days (from measurement.from)";
  const auto mean_of = [&](std::size_t index, const char* name, const char* unit, std::string what) {
    summary(index, {name, unit, what + measured_days});
  };
  summary(summary::volunteers_active_end, {"volunteers_active_end", "volunteers", "Volunteers active on the last day"});
  summary(summary::volunteer_retention_1y,
          {"volunteer_retention_1y", "share of volunteers",
           "Share of volunteers who joined at least a year before the end and were still active a year after joining"});
  mean_of(summary::mean_volunteer_self_esteem, "mean_volunteer_self_esteem", score, "Mean self-esteem of active volunteers");
  mean_of(summary::mean_trust_prof_in_vol, "mean_trust_prof_in_vol", score, "Mean trust of professionals in volunteers");
  mean_of(summary::mean_trust_vol_in_prof, "mean_trust_vol_in_prof", score, "Mean trust of volunteers in professionals");
  mean_of(summary::mean_boundary_concern, "mean_boundary_concern", score, "Mean boundary concern of professionals");
  mean_of(summary::mean_gatekeeping, "mean_gatekeeping", score, "Mean gate-keeping of professionals");
  mean_of(summary::mean_surveillance, "mean_surveillance", score, "Mean surveillance of professionals");
  mean_of(summary::perceived_transgressions, "perceived_transgressions", "events per year", "Perceived transgressions");
  mean_of(summary::false_alarms, "false_alarms", "events per year", "False alarms (ambiguous acts perceived as transgressions)");
  mean_of(summary::real_transgressions, "real_transgressions", "events per year", "Real transgressions");
  mean_of(summary::prof_cultural_knowledge, "prof_cultural_knowledge", score, "Mean cultural knowledge of professionals");
  mean_of(summary::prof_workload, "prof_workload", "ratio to recommended caseload", "Mean workload of professionals");
  mean_of(summary::tension_index, "tension_index", score, "Mean tension index");
  return c;
}

}  // namespace

const sim::OutputCatalog& output_catalog() {
  static const sim::OutputCatalog catalog = build_catalog();
  return catalog;
}

}  // namespace models
