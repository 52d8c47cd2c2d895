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

#include "models/modules.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

class FeedingTransitions final : public sim::Module {
 public:
  explicit FeedingTransitions(World& world)
      : Module("feeding", "mothers move exclusive -> partial -> none; confidence from support lowers the hazards"),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    baseline_ = p.real("mothers.confidence.baseline");
    effect_ = p.real("mothers.confidence.effect");
    keep_ = std::exp(-p.real("mothers.confidence.decay"));
  }

  // Confidence first falls back towards the baseline for every mother; then
  // each breastfeeding mother past her birth day draws her transition. Mothers
  // go in chunks so that their draws' Philox blocks are generated together.
  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    auto& mothers = world_.mothers;
    sim::DrawsBatch batch(context.random(), stream::feeding, static_cast<std::uint32_t>(day));
    std::array<std::size_t, sim::DrawsBatch::kCapacity> deciding{};
    std::array<double, sim::DrawsBatch::kCapacity> above_baseline{};  // at the start of the day
    for (std::size_t start = mothers.departed; start < mothers.count(); start += sim::DrawsBatch::kCapacity) {
      const std::size_t end = std::min(start + sim::DrawsBatch::kCapacity, mothers.count());
      batch.clear();
      for (std::size_t i = start; i < end; ++i) {
        const double above = mothers.confidence[i] - baseline_;
        mothers.confidence[i] = baseline_ + keep_ * above;
        if (mothers.feeding[i] == Feeding::none || day - mothers.birth_day[i] < 1) continue;
        deciding[batch.size()] = i;
        above_baseline[batch.size()] = above;
        batch.add(static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i)));
      }
      batch.generate();
      for (std::size_t j = 0; j < batch.size(); ++j) transition(deciding[j], day, above_baseline[j], batch.draws(j));
    }
  }

  void transition(std::size_t i, int day, double above_baseline, sim::Draws draws) {
    auto& mothers = world_.mothers;
    const auto& curve = world_.curve;
    const auto age = static_cast<std::size_t>(day - mothers.birth_day[i]);
    if (mothers.feeding[i] == Feeding::exclusive) {
      if (leaves(draws.uniform(), curve.exclusive_hazard[age], above_baseline))
        mothers.feeding[i] = draws.uniform() < curve.exit_to_none ? Feeding::none : Feeding::partial;
    } else if (leaves(draws.uniform(), curve.partial_hazard[age], above_baseline)) {
      mothers.feeding[i] = Feeding::none;
    }
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

}  // namespace models
