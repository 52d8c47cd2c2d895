#include "sim/stepped_run.hpp"

#include "sim/statistics.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace sim {
namespace {

RunResult empty_result(const OutputCatalog& catalog, std::uint64_t seed, int days) {
  RunResult result;
  result.seed = seed;
  result.days = days;
  result.series.assign(catalog.series().size() * static_cast<std::size_t>(days), 0.0);
  result.summary.assign(catalog.summaries().size(), std::nan(""));
  return result;
}

}  // namespace

SteppedRun::SteppedRun(const PlanFactory& factory, const OutputCatalog& catalog, const ParameterSet& parameters,
                       std::uint64_t seed, int days)
    : result_(empty_result(catalog, seed, days)), plan_(factory(parameters)), context_(parameters, catalog, seed, days, result_) {
  if (plan_.set_up) plan_.set_up(context_);
  for (auto& module : plan_.modules) module->initialize(context_);
}

bool SteppedRun::advance_day(std::vector<double>* step_seconds) {
  if (at_horizon() || finished_) return false;
  context_.advance_to(next_day_);
  if (plan_.start_day) plan_.start_day();
  if (step_seconds) {
    step_seconds->resize(plan_.modules.size(), 0.0);
    for (std::size_t i = 0; i < plan_.modules.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      plan_.modules[i]->step(context_);
      (*step_seconds)[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  } else {
    for (auto& module : plan_.modules) module->step(context_);
  }
  for (auto& module : plan_.modules) module->record(context_);
  ++next_day_;
  return true;
}

std::vector<SnapshotColumn> SteppedRun::snapshot() {
  std::vector<SnapshotColumn> columns;
  std::swap(columns, result_.snapshot);
  for (const auto& module : plan_.modules) module->snapshot(context_);
  std::swap(columns, result_.snapshot);
  return columns;
}

std::vector<SnapshotColumn> SteppedRun::view() {
  std::vector<SnapshotColumn> columns;
  std::swap(columns, result_.snapshot);
  for (const auto& module : plan_.modules) {
    module->snapshot(context_);
    module->view(context_);
  }
  std::swap(columns, result_.snapshot);
  return columns;
}

void SteppedRun::compute_series_means() {
  for (const auto& mean : context_.catalog().series_means()) {
    RunningMean over_days;
    for (int day = std::max(0, context_.measured_from()); day < result_.days; ++day)
      over_days.add(result_.at(mean.series, day));
    result_.summary[mean.summary] = over_days.value() * mean.scale;
  }
}

RunResult SteppedRun::finish(bool with_snapshot) {
  if (!at_horizon() || finished_) throw std::logic_error("SteppedRun::finish before the horizon or twice");
  finished_ = true;
  for (auto& module : plan_.modules) module->finalize(context_);
  compute_series_means();
  if (with_snapshot) {
    if (plan_.before_end_snapshot) plan_.before_end_snapshot();
    result_.snapshot = snapshot();
  }
  return std::move(result_);
}

}  // namespace sim
