#pragma once
// What parameter uncertainty does to a scenario's daily series, for the
// classroom page: the scenario as loaded, run at K draws of a calibration's
// posterior x R replicates (the runs `ppisim run SCENARIO --posterior FILE
// --draws K --replicates R` makes, the same bits), and per day the median and
// the interval where 95% of those runs fall, as `ppisim summary` takes it:
// parameter and replicate uncertainty together.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "sim/parameters.hpp"

namespace cli {

struct PosteriorBand {
  std::string posterior;             // the file's path
  std::string calibration;           // its calibration's name
  std::size_t draws = 0, replicates = 0;
  int days = 0;
  std::vector<std::string> names;    // the series, in the order asked
  std::vector<std::vector<double>> lo95, median, hi95;  // per series, per day

  // Days [from, to) of each series, and what the band covers.
  [[nodiscard]] nlohmann::json to_json(int from, int to) const;
};

// InputError for a posterior that cannot be read or a series the model does not record.
PosteriorBand posterior_band(const sim::ParameterSet& scenario, const std::vector<std::string>& names, const std::string& posterior,
                             std::size_t draws, std::size_t replicates, std::uint64_t max_agents);

}  // namespace cli
