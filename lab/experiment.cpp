#include "lab/experiment.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <numbers>
#include <map>
#include <set>

#include "sim/quantity.hpp"
#include "sim/text.hpp"
#include "lab/yaml_checks.hpp"

namespace lab {
namespace {

namespace fs = std::filesystem;

class ExperimentReader {
 public:
  ExperimentReader(const fs::path& file, const sim::ParameterRegistry& registry)
      : path_(file), file_(file.string()), registry_(registry) {}

  Experiment read() {
    const YAML::Node root = load_lab_file(path_, "an experiment", {"name", "description", "base", "model", "factors", "design", "posterior", "analyse", "store"});
    Experiment experiment;
    experiment.file = path_;
    experiment.name = required(root, file_, "name").Scalar();
    if (root["description"]) experiment.description = root["description"].Scalar();
    read_model(root, experiment);
    read_factors(required(root, file_, "factors"), experiment);
    read_design(required(root, file_, "design"), experiment);
    if (root["posterior"]) read_posterior(root["posterior"], experiment);
    read_analyse(root, experiment);
    if (const auto store = root["store"]) {
      if (!store.IsScalar() || (store.Scalar() != "summary" && store.Scalar() != "timeseries"))
        throw sim::InputError(at(file_, store.Mark()), "key 'store': expected summary or timeseries");
      experiment.store_timeseries = store.Scalar() == "timeseries";
    }
    experiment.experiment_yaml = YAML::Dump(root) + "\n";
    experiment.resolved_yaml = experiment.experiment_yaml + (experiment.base ? experiment.base->resolved_yaml() : "") +
                               (experiment.posterior ? experiment.posterior->describe() : "");
    return experiment;
  }

 private:
  void read_model(const YAML::Node& root, Experiment& experiment) {
    const auto base = root["base"], model = root["model"];
    if (static_cast<bool>(base) == static_cast<bool>(model))
      throw sim::InputError(sim::SourceLocation{file_, 1, 1}, "give exactly one of 'base' (a scenario file) or 'model' (ishigami or g_function)");
    if (base) {
      if (!base.IsScalar()) throw sim::InputError(at(file_, base.Mark()), "key 'base': expected the path of a scenario file");
      const fs::path scenario = path_.parent_path() / base.Scalar();
      experiment.base = sim::load_scenario(scenario, registry_);
      return;
    }
    AnalyticModel analytic;
    const auto where = at(file_, model.Mark());
    if (model.IsScalar()) {
      analytic.kind = model.Scalar();
    } else if (model.IsMap() && model.size() == 1) {
      analytic.kind = model.begin()->first.Scalar();
    } else {
      throw sim::InputError(where, "key 'model': expected ishigami or g_function, with settings, e.g. {ishigami: {a: 7, b: 0.1}}");
    }
    if (analytic.kind != "ishigami" && analytic.kind != "g_function")
      unknown_key(where, analytic.kind, "model.", {"ishigami", "g_function"});
    if (model.IsMap()) read_model_settings(model.begin()->second, analytic);
    experiment.analytic = analytic;
  }

  void read_model_settings(const YAML::Node& settings, AnalyticModel& analytic) {
    if (settings.IsNull()) return;
    const std::string section = "model." + analytic.kind + ".";
    if (analytic.kind == "ishigami") {
      check_keys(settings, file_, section, {"a", "b"});
      if (settings["a"]) analytic.a = number(settings["a"], file_, section + "a");
      if (settings["b"]) analytic.b = number(settings["b"], file_, section + "b");
      return;
    }
    check_keys(settings, file_, section, {"coefficients"});
    for (const auto& value : settings["coefficients"]) {
      const double coefficient = number(value, file_, section + "coefficients");
      if (!(coefficient > -1.0)) throw sim::InputError(at(file_, value.Mark()), "key '" + section + "coefficients': each must be above -1");
      analytic.coefficients.push_back(coefficient);
    }
  }

  void read_factors(const YAML::Node& factors, Experiment& experiment) {
    if (!factors.IsMap() || factors.size() == 0)
      throw sim::InputError(at(file_, factors.Mark()), "key 'factors': expected factors, e.g. {scheme.boundary_clarity: {uniform: [0.1, 0.9]}}");
    std::set<std::string> seen;
    for (const auto& item : factors) {
      ExperimentFactor factor;
      factor.name = item.first.Scalar();
      factor.where = at(file_, item.first.Mark());
      if (!seen.insert(factor.name).second) throw sim::InputError(factor.where, "factor '" + factor.name + "' appears twice");
      for (const char* reserved : {"run", "replicate", "seed", "point"})
        if (factor.name == reserved)
          throw sim::InputError(factor.where, "'" + factor.name + "' names a column of every results table; call the factor "
                                         "something else");
      if (experiment.analytic) {
        read_range_or_levels(item.second, factor, nullptr);
      } else if (const auto* spec = registry_.find(factor.name)) {
        factor.parameter = spec;
        read_range_or_levels(item.second, factor, spec);
      } else if (registry_.is_section(factor.name) || factor.name.find('.') != std::string::npos) {
        const auto suggestion = registry_.nearest(factor.name);
        throw sim::InputError(factor.where, "unknown parameter '" + factor.name + "'" +
                                           (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
      } else {
        read_overlays(item.second, factor);
      }
      factor.design.name = factor.name;
      experiment.factors.push_back(std::move(factor));
    }
    check_one_factor_per_parameter(experiment.factors);
  }

  // Sensitivity indices share a parameter's effect among the factors that
  // set it, so an index of either would mean nothing: each parameter may be
  // set by one factor only (a parameter factor, or any level of an overlay).
  static void check_one_factor_per_parameter(const std::vector<ExperimentFactor>& factors) {
    std::map<std::string, std::string> setter;  // parameter -> the factor that sets it
    for (const auto& factor : factors) {
      std::set<std::string> paths;
      if (factor.parameter) paths.insert(factor.name);
      for (const auto& overlay : factor.overlays)
        for (const auto& [path, value] : overlay) paths.insert(path);
      for (const auto& path : paths) {
        const auto [first, added] = setter.emplace(path, factor.name);
        if (!added)
          throw sim::InputError(factor.where, "factors '" + first->second + "' and '" + factor.name + "' both set '" +
                                                  path + "'; give each parameter to one factor, or its sensitivity "
                                                  "indices mean nothing");
      }
    }
  }

  // {uniform: [low, high]} or {levels: [...]}, in the parameter's own units.
  void read_range_or_levels(const YAML::Node& node, ExperimentFactor& factor, const sim::ParameterSpec* spec) {
    const auto where = at(file_, node.Mark());
    if (!node.IsMap() || node.size() != 1)
      throw sim::InputError(where, "factor '" + factor.name + "': expected {uniform: [low, high]} or {levels: [...]}");
    check_keys(node, file_, factor.name + ".", {"uniform", "levels"});
    const auto values = node.begin()->second;
    const bool uniform = node.begin()->first.Scalar() == "uniform";
    if (!values.IsSequence() || values.size() == 0 || (uniform && values.size() != 2))
      throw sim::InputError(at(file_, values.Mark()), "factor '" + factor.name + "': " +
                                                     (uniform ? "uniform takes [low, high]" : "levels takes a list of values"));
    if (spec && !spec->is_numeric()) {
      if (uniform) throw sim::InputError(where, "factor '" + factor.name + "' is not a number: give its levels instead");
      for (const auto& value : values) {
        factor.level_names.push_back(value.Scalar());
        factor.overlays.push_back({{spec->path, sim::convert_value(*spec, value, at(file_, value.Mark()))}});
      }
      factor.design.levels = index_levels(factor.level_names.size());
      return;
    }
    std::vector<double> numbers;
    for (const auto& value : values)
      numbers.push_back(spec ? std::get<double>(sim::convert_value(*spec, value, at(file_, value.Mark())))
                             : number(value, file_, factor.name));
    if (uniform) {
      if (!(numbers[0] < numbers[1])) throw sim::InputError(where, "factor '" + factor.name + "': uniform needs low < high");
      factor.design.low = numbers[0];
      factor.design.high = numbers[1];
    } else {
      factor.design.levels = numbers;
    }
  }

  // A categorical factor: level name -> {parameter: value, ...}, each checked.
  void read_overlays(const YAML::Node& node, ExperimentFactor& factor) {
    if (!node.IsMap() || node.size() == 0)
      throw sim::InputError(at(file_, node.Mark()), "factor '" + factor.name + "' is not a parameter, so it is a set of named "
                                                   "overlays, e.g. {opt_out: {scheme.referral_policy: opt_out}}");
    for (const auto& level : node) {
      factor.level_names.push_back(level.first.Scalar());
      std::vector<std::pair<std::string, sim::ParameterValue>> assignments;
      if (level.second.IsMap()) {
        assignments = read_assignments(level.second, file_, registry_);
      } else if (!level.second.IsNull()) {
        throw sim::InputError(at(file_, level.second.Mark()), "overlay '" + level.first.Scalar() + "': expected {parameter: value, ...} or {}");
      }
      factor.overlays.push_back(std::move(assignments));
    }
    factor.design.levels = index_levels(factor.level_names.size());
  }

  static std::vector<double> index_levels(std::size_t count) {
    std::vector<double> levels(count);
    for (std::size_t i = 0; i < count; ++i) levels[i] = static_cast<double>(i);
    return levels;
  }

  void read_design(const YAML::Node& node, Experiment& experiment) {
    if (!node.IsMap()) throw sim::InputError(at(file_, node.Mark()), "key 'design': expected {method: sobol, base_samples: 512, ...}");
    check_keys(node, file_, "design.",
               {"method", "base_samples", "points", "points_per_factor", "trajectories", "levels", "replicates", "seed"});
    const auto method_node = required(node, file_, "method");
    const std::string method = method_node.Scalar();
    const auto size = [&](const char* key, double fallback, double max) {
      return node[key] ? static_cast<std::size_t>(whole_number(node[key], file_, std::string("design.") + key, 1, max))
                       : static_cast<std::size_t>(fallback);
    };
    experiment.replicates = size("replicates", 1, 1e6);
    experiment.seed = node["seed"] ? static_cast<std::uint64_t>(whole_number(node["seed"], file_, "design.seed", 0, 9007199254740992.0)) : 1;
    std::vector<Factor> factors;
    for (const auto& factor : experiment.factors) factors.push_back(factor.design);
    const auto where = at(file_, method_node.Mark());
    const auto needs = [&](const char* key, const char* example) {
      if (!node[key])
        throw sim::InputError(where, "design.method " + method + " needs design." + key + ", e.g. " + key + ": " + example);
    };
    if (method == "lhs" || method == "latin_hypercube") needs("points", "200");
    if (method == "sobol" || method == "saltelli") needs("base_samples", "512");
    try {
      if (method == "grid") experiment.design = grid_design(factors, size("points_per_factor", 3, 1e4));
      else if (method == "lhs" || method == "latin_hypercube")
        experiment.design = latin_hypercube(factors, size("points", 0, 1e8), experiment.seed);
      else if (method == "sobol" || method == "saltelli")
        experiment.design = saltelli_design(factors, size("base_samples", 0, 1e7), experiment.seed);
      else if (method == "morris")
        experiment.design = morris_design(factors, size("trajectories", 10, 1e6), size("levels", 4, 1000), experiment.seed);
      else
        unknown_key(where, method, "design.method: ", {"grid", "lhs", "sobol", "morris"});
    } catch (const sim::InputError& error) {
      if (!error.where().file.empty()) throw;
      throw sim::InputError(where, error.what());  // the design's own checks, located at the method
    }
    check_run_count(experiment, where);
  }

  // A sweep keeps a few numbers per run in memory (its journal's index, the
  // runs still to do, each run's design point and analysed outcomes): refused
  // here, before the journal or anything else is made.
  static void check_run_count(const Experiment& experiment, const sim::SourceLocation& where) {
    const double runs = static_cast<double>(experiment.design.rows()) * static_cast<double>(experiment.runs_per_point());
    if (runs > static_cast<double>(kMaxSweepRuns))
      throw sim::InputError(where, fmt::format("{} design points x {}{} replicates = {:.0f} runs; a sweep runs at most {} "
                                               "(its bookkeeping alone would need about {:.1f} GB)",
                                               experiment.design.rows(),
                                               experiment.posterior ? fmt::format("{} posterior draws x ", experiment.draws()) : "",
                                               experiment.replicates, runs, kMaxSweepRuns, runs * kBookkeepingBytesPerRun / 1e9));
  }

  // posterior: {file: posterior.h5 or default, draws: K}: checked after the
  // factors, so a factor may not vary what the posterior sets.
  void read_posterior(const YAML::Node& node, Experiment& experiment) {
    const auto where = at(file_, node.Mark());
    if (experiment.analytic) throw sim::InputError(where, "key 'posterior': a built-in test function has no calibrated parameters");
    if (!node.IsMap()) throw sim::InputError(where, "key 'posterior': expected {file: posterior.h5, draws: 20} (file: default for the shipped UK calibration)");
    check_keys(node, file_, "posterior.", {"file", "draws"});
    const auto file_node = required(node, file_, "file");
    if (!file_node.IsScalar() || file_node.Scalar().empty())
      throw sim::InputError(at(file_, file_node.Mark()), "key 'posterior.file': expected the path of a ppisim calibrate output, or default");
    const std::string given = file_node.Scalar() == kDefaultPosterior ? file_node.Scalar() : (path_.parent_path() / file_node.Scalar()).string();
    const auto draws = node["draws"] ? static_cast<std::size_t>(whole_number(node["draws"], file_, "posterior.draws", 1, 1e5)) : kDefaultPosteriorDraws;
    experiment.posterior = sample_posterior(given, draws, experiment.seed, registry_, at(file_, file_node.Mark()));
    for (const auto* calibrated : experiment.posterior->parameters)
      for (const auto& factor : experiment.factors) {
        bool sets = factor.parameter == calibrated;
        for (const auto& overlay : factor.overlays)
          for (const auto& [path, value] : overlay) sets = sets || path == calibrated->path;
        if (sets)
          throw sim::InputError(factor.where, "factor '" + factor.name + "' sets '" + calibrated->path + "', which the posterior " +
                                                  "calibrates (each draw would override it); vary it without the posterior, or drop the factor");
      }
    check_run_count(experiment, where);
  }

  void read_analyse(const YAML::Node& root, Experiment& experiment) {
    const auto analyse = root["analyse"];
    if (!analyse) {
      if (experiment.analytic) experiment.analyse = {"y"};
      return;
    }
    if (!analyse.IsSequence()) throw sim::InputError(at(file_, analyse.Mark()), "key 'analyse': expected a list of outcome names");
    for (const auto& outcome : analyse) experiment.analyse.push_back(outcome.Scalar());
  }

  fs::path path_;
  std::string file_;
  const sim::ParameterRegistry& registry_;
};

}  // namespace

std::string ExperimentFactor::describe_value(double value) const {
  if (!categorical()) return sim::format_number(value);
  const auto index = static_cast<std::size_t>(std::llround(value));
  return index < level_names.size() ? level_names[index] : sim::format_number(value);
}

sim::ParameterSet Experiment::parameters_at(std::size_t point) const {
  sim::ParameterSet parameters = base->parameters;
  for (std::size_t f = 0; f < factors.size(); ++f) {
    const auto& factor = factors[f];
    const double value = design.values(static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(f));
    const sim::SourceLocation where{file.string(), factor.where.line, factor.where.column};
    if (factor.categorical()) {
      for (const auto& [path, assigned] : factor.overlays[static_cast<std::size_t>(std::llround(value))])
        parameters.set(path, assigned, where);
    } else {
      const bool whole = factor.parameter->kind == sim::ParameterKind::integer;
      parameters.set(factor.name, whole ? std::round(value) : value, where);
    }
  }
  return parameters;
}

sim::ParameterSet Experiment::parameters_of_run(std::size_t run) const {
  sim::ParameterSet parameters = parameters_at(point_of(run));
  if (posterior) posterior->apply(parameters, draw_of(run), sim::SourceLocation{file.string(), 0, 0});
  return parameters;
}

Experiment load_experiment(const std::filesystem::path& file, const sim::ParameterRegistry& registry) {
  try {
    return ExperimentReader(file, registry).read();
  } catch (const YAML::Exception& error) {
    // A shape the reader did not expect (it checks shapes first): still the user's input, still located.
    throw sim::InputError(at(file.string(), error.mark), "unexpected structure: " + error.msg);
  }
}

}  // namespace lab
