#include "lab/posterior_draws.hpp"

#include <fmt/format.h>

#include "sim/errors.hpp"

namespace lab {

std::filesystem::path resolve_posterior_path(const std::string& given) {
  if (given == kDefaultPosterior) return PPISIM_SHIPPED_POSTERIOR;
  return given;
}

double PosteriorSample::value(std::size_t draw, std::size_t parameter) const {
  return contents.theta(static_cast<Eigen::Index>(particles.at(draw)), static_cast<Eigen::Index>(parameter));
}

void PosteriorSample::apply(sim::ParameterSet& set, std::size_t draw, const sim::SourceLocation& where) const {
  for (std::size_t p = 0; p < parameters.size(); ++p) set.set(parameters[p]->path, value(draw, p), where);
}

std::string PosteriorSample::describe() const {
  std::string text = fmt::format("posterior {} ({} draws):\n", file.string(), draws());
  for (std::size_t d = 0; d < draws(); ++d) {
    text += fmt::format("  draw {} = particle {}:", d, particles[d]);
    for (std::size_t p = 0; p < parameters.size(); ++p) text += fmt::format(" {}={:.17g}", parameters[p]->path, value(d, p));
    text += "\n";
  }
  return text;
}

PosteriorSample sample_posterior(const std::string& given, std::size_t draws, std::uint64_t seed,
                                 const sim::ParameterRegistry& registry, const sim::SourceLocation& where) {
  const auto file = resolve_posterior_path(given);
  const bool shipped = given == kDefaultPosterior;
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw sim::InputError(where, shipped ? fmt::format("the shipped posterior {} is missing: regenerate it as docs/calibration.md "
                                                       "says (ppisim calibrate scenarios/calibration/uk_trials.yaml)",
                                                       file.string())
                                         : fmt::format("posterior {}: no such file (give the output of ppisim calibrate, "
                                                       "or 'default' for the shipped UK calibration)",
                                                       file.string()));
  if (!is_calibration_file(file))
    throw sim::InputError(where, fmt::format("posterior {}: not a calibration's posterior file (ppisim calibrate writes one)", file.string()));
  PosteriorSample sample{file, read_calibration(file), {}, {}};
  const auto& model = sample.contents.attributes.at("model");
  if (model != "ppisim scenarios")
    throw sim::InputError(where, fmt::format("posterior {}: it is of the built-in test model '{}', whose parameters are not the simulator's",
                                             file.string(), model));
  for (const auto& name : sample.contents.parameters) {
    const auto* spec = registry.find(name);
    if (!spec) throw sim::InputError(where, fmt::format("posterior {}: its parameter '{}' is not a parameter of this ppisim", file.string(), name));
    sample.parameters.push_back(spec);
  }
  sample.particles = draw_particles(sample.contents.weights, draws, seed);
  for (std::size_t d = 0; d < sample.draws(); ++d)
    for (std::size_t p = 0; p < sample.parameters.size(); ++p) {
      const auto& spec = *sample.parameters[p];
      const double value = sample.value(d, p);
      if (!(value >= spec.min && value <= spec.max))
        throw sim::InputError(where, fmt::format("posterior {}: a draw of '{}' ({}) is outside its range", file.string(), spec.path,
                                                 sim::format_number(value)));
    }
  return sample;
}

}  // namespace lab
