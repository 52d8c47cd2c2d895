// `ppisim params`, `ppisim mechanisms` and `ppisim summary`: reading the registry and results files.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/markdown_tables.hpp"
#include "cli/summary_table.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "lab/calibration_results.hpp"
#include "lab/sweep_results.hpp"
#include "results/results_file.hpp"
#include "sim/statistics.hpp"
#include "sim/text.hpp"

namespace cli {
namespace {

void print_yaml(const sim::ParameterRegistry& registry) {
  YAML::Emitter out;
  out << YAML::BeginSeq;
  for (const auto& spec : registry.all()) {
    out << YAML::BeginMap << YAML::Key << "path" << YAML::Value << spec.path << YAML::Key << "type" << YAML::Value
        << sim::to_string(spec.kind) << YAML::Key << "default" << YAML::Value << parameter_default(spec);
    if (!spec.unit.empty()) out << YAML::Key << "unit" << YAML::Value << spec.unit;
    if (const auto range = parameter_range(spec); !range.empty()) out << YAML::Key << "range" << YAML::Value << range;
    out << YAML::Key << "runtime_changeable" << YAML::Value << spec.runtime_changeable;
    out << YAML::Key << "source"
        << YAML::Value << sim::to_string(spec.source.kind);
    if (!spec.source.reference.empty()) out << YAML::Key << "reference" << YAML::Value << spec.source.reference;
    if (!spec.finding.empty()) out << YAML::Key << "finding" << YAML::Value << spec.finding;
    out << YAML::Key << "description" << YAML::Value << spec.description << YAML::EndMap;
  }
  out << YAML::EndSeq;
  fmt::print("{}\n", out.c_str());
}

std::string csv_number(double value) { return std::isfinite(value) ? sim::format_number(value) : ""; }

nlohmann::json json_number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

void print_per_run(const results::ResultsContents& contents, const std::string& format) {
  nlohmann::json rows = nlohmann::json::array();
  if (format == "csv") {
    fmt::print("run,replicate,seed");
    for (const auto& [name, values] : contents.parameters) fmt::print(",{}", name);
    for (const auto& spec : contents.summary_specs) fmt::print(",{}", spec.name);
    fmt::print("\n");
  }
  for (std::size_t run = 0; run < contents.runs(); ++run) {
    if (format == "csv") {
      fmt::print("{},{},{}", run, contents.replicates[run], contents.seeds[run]);
      for (const auto& [name, values] : contents.parameters) fmt::print(",{}", csv_number(values[run]));
      for (const auto& values : contents.summary_values) fmt::print(",{}", csv_number(values[run]));
      fmt::print("\n");
      continue;
    }
    nlohmann::json row{{"run", run}, {"replicate", contents.replicates[run]}, {"seed", contents.seeds[run]}};
    for (const auto& [name, values] : contents.parameters) row["parameters"][name] = json_number(values[run]);
    for (std::size_t k = 0; k < contents.summary_specs.size(); ++k)
      row["outcomes"][contents.summary_specs[k].name] = json_number(contents.summary_values[k][run]);
    rows.push_back(row);
  }
  if (format == "json") fmt::print("{}\n", rows.dump(2));
}

std::string table_number(double value) { return std::isfinite(value) ? fmt::format("{:.4f}", value) : "-"; }

// A sweep's summary is its sensitivity table.
void print_sensitivity(const std::vector<lab::SensitivityRow>& table, const std::string& format) {
  nlohmann::json rows = nlohmann::json::array();
  if (format == "csv") fmt::print("outcome,factor,index,estimate,lo95,hi95\n");
  if (format == "table")
    fmt::print("{:<28} {:<40} {:<12} {:>10} {:>10} {:>10}\n", "outcome", "factor", "index", "estimate", "lo95", "hi95");
  for (const auto& row : table) {
    if (format == "csv")
      fmt::print("{},{},{},{},{},{}\n", row.outcome, row.factor, row.index, csv_number(row.estimate), csv_number(row.lo95),
                 csv_number(row.hi95));
    else if (format == "table")
      fmt::print("{:<28} {:<40} {:<12} {:>10} {:>10} {:>10}\n", sim::printable_line(row.outcome),
                 sim::printable_line(row.factor), sim::printable_line(row.index),
                 table_number(row.estimate), table_number(row.lo95), table_number(row.hi95));
    else
      rows.push_back({{"outcome", row.outcome}, {"factor", row.factor}, {"index", row.index},
                      {"estimate", json_number(row.estimate)}, {"lo95", json_number(row.lo95)}, {"hi95", json_number(row.hi95)}});
  }
  if (format == "json") fmt::print("{}\n", rows.dump(2));
}

// Runs over posterior draws: intervals that say what they cover.
void print_posterior_run(const results::ResultsContents& contents, const lab::RunDraws& run_draws, const std::string& format) {
  const auto& draw_of_run = run_draws.draw_of_run;
  const std::size_t draws = run_draws.draws;
  if (format == "table") {
    fmt::print("{} ({} runs: {} posterior draws from {}; ppisim {})\n\n", contents.attributes.at("scenario_name"), contents.runs(), draws,
               run_draws.posterior_file, contents.attributes.at("ppisim_version"));
    fmt::print("{}", format_posterior_run_table(contents.summary_specs, contents.summary_values, draw_of_run, draws));
    return;
  }
  nlohmann::json rows = nlohmann::json::array();
  if (format == "csv") fmt::print("outcome,mean,lo95,hi95,parameter_lo95,parameter_hi95,parameter_share,replicate_share,draws,runs\n");
  for (std::size_t k = 0; k < contents.summary_specs.size(); ++k) {
    const auto outcome = lab::summarise_posterior_outcome(contents.summary_values[k], draw_of_run, draws);
    const auto& name = contents.summary_specs[k].name;
    if (format == "csv")
      fmt::print("{},{},{},{},{},{},{},{},{},{}\n", name, csv_number(outcome.mean), csv_number(outcome.lo95), csv_number(outcome.hi95),
                 csv_number(outcome.parameter_lo95), csv_number(outcome.parameter_hi95), csv_number(outcome.parameter_share),
                 csv_number(outcome.replicate_share), draws, contents.runs());
    else
      rows.push_back({{"outcome", name}, {"unit", contents.summary_specs[k].unit}, {"mean", json_number(outcome.mean)},
                      {"lo95", json_number(outcome.lo95)}, {"hi95", json_number(outcome.hi95)},
                      {"covers", "95% of runs: parameter and replicate uncertainty"},
                      {"parameter_lo95", json_number(outcome.parameter_lo95)}, {"parameter_hi95", json_number(outcome.parameter_hi95)},
                      {"parameter_covers", "95% of the posterior draws' replicate means: parameter uncertainty"},
                      {"parameter_share", json_number(outcome.parameter_share)}, {"replicate_share", json_number(outcome.replicate_share)},
                      {"draws", draws}, {"runs", contents.runs()}});
  }
  if (format == "json") fmt::print("{}\n", rows.dump(2));
}

}  // namespace

int params_command(const std::string& format) {
  const auto& registry = models::parameter_registry();
  if (format == "yaml") {
    print_yaml(registry);
    return 0;
  }
  std::vector<const sim::ParameterSpec*> specs;
  for (const auto& spec : registry.all()) specs.push_back(&spec);
  fmt::print("{}", parameter_table(specs));
  return 0;
}

int mechanisms_command(const std::string& format) {
  const auto& mechanisms = models::parameter_registry().mechanisms();
  if (format == "names") {
    for (const auto& mechanism : mechanisms) fmt::print("{}\n", mechanism.name);
  } else if (format == "yaml") {
    YAML::Emitter out;
    out << YAML::BeginSeq;
    for (const auto& m : mechanisms)
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << m.name << YAML::Key << "module" << YAML::Value
          << m.module << YAML::Key << "finding" << YAML::Value << m.finding << YAML::Key << "what" << YAML::Value
          << m.what << YAML::Key << "knocked_out" << YAML::Value << m.knocked_out << YAML::Key << "switch"
          << YAML::Value << sim::mechanism_switch(m.name) << YAML::EndMap;
    out << YAML::EndSeq;
    fmt::print("{}\n", out.c_str());
  } else {
    fmt::print("{}", mechanism_table(mechanisms));
  }
  return 0;
}

int summary_command(const std::string& file, const std::string& format, bool per_run) {
  const auto contents = results::read_results(file);
  if (lab::is_calibration_file(file)) {
    if (per_run) throw sim::InputError("--per-run: a calibration's posterior file has no runs; see docs/calibration.md for its layout");
    fmt::print("{}", lab::format_posterior(lab::read_calibration(file), format));
    return 0;
  }
  if (per_run && format == "table") throw sim::InputError("--per-run needs --format csv or json");
  if (per_run) {
    print_per_run(contents, format);
    return 0;
  }
  if (const auto table = lab::read_sensitivity(file); !table.empty()) {
    print_sensitivity(table, format);
    return 0;
  }
  if (const auto draws = lab::read_run_draws(file); !draws.draw_of_run.empty()) {
    print_posterior_run(contents, draws, format);
    return 0;
  }
  if (format == "table") {
    const auto attribute = [&](const char* name) {
      const auto found = contents.attributes.find(name);
      return found == contents.attributes.end() ? std::string("unknown") : found->second;
    };
    fmt::print("{} ({} runs; ppisim {}, revision {})\n\n", sim::printable_line(attribute("scenario_name")), contents.runs(),
               attribute("ppisim_version"), attribute("git_revision"));
    fmt::print("{}", format_summary_table(contents.summary_specs, contents.summary_values));
    return 0;
  }
  nlohmann::json outcomes = nlohmann::json::array();
  if (format == "csv") fmt::print("outcome,mean,lo95,hi95,n\n");
  for (std::size_t k = 0; k < contents.summary_specs.size(); ++k) {
    const auto estimate = sim::estimate_mean(contents.summary_values[k]);
    const auto& spec = contents.summary_specs[k];
    if (format == "csv")
      fmt::print("{},{},{},{},{}\n", spec.name, csv_number(estimate.mean), csv_number(estimate.lo95),
                 csv_number(estimate.hi95), estimate.n);
    else
      outcomes.push_back({{"outcome", spec.name}, {"unit", spec.unit}, {"mean", json_number(estimate.mean)},
                          {"lo95", json_number(estimate.lo95)}, {"hi95", json_number(estimate.hi95)},
                          {"n", estimate.n}});
  }
  if (format == "json") fmt::print("{}\n", outcomes.dump(2));
  return 0;
}

}  // namespace cli
