// Volunteer experience (F1, F2, F7, F8): felt surveillance is the mean
// surveillance of the professionals a volunteer works with. Helping mothers
// raises self-esteem and skill; cohort ties give social support; self-esteem
// grows autonomy (semi-autonomous development); surveillance wears down
// self-esteem, autonomy and trust in professionals. Commitment follows
// self-esteem, support, being used and trust; dropout falls with it.
// Tenure (F2, F8): experience accumulates with months of service and with
// contacts, and speeds autonomy growth, consolidates skill and adds to social
// support and commitment, so the volunteers who stay grow into the role.
// Reads the professionals' state of day t; each volunteer's update reads
// only her own values, so updating in place is read-then-write.
#include <algorithm>
#include <array>
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "sim/quantity.hpp"
#include "sim/sparse_scan.hpp"
#include "sim/statistics.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

// Community health-volunteer programmes lose 9-53% of their volunteers a year
// (scoping review of 35 studies: Rajaa & Palanisamy, Indian J Med Ethics 2022,
// doi:10.20529/IJME.2022.079; lay health workers: Nkonki et al., Bull WHO
// 2011;89:919-23). The default puts the model's one-year retention near the
// middle of that range (about 0.7 in breastfriends and integrated at seed 2026);
// tests/models/test_volunteer_science.cpp checks it stays within the range.
constexpr double kDropoutRate = 0.025;
const char* const kAttritionTarget =
    "one-year retention within 0.47-0.91: community health-volunteer programmes lose 9-53% a year (Rajaa & "
    "Palanisamy 2022, doi:10.20529/IJME.2022.079); set by hand near the middle (~30%)";

struct ExperienceParameters {
  double esteem_gain;  // volunteers.esteem_gain
  double skill_gain;  // volunteers.skill_gain
  double autonomy_growth;  // volunteers.autonomy_growth
  double surveillance_cost;  // volunteers.surveillance_cost
  double support_rate;  // volunteers.support_rate
  double support_half;  // volunteers.support_half
  double trust_gain;  // volunteers.trust_gain
  double commitment_rate;  // volunteers.commitment_rate
  double dropout_rate;  // volunteers.dropout_rate
  double experience_time;  // volunteers.tenure.time_scale
  double experience_contacts;  // volunteers.tenure.contacts_scale
  double tenure_autonomy;  // volunteers.tenure.autonomy
  double tenure_skill;  // volunteers.tenure.skill
  double tenure_support;  // volunteers.tenure.support
  double tenure_commitment;  // volunteers.tenure.commitment
  bool tenure;  // mechanisms.tenure
  bool autonomy_grows;  // mechanisms.autonomy_growth
  bool surveillance_wears;  // mechanisms.surveillance_wears_volunteers
  bool cohort_support;  // mechanisms.cohort_support
};

sim::ParameterBlock<ExperienceParameters> declare_experience_parameters() {
  using namespace declare;
  const sim::Source none = assumption("no data; a candidate for sensitivity analysis");
  sim::ParameterBlock<ExperienceParameters> block;
  block.bind(&ExperienceParameters::esteem_gain, share("volunteers.esteem_gain", 0.02, "Share of the gap to full self-esteem gained per mother helped", none, "F2"));
  block.bind(&ExperienceParameters::skill_gain, share("volunteers.skill_gain", 0.01, "Share of the gap to full skill gained per contact", none, "F2"));
  block.bind(&ExperienceParameters::autonomy_growth, daily_rate("volunteers.autonomy_growth", 0.003,
                   "Daily growth of autonomy, scaled by self-esteem (semi-autonomous development)", none, "F8"));
  block.bind(&ExperienceParameters::surveillance_cost, daily_rate("volunteers.surveillance_cost", 0.01,
                   "Daily loss of self-esteem, autonomy and trust in professionals per unit of felt surveillance",
                   none, "F7"));
  block.bind(&ExperienceParameters::support_rate, daily_rate("volunteers.support_rate", 0.02, "Daily speed at which social support follows cohort ties", none, "F1"));
  block.bind(&ExperienceParameters::support_half, number("volunteers.support_half", 2.0, "ties", 0.1, 100.0,
               "Active cohort ties that give half of full social support", none, "F1"));
  block.bind(&ExperienceParameters::trust_gain, share("volunteers.trust_gain", 0.02, "Share of the gap to full trust in professionals gained per referral received",
              none, "F6"));
  block.bind(&ExperienceParameters::commitment_rate, daily_rate("volunteers.commitment_rate", 0.02,
                   "Daily speed at which commitment follows the mean of self-esteem, support, use and trust", none));
  block.bind(&ExperienceParameters::dropout_rate, {.path = "volunteers.dropout_rate", .kind = ParameterKind::rate, .default_value = kDropoutRate,
         .unit = "per day", .min = 0.0, .max = 1.0,
         .description = "Dropout hazard of a volunteer with no commitment; it falls as (1 - commitment)^2",
         .source = calibrated(kAttritionTarget), .finding = "F8"});
  const sim::Source tenure = assumption(
      "the study: a developing cohort gains benefits beyond those planned (F8) and personal development (F2); "
      "no measured rates, a candidate for sensitivity analysis");
  block.bind(&ExperienceParameters::experience_time, {.path = "volunteers.tenure.time_scale", .kind = ParameterKind::duration,
         .default_value = sim::kDaysPerYear, .unit = "days", .min = 1.0, .max = 100 * sim::kDaysPerYear,
         .description = "Service after which experience is 1 - 1/e (63%) from time alone: experience = "
                        "1 - exp(-(days of service / this + contacts / volunteers.tenure.contacts_scale))",
         .source = tenure, .finding = "F2, F8"});
  block.bind(&ExperienceParameters::experience_contacts, number("volunteers.tenure.contacts_scale", 60.0, "contacts", 1.0, 100'000.0,
               "Contacts with mothers after which experience is 1 - 1/e (63%) from contacts alone (about 15 mothers "
               "of 4 contacts)", tenure, "F2, F8"));
  block.bind(&ExperienceParameters::tenure_autonomy, number("volunteers.tenure.autonomy", 1.0, "per unit of experience", 0.0, 100.0,
               "Relative speed-up of autonomy growth at full experience (growth x (1 + this x experience))", tenure, "F8"));
  block.bind(&ExperienceParameters::tenure_skill, daily_rate("volunteers.tenure.skill", 0.002,
               "Daily share of the gap to full skill closed at full experience (refresher training, supervision, "
               "cases seen), besides what each contact teaches", tenure, "F2"));
  block.bind(&ExperienceParameters::tenure_support, share("volunteers.tenure.support", 0.5,
              "Share of the gap to full social support that full experience adds to what cohort ties give "
              "(belonging to the scheme: known staff, mothers, other volunteers)", tenure, "F1, F8"));
  block.bind(&ExperienceParameters::tenure_commitment, share("volunteers.tenure.commitment", 0.5,
              "Share of the gap to full commitment that full experience adds to the commitment target (identity "
              "and belonging grow with service; attrition is highest early)", tenure, "F8"));
  block.mechanism(&ExperienceParameters::tenure,
                  {.name = "tenure", .module = "volunteer_experience", .finding = "F2, F8",
                   .what = "experience from months of service and contacts speeds autonomy growth, consolidates skill "
                           "and adds to social support and commitment",
                   .knocked_out = "time in the scheme changes nothing: experience has no effect"});
  block.mechanism(&ExperienceParameters::autonomy_grows,
                  {.name = "autonomy_growth", .module = "volunteer_experience", .finding = "F8",
                   .what = "volunteers' autonomy grows with self-esteem (and experience): semi-autonomous development",
                   .knocked_out = "autonomy never grows; surveillance can only lower it"});
  block.mechanism(&ExperienceParameters::surveillance_wears,
                  {.name = "surveillance_wears_volunteers", .module = "volunteer_experience", .finding = "F7",
                   .what = "felt surveillance lowers volunteers' self-esteem, autonomy and trust in professionals",
                   .knocked_out = "surveillance costs volunteers nothing"});
  block.mechanism(&ExperienceParameters::cohort_support,
                  {.name = "cohort_support", .module = "volunteer_experience", .finding = "F1",
                   .what = "active ties within a training cohort give volunteers social support",
                   .knocked_out = "cohort ties give no social support (only experience does, with tenure)"});
  return block;
}

const sim::ParameterBlock<ExperienceParameters>& experience_parameters() {
  static const sim::ParameterBlock<ExperienceParameters> block = declare_experience_parameters();
  return block;
}


class VolunteerExperience final : public sim::Module {
 public:
  explicit VolunteerExperience(World& world)
      : Module({.name = "volunteer_experience",
                .purpose = "self-esteem, support, skill, autonomy, trust, commitment, dropout (F1, F2, F7, F8)",
                .reads = {"professionals.surveillance", "trust", "graph.cohort", "volunteers.contacts_today", "volunteers.referrals_today", "volunteers.caseload", "volunteers (experience)"},
                .writes = {"volunteers.felt_surveillance", "volunteers (experience)", "volunteers.active", "volunteers_in", "volunteers.caseload", "mothers.volunteer", "volunteer_changes", "mothers.next_peer_contact", "waiting", "today.dropouts"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("volunteers_active"), c.series_index("volunteer_utilisation"), c.series_index("volunteer_caseload"), c.series_index("dropouts"), {c.series_index("volunteer_self_esteem"), c.series_index("volunteer_social_support"), c.series_index("volunteer_skill"), c.series_index("volunteer_autonomy"), c.series_index("volunteer_trust_in_professionals"), c.series_index("volunteer_felt_surveillance"), c.series_index("volunteer_commitment")}};
    tenure_series_ = {c.series_index("volunteer_tenure"), c.series_index("volunteer_experience")};
    tenure_at_dropout_summary_ = c.summary_index("tenure_at_dropout");
    rates_ = experience_parameters().read(context.parameters());
    // Her own columns, attached to every volunteer (the initial ones too).
    world_.volunteers.columns.attach<std::uint32_t>(contacts_total_, 0);
    world_.volunteers.columns.attach<double>(experience_, 0.0);
    measure_from_ = world_.measure_from;
  }

  void on_finalize(sim::RunContext& context) override {
    context.set_summary(tenure_at_dropout_summary_, tenure_at_dropout_.value());  // NaN when nobody left
  }

  // Means over active volunteers, their number and how full they are.
  void on_record(sim::RunContext& context) override {
    const auto& vo = world_.volunteers;
    std::array<sim::RunningMean, 7> means;
    sim::RunningMean tenure, experience;
    std::size_t capacity = 0, caseload = 0;
    for (std::size_t v = 0; v < vo.count(); ++v) {
      if (!vo.active[v]) continue;
      tenure.add(months_of_service(v, context.day()));
      experience.add(experience_[v]);
      capacity += vo.capacity[v];
      caseload += vo.caseload[v];
      const std::array values{vo.self_esteem[v], vo.social_support[v], vo.skill[v], vo.autonomy[v],
                              vo.trust_in_professionals[v], vo.felt_surveillance[v], vo.commitment[v]};
      for (std::size_t k = 0; k < values.size(); ++k) means[k].add(values[k]);
    }
    context.record(series_.active, static_cast<double>(means[0].n));
    context.record(series_.utilisation, capacity ? static_cast<double>(caseload) / static_cast<double>(capacity) : 0.0);
    context.record(series_.caseload, means[0].n ? static_cast<double>(caseload) / static_cast<double>(means[0].n) : std::nan(""));
    context.record(series_.dropouts, world_.today.dropouts);
    for (std::size_t k = 0; k < means.size(); ++k) context.record(series_.means[k], means[k].value());
    context.record(tenure_series_.tenure, tenure.value());
    context.record(tenure_series_.experience, experience.value());
  }

  [[nodiscard]] double months_of_service(std::size_t v, int day) const {
    return static_cast<double>(day - world_.volunteers.joined_day[v]) / sim::kDaysPerMonth;
  }

  void on_step(sim::RunContext& context) override {
    auto& volunteers = world_.volunteers;
    update_felt_surveillance();
    track_new_volunteers();
    for (std::size_t v = 0; v < volunteers.count(); ++v) {
      if (!volunteers.active[v]) continue;
      const double ties = static_cast<double>(active_cohort_ties_[v]);
      gain_experience(v, context.day());
      develop(v, ties);
      if (leaves(context, v)) drop_out(v, context.day());
    }
    release_cases_of_dropouts();
  }

  // Volunteers who joined since yesterday (World::add_volunteers): their
  // distinct cohort ties, and the running counts of active ones on both ends,
  // so that the daily pass reads a count instead of scanning the graph's edges.
  void track_new_volunteers() {
    const auto& volunteers = world_.volunteers;
    const std::size_t professionals = world_.professionals.count();
    const std::size_t first_new = cohort_ties_.size();
    for (std::size_t v = first_new; v < volunteers.count(); ++v) {
      cohort_ties_.emplace_back();
      active_cohort_ties_.push_back(0);
      for (const auto vertex : world_.graph.neighbours(professionals + v, layer::cohort)) {
        const auto other = vertex - professionals;
        cohort_ties_[v].push_back(static_cast<std::int32_t>(other));
        active_cohort_ties_[v] += volunteers.active[other];
        if (other < first_new) {  // a volunteer tracked before gains the tie too (new ones list it themselves)
          cohort_ties_[other].push_back(static_cast<std::int32_t>(v));
          active_cohort_ties_[other] += volunteers.active[v];
        }
      }
    }
  }

  // Experience from months of service and contacts so far, today's included (saturating in [0, 1)).
  void gain_experience(std::size_t v, int day) {
    contacts_total_[v] += world_.volunteers.contacts_today[v];
    const double service = static_cast<double>(day - world_.volunteers.joined_day[v]);
    experience_[v] = 1.0 - std::exp(-(service / rates_.experience_time +
                                      static_cast<double>(contacts_total_[v]) / rates_.experience_contacts));
  }

  void develop(std::size_t v, double ties) {
    auto& vo = world_.volunteers;
    const double helped = vo.contacts_today[v], referred = vo.referrals_today[v];  // counts today
    const double felt = rates_.surveillance_wears ? vo.felt_surveillance[v] * rates_.surveillance_cost : 0.0;
    const double esteem = vo.self_esteem[v], autonomy = vo.autonomy[v], trust = vo.trust_in_professionals[v];
    const double experience = rates_.tenure ? experience_[v] : 0.0, skill = vo.skill[v];
    vo.self_esteem[v] = clamp01(esteem + rates_.esteem_gain * helped * (1.0 - esteem) - felt * esteem);
    vo.skill[v] = clamp01(skill + (rates_.skill_gain * helped + rates_.tenure_skill * experience) * (1.0 - skill));
    const double growth =
        rates_.autonomy_grows ? rates_.autonomy_growth * esteem * (1.0 + rates_.tenure_autonomy * experience) : 0.0;
    vo.autonomy[v] = clamp01(autonomy + growth * (1.0 - autonomy) - felt * autonomy);
    vo.trust_in_professionals[v] = clamp01(trust + rates_.trust_gain * referred * (1.0 - trust) - felt * trust);
    const double from_ties = rates_.cohort_support ? ties / (ties + rates_.support_half) : 0.0;
    const double support_target = from_ties + rates_.tenure_support * experience * (1.0 - from_ties);
    vo.social_support[v] += rates_.support_rate * (support_target - vo.social_support[v]);
    const double used = static_cast<double>(vo.caseload[v]) / static_cast<double>(vo.capacity[v]);
    const double mean = (esteem + vo.social_support[v] + used + trust) / 4.0;
    const double target = mean + rates_.tenure_commitment * experience * (1.0 - mean);
    vo.commitment[v] += rates_.commitment_rate * (target - vo.commitment[v]);
  }

  bool leaves(sim::RunContext& context, std::size_t v) const {
    const double uncommitted = 1.0 - world_.volunteers.commitment[v];
    const double hazard = rates_.dropout_rate * uncommitted * uncommitted;
    return context.random().uniform(stream::dropout, static_cast<std::uint32_t>(v),
                                    static_cast<std::uint32_t>(context.day())) < 1.0 - std::exp(-hazard);
  }

  // Her mothers go back to the waiting list (if still breastfeeding).
  void drop_out(std::size_t v, int day) {
    auto& volunteers = world_.volunteers;
    volunteers.active[v] = 0;
    volunteers.left_day[v] = day;
    auto& in_locality = world_.volunteers_in[volunteers.locality[v]];  // its readers look for active volunteers
    in_locality.erase(std::find(in_locality.begin(), in_locality.end(), static_cast<std::int32_t>(v)));
    ++world_.today.dropouts;
    if (day >= measure_from_) tenure_at_dropout_.add(months_of_service(v, day));
    for (const auto other : cohort_ties_[v]) --active_cohort_ties_[static_cast<std::size_t>(other)];
    if (volunteers.caseload[v] > 0) dropped_today_.push_back(static_cast<std::int32_t>(v));
  }

  // The cases of today's dropouts, found in one pass over the mothers however
  // many left (one pass per dropout was quadratic at scale). Nothing later in
  // the day's volunteer loop reads these mothers, so releasing them here, in
  // the order of the dropouts and then of the mothers, is what releasing each
  // one's at her dropout did.
  void release_cases_of_dropouts() {
    if (dropped_today_.empty()) return;
    auto& volunteers = world_.volunteers;
    auto& mothers = world_.mothers;
    slot_of_.assign(volunteers.count(), -1);
    cases_.resize(std::max(cases_.size(), dropped_today_.size()));
    for (std::size_t k = 0; k < dropped_today_.size(); ++k) {
      slot_of_[static_cast<std::size_t>(dropped_today_[k])] = static_cast<std::int32_t>(k);
      cases_[k].clear();
    }
    sim::for_each_present(mothers.volunteer.data(), kNobody, mothers.departed, mothers.count(), [&](std::size_t i) {
      if (const auto slot = slot_of_[static_cast<std::size_t>(mothers.volunteer[i])]; slot >= 0)
        cases_[static_cast<std::size_t>(slot)].push_back(i);
    });
    for (std::size_t k = 0; k < dropped_today_.size(); ++k) {
      const auto v = static_cast<std::size_t>(dropped_today_[k]);
      for (const auto i : cases_[k]) {
        if (volunteers.caseload[v] == 0) break;
        world_.set_volunteer(i, kNobody);
        mothers.next_peer_contact[i] = kNever;
        --volunteers.caseload[v];
        if (mothers.feeding[i] != Feeding::none) world_.waiting.push_back(mothers.first_id + static_cast<std::int64_t>(i));
      }
    }
    dropped_today_.clear();
  }

  // The mean surveillance of the professionals with a trust tie to her, summed
  // in ascending order of professional (World::trusted_by). Felt while she is
  // active: one who left keeps the value of her last day (the snapshot shows
  // it), and her ties, which stay, cost the daily pass nothing.
  void update_felt_surveillance() {
    auto& volunteers = world_.volunteers;
    const auto& surveillance = world_.professionals.surveillance;
    for (std::size_t v = 0; v < volunteers.count(); ++v) {
      if (!volunteers.active[v]) continue;
      if (v >= world_.trusted_by.size() || world_.trusted_by[v].empty()) {
        volunteers.felt_surveillance[v] = 0.0;
        continue;
      }
      double sum = 0.0;
      for (const auto k : world_.trusted_by[v]) sum += surveillance[static_cast<std::size_t>(k)];
      volunteers.felt_surveillance[v] = sum / static_cast<double>(world_.trusted_by[v].size());
    }
  }

  static double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

  World& world_;
  struct SeriesIndices {
    std::size_t active, utilisation, caseload, dropouts; std::array<std::size_t, 7> means;
  } series_{};  // where this module records (looked up in the catalog)
  struct TenureSeries {
    std::size_t tenure, experience;
  } tenure_series_{};
  std::size_t tenure_at_dropout_summary_ = 0;
  ExperienceParameters rates_{};
  std::vector<std::uint32_t> contacts_total_;  // contacts with mothers since joining, by volunteer
  std::vector<double> experience_;              // by volunteer, in [0, 1)
  sim::RunningMean tenure_at_dropout_;          // months of service of those who left from measure_from on
  int measure_from_ = 0;
  std::vector<std::vector<std::int32_t>> cohort_ties_;  // by volunteer: her distinct cohort ties (volunteer ids)
  std::vector<std::uint32_t> active_cohort_ties_;       // by volunteer: how many of them are active now
  std::vector<std::int32_t> dropped_today_;             // volunteers who left today with cases, in order
  std::vector<std::int32_t> slot_of_;                   // by volunteer: her place in dropped_today_, -1 if none
  std::vector<std::vector<std::size_t>> cases_;         // by place in dropped_today_: her mothers, in index order
};

}  // namespace

static std::unique_ptr<sim::Module> make_volunteer_experience(World& world) {
  return std::make_unique<VolunteerExperience>(world);
}

static void declare_volunteer_experience(sim::ParameterRegistry& registry) { experience_parameters().declare(registry); }

static void declare_volunteer_experience_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"volunteers_active", "volunteers", "Volunteers active in the scheme"});
  catalog.add_series({"volunteer_utilisation", "share", "Mothers supported as a share of volunteers' total capacity"});
  catalog.add_series({"volunteer_caseload", "mothers", "Mean number of mothers an active volunteer supports now (NaN with no volunteer active)"});
  catalog.add_series({"dropouts", "volunteers per day", "Volunteers who left the scheme"});
  catalog.add_series({"volunteer_self_esteem", "score 0-1", "Mean self-esteem of active volunteers (F2)"});
  catalog.add_series({"volunteer_social_support", "score 0-1", "Mean social support of active volunteers (F1)"});
  catalog.add_series({"volunteer_skill", "score 0-1", "Mean skill of active volunteers (F2)"});
  catalog.add_series({"volunteer_autonomy", "score 0-1", "Mean autonomy of active volunteers (F8)"});
  catalog.add_series({"volunteer_trust_in_professionals", "score 0-1", "Mean trust of active volunteers in professionals"});
  catalog.add_series({"volunteer_felt_surveillance", "score 0-1", "Mean surveillance felt by active volunteers (F7)"});
  catalog.add_series({"volunteer_commitment", "score 0-1", "Mean commitment of active volunteers"});
  catalog.add_series({"volunteer_tenure", "months", "Mean time in the scheme of active volunteers (F8)"});
  catalog.add_series({"volunteer_experience", "score 0-1", "Mean experience of active volunteers, from months of service and contacts (F2, F8)"});
  catalog.add_series_mean({"mean_volunteer_tenure", "months", "Mean time in the scheme of active volunteers over the measured days (from measurement.from)"}, "volunteer_tenure");
  catalog.add_summary({"tenure_at_dropout", "months", "Mean time in the scheme of volunteers who dropped out from measurement.from on (NaN if none did)"});
  catalog.add_series_mean({"mean_volunteer_self_esteem", "score 0-1", "Mean self-esteem of active volunteers over the measured days (from measurement.from)"}, "volunteer_self_esteem");
  catalog.add_series_mean({"mean_volunteer_caseload", "mothers", "Mean number of mothers an active volunteer supports at a time, over the measured days (from measurement.from)"}, "volunteer_caseload");
  catalog.add_series_mean({"mean_trust_vol_in_prof", "score 0-1", "Mean trust of volunteers in professionals over the measured days (from measurement.from)"}, "volunteer_trust_in_professionals");
}

const ModuleType& volunteer_experience_module() {
  static const ModuleType type{declare_volunteer_experience, declare_volunteer_experience_outputs, make_volunteer_experience};
  return type;
}

}  // namespace models
