// Professional care (F3, F4): each professional's workload, then the
// scheduled midwife and health-visitor contacts by the baby's age, then the
// problem-driven contacts mothers in a difficulty episode ask for, while the
// professional's capacity for them lasts (it shrinks as workload grows, and
// grows back when volunteers spread the load). A contact resolves an episode
// with a chance that grows with what the professional has learned of the
// mother's culture from volunteers (difficulties.hpp), and adds confidence in
// proportion to that knowledge (usual care itself is confidence 0).
#include <algorithm>
#include <cmath>

#include "models/declare.hpp"
#include "models/demand_counts.hpp"
#include "models/difficulties.hpp"
#include "models/streams.hpp"
#include "models/modules.hpp"
#include "sim/statistics.hpp"
#include "models/parameters.hpp"
#include "sim/quantity.hpp"
#include "sim/sparse_scan.hpp"

namespace models {
namespace {

struct CareParameters {
  std::vector<double> midwife_visits;  // professionals.midwife_visits
  std::vector<double> health_visitor_visits;  // professionals.health_visitor_visits
  double recommended_births_per_midwife;  // professionals.recommended_births_per_midwife
  double recommended_families_per_health_visitor;  // professionals.recommended_families_per_health_visitor
  double load_relief;  // professionals.load_relief
  double confidence_gain;  // professionals.confidence_gain
  double problem_contacts;  // professionals.problem_contacts_per_day
  bool spreads_load;  // mechanism switch
};

sim::ParameterBlock<CareParameters> declare_care_parameters() {
  using namespace declare;
  sim::ParameterBlock<CareParameters> block;
  block.bind(&CareParameters::midwife_visits, {.path = "professionals.midwife_visits", .kind = ParameterKind::duration_list,
         .default_value = std::vector<double>{1.0, 5.0, 10.0}, .unit = "days of age", .min = 0.0, .max = 182.0,
         .description = "Ages of the mother's baby at the scheduled postnatal midwife contacts",
         .source = assumption("NICE CG37 postnatal care: midwife contacts in the first 10 days"), .finding = "F3"});
  block.bind(&CareParameters::health_visitor_visits, {.path = "professionals.health_visitor_visits", .kind = ParameterKind::duration_list,
         .default_value = std::vector<double>{12.0, 42.0}, .unit = "days of age", .min = 0.0, .max = 182.0,
         .description = "Ages at the scheduled health-visitor contacts (new-birth visit, 6-8 week review)",
         .source = data("Healthy Child Programme: new-birth visit at 10-14 days, review at 6-8 weeks"),
         .finding = "F3"});
  block.bind(&CareParameters::recommended_births_per_midwife, number("professionals.recommended_births_per_midwife", 28.0, "births per year", 1.0, 1000.0,
               "Births per full-time midwife per year at which workload is 1",
               data("Birthrate Plus / RCM recommended ratio 1:28"), "F3"));
  block.bind(&CareParameters::recommended_families_per_health_visitor, number("professionals.recommended_families_per_health_visitor", 250.0, "families", 1.0, 10000.0,
               "Families (children under 5) per health visitor at which workload is 1",
               data("Unite/CPHVA recommendation of 250-300 families"), "F3"));
  block.bind(&CareParameters::load_relief, share("professionals.load_relief", 0.3,
              "Share of a mother's demand on her professional taken over while a volunteer supports her",
              assumption("'spread the load' (study finding F3); no measured value"), "F3"));
  block.bind(&CareParameters::confidence_gain, share("professionals.confidence_gain", 0.3,
              "Share of the gap to full confidence a professional contact closes, times the professional's knowledge "
              "of the mother's culture (learned from volunteers)",
              assumption("usual care is in the baseline; only learned cultural knowledge adds to it"), "F4"));
  block.bind(&CareParameters::problem_contacts, number("professionals.problem_contacts_per_day", 1.0, "contacts per day", 0.0, 100.0,
               "Problem-driven contacts a professional can make per day at the recommended caseload (workload 1); "
               "at workload w she can make this / w a day, and unused room carries over for at most a day",
               assumption("about an hour a day for unplanned home visits or calls; no measured value; set so that "
                          "under usual care at the default workforce nearly every request is met"),
               "F3"));
  block.mechanism(&CareParameters::spreads_load,
                  {.name = "volunteers_spread_the_load", .module = "professional_care", .finding = "F3",
                   .what = "a mother a volunteer supports makes less demand on her professional "
                           "(professionals.load_relief)",
                   .knocked_out = "a supported mother counts in her professional's workload in full"});
  return block;
}

const sim::ParameterBlock<CareParameters>& care_parameters() {
  static const sim::ParameterBlock<CareParameters> block = declare_care_parameters();
  return block;
}


constexpr std::uint8_t kMidwifeVisit = 1, kHealthVisitorVisit = 2;
constexpr double kChildhoodYears = 5.0;  // health visitors' families have children under 5

class ProfessionalCare final : public sim::Module {
 public:
  explicit ProfessionalCare(World& world)
      : Module({.name = "professional_care",
                .purpose = "workload, then scheduled midwife and health-visitor contacts (F3, F4)",
                .reads = {"mothers.birth_day", "mothers.midwife", "mothers.health_visitor", "mothers.volunteer", "volunteer_changes", "mothers.culture", "mothers.feeding", "mothers.difficulty", "professionals.knowledge"},
                .writes = {"professionals.workload", "volunteer_changes", "mothers.professional_contacts", "mothers.last_professional_contact", "mothers.confidence", "mothers.difficulty", "today.contacts", "today.joint_contacts", "today.problem_contacts", "today.difficulties"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("professional_contacts"), c.series_index("prof_workload"),
               c.series_index("problem_contacts"), c.series_index("problem_requests_unmet")};
    const auto values = care_parameters().read(context.parameters());
    visits_by_age_.assign(kAge6Months + 1, 0);
    for (const double age : values.midwife_visits)
      visits_by_age_[static_cast<std::size_t>(std::lround(age))] |= kMidwifeVisit;
    for (const double age : values.health_visitor_visits)
      visits_by_age_[static_cast<std::size_t>(std::lround(age))] |= kHealthVisitorVisit;
    visit_ages_.clear();
    for (int age = kAge6Months; age >= 0; --age)
      if (visits_by_age_[static_cast<std::size_t>(age)]) visit_ages_.push_back(age);
    // Mothers at a time at the recommended caseload, so that workload 1 means "as recommended".
    const double handover = world_.handover_age;
    midwife_capacity_ = values.recommended_births_per_midwife * handover / sim::kDaysPerYear;
    health_visitor_capacity_ = values.recommended_families_per_health_visitor *
                               (kAge6Months + 1 - handover) / (kChildhoodYears * sim::kDaysPerYear);
    load_relief_ = values.spreads_load ? values.load_relief : 0.0;
    confidence_gain_ = values.confidence_gain;
    problem_capacity_ = values.problem_contacts;
    room_.assign(world_.professionals.count(), 0.0);
    difficulty_ = difficulty_parameters(context.parameters());
  }

  // Only the mothers at a visit age are visited; each age's mothers are a
  // contiguous index range, and taking the ages oldest first keeps the
  // contacts in index order.
  void on_record(sim::RunContext& context) override {
    context.record(series_.contacts, static_cast<double>(world_.today.contacts.size()));
    sim::RunningMean workload;
    for (const double value : world_.professionals.workload) workload.add(value);
    context.record(series_.workload, workload.value());
    context.record(series_.problem_contacts, world_.today.problem_contacts);
    context.record(series_.unmet, world_.today.problem_requests_unmet);
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    update_workload(day);
    auto& mothers = world_.mothers;
    for (const int age : visit_ages_) {
      const std::int32_t born = day - age;
      const auto visits = visits_by_age_[static_cast<std::size_t>(age)];
      for (std::size_t i = mothers.first_born_from(born); i < mothers.count() && mothers.birth_day[i] == born; ++i) {
        if ((visits & kMidwifeVisit) && mothers.midwife[i] != kNobody) contact(context, i, mothers.midwife[i], day);
        if ((visits & kHealthVisitorVisit) && mothers.health_visitor[i] != kNobody)
          contact(context, i, mothers.health_visitor[i], day);
      }
    }
    problem_driven_contacts(context, day);
  }

  // Mothers in an episode not seen today ask their professional for a
  // contact; the youngest babies first (triage: problems weigh most early).
  // Each professional's room grows by capacity / workload a day, up to one
  // two days' worth (at least one contact), and each contact uses one.
  void problem_driven_contacts(sim::RunContext& context, int day) {
    const auto& mothers = world_.mothers;
    const auto& pros = world_.professionals;
    for (std::size_t k = 0; k < pros.count(); ++k)
      room_[k] = std::min(room_[k] + problem_capacity_ / std::max(pros.workload[k], 1e-9), std::max(2.0 * problem_capacity_, 1.0));
    // Few mothers are in an episode: their indices first, youngest first (the scan skips blocks of
    // mothers with none, sim/sparse_scan.hpp), then each asks, the columns of the mother kAskAhead
    // places on fetched ahead (they are scattered). A contact ends only her own episode, so the list
    // is the one the plain descending loop would meet; each is checked again all the same.
    in_episode_.clear();
    sim::for_each_present_descending(mothers.difficulty.data(), Difficulty::none, mothers.departed, mothers.count(),
                                     [&](std::size_t i) { in_episode_.push_back(i); });
    for (std::size_t k = 0; k < in_episode_.size(); ++k) {
      if (k + kAskAhead < in_episode_.size()) {
        __builtin_prefetch(&mothers.feeding[in_episode_[k + kAskAhead]]);
        __builtin_prefetch(&mothers.last_professional_contact[in_episode_[k + kAskAhead]]);
      }
      if (mothers.difficulty[in_episode_[k]] != Difficulty::none) ask_for_contact(context, in_episode_[k], day);
    }
  }

  static constexpr std::size_t kAskAhead = 8;

  // Mother i, in an episode: if still breastfeeding and not seen today, she may ask for a contact.
  void ask_for_contact(sim::RunContext& context, std::size_t i, int day) {
    const auto& mothers = world_.mothers;
    if (mothers.feeding[i] == Feeding::none || mothers.last_professional_contact[i] == day) return;
    const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
    if (context.random().uniform(stream::difficulty_care, id, static_cast<std::uint32_t>(day)) >= difficulty_.help_seeking)
      return;
    const auto professional = world_.professional_of(i, day);
    if (professional == kNobody || (difficulty_.capacity_limits && room_[static_cast<std::size_t>(professional)] < 1.0)) {
      ++world_.today.problem_requests_unmet;
      return;
    }
    room_[static_cast<std::size_t>(professional)] -= 1.0;
    ++world_.today.problem_contacts;
    contact(context, i, professional, day);
  }

  // Demand: the mothers a professional is responsible for today, less the
  // share volunteers take over ("spread the load", F3), from counts kept
  // day by day (models/demand_counts.hpp) rather than a pass over the mothers.
  void update_workload(int day) {
    auto& pros = world_.professionals;
    demand_.follow(world_, day);
    const double supported_weight = 1.0 - load_relief_;
    for (std::size_t k = 0; k < pros.count(); ++k)
      pros.workload[k] = demand_.demand(k, supported_weight) /
                         (pros.role[k] == Role::midwife ? midwife_capacity_ : health_visitor_capacity_);
    demand_.drop_last_day(world_, day);
  }

  void contact(sim::RunContext& context, std::size_t i, std::int32_t professional, int day) {
    auto& mothers = world_.mothers;
    const std::uint16_t seen_today = mothers.last_professional_contact[i] == day ? 2 : 1;  // the draw's slot
    ++mothers.professional_contacts[i];
    mothers.last_professional_contact[i] = day;
    const double knowledge = !difficulty_.knowledge_in_care ? 0.0
                             : world_.professionals.knowledge[static_cast<std::size_t>(professional) * world_.groups +
                                                              mothers.culture[i]];
    if (mothers.difficulty[i] != Difficulty::none && mothers.feeding[i] != Feeding::none &&
        context.random().uniform(stream::difficulty_care, static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i)),
                                 static_cast<std::uint32_t>(day), seen_today) < professional_resolution(difficulty_, knowledge))
      resolve_difficulty(world_, i, day, Resolver::professional);
    mothers.confidence[i] += confidence_gain_ * knowledge * (1.0 - mothers.confidence[i]);
    world_.today.contacts.push_back({mothers.first_id + static_cast<std::int64_t>(i), professional});
    if (mothers.volunteer[i] != kNobody) world_.today.joint_contacts.push_back({professional, mothers.volunteer[i]});
  }

  World& world_;
  struct SeriesIndices {
    std::size_t contacts, workload, problem_contacts, unmet;
  } series_{};  // where this module records (looked up in the catalog)
  std::vector<std::uint8_t> visits_by_age_;
  std::vector<int> visit_ages_;  // ages with a visit, oldest first
  DifficultyParameters difficulty_{};
  DemandCounts demand_;
  std::vector<double> room_;  // problem-driven contacts each professional can still make
  std::vector<std::size_t> in_episode_;  // today's mothers in an episode, descending (reused between days)
  double problem_capacity_ = 1.0;
  double midwife_capacity_ = 1.0, health_visitor_capacity_ = 1.0, load_relief_ = 0.0, confidence_gain_ = 0.0;
};

}  // namespace

static std::unique_ptr<sim::Module> make_professional_care(World& world) { return std::make_unique<ProfessionalCare>(world); }

static void declare_professional_care(sim::ParameterRegistry& registry) { care_parameters().declare(registry); }

static void declare_professional_care_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"professional_contacts", "contacts per day", "Midwife and health-visitor contacts today, scheduled and problem-driven"});
  catalog.add_series({"problem_contacts", "contacts per day", "Problem-driven contacts today: mothers in a difficulty episode who asked and were seen (F3)"});
  catalog.add_series({"problem_requests_unmet", "requests per day", "Requests for a problem-driven contact that the professional had no room for today (F3)"});
  catalog.add_series_mean({"problem_requests_unmet", "requests per year", "Unmet requests for a problem-driven contact per year, over the measured days"}, "problem_requests_unmet", sim::kDaysPerYear);
  catalog.add_series({"prof_workload", "ratio to recommended caseload", "Mean workload of professionals (F3)"});
  catalog.add_series_mean({"prof_workload", "ratio to recommended caseload", "Mean workload of professionals over the measured days (from measurement.from)"}, "prof_workload");
}

const ModuleType& professional_care_module() {
  static const ModuleType type{declare_professional_care, declare_professional_care_outputs, make_professional_care};
  return type;
}

}  // namespace models
