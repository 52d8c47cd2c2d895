// Micro-benchmarks of ppisim's hot paths (see BENCHMARKS.md):
//  - each module's daily step at town scale (scenarios/breastfriends.yaml),
//    timed inside a full simulated day after a 200-day warm-up;
//  - whole days and whole 3-year runs (mother-days per second);
//  - the keyed random streams (RandomStreams::uniform, Draws::poisson);
//  - writing one run's results to HDF5 (results::ResultsWriter), to compare with
//    the time the run itself takes.
// No assertions: these are measurements, not tests.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/random.hpp"
#include "results/results_file.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/stepped_run.hpp"

namespace {

constexpr int kWarmupDays = 200;

const sim::ParameterSet& town_parameters() {
  static const sim::Scenario scenario = [] {
    auto loaded = sim::load_scenario(std::filesystem::path(PPISIM_SOURCE_DIR) / "scenarios" / "breastfriends.yaml",
                                     models::parameter_registry());
    models::check_parameters(loaded.parameters);
    return loaded;
  }();
  return scenario.parameters;
}

// One run in progress, past the warm-up: the engine's own run object.
struct LiveRun {
  std::unique_ptr<sim::SteppedRun> run;
  std::vector<double> step_seconds;  // per module, summed by the engine

  explicit LiveRun(const sim::ParameterSet& parameters, std::uint64_t seed = 1)
      : run(std::make_unique<sim::SteppedRun>(models::build_plan, models::output_catalog(), parameters, seed,
                                              models::simulated_days(parameters))) {
    while (run->days_done() < kWarmupDays) run->advance_day();
  }
  [[nodiscard]] bool done() const { return run->at_horizon(); }
  [[nodiscard]] std::uint64_t seed() const { return run->result().seed; }

  // Steps one whole day; returns the seconds spent in module `timed` (the whole day when negative).
  double step_day(int timed) {
    using clock = std::chrono::steady_clock;
    if (timed < 0) {
      const auto start = clock::now();
      run->advance_day();
      return std::chrono::duration<double>(clock::now() - start).count();
    }
    step_seconds.assign(run->plan().modules.size(), 0.0);
    run->advance_day(&step_seconds);
    return step_seconds[static_cast<std::size_t>(timed)];
  }
  [[nodiscard]] double mothers_followed(int on_day) const {
    return run->result().at(models::output_catalog().series_index("mothers_followed"), on_day);
  }
};

// Times module `index`'s step (index < 0: the whole day) on days after the warm-up.
void BM_TownDay(benchmark::State& state, int index) {
  const auto& parameters = town_parameters();
  auto run = std::make_unique<LiveRun>(parameters);
  double mother_days = 0;
  for (auto _ : state) {
    if (run->done()) run = std::make_unique<LiveRun>(parameters, run->seed() + 1);
    const int day = run->run->days_done();
    state.SetIterationTime(run->step_day(index));
    mother_days += run->mothers_followed(day);
  }
  if (index < 0) state.counters["mother_days/s"] = benchmark::Counter(mother_days, benchmark::Counter::kIsRate);
}

// A whole run (initialise, every day, finalize) through the engine's run_one.
void BM_RunOne(benchmark::State& state) {
  const auto& parameters = town_parameters();
  const auto& catalog = models::output_catalog();
  const int days = models::simulated_days(parameters);
  const auto followed = catalog.series_index("mothers_followed");
  double mother_days = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto result = sim::run_one(models::build_plan, catalog, parameters, seed++, days);
    for (int d = 0; d < days; ++d) mother_days += result.at(followed, d);
    benchmark::DoNotOptimize(result.summary.data());
  }
  state.counters["mother_days/s"] = benchmark::Counter(mother_days, benchmark::Counter::kIsRate);
  state.counters["days/s"] = benchmark::Counter(static_cast<double>(days) * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunOne)->Unit(benchmark::kMillisecond);

// Writing `runs` results of a town run (3 years of daily series) to an HDF5
// file, including creating, syncing and renaming it: the I/O share of `ppisim run`.
void BM_WriteResults(benchmark::State& state) {
  const auto& parameters = town_parameters();
  const auto& catalog = models::output_catalog();
  const int days = models::simulated_days(parameters);
  const auto runs = static_cast<std::size_t>(state.range(0));
  const auto result = sim::run_one(models::build_plan, catalog, parameters, 1, days);
  const auto path = std::filesystem::temp_directory_path() / "ppisim_bench_write.h5";
  const results::RunProvenance provenance{"ppisim_bench", "breastfriends", "name: breastfriends\n", 1, runs};
  for (auto _ : state) {
    results::ResultsWriter writer(path, true, catalog, models::parameter_registry(), runs, days, provenance);
    for (std::size_t r = 0; r < runs; ++r) {
      auto copy = result;
      copy.run_index = r;
      copy.replicate = r;
      writer.write(copy, parameters);
    }
    writer.commit();
  }
  std::filesystem::remove(path);
  state.counters["runs/s"] =
      benchmark::Counter(static_cast<double>(runs) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WriteResults)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);

// The keyed streams: one uniform per (stream, agent, day), the common case.
void BM_RandomUniform(benchmark::State& state) {
  const sim::RandomStreams random(20070601);
  std::uint32_t agent = 0;
  double sum = 0;
  for (auto _ : state) {
    sum += random.uniform(7, agent++, 42);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomUniform);

// Several uniforms from one Draws (4 per Philox block).
void BM_DrawsUniformSequence(benchmark::State& state) {
  const sim::RandomStreams random(20070601);
  std::uint32_t agent = 0;
  double sum = 0;
  for (auto _ : state) {
    auto draws = random.draws(7, agent++, 42);
    for (int i = 0; i < 8; ++i) sum += draws.uniform();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * 8);
}
BENCHMARK(BM_DrawsUniformSequence);

// Poisson counts; the argument is the mean x 1000 (town births a day ~ 8.2,
// England ~ 1,643; small means use inversion, large ones PTRS).
void BM_DrawsPoisson(benchmark::State& state) {
  const sim::RandomStreams random(20070601);
  const double mean = static_cast<double>(state.range(0)) / 1000.0;
  std::uint32_t day = 0;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    auto draws = random.draws(1, 0, day++);
    sum += draws.poisson(mean);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DrawsPoisson)->Arg(500)->Arg(8'214)->Arg(164'271)->Arg(1'642'710);

// One benchmark per module of the plan, by name, plus the whole day.
const bool registered = [] {
  // A fixed number of days: with manual time, a minimum time would run
  // millions of whole days to accumulate the time of a module that takes microseconds.
  constexpr benchmark::IterationCount kDays = 2000;
  benchmark::RegisterBenchmark("BM_TownDay/all", BM_TownDay, -1)
      ->UseManualTime()
      ->Iterations(kDays)
      ->Unit(benchmark::kMicrosecond);
  const auto plan = models::build_plan(town_parameters());
  for (std::size_t i = 0; i < plan.modules.size(); ++i) {
    benchmark::RegisterBenchmark(("BM_TownStep/" + plan.modules[i]->name()).c_str(), BM_TownDay, static_cast<int>(i))
        ->UseManualTime()
        ->Iterations(kDays)
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
