#include "cli/summary_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/statistics.hpp"

namespace cli {
namespace {

bool is_share(const sim::OutputSpec& spec) { return spec.unit.starts_with("share"); }

// "share of mothers" reads as "% of mothers"; a bare "share" as "%".
std::string share_unit(const std::string& unit) { return "%" + unit.substr(std::string("share").size()); }

std::string number(double value, bool share) {
  if (!std::isfinite(value)) return "-";
  return share ? fmt::format("{:.1f}%", 100.0 * value) : fmt::format("{:.4g}", value);
}

}  // namespace

const std::vector<std::string>& key_outcomes() {
  static const std::vector<std::string> names{
      "any_bf_6w",       "any_bf_6m",           "excl_bf_6w",      "reached_by_volunteer", "volunteer_retention_1y",
      "mean_boundary_concern", "mean_gatekeeping", "tension_index"};
  return names;
}

std::string format_summary_table(const std::vector<sim::OutputSpec>& specs,
                                 const std::vector<std::vector<double>>& values, const std::vector<std::string>& only) {
  std::vector<std::size_t> rows;
  if (only.empty()) {
    for (std::size_t k = 0; k < specs.size(); ++k) rows.push_back(k);
  } else {
    for (const auto& name : only)
      for (std::size_t k = 0; k < specs.size(); ++k)
        if (specs[k].name == name) rows.push_back(k);
  }
  std::size_t width = 7;
  for (const auto k : rows) width = std::max(width, specs[k].name.size());
  std::string table = fmt::format("{:<{}}  {:>8}  {:>19}  {:>4}  {}\n", "outcome", width, "mean", "95% interval", "n", "unit");
  for (const auto k : rows) {
    const auto estimate = sim::estimate_mean(values[k]);
    const bool share = is_share(specs[k]);
    const std::string interval = std::isfinite(estimate.lo95)
                                     ? fmt::format("[{}, {}]", number(estimate.lo95, share), number(estimate.hi95, share))
                                     : "-";
    table += fmt::format("{:<{}}  {:>8}  {:>19}  {:>4}  {}\n", specs[k].name, width, number(estimate.mean, share),
                         interval, estimate.n, share ? share_unit(specs[k].unit) : specs[k].unit);
  }
  return table;
}

}  // namespace cli
