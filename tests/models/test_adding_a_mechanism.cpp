// The walkthrough of docs/adding-a-mechanism.md, as a test: a new mechanism
// is one file (this module: its parameters, its state column, its outputs,
// what it reads and writes) plus one line in a plan. Here the plan is the
// model's daily plan with the new module appended; in the model it would be
// one line in models/model.cpp's daily_plan().
//
// The mechanism (an example, not part of the model): a coordinator phones
// each mother on the waiting list with a daily chance, and counts the calls.
#include <catch2/catch.hpp>
#include <cstring>

#include "models/declare.hpp"
#include "models/model.hpp"
#include "models/modules.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"
#include "sim/parameter_block.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/stepped_run.hpp"

namespace {

// 1. Parameters: a typed struct, each field bound to its registry entry.
struct CheckInParameters {
  double daily_chance;
};

const sim::ParameterBlock<CheckInParameters>& check_in_parameters() {
  static const auto block = [] {
    using namespace models::declare;
    sim::ParameterBlock<CheckInParameters> b;
    b.bind(&CheckInParameters::daily_chance,
           share("example.check_in_probability", 0.2, "Daily chance that the coordinator phones a waiting mother",
                 assumption("an example mechanism for the walkthrough")));
    return b;
  }();
  return block;
}

// A random stream of its own: draws are keyed by (stream, agent, day), so no
// other draw moves whatever this module draws; its own key keeps its draws
// independent of the model's.
constexpr std::uint32_t kCheckInStream = 1000;

// 2. The module: what it reads and writes, its state column, its step and record.
class CheckInCalls final : public sim::Module {
 public:
  explicit CheckInCalls(models::World& world)
      : Module({.name = "check_in_calls",
                .purpose = "the coordinator phones waiting mothers (example)",
                .reads = {"waiting"},
                .writes = {"mothers.check_ins"}}),
        world_(world) {}

  std::vector<std::uint16_t> check_ins;  // per mother: calls received (a column of the mothers' store)

 private:
  void on_initialize(sim::RunContext& context) override {
    parameters_ = check_in_parameters().read(context.parameters());
    world_.mothers.columns.attach<std::uint16_t>(check_ins, 0);  // grows and shrinks with the mothers
    series_ = context.catalog().series_index("check_in_calls");
  }

  void on_step(sim::RunContext& context) override {
    calls_today_ = 0;
    const auto& mothers = world_.mothers;
    for (const auto id : world_.waiting) {
      if (id < mothers.first_id + static_cast<std::int64_t>(mothers.departed)) continue;
      if (context.random().uniform(kCheckInStream, static_cast<std::uint32_t>(id),
                                   static_cast<std::uint32_t>(context.day())) >= parameters_.daily_chance)
        continue;
      ++check_ins[mothers.index(id)];
      ++calls_today_;
    }
  }

  void on_record(sim::RunContext& context) override { context.record(series_, calls_today_); }

  models::World& world_;
  CheckInParameters parameters_{};
  std::size_t series_ = 0;
  double calls_today_ = 0;
};

// 3. Its outputs, and 4. the type the plan lists.
void declare_check_in_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"check_in_calls", "calls per day", "Calls the coordinator made to waiting mothers today"});
  catalog.add_series_mean({"check_in_calls_per_year", "calls per year", "Calls to waiting mothers, per year"},
                          "check_in_calls", sim::kDaysPerYear);
}

const models::ModuleType& check_in_module() {
  static const models::ModuleType type{
      [](sim::ParameterRegistry& registry) { check_in_parameters().declare(registry); }, declare_check_in_outputs,
      [](models::World& world) -> std::unique_ptr<sim::Module> { return std::make_unique<CheckInCalls>(world); }};
  return type;
}

// 5. The registration line: the daily plan plus the new module.
std::vector<models::ModuleType> plan_with_check_ins() {
  auto modules = models::daily_plan();
  modules.push_back(check_in_module());
  return modules;
}

struct Extended {
  std::vector<models::ModuleType> modules = plan_with_check_ins();
  sim::ParameterRegistry registry = models::registry_of(modules);
  sim::OutputCatalog catalog = models::catalog_of(modules);
  sim::PlanFactory factory = [this](const sim::ParameterSet&) { return models::plan_of(modules); };
};

sim::ParameterSet parameters_for(const sim::ParameterRegistry& registry, const std::string& chance) {
  sim::ParameterSet p(registry);
  for (const char* assignment : {"name=check-ins", "horizon=400 days"}) sim::apply_override(p, assignment);
  if (!chance.empty()) sim::apply_override(p, "example.check_in_probability=" + chance);
  return p;
}

}  // namespace

TEST_CASE("a new module brings its parameters and outputs into the registry and catalog") {
  const Extended extended;
  REQUIRE(extended.registry.find("example.check_in_probability"));
  CHECK(extended.registry.find("example.check_in_probability")->source.kind == sim::Provenance::assumption);
  CHECK_FALSE(models::parameter_registry().find("example.check_in_probability"));
  CHECK(extended.catalog.find_series("check_in_calls"));
  CHECK(extended.catalog.summary_index("check_in_calls_per_year") == extended.catalog.summaries().size() - 1);
  const auto plan = models::plan_of(extended.modules);
  CHECK(plan.describe().find("check_in_calls") != std::string::npos);
}

TEST_CASE("a new module on its own stream changes none of the model's numbers, and does what it says") {
  const Extended extended;
  const auto& base_catalog = models::output_catalog();
  const auto base_parameters = parameters_for(models::parameter_registry(), "");
  const int days = 400;
  const auto base = sim::run_one(models::build_plan, base_catalog, base_parameters, 11, days);
  const auto always = parameters_for(extended.registry, "1");
  const auto with = sim::run_one(extended.factory, extended.catalog, always, 11, days);
  for (std::size_t s = 0; s < base_catalog.series().size(); ++s) {
    const auto k = *extended.catalog.find_series(base_catalog.series()[s].name);
    INFO(base_catalog.series()[s].name);
    CHECK(std::memcmp(&base.series[s * days], &with.series[k * days], days * sizeof(double)) == 0);
  }
  // A daily chance of 1: every mother on the list at the end of the day is called.
  const auto calls = *extended.catalog.find_series("check_in_calls");
  const auto waiting = *extended.catalog.find_series("mothers_waiting");
  double total = 0;
  for (int day = 0; day < days; ++day) {
    CHECK(with.at(calls, day) == with.at(waiting, day));
    total += with.at(calls, day);
  }
  CHECK(total > 0);  // the defaults keep a waiting list
  const auto never = sim::run_one(extended.factory, extended.catalog, parameters_for(extended.registry, "0"), 11, days);
  for (int day = 0; day < days; ++day) CHECK(never.at(calls, day) == 0);
}

TEST_CASE("a column a module attaches grows and shrinks with the agents") {
  const Extended extended;
  const auto parameters = parameters_for(extended.registry, "1");
  sim::SteppedRun run(extended.factory, extended.catalog, parameters, 3, 400);
  while (run.advance_day()) {
  }
  const auto& world = *std::static_pointer_cast<models::World>(run.plan().shared_state);
  const auto& module = dynamic_cast<const CheckInCalls&>(*run.plan().modules.back());
  CHECK(module.check_ins.size() == world.mothers.count());
}
