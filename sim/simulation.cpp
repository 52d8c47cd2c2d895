#include "sim/simulation.hpp"

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
                  std::atomic<std::uint64_t>* days_done) {
  RunResult result;
  result.seed = seed;
  result.days = days;
  result.series.assign(catalog.series().size() * static_cast<std::size_t>(days), 0.0);
  result.summary.assign(catalog.summaries().size(), std::nan(""));

  Plan plan = factory(parameters);
  RunContext context(parameters, seed, days, result);
  for (auto& module : plan.modules) module->initialize(context);
  for (int day = 0; day < days; ++day) {
    if (stop && stop->load(std::memory_order_relaxed)) throw Interrupted();
    context.advance_to(day);
    for (auto& module : plan.modules) module->step(context);
    for (auto& module : plan.modules) module->record(context);
    if (days_done) days_done->fetch_add(1, std::memory_order_relaxed);
  }
  for (auto& module : plan.modules) module->finalize(context);
  return result;
}

namespace {

// Results arrive in any order; they leave in request order.
class ReorderQueue {
 public:
  void push(std::size_t index, RunResult&& result) {
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
  bool pop(std::size_t index, RunResult& out, std::chrono::milliseconds timeout) {
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
  std::map<std::size_t, RunResult> ready_;
  std::exception_ptr error_;
};

}  // namespace

void run_all(const std::vector<RunRequest>& requests, const PlanFactory& factory, const OutputCatalog& catalog,
             const RunOptions& options, const std::function<void(RunResult&&)>& consume) {
  std::atomic<std::size_t> next_request{0};
  std::atomic<std::uint64_t> days_done{0};
  const double total_days = static_cast<double>(requests.size()) * std::max(1, options.days);
  std::atomic<bool> abandon{false};  // set when the consumer fails, so workers stop early
  ReorderQueue queue;

  const auto worker = [&] {
    for (std::size_t index; (index = next_request.fetch_add(1)) < requests.size();) {
      if (abandon.load()) return;
      try {
        const auto& request = requests[index];
        RunResult result = run_one(factory, catalog, *request.parameters, request.seed, options.days, options.stop, &days_done);
        result.run_index = index;
        result.replicate = request.replicate;
        queue.push(index, std::move(result));
      } catch (...) {
        queue.fail(std::current_exception());
        return;
      }
    }
  };

  const int thread_count = std::max(1, std::min<int>(options.threads, static_cast<int>(requests.size())));
  std::vector<std::jthread> workers;
  workers.reserve(static_cast<std::size_t>(thread_count));
  for (int i = 0; i < thread_count; ++i) workers.emplace_back(worker);

  try {
    for (std::size_t index = 0; index < requests.size();) {
      RunResult result;
      if (queue.pop(index, result, std::chrono::milliseconds(100))) {
        consume(std::move(result));
        ++index;
      }
      if (options.on_progress)
        options.on_progress(static_cast<double>(days_done.load()) / total_days);
    }
  } catch (...) {
    abandon = true;
    next_request = requests.size();
    throw;  // jthreads join on the way out
  }
}

}  // namespace sim
