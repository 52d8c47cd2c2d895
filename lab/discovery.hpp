#pragma once
// Scenario discovery on a sweep's results file: which design points meet a
// condition on their outcomes (`--where "any_bf_6w >= 0.45 and ..."`), the
// PRIM boxes of the design's factors where they are dense (lab/prim.hpp), and
// the /discovery group that records them (docs/hdf5-layout.md).
// Each design point's outcome is the mean over its replicates: PRIM sees one
// value per point, not replicate noise.
#include <hdf5.h>

#include <Eigen/Core>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lab/prim.hpp"

namespace lab {

// One comparison of a condition: TERM OP NUMBER, where TERM is OUTCOME (the
// point's replicate mean), diff(OUTCOME) (the mean over the point's
// replicates of the outcome minus the comparator's run of the same seed) or
// ratio(OUTCOME) (their means' ratio over those replicates: a paired RR).
struct Comparison {
  std::string contrast;  // "", "diff" or "ratio"
  std::string outcome;
  std::string op;  // "<", "<=", ">" or ">="
  double threshold = 0.0;
};

// Parses "TERM OP NUMBER [and TERM OP NUMBER ...]"; InputError located at the
// column of `--where` where it fails, with the nearest known outcome. diff()
// and ratio() need a comparator.
std::vector<Comparison> parse_condition(const std::string& text, const std::vector<std::string>& outcomes,
                                        bool has_comparator = false);

// A sweep's design points with each outcome's replicate mean.
struct SweepPoints {
  std::vector<std::string> factors, levels;  // levels: a word factor's level names joined by '|', else empty
  Eigen::MatrixXd values;                    // points x factors, in factor units (level numbers for words)
  std::vector<std::string> outcomes;
  std::vector<std::vector<double>> run_values;  // [outcome][run]
  std::vector<std::uint64_t> run_point, run_seed;
  std::uint64_t base_seed = 0;
  std::vector<std::size_t> replicates;       // runs per point
  [[nodiscard]] Eigen::Index size() const { return values.rows(); }
};

// The comparator's runs: a results file of the comparator scenario, run with
// the sweep's seed (a run's seed depends on the base seed and its replicate
// only, so its replicates pair with every design point's).
struct ComparatorRuns {
  std::string path;
  std::vector<std::string> outcomes;
  std::vector<std::vector<double>> run_values;  // [outcome][run]
  std::map<std::uint64_t, std::size_t> run_of_seed;
};

// InputError unless every run of the sweep has a comparator run of its seed.
ComparatorRuns read_comparator(const std::filesystem::path& path, const SweepPoints& sweep);

// A comparison's term at each design point: the replicate mean, or the paired
// difference or ratio; NaN where no replicate (pair) has a value.
Eigen::VectorXd term_values(const SweepPoints& points, const Comparison& comparison, const ComparatorRuns* comparator);

// Reads a sweep's results file (kind "sweep"); InputError for anything else.
SweepPoints read_sweep_points(const std::filesystem::path& path);

// 1 where a point's terms meet every comparison (an undefined term meets none).
Eigen::VectorXd cases_of(const SweepPoints& points, const std::vector<Comparison>& condition,
                         const ComparatorRuns* comparator);

struct Discovery {
  std::string where;  // the condition as given
  std::string comparator;  // its file, or empty
  PrimOptions options;
  Eigen::VectorXd cases;
  std::vector<PrimBox> boxes;
};

Discovery discover(const SweepPoints& points, const std::string& where, const PrimOptions& options,
                   const ComparatorRuns* comparator = nullptr);

// Replaces /discovery in an open results file.
void write_discovery(hid_t root, const SweepPoints& points, const Discovery& discovery);

// The boxes as `ppisim discover` prints them.
std::string format_discovery(const SweepPoints& points, const Discovery& discovery);

}  // namespace lab
