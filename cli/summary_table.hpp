#pragma once
// The replicate summary as a table people read: one row per outcome, the
// mean and its 95% interval, shares shown as percentages.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/outputs.hpp"

namespace cli {

// `values[k]` holds outcome k of every run; only outcomes named in `only` are
// shown when it is non-empty.
std::string format_summary_table(const std::vector<sim::OutputSpec>& specs,
                                 const std::vector<std::vector<double>>& values,
                                 const std::vector<std::string>& only = {});

// The same for runs over K posterior draws (`draw_of_run[run]`): the mean,
// where 95% of runs fall, the 95% range of the draws' replicate means, and
// the shares of one run's variance from parameters and from replicate noise.
std::string format_posterior_run_table(const std::vector<sim::OutputSpec>& specs, const std::vector<std::vector<double>>& values,
                                       const std::vector<std::uint64_t>& draw_of_run, std::size_t draws,
                                       const std::vector<std::string>& only = {});

// Outcomes printed when a run ends.
const std::vector<std::string>& key_outcomes();

}  // namespace cli
