#include "cli/posterior_band.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "lab/abc_smc.hpp"
#include "lab/posterior_draws.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace cli {
namespace {

// The q-quantile of the finite values, as `ppisim summary` takes "95% of runs" (lab::weighted_quantile, equal
// weights); NaN if none is finite.
double quantile_of_finite(const std::vector<double>& values, double q) {
  std::vector<double> finite;
  for (const double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  if (finite.empty()) return std::nan("");
  const std::vector<double> equal(finite.size(), 1.0);
  return lab::weighted_quantile(finite, equal, q);
}

}  // namespace

PosteriorBand posterior_band(const sim::ParameterSet& scenario, const std::vector<std::string>& names, const std::string& posterior,
                             std::size_t draws, std::size_t replicates, std::uint64_t max_agents) {
  const auto& catalog = models::output_catalog();
  std::vector<std::size_t> indices;
  for (const auto& name : names) {
    const auto index = catalog.find_series(name);
    if (!index) throw sim::InputError("no daily series named '" + name + "'; `ppisim docs outputs` lists them");
    indices.push_back(*index);
  }
  const auto seed = static_cast<std::uint64_t>(scenario.integer("seed"));
  // As `ppisim run --posterior` draws them: the scenario's seed chooses the particles.
  const auto sample = lab::sample_posterior(posterior, draws, seed, models::parameter_registry(), sim::SourceLocation{"posterior", 0, 0});
  PosteriorBand band{sample.file.string(), sample.contents.attributes.at("name"), draws, replicates, models::simulated_days(scenario), names,
                     {}, {}, {}};
  std::vector<std::vector<std::vector<double>>> runs(names.size());  // series -> run -> day
  for (std::size_t draw = 0; draw < draws; ++draw) {
    sim::ParameterSet parameters = scenario;
    sample.apply(parameters, draw, sim::SourceLocation{"posterior", 0, 0});
    models::check_parameters(parameters, max_agents);
    for (std::size_t replicate = 0; replicate < replicates; ++replicate) {
      const auto result = sim::run_one(models::build_plan, catalog, parameters, sim::replicate_seed(seed, replicate), band.days);
      for (std::size_t s = 0; s < indices.size(); ++s) {
        const auto* first = result.series.data() + indices[s] * static_cast<std::size_t>(result.days);
        runs[s].emplace_back(first, first + result.days);
      }
    }
  }
  for (std::size_t s = 0; s < names.size(); ++s) {
    band.lo95.emplace_back(band.days);
    band.median.emplace_back(band.days);
    band.hi95.emplace_back(band.days);
    std::vector<double> today(runs[s].size());
    for (int day = 0; day < band.days; ++day) {
      for (std::size_t run = 0; run < runs[s].size(); ++run) today[run] = runs[s][run][static_cast<std::size_t>(day)];
      const auto at = [&](double q) { return quantile_of_finite(today, q); };
      band.lo95[s][static_cast<std::size_t>(day)] = at(0.025);
      band.median[s][static_cast<std::size_t>(day)] = at(0.5);
      band.hi95[s][static_cast<std::size_t>(day)] = at(0.975);
    }
  }
  return band;
}

nlohmann::json PosteriorBand::to_json(int from, int to) const {
  from = std::clamp(from, 0, days);
  to = std::clamp(to, from, days);
  const auto slice = [&](const std::vector<double>& values) {
    return std::vector<double>(values.begin() + from, values.begin() + to);
  };
  nlohmann::json lo = nlohmann::json::object(), mid = nlohmann::json::object(), hi = nlohmann::json::object();
  for (std::size_t s = 0; s < names.size(); ++s) {
    lo[names[s]] = slice(lo95[s]);
    mid[names[s]] = slice(median[s]);
    hi[names[s]] = slice(hi95[s]);
  }
  return {{"from", from},
          {"to", to},
          {"posterior", std::filesystem::path(posterior).filename().string()},
          {"calibration", calibration},
          {"draws", draws},
          {"replicates", replicates},
          {"covers", "95% of runs of the scenario as loaded at " + std::to_string(draws) + " draws of the " + calibration +
                         " posterior x " + std::to_string(replicates) +
                         " replicates: parameter uncertainty and replicate noise together (not the live changes)"},
          {"lo95", lo},
          {"median", mid},
          {"hi95", hi}};
}

}  // namespace cli
