#include "lab/sweep_results.hpp"

#include <fmt/format.h>

#include <cmath>

#include "lab/sensitivity.hpp"
#include "results/hdf5.hpp"
#include "results/results_file.hpp"
#include "sim/errors.hpp"
#include "sim/text.hpp"

namespace lab {

namespace hdf5 = results::hdf5;

std::vector<SensitivityRow> analyse_outcome(const Experiment& experiment, const std::string& outcome,
                                            const Eigen::MatrixXd& by_point_and_replicate,
                                            std::size_t bootstrap_resamples) {
  std::vector<SensitivityRow> rows;
  const Eigen::VectorXd means = by_point_and_replicate.rowwise().mean();
  const double nan = std::nan("");
  if (experiment.design.kind == DesignKind::saltelli) {
    const auto result = sobol_indices(experiment.design, means, bootstrap_resamples, experiment.seed);
    for (const auto& factor : result.factors) {
      rows.push_back({outcome, factor.factor, "S1", factor.first_order.estimate, factor.first_order.lo95, factor.first_order.hi95});
      rows.push_back({outcome, factor.factor, "ST", factor.total.estimate, factor.total.lo95, factor.total.hi95});
    }
  } else if (experiment.design.kind == DesignKind::morris) {
    const auto result = morris_effects(experiment.design, means);
    for (const auto& factor : result.factors) {
      rows.push_back({outcome, factor.factor, "mu", factor.mu, nan, nan});
      rows.push_back({outcome, factor.factor, "mu_star", factor.mu_star, nan, nan});
      rows.push_back({outcome, factor.factor, "sigma", factor.sigma, nan, nan});
    }
  }
  const auto noise = replicate_noise_share(by_point_and_replicate);
  rows.push_back({outcome, "(replicates)", "noise_share", noise.share, nan, nan});
  return rows;
}

void write_design(hid_t root, const Experiment& experiment, const std::vector<std::uint64_t>& points) {
  const auto group = hdf5::create_group(root, "design");
  hdf5::write_string_attribute(group.id(), "method", design_kind_name(experiment.design.kind));
  hdf5::write_uint64_attribute(group.id(), "seed", experiment.seed);
  std::vector<std::string> names, levels;
  for (const auto& factor : experiment.factors) {
    names.push_back(factor.name);
    std::string words;
    for (const auto& level : factor.level_names) words += (words.empty() ? "" : "|") + level;
    levels.push_back(words);
  }
  hdf5::write_strings(group.id(), "factors", names);
  hdf5::write_strings(group.id(), "levels", levels);
  const auto rows = static_cast<hsize_t>(experiment.design.rows()), columns = static_cast<hsize_t>(names.size());
  for (const auto& [name, matrix] : {std::pair{"unit", &experiment.design.unit}, std::pair{"values", &experiment.design.values}}) {
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = *matrix;
    auto dataset = hdf5::Dataset::create_doubles(group.id(), name, {rows, columns});
    if (rows) dataset.write_all(row_major.data());
    dataset.describe(std::string(name) == "unit" ? "1" : "factor units",
                     std::string(name) == "unit" ? "Design points in the unit cube, one row per point"
                                                 : "Design points in factor units (level numbers for word factors)");
  }
  const auto runs_group = hdf5::open_group(root, "runs");
  auto dataset = hdf5::Dataset::create_uint64s(runs_group.id(), "point", {static_cast<hsize_t>(points.size())});
  for (std::size_t run = 0; run < points.size(); ++run) dataset.write_row(run, &points[run]);
  dataset.describe("1", "Design point of each run (row of /design/values)");
}

void write_sensitivity(hid_t root, const std::vector<SensitivityRow>& rows) {
  const auto group = hdf5::create_group(root, "sensitivity");
  std::vector<std::string> outcome, factor, index;
  std::vector<double> estimate, lo95, hi95;
  for (const auto& row : rows) {
    outcome.push_back(row.outcome);
    factor.push_back(row.factor);
    index.push_back(row.index);
    estimate.push_back(row.estimate);
    lo95.push_back(row.lo95);
    hi95.push_back(row.hi95);
  }
  hdf5::write_strings(group.id(), "outcome", outcome);
  hdf5::write_strings(group.id(), "factor", factor);
  hdf5::write_strings(group.id(), "index", index);
  for (const auto& [name, column] : {std::pair{"estimate", &estimate}, std::pair{"lo95", &lo95}, std::pair{"hi95", &hi95}}) {
    auto dataset = hdf5::Dataset::create_doubles(group.id(), name, {static_cast<hsize_t>(column->size())});
    if (!column->empty()) dataset.write_all(column->data());
    dataset.describe("1", std::string("Sensitivity index: ") + name +
                              " (S1, ST: Sobol first-order and total; mu, mu_star, sigma: Morris; noise_share: "
                              "share of run variance that is replicate noise)");
  }
}

static std::vector<SensitivityRow> read_sensitivity_table(const std::filesystem::path& path);

std::vector<SensitivityRow> read_sensitivity(const std::filesystem::path& path) {
  try {
    return read_sensitivity_table(path);
  } catch (const sim::RuntimeFailure& failure) {
    results::refuse_damaged_file(path, failure);
  }
}

static std::vector<SensitivityRow> read_sensitivity_table(const std::filesystem::path& path) {
  hdf5::silence_library_errors();
  const auto file = hdf5::open_file_read_only(path.string());
  std::vector<SensitivityRow> rows;
  if (!hdf5::exists(file.id(), "sensitivity")) return rows;
  const auto group = hdf5::open_group(file.id(), "sensitivity");
  const auto outcome = hdf5::read_strings(group.id(), "outcome"), factor = hdf5::read_strings(group.id(), "factor"),
             index = hdf5::read_strings(group.id(), "index");
  // The table's six columns must be one length (a damaged file is refused, not read past).
  const std::vector<hsize_t> rows_shape{static_cast<hsize_t>(outcome.size())};
  if (factor.size() != outcome.size() || index.size() != outcome.size())
    throw sim::RuntimeFailure("/sensitivity: its outcome, factor and index columns differ in length");
  const auto column = [&](const std::string& name) {
    const auto dataset = hdf5::Dataset::open(group.id(), name);
    dataset.require("/sensitivity/" + name, rows_shape, H5T_FLOAT);
    return dataset.read_doubles();
  };
  const auto estimate = column("estimate"), lo95 = column("lo95"), hi95 = column("hi95");
  for (std::size_t i = 0; i < outcome.size(); ++i) rows.push_back({outcome[i], factor[i], index[i], estimate[i], lo95[i], hi95[i]});
  return rows;
}

std::string format_sensitivity(const std::vector<SensitivityRow>& rows) {
  std::size_t width = 7;
  for (const auto& row : rows) width = std::max(width, row.factor.size());
  std::string text = fmt::format("{:<24} {:<{}} {:<12} {:>10} {:>21}\n", "outcome", "factor", width, "index", "estimate", "95% interval");
  const auto number = [](double x) { return std::isfinite(x) ? fmt::format("{:.4f}", x) : std::string("-"); };
  for (const auto& row : rows)
    text += fmt::format("{:<24} {:<{}} {:<12} {:>10} {:>21}\n", row.outcome, sim::printable_line(row.factor), width, row.index,
                        number(row.estimate),
                        std::isfinite(row.lo95) ? "[" + number(row.lo95) + ", " + number(row.hi95) + "]" : "");
  return text;
}

}  // namespace lab
