#include "cli/summary_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lab/calibration_results.hpp"
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
      "any_bf_6w",       "any_bf_6m",           "excl_bf_6w",      "stopped_any_by_6w_among_starters",
      "reached_by_volunteer", "volunteer_retention_1y",
      "mean_boundary_concern", "mean_gatekeeping", "tension_index"};
  return names;
}

namespace {

// The outcomes to show: those named in `only`, in its order, or all.
std::vector<std::size_t> shown_rows(const std::vector<sim::OutputSpec>& specs, const std::vector<std::string>& only) {
  std::vector<std::size_t> rows;
  if (only.empty()) {
    for (std::size_t k = 0; k < specs.size(); ++k) rows.push_back(k);
  } else {
    for (const auto& name : only)
      for (std::size_t k = 0; k < specs.size(); ++k)
        if (specs[k].name == name) rows.push_back(k);
  }
  return rows;
}

std::string percent(double share) { return std::isfinite(share) ? fmt::format("{:.0f}%", 100.0 * share) : "-"; }

}  // namespace

std::string format_posterior_run_table(const std::vector<sim::OutputSpec>& specs, const std::vector<std::vector<double>>& values,
                                       const std::vector<std::uint64_t>& draw_of_run, std::size_t draws,
                                       const std::vector<std::string>& only) {
  const auto rows = shown_rows(specs, only);
  std::size_t width = 7;
  for (const auto k : rows) width = std::max(width, specs[k].name.size());
  std::string table = fmt::format("{:<{}}  {:>8}  {:>19}  {:>19}  {:>6} {:>6}  {}\n", "outcome", width, "mean", "95% of runs",
                                  "95% of draw means", "param", "repl", "unit");
  for (const auto k : rows) {
    const auto outcome = lab::summarise_posterior_outcome(values[k], draw_of_run, draws);
    const bool share = is_share(specs[k]);
    const auto interval = [&](double low, double high) {
      return std::isfinite(low) ? fmt::format("[{}, {}]", number(low, share), number(high, share)) : std::string("-");
    };
    table += fmt::format("{:<{}}  {:>8}  {:>19}  {:>19}  {:>6} {:>6}  {}\n", specs[k].name, width, number(outcome.mean, share),
                         interval(outcome.lo95, outcome.hi95), interval(outcome.parameter_lo95, outcome.parameter_hi95),
                         percent(outcome.parameter_share), percent(outcome.replicate_share),
                         share ? share_unit(specs[k].unit) : specs[k].unit);
  }
  table += fmt::format(
      "({} posterior draws x {} replicates. 95% of runs: where one run's outcome falls, parameter and replicate uncertainty "
      "together; 95% of draw means: the parameter uncertainty of the replicate mean; param / repl: shares of one run's "
      "variance from the parameters and from replicate noise, by one-way ANOVA over draws)\n",
      draws, draws ? draw_of_run.size() / draws : 0);
  return table;
}

std::string format_summary_table(const std::vector<sim::OutputSpec>& specs,
                                 const std::vector<std::vector<double>>& values, const std::vector<std::string>& only) {
  const auto rows = shown_rows(specs, only);
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
  table +=
      "(95% interval: Student t over the n replicate runs, so it covers replicate noise only, not what is unknown "
      "about the parameters; ppisim run --posterior adds that)\n";
  return table;
}

}  // namespace cli
