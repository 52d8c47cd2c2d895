#pragma once
// The checks every lab file (experiments, calibrations) makes of its YAML:
// known keys, each once, with the nearest one suggested; whole numbers in
// range; numbers; parameter assignments checked against the registry. Every
// failure is an InputError located at file:line:column.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "sim/errors.hpp"
#include "sim/parameters.hpp"

namespace lab {

sim::SourceLocation at(const std::string& file, const YAML::Mark& mark);

// "unknown key 'section.key'; did you mean 'section.other'?" (or the known keys).
[[noreturn]] void unknown_key(const sim::SourceLocation& where, const std::string& key, const std::string& section,
                              const std::vector<std::string>& known);

// `map` must be a map whose keys are among `known`, each at most once.
// `section` ("design.") prefixes keys in messages; empty for the top level.
void check_keys(const YAML::Node& map, const std::string& file, const std::string& section, const std::vector<std::string>& known);

// A whole number from min to max.
double whole_number(const YAML::Node& node, const std::string& file, const std::string& key, double min, double max);

// A finite number ("0.5", "1e-3", "3,000").
double number(const YAML::Node& node, const std::string& file, const std::string& key);

// A lab file (`kind`: "an experiment", "a calibration") read defensively
// (sim/yaml_input.hpp): a map whose top-level keys are among `known`.
YAML::Node load_lab_file(const std::filesystem::path& path, const std::string& kind, const std::vector<std::string>& known);

// The value of `key` in `map`, or an error at the top of the file saying it is missing.
YAML::Node required(const YAML::Node& map, const std::string& file, const std::string& key);

// {parameter: value, ...}: each parameter known to `registry` (else the nearest
// suggested), each value converted and checked as a scenario file's would be.
std::vector<std::pair<std::string, sim::ParameterValue>> read_assignments(const YAML::Node& map, const std::string& file,
                                                                         const sim::ParameterRegistry& registry);

}  // namespace lab
