#pragma once
// The engine loop: one run is a plan of modules stepped once a day; many
// runs (replicates, design points) are spread over threads. Each run is
// single-threaded and draws only from its own keyed streams, so results are
// identical whatever the thread count.
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "sim/module.hpp"

namespace sim {

// Builds the modules of one run from its parameters (the model's entry point).
using PlanFactory = std::function<Plan(const ParameterSet&)>;

struct RunRequest {
  std::uint64_t replicate = 0;
  std::uint64_t seed = 0;  // the run's own seed
  const ParameterSet* parameters = nullptr;
};

// Thrown when a stop was requested (SIGINT/SIGTERM) before the runs finished.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

struct RunOptions {
  int days = 0;
  int threads = 1;
  const std::atomic<bool>* stop = nullptr;                  // checked once a simulated day
  std::function<void(double done_fraction)> on_progress;    // called from the calling thread
  // Called once on the calling thread as soon as the workers have started, before the
  // first result is consumed: set-up that can overlap the first runs (a results file).
  std::function<void()> alongside_first_runs;
};

// Runs one simulation to the end.
// `days_done`, when given, counts simulated days for progress reports.
RunResult run_one(const PlanFactory& factory, const OutputCatalog& catalog, const ParameterSet& parameters,
                  std::uint64_t seed, int days, const std::atomic<bool>* stop = nullptr,
                  std::atomic<std::uint64_t>* days_done = nullptr, bool snapshot = false);

// Runs every request and hands each result to `consume` in request order, on
// the calling thread, as soon as it and all earlier ones are done.
void run_all(const std::vector<RunRequest>& requests, const PlanFactory& factory, const OutputCatalog& catalog,
             const RunOptions& options, const std::function<void(RunResult&&)>& consume);

// A run made when a worker picks it up: a sweep builds each run's parameters
// then, instead of holding them for every run at once.
struct RunJob {
  std::uint64_t run_index = 0;
  std::uint64_t replicate = 0;
  std::uint64_t seed = 0;
  std::shared_ptr<const ParameterSet> parameters;
  int days = 0;
  bool snapshot = false;  // keep the agents' state at the end (run_all: the first run)
};

// Runs jobs 0 .. count-1 (made by `make_job(position)` on a worker thread)
// and hands each result, with its parameters, to `consume` in position
// order on the calling thread. `options.days` is unused: each job has its own.
void run_jobs(std::size_t count, const std::function<RunJob(std::size_t)>& make_job, const PlanFactory& factory,
              const OutputCatalog& catalog, const RunOptions& options,
              const std::function<void(RunResult&&, const ParameterSet&)>& consume);

}  // namespace sim
