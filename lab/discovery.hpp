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
#include <string>
#include <vector>

#include "lab/prim.hpp"

namespace lab {

// One comparison of a condition: OUTCOME OP NUMBER.
struct Comparison {
  std::string outcome;
  std::string op;  // "<", "<=", ">" or ">="
  double threshold = 0.0;
};

// Parses "OUTCOME OP NUMBER [and OUTCOME OP NUMBER ...]"; InputError located
// at the column of `--where` where it fails, with the nearest known outcome.
std::vector<Comparison> parse_condition(const std::string& text, const std::vector<std::string>& outcomes);

// A sweep's design points with each outcome's replicate mean.
struct SweepPoints {
  std::vector<std::string> factors, levels;  // levels: a word factor's level names joined by '|', else empty
  Eigen::MatrixXd values;                    // points x factors, in factor units (level numbers for words)
  std::vector<std::string> outcomes;
  Eigen::MatrixXd means;                     // points x outcomes: mean over the point's replicates with a value (NaN if none)
  std::vector<std::size_t> replicates;       // runs per point
};

// Reads a sweep's results file (kind "sweep"); InputError for anything else.
SweepPoints read_sweep_points(const std::filesystem::path& path);

// 1 where a point's means meet every comparison (an undefined mean meets none).
Eigen::VectorXd cases_of(const SweepPoints& points, const std::vector<Comparison>& condition);

struct Discovery {
  std::string where;  // the condition as given
  PrimOptions options;
  Eigen::VectorXd cases;
  std::vector<PrimBox> boxes;
};

Discovery discover(const SweepPoints& points, const std::string& where, const PrimOptions& options);

// Replaces /discovery in an open results file.
void write_discovery(hid_t root, const SweepPoints& points, const Discovery& discovery);

// The boxes as `ppisim discover` prints them.
std::string format_discovery(const SweepPoints& points, const Discovery& discovery);

}  // namespace lab
