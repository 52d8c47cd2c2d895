// Feeding transitions (the outcome): each day a breastfeeding mother may
// leave exclusive breastfeeding or stop, with the usual-care hazards of the
// feeding curve (feeding_curve.hpp) times exp(-effect * (confidence -
// baseline)). Support raises confidence; it then falls back towards the
// baseline, so under usual care the survey's curve holds exactly. Decisions
// use the state at the start of the day: a mother who moves to partial today
// does not also stop today.
#include <algorithm>
#include <array>
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "sim/statistics.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct FeedingParameters {
  double confidence_effect;  // mothers.confidence.effect
  double confidence_decay;  // mothers.confidence.decay
};

sim::ParameterBlock<FeedingParameters> declare_feeding_parameters() {
  using namespace declare;
  sim::ParameterBlock<FeedingParameters> block;
  block.bind(&FeedingParameters::confidence_effect, number("mothers.confidence.effect", 1.0, "per unit of confidence", 0.0, 20.0,
               "How confidence above the baseline lowers the hazards of stopping: hazard ratio "
               "exp(-effect * (confidence - baseline))",
               {Provenance::calibrated, "proactive support with >= 4 contacts: relative risk of stopping any "
                                        "breastfeeding by 6 weeks about 0.77 (McFadden et al. 2019)"}));
  block.bind(&FeedingParameters::confidence_decay, daily_rate("mothers.confidence.decay", 0.05,
                   "How fast confidence gained from support falls back towards the baseline",
                   assumption("support wears off over about three weeks")));
  return block;
}

const sim::ParameterBlock<FeedingParameters>& feeding_parameters() {
  static const sim::ParameterBlock<FeedingParameters> block = declare_feeding_parameters();
  return block;
}


class FeedingTransitions final : public sim::Module {
 public:
  explicit FeedingTransitions(World& world)
      : Module({.name = "feeding",
                .purpose = "mothers move exclusive -> partial -> none; confidence from support lowers the hazards",
                .reads = {"mothers.feeding", "mothers.birth_day", "mothers.confidence"},
                .writes = {"mothers.feeding", "mothers.confidence"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("any_bf_share"), c.series_index("exclusive_bf_share"), c.series_index("any_bf_share_under_6w"), c.series_index("exclusive_bf_share_under_6w"), c.series_index("any_bf_share_6w_to_6m"), c.series_index("exclusive_bf_share_6w_to_6m"), c.series_index("mean_confidence")};
    const auto values = feeding_parameters().read(context.parameters());
    baseline_ = world_.parameters.confidence_baseline;
    effect_ = values.confidence_effect;
    keep_ = std::exp(-values.confidence_decay);
  }

  // Confidence first falls back towards the baseline for every mother; then
  // each breastfeeding mother past her birth day draws her transition. Mothers
  // go in chunks so that their draws' Philox blocks are generated together.
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
    double confidence = 0.0;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) confidence += mothers.confidence[i];
    const auto followed = static_cast<double>(mothers.count() - mothers.departed);
    context.record(series_.confidence, followed > 0 ? confidence / followed : std::nan(""));
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    auto& mothers = world_.mothers;
    sim::DrawsBatch batch(context.random(), stream::feeding, static_cast<std::uint32_t>(day));
    constexpr std::size_t kChunk = sim::DrawsBatch::kCapacity;
    std::array<double, kChunk> above{};  // confidence above the baseline at the start of the day
    std::array<std::size_t, kChunk> deciding{};
    std::array<double, kChunk> deciding_above{};
    for (std::size_t start = mothers.departed; start < mothers.count(); start += kChunk) {
      const std::size_t n = std::min(kChunk, mothers.count() - start);
      double* confidence = mothers.confidence.data() + start;
      const double baseline = baseline_, keep = keep_;  // locals: stores to confidence cannot change them
      for (std::size_t j = 0; j < n; ++j) {  // no branch: vectorises
        above[j] = confidence[j] - baseline;
        confidence[j] = baseline + keep * above[j];
      }
      // Breastfeeding and past the birth day; half of the mothers at random,
      // so chosen without a branch (each slot is written, kept if chosen).
      batch.clear();
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t i = start + j;
        const bool decides = (mothers.feeding[i] != Feeding::none) & (mothers.birth_day[i] < day);
        deciding[batch.size()] = i;
        deciding_above[batch.size()] = above[j];
        batch.add_if(decides, static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i)));
      }
      batch.generate();
      for (std::size_t k = 0; k < batch.size(); ++k) transition(deciding[k], day, deciding_above[k], batch.draws(k));
    }
  }

  // The first uniform decides whether she leaves her state (the hazard of
  // exclusive or of partial breastfeeding); an exclusive mother who leaves
  // draws a second for where to.
  void transition(std::size_t i, int day, double above_baseline, sim::Draws draws) {
    auto& mothers = world_.mothers;
    const auto& curve = world_.curve;
    const auto age = static_cast<std::size_t>(day - mothers.birth_day[i]);
    const bool exclusive = mothers.feeding[i] == Feeding::exclusive;
    // Exclusive and partial mothers are mixed at random: pick the table without a branch.
    const std::array<const double*, 2> hazards{curve.partial_hazard.data(), curve.exclusive_hazard.data()};
    const double hazard = hazards[exclusive][age];
    if (!leaves(draws.uniform(), hazard, above_baseline)) return;
    mothers.feeding[i] = exclusive && draws.uniform() >= curve.exit_to_none ? Feeding::partial : Feeding::none;
  }

  // u < 1 - exp(-hazard * exp(-effect * above_baseline)), computed exactly so
  // only when it can be true. With effect * above_baseline >= 0 the ratio is
  // at most 1, so the computed threshold is at most hazard + 2^-51 (exp is
  // within 1 ulp; 1 - exp(-x) <= x); the daily hazards are small, so most
  // draws are above hazard + 1e-12 and skip both exp calls with the same
  // outcome as computing them.
  [[nodiscard]] bool leaves(double u, double hazard, double above_baseline) const {
    constexpr double kScreenMargin = 1e-12;
    if (effect_ * above_baseline >= 0.0 && u >= hazard + kScreenMargin) return false;
    const double ratio = above_baseline == 0.0 ? 1.0 : std::exp(-effect_ * above_baseline);
    return u < 1.0 - std::exp(-hazard * ratio);
  }

  World& world_;
  struct SeriesIndices {
    std::size_t any, exclusive, any_young, exclusive_young, any_older, exclusive_older, confidence;
  } series_{};  // where this module records (looked up in the catalog)
  double baseline_ = 0.5, effect_ = 0.0, keep_ = 1.0;
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
