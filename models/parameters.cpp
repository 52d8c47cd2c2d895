#include "models/parameters.hpp"

#include "models/scheme.hpp"
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

ParameterSpec share(std::string path, double value, std::string description, Source source, std::string finding = {}) {
  return {.path = std::move(path), .kind = ParameterKind::real, .default_value = value, .unit = "share", .min = 0.0,
          .max = 1.0, .description = std::move(description), .source = std::move(source),
          .finding = std::move(finding)};
}

ParameterSpec number(std::string path, double value, std::string unit, double min, double max,
                     std::string description, Source source, std::string finding = {}) {
  return {.path = std::move(path), .kind = ParameterKind::real, .default_value = value, .unit = std::move(unit),
          .min = min, .max = max, .description = std::move(description), .source = std::move(source),
          .finding = std::move(finding)};
}

ParameterSpec daily_rate(std::string path, double per_day, std::string description, Source source,
                         std::string finding = {}) {
  return {.path = std::move(path), .kind = ParameterKind::rate, .default_value = per_day, .unit = "per day",
          .min = 0.0, .max = 1.0, .description = std::move(description), .source = std::move(source),
          .finding = std::move(finding)};
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
              assumption("the study describes some gate-keeping; no measured value"), "F6"));
  r.add(share("professionals.initial.boundary_concern", 0.3, "Professionals' initial concern about volunteers' boundaries",
              assumption("the study describes concern; no measured value"), "F5"));
  r.add(share("professionals.concern_baseline", 0.2, "Level that concern returns to without incidents",
              assumption("no data"), "F5"));
  r.add(share("professionals.initial.trust_in_volunteers", 0.5, "Professionals' initial trust in a volunteer",
              assumption("no data"), "F5"));
  r.add(share("professionals.initial.surveillance", 0.3,
              "Professionals' initial surveillance: the chance of noticing what a volunteer does with their mothers",
              assumption("the study describes surveillance; no measured value"), "F7"));
  r.add(share("professionals.initial.orientation", 0.4,
              "Professionals' initial orientation: 0 = volunteers work for me, 1 = with me",
              assumption("the study: some prefer volunteers to work 'for' them"), "F8"));
  r.add({.path = "professionals.handover_age", .kind = ParameterKind::duration, .default_value = 14.0,
         .unit = "days", .min = 1.0, .max = 182.0,
         .description = "Age of the baby at which the health visitor takes over from the midwife",
         .source = data("midwife care ends at 10-28 days (NICE CG37; Healthy Child Programme)"), .finding = "F3"});
  r.add(number("professionals.recommended_births_per_midwife", 28.0, "births per year", 1.0, 1000.0,
               "Births per full-time midwife per year at which workload is 1",
               data("Birthrate Plus / RCM recommended ratio 1:28"), "F3"));
  r.add(number("professionals.recommended_families_per_health_visitor", 250.0, "families", 1.0, 10000.0,
               "Families (children under 5) per health visitor at which workload is 1",
               data("Unite/CPHVA recommendation of 250-300 families"), "F3"));
  r.add(share("professionals.load_relief", 0.3,
              "Share of a mother's demand on her professional taken over while a volunteer supports her",
              assumption("'spread the load' (study finding F3); no measured value"), "F3"));
  r.add(number("professionals.load_push", 0.5, "per unit of excess workload", 0.0, 10.0,
               "Relative rise of the referral chance per unit of workload above 1",
               assumption("busy professionals refer more (F3)"), "F3"));
  r.add(share("professionals.confidence_gain", 0.3,
              "Share of the gap to full confidence a professional contact closes, times the professional's knowledge "
              "of the mother's culture (learned from volunteers)",
              assumption("usual care is in the baseline; only learned cultural knowledge adds to it"), "F4"));
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
  scheme_parameters().declare(r);  // the settings interventions may change (models/scheme.cpp)
}

void declare_mothers(sim::ParameterRegistry& r) {
  r.add(share("mothers.confidence.baseline", 0.5,
              "Breastfeeding confidence (self-efficacy) of a mother under usual care; support raises it",
              assumption("a mid-scale starting point; only differences from it change the hazard")));
  r.add(number("mothers.confidence.effect", 1.0, "per unit of confidence", 0.0, 20.0,
               "How confidence above the baseline lowers the hazards of stopping: hazard ratio "
               "exp(-effect * (confidence - baseline))",
               {Provenance::calibrated, "proactive support with >= 4 contacts: relative risk of stopping any "
                                        "breastfeeding by 6 weeks about 0.77 (McFadden et al. 2019)"}));
  r.add(daily_rate("mothers.confidence.decay", 0.05,
                   "How fast confidence gained from support falls back towards the baseline",
                   assumption("support wears off over about three weeks")));
}

void declare_peer_support(sim::ParameterRegistry& r) {
  r.add(share("peer_support.confidence_gain", 0.5,
              "Share of the gap to full confidence that one contact by a fully skilled volunteer closes",
              {Provenance::calibrated, "with mothers.confidence.effect, to the McFadden et al. 2019 effect"}));
  r.add(share("peer_support.culture_mismatch", 0.3,
              "How much less a contact achieves when volunteer and mother are of different cultural groups",
              assumption("experiential and cultural knowledge matter (study finding F4)"), "F4"));
  r.add(share("peer_support.autonomy_effect", 0.5,
              "How much more a contact achieves from a fully autonomous volunteer working within clear boundaries "
              "(scaled by autonomy * clarity)",
              assumption("a developing cohort's proactive influence (F8) helps where the role is agreed"), "F8"));
  r.add({.path = "peer_support.direct_access_rate", .kind = ParameterKind::rate, .default_value = 1.0 / 7.0,
         .unit = "per day", .min = 0.0, .max = 10.0,
         .description = "Mothers a volunteer with free capacity meets directly (ward, clinic, group) when access "
                        "is granted, per day at full autonomy",
         .source = assumption("about one a week; volunteers push for access as autonomy grows (F8)"),
         .finding = "F6, F8"});
  r.add(share("peer_support.recruitment", 0.01,
              "Chance that a supported mother still breastfeeding at 26 weeks trains and qualifies as a volunteer "
              "(joins the next cohort)",
              assumption("schemes recruit from supported mothers; about a third of those who start qualify"), "F8"));
}

void declare_interface(sim::ParameterRegistry& r) {
  r.add(share("boundary.transgression_probability", 0.1,
              "Chance that a fully autonomous volunteer acts outside the role in a contact when boundaries are "
              "wholly undefined (scaled by autonomy and 1 - clarity)",
              assumption("no data; a lever for sensitivity analysis"), "F5, F8"));
  r.add(share("boundary.ambiguity_probability", 0.3,
              "Chance that an ordinary act in a contact is ambiguous when boundaries are wholly undefined (scaled "
              "by 1 - clarity)",
              assumption("no data"), "F5"));
  r.add(share("concern.jump", 0.2, "Share of the gap to full concern added by one perceived transgression",
              assumption("no data"), "F5"));
  r.add(daily_rate("concern.spread", 0.05, "Daily weight of colleagues' mean concern in a professional's own (team layer)",
                   assumption("opinion averaging in small teams"), "F5"));
  r.add(daily_rate("concern.decay", 0.003, "Daily return of concern towards professionals.concern_baseline",
                   assumption("concern fades over about a year without new incidents, slowly enough for "
                              "perceived transgressions to build it up (the tension loop, P4)"), "F5"));
  r.add(share("trust.drop", 0.2, "Share of a professional's trust in a volunteer lost per perceived transgression",
              assumption("no data"), "F5"));
  r.add(share("trust.gain", 0.05,
              "Share of the gap to full trust in a volunteer gained when a mother they both support ends her peer "
              "support still breastfeeding",
              assumption("good outcomes build trust slowly"), "F3, F5"));
  r.add(daily_rate("control.rate", 0.02, "Daily speed at which gate-keeping and surveillance follow their targets",
                   assumption("practice changes over weeks"), "F6, F7"));
  r.add(share("control.concern_weight", 0.6, "Weight of concern (above baseline) in gate-keeping and surveillance targets",
              assumption("no data"), "F6, F7"));
  r.add(share("control.trust_weight", 0.4, "Weight of trust (around 0.5) in the gate-keeping target",
              assumption("no data"), "F6"));
  r.add(share("control.orientation_weight", 0.3, "Weight of orientation (around 0.5) in gate-keeping and surveillance targets",
              assumption("no data"), "F6, F8"));
  r.add(share("orientation.joint_gain", 0.05,
              "Share of the gap to 'with' closed per successful joint case (working with volunteers)",
              assumption("no data"), "F8"));
  r.add(daily_rate("orientation.concern_pull", 0.005, "Daily pull towards 'for' per unit of concern",
                   assumption("no data"), "F8"));
  r.add(share("learning.threshold", 0.5,
              "Trust in a volunteer above which a professional works 'with' her and learns from joint cases",
              assumption("no data"), "F4"));
  r.add(share("learning.rate", 0.05,
              "Share of the gap to full cultural knowledge of a group learned per joint case with a trusted volunteer",
              assumption("no data"), "F4"));
}

void declare_experience(sim::ParameterRegistry& r) {
  const Source none = assumption("no data; a candidate for sensitivity analysis");
  r.add(share("volunteers.on_joining.self_esteem", 0.5, "Self-esteem of a newly trained volunteer", none, "F2"));
  r.add(share("volunteers.on_joining.social_support", 0.4, "Social support of a newly trained volunteer", none, "F1"));
  r.add(share("volunteers.on_joining.skill", 0.5, "Skill and knowledge of a newly trained volunteer", none, "F2"));
  r.add(share("volunteers.on_joining.autonomy", 0.2, "Autonomy (proactivity) of a newly trained volunteer", none, "F8"));
  r.add(share("volunteers.on_joining.trust_in_professionals", 0.6, "A new volunteer's trust in professionals", none));
  r.add(share("volunteers.on_joining.commitment", 0.7, "Commitment of a newly trained volunteer", none));
  r.add(share("volunteers.esteem_gain", 0.02, "Share of the gap to full self-esteem gained per mother helped", none, "F2"));
  r.add(share("volunteers.skill_gain", 0.01, "Share of the gap to full skill gained per contact", none, "F2"));
  r.add(daily_rate("volunteers.autonomy_growth", 0.003,
                   "Daily growth of autonomy, scaled by self-esteem (semi-autonomous development)", none, "F8"));
  r.add(daily_rate("volunteers.surveillance_cost", 0.01,
                   "Daily loss of self-esteem, autonomy and trust in professionals per unit of felt surveillance",
                   none, "F7"));
  r.add(daily_rate("volunteers.support_rate", 0.02, "Daily speed at which social support follows cohort ties", none, "F1"));
  r.add(number("volunteers.support_half", 2.0, "ties", 0.1, 100.0,
               "Active cohort ties that give half of full social support", none, "F1"));
  r.add(share("volunteers.trust_gain", 0.02, "Share of the gap to full trust in professionals gained per referral received",
              none, "F6"));
  r.add(daily_rate("volunteers.commitment_rate", 0.02,
                   "Daily speed at which commitment follows the mean of self-esteem, support, use and trust", none));
  r.add({.path = "volunteers.dropout_rate", .kind = ParameterKind::rate, .default_value = 1.0 / sim::kDaysPerYear,
         .unit = "per day", .min = 0.0, .max = 1.0,
         .description = "Dropout hazard of a volunteer with no commitment; it falls as (1 - commitment)^2",
         .source = assumption("peer-support schemes report losing many volunteers within a year"), .finding = "F8"});
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

void declare_development(sim::ParameterRegistry& r) {
  const Source none = assumption("no data; the study recommends such a process (F9) without measuring it");
  r.add(share("development.concern_relief", 0.3,
              "Share of a professional's concern above the baseline that one joint meeting diffuses", none, "F9"));
  r.add(share("development.trust_gain", 0.1,
              "Share of the gap to full trust gained between professionals and volunteers who meet", none, "F9"));
  r.add(share("development.orientation_gain", 0.1,
              "Share of the gap to working 'with' volunteers closed per meeting attended", none, "F8, F9"));
  r.add(share("development.clarity_gain", 0.05,
              "Share of the gap to fully agreed boundaries closed per meeting in the locality", none, "F5, F9"));
  r.add(share("development.support_gain", 0.1,
              "Share of the gap to full social support and self-esteem a volunteer gains per meeting", none, "F1, F2, F9"));
}

void declare_interventions(sim::ParameterRegistry& r) {
  using sim::InterventionKind;
  r.add_intervention({.name = "development_process",
                      .description = "Joint meetings of volunteers and professionals every k days: diffuse concern, "
                                     "agree boundaries, build trust, support volunteers",
                      .finding = "F9",
                      .fields = {{.path = "every", .kind = ParameterKind::duration, .default_value = 28.0,
                                  .unit = "days", .min = 1.0, .max = 3652.5, .description = "Time between meetings",
                                  .source = setting("policy lever")},
                                 share("attendance", 0.6, "Chance that each professional and volunteer attends a meeting",
                                       setting("policy lever"))}});
  r.add_intervention({.name = "boundary_protocol",
                      .description = "A written, agreed definition of the volunteer role: boundary clarity rises to "
                                     "the given level at the start",
                      .finding = "F5",
                      .setters = {{"clarity", "scheme.boundary_clarity"}}});
  r.add_intervention({.name = "guaranteed_ward_access",
                      .description = "Volunteers may always meet mothers on the ward and in clinics",
                      .finding = "F6",
                      .fixed = {{"scheme.ward_access", "guaranteed"}}});
  r.add_intervention({.name = "opt_out_referral",
                      .description = "Every breastfeeding mother is referred unless she declines",
                      .finding = "F6",
                      .fixed = {{"scheme.referral_policy", "opt_out"}}});
  r.add_intervention({.name = "contact_schedule",
                      .description = "A different peer contact schedule (proactive or reactive, contacts, timing)",
                      .setters = {{"mode", "scheme.contact_schedule.mode"},
                                  {"contacts", "scheme.contact_schedule.contacts"},
                                  {"first_within", "scheme.contact_schedule.first_within"},
                                  {"interval", "scheme.contact_schedule.interval"},
                                  {"request_rate", "scheme.contact_schedule.request_rate"}}});
  r.add_intervention({.name = "extra_training_cohort",
                      .description = "An extra cohort of newly trained volunteers joins at the start",
                      .finding = "F8",
                      .fields = {{.path = "size", .kind = ParameterKind::integer, .default_value = 8.0,
                                  .unit = "volunteers", .min = 1.0, .max = 100'000.0,
                                  .description = "Volunteers in the extra cohort", .source = setting("policy lever")}}});
  r.add_intervention({.name = "surveillance_policy",
                      .description = "A cap on professionals' surveillance of volunteers (light-touch supervision)",
                      .finding = "F7",
                      .setters = {{"max_surveillance", "professionals.surveillance_max"}}});
  r.add_intervention({.name = "set",
                      .description = "Sets any parameter that can change during a run, for the given period",
                      .free_settings = true});
}

sim::ParameterRegistry build_registry() {
  sim::ParameterRegistry registry;
  declare_run_settings(registry);
  declare_population(registry);
  declare_feeding(registry);
  declare_professionals(registry);
  declare_volunteers(registry);
  declare_scheme(registry);
  declare_mothers(registry);
  declare_peer_support(registry);
  declare_interface(registry);
  declare_experience(registry);
  declare_network(registry);
  declare_development(registry);
  declare_interventions(registry);
  return registry;
}

}  // namespace

const sim::ParameterRegistry& parameter_registry() {
  static const sim::ParameterRegistry registry = build_registry();
  return registry;
}

const std::vector<std::string>& classroom_levers() {
  static const std::vector<std::string> levers{
      "scheme.boundary_clarity",           "professionals.initial.gatekeeping", "professionals.surveillance_max",
      "professionals.initial.surveillance", "scheme.referral_policy",          "professionals.referral_probability",
      "scheme.ward_access",                "scheme.contact_schedule.mode",      "scheme.contact_schedule.contacts",
      "professionals.initial.boundary_concern"};
  return levers;
}

}  // namespace models
