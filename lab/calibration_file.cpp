#include "lab/calibration_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "lab/yaml_checks.hpp"
#include "sim/text.hpp"

namespace lab {
namespace {

namespace fs = std::filesystem;
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kLargestSeed = 9007199254740992.0;  // 2^53: seeds survive a round trip through a double

std::string listed(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

class CalibrationReader {
 public:
  CalibrationReader(const fs::path& file, const CalibrationContext& context)
      : path_(file), file_(file.string()), context_(context) {}

  Calibration read() {
    const YAML::Node root = load_lab_file(path_, "a calibration", {"name", "description", "model", "scenarios", "targets", "parameters", "abc"});
    Calibration calibration;
    calibration.file = path_;
    const auto name = required(root, file_, "name");
    check_name(name, "name", "a name for the calibration");
    calibration.name = name.Scalar();
    if (root["description"]) calibration.description = root["description"].Scalar();
    read_model(root, calibration);
    read_parameters(required(root, file_, "parameters"), calibration);
    read_targets(required(root, file_, "targets"), calibration);
    read_abc(required(root, file_, "abc"), calibration);
    calibration.calibration_yaml = YAML::Dump(root) + "\n";
    calibration.resolved_yaml = calibration.calibration_yaml;
    for (const auto& scenario : calibration.scenarios)
      calibration.resolved_yaml += "# scenario " + scenario.name + "\n" + scenario.scenario.resolved_yaml();
    return calibration;
  }

 private:
  sim::InputError error(const YAML::Node& node, const std::string& message) const { return {at(file_, node.Mark()), message}; }

  void read_model(const YAML::Node& root, Calibration& calibration) {
    const auto model = root["model"], scenarios = root["scenarios"];
    if (static_cast<bool>(model) == static_cast<bool>(scenarios))
      throw sim::InputError(sim::SourceLocation{file_, 1, 1},
                            "give exactly one of 'scenarios' (named scenarios of the simulator) or 'model' (" +
                                listed(calibration_test_model_kinds()) + ")");
    if (scenarios) return read_scenarios(scenarios, calibration);
    CalibrationTestModel test;
    if (model.IsScalar()) {
      test.kind = model.Scalar();
    } else if (model.IsMap() && model.size() == 1) {
      test.kind = model.begin()->first.Scalar();
    } else {
      throw error(model, "key 'model': expected one of " + listed(calibration_test_model_kinds()) +
                             ", with settings, e.g. {normal_mean: {sd: 0.5}}");
    }
    const auto kinds = calibration_test_model_kinds();
    if (std::find(kinds.begin(), kinds.end(), test.kind) == kinds.end()) unknown_key(at(file_, model.Mark()), test.kind, "model.", kinds);
    if (model.IsMap() && !model.begin()->second.IsNull()) read_model_settings(model.begin()->second, test);
    calibration.test_model = test;
  }

  void read_model_settings(const YAML::Node& settings, CalibrationTestModel& test) {
    const std::string section = "model." + test.kind + ".";
    if (test.kind == "beta_binomial") {
      check_keys(settings, file_, section, {"trials"});
      if (settings["trials"]) test.trials = static_cast<std::uint64_t>(whole_number(settings["trials"], file_, section + "trials", 1, 1e6));
      return;
    }
    check_keys(settings, file_, section, test.kind == "normal_mean" ? std::vector<std::string>{"sd"} : std::vector<std::string>{"sd", "x"});
    if (settings["sd"]) {
      test.sd = number(settings["sd"], file_, section + "sd");
      if (!(test.sd > 0.0)) throw error(settings["sd"], "key '" + section + "sd': must be above 0");
    }
    if (const auto x = settings["x"]) {
      if (!x.IsSequence() || x.size() < 1) throw error(x, "key '" + section + "x': expected a list of design points, e.g. [0, 1]");
      test.x.clear();
      for (const auto& point : x) test.x.push_back(number(point, file_, section + "x"));
    }
  }

  void read_scenarios(const YAML::Node& scenarios, Calibration& calibration) {
    if (!scenarios.IsMap() || scenarios.size() == 0)
      throw error(scenarios, "key 'scenarios': expected named scenarios, e.g. {usual_care: {base: ../no_peer_support.yaml}}");
    for (const auto& item : scenarios) {
      const std::string name = item.first.Scalar();
      const std::string section = "scenarios." + name + ".";
      check_keys(item.second, file_, section, {"base", "set"});
      const auto base = item.second["base"];
      if (!base) throw error(item.first, "scenario '" + name + "' needs 'base', the path of a scenario file");
      if (!base.IsScalar()) throw error(base, "key '" + section + "base': expected the path of a scenario file");
      CalibrationScenario scenario{name, sim::load_scenario(path_.parent_path() / base.Scalar(), *context_.registry), {}};
      if (const auto set = item.second["set"]) {
        if (!set.IsMap()) throw error(set, "key '" + section + "set': expected {parameter: value, ...}");
        scenario.overlays = read_assignments(set, file_, *context_.registry);
        for (const auto& [path, value] : scenario.overlays) scenario.scenario.parameters.set(path, value, at(file_, set[path].Mark()));
      }
      calibration.scenarios.push_back(std::move(scenario));
    }
  }

  void check_name(const YAML::Node& node, const std::string& key, const char* what) const {
    if (!node.IsScalar() || node.Scalar().empty()) throw error(node, "key '" + key + "': expected " + what);
  }

  std::size_t scenario_index(const Calibration& calibration, const YAML::Node& node, const std::string& key) const {
    check_name(node, key, "the name of a scenario under 'scenarios'");
    std::vector<std::string> names;
    for (std::size_t s = 0; s < calibration.scenarios.size(); ++s) {
      if (calibration.scenarios[s].name == node.Scalar()) return s;
      names.push_back(calibration.scenarios[s].name);
    }
    const auto suggestion = sim::closest_match(node.Scalar(), names);
    throw error(node, "key '" + key + "': no scenario named '" + node.Scalar() + "'" +
                          (suggestion ? "; did you mean '" + *suggestion + "'?" : " (scenarios: " + listed(names) + ")"));
  }

  std::size_t output_index(const std::vector<std::string>& outputs, const YAML::Node& node, const std::string& key) const {
    check_name(node, key, "the name of an outcome (ppisim docs outputs)");
    for (std::size_t k = 0; k < outputs.size(); ++k)
      if (outputs[k] == node.Scalar()) return k;
    const auto suggestion = sim::closest_match(node.Scalar(), outputs);
    throw error(node, "key '" + key + "': unknown outcome '" + node.Scalar() + "'" +
                          (suggestion ? "; did you mean '" + *suggestion + "'?" : " (outcomes: " + listed(outputs) + ")"));
  }

  void read_targets(const YAML::Node& targets, Calibration& calibration) {
    if (!targets.IsMap() || targets.size() == 0)
      throw error(targets, "key 'targets': expected named targets, e.g. {y: {outcome: y, observed: 1.2, se: 0.5}}");
    const auto outputs = calibration.test_model ? calibration.test_model->outputs() : context_.outputs;
    std::set<std::string> seen;
    for (const auto& item : targets) {
      CalibrationTarget target;
      target.name = item.first.Scalar();
      const std::string section = "targets." + target.name + ".";
      if (!seen.insert(target.name).second) throw error(item.first, "target '" + target.name + "' appears twice");
      const auto& spec = item.second;
      check_keys(spec, file_, section, {"scenario", "outcome", "risk_ratio", "observed", "interval95", "se"});
      if (const auto ratio = spec["risk_ratio"]) {
        if (calibration.test_model) throw error(ratio, "a risk ratio contrasts two scenarios; the built-in test models have none");
        if (spec["scenario"] || spec["outcome"])
          throw error(ratio, "target '" + target.name + "': a risk ratio names its scenarios and outcome inside risk_ratio");
        check_keys(ratio, file_, section + "risk_ratio.", {"treated", "control", "outcome", "among"});
        target.kind = CalibrationTarget::Kind::risk_ratio;
        target.scenario = scenario_index(calibration, required_in(ratio, section + "risk_ratio.", "treated"), section + "risk_ratio.treated");
        target.control = scenario_index(calibration, required_in(ratio, section + "risk_ratio.", "control"), section + "risk_ratio.control");
        if (target.scenario == target.control) throw error(ratio, "key '" + section + "risk_ratio': treated and control must differ");
        const auto outcome = required_in(ratio, section + "risk_ratio.", "outcome");
        target.outcome = outcome.Scalar();
        target.outcome_index = output_index(outputs, outcome, section + "risk_ratio.outcome");
        const auto& allowed = context_.risk_outcomes;
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), target.outcome) == allowed.end())
          throw error(outcome, "key '" + section + "risk_ratio.outcome': a risk ratio takes one of " + listed(allowed) + ", got '" +
                                   target.outcome + "'");
        const YAML::Node among = ratio["among"] ? ratio["among"] : YAML::Node(context_.risk_among);  // the model's definition by default
        target.among = among.Scalar();
        target.among_index = output_index(outputs, among, section + "risk_ratio.among");
      } else {
        const auto outcome = required_in(spec, section, "outcome");
        target.outcome = outcome.Scalar();
        target.outcome_index = output_index(outputs, outcome, section + "outcome");
        if (calibration.test_model) {
          if (spec["scenario"]) throw error(spec["scenario"], "a built-in test model has no scenarios");
        } else {
          target.scenario = scenario_index(calibration, required_in(spec, section, "scenario"), section + "scenario");
        }
      }
      read_observation(spec, section, target);
      calibration.targets.push_back(std::move(target));
    }
  }

  YAML::Node required_in(const YAML::Node& map, const std::string& section, const std::string& key) const {
    const auto node = map[key];
    if (!node) throw error(map, "missing key '" + section + key + "'");
    return node;
  }

  // The observed value and its uncertainty: a 95% interval or a standard error.
  void read_observation(const YAML::Node& spec, const std::string& section, CalibrationTarget& target) {
    const auto observed = required_in(spec, section, "observed");
    target.observed = number(observed, file_, section + "observed");
    if (target.log_scale() && !(target.observed > 0.0)) throw error(observed, "key '" + section + "observed': a risk ratio must be above 0");
    const auto interval = spec["interval95"], se = spec["se"];
    if (static_cast<bool>(interval) == static_cast<bool>(se))
      throw error(spec, "target '" + target.name + "': give exactly one of interval95: [low, high] or se: (a standard error)");
    if (se) {
      target.standard_error = number(se, file_, section + "se");
      if (!(target.standard_error > 0.0)) throw error(se, "key '" + section + "se': must be above 0");
      if (target.log_scale()) target.standard_error /= target.observed;  // the delta method: se(log RR) = se(RR) / RR
      return;
    }
    if (!interval.IsSequence() || interval.size() != 2) throw error(interval, "key '" + section + "interval95': expected [low, high]");
    const double low = number(interval[0], file_, section + "interval95"), high = number(interval[1], file_, section + "interval95");
    if (!(low < target.observed && target.observed < high))
      throw error(interval, "key '" + section + "interval95': expected low < observed < high, got [" + sim::format_number(low) + ", " +
                                sim::format_number(high) + "] around " + sim::format_number(target.observed));
    if (target.log_scale() && !(low > 0.0)) throw error(interval, "key '" + section + "interval95': a risk ratio's interval must be above 0");
    target.interval95 = std::pair{low, high};
    target.standard_error = standard_error_of_interval(low, high, target.log_scale());
  }

  void read_parameters(const YAML::Node& parameters, Calibration& calibration) {
    if (!parameters.IsMap() || parameters.size() == 0)
      throw error(parameters, "key 'parameters': expected parameters with priors, e.g. {mothers.confidence.effect: {uniform: [0, 3]}}");
    for (const auto& item : parameters) {
      CalibrationParameter parameter;
      parameter.name = item.first.Scalar();
      parameter.where = at(file_, item.first.Mark());
      for (const auto& other : calibration.parameters)
        if (other.name == parameter.name) throw sim::InputError(parameter.where, "parameter '" + parameter.name + "' appears twice");
      if (calibration.test_model) {
        const auto names = calibration.test_model->parameters();
        if (std::find(names.begin(), names.end(), parameter.name) == names.end())
          unknown_key(parameter.where, parameter.name, "parameters.", names);
      } else {
        parameter.spec = calibratable(parameter, calibration);
      }
      parameter.prior = read_prior(item.second, parameter);
      if (calibration.test_model) {
        const auto [low, high] = calibration.test_model->parameter_range(parameter.name);
        if (parameter.prior.low < low || parameter.prior.high > high)
          throw error(item.second, "parameter '" + parameter.name + "' of the " + calibration.test_model->kind + " model lies in [" +
                                       sim::format_number(low) + ", " + sim::format_number(high) + "]; its prior's support [" +
                                       sim::format_number(parameter.prior.low) + ", " + sim::format_number(parameter.prior.high) +
                                       "] leaves it");
      }
      calibration.parameters.push_back(std::move(parameter));
    }
    if (calibration.test_model) {
      const auto names = calibration.test_model->parameters();
      if (calibration.parameters.size() != names.size())
        throw error(parameters, "the " + calibration.test_model->kind + " model has parameters " + listed(names) + "; give a prior for each");
      // In the model's own order, whatever the file's.
      std::vector<CalibrationParameter> ordered;
      for (const auto& name : names)
        for (const auto& parameter : calibration.parameters)
          if (parameter.name == name) ordered.push_back(parameter);
      calibration.parameters = std::move(ordered);
    }
  }

  // A registry parameter that may be calibrated: a number no data fixes, and
  // set by no scenario overlay (the calibration would silently override it).
  const sim::ParameterSpec* calibratable(const CalibrationParameter& parameter, const Calibration& calibration) const {
    const auto* spec = context_.registry->find(parameter.name);
    if (!spec) {
      const auto suggestion = context_.registry->nearest(parameter.name);
      throw sim::InputError(parameter.where, "unknown parameter '" + parameter.name + "'" +
                                                 (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
    }
    if (spec->source.kind == sim::Provenance::data)
      throw sim::InputError(parameter.where, "parameter '" + parameter.name + "' is fixed by data (" + spec->source.reference +
                                                 "); only parameters whose source is calibrated or assumption can be calibrated");
    if (spec->source.kind == sim::Provenance::setting)
      throw sim::InputError(parameter.where, "parameter '" + parameter.name + "' is a run setting, not a property of the world; it cannot be calibrated");
    if (spec->kind != sim::ParameterKind::real && spec->kind != sim::ParameterKind::duration && spec->kind != sim::ParameterKind::rate)
      throw sim::InputError(parameter.where, "parameter '" + parameter.name + "' is " + sim::to_string(spec->kind) +
                                                 "; only real numbers, durations and rates can be calibrated");
    for (const auto& scenario : calibration.scenarios)
      for (const auto& [path, value] : scenario.overlays)
        if (path == parameter.name)
          throw sim::InputError(parameter.where, "parameter '" + parameter.name + "' is calibrated, so scenario '" + scenario.name +
                                                     "' cannot also set it");
    return spec;
  }

  // A value in the parameter's own units ("3 days", "0.4"), or a plain number for a test model.
  double value(const YAML::Node& node, const CalibrationParameter& parameter, const std::string& key, bool check_range = true) const {
    if (!parameter.spec) return number(node, file_, key);
    if (!node.IsScalar()) throw error(node, "key '" + key + "': expected a value");
    sim::ParameterSpec spec = *parameter.spec;
    if (!check_range) {
      spec.min = 0.0;
      spec.max = kInfinity;
    }
    return std::get<double>(sim::convert_value(spec, node, at(file_, node.Mark())));
  }

  Prior read_prior(const YAML::Node& node, const CalibrationParameter& parameter) const {
    const std::string section = "parameters." + parameter.name + ".";
    const std::vector<std::string> kinds{"uniform", "log_uniform", "truncated_normal", "beta"};
    if (!node.IsMap() || node.size() != 1)
      throw error(node, "parameter '" + parameter.name + "': expected one prior, e.g. {uniform: [low, high]}, {log_uniform: [low, high]}, "
                        "{truncated_normal: {mean: m, sd: s, low: a, high: b}} or {beta: {alpha: a, beta: b}}");
    check_keys(node, file_, section, kinds);
    const std::string kind = node.begin()->first.Scalar();
    const auto settings = node.begin()->second;
    const std::string key = section + kind;
    const double range_low = parameter.spec ? parameter.spec->min : -kInfinity;
    const double range_high = parameter.spec ? parameter.spec->max : kInfinity;
    try {
      if (kind == "uniform" || kind == "log_uniform") {
        if (!settings.IsSequence() || settings.size() != 2) throw error(settings, "key '" + key + "': expected [low, high]");
        const double low = value(settings[0], parameter, key), high = value(settings[1], parameter, key);
        return kind == "uniform" ? Prior::uniform(low, high) : Prior::log_uniform(low, high);
      }
      if (kind == "truncated_normal") {
        check_keys(settings, file_, key + ".", {"mean", "sd", "low", "high"});
        const double mean = value(required_in(settings, key + ".", "mean"), parameter, key + ".mean");
        const double sd = value(required_in(settings, key + ".", "sd"), parameter, key + ".sd", false);
        const double low = settings["low"] ? value(settings["low"], parameter, key + ".low") : range_low;
        const double high = settings["high"] ? value(settings["high"], parameter, key + ".high") : range_high;
        return Prior::truncated_normal(mean, sd, low, high);
      }
      // beta: [alpha, beta] on [0, 1], or {alpha, beta, low, high}
      double alpha = 0.0, beta = 0.0, low = 0.0, high = 1.0;
      if (settings.IsSequence() && settings.size() == 2) {
        alpha = number(settings[0], file_, key);
        beta = number(settings[1], file_, key);
      } else {
        check_keys(settings, file_, key + ".", {"alpha", "beta", "low", "high"});
        alpha = number(required_in(settings, key + ".", "alpha"), file_, key + ".alpha");
        beta = number(required_in(settings, key + ".", "beta"), file_, key + ".beta");
        if (settings["low"]) low = value(settings["low"], parameter, key + ".low");
        if (settings["high"]) high = value(settings["high"], parameter, key + ".high");
      }
      if (parameter.spec && (low < range_low || high > range_high))
        throw error(settings, "key '" + key + "': the prior's support [" + sim::format_number(low) + ", " + sim::format_number(high) +
                                  "] leaves the parameter's range; give low and high");
      return Prior::beta_distribution(alpha, beta, low, high);
    } catch (const sim::InputError& failure) {
      if (!failure.where().file.empty()) throw;
      throw error(settings, "key '" + key + "': " + failure.what());  // the prior's own checks, located
    }
  }

  void read_abc(const YAML::Node& node, Calibration& calibration) {
    check_keys(node, file_, "abc.", {"population", "replicates", "quantile", "stop", "seed"});
    if (node["population"]) calibration.population = static_cast<std::size_t>(whole_number(node["population"], file_, "abc.population", 2, 1e6));
    if (node["replicates"]) calibration.replicates = static_cast<std::size_t>(whole_number(node["replicates"], file_, "abc.replicates", 1, 1e4));
    if (node["seed"]) calibration.seed = static_cast<std::uint64_t>(whole_number(node["seed"], file_, "abc.seed", 0, kLargestSeed));
    if (const auto quantile = node["quantile"]) {
      calibration.quantile = number(quantile, file_, "abc.quantile");
      if (!(calibration.quantile > 0.0 && calibration.quantile < 1.0)) throw error(quantile, "key 'abc.quantile': expected a number between 0 and 1, e.g. 0.5");
    }
    const auto stop = required_in(node, "abc.", "stop");
    check_keys(stop, file_, "abc.stop.", {"tolerance", "min_acceptance", "max_generations"});
    if (!stop["tolerance"] && !stop["max_generations"])
      throw error(stop, "key 'abc.stop': give a final tolerance, a maximum number of generations or both, e.g. {tolerance: 0.5, max_generations: 10}");
    calibration.stop.final_tolerance = 0.0;
    if (const auto tolerance = stop["tolerance"]) {
      calibration.stop.final_tolerance = number(tolerance, file_, "abc.stop.tolerance");
      if (!(calibration.stop.final_tolerance >= 0.0)) throw error(tolerance, "key 'abc.stop.tolerance': must be 0 or more");
    }
    calibration.stop.max_generations =
        stop["max_generations"] ? static_cast<std::size_t>(whole_number(stop["max_generations"], file_, "abc.stop.max_generations", 1, 1000)) : 20;
    if (const auto acceptance = stop["min_acceptance"]) {
      calibration.stop.min_acceptance = number(acceptance, file_, "abc.stop.min_acceptance");
      if (!(calibration.stop.min_acceptance >= 1e-6 && calibration.stop.min_acceptance < 1.0))
        throw error(acceptance, "key 'abc.stop.min_acceptance': expected a share from 0.000001 to below 1, e.g. 0.01");
    }
    if (calibration.test_model && calibration.replicates != 1)
      throw error(node["replicates"], "key 'abc.replicates': a built-in test model simulates its observation once (replicates: 1)");
  }

  fs::path path_;
  std::string file_;
  const CalibrationContext& context_;
};

}  // namespace

std::string CalibrationTarget::describe() const {
  return kind == Kind::outcome ? outcome : "risk ratio of 1 - " + outcome + " / " + among;
}

std::vector<Prior> Calibration::priors() const {
  std::vector<Prior> priors;
  for (const auto& parameter : parameters) priors.push_back(parameter.prior);
  return priors;
}

std::vector<AbcTarget> Calibration::abc_targets() const {
  std::vector<AbcTarget> abc;
  for (const auto& target : targets) abc.push_back(target.abc());
  return abc;
}

sim::ParameterSet Calibration::parameters_of(std::size_t scenario, const std::vector<double>& theta) const {
  sim::ParameterSet set = scenarios[scenario].scenario.parameters;
  for (std::size_t p = 0; p < parameters.size(); ++p) set.set(parameters[p].name, theta[p], parameters[p].where);
  return set;
}

Simulated Calibration::evaluate(const std::vector<std::vector<std::vector<double>>>& summaries) const {
  Simulated simulated;
  for (const auto& target : targets) {
    std::vector<double> per_replicate;
    for (std::size_t r = 0; r < replicates; ++r) {
      const auto& treated = summaries[target.scenario][r];
      if (target.kind == CalibrationTarget::Kind::outcome) {
        per_replicate.push_back(treated[target.outcome_index]);
        continue;
      }
      // The model's one relative risk (docs/ODD.md, 4.11), as the report's: the replicates are
      // paired (same seeds, so the same mothers) and pooled as the mean of their log ratios.
      const auto& control = summaries[target.control][r];
      const double risk_treated = 1.0 - treated[target.outcome_index] / treated[target.among_index];
      const double risk_control = 1.0 - control[target.outcome_index] / control[target.among_index];
      per_replicate.push_back(std::log(risk_treated / risk_control));
    }
    // A replicate in which the target is undefined (no mother started) makes the particle's value undefined: never accepted.
    const double n = static_cast<double>(per_replicate.size());
    double mean = 0.0, squares = 0.0;
    for (const double value : per_replicate) mean += value / n;
    for (const double value : per_replicate) squares += (value - mean) * (value - mean);
    double standard_error = per_replicate.size() > 1 ? std::sqrt(squares / (n - 1.0) / n) : std::nan("");
    if (target.log_scale()) {  // back from the log: the geometric mean, its standard error by the delta method
      mean = std::exp(mean);
      standard_error *= mean;
    }
    simulated.values.push_back(mean);
    simulated.standard_errors.push_back(standard_error);
  }
  return simulated;
}

Calibration load_calibration(const fs::path& file, const CalibrationContext& context) {
  try {
    return CalibrationReader(file, context).read();
  } catch (const YAML::Exception& failure) {
    throw sim::InputError(at(file.string(), failure.mark), "unexpected structure: " + failure.msg);
  }
}

std::vector<std::string> parameter_names(const Calibration& calibration) {
  std::vector<std::string> names;
  for (const auto& parameter : calibration.parameters) names.push_back(parameter.name);
  return names;
}

}  // namespace lab
