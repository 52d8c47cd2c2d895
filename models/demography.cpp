// Demography: mothers leave at 26 weeks (some supported mothers go on to
// volunteer, F8, and may bring friends from their community ties to train
// with them), training cohorts arrive, mothers are born and start (or do not
// start) breastfeeding. The world they join is built by World::build.
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "sim/quantity.hpp"
#include "sim/statistics.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct DemographyParameters {
  double training_every;  // volunteers.training.every
  long long training_size;  // volunteers.training.size
  double training_first;  // volunteers.training.first
  double recruitment;  // peer_support.recruitment
  double recruitment_through_ties;  // peer_support.recruitment_through_ties
  bool recruits_supported;  // mechanisms.recruitment_of_supported_mothers
  bool recruits_through_ties;  // mechanisms.recruitment_through_ties
};

sim::ParameterBlock<DemographyParameters> declare_demography_parameters() {
  using namespace declare;
  sim::ParameterBlock<DemographyParameters> block;
  block.bind(&DemographyParameters::training_every, {.path = "volunteers.training.every", .kind = ParameterKind::duration, .default_value = 6 * sim::kDaysPerMonth,
         .unit = "days", .min = 1.0, .max = 100 * sim::kDaysPerYear,
         .description = "Time between training cohorts of new volunteers",
         .source = assumption("two courses a year"), .finding = "F8"});
  block.bind(&DemographyParameters::training_size, {.path = "volunteers.training.size", .kind = ParameterKind::integer, .default_value = 3.0,
         .unit = "volunteers", .min = 0.0, .max = 100'000.0,
         .description = "New volunteers who complete each training course",
         .source = data("about a third of interested women complete training (model brief): 8-10 start, ~3 finish"),
         .finding = "F8"});
  block.bind(&DemographyParameters::training_first, {.path = "volunteers.training.first", .kind = ParameterKind::duration,
         .default_value = 6 * sim::kDaysPerMonth, .unit = "days", .min = 0.0, .max = 100 * sim::kDaysPerYear,
         .description = "Day the first new cohort finishes training", .source = assumption("six months in"),
         .finding = "F8"});
  block.bind(&DemographyParameters::recruitment, share("peer_support.recruitment", 0.01,
              "Chance that a supported mother still breastfeeding at 26 weeks trains and qualifies as a volunteer "
              "(joins the next cohort)",
              assumption("schemes recruit from supported mothers; about a third of those who start qualify"), "F8"));
  block.bind(&DemographyParameters::recruitment_through_ties, share("peer_support.recruitment_through_ties", 0.1,
              "Chance that a community tie of a mother who is to train, herself still breastfeeding, trains and "
              "qualifies with her (joins the same next cohort)",
              assumption("friends train together; about a third of those who start qualify; no data"), "F8"));
  block.mechanism(&DemographyParameters::recruits_supported,
                  {.name = "recruitment_of_supported_mothers", .module = "demography", .finding = "F8",
                   .what = "supported mothers still breastfeeding at 26 weeks train as volunteers for the next cohort",
                   .knocked_out = "cohorts hold only the volunteers trained from outside (volunteers.training.size)"});
  block.mechanism(&DemographyParameters::recruits_through_ties,
                  {.name = "recruitment_through_ties", .module = "demography", .finding = "F8",
                   .what = "a recruited mother's community ties who still breastfeed train with her",
                   .knocked_out = "nobody is recruited through a tie"});
  return block;
}

const sim::ParameterBlock<DemographyParameters>& demography_parameters() {
  static const sim::ParameterBlock<DemographyParameters> block = declare_demography_parameters();
  return block;
}

class Demography final : public sim::Module {
 public:
  explicit Demography(World& world)
      : Module({.name = "demography",
                .purpose = "mothers leave at 26 weeks (some become volunteers, F8); training cohorts; births",
                .reads = {"mothers.birth_day", "mothers.volunteer", "mothers.peer_contacts", "mothers.feeding", "mothers.ties", "mothers.candidate", "candidates", "today.extra_cohort"},
                .writes = {"mothers (born, leaving)", "mothers.candidate", "volunteers (joining)", "volunteers.caseload", "graph.cohort", "graph.working", "trust", "candidates", "today.births", "today.recruits"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    parameters_ = demography_parameters().read(context.parameters());
    world_.mothers.reserve_for_births(world_.parameters.births_per_day);
    const auto& c = context.catalog();
    series_ = {c.series_index("mothers_followed"), c.series_index("births"), c.series_index("recruits"), c.series_index("recruits_through_ties")};
  }

  void on_record(sim::RunContext& context) override {
    const auto& mothers = world_.mothers;
    context.record(series_.followed, static_cast<double>(mothers.count() - mothers.departed));
    context.record(series_.births, world_.today.births);
    context.record(series_.recruits, world_.today.recruits);
    context.record(series_.through_ties, through_ties_today_);
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const bool peer_support = world_.parameters.peer_support;
    through_ties_today_ = 0;
    retire_mothers(context, day);
    if (peer_support && is_cohort_day(day)) {
      auto localities = world_.spread_over_localities(parameters_.training_size);
      std::vector<std::uint8_t> cultures(localities.size(), kAnyCulture);  // trained from outside: drawn
      localities.insert(localities.end(), world_.candidates.begin(), world_.candidates.end());
      cultures.insert(cultures.end(), world_.candidate_cultures.begin(), world_.candidate_cultures.end());
      world_.today.recruits = static_cast<std::uint32_t>(world_.candidates.size());
      world_.candidates.clear();
      world_.candidate_cultures.clear();
      world_.add_volunteers(localities, ++world_.cohorts, day, context.random(), cultures);
    }
    if (peer_support && !world_.today.extra_cohort.empty())
      world_.add_volunteers(world_.today.extra_cohort, ++world_.cohorts, day, context.random());
    give_births(context, day);
  }

  bool is_cohort_day(int day) const {
    const double since_first = day - parameters_.training_first;
    if (since_first < -0.5) return false;
    // The k-th cohort arrives on the day nearest first + k * every.
    const double k = std::round(since_first / parameters_.training_every);
    return std::lround(parameters_.training_first + k * parameters_.training_every) == day;
  }

  void retire_mothers(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    std::size_t leaving = 0;
    for (std::size_t i = mothers.departed; i < mothers.count() && day - mothers.birth_day[i] > kAge6Months; ++i) {
      if (const auto v = mothers.volunteer[i]; v != kNobody) --world_.volunteers.caseload[static_cast<std::size_t>(v)];
      const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
      if (world_.parameters.peer_support && parameters_.recruits_supported && !mothers.candidate[i] && mothers.peer_contacts[i] > 0 &&
          mothers.feeding[i] != Feeding::none &&
          context.random().uniform(stream::recruitment, id, static_cast<std::uint32_t>(day)) < parameters_.recruitment) {
        become_candidate(i);
        if (parameters_.recruits_through_ties) bring_friends(context, i, day);
      }
      ++leaving;
    }
    if (leaving) mothers.retire_oldest(leaving);
  }

  void become_candidate(std::size_t i) {
    auto& mothers = world_.mothers;
    mothers.candidate[i] = 1;
    world_.candidates.push_back(mothers.locality[i]);
    world_.candidate_cultures.push_back(mothers.culture[i]);
  }

  // Her community ties who still breastfeed may train with her (F8): they
  // join the same next cohort, before their own 26 weeks are up.
  void bring_friends(sim::RunContext& context, std::size_t i, int day) {
    auto& mothers = world_.mothers;
    const auto followed_from = mothers.first_id + static_cast<std::int64_t>(mothers.departed);
    const auto& ties = mothers.ties[i];
    for (std::uint8_t k = 0; k < ties.count; ++k) {
      if (ties.id[k] < followed_from) continue;
      const auto j = mothers.index(ties.id[k]);
      if (mothers.candidate[j] || mothers.feeding[j] == Feeding::none) continue;
      const auto friend_id = static_cast<std::uint32_t>(ties.id[k]);
      if (context.random().uniform(stream::recruitment, friend_id, static_cast<std::uint32_t>(day), 1) >=
          parameters_.recruitment_through_ties)
        continue;
      become_candidate(j);
      ++through_ties_today_;
    }
  }

  void give_births(sim::RunContext& context, int day) {
    auto births = context.random().draws(stream::births, 0, static_cast<std::uint32_t>(day));
    const auto count = births.poisson(world_.parameters.births_per_day);
    const auto localities = static_cast<std::uint16_t>(world_.parameters.localities);
    auto& mothers = world_.mothers;
    for (std::uint64_t b = 0; b < count; ++b) {
      const auto id = static_cast<std::uint32_t>(mothers.end_id());
      auto draws = context.random().draws(stream::mother_setup, id, 0);
      const auto locality = static_cast<std::uint16_t>(draws.below(localities));
      const auto culture = world_.pick_culture(draws.uniform());
      const auto midwife = pick(world_.midwives_in[locality], draws.uniform());
      const auto health_visitor = pick(world_.health_visitors_in[locality], draws.uniform());
      Feeding feeding = Feeding::none;
      const double initiation = world_.curve.initiation;
      if (draws.uniform() < initiation)
        feeding = draws.uniform() < world_.curve.exclusive_at_birth / initiation ? Feeding::exclusive : Feeding::partial;
      mothers.add(day, locality, culture, feeding, midwife, health_visitor);
    }
    world_.today.births = static_cast<std::uint32_t>(count);
  }

  static std::int32_t pick(const std::vector<std::int32_t>& ids, double u) {
    if (ids.empty()) return kNobody;
    return ids[std::min(ids.size() - 1, static_cast<std::size_t>(u * static_cast<double>(ids.size())))];
  }

  World& world_;
  struct SeriesIndices {
    std::size_t followed, births, recruits, through_ties;
  } series_{};  // where this module records (looked up in the catalog)
  DemographyParameters parameters_{};
  std::uint32_t through_ties_today_ = 0;
};

}  // namespace

static std::unique_ptr<sim::Module> make_demography(World& world) { return std::make_unique<Demography>(world); }
static void declare_demography(sim::ParameterRegistry& registry) { demography_parameters().declare(registry); }

static void declare_demography_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"mothers_followed", "mothers", "Mothers followed today (born in the last 26 weeks)"});
  catalog.add_series({"births", "mothers per day", "Births today"});
  catalog.add_series({"recruits", "volunteers per day", "Mothers recruited from the community (supported mothers and their ties) who joined a cohort as volunteers today (F8)"});
  catalog.add_series({"recruits_through_ties", "mothers per day", "Community ties of a recruited mother who are to train with her, recruited today (they join the next cohort, F8)"});
  catalog.add_series_mean({"recruits_through_ties", "mothers per year", "Recruits through community ties over the measured days (from measurement.from)"}, "recruits_through_ties", sim::kDaysPerYear);
}

const ModuleType& demography_module() {
  static const ModuleType type{declare_demography, declare_demography_outputs, make_demography};
  return type;
}

}  // namespace models
