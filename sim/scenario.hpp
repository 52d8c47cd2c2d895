#pragma once
// Scenario files: YAML checked against the parameter registry. A scenario may
// `extends:` another (path relative to the file); command-line `--set`
// overrides go through the same checks. Every error names file:line:column.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/parameters.hpp"

namespace YAML {
class Node;
}

namespace sim {

struct Scenario {
  ParameterSet parameters;
  std::filesystem::path file;                // the file the user named
  std::vector<std::filesystem::path> chain;  // that file and every file it extends, outermost first

  // The fully resolved scenario as YAML: every parameter, defaults included,
  // in canonical units. It reloads to the same values.
  [[nodiscard]] std::string resolved_yaml() const;
};

Scenario load_scenario(const std::filesystem::path& file, const ParameterRegistry& registry,
                       const std::vector<std::string>& overrides = {});

// Applies one "path=value" override (as given to --set).
void apply_override(ParameterSet& parameters, const std::string& assignment);

// Sets parameter `path` from `text` written as after --set path= (the
// classroom page's changes come through here too): an unknown path gets a
// suggestion, the value the scenario file's checks. Returns the parameter's spec.
const ParameterSpec& set_value(ParameterSet& parameters, const std::string& path, std::string text,
                               const SourceLocation& where);

// Reads one intervention as a scenario's `interventions:` list holds it, e.g.
// {set: {start: 30 days, values: {scheme.boundary_clarity: 0.8}}}, with the
// same checks (only parameters changeable at run time); `origin` names the
// source in messages. The web page's live changes come through here.
Intervention read_intervention(const ParameterSet& parameters, const YAML::Node& item, const std::string& origin);

// Converts a YAML value to the parameter's canonical form and checks it;
// throws InputError located at `where`.
ParameterValue convert_value(const ParameterSpec& spec, const YAML::Node& node, const SourceLocation& where);

// Why `path` names no parameter, with the nearest one suggested (never
// `path` itself); a section is told to name a parameter beneath it.
std::string unknown_parameter(const ParameterRegistry& registry, const std::string& path);

}  // namespace sim
