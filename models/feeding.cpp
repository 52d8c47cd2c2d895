// Feeding transitions (the outcome): each day a breastfeeding mother may
// leave exclusive breastfeeding or stop, with the usual-care hazards of the
// feeding curve (feeding_curve.hpp). Support acts on the two exits the trials
// measure separately: a transition to none (stopping any breastfeeding) is
// scaled by exp(-any_effect * x), exclusive -> partial by
// exp(-exclusive_effect * x), x her confidence: what support has added above
// usual care (0 under usual care, at most 1). Support raises it; it then
// decays back to 0, so under usual care the survey's curve holds exactly. Decisions use the state at the start
// of the day: a mother who moves to partial today does not also stop today.
// A mother in a difficulty episode has her hazards multiplied by
// difficulties.hazard_ratio; the others have the episode-free hazards that
// keep the survey's curve as the usual-care mean (difficulties.hpp).
// numerics.feeding_exits chooses how the daily chances are drawn: a draw for
// every breastfeeding mother every day (the reference), or thinned candidate
// days (CandidateCalendar below, the default), the same process from other draws.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "models/declare.hpp"
#include "models/difficulties.hpp"
#include "models/modules.hpp"
#include "sim/day_calendar.hpp"
#include "sim/statistics.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

// How a breastfeeding mother's daily chance of leaving her state is drawn (numerics.feeding_exits).
enum class FeedingExits { daily_draws, thinned };

struct FeedingParameters {
  double any_effect;  // mothers.confidence.effect
  double exclusive_effect;  // mothers.confidence.exclusive_effect
  double confidence_decay;  // mothers.confidence.decay
  bool separate_exits;  // mechanism separate_exit_effects
  FeedingExits exits;  // numerics.feeding_exits
};

sim::ParameterBlock<FeedingParameters> declare_feeding_parameters() {
  using namespace declare;
  sim::ParameterBlock<FeedingParameters> block;
  // Fitted by `PYTHONPATH=analysis python3 -m ppisim_analysis.calibration --fit` (integrated.yaml against
  // no_peer_support.yaml, 20 replicates, seed 2010, common random numbers; alternating bisections of the two
  // effects): 0.302 and 1.028 at this revision, rounded. Refit after any change to the support mechanisms.
  constexpr const char* kFit =
      "; fitted with the other support effect by analysis/ppisim_analysis/calibration.py --fit (integrated vs "
      "no_peer_support, 20 replicates, seed 2010, alternating bisections): 0.302 and 1.028";
  block.bind(&FeedingParameters::any_effect, number("mothers.confidence.effect", 0.319, "per unit of confidence", 0.0, 20.0,
               "How confidence gained from support lowers the hazards of stopping breastfeeding altogether (exclusive or "
               "partial -> none): hazard ratio exp(-effect * confidence), confidence 0 under usual care and at most 1",
               calibrated(std::string("integrated (proactive, >= 4 contacts) against usual care: relative risk of "
                                      "stopping any breastfeeding by 6 weeks among starters 0.77, 95% CI 0.66-0.90 "
                                      "(McFadden et al., Int Breastfeed J 2019;14:42)") + kFit)));
  block.bind(&FeedingParameters::exclusive_effect, number("mothers.confidence.exclusive_effect", 1.081, "per unit of confidence", 0.0, 20.0,
               "How confidence gained from support lowers the hazard of moving from exclusive to partial "
               "breastfeeding: hazard ratio exp(-exclusive_effect * confidence)",
               calibrated(std::string("integrated against usual care: relative risk of stopping exclusive "
                                      "breastfeeding by 6 weeks among starters 0.79, 95% CI 0.72-0.87, larger than "
                                      "for any breastfeeding (McFadden et al. 2019, 4-6 weeks, all counselling; "
                                      "Cochrane CD001141, 2017: 0.79 vs 0.87)") + kFit)));
  block.mechanism(&FeedingParameters::separate_exits,
                  {.name = "separate_exit_effects", .module = "feeding", .finding = "F4",
                   .what = "support's effect on leaving exclusive breastfeeding (exclusive_effect) is separate from its "
                           "effect on stopping altogether (effect)",
                   .knocked_out = "one factor for both exits: exclusive -> partial is scaled by the any effect too (v1)"});
  block.bind(&FeedingParameters::confidence_decay, daily_rate("mothers.confidence.decay", 0.05,
                   "How fast confidence gained from support decays back to 0 (usual care)",
                   assumption("support wears off over about three weeks")));
  block.choice(&FeedingParameters::exits,
               {.path = "numerics.feeding_exits", .default_value = std::string("thinned"),
                .description = "How each breastfeeding mother's daily chance of leaving her state is drawn: her next "
                               "candidate day drawn ahead from a bound of her hazard and kept with chance true / bound "
                               "(thinned, the default: work only on candidate days), or a draw every day (daily_draws, "
                               "the reference: the same process from other draws)",
                .source = equivalent_formulation("thinned")},
               {{"daily_draws", FeedingExits::daily_draws}, {"thinned", FeedingExits::thinned}});
  return block;
}

const sim::ParameterBlock<FeedingParameters>& feeding_parameters() {
  static const sim::ParameterBlock<FeedingParameters> block = declare_feeding_parameters();
  return block;
}


// Thinned exits (numerics.feeding_exits: thinned). A breastfeeding mother's
// daily hazard of leaving her state is at most her state's episode-free
// hazard times the episode ratio (support only lowers it), the bound. Her
// next candidate day is drawn ahead, by inverting the bound's cumulative
// hazard, as if she drew a Bernoulli of the bound's chance every day; on a
// candidate day her first uniform is scaled by the bound's chance, so she
// leaves with chance true / bound. Each day's chance of leaving is then the
// true one, as with a draw every day: the same process from other draws.
class CandidateCalendar {
 public:
  void configure(const EpisodeHazards& hazards) {
    const std::array<const std::vector<double>*, 2> tables{&hazards.partial_hazard, &hazards.exclusive_hazard};
    for (std::size_t state = 0; state < 2; ++state) {
      const auto& table = *tables[state];
      chance_[state].assign(table.size(), 0.0);
      cumulative_[state].assign(table.size(), 0.0);
      for (std::size_t age = 1; age < table.size(); ++age) {  // no exit on the birth day (age 0)
        const double bound = table[age] * hazards.hazard_ratio;
        chance_[state][age] = 1.0 - std::exp(-bound);
        cumulative_[state][age] = cumulative_[state][age - 1] + bound;
      }
    }
    due_.reset(chance_[0].size());  // a candidate is at most a follow-up ahead
  }

  // The bound's chance of leaving at `age` for an exclusive (or partial) mother.
  [[nodiscard]] double bound_chance(bool exclusive, int age) const {
    return chance_[exclusive][static_cast<std::size_t>(age)];
  }

  // Her first candidate day after `after_age` (drawn with `exponential`, a
  // standard exponential draw), if she reaches one while followed.
  void schedule(std::int32_t id, std::int32_t birth_day, int after_age, bool exclusive, double exponential) {
    const auto age = sim::first_day_reaching(cumulative_[exclusive], static_cast<std::size_t>(after_age), exponential);
    if (age < cumulative_[exclusive].size()) due_.schedule(birth_day + static_cast<int>(age), id);
  }

  // The mothers whose candidate day is `day`.
  [[nodiscard]] std::vector<std::int32_t> take(int day) { return due_.take(day); }

 private:
  std::array<std::vector<double>, 2> chance_, cumulative_;  // [partial, exclusive][age]
  sim::DayCalendar<std::int32_t> due_;  // mother ids by candidate day
};

class FeedingTransitions final : public sim::Module {
 public:
  explicit FeedingTransitions(World& world)
      : Module({.name = "feeding",
                .purpose = "mothers move exclusive -> partial -> none; confidence from support lowers the hazards",
                .reads = {"mothers.feeding", "mothers.birth_day", "mothers.confidence", "mothers.difficulty"},
                .writes = {"mothers.feeding", "mothers.confidence"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("any_bf_share"), c.series_index("exclusive_bf_share"), c.series_index("any_bf_share_under_6w"), c.series_index("exclusive_bf_share_under_6w"), c.series_index("any_bf_share_6w_to_6m"), c.series_index("exclusive_bf_share_6w_to_6m"), c.series_index("mean_confidence")};
    const auto values = feeding_parameters().read(context.parameters());
    any_effect_ = values.any_effect;
    exclusive_effect_ = values.separate_exits ? values.exclusive_effect : values.any_effect;
    keep_ = std::exp(-values.confidence_decay);
    const auto& parameters = context.parameters();
    const UsualCare care{.midwife_visits = parameters.list("professionals.midwife_visits"),
                         .health_visitor_visits = parameters.list("professionals.health_visitor_visits"),
                         .handover_age = world_.handover_age,
                         .midwives = world_.parameters.midwives > 0,
                         .health_visitors = world_.parameters.health_visitors > 0};
    hazards_ = derive_episode_hazards(difficulty_parameters(parameters), world_.curve, care);
    thinned_ = values.exits == FeedingExits::thinned;
    if (thinned_) calendar_.configure(hazards_);
    scheduled_until_ = world_.mothers.first_id;
  }

  struct Band {
    std::size_t mothers = 0, any = 0, exclusive = 0;
  };

  // The mothers of one age are a contiguous range of indices (first_born_from),
  // so the two age bands are two ranges: no per-mother test of age.
  [[nodiscard]] Band count_band(std::size_t from, std::size_t to) const {
    const auto& feeding = world_.mothers.feeding;
    Band band;
    band.mothers = to - from;
    for (std::size_t i = from; i < to; ++i) {
      band.any += feeding[i] != Feeding::none;
      band.exclusive += feeding[i] == Feeding::exclusive;
    }
    return band;
  }

  void on_record(sim::RunContext& context) override {
    const auto& mothers = world_.mothers;
    const std::size_t under_6_weeks = mothers.first_born_from(context.day() - kAge6Weeks + 1);
    const Band young = count_band(under_6_weeks, mothers.count()), older = count_band(mothers.departed, under_6_weeks);
    const auto share = [](std::size_t n, std::size_t of) {
      return of > 0 ? static_cast<double>(n) / static_cast<double>(of) : 0.0;
    };
    context.record(series_.any, share(young.any + older.any, young.mothers + older.mothers));
    context.record(series_.exclusive, share(young.exclusive + older.exclusive, young.mothers + older.mothers));
    context.record(series_.any_young, share(young.any, young.mothers));
    context.record(series_.exclusive_young, share(young.exclusive, young.mothers));
    context.record(series_.any_older, share(older.any, older.mothers));
    context.record(series_.exclusive_older, share(older.exclusive, older.mothers));
    const double confidence = sim::sum_in_lanes(mothers.confidence.data(), mothers.departed, mothers.count());
    const auto followed = static_cast<double>(mothers.count() - mothers.departed);
    context.record(series_.confidence, followed > 0 ? confidence / followed : std::nan(""));
  }

  // A draw every day: confidence first decays towards 0 (usual care) for every mother; then
  // each breastfeeding mother past her birth day draws her transition. Mothers
  // go in chunks so that their draws' Philox blocks are generated together.
  void on_step(sim::RunContext& context) override {
    if (thinned_) {
      step_thinned(context);
      return;
    }
    const int day = context.day();
    auto& mothers = world_.mothers;
    sim::DrawsBatch batch(context.random(), stream::feeding, static_cast<std::uint32_t>(day));
    constexpr std::size_t kChunk = sim::DrawsBatch::kCapacity;
    std::array<std::size_t, kChunk> deciding{};
    std::array<double, kChunk> deciding_gained{};  // her confidence (support above usual care) at the start of the day
    for (std::size_t start = mothers.departed; start < mothers.count(); start += kChunk) {
      const std::size_t n = std::min(kChunk, mothers.count() - start);
      double* confidence = mothers.confidence.data() + start;
      // Breastfeeding and past the birth day; half of the mothers at random,
      // so chosen without a branch (each slot is written, kept if chosen).
      // Read before the decay below (no copy of the chunk's confidence first).
      batch.clear();
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t i = start + j;
        const bool decides = (mothers.feeding[i] != Feeding::none) & (mothers.birth_day[i] < day);
        deciding[batch.size()] = i;
        deciding_gained[batch.size()] = confidence[j];
        batch.add_if(decides, static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i)));
      }
      const double keep = keep_;  // a local: stores to confidence cannot change it
      for (std::size_t j = 0; j < n; ++j) confidence[j] *= keep;  // no branch: vectorises
      batch.generate();
      for (std::size_t k = 0; k < batch.size(); ++k) {
        sim::Draws draws = batch.draws(k);
        const double u = draws.uniform();
        transition(deciding[k], day, deciding_gained[k], u, draws);
      }
    }
  }

  // Thinned exits: only the mothers whose candidate day is today decide, with
  // their confidence at the start of the day (read before it decays).
  void step_thinned(sim::RunContext& context) {
    const int day = context.day();
    auto& mothers = world_.mothers;
    schedule_arrivals(context, day);
    // In the order they were scheduled: the draws are keyed, so the order changes no number
    // (sorting them cost more than it saved; fetching ahead is what the scattered reads need).
    auto due = calendar_.take(day);
    for (std::size_t k = 0; k < due.size(); ++k) {
      if (k + kDueAhead < due.size()) prefetch_columns(mothers.index(due[k + kDueAhead]));  // they are scattered
      const std::int32_t id = due[k];
      const std::size_t i = mothers.index(id);
      const bool exclusive = mothers.feeding[i] == Feeding::exclusive;
      const int age = day - mothers.birth_day[i];
      sim::Draws draws = context.random().draws(stream::feeding, static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(day));
      const double u = draws.uniform() * calendar_.bound_chance(exclusive, age);
      transition(i, day, mothers.confidence[i], u, draws);
      if (mothers.feeding[i] != Feeding::none) schedule(context, i, age, day);
    }
    const double keep = keep_;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) mothers.confidence[i] *= keep;
  }

  static constexpr std::size_t kDueAhead = 8;
  void prefetch_columns(std::size_t i) const {
    const auto& mothers = world_.mothers;
    __builtin_prefetch(&mothers.birth_day[i]);
    __builtin_prefetch(&mothers.confidence[i]);
    __builtin_prefetch(&mothers.feeding[i]);
    __builtin_prefetch(&mothers.difficulty[i]);
  }

  // Mothers who arrived since the last step (today's newborns; on the first
  // day, any the world started with): their first candidate day. One past
  // her birth day decides today, as with a draw every day, so she is
  // scheduled from yesterday's age.
  void schedule_arrivals(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.take_arrivals(scheduled_until_); i < mothers.count(); ++i)
      if (mothers.feeding[i] != Feeding::none) schedule(context, i, mothers.age_yesterday(i, day), day);
  }

  // Her next candidate day after `after_age`, drawn today in her current state.
  void schedule(sim::RunContext& context, std::size_t i, int after_age, int day) {
    auto& mothers = world_.mothers;
    const auto id = static_cast<std::int32_t>(mothers.first_id + static_cast<std::int64_t>(i));
    const double u = context.random().uniform(stream::feeding_schedule, static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(day));
    calendar_.schedule(id, mothers.birth_day[i], after_age, mothers.feeding[i] == Feeding::exclusive, -std::log1p(-u));
  }

  // The first uniform, u, decides whether she leaves her state (she leaves
  // when u is below the chance); an exclusive mother who leaves draws a second
  // for where to. Her exits are competing hazards: exclusive -> none h q R_any,
  // exclusive -> partial h (1 - q) R_excl, partial -> none h R_any (h the
  // curve's hazard, q its exit_to_none).
  void transition(std::size_t i, int day, double gained, double u, sim::Draws& draws) {
    auto& mothers = world_.mothers;
    const auto& curve = world_.curve;
    const auto age = static_cast<std::size_t>(day - mothers.birth_day[i]);
    const bool exclusive = mothers.feeding[i] == Feeding::exclusive;
    // Exclusive and partial mothers are mixed at random: pick the table and the episode ratio without a branch.
    const std::array<const double*, 2> hazards{hazards_.partial_hazard.data(), hazards_.exclusive_hazard.data()};
    const std::array<double, 2> episode{1.0, hazards_.hazard_ratio};
    const double hazard = hazards[exclusive][age] * episode[mothers.difficulty[i] != Difficulty::none];
    if (screened_out(u, hazard, gained)) return;
    const double any = gained == 0.0 ? 1.0 : std::exp(-any_effect_ * gained);
    if (!exclusive) {
      if (u < 1.0 - std::exp(-hazard * any)) mothers.feeding[i] = Feeding::none;
      return;
    }
    const double partial = gained == 0.0 ? 1.0 : std::exp(-exclusive_effect_ * gained);
    const double to_none = curve.exit_to_none * any, to_partial = (1.0 - curve.exit_to_none) * partial;
    if (u >= 1.0 - std::exp(-hazard * (to_none + to_partial))) return;
    mothers.feeding[i] = draws.uniform() * (to_none + to_partial) >= to_none ? Feeding::partial : Feeding::none;
  }

  // Whether u is certainly above the chance of leaving, without an exp call:
  // with both effects * gained >= 0 every ratio is at most 1, so the
  // chance is at most hazard + 2^-51 (exp is within 1 ulp; 1 - exp(-x) <= x);
  // the daily hazards are small, so most draws are above hazard + 1e-12 and
  // skip the exp calls with the same outcome as computing them.
  [[nodiscard]] bool screened_out(double u, double hazard, double gained) const {
    constexpr double kScreenMargin = 1e-12;
    return any_effect_ * gained >= 0.0 && exclusive_effect_ * gained >= 0.0 &&
           u >= hazard + kScreenMargin;
  }

  World& world_;
  struct SeriesIndices {
    std::size_t any, exclusive, any_young, exclusive_young, any_older, exclusive_older, confidence;
  } series_{};  // where this module records (looked up in the catalog)
  EpisodeHazards hazards_;  // the curve's hazards with episodes redistributing them
  double any_effect_ = 0.0, exclusive_effect_ = 0.0, keep_ = 1.0;
  bool thinned_ = false;  // numerics.feeding_exits: thinned
  CandidateCalendar calendar_;  // thinned: who decides on which day
  std::int64_t scheduled_until_ = 0;  // thinned: mothers from this id on have no candidate day yet
};

}  // namespace

static std::unique_ptr<sim::Module> make_feeding(World& world) { return std::make_unique<FeedingTransitions>(world); }

static void declare_feeding(sim::ParameterRegistry& registry) { feeding_parameters().declare(registry); }

static void declare_feeding_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"any_bf_share", "share", "Share of followed mothers breastfeeding at all"});
  catalog.add_series({"exclusive_bf_share", "share", "Share of followed mothers breastfeeding exclusively"});
  catalog.add_series({"any_bf_share_under_6w", "share", "Share of followed mothers with babies under 6 weeks breastfeeding at all"});
  catalog.add_series({"exclusive_bf_share_under_6w", "share", "Share of followed mothers with babies under 6 weeks breastfeeding exclusively"});
  catalog.add_series({"any_bf_share_6w_to_6m", "share", "Share of followed mothers with babies from 6 weeks to 6 months breastfeeding at all"});
  catalog.add_series({"exclusive_bf_share_6w_to_6m", "share", "Share of followed mothers with babies from 6 weeks to 6 months breastfeeding exclusively"});
  catalog.add_series({"mean_confidence", "score 0-1", "Mean breastfeeding confidence of followed mothers"});
}

const ModuleType& feeding_module() {
  static const ModuleType type{declare_feeding, declare_feeding_outputs, make_feeding};
  return type;
}

}  // namespace models
