#include "lab/sweep_shard.hpp"

#include <charconv>

#include "results/hdf5.hpp"
#include "results/results_file.hpp"
#include "sim/errors.hpp"

namespace lab {
namespace {

namespace hdf5 = results::hdf5;

constexpr std::uint64_t kMaxShards = 1'000'000;

bool parse_count(std::string_view text, std::uint64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

sim::InputError not_a_shard(const std::filesystem::path& path, const std::string& why) {
  return sim::InputError(sim::SourceLocation{path.string(), 0, 0}, why);
}

// One row of a 2-D dataset of doubles, read through a hyperslab.
void read_row(const hdf5::Dataset& dataset, hsize_t row, std::span<double> into) {
  const hdf5::Handle file_space(H5Dget_space(dataset.id()), H5Sclose, "cannot read a dataset's shape");
  const hsize_t start[2] = {row, 0}, count[2] = {1, into.size()};
  hdf5::check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr), "cannot select a row");
  const hsize_t length = into.size();
  const hdf5::Handle memory_space(H5Screate_simple(1, &length, nullptr), H5Sclose, "cannot describe a row");
  hdf5::check(H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, memory_space.id(), file_space.id(), H5P_DEFAULT, into.data()),
              "cannot read a row");
}

}  // namespace

Shard parse_shard(const std::string& text, const std::string& source) {
  const auto slash = text.find('/');
  Shard shard;
  if (slash == std::string::npos || !parse_count(std::string_view(text).substr(0, slash), shard.index) ||
      !parse_count(std::string_view(text).substr(slash + 1), shard.count) || shard.count == 0 ||
      shard.count > kMaxShards || shard.index == 0 || shard.index > shard.count)
    throw sim::InputError(sim::SourceLocation{source, 0, 0},
                          "expected a shard as I/N with 1 <= I <= N <= " + std::to_string(kMaxShards) +
                              " (e.g. 2/8: the second of eight), got '" + text + "'");
  return shard;
}

void write_shard_attributes(hid_t root, const ShardInfo& info, const std::vector<std::uint64_t>& points) {
  hdf5::write_string_attribute(root, "shard", info.shard.name());
  hdf5::write_uint64_attribute(root, "shard_index", info.shard.index);
  hdf5::write_uint64_attribute(root, "shard_count", info.shard.count);
  hdf5::write_uint64_attribute(root, "sweep_runs", info.sweep_runs);
  hdf5::write_uint64_attribute(root, "experiment_fingerprint", info.experiment_fingerprint);
  hdf5::write_string_attribute(root, "experiment_file", info.experiment_file);
  const auto runs_group = hdf5::open_group(root, "runs");
  const auto rows = static_cast<hsize_t>(points.size());
  std::vector<std::uint64_t> runs(points.size());
  for (std::uint64_t row = 0; row < runs.size(); ++row) runs[row] = row * info.shard.count + info.shard.index - 1;
  auto run = hdf5::Dataset::create_uint64s(runs_group.id(), "run", {rows});
  if (rows) run.write_rows(0, rows, runs.data());
  run.describe("1", "Number of each row's run in the whole sweep (shard I of N holds the runs r with r mod N = I - 1)");
  auto point = hdf5::Dataset::create_uint64s(runs_group.id(), "point", {rows});
  if (rows) point.write_rows(0, rows, points.data());
  point.describe("1", "Design point of each run (row of the experiment's design)");
}

ShardInfo read_shard_info(const std::filesystem::path& path) {
  hdf5::silence_library_errors();
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw not_a_shard(path, "no such shard file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw not_a_shard(path, "not an HDF5 file (expected a shard written by ppisim sweep --shard)");
  try {
    const auto file = hdf5::open_file_read_only(path.string());
    const hid_t root = file.id();
    const auto text = [&](const char* name) {
      return hdf5::has_attribute(root, name) ? hdf5::read_string_attribute(root, name) : std::string{};
    };
    if (text("format") != results::kResultsFormat) throw not_a_shard(path, "an HDF5 file, but not a ppisim results file");
    if (text("kind") != "shard")
      throw not_a_shard(path, "a ppisim results file of kind '" + text("kind") +
                                  "', not a shard; merge joins the files of ppisim sweep --shard I/N");
    ShardInfo info;
    info.path = path;
    info.shard = {hdf5::read_uint64_attribute(root, "shard_index"), hdf5::read_uint64_attribute(root, "shard_count")};
    if (info.shard.count == 0 || info.shard.index == 0 || info.shard.index > info.shard.count)
      throw not_a_shard(path, "a damaged shard file: shard " + info.shard.name());
    info.sweep_runs = hdf5::read_uint64_attribute(root, "sweep_runs");
    info.experiment_fingerprint = hdf5::read_uint64_attribute(root, "experiment_fingerprint");
    info.experiment_file = text("experiment_file");
    info.ppisim_version = text("ppisim_version");
    info.git_revision = text("git_revision");
    return info;
  } catch (const sim::RuntimeFailure& failure) {
    throw not_a_shard(path, std::string("not a readable shard file (truncated or damaged?): ") + failure.what());
  }
}

static void read_shard_runs(const ShardInfo& info, const std::vector<std::string>& summaries,
                     const std::vector<std::string>& series, std::size_t days,
                     const std::function<void(std::uint64_t, std::span<const double>)>& visit) {
  const auto file = hdf5::open_file_read_only(info.path.string());
  const auto runs = hdf5::Dataset::open(file.id(), "runs/run").read_uint64s();
  const std::uint64_t rows = info.shard.runs_of(info.sweep_runs);
  if (runs.size() != rows) throw not_a_shard(info.path, "holds " + std::to_string(runs.size()) + " runs; shard " +
                                                             info.shard.name() + " has " + std::to_string(rows));
  for (std::uint64_t row = 0; row < rows; ++row)
    if (runs[row] != row * info.shard.count + info.shard.index - 1 || runs[row] >= info.sweep_runs)
      throw not_a_shard(info.path, "row " + std::to_string(row) + " holds run " + std::to_string(runs[row]) +
                                       ", which is not shard " + info.shard.name() + "'s");
  std::vector<std::vector<double>> summary_values;
  for (const auto& name : summaries) {
    summary_values.push_back(hdf5::Dataset::open(file.id(), "summary/" + name).read_doubles());
    if (summary_values.back().size() != rows) throw not_a_shard(info.path, "summary/" + name + " has the wrong length");
  }
  std::vector<hdf5::Dataset> series_datasets;
  for (const auto& name : series) {
    series_datasets.push_back(hdf5::Dataset::open(file.id(), "timeseries/" + name));
    if (series_datasets.back().shape() != std::vector<hsize_t>{rows, days})
      throw not_a_shard(info.path, "timeseries/" + name + " has the wrong shape");
  }
  std::vector<double> values(summaries.size() + series.size() * days);
  for (std::uint64_t row = 0; row < rows; ++row) {
    for (std::size_t s = 0; s < summaries.size(); ++s) values[s] = summary_values[s][row];
    for (std::size_t s = 0; s < series.size(); ++s)
      read_row(series_datasets[s], row, std::span<double>(values).subspan(summaries.size() + s * days, days));
    visit(runs[row], values);
  }
}

void for_each_shard_run(const ShardInfo& info, const std::vector<std::string>& summaries,
                        const std::vector<std::string>& series, std::size_t days,
                        const std::function<void(std::uint64_t, std::span<const double>)>& visit) {
  try {
    read_shard_runs(info, summaries, series, days, visit);
  } catch (const sim::RuntimeFailure& failure) {  // HDF5 names the dataset, not the file
    throw sim::RuntimeFailure(info.path.string() + ": cannot read this shard (damaged?): " + failure.what());
  }
}

}  // namespace lab
