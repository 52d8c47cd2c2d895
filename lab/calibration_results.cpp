#include "lab/calibration_results.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "lab/sensitivity.hpp"
#include "results/hdf5.hpp"
#include "sim/random.hpp"
#include "sim/parameters.hpp"

namespace lab {
namespace {

namespace hdf5 = results::hdf5;

void write_vector(hid_t group, const std::string& name, const std::vector<double>& values, const std::string& units,
                  const std::string& description) {
  auto dataset = hdf5::Dataset::create_doubles(group, name, {static_cast<hsize_t>(values.size())});
  if (!values.empty()) dataset.write_all(values.data());
  dataset.describe(units, description);
}

void write_counts(hid_t group, const std::string& name, const std::vector<std::uint64_t>& values, const std::string& description) {
  auto dataset = hdf5::Dataset::create_uint64s(group, name, {static_cast<hsize_t>(values.size())});
  if (!values.empty()) dataset.write_rows(0, values.size(), values.data());
  dataset.describe("1", description);
}

void write_matrix(hid_t group, const std::string& name, const std::vector<std::vector<double>>& rows, std::size_t columns,
                  const std::string& units, const std::string& description) {
  auto dataset = hdf5::Dataset::create_doubles(group, name, {static_cast<hsize_t>(rows.size()), static_cast<hsize_t>(columns)});
  std::vector<double> values;
  for (const auto& row : rows) values.insert(values.end(), row.begin(), row.end());
  if (!values.empty()) dataset.write_all(values.data());
  dataset.describe(units, description);
}

std::string units_of(const CalibrationParameter& parameter) {
  return parameter.spec && !parameter.spec->unit.empty() ? parameter.spec->unit : "1";
}

void write_generation(hid_t parent, std::size_t g, const Generation& generation) {
  const auto group = hdf5::create_group(parent, fmt::format("{:03d}", g));
  hdf5::write_string_attribute(group.id(), "description", fmt::format("Generation {}: its accepted particles", g));
  std::vector<std::vector<double>> theta, simulated;
  std::vector<double> distance, noise;
  std::vector<std::uint64_t> attempts;
  for (const auto& particle : generation.particles) {
    theta.push_back(particle.theta);
    simulated.push_back(particle.simulated);
    distance.push_back(particle.distance);
    noise.push_back(particle.noise);
    attempts.push_back(particle.attempts);
  }
  const std::size_t d = theta.empty() ? 0 : theta.front().size(), m = simulated.empty() ? 0 : simulated.front().size();
  write_matrix(group.id(), "theta", theta, d, "parameter units (see /calibration/parameters/unit)", "Particles: one row each, one column per parameter");
  write_vector(group.id(), "weight", generation.weights, "1", "Normalised importance weight of each particle");
  write_vector(group.id(), "distance", distance, "target standard errors", "Standardised distance of the particle's accepted simulation from the targets");
  write_vector(group.id(), "replicate_noise", noise, "target standard errors",
               "Replicate standard error of the particle's simulated targets, in distance units (NaN with one replicate)");
  write_matrix(group.id(), "simulated", simulated, m, "target units", "The accepted simulation's value of each target");
  write_counts(group.id(), "attempts", attempts, "Proposals the particle took to be accepted, those outside the prior included");
}

}  // namespace

void write_calibration(hid_t root, const Calibration& calibration, const AbcResult& result) {
  const auto group = hdf5::create_group(root, "calibration");
  const hid_t id = group.id();
  hdf5::write_string_attribute(id, "name", calibration.name);
  hdf5::write_string_attribute(id, "description", calibration.description);
  hdf5::write_string_attribute(id, "method", "ABC-SMC (population Monte Carlo, Beaumont et al. 2009) with adaptive quantile tolerances");
  hdf5::write_string_attribute(id, "model", calibration.test_model ? calibration.test_model->kind : "ppisim scenarios");
  hdf5::write_string_attribute(id, "stop_reason", result.stop_reason);
  hdf5::write_string_attribute(id, "calibration_yaml", calibration.calibration_yaml);
  hdf5::write_string_attribute(id, "resolved_yaml", calibration.resolved_yaml);
  hdf5::write_uint64_attribute(id, "population", calibration.population);
  hdf5::write_uint64_attribute(id, "replicates", calibration.replicates);
  hdf5::write_uint64_attribute(id, "seed", calibration.seed);
  hdf5::write_string_attribute(id, "quantile", sim::format_number(calibration.quantile));
  hdf5::write_string_attribute(id, "final_tolerance", sim::format_number(calibration.stop.final_tolerance));
  hdf5::write_string_attribute(id, "min_acceptance", sim::format_number(calibration.stop.min_acceptance));
  hdf5::write_uint64_attribute(id, "max_generations", calibration.stop.max_generations);

  std::vector<std::string> names, priors, units;
  for (const auto& parameter : calibration.parameters) {
    names.push_back(parameter.name);
    priors.push_back(parameter.prior.describe());
    units.push_back(units_of(parameter));
  }
  {
    const auto parameters = hdf5::create_group(id, "parameters");
    hdf5::write_strings(parameters.id(), "name", names);
    hdf5::write_strings(parameters.id(), "prior", priors);
    hdf5::write_strings(parameters.id(), "unit", units);
  }
  {
    const auto targets = hdf5::create_group(id, "targets");
    std::vector<std::string> target_names, descriptions;
    std::vector<double> observed, se, lo, hi;
    std::vector<std::uint64_t> log_scale;
    for (const auto& target : calibration.targets) {
      target_names.push_back(target.name);
      descriptions.push_back(target.describe() + (target.kind == CalibrationTarget::Kind::risk_ratio
                                                      ? " (" + calibration.scenarios[target.scenario].name + " vs " + calibration.scenarios[target.control].name + ")"
                                                  : calibration.test_model ? "" : " in " + calibration.scenarios[target.scenario].name));
      observed.push_back(target.observed);
      se.push_back(target.standard_error);
      lo.push_back(target.interval95 ? target.interval95->first : std::nan(""));
      hi.push_back(target.interval95 ? target.interval95->second : std::nan(""));
      log_scale.push_back(target.log_scale() ? 1 : 0);
    }
    hdf5::write_strings(targets.id(), "name", target_names);
    hdf5::write_strings(targets.id(), "description", descriptions);
    write_vector(targets.id(), "observed", observed, "target units", "Observed value of each target");
    write_vector(targets.id(), "standard_error", se, "target units, or log units where log_scale = 1",
                 "The scale of each target's distance term: its standard error, from the 95% interval as (hi - lo) / (2 x 1.96) "
                 "(of the logs for ratios)");
    write_vector(targets.id(), "lo95", lo, "target units", "Lower end of the observed 95% interval (NaN: a standard error was given)");
    write_vector(targets.id(), "hi95", hi, "target units", "Upper end of the observed 95% interval (NaN: a standard error was given)");
    write_counts(targets.id(), "log_scale", log_scale, "1: compared on the log scale (risk ratios); 0: as given");
  }
  const auto generations = hdf5::create_group(id, "generations");
  std::vector<double> tolerance, acceptance, ess, seconds, noise;
  std::vector<std::uint64_t> attempts;
  std::size_t written = 0;
  for (const auto& generation : result.generations) {
    if (!generation.complete) continue;  // a generation that gave up holds no population
    tolerance.push_back(generation.tolerance);
    acceptance.push_back(generation.acceptance_rate);
    ess.push_back(generation.ess);
    seconds.push_back(generation.seconds);
    noise.push_back(median_noise(generation));
    attempts.push_back(generation.attempts);
    write_generation(generations.id(), written++, generation);
  }
  write_vector(generations.id(), "tolerance", tolerance, "target standard errors", "Tolerance of each generation (inf: generation 0, the prior)");
  write_vector(generations.id(), "acceptance_rate", acceptance, "1", "Particles accepted per proposal made");
  write_vector(generations.id(), "ess", ess, "particles", "Effective sample size of the weights, 1 / sum w^2");
  write_vector(generations.id(), "seconds", seconds, "s", "Wall-clock time of the generation (of its last session, after a resume)");
  write_vector(generations.id(), "replicate_noise", noise, "target standard errors",
               "Median over particles of the replicate noise of the distance, to set beside the tolerance");
  write_counts(generations.id(), "attempts", attempts, "Proposals made in the generation");

  const auto posterior = hdf5::create_group(id, "posterior");
  const auto& last = result.posterior();
  hdf5::write_uint64_attribute(posterior.id(), "generation", written - 1);
  std::vector<std::vector<double>> theta;
  for (const auto& particle : last.particles) theta.push_back(particle.theta);
  write_matrix(posterior.id(), "theta", theta, names.size(), "parameter units (see /calibration/parameters/unit)",
               "Posterior particles (the last complete generation): one row each, one column per parameter");
  write_vector(posterior.id(), "weight", last.weights, "1", "Normalised posterior weight of each particle");
  write_matrix(posterior.id(), "predictive", result.predictive, calibration.targets.size(), "target units",
               "Posterior predictive: one fresh simulation of each posterior particle (new seeds), one column per target");
}

bool is_calibration_file(const std::filesystem::path& path) {
  hdf5::silence_library_errors();
  const auto file = hdf5::open_file_read_only(path.string());
  return hdf5::exists(file.id(), "calibration");
}

PosteriorContents read_calibration(const std::filesystem::path& path) {
  hdf5::silence_library_errors();
  const auto file = hdf5::open_file_read_only(path.string());
  const auto group = hdf5::open_group(file.id(), "calibration");
  PosteriorContents contents;
  for (const char* name : {"name", "description", "method", "model", "stop_reason", "calibration_yaml", "final_tolerance"})
    contents.attributes[name] = hdf5::read_string_attribute(group.id(), name);
  for (const char* name : {"population", "replicates", "seed"})
    contents.attributes[name] = std::to_string(hdf5::read_uint64_attribute(group.id(), name));
  const auto parameters = hdf5::open_group(group.id(), "parameters");
  contents.parameters = hdf5::read_strings(parameters.id(), "name");
  contents.priors = hdf5::read_strings(parameters.id(), "prior");
  contents.units = hdf5::read_strings(parameters.id(), "unit");
  const auto targets = hdf5::open_group(group.id(), "targets");
  contents.targets = hdf5::read_strings(targets.id(), "name");
  contents.target_descriptions = hdf5::read_strings(targets.id(), "description");
  contents.observed = hdf5::Dataset::open(targets.id(), "observed").read_doubles();
  contents.standard_error = hdf5::Dataset::open(targets.id(), "standard_error").read_doubles();
  contents.lo95 = hdf5::Dataset::open(targets.id(), "lo95").read_doubles();
  contents.hi95 = hdf5::Dataset::open(targets.id(), "hi95").read_doubles();
  contents.log_scale = hdf5::Dataset::open(targets.id(), "log_scale").read_uint64s();
  const auto generations = hdf5::open_group(group.id(), "generations");
  contents.tolerance = hdf5::Dataset::open(generations.id(), "tolerance").read_doubles();
  contents.acceptance_rate = hdf5::Dataset::open(generations.id(), "acceptance_rate").read_doubles();
  contents.ess = hdf5::Dataset::open(generations.id(), "ess").read_doubles();
  contents.seconds = hdf5::Dataset::open(generations.id(), "seconds").read_doubles();
  contents.replicate_noise = hdf5::Dataset::open(generations.id(), "replicate_noise").read_doubles();
  contents.attempts = hdf5::Dataset::open(generations.id(), "attempts").read_uint64s();
  const auto posterior = hdf5::open_group(group.id(), "posterior");
  contents.weights = hdf5::Dataset::open(posterior.id(), "weight").read_doubles();
  const auto n = static_cast<Eigen::Index>(contents.weights.size());
  const auto read_matrix = [&](const char* name, std::size_t columns) {
    const auto values = hdf5::Dataset::open(posterior.id(), name).read_doubles();
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
               values.data(), n, static_cast<Eigen::Index>(columns)).eval();
  };
  contents.theta = read_matrix("theta", contents.parameters.size());
  contents.predictive = read_matrix("predictive", contents.targets.size());
  return contents;
}

namespace {

struct Interval {
  double median, lo95, hi95;
};

Interval credible(const Eigen::VectorXd& column, const std::vector<double>& weights) {
  const std::vector<double> values(column.data(), column.data() + column.size());
  return {weighted_quantile(values, weights, 0.5), weighted_quantile(values, weights, 0.025), weighted_quantile(values, weights, 0.975)};
}

std::string number(double value) { return std::isfinite(value) ? fmt::format("{:.4g}", value) : "-"; }
nlohmann::json json_number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

}  // namespace

std::string format_posterior(const PosteriorContents& contents, const std::string& format) {
  const auto& weights = contents.weights;
  const Eigen::MatrixXd covariance = weighted_covariance(contents.theta, weights);
  const Eigen::VectorXd sd = covariance.diagonal().array().sqrt();
  const Eigen::MatrixXd correlation = covariance.array() / (sd * sd.transpose()).array();
  const std::size_t last = contents.tolerance.size() - 1;
  if (format == "json") {
    nlohmann::json out;
    out["name"] = contents.attributes.at("name");
    out["stop_reason"] = contents.attributes.at("stop_reason");
    for (std::size_t g = 0; g < contents.tolerance.size(); ++g)
      out["generations"].push_back({{"tolerance", json_number(contents.tolerance[g])}, {"acceptance_rate", contents.acceptance_rate[g]},
                                    {"ess", contents.ess[g]}, {"attempts", contents.attempts[g]},
                                    {"replicate_noise", json_number(contents.replicate_noise[g])}, {"seconds", contents.seconds[g]}});
    for (std::size_t p = 0; p < contents.parameters.size(); ++p) {
      const auto interval = credible(contents.theta.col(static_cast<Eigen::Index>(p)), weights);
      nlohmann::json row{{"parameter", contents.parameters[p]}, {"prior", contents.priors[p]}, {"unit", contents.units[p]},
                         {"median", interval.median}, {"lo95", interval.lo95}, {"hi95", interval.hi95}};
      for (std::size_t q = 0; q < contents.parameters.size(); ++q)
        row["correlation"][contents.parameters[q]] = json_number(correlation(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(q)));
      out["parameters"].push_back(row);
    }
    for (std::size_t k = 0; k < contents.targets.size(); ++k) {
      const auto predicted = credible(contents.predictive.col(static_cast<Eigen::Index>(k)), weights);
      out["targets"].push_back({{"target", contents.targets[k]}, {"observed", contents.observed[k]}, {"lo95", json_number(contents.lo95[k])},
                                {"hi95", json_number(contents.hi95[k])}, {"predicted_median", predicted.median},
                                {"predicted_lo95", predicted.lo95}, {"predicted_hi95", predicted.hi95}});
    }
    return out.dump(2) + "\n";
  }
  std::string text;
  if (format == "csv") {
    text += "parameter,median,lo95,hi95\n";
    for (std::size_t p = 0; p < contents.parameters.size(); ++p) {
      const auto interval = credible(contents.theta.col(static_cast<Eigen::Index>(p)), weights);
      text += fmt::format("{},{},{},{}\n", contents.parameters[p], sim::format_number(interval.median), sim::format_number(interval.lo95),
                          sim::format_number(interval.hi95));
    }
    return text;
  }
  text += fmt::format("calibration {} ({}): {} generations; stopped: {}\n", contents.attributes.at("name"),
                      contents.attributes.at("model"), contents.tolerance.size(), contents.attributes.at("stop_reason"));
  const double noise = contents.replicate_noise[last];
  text += fmt::format("posterior: {} particles, ESS {:.0f}; tolerance {} target SEs ({}), acceptance {:.3f}\n\n", weights.size(),
                      contents.ess[last], number(contents.tolerance[last]),
                      std::isfinite(noise) ? "replicate noise of the distance " + number(noise) : std::string("one replicate: its noise is not measured"),
                      contents.acceptance_rate[last]);
  std::size_t width = 9;
  for (const auto& name : contents.parameters) width = std::max(width, name.size());
  text += fmt::format("{:<{}}  {:>10} {:>10} {:>10}  {}\n", "parameter", width, "median", "lo95", "hi95", "prior (unit)");
  for (std::size_t p = 0; p < contents.parameters.size(); ++p) {
    const auto interval = credible(contents.theta.col(static_cast<Eigen::Index>(p)), weights);
    text += fmt::format("{:<{}}  {:>10} {:>10} {:>10}  {} ({})\n", contents.parameters[p], width, number(interval.median),
                        number(interval.lo95), number(interval.hi95), contents.priors[p], contents.units[p]);
  }
  text += "(median and 95% credible interval of the weighted posterior)\n";
  if (contents.parameters.size() > 1) {
    text += "\nposterior correlations\n" + fmt::format("{:<{}}", "", width + 4);
    for (std::size_t q = 0; q < contents.parameters.size(); ++q) text += fmt::format(" {:>8}", "[" + std::to_string(q + 1) + "]");
    text += "\n";
    for (std::size_t p = 0; p < contents.parameters.size(); ++p) {
      text += fmt::format("{:<{}}", "[" + std::to_string(p + 1) + "] " + contents.parameters[p], width + 4);
      for (std::size_t q = 0; q < contents.parameters.size(); ++q)
        text += fmt::format(" {:>8.3f}", correlation(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(q)));
      text += "\n";
    }
  }
  width = 6;
  for (const auto& name : contents.targets) width = std::max(width, name.size());
  text += fmt::format("\nposterior predictive check\n{:<{}}  {:>10} {:>22}  {:>10} {:>22}\n", "target", width, "observed", "observed 95%",
                      "predicted", "predicted 95%");
  for (std::size_t k = 0; k < contents.targets.size(); ++k) {
    const auto predicted = credible(contents.predictive.col(static_cast<Eigen::Index>(k)), weights);
    const std::string observed_interval = std::isfinite(contents.lo95[k])
                                              ? fmt::format("[{}, {}]", number(contents.lo95[k]), number(contents.hi95[k]))
                                              : fmt::format("se {}", number(contents.standard_error[k] *
                                                                            (contents.log_scale[k] ? contents.observed[k] : 1.0)));
    text += fmt::format("{:<{}}  {:>10} {:>22}  {:>10} {:>22}\n", contents.targets[k], width, number(contents.observed[k]), observed_interval,
                        number(predicted.median), fmt::format("[{}, {}]", number(predicted.lo95), number(predicted.hi95)));
  }
  text += "(predicted: median and 95% interval of one fresh simulation per posterior particle, weighted: parameter and replicate uncertainty together)\n";
  return text;
}

std::vector<std::size_t> draw_particles(const std::vector<double>& weights, std::size_t draws, std::uint64_t seed) {
  const double offset = sim::RandomStreams(sim::mix64(seed ^ 0x9057E210DULL)).uniform(0, 0, 0);
  std::vector<std::size_t> particles;
  double cumulative = 0.0;
  std::size_t i = 0;
  for (std::size_t k = 0; k < draws; ++k) {
    const double point = (static_cast<double>(k) + offset) / static_cast<double>(draws);
    while (i + 1 < weights.size() && cumulative + weights[i] <= point) cumulative += weights[i++];
    particles.push_back(i);
  }
  return particles;
}

void write_posterior_draws(hid_t root, const std::filesystem::path& posterior, const PosteriorContents& contents,
                           const std::vector<std::size_t>& particles, const std::vector<std::uint64_t>& draw_of_run) {
  hdf5::write_string_attribute(root, "posterior_file", posterior.string());
  hdf5::write_string_attribute(root, "posterior_calibration", contents.attributes.at("name"));
  hdf5::write_uint64_attribute(root, "posterior_draws", particles.size());
  {
    const auto runs = hdf5::open_group(root, "runs");
    write_counts(runs.id(), "draw", draw_of_run, "Posterior draw of each run (row of /posterior_draws); run = draw x replicates + replicate, in a sweep (point x draws + draw) x replicates + replicate");
  }
  const auto group = hdf5::create_group(root, "posterior_draws");
  std::vector<std::uint64_t> indices(particles.begin(), particles.end());
  write_counts(group.id(), "particle", indices, "The posterior particle (row of the posterior file's /calibration/posterior/theta) of each draw");
  std::vector<std::vector<double>> theta;
  for (const auto particle : particles) {
    const Eigen::RowVectorXd row = contents.theta.row(static_cast<Eigen::Index>(particle));
    theta.emplace_back(row.data(), row.data() + row.size());
  }
  write_matrix(group.id(), "theta", theta, contents.parameters.size(), "parameter units (see name)",
               "Each draw's calibrated parameters, columns as in name");
  hdf5::write_strings(group.id(), "name", contents.parameters);
}

RunDraws read_run_draws(const std::filesystem::path& path) {
  hdf5::silence_library_errors();
  const auto file = hdf5::open_file_read_only(path.string());
  if (!hdf5::exists(file.id(), "runs")) return {};
  const auto runs = hdf5::open_group(file.id(), "runs");
  if (!hdf5::exists(runs.id(), "draw")) return {};
  return {hdf5::Dataset::open(runs.id(), "draw").read_uint64s(), hdf5::read_string_attribute(file.id(), "posterior_file"),
          hdf5::read_uint64_attribute(file.id(), "posterior_draws")};
}

PosteriorOutcome summarise_posterior_outcome(const std::vector<double>& values, const std::vector<std::uint64_t>& draw_of_run,
                                             std::size_t draws) {
  std::vector<std::vector<double>> by_draw(draws);
  std::vector<double> finite;
  for (std::size_t run = 0; run < values.size(); ++run)
    if (std::isfinite(values[run])) {
      by_draw[draw_of_run[run]].push_back(values[run]);
      finite.push_back(values[run]);
    }
  const double nan = std::nan("");
  PosteriorOutcome outcome{nan, nan, nan, nan, nan, nan, nan};
  if (finite.empty()) return outcome;
  const std::vector<double> equal(finite.size(), 1.0);
  double sum = 0.0;
  for (const double value : finite) sum += value;
  outcome.mean = sum / static_cast<double>(finite.size());
  outcome.lo95 = weighted_quantile(finite, equal, 0.025);
  outcome.hi95 = weighted_quantile(finite, equal, 0.975);
  std::vector<double> means;
  std::size_t replicates = 0;
  for (const auto& runs : by_draw) {
    replicates = std::max(replicates, runs.size());
    if (runs.empty()) continue;
    double draw_sum = 0.0;
    for (const double value : runs) draw_sum += value;
    means.push_back(draw_sum / static_cast<double>(runs.size()));
  }
  outcome.parameter_lo95 = weighted_quantile(means, std::vector<double>(means.size(), 1.0), 0.025);
  outcome.parameter_hi95 = weighted_quantile(means, std::vector<double>(means.size(), 1.0), 0.975);
  Eigen::MatrixXd table = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(draws), static_cast<Eigen::Index>(replicates), nan);
  for (std::size_t k = 0; k < draws; ++k)
    for (std::size_t r = 0; r < by_draw[k].size(); ++r) table(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(r)) = by_draw[k][r];
  const auto noise = replicate_noise_share(table);
  if (noise.defined()) {  // else NaN: one draw, one replicate, or an outcome that does not vary
    outcome.replicate_share = noise.share;
    outcome.parameter_share = 1.0 - noise.share;
  }
  return outcome;
}

}  // namespace lab
