#pragma once
// Results are declared up front (name, unit, description), so the HDF5
// layout, the documentation and the summary table are known before a run.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sim {

struct OutputSpec {
  std::string name;
  std::string unit;
  std::string description;
  // An outcome measured at a child's age (a checkpoint): that age in days and in
  // words, stored with the outcome so analysis never restates it.
  std::optional<int> age_days;
  std::string age_words;
};

// A summary outcome computed by the engine at the end of a run: the mean of
// a daily series over the measured days (RunContext::measured_from on; days
// on which the series is undefined, NaN, are left out), times `scale` (e.g.
// days per year, to report a count per day as a count per year).
struct SeriesMean {
  std::size_t summary, series;
  double scale;
};

class OutputCatalog {
 public:
  // Each returns the index the model records under; names are unique.
  std::size_t add_series(OutputSpec spec);   // one value per day
  std::size_t add_summary(OutputSpec spec);  // one value per run
  // A summary that is a series' mean over the measured days (SeriesMean); the series is declared first.
  std::size_t add_series_mean(OutputSpec spec, const std::string& series, double scale = 1.0);
  [[nodiscard]] const std::vector<SeriesMean>& series_means() const { return series_means_; }

  [[nodiscard]] const std::vector<OutputSpec>& series() const { return series_; }
  [[nodiscard]] const std::vector<OutputSpec>& summaries() const { return summaries_; }
  [[nodiscard]] std::size_t series_index(const std::string& name) const;   // std::out_of_range if unknown
  [[nodiscard]] std::optional<std::size_t> find_series(const std::string& name) const;
  [[nodiscard]] std::size_t summary_index(const std::string& name) const;

 private:
  std::vector<OutputSpec> series_, summaries_;
  std::vector<SeriesMean> series_means_;
  std::map<std::string, std::size_t> series_index_, summary_index_;
};

// One column of a table of agents' state at the end of a run (e.g. the
// social graph's nodes and edges). Kept for one run of a file, to draw.
struct SnapshotColumn {
  std::string table, name, unit, description;
  std::vector<double> values;
};

// Everything one run produces.
struct RunResult {
  std::uint64_t run_index = 0;  // position in the command's list of runs
  std::uint64_t replicate = 0;
  std::uint64_t seed = 0;                  // the run's own (derived) seed
  int days = 0;
  std::vector<double> series;   // [series][day], series-major, days values each
  std::vector<double> summary;  // one per declared summary, NaN when undefined
  std::vector<SnapshotColumn> snapshot;  // empty unless the run was asked for one

  [[nodiscard]] double at(std::size_t series_index, int day) const {
    return series[series_index * static_cast<std::size_t>(days) + static_cast<std::size_t>(day)];
  }
};

}  // namespace sim
