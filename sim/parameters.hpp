#pragma once
// The one parameter registry. Every parameter is declared once, with its
// type, default, unit, range, description, source and whether an
// intervention may change it during a run. The scenario loader, `ppisim
// params`, the ODD tables and the web sliders are all generated from it.
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/errors.hpp"

namespace sim {

enum class ParameterKind {
  real,           // a number; `unit` says what of
  integer,        // a whole number
  boolean,        // true / false
  choice,         // one word from `choices`
  text,           // free text (names, descriptions)
  duration,       // written "6 weeks", stored in days
  rate,           // written "3000 per year", stored per day
  shares,         // a map of names to shares that sum to 1
  duration_list,  // a list of durations, stored in days
};

// Where a default comes from. Users quote these numbers, so every default
// says whether it is measured, fitted or assumed.
enum class Provenance {
  data,        // taken from a cited measurement
  calibrated,  // fitted so the model reproduces cited data
  assumption,  // no data: a modelling choice, and a candidate for sweeps
  setting,     // a run setting (seed, horizon), not a property of the world
};

struct Source {
  Provenance kind = Provenance::assumption;
  std::string reference;  // citation, calibration target or rationale
};

using Shares = std::vector<std::pair<std::string, double>>;
using ParameterValue = std::variant<double, bool, std::string, std::vector<double>, Shares>;

struct ParameterSpec {
  std::string path;  // dotted YAML path, e.g. "scheme.boundary_clarity"
  ParameterKind kind = ParameterKind::real;
  std::optional<ParameterValue> default_value;  // none: the scenario must set it
  std::string unit;                             // canonical unit after conversion
  double min = 0.0;                             // inclusive range for numbers
  double max = 0.0;
  std::vector<std::string> choices;  // for ParameterKind::choice
  std::string description;           // one line
  Source source;
  std::string finding;              // the study finding(s) it models, e.g. "F5"
  bool runtime_changeable = false;  // interventions and the web page may change it
  bool describes_run_plan = false;  // seed, replicates: stored once for the file, not per run

  [[nodiscard]] bool required() const { return !default_value.has_value(); }
  [[nodiscard]] bool is_numeric() const;
};

// Interventions: changes scheduled on a scenario's timeline, each with a
// start, an optional end and the localities it targets. A kind is declared
// once, here, with its own fields and the parameters it sets; only
// parameters marked changeable at run time can be set, checked at load with
// the same rules as any scenario value.
struct InterventionKind {
  std::string name;         // the YAML key, e.g. "development_process"
  std::string description;  // one line
  std::string finding;      // the study finding(s) it acts on
  std::vector<ParameterSpec> fields;                         // its own fields (path = field name)
  std::vector<std::pair<std::string, std::string>> setters;  // field name -> the parameter it sets
  std::vector<std::pair<std::string, std::string>> fixed;    // parameter -> the value it sets (scenario text)
  // Parameters whose setting outlasts the intervention: set once at its start
  // and kept after its end (a written protocol's boundary clarity); the
  // others are in force from start to end and then return to what they were.
  std::vector<std::string> lasting;
  bool free_settings = false;  // takes `values: {parameter: value, ...}` for any changeable parameter
};

struct Intervention {
  std::string kind;
  const InterventionKind* type = nullptr;  // its declaration in the registry: modules compare this, not words
  double start = 0.0;                                    // day
  double end = std::numeric_limits<double>::infinity();  // in force while start <= day < end
  std::vector<int> targets;                              // localities counted from 1; empty: all
  std::vector<std::pair<std::string, double>> numbers;   // its own fields (true/false as 1/0)
  std::vector<std::pair<std::string, ParameterValue>> settings;  // parameter -> value, in file order
  SourceLocation where;

  [[nodiscard]] double number(const std::string& field) const;
  [[nodiscard]] bool in_force(int day) const { return day >= start && day < end; }
  [[nodiscard]] bool targets_locality(int locality_from_0) const;
};

// A named mechanism of the model, declared by the module that implements it.
// Each has a switch, the boolean parameter `mechanisms.<name>` (on by
// default): switched off ("knocked out") the mechanism contributes nothing,
// from the same inputs, so an ablation study compares like with like.
struct MechanismSpec {
  std::string name;         // a word, e.g. "concern_spread"
  std::string module;       // the module that implements it
  std::string finding;      // the study finding(s) it models, e.g. "F5"
  std::string what;         // what it does, one line
  std::string knocked_out;  // what the model does without it, one line
};

// The path of a mechanism's switch: "mechanisms.<name>".
std::string mechanism_switch(const std::string& name);
// The switch's parameter spec (boolean, default true).
ParameterSpec mechanism_switch_spec(const MechanismSpec& mechanism);

class ParameterRegistry {
 public:
  // Declares a parameter; throws std::logic_error for duplicates or bad specs
  // (a programming error, caught by the test suite).
  void add(ParameterSpec spec);

  [[nodiscard]] const ParameterSpec* find(const std::string& path) const;
  [[nodiscard]] const std::vector<ParameterSpec>& all() const { return specs_; }
  // Replaces a declared parameter's default (checked against its kind by the caller).
  void set_default(const std::string& path, ParameterValue value);

  // True when `path` is a section that contains parameters ("scheme").
  [[nodiscard]] bool is_section(const std::string& path) const;

  // The known path closest to `path`, for "did you mean" suggestions.
  [[nodiscard]] std::optional<std::string> nearest(const std::string& path) const;

  // Declares an intervention kind; its setters must name changeable parameters.
  void add_intervention(InterventionKind kind);
  [[nodiscard]] const InterventionKind* find_intervention(const std::string& name) const;
  [[nodiscard]] const std::vector<InterventionKind>& interventions() const { return interventions_; }

  // Declares a mechanism and its switch parameter.
  void add_mechanism(MechanismSpec mechanism);
  [[nodiscard]] const MechanismSpec* find_mechanism(const std::string& name) const;
  [[nodiscard]] const std::vector<MechanismSpec>& mechanisms() const { return mechanisms_; }

 private:
  std::vector<InterventionKind> interventions_;
  std::vector<MechanismSpec> mechanisms_;
  std::vector<ParameterSpec> specs_;
  std::map<std::string, std::size_t> index_;
};

// Resolved values of every parameter of a scenario, with where each was set.
class ParameterSet {
 public:
  explicit ParameterSet(const ParameterRegistry& registry);

  // Sets a value already converted and checked against the spec.
  void set(const std::string& path, ParameterValue value, SourceLocation where);

  [[nodiscard]] double real(const std::string& path) const;
  [[nodiscard]] long long integer(const std::string& path) const;
  [[nodiscard]] bool boolean(const std::string& path) const;
  [[nodiscard]] const std::string& text(const std::string& path) const;  // text and choice
  [[nodiscard]] const std::vector<double>& list(const std::string& path) const;
  [[nodiscard]] const Shares& shares(const std::string& path) const;

  [[nodiscard]] const ParameterValue& value(const std::string& path) const;
  [[nodiscard]] bool is_set(const std::string& path) const;
  [[nodiscard]] const SourceLocation& where(const std::string& path) const;
  [[nodiscard]] const ParameterRegistry& registry() const { return *registry_; }

  // Scheduled interventions, in file order.
  std::vector<Intervention> interventions;

 private:
  struct Entry {
    ParameterValue value;
    SourceLocation where;
  };
  const Entry& entry(const std::string& path) const;

  const ParameterRegistry* registry_;
  std::map<std::string, Entry> values_;
};

const char* to_string(ParameterKind kind);
const char* to_string(Provenance kind);

// Switches mechanism `name` off (a scenario's `knockouts:`, `--knockout`);
// an unknown name is bad input, with the nearest mechanism suggested.
void knock_out(ParameterSet& parameters, const std::string& name, const SourceLocation& where);
// Why `name` names no mechanism, with the nearest one suggested.
std::string unknown_mechanism(const ParameterRegistry& registry, const std::string& name);

// A value in the words a scenario file would use ("42 days", "0.3").
std::string format_value(const ParameterSpec& spec, const ParameterValue& value);

// Shortest text that reads back as exactly the same double.
std::string format_number(double value);

}  // namespace sim
