#include "lab/yaml_checks.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "sim/quantity.hpp"
#include "sim/scenario.hpp"
#include "sim/text.hpp"
#include "sim/yaml_input.hpp"

namespace lab {

namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

}  // namespace

sim::SourceLocation at(const std::string& file, const YAML::Mark& mark) { return {file, mark.line + 1, mark.column + 1}; }

void unknown_key(const sim::SourceLocation& where, const std::string& key, const std::string& section,
                 const std::vector<std::string>& known) {
  const auto suggestion = sim::closest_match(key, known);
  throw sim::InputError(where, "unknown key '" + section + key + "'" +
                                   (suggestion ? "; did you mean '" + section + *suggestion + "'?" : " (known: " + listed(known) + ")"));
}

void check_keys(const YAML::Node& map, const std::string& file, const std::string& section, const std::vector<std::string>& known) {
  if (!map.IsMap())
    throw sim::InputError(at(file, map.Mark()), "'" + (section.empty() ? std::string("the file") : section.substr(0, section.size() - 1)) +
                                                    "' must be a map of keys (" + listed(known) + ")");
  std::set<std::string> seen;
  for (const auto& item : map) {
    const auto where = at(file, item.first.Mark());
    const std::string key = item.first.Scalar();
    if (!seen.insert(key).second) throw sim::InputError(where, "key '" + section + key + "' appears twice");
    if (std::find(known.begin(), known.end(), key) == known.end()) unknown_key(where, key, section, known);
  }
}

double whole_number(const YAML::Node& node, const std::string& file, const std::string& key, double min, double max) {
  const auto where = at(file, node.Mark());
  double value = 0.0;
  try {
    value = sim::parse_exact_whole(node.IsScalar() ? node.Scalar() : std::string{});
  } catch (const sim::QuantityError& error) {
    const std::string got = node.IsScalar() ? node.Scalar() : "not a number";
    const std::string why = error.what();
    throw sim::InputError(where, "key '" + key + "': expected a whole number, got '" + got + "'" +
                                     (why.find("2^53") != std::string::npos ? " (" + why + ")" : ""));
  }
  if (value != std::floor(value) || value < min || value > max)
    throw sim::InputError(where, "key '" + key + "': expected a whole number from " + sim::format_number(min) + " to " +
                                     sim::format_number(max) + ", got '" + node.Scalar() + "'");
  return value;
}

double number(const YAML::Node& node, const std::string& file, const std::string& key) {
  try {
    return sim::parse_number(node.IsScalar() ? node.Scalar() : std::string{});
  } catch (const sim::QuantityError& error) {
    throw sim::InputError(at(file, node.Mark()), "key '" + key + "': " + error.what());
  }
}

YAML::Node load_lab_file(const std::filesystem::path& path, const std::string& kind, const std::vector<std::string>& known) {
  const std::string file = path.string();
  const YAML::Node root = sim::load_yaml_file(path, kind.substr(kind.find(' ') + 1), sim::SourceLocation{file, 0, 0});
  if (!root.IsMap()) throw sim::InputError(sim::SourceLocation{file, 1, 1}, kind + " must be a map of keys to values");
  check_keys(root, file, "", known);
  return root;
}

YAML::Node required(const YAML::Node& map, const std::string& file, const std::string& key) {
  const YAML::Node node = map[key];
  if (!node) throw sim::InputError(sim::SourceLocation{file, 1, 1}, "missing required key '" + key + "'");
  return node;
}

std::vector<std::pair<std::string, sim::ParameterValue>> read_assignments(const YAML::Node& map, const std::string& file,
                                                                         const sim::ParameterRegistry& registry) {
  std::vector<std::pair<std::string, sim::ParameterValue>> assignments;
  std::set<std::string> seen;
  for (const auto& assignment : map) {
    const std::string path = assignment.first.Scalar();
    const auto where = at(file, assignment.first.Mark());
    const auto* spec = registry.find(path);
    if (!spec) {
      const auto suggestion = registry.nearest(path);
      throw sim::InputError(where, "unknown key '" + path + "'" + (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
    }
    if (!seen.insert(path).second) throw sim::InputError(where, "key '" + path + "' appears twice");
    assignments.emplace_back(path, sim::convert_value(*spec, assignment.second, at(file, assignment.second.Mark())));
  }
  return assignments;
}

}  // namespace lab
