// SteppedRun: the engine loop with the caller holding the clock. Driving it a
// day at a time, with snapshots between days, must give the run run_one gives.
#include <catch2/catch.hpp>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/simulation.hpp"
#include "sim/stepped_run.hpp"

namespace {

// A toy model: one module that draws a uniform each day, keeps a running sum
// as its state, records both, and shows its state in snapshots.
struct ToyState {
  double sum = 0.0;
};

class Accumulator final : public sim::Module {
 public:
  explicit Accumulator(ToyState& state) : Module({.name = "accumulator", .purpose = "adds a uniform a day"}), state_(state) {}

 private:
  void on_step(sim::RunContext& context) override {
    today_ = context.random().uniform(7, 0, static_cast<std::uint32_t>(context.day()));
    state_.sum += today_;
  }
  void on_record(sim::RunContext& context) override {
    context.record(0, today_);
    context.record(1, state_.sum);
  }
  void on_finalize(sim::RunContext& context) override { context.set_summary(0, state_.sum); }
  void on_snapshot(sim::RunContext& context) const override {
    context.add_snapshot({"state", "sum", "1", "running sum", {state_.sum}});
  }
  ToyState& state_;
  double today_ = 0.0;
};

sim::Plan toy_plan(const sim::ParameterSet&) {
  auto state = std::make_shared<ToyState>();
  sim::Plan plan;
  plan.modules.push_back(std::make_unique<Accumulator>(*state));
  plan.shared_state = state;
  return plan;
}

const sim::OutputCatalog& toy_catalog() {
  static const sim::OutputCatalog catalog = [] {
    sim::OutputCatalog c;
    c.add_series({"draw", "1", "today's uniform"});
    c.add_series({"sum", "1", "running sum"});
    c.add_summary({"total", "1", "sum at the end"});
    return c;
  }();
  return catalog;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("a run stepped a day at a time with snapshots equals run_one") {
  const sim::ParameterRegistry registry;
  const sim::ParameterSet parameters(registry);
  const auto whole = sim::run_one(toy_plan, toy_catalog(), parameters, 42, 50, nullptr, nullptr, true);

  sim::SteppedRun stepped(toy_plan, toy_catalog(), parameters, 42, 50);
  double last_sum = 0.0;
  while (stepped.advance_day()) {
    const auto columns = stepped.snapshot();
    REQUIRE(columns.size() == 1);
    CHECK(columns[0].values[0] >= last_sum);  // the state as of the day just simulated
    last_sum = columns[0].values[0];
    CHECK(stepped.result().snapshot.empty());  // a look between days is not kept in the result
  }
  CHECK(stepped.days_done() == 50);
  CHECK(stepped.at_horizon());
  const auto result = stepped.finish(true);
  CHECK(same_bits(result.series, whole.series));
  CHECK(same_bits(result.summary, whole.summary));
  REQUIRE(result.snapshot.size() == 1);
  CHECK(result.snapshot[0].values == whole.snapshot[0].values);
}

TEST_CASE("a stepped run fills its series up to the day done and no further") {
  const sim::ParameterRegistry registry;
  const sim::ParameterSet parameters(registry);
  sim::SteppedRun stepped(toy_plan, toy_catalog(), parameters, 1, 10);
  for (int k = 0; k < 4; ++k) stepped.advance_day();
  const auto& result = stepped.result();
  CHECK(result.at(1, 3) > 0.0);
  for (int day = 4; day < 10; ++day) CHECK(result.at(1, day) == 0.0);
  CHECK(std::isnan(result.summary[0]));  // summaries come only at finish
}

TEST_CASE("a stepped run finishes only at its horizon and only once") {
  const sim::ParameterRegistry registry;
  const sim::ParameterSet parameters(registry);
  sim::SteppedRun stepped(toy_plan, toy_catalog(), parameters, 1, 3);
  CHECK_THROWS_AS(stepped.finish(false), std::logic_error);
  while (stepped.advance_day()) {
  }
  CHECK_FALSE(stepped.advance_day());
  CHECK(stepped.days_done() == 3);
  const auto result = stepped.finish(false);
  CHECK(result.snapshot.empty());
  CHECK_THROWS_AS(stepped.finish(false), std::logic_error);
}

TEST_CASE("the engine sets up the shared state once and starts each day before any module steps") {
  struct Counts {
    int set_up = 0, days_started = 0;
    std::vector<int> started_before_step;  // days_started as the module saw it, each day
  };
  class Observer final : public sim::Module {
   public:
    explicit Observer(Counts& counts) : Module({.name = "observer", .purpose = "sees the engine's calls"}), counts_(counts) {}

   private:
    void on_initialize(sim::RunContext&) override { CHECK(counts_.set_up == 1); }
    void on_step(sim::RunContext&) override { counts_.started_before_step.push_back(counts_.days_started); }
    Counts& counts_;
  };
  const auto plan_factory = [](const sim::ParameterSet&) {
    auto counts = std::make_shared<Counts>();
    sim::Plan plan;
    plan.set_up = [&c = *counts](sim::RunContext&) { ++c.set_up; };
    plan.start_day = [&c = *counts] { ++c.days_started; };
    plan.modules.push_back(std::make_unique<Observer>(*counts));
    plan.shared_state = counts;
    return plan;
  };
  sim::ParameterRegistry registry;
  sim::ParameterSet parameters(registry);
  sim::SteppedRun run(plan_factory, toy_catalog(), parameters, 1, 4);
  while (run.advance_day()) {
  }
  const auto& counts = *std::static_pointer_cast<Counts>(run.plan().shared_state);
  CHECK(counts.set_up == 1);
  CHECK(counts.started_before_step == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("the engine times each module's step when asked, and the timing changes nothing") {
  sim::ParameterRegistry registry;
  sim::ParameterSet parameters(registry);
  sim::SteppedRun timed(toy_plan, toy_catalog(), parameters, 9, 20), untimed(toy_plan, toy_catalog(), parameters, 9, 20);
  std::vector<double> seconds;
  while (timed.advance_day(&seconds)) untimed.advance_day();
  REQUIRE(seconds.size() == 1);
  CHECK(seconds[0] >= 0.0);
  CHECK(same_bits(timed.result().series, untimed.result().series));
}

// run_all's set-up that overlaps the first runs (the results file, cli/run_command.cpp): once,
// on the calling thread, before any result is consumed; and if it fails, the call fails.
TEST_CASE("run_all calls alongside_first_runs once on the calling thread before the first result") {
  const sim::ParameterRegistry registry;
  const sim::ParameterSet parameters(registry);
  std::vector<sim::RunRequest> requests;
  for (std::uint64_t r = 0; r < 6; ++r) requests.push_back({r, 100 + r, &parameters});
  sim::RunOptions options;
  options.days = 30;
  options.threads = 2;
  int calls = 0;
  std::thread::id called_on;
  std::vector<bool> set_up_before;
  options.alongside_first_runs = [&] {
    ++calls;
    called_on = std::this_thread::get_id();
  };
  sim::run_all(requests, toy_plan, toy_catalog(), options, [&](sim::RunResult&&) { set_up_before.push_back(calls == 1); });
  CHECK(calls == 1);
  CHECK(called_on == std::this_thread::get_id());
  CHECK(set_up_before == std::vector<bool>(6, true));

  options.alongside_first_runs = [] { throw std::runtime_error("disk full"); };
  int consumed = 0;
  CHECK_THROWS_WITH(sim::run_all(requests, toy_plan, toy_catalog(), options, [&](sim::RunResult&&) { ++consumed; }),
                    "disk full");
  CHECK(consumed == 0);
}
