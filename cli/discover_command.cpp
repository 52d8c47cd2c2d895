// `ppisim discover SWEEP.h5 --where "CONDITION"`: scenario discovery by PRIM
// on a sweep's design points (lab/discovery.hpp), printed and written into
// the file's /discovery group, replacing an earlier discovery.
#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "cli/commands.hpp"
#include "lab/discovery.hpp"
#include "results/output_lock.hpp"
#include "results/results_file.hpp"
#include "sim/errors.hpp"

namespace cli {

int discover_command(const DiscoverOptions& options) {
  const std::filesystem::path path = options.file;
  const auto points = lab::read_sweep_points(path);
  lab::PrimOptions prim;
  prim.min_coverage = options.min_coverage;
  prim.max_boxes = options.max_boxes;
  prim.bootstrap = options.bootstrap;
  prim.seed = options.seed;
  if (options.max_restricted > 0) prim.max_restricted = options.max_restricted;
  std::optional<lab::ComparatorRuns> comparator;
  if (!options.comparator.empty()) comparator = lab::read_comparator(options.comparator, points);
  const auto discovery = lab::discover(points, options.where, prim, comparator ? &*comparator : nullptr);
  {
    // The file is rewritten whole (copy, edit, rename): one writer at a time.
    const results::OutputLock lock(path);
    results::rewrite_results_file(path, [&](hid_t root) { lab::write_discovery(root, points, discovery); });
  }
  std::fputs(lab::format_discovery(points, discovery).c_str(), stdout);
  fmt::print("Written to {} (group /discovery).\n", path.string());
  return 0;
}

}  // namespace cli
