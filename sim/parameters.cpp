#include "sim/parameters.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

#include "sim/text.hpp"

namespace sim {

bool ParameterSpec::is_numeric() const {
  return kind == ParameterKind::real || kind == ParameterKind::integer || kind == ParameterKind::duration ||
         kind == ParameterKind::rate;
}

void ParameterRegistry::add(ParameterSpec spec) {
  if (spec.path.empty() || index_.contains(spec.path))
    throw std::logic_error("parameter declared twice or without a path: '" + spec.path + "'");
  if (spec.description.empty()) throw std::logic_error("parameter '" + spec.path + "' has no description");
  if (spec.kind == ParameterKind::choice && spec.choices.empty())
    throw std::logic_error("choice parameter '" + spec.path + "' lists no choices");
  if (spec.is_numeric() && spec.min > spec.max)
    throw std::logic_error("parameter '" + spec.path + "' has an empty range");
  // A path cannot be both a value and a section: YAML could not hold both.
  for (const auto& other : specs_)
    if (other.path.starts_with(spec.path + ".") || spec.path.starts_with(other.path + "."))
      throw std::logic_error("parameter '" + spec.path + "' clashes with '" + other.path + "'");
  index_.emplace(spec.path, specs_.size());
  specs_.push_back(std::move(spec));
}

void ParameterRegistry::set_default(const std::string& path, ParameterValue value) {
  const auto found = index_.find(path);
  if (found == index_.end()) throw std::logic_error("no parameter '" + path + "' to give a default");
  specs_[found->second].default_value = std::move(value);
}

const ParameterSpec* ParameterRegistry::find(const std::string& path) const {
  const auto found = index_.find(path);
  return found == index_.end() ? nullptr : &specs_[found->second];
}

bool ParameterRegistry::is_section(const std::string& path) const {
  const std::string prefix = path + ".";
  const auto after = index_.lower_bound(prefix);
  return after != index_.end() && after->first.starts_with(prefix);
}

std::optional<std::string> ParameterRegistry::nearest(const std::string& path) const {
  // Sections are candidates too: "PROFESSIONALS:" means "professionals:".
  std::set<std::string> candidates;
  for (const auto& spec : specs_) {
    candidates.insert(spec.path);
    for (auto dot = spec.path.find('.'); dot != std::string::npos; dot = spec.path.find('.', dot + 1))
      candidates.insert(spec.path.substr(0, dot));
  }
  if (auto full = closest_match(path, {candidates.begin(), candidates.end()})) return full;
  // A right key under the wrong section ("volunteers.boundary_clarity"):
  // match the last word alone.
  const auto leaf_of = [](const std::string& p) { return p.substr(p.rfind('.') + 1); };
  const std::string leaf = leaf_of(path);
  std::vector<std::string> leaves;
  for (const auto& spec : specs_) leaves.push_back(leaf_of(spec.path));
  if (auto match = closest_match(leaf, leaves); match && match->size() > 3) {
    for (const auto& spec : specs_)
      if (leaf_of(spec.path) == *match) return spec.path;
  }
  return std::nullopt;
}

void ParameterRegistry::add_intervention(InterventionKind kind) {
  if (find_intervention(kind.name)) throw std::logic_error("intervention '" + kind.name + "' declared twice");
  const auto check_changeable = [&](const std::string& path) {
    const auto* spec = find(path);
    if (!spec || !spec->runtime_changeable)
      throw std::logic_error("intervention '" + kind.name + "' sets '" + path + "', which cannot change at run time");
  };
  for (const auto& [field, path] : kind.setters) check_changeable(path);
  for (const auto& [path, value] : kind.fixed) check_changeable(path);
  interventions_.push_back(std::move(kind));
}

const InterventionKind* ParameterRegistry::find_intervention(const std::string& name) const {
  for (const auto& kind : interventions_)
    if (kind.name == name) return &kind;
  return nullptr;
}

std::string mechanism_switch(const std::string& name) { return "mechanisms." + name; }

ParameterSpec mechanism_switch_spec(const MechanismSpec& mechanism) {
  return {.path = mechanism_switch(mechanism.name),
          .kind = ParameterKind::boolean,
          .default_value = true,
          .description = "Mechanism switch (false knocks it out): " + mechanism.what,
          .source = {Provenance::setting, "a mechanism of the model (ppisim mechanisms); false switches it off for "
                                          "ablation studies: " + mechanism.knocked_out},
          .finding = mechanism.finding};
}

void ParameterRegistry::add_mechanism(MechanismSpec mechanism) {
  if (mechanism.name.empty() || mechanism.what.empty() || mechanism.knocked_out.empty() || mechanism.module.empty())
    throw std::logic_error("mechanism '" + mechanism.name + "' needs a name, a module, what it does and what its knock-out means");
  if (find_mechanism(mechanism.name)) throw std::logic_error("mechanism '" + mechanism.name + "' declared twice");
  add(mechanism_switch_spec(mechanism));
  mechanisms_.push_back(std::move(mechanism));
}

const MechanismSpec* ParameterRegistry::find_mechanism(const std::string& name) const {
  for (const auto& mechanism : mechanisms_)
    if (mechanism.name == name) return &mechanism;
  return nullptr;
}

std::string unknown_mechanism(const ParameterRegistry& registry, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& mechanism : registry.mechanisms()) names.push_back(mechanism.name);
  const auto suggestion = closest_match(name, names);
  return "unknown mechanism '" + name + "'" + (suggestion ? "; did you mean '" + *suggestion + "'?" : "") +
         " ('ppisim mechanisms' lists them)";
}

void knock_out(ParameterSet& parameters, const std::string& name, const SourceLocation& where) {
  if (!parameters.registry().find_mechanism(name)) throw InputError(where, unknown_mechanism(parameters.registry(), name));
  parameters.set(mechanism_switch(name), false, where);
}

double Intervention::number(const std::string& field) const {
  for (const auto& [name, value] : numbers)
    if (name == field) return value;
  throw std::logic_error("intervention '" + kind + "' has no field '" + field + "'");
}

bool Intervention::targets_locality(int locality_from_0) const {
  if (targets.empty()) return true;
  for (const int target : targets)
    if (target == locality_from_0 + 1) return true;
  return false;
}

ParameterSet::ParameterSet(const ParameterRegistry& registry) : registry_(&registry) {
  for (const auto& spec : registry.all())
    if (spec.default_value) values_.emplace(spec.path, Entry{*spec.default_value, SourceLocation{}});  // a default has no place in a file
}

void ParameterSet::set(const std::string& path, ParameterValue value, SourceLocation where) {
  if (!registry_->find(path)) throw std::logic_error("setting undeclared parameter '" + path + "'");
  values_.insert_or_assign(path, Entry{std::move(value), std::move(where)});
}

const ParameterSet::Entry& ParameterSet::entry(const std::string& path) const {
  const auto found = values_.find(path);
  if (found == values_.end()) throw std::logic_error("parameter '" + path + "' is not set");
  return found->second;
}

template <typename T>
static const T& typed(const ParameterValue& value, const std::string& path) {
  if (const auto* typed_value = std::get_if<T>(&value)) return *typed_value;
  throw std::logic_error("parameter '" + path + "' read with the wrong type");
}

double ParameterSet::real(const std::string& path) const { return typed<double>(entry(path).value, path); }
long long ParameterSet::integer(const std::string& path) const {
  return std::llround(typed<double>(entry(path).value, path));
}
bool ParameterSet::boolean(const std::string& path) const { return typed<bool>(entry(path).value, path); }
const std::string& ParameterSet::text(const std::string& path) const {
  return typed<std::string>(entry(path).value, path);
}
const std::vector<double>& ParameterSet::list(const std::string& path) const {
  return typed<std::vector<double>>(entry(path).value, path);
}
const Shares& ParameterSet::shares(const std::string& path) const { return typed<Shares>(entry(path).value, path); }
const ParameterValue& ParameterSet::value(const std::string& path) const { return entry(path).value; }
bool ParameterSet::is_set(const std::string& path) const { return values_.contains(path); }
const SourceLocation& ParameterSet::where(const std::string& path) const { return entry(path).where; }

const char* to_string(ParameterKind kind) {
  switch (kind) {
    case ParameterKind::real: return "real";
    case ParameterKind::integer: return "integer";
    case ParameterKind::boolean: return "boolean";
    case ParameterKind::choice: return "choice";
    case ParameterKind::text: return "text";
    case ParameterKind::duration: return "duration";
    case ParameterKind::rate: return "rate";
    case ParameterKind::shares: return "shares";
    case ParameterKind::duration_list: return "duration list";
  }
  return "unknown";
}

const char* to_string(Provenance kind) {
  switch (kind) {
    case Provenance::data: return "data";
    case Provenance::calibrated: return "calibrated";
    case Provenance::assumption: return "assumption";
    case Provenance::setting: return "setting";
  }
  return "unknown";
}

std::string format_number(double value) {
  // Whole numbers read as whole numbers ("1000000", not "1e+06").
  if (value == std::floor(value) && std::abs(value) < 1e15) return std::to_string(static_cast<long long>(value));
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc{} ? std::string(buffer, end) : std::to_string(value);
}

std::string format_value(const ParameterSpec& spec, const ParameterValue& value) {
  struct Formatter {
    const ParameterSpec& spec;
    std::string operator()(double number) const {
      switch (spec.kind) {
        case ParameterKind::duration: return format_number(number) + " days";
        case ParameterKind::rate: return format_number(number) + " per day";
        default: return format_number(number);
      }
    }
    std::string operator()(bool flag) const { return flag ? "true" : "false"; }
    std::string operator()(const std::string& text) const { return text; }
    std::string operator()(const std::vector<double>& list) const {
      std::string out = "[";
      for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + format_number(list[i]);
      return out + "]" + (spec.kind == ParameterKind::duration_list ? " days" : "");
    }
    std::string operator()(const Shares& shares) const {
      std::string out = "{";
      for (std::size_t i = 0; i < shares.size(); ++i)
        out += (i ? ", " : "") + shares[i].first + ": " + format_number(shares[i].second);
      return out + "}";
    }
  };
  return std::visit(Formatter{spec}, value);
}

}  // namespace sim
