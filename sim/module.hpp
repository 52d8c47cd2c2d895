#pragma once
// Behaviours are modules with a fixed lifecycle. The engine calls the public,
// non-virtual entry points; a module fills in the protected hooks. The daily
// order of modules is an explicit plan that `ppisim run --print-plan` prints.
#include <cstdint>
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
  RunContext(const ParameterSet& parameters, std::uint64_t seed, int days, RunResult& result)
      : parameters_(parameters), random_(seed), days_(days), result_(result) {}

  [[nodiscard]] const ParameterSet& parameters() const { return parameters_; }
  [[nodiscard]] const RandomStreams& random() const { return random_; }
  [[nodiscard]] int day() const { return day_; }  // the day being simulated, from 0
  [[nodiscard]] int days() const { return days_; }

  // Records today's value of a declared daily series.
  void record(std::size_t series_index, double value) {
    result_.series[series_index * static_cast<std::size_t>(days_) + static_cast<std::size_t>(day_)] = value;
  }
  // Sets a declared per-run summary outcome (at finalize).
  void set_summary(std::size_t summary_index, double value) { result_.summary[summary_index] = value; }

  // Adds a column to the snapshot being taken (in a module's on_snapshot).
  void add_snapshot(SnapshotColumn column) { result_.snapshot.push_back(std::move(column)); }

  void advance_to(int day) { day_ = day; }

 private:
  const ParameterSet& parameters_;
  RandomStreams random_;
  int day_ = 0;
  int days_;
  RunResult& result_;
};

class Module {
 public:
  Module(std::string name, std::string purpose) : name_(std::move(name)), purpose_(std::move(purpose)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  void initialize(RunContext& context) { on_initialize(context); }
  void step(RunContext& context) { on_step(context); }
  void record(RunContext& context) { on_record(context); }
  void finalize(RunContext& context) { on_finalize(context); }
  // Between days or after finalize: the agents' state as table columns,
  // without changing it (the end-of-run snapshot, the web page's graph view).
  void snapshot(RunContext& context) const { on_snapshot(context); }

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& purpose() const { return purpose_; }

 protected:
  virtual void on_initialize(RunContext&) {}
  virtual void on_step(RunContext& context) = 0;
  virtual void on_record(RunContext&) {}
  virtual void on_finalize(RunContext&) {}
  virtual void on_snapshot(RunContext&) const {}

 private:
  std::string name_;
  std::string purpose_;  // one line for the printed plan
};

// The modules of one run in daily order, and the state they share.
struct Plan {
  std::shared_ptr<void> shared_state;  // owned here so modules can hold references to it
  std::vector<std::unique_ptr<Module>> modules;

  // "1. demography  births, initiation, leaving at 26 weeks" ...
  [[nodiscard]] std::string describe() const;
};

}  // namespace sim
