#include "sim/simulation.hpp"

#include "sim/stepped_run.hpp"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace sim {

RunResult run_one(const PlanFactory& factory, const OutputCatalog& catalog, const ParameterSet& parameters,
                  std::uint64_t seed, int days, const std::atomic<bool>* stop,
                  std::atomic<std::uint64_t>* days_done, bool snapshot) {
  SteppedRun run(factory, catalog, parameters, seed, days);
  while (!run.at_horizon()) {
    if (stop && stop->load(std::memory_order_relaxed)) throw Interrupted();
    run.advance_day();
    if (days_done) days_done->fetch_add(1, std::memory_order_relaxed);
  }
  return run.finish(snapshot);
}

namespace {

// Results arrive in any order; they leave in request order.
template <typename Item>
class ReorderQueue {
 public:
  void push(std::size_t index, Item&& result) {
    {
      std::lock_guard lock(mutex_);
      ready_.emplace(index, std::move(result));
    }
    changed_.notify_one();
  }
  void fail(std::exception_ptr error) {
    {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = error;
    }
    changed_.notify_one();
  }
  // Waits up to `timeout` for result `index`; false if it is not there yet.
  bool pop(std::size_t index, Item& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return error_ || ready_.contains(index); });
    if (error_) std::rethrow_exception(error_);
    const auto found = ready_.find(index);
    if (found == ready_.end()) return false;
    out = std::move(found->second);
    ready_.erase(found);
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::size_t, Item> ready_;
  std::exception_ptr error_;
};

}  // namespace

void run_jobs(std::size_t count, const std::function<RunJob(std::size_t)>& make_job, const PlanFactory& factory,
              const OutputCatalog& catalog, const RunOptions& options,
              const std::function<void(RunResult&&, const ParameterSet&)>& consume) {
  struct Done {
    RunResult result;
    std::shared_ptr<const ParameterSet> parameters;
  };
  std::atomic<std::size_t> next_position{0};
  std::atomic<std::uint64_t> days_done{0}, days_planned{0};
  std::atomic<std::size_t> started{0};
  std::atomic<bool> abandon{false};  // set when the consumer fails, so workers stop early
  ReorderQueue<Done> queue;

  const auto worker = [&] {
    for (std::size_t position; (position = next_position.fetch_add(1)) < count;) {
      if (abandon.load()) return;
      try {
        RunJob job = make_job(position);
        days_planned.fetch_add(static_cast<std::uint64_t>(job.days));
        started.fetch_add(1);
        RunResult result = run_one(factory, catalog, *job.parameters, job.seed, job.days, options.stop, &days_done,
                                   job.snapshot);
        result.run_index = job.run_index;
        result.replicate = job.replicate;
        queue.push(position, Done{std::move(result), std::move(job.parameters)});
      } catch (...) {
        queue.fail(std::current_exception());
        return;
      }
    }
  };

  const int thread_count = std::max(1, std::min<int>(options.threads, static_cast<int>(std::max<std::size_t>(count, 1))));
  std::vector<std::jthread> workers;
  workers.reserve(static_cast<std::size_t>(thread_count));
  for (int i = 0; i < thread_count; ++i) workers.emplace_back(worker);

  // Progress: simulated days done over days planned, scaled by the share of runs begun.
  const auto progress = [&] {
    const double planned = static_cast<double>(days_planned.load());
    const double begun = static_cast<double>(started.load()) / static_cast<double>(count);
    return planned > 0 ? static_cast<double>(days_done.load()) / planned * begun : 0.0;
  };
  try {
    if (options.alongside_first_runs) options.alongside_first_runs();
    for (std::size_t position = 0; position < count;) {
      Done done;
      if (queue.pop(position, done, std::chrono::milliseconds(100))) {
        consume(std::move(done.result), *done.parameters);
        ++position;
      }
      if (options.on_progress) options.on_progress(progress());
    }
  } catch (...) {
    abandon = true;
    next_position = count;
    throw;  // jthreads join on the way out
  }
}

void run_all(const std::vector<RunRequest>& requests, const PlanFactory& factory, const OutputCatalog& catalog,
             const RunOptions& options, const std::function<void(RunResult&&)>& consume) {
  const auto make_job = [&](std::size_t index) {
    const auto& request = requests[index];
    // Shared without ownership: the caller keeps the parameters alive for the whole call.
    return RunJob{index, request.replicate, request.seed,
                  std::shared_ptr<const ParameterSet>(std::shared_ptr<void>(), request.parameters), options.days,
                  index == 0};
  };
  run_jobs(requests.size(), make_job, factory, catalog, options,
           [&](RunResult&& result, const ParameterSet&) { consume(std::move(result)); });
}

}  // namespace sim
