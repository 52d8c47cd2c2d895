#include "models/parameters.hpp"

#include "sim/quantity.hpp"

namespace models {
namespace {

using sim::ParameterKind;
using sim::ParameterSpec;
using sim::Provenance;
using sim::Source;

const char* const kIfs2010 =
    "Infant Feeding Survey 2010 (McAndrew et al., Health and Social Care Information Centre, 2012), "
    "UK prevalence among all mothers";
const char* const kStudy =
    "Breastfriends study (Midwifery 2007;23(2):146-56): 7 volunteers, 9 midwives and health visitors";

Source data(std::string reference) { return {Provenance::data, std::move(reference)}; }
Source assumption(std::string rationale) { return {Provenance::assumption, std::move(rationale)}; }
Source setting(std::string note) { return {Provenance::setting, std::move(note)}; }

ParameterSpec share(std::string path, double value, std::string description, Source source, std::string finding = {},
                    bool runtime = false) {
  return {.path = std::move(path), .kind = ParameterKind::real, .default_value = value, .unit = "share", .min = 0.0,
          .max = 1.0, .description = std::move(description), .source = std::move(source),
          .finding = std::move(finding), .runtime_changeable = runtime};
}

void declare_run_settings(sim::ParameterRegistry& r) {
  r.add({.path = "name", .kind = ParameterKind::text, .description = "Short name of the scenario, used in reports",
         .source = setting("chosen by the author of the scenario")});
  r.add({.path = "description", .kind = ParameterKind::text, .default_value = std::string{},
         .description = "The question the scenario answers, in a sentence or two",
         .source = setting("chosen by the author of the scenario")});
  r.add({.path = "seed", .kind = ParameterKind::integer, .default_value = 1.0, .unit = "1", .min = 0.0,
         .max = 9007199254740992.0, .description = "Base random seed; replicate r runs with a seed derived from it",
         .source = setting("any whole number; equal seeds give common random numbers across scenarios"),
         .describes_run_plan = true});
  r.add({.path = "replicates", .kind = ParameterKind::integer, .default_value = 20.0, .unit = "runs", .min = 1.0,
         .max = 1'000'000.0, .description = "Number of replicate runs (different seeds, same parameters)",
         .source = setting("20 gives 95% intervals of about +-1 point on breastfeeding shares at town scale"),
         .describes_run_plan = true});
  r.add({.path = "horizon", .kind = ParameterKind::duration, .default_value = 3 * sim::kDaysPerYear, .unit = "days",
         .min = 1.0, .max = 100 * sim::kDaysPerYear, .description = "Simulated time from the start of the scheme",
         .source = setting("3 years covers several training cohorts")});
  r.add({.path = "measurement.from", .kind = ParameterKind::duration, .default_value = 0.0, .unit = "days",
         .min = 0.0, .max = 100 * sim::kDaysPerYear,
         .description = "Mothers born from this day on (and early enough to reach 26 weeks) count in the summary "
                        "outcomes",
         .source = setting("0 measures the scheme from its start; later days skip its start-up")});
}

void declare_population(sim::ParameterRegistry& r) {
  r.add({.path = "population.births", .kind = ParameterKind::rate, .default_value = 3000.0 / sim::kDaysPerYear,
         .unit = "per day", .min = 0.0, .max = 10'000.0, .description = "Births in the area (Poisson)",
         .source = data("about 3,000-3,500 births a year in Doncaster (ONS births by area of usual residence)")});
  r.add({.path = "population.localities", .kind = ParameterKind::integer, .default_value = 4.0, .unit = "localities",
         .min = 1.0, .max = 10'000.0,
         .description = "Localities (team areas): professionals, volunteers and mothers belong to one",
         .source = assumption("a town divided into a few community midwifery and health-visiting teams")});
  r.add({.path = "population.cultural_groups", .kind = ParameterKind::shares,
         .default_value = sim::Shares{{"majority", 0.9}, {"minority", 0.1}}, .unit = "share",
         .description = "Cultural groups of mothers and volunteers and their shares",
         .source = assumption("a majority group and one minority group; set from the local census"), .finding = "F4"});
}

void declare_feeding(sim::ParameterRegistry& r) {
  r.add(share("feeding.initiation", 0.81, "Share of mothers who start breastfeeding at birth", data(kIfs2010)));
  r.add(share("feeding.exclusive_at_birth", 0.69, "Share of all mothers breastfeeding exclusively at birth",
              data(kIfs2010)));
  r.add(share("feeding.any_1w", 0.69, "Share of all mothers breastfeeding at all at 1 week, under usual care",
              data(kIfs2010)));
  r.add(share("feeding.any_6w", 0.55, "Share of all mothers breastfeeding at all at 6 weeks, under usual care",
              data(kIfs2010)));
  r.add(share("feeding.any_6m", 0.34, "Share of all mothers breastfeeding at all at 6 months, under usual care",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_1w", 0.46, "Share of all mothers breastfeeding exclusively at 1 week",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_6w", 0.23, "Share of all mothers breastfeeding exclusively at 6 weeks",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_3m", 0.17, "Share of all mothers breastfeeding exclusively at 3 months",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_4m", 0.12, "Share of all mothers breastfeeding exclusively at 4 months",
              data(kIfs2010)));
  r.add(share("feeding.exclusive_6m", 0.01, "Share of all mothers breastfeeding exclusively at 6 months",
              data(kIfs2010 + std::string(" ('about 1%')"))));
  r.add(share("feeding.exclusive_exit_to_none", 0.1,
              "Of mothers who stop breastfeeding exclusively, the share who stop breastfeeding altogether that day "
              "(the rest add formula)",
              assumption("most mothers introduce formula before stopping; IFS reports no direct figure")));
}

void declare_professionals(sim::ParameterRegistry& r) {
  r.add({.path = "professionals.midwives", .kind = ParameterKind::integer, .default_value = 90.0, .unit = "midwives",
         .min = 0.0, .max = 1'000'000.0, .description = "Community midwives (full-time equivalents)",
         .source = data("about 33-34 births per full-time midwife per year (Royal College of Midwives); "
                        "3,000 births / 33"),
         .finding = "F3"});
  r.add({.path = "professionals.health_visitors", .kind = ParameterKind::integer, .default_value = 60.0,
         .unit = "health visitors", .min = 0.0, .max = 1'000'000.0,
         .description = "Health visitors (full-time equivalents)",
         .source = assumption("caseloads of 250-300 families recommended (Unite/CPHVA); set locally"),
         .finding = "F3"});
  r.add({.path = "professionals.midwife_visits", .kind = ParameterKind::duration_list,
         .default_value = std::vector<double>{1.0, 5.0, 10.0}, .unit = "days of age", .min = 0.0, .max = 182.0,
         .description = "Ages of the mother's baby at the scheduled postnatal midwife contacts",
         .source = assumption("NICE CG37 postnatal care: midwife contacts in the first 10 days"), .finding = "F3"});
  r.add({.path = "professionals.health_visitor_visits", .kind = ParameterKind::duration_list,
         .default_value = std::vector<double>{12.0, 42.0}, .unit = "days of age", .min = 0.0, .max = 182.0,
         .description = "Ages at the scheduled health-visitor contacts (new-birth visit, 6-8 week review)",
         .source = data("Healthy Child Programme: new-birth visit at 10-14 days, review at 6-8 weeks"),
         .finding = "F3"});
  r.add(share("professionals.initial.gatekeeping", 0.5,
              "Professionals' initial propensity to withhold referral of a mother to a volunteer (0 = refer freely, "
              "1 = never refer)",
              assumption("the study describes some gate-keeping; no measured value"), "F6", true));
  r.add(share("professionals.referral_probability", 0.5,
              "Chance that a professional with no gate-keeping refers a breastfeeding mother to a volunteer at a "
              "scheduled contact",
              assumption("no data on referral rates; a candidate for sensitivity analysis"), "F3, F6", true));
  r.add({.path = "professionals.contact_hazard_ratio", .kind = ParameterKind::real, .default_value = 1.0,
         .unit = "ratio", .min = 0.0, .max = 10.0,
         .description = "Relative hazard of stopping breastfeeding during the protection period after a professional "
                        "contact, beyond usual care",
         .source = assumption("1: the IFS curves already include usual professional care")});
}

void declare_volunteers(sim::ParameterRegistry& r) {
  r.add({.path = "volunteers.initial", .kind = ParameterKind::integer, .default_value = 7.0, .unit = "volunteers",
         .min = 0.0, .max = 1'000'000.0, .description = "Trained volunteer peer supporters at the start",
         .source = data(kStudy), .finding = "F1"});
  r.add({.path = "volunteers.capacity", .kind = ParameterKind::integer, .default_value = 6.0, .unit = "mothers",
         .min = 1.0, .max = 100.0, .description = "Mothers a volunteer supports at one time",
         .source = data("schemes report a few to ten mothers per volunteer at a time (model brief)")});
  r.add({.path = "volunteers.training.every", .kind = ParameterKind::duration, .default_value = 6 * sim::kDaysPerMonth,
         .unit = "days", .min = 1.0, .max = 100 * sim::kDaysPerYear,
         .description = "Time between training cohorts of new volunteers",
         .source = assumption("two courses a year"), .finding = "F8"});
  r.add({.path = "volunteers.training.size", .kind = ParameterKind::integer, .default_value = 3.0,
         .unit = "volunteers", .min = 0.0, .max = 100'000.0,
         .description = "New volunteers who complete each training course",
         .source = data("about a third of interested women complete training (model brief): 8-10 start, ~3 finish"),
         .finding = "F8"});
  r.add({.path = "volunteers.training.first", .kind = ParameterKind::duration,
         .default_value = 6 * sim::kDaysPerMonth, .unit = "days", .min = 0.0, .max = 100 * sim::kDaysPerYear,
         .description = "Day the first new cohort finishes training", .source = assumption("six months in"),
         .finding = "F8"});
}

void declare_scheme(sim::ParameterRegistry& r) {
  r.add({.path = "scheme.peer_support", .kind = ParameterKind::boolean, .default_value = true,
         .description = "Whether the peer-support scheme runs at all (false: usual care only)",
         .source = setting("switch for the no-peer-support comparison")});
  r.add({.path = "scheme.referral_policy", .kind = ParameterKind::choice,
         .default_value = std::string("professional_judgement"),
         .choices = {"professional_judgement", "opt_out"},
         .description = "How mothers reach volunteers: referred at professionals' discretion, or all breastfeeding "
                        "mothers referred unless they decline (opt-out)",
         .source = setting("policy lever"), .finding = "F6", .runtime_changeable = true});
  r.add({.path = "scheme.contact_schedule.mode", .kind = ParameterKind::choice, .default_value = std::string("proactive"),
         .choices = {"proactive", "reactive"},
         .description = "Proactive: volunteers make scheduled contacts; reactive: only when the mother asks",
         .source = data("McFadden et al. 2017 Cochrane CD001141: proactive support is more effective"),
         .runtime_changeable = true});
  r.add({.path = "scheme.contact_schedule.contacts", .kind = ParameterKind::integer, .default_value = 4.0,
         .unit = "contacts", .min = 1.0, .max = 50.0,
         .description = "Peer contacts per supported mother (the most she gets when reactive)",
         .source = data("McFadden et al. 2019 Int Breastfeed J 14:42: at least 4 postnatal contacts"),
         .runtime_changeable = true});
  r.add({.path = "scheme.contact_schedule.first_within", .kind = ParameterKind::duration, .default_value = 2.0,
         .unit = "days", .min = 1.0, .max = 60.0, .description = "Time from referral to the first proactive contact",
         .source = data("first contact within 48 hours of referral (model brief)"), .runtime_changeable = true});
  r.add({.path = "scheme.contact_schedule.interval", .kind = ParameterKind::duration, .default_value = 7.0,
         .unit = "days", .min = 1.0, .max = 182.0, .description = "Time between proactive peer contacts",
         .source = assumption("weekly contacts in the early weeks"), .runtime_changeable = true});
  r.add({.path = "scheme.contact_schedule.request_rate", .kind = ParameterKind::rate, .default_value = 0.05,
         .unit = "per day", .min = 0.0, .max = 1.0,
         .description = "Under reactive support, how often a mother with a volunteer asks for a contact",
         .source = assumption("about one request in three weeks"), .runtime_changeable = true});
}

void declare_peer_support(sim::ParameterRegistry& r) {
  r.add({.path = "peer_support.hazard_ratio", .kind = ParameterKind::real, .default_value = 0.6, .unit = "ratio",
         .min = 0.0, .max = 10.0,
         .description = "Relative hazard of stopping breastfeeding (any or exclusive) during the protection period "
                        "after a peer contact",
         .source = assumption("set so proactive support gives a relative risk near 0.77 at 6 weeks "
                              "(McFadden et al. 2019); recalibrated with the full model")});
  r.add({.path = "support.protection", .kind = ParameterKind::duration, .default_value = 14.0, .unit = "days",
         .min = 0.0, .max = 182.0,
         .description = "How long a supportive contact (peer or professional) keeps its hazard ratio in force",
         .source = assumption("about two weeks")});
}

void declare_network(sim::ParameterRegistry& r) {
  r.add({.path = "network.team_neighbours", .kind = ParameterKind::integer, .default_value = 4.0, .unit = "colleagues",
         .min = 0.0, .max = 100.0,
         .description = "Close colleagues of each professional in the locality team (small-world ring, even)",
         .source = assumption("small community teams; concern spreads over these ties"), .finding = "F5"});
  r.add(share("network.team_rewiring", 0.1,
              "Chance that a team tie links to another colleague of the locality at random (small-world rewiring)",
              assumption("Watts-Strogatz default for clustered but short-path teams"), "F5"));
  r.add(share("network.cohort_tie_probability", 0.8,
              "Chance that two volunteers trained in the same group (at most 12) become friends (dense within a cohort)",
              assumption("training groups of a few women mostly bond"), "F1"));
  r.add(share("network.working_tie_probability", 0.3,
              "Chance that a professional and a volunteer of the same locality work together",
              assumption("a few working relationships per volunteer"), "F6"));
}

sim::ParameterRegistry build_registry() {
  sim::ParameterRegistry registry;
  declare_run_settings(registry);
  declare_population(registry);
  declare_feeding(registry);
  declare_professionals(registry);
  declare_volunteers(registry);
  declare_scheme(registry);
  declare_peer_support(registry);
  declare_network(registry);
  return registry;
}

}  // namespace

const sim::ParameterRegistry& parameter_registry() {
  static const sim::ParameterRegistry registry = build_registry();
  return registry;
}

}  // namespace models
