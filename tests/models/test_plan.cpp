#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "models/model.hpp"
#include "models/modules.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "models/world.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

TEST_CASE("the daily plan runs the modules in this order") {
  sim::ParameterSet p(models::parameter_registry());
  p.set("name", std::string("t"), {});
  const auto plan = models::build_plan(p);
  std::vector<std::string> names;
  for (const auto& module : plan.modules) names.push_back(module->name());
  // Volunteers' experience reads professionals' surveillance before professional_attitudes writes day t+1.
  CHECK(names == std::vector<std::string>{"interventions", "demography", "professional_care", "referral",
                                          "peer_support", "mother_network", "boundary", "learning",
                                          "volunteer_experience", "professional_attitudes", "difficulties", "feeding",
                                          "outcomes", "tension"});
}

TEST_CASE("every module of the plan says what it reads and writes, and the printed plan shows it") {
  sim::ParameterSet p(models::parameter_registry());
  p.set("name", std::string("t"), {});
  const auto plan = models::build_plan(p);
  const auto printed = plan.describe();
  for (const auto& module : plan.modules) {
    INFO(module->name());
    CHECK_FALSE(module->spec().reads.empty());
    CHECK_FALSE(module->spec().writes.empty());
    CHECK(printed.find(module->spec().writes.front()) != std::string::npos);
  }
  CHECK(plan.start_day);  // the engine, not a module, starts the day
}

// The day's scratch (`today.*`) is cleared when the engine starts a day, so a module that
// reads it must come after one that declares writing it, or it reads nothing.
TEST_CASE("every read of the day's scratch comes after a module that declares writing it") {
  sim::ParameterSet p(models::parameter_registry());
  p.set("name", std::string("t"), {});
  const auto plan = models::build_plan(p);
  std::set<std::string> written;
  for (const auto& module : plan.modules) {
    for (const auto& read : module->spec().reads) {
      if (!read.starts_with("today.")) continue;
      INFO(module->name() << " reads " << read);
      CHECK(written.count(read) == 1);
    }
    written.insert(module->spec().writes.begin(), module->spec().writes.end());
  }
}

namespace {

// Sees the mothers at finalize and at the end-of-run snapshot.
class MothersProbe final : public sim::Module {
 public:
  struct Seen {
    std::size_t at_finalize = 0, at_snapshot = 0, capacity_at_snapshot = 0;
    bool snapshot_taken = false;
  };
  MothersProbe(models::World& world, Seen& seen)
      : Module({.name = "probe", .purpose = "test", .reads = {"mothers.birth_day"}, .writes = {"nothing"}}),
        world_(world), seen_(seen) {}

 private:
  void on_step(sim::RunContext&) override {}
  void on_finalize(sim::RunContext&) override { seen_.at_finalize = world_.mothers.count(); }
  void on_snapshot(sim::RunContext&) const override {
    seen_.at_snapshot = world_.mothers.count();
    seen_.capacity_at_snapshot = world_.mothers.birth_day.capacity() + world_.mothers.confidence.capacity();
    seen_.snapshot_taken = true;
  }
  models::World& world_;
  Seen& seen_;
};

}  // namespace

// The end-of-run snapshot (the graph) is a run's last large allocation; the
// mothers' columns are freed before it, so the two are never resident together.
TEST_CASE("the mothers are read at finalize and their memory is given back before the end-of-run snapshot") {
  static MothersProbe::Seen seen;
  std::vector<models::ModuleType> modules = models::daily_plan();
  modules.push_back({[](sim::ParameterRegistry&) {}, [](sim::OutputCatalog&) {},
                     [](models::World& world) -> std::unique_ptr<sim::Module> {
                       return std::make_unique<MothersProbe>(world, seen);
                     }});
  const sim::ParameterRegistry registry = models::registry_of(modules);
  sim::ParameterSet p(registry);
  sim::apply_override(p, "name=t");
  const auto result = sim::run_one([&](const sim::ParameterSet&) { return models::plan_of(modules); },
                                   models::catalog_of(modules), p, 7, 120, nullptr, nullptr, true);
  CHECK(seen.at_finalize > 0);
  REQUIRE(seen.snapshot_taken);
  CHECK(seen.at_snapshot == 0);
  CHECK(seen.capacity_at_snapshot == 0);
  CHECK_FALSE(result.snapshot.empty());  // the graph's snapshot is still taken
}
