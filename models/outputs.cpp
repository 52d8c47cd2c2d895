#include "models/outputs.hpp"

#include <stdexcept>

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

  const char* const per_mother = "share of mothers";
  summary(summary::mothers_measured,
          {"mothers_measured", "mothers", "Mothers born in the measured window, on whom the outcomes are computed"});
  summary(summary::initiation_rate, {"initiation_rate", per_mother, "Share of mothers who started breastfeeding"});
  summary(summary::any_bf_1w, {"any_bf_1w", per_mother, "Share of mothers breastfeeding at all at 1 week (day 7)"});
  summary(summary::any_bf_6w, {"any_bf_6w", per_mother, "Share of mothers breastfeeding at all at 6 weeks (day 42)"});
  summary(summary::any_bf_3m, {"any_bf_3m", per_mother, "Share of mothers breastfeeding at all at 3 months (day 91)"});
  summary(summary::any_bf_4m, {"any_bf_4m", per_mother, "Share of mothers breastfeeding at all at 4 months (day 122)"});
  summary(summary::any_bf_6m, {"any_bf_6m", per_mother, "Share of mothers breastfeeding at all at 6 months (day 182)"});
  summary(summary::excl_bf_1w, {"excl_bf_1w", per_mother, "Share of mothers breastfeeding exclusively at 1 week"});
  summary(summary::excl_bf_6w, {"excl_bf_6w", per_mother, "Share of mothers breastfeeding exclusively at 6 weeks"});
  summary(summary::excl_bf_3m, {"excl_bf_3m", per_mother, "Share of mothers breastfeeding exclusively at 3 months"});
  summary(summary::excl_bf_4m, {"excl_bf_4m", per_mother, "Share of mothers breastfeeding exclusively at 4 months"});
  summary(summary::excl_bf_6m, {"excl_bf_6m", per_mother, "Share of mothers breastfeeding exclusively at 6 months"});
  summary(summary::reached_by_volunteer,
          {"reached_by_volunteer", per_mother, "Share of mothers with at least one peer-support contact"});
  summary(summary::peer_contacts_per_mother,
          {"peer_contacts_per_mother", "contacts per mother", "Peer-support contacts per mother (all mothers)"});
  summary(summary::referrals_per_mother,
          {"referrals_per_mother", "referrals per mother", "Referrals to a volunteer per mother (all mothers)"});
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
  return c;
}

}  // namespace

const sim::OutputCatalog& output_catalog() {
  static const sim::OutputCatalog catalog = build_catalog();
  return catalog;
}

}  // namespace models
