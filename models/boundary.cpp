// Boundary perception (F5, F7): a professional notices a boundary event with
// her mother with a chance equal to her surveillance. A noticed real
// transgression is perceived as one; a concerned professional reads a
// noticed ambiguous act as a transgression with a chance equal to her
// concern (a false alarm). Uses the professionals' state of day t.
#include "models/modules.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

class BoundaryPerception final : public sim::Module {
 public:
  explicit BoundaryPerception(World& world)
      : Module({.name = "boundary",
                .purpose = "professionals notice boundary events by surveillance; concern reads ambiguity as transgression (F5, F7)",
                .reads = {"today.boundary_events", "professionals.surveillance", "professionals.concern"},
                .writes = {"today.perceived", "today.perceived_transgressions", "today.false_alarms"}}),
        world_(world) {}

 private:
  void on_step(sim::RunContext& context) override {
    const auto& pros = world_.professionals;
    for (const auto& event : world_.today.boundary_events) {
      if (event.professional == kNobody) continue;
      const auto k = static_cast<std::size_t>(event.professional);
      auto draws = context.random().draws(stream::noticing, static_cast<std::uint32_t>(event.mother),
                                          static_cast<std::uint32_t>(context.day()));
      if (draws.uniform() >= pros.surveillance[k]) continue;
      if (!event.real) {
        if (draws.uniform() >= pros.concern[k]) continue;
        ++world_.today.false_alarms;
      }
      ++world_.today.perceived_transgressions;
      world_.today.perceived.push_back({event.professional, event.volunteer});
    }
  }

  World& world_;
};

}  // namespace

std::unique_ptr<sim::Module> make_boundary(World& world) { return std::make_unique<BoundaryPerception>(world); }

}  // namespace models
