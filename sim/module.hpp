#pragma once
// Behaviours are modules with a fixed lifecycle. The engine calls the public,
// non-virtual entry points; a module fills in the protected hooks. The daily
// order of modules is an explicit plan that `ppisim run --print-plan` prints,
// with what each module reads and writes.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/outputs.hpp"
#include "sim/parameters.hpp"
#include "sim/random.hpp"

namespace sim {

// What a module sees of the run it belongs to.
class RunContext {
 public:
  RunContext(const ParameterSet& parameters, const OutputCatalog& catalog, std::uint64_t seed, int days,
             RunResult& result)
      : parameters_(parameters), catalog_(catalog), random_(seed), days_(days), result_(result) {}

  [[nodiscard]] const ParameterSet& parameters() const { return parameters_; }
  // The declared outputs: a module finds the index of its own series and summaries here at initialize.
  [[nodiscard]] const OutputCatalog& catalog() const { return catalog_; }
  [[nodiscard]] const RandomStreams& random() const { return random_; }
  [[nodiscard]] int day() const { return day_; }  // the day being simulated, from 0
  [[nodiscard]] int days() const { return days_; }

  // Records today's value of a declared daily series.
  void record(std::size_t series_index, double value) {
    result_.series[series_index * static_cast<std::size_t>(days_) + static_cast<std::size_t>(day_)] = value;
  }
  // Today's value of a series recorded earlier in today's record phase (modules record in plan order).
  [[nodiscard]] double recorded(std::size_t series_index) const {
    return result_.series[series_index * static_cast<std::size_t>(days_) + static_cast<std::size_t>(day_)];
  }
  // Sets a declared per-run summary outcome (at finalize).
  void set_summary(std::size_t summary_index, double value) { result_.summary[summary_index] = value; }

  // Adds a column to the snapshot being taken (in a module's on_snapshot).
  void add_snapshot(SnapshotColumn column) { result_.snapshot.push_back(std::move(column)); }

  void advance_to(int day) { day_ = day; }

  // The first day counted in the summaries that are means of a series (SeriesMean); set by the model at set-up.
  void measure_from(int day) { measured_from_ = day; }
  [[nodiscard]] int measured_from() const { return measured_from_; }

 private:
  const ParameterSet& parameters_;
  const OutputCatalog& catalog_;
  RandomStreams random_;
  int day_ = 0;
  int measured_from_ = 0;
  int days_;
  RunResult& result_;
};

// What a module says of itself: its name, its purpose in one line for the
// printed plan, and the state and event lists it reads and writes each day.
struct ModuleSpec {
  std::string name;
  std::string purpose;
  std::vector<std::string> reads;
  std::vector<std::string> writes;
};

class Module {
 public:
  explicit Module(ModuleSpec spec) : spec_(std::move(spec)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  void initialize(RunContext& context) { on_initialize(context); }
  void step(RunContext& context) { on_step(context); }
  void record(RunContext& context) { on_record(context); }
  void finalize(RunContext& context) { on_finalize(context); }
  // Between days or after finalize: the agents' state as table columns,
  // without changing it (the end-of-run snapshot, the web page's graph view).
  // At the end of a run, the state the plan's before_end_snapshot freed is gone.
  void snapshot(RunContext& context) const { on_snapshot(context); }
  // Between days: more of the agents' state, for a live view only (the web
  // page's world view); never stored in a results file, so it may be large.
  void view(RunContext& context) const { on_view(context); }

  [[nodiscard]] const std::string& name() const { return spec_.name; }
  [[nodiscard]] const std::string& purpose() const { return spec_.purpose; }
  [[nodiscard]] const ModuleSpec& spec() const { return spec_; }

 protected:
  virtual void on_initialize(RunContext&) {}
  virtual void on_step(RunContext& context) = 0;
  virtual void on_record(RunContext&) {}
  virtual void on_finalize(RunContext&) {}
  virtual void on_snapshot(RunContext&) const {}
  virtual void on_view(RunContext&) const {}

 private:
  ModuleSpec spec_;
};

// The modules of one run in daily order, and the state they share. The
// engine calls set_up once (the shared state built from the run's
// parameters, before any module initializes), start_day at the start of
// every day (the day's events and counters cleared, before any module
// steps), then each module's step, then each module's record; after the
// last day each module's finalize, then, for a run that ends with a
// snapshot, before_end_snapshot and the snapshot.
struct Plan {
  std::shared_ptr<void> shared_state;  // owned here so modules can hold references to it
  std::function<void(RunContext&)> set_up;
  std::function<void()> start_day;
  // Frees the shared state that no module's snapshot reads, so that it is not
  // resident beside the end-of-run snapshot (a run's last large allocation).
  // A run that ends without a snapshot keeps its state readable to the end.
  std::function<void()> before_end_snapshot;
  std::vector<std::unique_ptr<Module>> modules;

  // "1. demography  births, initiation, leaving at 26 weeks" ... with each module's reads and writes.
  [[nodiscard]] std::string describe() const;
};

}  // namespace sim
