// Feeding transitions (the outcome): each day a breastfeeding mother may
// leave exclusive breastfeeding or stop, with the baseline hazards of the
// usual-care curve (feeding_curve.hpp) scaled by the hazard ratios of recent
// peer and professional support. Decisions use the state at the start of the
// day: a mother who moves to partial today does not also stop today.
#include <cmath>

#include "models/modules.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

class FeedingTransitions final : public sim::Module {
 public:
  explicit FeedingTransitions(World& world)
      : Module("feeding", "mothers move exclusive -> partial -> none; support lowers the hazards"), world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    peer_hazard_ratio_ = p.real("peer_support.hazard_ratio");
    professional_hazard_ratio_ = p.real("professionals.contact_hazard_ratio");
    protection_ = static_cast<std::int32_t>(std::lround(p.real("support.protection")));
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const auto& curve = world_.curve;
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      const Feeding state = mothers.feeding[i];
      const int age = day - mothers.birth_day[i];
      if (state == Feeding::none || age < 1) continue;
      double ratio = 1.0;
      if (day - mothers.last_peer_contact[i] < protection_) ratio *= peer_hazard_ratio_;
      if (day - mothers.last_professional_contact[i] < protection_) ratio *= professional_hazard_ratio_;
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
  double peer_hazard_ratio_ = 1.0, professional_hazard_ratio_ = 1.0;
  std::int32_t protection_ = 0;
};

}  // namespace

std::unique_ptr<sim::Module> make_feeding(World& world) { return std::make_unique<FeedingTransitions>(world); }

}  // namespace models
