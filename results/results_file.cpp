#include "results/results_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>

#include "sim/errors.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace results {
namespace fs = std::filesystem;

namespace {

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

fs::path partial_name(const fs::path& final_path) {
  return final_path.parent_path() / ("." + final_path.filename().string() + ".partial-" + std::to_string(getpid()));
}

// Partial files of processes that no longer exist (killed while writing)
// would otherwise pile up beside the target; a live writer's is left alone.
void remove_stale_partials(const fs::path& final_path) {
  const std::string prefix = "." + final_path.filename().string() + ".partial-";
  const fs::path folder = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const auto pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid == getpid() || (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH))
      fs::remove(entry.path(), error);
  }
}

void sync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;  // best effort: some file systems refuse to open folders
  ::fsync(fd);
  ::close(fd);
}

// A per-run parameter as stored: the number, 1/0 for true/false, and for a
// choice its level number (its place in the spec's choices).
double as_number(const sim::ParameterSpec& spec, const sim::ParameterValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return *number;
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? 1.0 : 0.0;
  if (const auto* word = std::get_if<std::string>(&value); word && spec.kind == sim::ParameterKind::choice) {
    const auto found = std::find(spec.choices.begin(), spec.choices.end(), *word);
    if (found != spec.choices.end()) return static_cast<double>(found - spec.choices.begin());
  }
  return std::nan("");
}

std::string joined(const std::vector<std::string>& words, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? separator : "") + words[i];
  return out;
}

// /registry: one row per parameter of the registry, so that a reader of the
// file knows where each number comes from without asking the binary.
void write_registry(hid_t root, const sim::ParameterRegistry& registry) {
  const auto group = hdf5::create_group(root, "registry");
  std::map<std::string, std::vector<std::string>> columns;
  for (const auto& spec : registry.all()) {
    columns["path"].push_back(spec.path);
    columns["type"].push_back(sim::to_string(spec.kind));
    columns["unit"].push_back(spec.unit);
    columns["default"].push_back(spec.default_value ? sim::format_value(spec, *spec.default_value) : "(required)");
    columns["source"].push_back(sim::to_string(spec.source.kind));
    columns["reference"].push_back(spec.source.reference);
    columns["finding"].push_back(spec.finding);
    columns["description"].push_back(spec.description);
    columns["choices"].push_back(joined(spec.choices, "|"));
    columns["runtime_changeable"].push_back(spec.runtime_changeable ? "true" : "false");
  }
  for (const auto& [name, values] : columns) hdf5::write_strings(group.id(), name, values);
}

void write_age(const hdf5::Dataset& dataset, const sim::OutputSpec& spec) {
  if (!spec.age_days) return;
  hdf5::write_uint64_attribute(dataset.id(), "age_days", static_cast<std::uint64_t>(*spec.age_days));
  hdf5::write_string_attribute(dataset.id(), "age", spec.age_words);
}

}  // namespace

// What is at the output path is replaced by a rename: only a results file, or a
// link (its target is left alone), may be; never a device such as /dev/null.
static void check_existing_output(const fs::path& path, bool overwrite) {
  std::error_code error;
  const auto existing = fs::symlink_status(path, error);
  if (!fs::exists(existing)) return;
  const sim::SourceLocation where{path.string(), 0, 0};
  if (fs::is_symlink(existing)) {
    if (!overwrite)
      throw sim::InputError(where, "the output path is a symbolic link to '" + fs::read_symlink(path, error).string() +
                                  "'; add --force to replace the link (the file it points to is left alone)");
    return;
  }
  if (!fs::is_regular_file(existing))
    throw sim::InputError(where, "the output path is " + sim::describe_file_type(existing.type()) +
                                ", not a results file; ppisim replaces only regular files, even with --force");
  if (!overwrite) throw sim::InputError(where, "the output file exists; add --force to overwrite it");
}

void check_output_path(const fs::path& path, bool overwrite) {
  std::error_code error;
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (!fs::is_directory(folder, error))
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0}, "the output folder '" + folder.string() + "' does not exist");
  if (fs::is_directory(path, error))
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0}, "the output path is a folder; name a file such as out.h5");
  check_existing_output(path, overwrite);
  if (::access(folder.c_str(), W_OK) != 0)
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0},
                     "cannot write to the folder '" + folder.string() + "': " + std::strerror(errno));
}

ResultsWriter::ResultsWriter(fs::path final_path, bool overwrite, const sim::OutputCatalog& catalog,
                             const sim::ParameterRegistry& registry, std::size_t runs, int days,
                             const RunProvenance& provenance)
    : final_path_(std::move(final_path)), partial_path_(partial_name(final_path_)), overwrite_(overwrite),
      registry_(registry), runs_(runs) {
  check_output_path(final_path_, overwrite_);
  hdf5::silence_library_errors();
  remove_stale_partials(final_path_);
  file_ = hdf5::create_file(partial_path_.string());
  const hid_t root = file_.id();

  hdf5::write_string_attribute(root, "format", kResultsFormat);
  hdf5::write_uint64_attribute(root, "format_version", kResultsFormatVersion);
  hdf5::write_string_attribute(root, "ppisim_version", sim::kVersion);
  hdf5::write_string_attribute(root, "git_revision", sim::kGitRevision);
  hdf5::write_string_attribute(root, "created", utc_now());
  hdf5::write_string_attribute(root, "command_line", provenance.command_line);
  hdf5::write_string_attribute(root, "scenario_name", provenance.scenario_name);
  hdf5::write_string_attribute(root, "scenario_yaml", provenance.scenario_yaml);
  hdf5::write_uint64_attribute(root, "seed", provenance.base_seed);
  hdf5::write_uint64_attribute(root, "replicates", provenance.replicates);
  hdf5::write_uint64_attribute(root, "runs", runs);
  hdf5::write_uint64_attribute(root, "days", static_cast<std::uint64_t>(days));
  hdf5::write_string_attribute(root, "kind", provenance.kind);
  if (!provenance.experiment_yaml.empty()) hdf5::write_string_attribute(root, "experiment_yaml", provenance.experiment_yaml);

  const auto run_count = static_cast<hsize_t>(runs);
  const auto day_count = static_cast<hsize_t>(days);
  {
    const auto group = hdf5::create_group(root, "time");
    auto day = hdf5::Dataset::create_doubles(group.id(), "day", {day_count});
    std::vector<double> numbers(day_count);
    for (hsize_t d = 0; d < day_count; ++d) numbers[d] = static_cast<double>(d);
    if (day_count) day.write_all(numbers.data());
    day.describe("days", "Simulated day of each time-series column, counted from 0");
  }
  const auto runs_group = hdf5::create_group(root, "runs");
  seeds_ = hdf5::Dataset::create_uint64s(runs_group.id(), "seed", {run_count});
  seeds_->describe("1", "The run's own random seed, derived from the base seed and the replicate number");
  replicates_ = hdf5::Dataset::create_uint64s(runs_group.id(), "replicate", {run_count});
  replicates_->describe("1", "Replicate number of the run, from 0");

  const auto series_group = hdf5::create_group(root, "timeseries");
  for (const auto& spec : provenance.store_timeseries ? catalog.series() : std::vector<sim::OutputSpec>{}) {
    series_.push_back(hdf5::Dataset::create_doubles(series_group.id(), spec.name, {run_count, day_count}));
    series_.back().describe(spec.unit, spec.description);
  }
  const auto summary_group = hdf5::create_group(root, "summary");
  for (const auto& spec : catalog.summaries()) {
    summaries_.push_back(hdf5::Dataset::create_doubles(summary_group.id(), spec.name, {run_count}));
    summaries_.back().describe(spec.unit, spec.description);
    write_age(summaries_.back(), spec);
  }
  const auto parameter_group = hdf5::create_group(root, "parameters");
  const auto choice_group = hdf5::create_group(root, "choices");
  for (const auto& spec : registry.all()) {
    if (spec.describes_run_plan) continue;
    if (spec.kind == sim::ParameterKind::choice) {
      stored_parameters_.push_back(&spec);
      parameters_.push_back(hdf5::Dataset::create_doubles(choice_group.id(), spec.path, {run_count}));
      parameters_.back().describe("level", spec.description);
      hdf5::write_string_attribute(parameters_.back().id(), "levels", joined(spec.choices, "|"));
      continue;
    }
    if (!spec.is_numeric() && spec.kind != sim::ParameterKind::boolean) continue;
    stored_parameters_.push_back(&spec);
    parameters_.push_back(hdf5::Dataset::create_doubles(parameter_group.id(), spec.path, {run_count}));
    parameters_.back().describe(spec.kind == sim::ParameterKind::boolean ? "1 = true" : spec.unit.empty() ? "1" : spec.unit,
                                spec.description);
  }
  write_registry(root, registry);
}

ResultsWriter::~ResultsWriter() {
  if (committed_) return;
  file_.reset();
  std::error_code ignored;
  fs::remove(partial_path_, ignored);
}

void ResultsWriter::write(const sim::RunResult& result, const sim::ParameterSet& parameters) {
  const hsize_t row = result.run_index;
  for (std::size_t i = 0; i < series_.size(); ++i)
    series_[i].write_row(row, result.series.data() + i * static_cast<std::size_t>(result.days));
  const std::size_t number = row / kBlockRows, at = row % kBlockRows;
  RowBlock& rows = block(number);
  for (std::size_t i = 0; i < summaries_.size(); ++i) rows.values[i * rows.rows + at] = result.summary[i];
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    rows.values[(summaries_.size() + i) * rows.rows + at] = as_number(*stored_parameters_[i], parameters.value(stored_parameters_[i]->path));
  rows.seeds[at] = result.seed;
  rows.replicates[at] = result.replicate;
  if (!rows.filled[at]) {
    rows.filled[at] = true;
    ++rows.filled_count;
  }
  if (rows.filled_count == rows.rows) flush_block(number);
  if (!result.snapshot.empty() && !snapshot_written_) write_snapshot(result);
}

ResultsWriter::RowBlock& ResultsWriter::block(std::size_t number) {
  auto [found, added] = blocks_.try_emplace(number);
  RowBlock& rows = found->second;
  if (added) {
    rows.rows = std::min(kBlockRows, runs_ - number * kBlockRows);
    rows.values.assign((summaries_.size() + parameters_.size()) * rows.rows, 0.0);
    rows.seeds.assign(rows.rows, 0);
    rows.replicates.assign(rows.rows, 0);
    rows.filled.assign(rows.rows, false);
  }
  return rows;
}

// Writes each stretch of filled rows of a block (all of it, unless runs are
// missing at commit) and forgets the block; a run written again later gets a
// new block, so nothing is ever overwritten with an unfilled row.
void ResultsWriter::flush_block(std::size_t number) {
  const RowBlock& rows = blocks_.at(number);
  const std::size_t first_row = number * kBlockRows;
  for (std::size_t from = 0; from < rows.rows;) {
    if (!rows.filled[from]) {
      ++from;
      continue;
    }
    std::size_t to = from;
    while (to < rows.rows && rows.filled[to]) ++to;
    const hsize_t first = first_row + from, count = to - from;
    for (std::size_t i = 0; i < summaries_.size(); ++i) summaries_[i].write_rows(first, count, &rows.values[i * rows.rows + from]);
    for (std::size_t i = 0; i < parameters_.size(); ++i)
      parameters_[i].write_rows(first, count, &rows.values[(summaries_.size() + i) * rows.rows + from]);
    seeds_->write_rows(first, count, &rows.seeds[from]);
    replicates_->write_rows(first, count, &rows.replicates[from]);
    from = to;
  }
  blocks_.erase(number);
}

// /snapshot/<table>/<column>: one run's agents at its end, e.g. the social graph to draw.
void ResultsWriter::write_snapshot(const sim::RunResult& result) {
  const auto group = hdf5::create_group(file_.id(), "snapshot");
  hdf5::write_uint64_attribute(group.id(), "run", result.run_index);
  hdf5::write_uint64_attribute(group.id(), "day", static_cast<std::uint64_t>(std::max(0, result.days - 1)));
  std::map<std::string, hdf5::Handle> tables;
  for (const auto& column : result.snapshot) {
    if (!tables.contains(column.table)) tables.emplace(column.table, hdf5::create_group(group.id(), column.table));
    auto dataset = hdf5::Dataset::create_doubles(tables.at(column.table).id(), column.name,
                                                 {static_cast<hsize_t>(column.values.size())});
    if (!column.values.empty()) dataset.write_all(column.values.data());
    dataset.describe(column.unit, column.description);
  }
  snapshot_written_ = true;
}

void ResultsWriter::commit() {
  while (!blocks_.empty()) flush_block(blocks_.begin()->first);
  series_.clear();
  summaries_.clear();
  parameters_.clear();
  seeds_.reset();
  replicates_.reset();
  hdf5::check(H5Fflush(file_.id(), H5F_SCOPE_GLOBAL), "cannot flush " + partial_path_.string());
  file_.reset();
  sync_path(partial_path_, O_RDONLY);
  // Without --force, refuse to replace a file that appeared while we ran.
  const unsigned flags = overwrite_ ? 0u : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, partial_path_.c_str(), AT_FDCWD, final_path_.c_str(), flags) != 0) {
    const std::string reason = std::strerror(errno);
    committed_ = true;  // keep the finished results rather than delete them
    throw sim::RuntimeFailure("cannot move the results into " + final_path_.string() + " (" + reason +
                         "); they are kept in " + partial_path_.string());
  }
  committed_ = true;
  sync_path(final_path_.parent_path().empty() ? fs::path(".") : final_path_.parent_path(), O_RDONLY | O_DIRECTORY);
}

void rewrite_results_file(const fs::path& path, const std::function<void(hid_t root)>& edit) {
  // A link is followed: its target is rewritten and the link kept.
  const fs::path target = fs::is_symlink(path) ? fs::canonical(path) : path;
  remove_stale_partials(target);
  const fs::path partial = partial_name(target);
  struct RemoveUnlessMoved {
    const fs::path& file;
    bool moved = false;
    ~RemoveUnlessMoved() {
      std::error_code ignored;
      if (!moved) fs::remove(file, ignored);
    }
  } cleanup{partial};
  std::error_code error;
  fs::copy_file(target, partial, fs::copy_options::overwrite_existing, error);
  if (error) throw sim::RuntimeFailure("cannot copy " + target.string() + " to " + partial.string() + ": " + error.message());
  {
    const auto file = hdf5::open_file_read_write(partial.string());
    edit(file.id());
    hdf5::check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL), "cannot flush " + partial.string());
  }
  sync_path(partial, O_RDONLY);
  if (::rename(partial.c_str(), target.c_str()) != 0)
    throw sim::RuntimeFailure("cannot move the rewritten file into " + target.string() + " (" + std::strerror(errno) + ")");
  cleanup.moved = true;
  sync_path(target.parent_path().empty() ? fs::path(".") : target.parent_path(), O_RDONLY | O_DIRECTORY);
}

static ResultsContents read_results_file(const fs::path& path);

ResultsContents read_results(const fs::path& path) {
  hdf5::silence_library_errors();
  std::error_code error;
  if (!fs::exists(path, error)) throw sim::InputError(sim::SourceLocation{path.string(), 0, 0}, "no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0}, "not an HDF5 file (expected a ppisim results file)");
  try {
    return read_results_file(path);
  } catch (const sim::RuntimeFailure& failure) {
    refuse_damaged_file(path, failure);
  }
}

void refuse_damaged_file(const fs::path& path, const std::exception& failure) {
  throw sim::InputError(sim::SourceLocation{path.string(), 0, 0},
                        std::string("not a readable ppisim results file (truncated or damaged?): ") + failure.what());
}

static ResultsContents read_results_file(const fs::path& path) {
  const auto file = hdf5::open_file_read_only(path.string());
  const hid_t root = file.id();
  if (!hdf5::has_attribute(root, "format") || hdf5::read_string_attribute(root, "format") != kResultsFormat)
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0}, "an HDF5 file, but not a ppisim results file");
  std::uint64_t version = 0;
  if (hdf5::has_attribute(root, "format_version")) version = hdf5::read_uint64_attribute(root, "format_version");
  if (version == 0 || version > kResultsFormatVersion)
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0},
                     "results file format version " + std::to_string(version) + " is not one this ppisim reads (" +
                         std::to_string(kResultsFormatVersion) + "); use a newer ppisim");

  ResultsContents contents;
  for (const char* name : {"ppisim_version", "git_revision", "created", "command_line", "scenario_name"})
    if (hdf5::has_attribute(root, name)) contents.attributes[name] = hdf5::read_string_attribute(root, name);
  // Every per-run dataset must have exactly the `runs` rows the root says:
  // one longer or shorter (a damaged or edited file) is refused, not read past.
  if (!hdf5::has_attribute(root, "runs")) throw sim::RuntimeFailure("the root has no 'runs' attribute");
  const std::vector<hsize_t> per_run{static_cast<hsize_t>(hdf5::read_uint64_attribute(root, "runs"))};
  const auto read_per_run = [&](hid_t group, const std::string& where, const std::string& name, H5T_class_t type_class) {
    auto dataset = hdf5::Dataset::open(group, name);
    dataset.require(where + name, per_run, type_class);
    return dataset;
  };
  contents.seeds = read_per_run(root, "/", "runs/seed", H5T_INTEGER).read_uint64s();
  contents.replicates = read_per_run(root, "/", "runs/replicate", H5T_INTEGER).read_uint64s();

  const auto summary = hdf5::open_group(root, "summary");
  for (const auto& name : hdf5::list_members(summary.id())) {
    const auto dataset = read_per_run(summary.id(), "/summary/", name, H5T_FLOAT);
    contents.summary_specs.push_back({name, hdf5::read_string_attribute(dataset.id(), "units"),
                                      hdf5::read_string_attribute(dataset.id(), "description")});
    contents.summary_values.push_back(dataset.read_doubles());
  }
  const auto parameters = hdf5::open_group(root, "parameters");
  for (const auto& name : hdf5::list_members(parameters.id()))
    contents.parameters.emplace_back(name, read_per_run(parameters.id(), "/parameters/", name, H5T_FLOAT).read_doubles());
  return contents;
}

}  // namespace results
