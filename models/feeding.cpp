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
    const auto values = feeding_parameters().read(context.parameters());
    baseline_ = world_.parameters.confidence_baseline;
    effect_ = values.confidence_effect;
    keep_ = std::exp(-values.confidence_decay);
  }

  // Confidence first falls back towards the baseline for every mother; then
  // each breastfeeding mother past her birth day draws her transition. Mothers
  // go in chunks so that their draws' Philox blocks are generated together.
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
  double baseline_ = 0.5, effect_ = 0.0, keep_ = 1.0;
};

}  // namespace

std::unique_ptr<sim::Module> make_feeding(World& world) { return std::make_unique<FeedingTransitions>(world); }

void declare_feeding(sim::ParameterRegistry& registry) { feeding_parameters().declare(registry); }

}  // namespace models
