#include "sim/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <set>

#include "sim/quantity.hpp"
#include "sim/text.hpp"
#include "sim/yaml_input.hpp"

namespace sim {
namespace {

namespace fs = std::filesystem;

// Guards against YAML aliases that expand exponentially (nesting is limited by parse_yaml).
constexpr std::size_t kMaxNodesVisited = 100'000;
constexpr int kMaxExtendsDepth = 16;

SourceLocation location_of(const std::string& file, const YAML::Mark& mark) {
  return {file, mark.line + 1, mark.column + 1};
}

std::string range_text(const ParameterSpec& spec) {
  const bool dimensionless = spec.unit.empty() || spec.unit == "1";  // "between 0 and 10 1" reads as a typo
  return "between " + format_number(spec.min) + " and " + format_number(spec.max) + (dimensionless ? "" : " " + spec.unit);
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
    case ParameterKind::integer: return parse_exact_whole(text, spec.unit);
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

ParameterSpec day_spec(const std::string& name, const std::string& description) {
  return {.path = name, .kind = ParameterKind::duration, .unit = "days", .min = 0.0, .max = 100 * 365.25,
          .description = description};
}

// Reads one intervention's settings: start, end, targets, its own fields and
// the parameters it sets, each checked like any scenario value.
struct InterventionFieldReader {
  const ParameterSet& parameters;
  const InterventionKind& kind;
  Intervention& result;
  const std::string& file;
  std::set<std::string> seen;

  void read_all(const YAML::Node& fields) {
    for (const auto& field : fields) {
      const auto where = location_of(file, field.first.Mark());
      const std::string key = field.first.Scalar();
      if (!seen.insert(key).second) throw InputError(where, "intervention '" + kind.name + "': '" + key + "' appears twice");
      read(key, field.second, where);
    }
  }

  void read(const std::string& key, const YAML::Node& value, const SourceLocation& where) {
    const auto value_where = location_of(file, value.Mark());
    if (key == "start" || key == "end") {
      const double day = std::get<double>(convert_value(day_spec(kind.name + "." + key, key), value, value_where));
      (key == "start" ? result.start : result.end) = day;
    } else if (key == "targets") {
      read_targets(value, value_where);
    } else if (kind.free_settings && key == "values") {
      read_free_settings(value, value_where);
    } else if (const auto* target = setter_target(key)) {
      add_setting(*target, value, value_where);
    } else if (const auto* spec = own_field(key)) {
      const auto named = with_path(*spec, kind.name + "." + key);
      result.numbers.emplace_back(key, as_number(convert_value(named, value, value_where)));
    } else {
      const auto suggestion = closest_match(key, allowed_fields());
      std::string known;
      for (const auto& field : allowed_fields()) known += (known.empty() ? "" : ", ") + field;
      throw InputError(where, "intervention '" + kind.name + "' has no setting '" + key + "'" +
                                  (suggestion ? "; did you mean '" + *suggestion + "'?" : " (it takes: " + known + ")"));
    }
  }

  void finish(const SourceLocation& where) {
    if (!seen.contains("start")) throw InputError(where, "intervention '" + kind.name + "': missing 'start' (e.g. start: 6 months)");
    if (result.end <= result.start)
      throw InputError(where, "intervention '" + kind.name + "': 'end' must come after 'start'");
    for (const auto& spec : kind.fields) {
      if (seen.contains(spec.path)) continue;
      if (!spec.default_value)
        throw InputError(where, "intervention '" + kind.name + "': missing '" + spec.path + "' (" + spec.description + ")");
      result.numbers.emplace_back(spec.path, as_number(*spec.default_value));
    }
    for (const auto& [path, text] : kind.fixed)
      result.settings.emplace_back(path, convert_value(*parameters.registry().find(path), YAML::Load(text), where));
  }

  void read_targets(const YAML::Node& value, const SourceLocation& where) {
    if (value.IsScalar() && value.Scalar() == "all") return;
    const auto fail = [&] {
      throw InputError(where, "intervention '" + kind.name + "': targets must be 'all' or a list of locality numbers "
                              "counted from 1, e.g. [1, 3]");
    };
    if (!value.IsSequence() || value.size() == 0) fail();
    for (const auto& item : value) {
      double number = 0.0;
      try {
        number = parse_number(item.IsScalar() ? item.Scalar() : std::string{});
      } catch (const QuantityError&) {
        fail();
      }
      if (number < 1 || number != std::floor(number) || number > 65535) fail();
      result.targets.push_back(static_cast<int>(number));
    }
  }

  void read_free_settings(const YAML::Node& values, const SourceLocation& where) {
    if (!values.IsMap() || values.size() == 0)
      throw InputError(where, "intervention '" + kind.name + "': 'values' takes parameters and values, e.g. "
                              "{scheme.boundary_clarity: 0.8}");
    for (const auto& item : values) {
      const auto item_where = location_of(file, item.first.Mark());
      const std::string path = item.first.Scalar();
      const auto* spec = parameters.registry().find(path);
      if (!spec) throw InputError(item_where, unknown_parameter(parameters.registry(), path));
      if (!spec->runtime_changeable)
        throw InputError(item_where, "'" + path + "' cannot change during a run; parameters that can: " + changeable());
      add_setting(path, item.second, location_of(file, item.second.Mark()));
    }
  }

  void add_setting(const std::string& path, const YAML::Node& value, const SourceLocation& where) {
    for (const auto& [set_path, unused] : result.settings)
      if (set_path == path)
        throw InputError(where, "intervention '" + kind.name + "': '" + path + "' is set twice; give each parameter once");
    result.settings.emplace_back(path, convert_value(*parameters.registry().find(path), value, where));
  }

  const std::string* setter_target(const std::string& field) const {
    for (const auto& [name, path] : kind.setters)
      if (name == field) return &path;
    return nullptr;
  }
  const ParameterSpec* own_field(const std::string& field) const {
    for (const auto& spec : kind.fields)
      if (spec.path == field) return &spec;
    return nullptr;
  }
  // An own field's value as Intervention::numbers holds it: true/false as 1/0.
  static double as_number(const ParameterValue& value) {
    return std::holds_alternative<bool>(value) ? (std::get<bool>(value) ? 1.0 : 0.0) : std::get<double>(value);
  }
  static ParameterSpec with_path(ParameterSpec spec, std::string path) {
    spec.path = std::move(path);
    return spec;
  }
  std::vector<std::string> allowed_fields() const {
    std::vector<std::string> names{"start", "end", "targets"};
    if (kind.free_settings) names.push_back("values");
    for (const auto& [name, path] : kind.setters) names.push_back(name);
    for (const auto& spec : kind.fields) names.push_back(spec.path);
    return names;
  }
  std::string changeable() const {
    std::string names;
    for (const auto& spec : parameters.registry().all())
      if (spec.runtime_changeable) names += (names.empty() ? "" : ", ") + spec.path;
    return names;
  }
};

Intervention read_one_intervention(const ParameterSet& parameters, const YAML::Node& item, const std::string& file) {
  const auto& registry = parameters.registry();
  const auto item_where = location_of(file, item.Mark());
  if (!item.IsMap() || item.size() != 1)
    throw InputError(item_where, "each intervention is one kind with its settings, e.g. "
                                 "'- development_process: {start: 6 months, every: 4 weeks}'");
  const auto entry = *item.begin();
  const std::string name = entry.first.Scalar();
  const auto where = location_of(file, entry.first.Mark());
  const auto* kind = registry.find_intervention(name);
  if (!kind) {
    std::vector<std::string> names;
    for (const auto& known : registry.interventions()) names.push_back(known.name);
    const auto suggestion = closest_match(name, names);
    throw InputError(where, "unknown intervention '" + name + "'" +
                                (suggestion ? "; did you mean '" + *suggestion + "'?" : "; run 'ppisim params' to list them"));
  }
  const YAML::Node fields = entry.second;
  if (!fields.IsNull() && !fields.IsMap())
    throw InputError(location_of(file, fields.Mark()), "intervention '" + name + "': expected its settings as keys, "
                                                       "e.g. {start: 6 months}");
  Intervention result{.kind = name, .type = kind, .where = where};
  InterventionFieldReader reader{parameters, *kind, result, file};
  if (fields.IsMap()) reader.read_all(fields);
  reader.finish(where);
  return result;
}

class ScenarioReader {
 public:
  explicit ScenarioReader(ParameterSet& parameters) : parameters_(parameters) {}

  std::vector<fs::path> read_file(const fs::path& file, const SourceLocation& requested_at) {
    // A path the system cannot resolve (a name too long, say) is compared as written; reading it reports why.
    std::error_code unresolved;
    fs::path canonical = fs::weakly_canonical(file, unresolved);
    if (unresolved) canonical = file.lexically_normal();
    for (const auto& open : open_files_)
      if (open == canonical)
        throw InputError(requested_at, "'extends' makes a cycle: " + file.string() + " extends itself");
    if (open_files_.size() >= kMaxExtendsDepth)
      throw InputError(requested_at, "'extends' chain is deeper than " + std::to_string(kMaxExtendsDepth) + " files");
    open_files_.push_back(canonical);

    const YAML::Node root = load_yaml_file(file, "scenario", requested_at);
    const std::string name = file.string();
    std::vector<fs::path> chain;
    if (root.IsMap()) {
      if (const auto parent = root["extends"]) chain = read_parent(file, parent);
      visited_ = 0;
      set_here_.clear();
      read_mapping(root, "", name, 0);
    } else if (!root.IsNull()) {
      throw InputError(location_of(name, root.Mark()), "a scenario must be a map of keys to values");
    }
    chain.insert(chain.begin(), file);
    open_files_.pop_back();
    return chain;
  }

 private:
  std::vector<fs::path> read_parent(const fs::path& file, const YAML::Node& parent) {
    const auto where = location_of(file.string(), parent.Mark());
    if (!parent.IsScalar() || parent.Scalar().empty())
      throw InputError(where, "key 'extends': expected the path of another scenario file");
    // The system reads a path only up to a NUL ("p.yaml\0junk" would open p.yaml).
    if (parent.Scalar().find('\0') != std::string::npos)
      throw InputError(where, "key 'extends': a file path cannot hold a NUL character (\\0)");
    return read_file(file.parent_path() / parent.Scalar(), where);
  }

  void read_mapping(const YAML::Node& map, const std::string& prefix, const std::string& file, int depth) {
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
      if (depth == 0 && key == "interventions" && !parameters_.registry().interventions().empty())
        read_interventions(item.second, file, where);
      else if (depth == 0 && key == "knockouts" && !parameters_.registry().mechanisms().empty())
        read_knockouts(item.second, file, where);
      else
        read_entry(path, item.second, where, file, depth);
    }
  }

  void read_entry(const std::string& path, const YAML::Node& value, const SourceLocation& where,
                  const std::string& file, int depth) {
    const auto& registry = parameters_.registry();
    if (const auto* spec = registry.find(path)) {
      // One file may name a parameter once, however it is spelled: nested, dotted, or both.
      if (const auto [first, added] = set_here_.emplace(path, where); !added)
        throw InputError(where, "key '" + path + "' appears twice (first at line " + std::to_string(first->second.line) +
                                    "); give each parameter once");
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

  // A child's list replaces its parent's, as any other value does.
  void read_interventions(const YAML::Node& list, const std::string& file, const SourceLocation& where) {
    if (!list.IsSequence() && !list.IsNull())
      throw InputError(where, "key 'interventions': expected a list, e.g. '- opt_out_referral: {start: 1 year}'");
    parameters_.interventions.clear();
    for (const auto& item : list) parameters_.interventions.push_back(read_one_intervention(parameters_, item, file));
  }

  // `knockouts: [concern_spread, ...]`: each named mechanism switched off.
  void read_knockouts(const YAML::Node& list, const std::string& file, const SourceLocation& where) {
    if (!list.IsSequence())
      throw InputError(where, "key 'knockouts': expected a list of mechanism names, e.g. [concern_spread] "
                              "('ppisim mechanisms' lists them)");
    for (const auto& item : list) {
      const auto item_where = location_of(file, item.Mark());
      if (!item.IsScalar()) throw InputError(item_where, "key 'knockouts': each item is a mechanism's name");
      const auto path = mechanism_switch(item.Scalar());
      if (const auto [first, added] = set_here_.emplace(path, item_where); !added)
        throw InputError(item_where, "mechanism '" + item.Scalar() + "' is switched twice in this file (first at line " +
                                         std::to_string(first->second.line) + ")");
      knock_out(parameters_, item.Scalar(), item_where);
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
  std::map<std::string, SourceLocation> set_here_;  // parameters set by the file being read, and where
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
    node = YAML::Node(YAML::NodeType::Sequence);  // an empty list is [], not ~ (nothing)
    for (const double days : std::get<std::vector<double>>(value)) node.push_back(format_number(days) + " days");
  } else if (spec.kind == ParameterKind::shares) {
    for (const auto& [name, share] : std::get<Shares>(value)) node[name] = format_number(share);
  } else {
    node = format_value(spec, value);
  }
  return node;
}

}  // namespace

std::string unknown_parameter(const ParameterRegistry& registry, const std::string& path) {
  if (const std::string section = mechanism_switch(""); path.starts_with(section) && !registry.mechanisms().empty())
    return unknown_mechanism(registry, path.substr(section.size()));
  if (registry.is_section(path)) {
    for (const auto& spec : registry.all())
      if (spec.path.starts_with(path + "."))
        return "'" + path + "' is a section, not a parameter; name one beneath it, such as '" + spec.path + "'";
  }
  const auto suggestion = registry.nearest(path);
  return "unknown key '" + path + "'" + (suggestion ? "; did you mean '" + *suggestion + "'?" : "");
}

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

// "--set path=value" as messages show it: a hostile value can be a megabyte long.
static std::string override_label(const std::string& assignment) {
  constexpr std::size_t kShown = 60;
  return "--set " + (assignment.size() <= kShown ? assignment : assignment.substr(0, kShown) + "...");
}

// `ppisim params` writes a duration list as "[1, 5, 10] days": one unit after
// the list, which YAML alone would read as a second document and drop.
static std::string with_unit_on_each_item(const std::string& text) {
  const auto close = text.rfind(']');
  if (text.empty() || text.front() != '[' || close == std::string::npos) return text;
  const auto unit_start = text.find_first_not_of(' ', close + 1);
  if (unit_start == std::string::npos) return text;
  const std::string unit = text.substr(unit_start);
  std::string items = text.substr(1, close - 1), list = "[";
  for (std::size_t start = 0, comma = 0; comma != std::string::npos; start = comma + 1) {
    comma = items.find(',', start);
    list += (start == 0 ? "" : ", ") + items.substr(start, comma - start) + " " + unit;
  }
  return list + "]";
}

void apply_override(ParameterSet& parameters, const std::string& assignment) {
  const SourceLocation where{override_label(assignment), 0, 0};
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    throw InputError(where, "expected path=value, e.g. --set professionals.initial.gatekeeping=0.7");
  set_value(parameters, assignment.substr(0, equals), assignment.substr(equals + 1), where);
}

const ParameterSpec& set_value(ParameterSet& parameters, const std::string& path, std::string text,
                               const SourceLocation& where) {
  const auto* spec = parameters.registry().find(path);
  if (!spec) throw InputError(where, unknown_parameter(parameters.registry(), path));
  if (spec->kind == ParameterKind::duration_list) text = with_unit_on_each_item(text);
  const YAML::Node value = parse_yaml_value(text, where.file);
  parameters.set(path, convert_value(*spec, value, where), where);
  return *spec;
}

static Scenario load_checked_scenario(const fs::path& file, const ParameterRegistry& registry,
                                      const std::vector<std::string>& overrides);

Intervention read_intervention(const ParameterSet& parameters, const YAML::Node& item, const std::string& origin) {
  try {
    return read_one_intervention(parameters, item, origin);
  } catch (const YAML::Exception& error) {
    throw InputError(location_of(origin, error.mark), "unexpected structure: " + error.msg);
  }
}

Scenario load_scenario(const fs::path& file, const ParameterRegistry& registry, const std::vector<std::string>& overrides) {
  try {
    return load_checked_scenario(file, registry, overrides);
  } catch (const YAML::Exception& error) {
    // A shape the reader did not expect (it checks shapes first): still the user's input, still located.
    throw InputError(location_of(file.string(), error.mark), "unexpected structure: " + error.msg);
  }
}

static Scenario load_checked_scenario(const fs::path& file, const ParameterRegistry& registry,
                                      const std::vector<std::string>& overrides) {
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

// An intervention as the loader reads it: own fields, setters by field name,
// free settings under `values`; settings a kind fixes are implied by its name.
static YAML::Node intervention_yaml(const ParameterRegistry& registry, const Intervention& intervention) {
  const auto& kind = *registry.find_intervention(intervention.kind);
  YAML::Node fields(YAML::NodeType::Map);
  fields["start"] = format_number(intervention.start) + " days";
  if (std::isfinite(intervention.end)) fields["end"] = format_number(intervention.end) + " days";
  if (intervention.targets.empty()) {
    fields["targets"] = "all";
  } else {
    for (const int target : intervention.targets) fields["targets"].push_back(target);
  }
  for (const auto& [name, value] : intervention.numbers) {
    for (const auto& spec : kind.fields)
      if (spec.path == name)
        fields[name] = to_yaml(spec, spec.kind == ParameterKind::boolean ? ParameterValue(value != 0.0) : ParameterValue(value));
  }
  for (const auto& [path, value] : intervention.settings) {
    const auto& spec = *registry.find(path);
    bool fixed = false;
    for (const auto& [fixed_path, text] : kind.fixed) fixed = fixed || fixed_path == path;
    if (fixed) continue;
    bool by_field = false;
    for (const auto& [field, target] : kind.setters)
      if (target == path) {
        fields[field] = to_yaml(spec, value);
        by_field = true;
      }
    if (!by_field) fields["values"][path] = to_yaml(spec, value);
  }
  YAML::Node item(YAML::NodeType::Map);
  item[intervention.kind] = fields;
  return item;
}

std::string Scenario::resolved_yaml() const {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& spec : parameters.registry().all())
    insert_at(root, spec.path, to_yaml(spec, parameters.value(spec.path)));
  if (!parameters.registry().interventions().empty()) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& intervention : parameters.interventions)
      list.push_back(intervention_yaml(parameters.registry(), intervention));
    root["interventions"] = list;
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace sim
