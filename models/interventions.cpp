// The start of each day: the scheme settings of every locality (the
// scenario's values, as changed by interventions in force), and the reset of
// the day's events.
#include "models/modules.hpp"

namespace models {
namespace {

class Interventions final : public sim::Module {
 public:
  explicit Interventions(World& world)
      : Module("interventions", "start the day: scheme settings by locality, changed by interventions in force (F9)"),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto localities = static_cast<std::size_t>(context.parameters().integer("population.localities"));
    world_.scheme.assign(localities, scheme_settings(context.parameters()));
  }

  void on_step(sim::RunContext&) override { world_.begin_day(); }

  World& world_;
};

}  // namespace

std::unique_ptr<sim::Module> make_interventions(World& world) { return std::make_unique<Interventions>(world); }

}  // namespace models
