#pragma once
// The ppisim results file (layout in docs/hdf5-layout.md). Written under a
// hidden partial name beside the target and renamed into place only when
// complete, so an interrupted or failed command never leaves a half-written
// file, and an existing file is never replaced without permission.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "results/hdf5.hpp"
#include "sim/outputs.hpp"
#include "sim/parameters.hpp"

namespace results {

inline constexpr const char* kResultsFormat = "ppisim-results";
inline constexpr std::uint64_t kResultsFormatVersion = 1;

struct RunProvenance {
  std::string command_line;
  std::string scenario_name;
  std::string scenario_yaml;  // the fully resolved scenario
  std::uint64_t base_seed = 0;
  std::uint64_t replicates = 0;
  std::string kind = "run";     // "run" or "sweep"
  std::string experiment_yaml;  // a sweep's experiment file as given
  bool store_timeseries = true;  // a summary-only sweep keeps no daily series
};

// Fails with InputError when `path` exists and `overwrite` is false, or when
// its folder is missing; called before any work so a run is not wasted.
void check_output_path(const std::filesystem::path& path, bool overwrite);

class ResultsWriter {
 public:
  ResultsWriter(std::filesystem::path final_path, bool overwrite, const sim::OutputCatalog& catalog,
                const sim::ParameterRegistry& registry, std::size_t runs, int days, const RunProvenance& provenance);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Stores one run in row `result.run_index`, with the parameters it ran with.
  void write(const sim::RunResult& result, const sim::ParameterSet& parameters);
  // Closes, syncs and renames the file into place. Nothing is visible before.
  void commit();

  [[nodiscard]] const std::filesystem::path& partial_path() const { return partial_path_; }
  // The open file's root group, for a sweep's design and sensitivity groups.
  [[nodiscard]] hid_t root() const { return file_.id(); }

 private:
  std::filesystem::path final_path_, partial_path_;
  bool overwrite_;
  bool committed_ = false;
  const sim::ParameterRegistry& registry_;
  std::vector<const sim::ParameterSpec*> stored_parameters_;  // per run, in /parameters (numbers) or /choices (levels)
  hdf5::Handle file_;
  std::vector<hdf5::Dataset> series_, summaries_, parameters_;
  std::optional<hdf5::Dataset> seeds_, replicates_;
  bool snapshot_written_ = false;
  void write_snapshot(const sim::RunResult& result);

  // The per-run values of the 1-D datasets (/summary, /parameters, /runs) are
  // held for a block of kBlockRows runs and written with one HDF5 call per
  // dataset when the block is complete, or at commit: one call per value was
  // hundreds of HDF5 calls per run, made by the thread that collects results.
  static constexpr std::size_t kBlockRows = 1024;
  struct RowBlock {
    std::size_t rows = 0;        // rows in this block (the last block may be short)
    std::vector<double> values;  // [summaries, then parameters][row in block]
    std::vector<std::uint64_t> seeds, replicates;
    std::vector<bool> filled;
    std::size_t filled_count = 0;
  };
  std::size_t runs_;
  std::map<std::size_t, RowBlock> blocks_;  // incomplete blocks by number
  RowBlock& block(std::size_t number);
  void flush_block(std::size_t number);
};

// Adds to a finished results file without ever leaving half of it: copies it
// to its hidden partial name, lets `edit` change the copy's root, syncs the
// copy and renames it over the file (a reader sees the old file or the new).
// A failed edit leaves the file as it was. The caller holds its OutputLock.
void rewrite_results_file(const std::filesystem::path& path, const std::function<void(hid_t root)>& edit);

// What `ppisim summary` and the tests read back.
struct ResultsContents {
  std::map<std::string, std::string> attributes;  // root text attributes
  std::vector<sim::OutputSpec> summary_specs;
  std::vector<std::vector<double>> summary_values;  // [outcome][run]
  std::vector<std::uint64_t> seeds, replicates;
  std::vector<std::pair<std::string, std::vector<double>>> parameters;  // [name] -> per run

  [[nodiscard]] std::size_t runs() const { return seeds.size(); }
};

// Reads a results file; InputError if it is not one.
ResultsContents read_results(const std::filesystem::path& path);

// A results file that HDF5 cannot read back, or whose datasets disagree with
// each other (checksum, shape, type), is bad input to the command reading it:
// the InputError every reader of results files throws for `failure`.
[[noreturn]] void refuse_damaged_file(const std::filesystem::path& path, const std::exception& failure);

}  // namespace results
