// Feeding transitions (the outcome): each day a breastfeeding mother may
// leave exclusive breastfeeding or stop, with the usual-care hazards of the
// feeding curve (feeding_curve.hpp) times exp(-effect * (confidence -
// baseline)). Support raises confidence; it then falls back towards the
// baseline, so under usual care the survey's curve holds exactly. Decisions
// use the state at the start of the day: a mother who moves to partial today
// does not also stop today.
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

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const auto& curve = world_.curve;
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      const Feeding state = mothers.feeding[i];
      const int age = day - mothers.birth_day[i];
      const double above_baseline = mothers.confidence[i] - baseline_;
      mothers.confidence[i] = baseline_ + keep_ * above_baseline;
      if (state == Feeding::none || age < 1) continue;
      const double ratio = above_baseline == 0.0 ? 1.0 : std::exp(-effect_ * above_baseline);
      const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
      auto draws = context.random().draws(stream::feeding, id, static_cast<std::uint32_t>(day));
      const auto a = static_cast<std::size_t>(age);
      if (state == Feeding::exclusive) {
        if (draws.uniform() < 1.0 - std::exp(-curve.exclusive_hazard[a] * ratio))
          mothers.feeding[i] = draws.uniform() < curve.exit_to_none ? Feeding::none : Feeding::partial;
      } else if (draws.uniform() < 1.0 - std::exp(-curve.partial_hazard[a] * ratio)) {
        mothers.feeding[i] = Feeding::none;
      }
    }
  }

  World& world_;
  double baseline_ = 0.5, effect_ = 0.0, keep_ = 1.0;
};

}  // namespace

std::unique_ptr<sim::Module> make_feeding(World& world) { return std::make_unique<FeedingTransitions>(world); }

}  // namespace models
