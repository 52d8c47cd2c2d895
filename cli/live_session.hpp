#pragma once
// A classroom session of `ppisim serve`: a live run the teacher steers and,
// beside it, the same scenario and seed without the teacher's changes (the
// baseline), advanced in lockstep a few days at a time.
//
// A change to a parameter that may change during a run takes effect from the
// next simulated day as a `set` intervention, read with the same checks as a
// scenario file's interventions; any other change waits for a reset, when the
// live run starts again from day 0 with every setting the page shows. So the
// session's scenario, saved as YAML, reruns the live run exactly.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/posterior_band.hpp"
#include "sim/scenario.hpp"
#include "sim/stepped_run.hpp"

namespace cli {

class LiveSession {
 public:
  // The scenario must have been checked (models::check_parameters).
  LiveSession(sim::Scenario scenario, std::uint64_t max_agents);

  enum class Applies { now, at_reset };
  // Checks `value` for parameter `path` as a scenario file's value, and the
  // whole scenario with it as `ppisim run` would; InputError when refused.
  Applies change(const std::string& path, const std::string& value);

  // Starts a development process (joint meetings, F9) from the next day, or
  // ends every one in force.
  void set_development_process(bool on);
  [[nodiscard]] bool development_process_in_force() const;

  // Day 0 again, with every setting the page shows.
  void reset();
  // Day 0 again with the scenario as loaded: every change undone, no joint meetings.
  void reset_to_scenario();

  // Simulates up to `days` more days of both runs; stops at the horizon.
  void advance(int days);

  [[nodiscard]] const std::string& scenario_name() const { return scenario_.parameters.text("name"); }
  [[nodiscard]] int day() const { return live_run_->days_done(); }
  [[nodiscard]] int horizon() const { return live_run_->days(); }

  // Day, horizon, seed, every parameter's value as the page shows it, and
  // which changes wait for a reset.
  [[nodiscard]] nlohmann::json state() const;
  // Daily values of the named series from day `since` to today, live and
  // baseline; InputError for a name the model does not record.
  [[nodiscard]] nlohmann::json series(const std::vector<std::string>& names, int since) const;
  // The social graph today: every professional and volunteer of as many
  // whole localities as fit in `max_nodes` (at least one), and their ties.
  [[nodiscard]] nlohmann::json graph(std::size_t max_nodes);
  // The world view: the graph of `graph(max_nodes)` and, in its localities,
  // the mothers followed today: every locality's counts by state, and at most
  // `mothers_per_locality` of its mothers (evenly spread over their ages)
  // with their state and the agents they are tied to.
  [[nodiscard]] nlohmann::json world(std::size_t max_nodes, std::size_t mothers_per_locality);

  // Where the named series of the scenario as loaded fall over the shipped
  // posterior's parameter uncertainty and replicate noise (kBandDraws draws x
  // kBandReplicates replicates, computed once per session and set of names).
  [[nodiscard]] nlohmann::json uncertainty(const std::vector<std::string>& names);
  static constexpr std::size_t kBandDraws = 10, kBandReplicates = 2;

  // The live run's scenario: `ppisim run` on it reproduces the live run (its replicate 0).
  [[nodiscard]] std::string scenario_yaml() const;
  // The live run so far as a results file (run again to today, so the file
  // is complete: summaries cover the mothers who could be measured by then).
  void write_results(const std::filesystem::path& path) const;

  // The teacher's live changes are interventions; a session holds at most this many.
  static constexpr std::size_t kMaxLiveChanges = 500;

 private:
  void start_runs();
  std::string intervention_start() const;
  void add_live_intervention(const YAML::Node& item);

  sim::Scenario scenario_;               // as loaded: the baseline's settings
  std::optional<PosteriorBand> band_;    // uncertainty(), once computed
  std::uint64_t max_agents_;
  sim::ParameterSet shown_;              // every setting as the page shows it
  std::set<std::string> waiting_for_reset_;
  bool development_from_start_ = false;  // a reset starts a development process on day 0
  std::unique_ptr<sim::ParameterSet> live_parameters_, baseline_parameters_;
  std::unique_ptr<sim::SteppedRun> live_run_, baseline_run_;
  std::size_t live_changes_ = 0;  // interventions the page added since the last reset
};

}  // namespace cli
