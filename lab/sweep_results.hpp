#pragma once
// A sweep's own groups in its results file (layout in docs/hdf5-layout.md):
// the design (/design), each run's design point (/runs/point) and the
// sensitivity table (/sensitivity), computed, written and read here. The
// results store writes and reads everything a run file has.
#include <hdf5.h>

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/experiment.hpp"

namespace lab {

// One row of the sensitivity table: an index of one outcome for one factor
// (or the replicate-noise share, factor "(replicates)").
struct SensitivityRow {
  std::string outcome, factor, index;
  double estimate, lo95, hi95;
};

// Sobol (Saltelli designs) or Morris indices of one outcome from its values
// [design point, replicate], and the share of its variance that is replicate noise.
std::vector<SensitivityRow> analyse_outcome(const Experiment& experiment, const std::string& outcome,
                                            const Eigen::MatrixXd& by_point_and_replicate,
                                            std::size_t bootstrap_resamples);

// Writes /design and /runs/point (`points[run]`) into an open results file.
void write_design(hid_t root, const Experiment& experiment, const std::vector<std::uint64_t>& points);
void write_sensitivity(hid_t root, const std::vector<SensitivityRow>& rows);

// The sensitivity table of a results file; empty for a run file.
std::vector<SensitivityRow> read_sensitivity(const std::filesystem::path& path);

// The table as `ppisim sweep` prints it at the end.
std::string format_sensitivity(const std::vector<SensitivityRow>& rows);

}  // namespace lab
