#pragma once
// One run advanced a few days at a time: the engine's loop with the caller
// in charge of the clock. `run_one` drives it to the end in one go; the web
// page drives it a tick at a time and looks at the agents between days.
#include <memory>
#include <vector>

#include "sim/module.hpp"
#include "sim/simulation.hpp"

namespace sim {

class SteppedRun {
 public:
  // `parameters` must outlive the run. The caller may append to or end its
  // interventions between days (never during one): the modules read them
  // afresh each day, as they would a scenario's.
  SteppedRun(const PlanFactory& factory, const OutputCatalog& catalog, const ParameterSet& parameters,
             std::uint64_t seed, int days);
  SteppedRun(const SteppedRun&) = delete;
  SteppedRun& operator=(const SteppedRun&) = delete;

  // Simulates the next day; false (and nothing done) once the horizon is reached.
  // With `step_seconds` (one entry per module), each module's step time is added to its entry.
  bool advance_day(std::vector<double>* step_seconds = nullptr);

  [[nodiscard]] int days_done() const { return next_day_; }
  [[nodiscard]] int days() const { return result_.days; }
  [[nodiscard]] bool at_horizon() const { return next_day_ >= result_.days; }
  [[nodiscard]] const ParameterSet& parameters() const { return context_.parameters(); }
  [[nodiscard]] const Plan& plan() const { return plan_; }
  // The daily series are filled for days [0, days_done()); later days hold 0.
  [[nodiscard]] const RunResult& result() const { return result_; }

  // The agents' state now, as the modules describe it; changes nothing.
  [[nodiscard]] std::vector<SnapshotColumn> snapshot();
  // The snapshot and the modules' live-view columns (Module::view); changes nothing.
  [[nodiscard]] std::vector<SnapshotColumn> view();

  // Finalizes the run (the modules' summary outcomes, then the catalog's series means) and hands over its result, with a
  // snapshot of the last day when asked. Only at the horizon, once.
  RunResult finish(bool with_snapshot);

 private:
  void compute_series_means();

  RunResult result_;
  Plan plan_;
  RunContext context_;
  int next_day_ = 0;
  bool finished_ = false;
};

}  // namespace sim
