#include "sim/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/quantity.hpp"
#include "sim/text.hpp"

namespace sim {
namespace {

namespace fs = std::filesystem;

// Guards against hostile YAML: deep nesting and aliases that expand exponentially.
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxNodesVisited = 100'000;
constexpr int kMaxExtendsDepth = 16;

SourceLocation location_of(const std::string& file, const YAML::Mark& mark) {
  return {file, mark.line + 1, mark.column + 1};
}

std::string range_text(const ParameterSpec& spec) {
  return "between " + format_number(spec.min) + " and " + format_number(spec.max) +
         (spec.unit.empty() ? "" : " " + spec.unit);
}

std::string describe_expected(const ParameterSpec& spec) {
  switch (spec.kind) {
    case ParameterKind::real: return "a number " + range_text(spec);
    case ParameterKind::integer: return "a whole number " + range_text(spec);
    case ParameterKind::boolean: return "true or false";
    case ParameterKind::choice: {
      std::string words;
      for (const auto& choice : spec.choices) words += (words.empty() ? "" : ", ") + choice;
      return "one of: " + words;
    }
    case ParameterKind::text: return "text";
    case ParameterKind::duration: return "a duration such as '6 weeks' " + range_text(spec);
    case ParameterKind::rate: return "a rate such as '3000 per year' " + range_text(spec);
    case ParameterKind::shares: return "a map of names to shares that sum to 1, e.g. {a: 0.8, b: 0.2}";
    case ParameterKind::duration_list: return "a list of durations such as [1 day, 5 days]";
  }
  return "a value";
}

[[noreturn]] void fail_expected(const ParameterSpec& spec, const SourceLocation& where, const std::string& got,
                                const std::string& detail = {}) {
  throw InputError(where, "key '" + spec.path + "': expected " + describe_expected(spec) + ", got '" + got + "'" +
                              (detail.empty() ? "" : " (" + detail + ")"));
}

std::string scalar_text(const ParameterSpec& spec, const YAML::Node& node, const SourceLocation& where) {
  if (!node.IsScalar()) {
    const char* shape = node.IsMap() ? "a map" : node.IsSequence() ? "a list" : "nothing";
    fail_expected(spec, where, shape);
  }
  return node.Scalar();
}

double check_range(const ParameterSpec& spec, double value, const SourceLocation& where, const std::string& text) {
  if (!(value >= spec.min && value <= spec.max)) fail_expected(spec, where, text, "out of range");
  if (spec.kind == ParameterKind::integer && value != std::floor(value)) fail_expected(spec, where, text);
  return value;
}

double parse_numeric(const ParameterSpec& spec, const std::string& text) {
  switch (spec.kind) {
    case ParameterKind::duration: return parse_duration_days(text);
    case ParameterKind::rate: return parse_rate_per_day(text);
    case ParameterKind::integer: return parse_count(text, spec.unit);
    default:
      // Shares and probabilities may be written as percentages: "60%".
      if (!text.empty() && text.back() == '%' && spec.max <= 1.0)
        return parse_number(std::string_view(text).substr(0, text.size() - 1)) / 100.0;
      return parse_count(text, spec.unit);
  }
}

bool parse_boolean(const ParameterSpec& spec, const std::string& text, const SourceLocation& where) {
  static const std::set<std::string> yes{"true", "yes", "on"}, no{"false", "no", "off"};
  if (yes.contains(text)) return true;
  if (no.contains(text)) return false;
  fail_expected(spec, where, text);
}

std::string parse_choice(const ParameterSpec& spec, const std::string& text, const SourceLocation& where) {
  for (const auto& choice : spec.choices)
    if (choice == text) return text;
  const auto suggestion = closest_match(text, spec.choices);
  fail_expected(spec, where, text, suggestion ? "did you mean '" + *suggestion + "'?" : std::string{});
}

Shares parse_shares(const ParameterSpec& spec, const YAML::Node& node, const SourceLocation& where) {
  if (!node.IsMap() || node.size() == 0) fail_expected(spec, where, node.IsScalar() ? node.Scalar() : "not a map");
  Shares shares;
  double total = 0.0;
  for (const auto& item : node) {
    const auto item_where = location_of(where.file, item.second.Mark());
    const std::string name = item.first.Scalar();
    double share = 0.0;
    try {
      share = parse_number(item.second.IsScalar() ? item.second.Scalar() : std::string{});
    } catch (const QuantityError& error) {
      throw InputError(item_where, "key '" + spec.path + "." + name + "': " + error.what());
    }
    if (share < 0.0 || share > 1.0)
      throw InputError(item_where, "key '" + spec.path + "." + name + "': a share must be between 0 and 1, got " +
                                       format_number(share));
    for (const auto& [existing, unused] : shares)
      if (existing == name) throw InputError(item_where, "key '" + spec.path + "': '" + name + "' appears twice");
    shares.emplace_back(name, share);
    total += share;
  }
  if (std::abs(total - 1.0) > 1e-6)
    throw InputError(where, "key '" + spec.path + "': shares must sum to 1, they sum to " + format_number(total));
  return shares;
}

std::vector<double> parse_duration_list(const ParameterSpec& spec, const YAML::Node& node,
                                        const SourceLocation& where) {
  if (!node.IsSequence()) fail_expected(spec, where, node.IsScalar() ? node.Scalar() : "a map");
  std::vector<double> days;
  for (const auto& item : node) {
    const auto item_where = location_of(where.file, item.Mark());
    const std::string text = item.IsScalar() ? item.Scalar() : "not a duration";
    try {
      days.push_back(check_range(spec, parse_duration_days(text), item_where, text));
    } catch (const QuantityError& error) {
      fail_expected(spec, item_where, text, error.what());
    }
  }
  return days;
}

class ScenarioReader {
 public:
  explicit ScenarioReader(ParameterSet& parameters) : parameters_(parameters) {}

  std::vector<fs::path> read_file(const fs::path& file, const SourceLocation& requested_at) {
    const fs::path canonical = fs::weakly_canonical(file);
    for (const auto& open : open_files_)
      if (open == canonical)
        throw InputError(requested_at, "'extends' makes a cycle: " + file.string() + " extends itself");
    if (open_files_.size() >= kMaxExtendsDepth)
      throw InputError(requested_at, "'extends' chain is deeper than " + std::to_string(kMaxExtendsDepth) + " files");
    open_files_.push_back(canonical);

    const YAML::Node root = parse(file, requested_at);
    const std::string name = file.string();
    std::vector<fs::path> chain;
    if (root.IsMap()) {
      if (const auto parent = root["extends"]) chain = read_parent(file, parent);
      visited_ = 0;
      read_mapping(root, "", name, 0);
    } else if (!root.IsNull()) {
      throw InputError(location_of(name, root.Mark()), "a scenario must be a map of keys to values");
    }
    chain.insert(chain.begin(), file);
    open_files_.pop_back();
    return chain;
  }

 private:
  static YAML::Node parse(const fs::path& file, const SourceLocation& requested_at) {
    std::ifstream stream(file);
    if (!stream) {
      std::error_code ignored;
      const bool exists = fs::exists(file, ignored);
      throw InputError(requested_at, "cannot read scenario file '" + file.string() + "': " +
                                         (exists ? "permission denied or not a file" : "no such file"));
    }
    if (fs::is_directory(file)) throw InputError(requested_at, "'" + file.string() + "' is a folder, not a scenario file");
    try {
      return YAML::Load(stream);
    } catch (const YAML::Exception& error) {
      throw InputError(location_of(file.string(), error.mark), "invalid YAML: " + error.msg);
    }
  }

  std::vector<fs::path> read_parent(const fs::path& file, const YAML::Node& parent) {
    const auto where = location_of(file.string(), parent.Mark());
    if (!parent.IsScalar() || parent.Scalar().empty())
      throw InputError(where, "key 'extends': expected the path of another scenario file");
    return read_file(file.parent_path() / parent.Scalar(), where);
  }

  void read_mapping(const YAML::Node& map, const std::string& prefix, const std::string& file, int depth) {
    if (depth > kMaxDepth) throw InputError(location_of(file, map.Mark()), "nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
    std::set<std::string> seen;
    for (const auto& item : map) {
      if (++visited_ > kMaxNodesVisited)
        throw InputError(location_of(file, item.first.Mark()), "the file has more than " +
                                                                   std::to_string(kMaxNodesVisited) +
                                                                   " values (are YAML aliases expanding?)");
      const auto where = location_of(file, item.first.Mark());
      if (!item.first.IsScalar()) throw InputError(where, "keys must be plain words");
      const std::string key = item.first.Scalar();
      if (depth == 0 && key == "extends") continue;
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      if (!seen.insert(key).second) throw InputError(where, "key '" + path + "' appears twice");
      read_entry(path, item.second, where, file, depth);
    }
  }

  void read_entry(const std::string& path, const YAML::Node& value, const SourceLocation& where,
                  const std::string& file, int depth) {
    const auto& registry = parameters_.registry();
    if (const auto* spec = registry.find(path)) {
      parameters_.set(path, convert_value(*spec, value, location_of(file, value.Mark())), where);
    } else if (registry.is_section(path)) {
      if (!value.IsMap())
        throw InputError(where, "key '" + path + "' is a section: expected keys beneath it, such as '" +
                                    first_key_under(path) + "'");
      read_mapping(value, path, file, depth + 1);
    } else {
      const auto suggestion = registry.nearest(path);
      throw InputError(where, "unknown key '" + path + "'" +
                                  (suggestion ? "; did you mean '" + *suggestion + "'?"
                                              : "; run 'ppisim params' to list the known keys"));
    }
  }

  std::string first_key_under(const std::string& section) const {
    for (const auto& spec : parameters_.registry().all())
      if (spec.path.starts_with(section + ".")) return spec.path;
    return section;
  }

  ParameterSet& parameters_;
  std::vector<fs::path> open_files_;
  std::size_t visited_ = 0;
};

// Inserts `value` at dotted `path` in a nested YAML map.
void insert_at(YAML::Node root, const std::string& path, const YAML::Node& value) {
  YAML::Node node = root;
  std::size_t start = 0;
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    node.reset(node[path.substr(start, dot - start)]);
    start = dot + 1;
  }
  node[path.substr(start)] = value;
}

YAML::Node to_yaml(const ParameterSpec& spec, const ParameterValue& value) {
  YAML::Node node;
  if (spec.kind == ParameterKind::duration_list) {
    for (const double days : std::get<std::vector<double>>(value)) node.push_back(format_number(days) + " days");
  } else if (spec.kind == ParameterKind::shares) {
    for (const auto& [name, share] : std::get<Shares>(value)) node[name] = format_number(share);
  } else {
    node = format_value(spec, value);
  }
  return node;
}

}  // namespace

ParameterValue convert_value(const ParameterSpec& spec, const YAML::Node& node, const SourceLocation& where) {
  switch (spec.kind) {
    case ParameterKind::shares: return parse_shares(spec, node, where);
    case ParameterKind::duration_list: return parse_duration_list(spec, node, where);
    case ParameterKind::boolean: return parse_boolean(spec, scalar_text(spec, node, where), where);
    case ParameterKind::choice: return parse_choice(spec, scalar_text(spec, node, where), where);
    case ParameterKind::text: return scalar_text(spec, node, where);
    default: break;
  }
  const std::string text = scalar_text(spec, node, where);
  try {
    return check_range(spec, parse_numeric(spec, text), where, text);
  } catch (const QuantityError& error) {
    fail_expected(spec, where, text, error.what());
  }
}

void apply_override(ParameterSet& parameters, const std::string& assignment) {
  const SourceLocation where{"--set " + assignment, 0, 0};
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    throw InputError(where, "expected path=value, e.g. --set professionals.initial.gatekeeping=0.7");
  const std::string path = assignment.substr(0, equals);
  const auto* spec = parameters.registry().find(path);
  if (!spec) {
    const auto suggestion = parameters.registry().nearest(path);
    throw InputError(where, "unknown key '" + path + "'" + (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
  }
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(equals + 1));
  } catch (const YAML::Exception& error) {
    throw InputError(where, "invalid value: " + error.msg);
  }
  parameters.set(path, convert_value(*spec, value, where), where);
}

Scenario load_scenario(const fs::path& file, const ParameterRegistry& registry, const std::vector<std::string>& overrides) {
  Scenario scenario{ParameterSet(registry), file, {}};
  ScenarioReader reader(scenario.parameters);
  scenario.chain = reader.read_file(file, SourceLocation{file.string(), 0, 0});
  for (const auto& assignment : overrides) apply_override(scenario.parameters, assignment);
  for (const auto& spec : registry.all())
    if (!scenario.parameters.is_set(spec.path))
      throw InputError(SourceLocation{file.string(), 1, 1},
                       "missing required key '" + spec.path + "' (" + spec.description + ")");
  return scenario;
}

std::string Scenario::resolved_yaml() const {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& spec : parameters.registry().all())
    insert_at(root, spec.path, to_yaml(spec, parameters.value(spec.path)));
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace sim
