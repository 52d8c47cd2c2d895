#pragma once
// A group of parameters declared once, in the file of the code that uses
// them, and read into a typed struct. Each parameter's spec (its registry
// entry: path, kind, default, unit, range, source, finding) is bound to one
// field of `Values`, with the conversion from the stored value. The
// registry, the YAML checks, `ppisim params`, the ODD tables and the page's
// sliders are generated from the specs; behaviour code reads only the
// struct, so no string is compared and no unit converted during a run.
//
//   struct Rates { double decay; ContactMode mode; bool decays; };
//   const auto block = sim::ParameterBlock<Rates>()
//       .bind(&Rates::decay, {.path = "x.decay", .kind = ParameterKind::rate, ...})
//       .choice(&Rates::mode, {.path = "x.mode", ...}, {{"proactive", ContactMode::proactive}, ...})
//       .mechanism(&Rates::decays, {.name = "decay", .module = "x", .finding = "F5", .what = ..., .knocked_out = ...});
//   block.declare(registry);                 // once, when the registry is built
//   const Rates rates = block.read(parameters);  // once per run
#include <cmath>
#include <concepts>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/parameters.hpp"

namespace sim {

// The stored value as a field of type T: numbers (stored as double) cast to
// the field's type, whole numbers rounded as ParameterSet::integer does.
template <class T>
T convert_stored(const ParameterValue& value) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<double>> ||
                std::is_same_v<T, Shares> || std::is_same_v<T, double>)
    return std::get<T>(value);
  else if constexpr (std::is_same_v<T, long long>)
    return std::llround(std::get<double>(value));
  else if constexpr (std::is_arithmetic_v<T>)
    return static_cast<T>(std::get<double>(value));
  else
    static_assert(sizeof(T) == 0, "no conversion from a stored parameter value to this field type");
}

template <class Values>
class ParameterBlock {
 public:
  // Binds a parameter to `field`, converted by type (convert_stored).
  template <class Field>
  ParameterBlock& bind(Field Values::*field, ParameterSpec spec) {
    return bind(field, std::move(spec), [](const ParameterValue& value) { return convert_stored<Field>(value); });
  }

  // Binds a parameter to `field` through `convert(stored value) -> Field`
  // (e.g. a daily rate to a daily probability).
  template <class Field, class Convert>
    requires std::invocable<Convert, const ParameterValue&>
  ParameterBlock& bind(Field Values::*field, ParameterSpec spec, Convert convert) {
    bindings_.push_back({std::move(spec),
                         [field, convert](Values& values, const ParameterValue& value) { values.*field = convert(value); }});
    return *this;
  }

  // A choice of words, each naming one value of an enum; the spec's choices
  // are these words, so the registry and the enum cannot disagree.
  template <class Enum>
  ParameterBlock& choice(Enum Values::*field, ParameterSpec spec, std::vector<std::pair<std::string, Enum>> words) {
    spec.kind = ParameterKind::choice;
    spec.choices.clear();
    for (const auto& [word, value] : words) spec.choices.push_back(word);
    const std::string path = spec.path;
    return bind(field, std::move(spec), [words, path](const ParameterValue& value) {
      const auto& word = std::get<std::string>(value);
      for (const auto& [name, meaning] : words)
        if (name == word) return meaning;
      throw std::logic_error("parameter '" + path + "' holds '" + word + "', which is not one of its choices");
    });
  }

  // A mechanism of the module, declared with its switch (mechanisms.<name>),
  // bound to `field`: true while on, false when knocked out.
  ParameterBlock& mechanism(bool Values::*field, MechanismSpec mechanism) {
    bind(field, mechanism_switch_spec(mechanism));
    bindings_.back().mechanism = std::move(mechanism);
    return *this;
  }

  // Adds every spec (and mechanism) to the registry, in the order bound.
  void declare(ParameterRegistry& registry) const {
    for (const auto& binding : bindings_) {
      if (binding.mechanism)
        registry.add_mechanism(*binding.mechanism);
      else
        registry.add(binding.spec);
    }
  }

  // Every bound field from a run's parameters.
  [[nodiscard]] Values read(const ParameterSet& parameters) const {
    Values values{};
    for (const auto& binding : bindings_) binding.apply(values, parameters.value(binding.spec.path));
    return values;
  }

  // Sets the field bound to `path` from a stored value; false when the block has no such parameter.
  bool apply(Values& values, const std::string& path, const ParameterValue& value) const {
    for (const auto& binding : bindings_)
      if (binding.spec.path == path) {
        binding.apply(values, value);
        return true;
      }
    return false;
  }

  [[nodiscard]] std::vector<ParameterSpec> specs() const {
    std::vector<ParameterSpec> specs;
    for (const auto& binding : bindings_) specs.push_back(binding.spec);
    return specs;
  }

 private:
  struct Binding {
    ParameterSpec spec;
    std::function<void(Values&, const ParameterValue&)> apply;
    std::optional<MechanismSpec> mechanism;  // set when the spec is a mechanism's switch
  };
  std::vector<Binding> bindings_;
};

}  // namespace sim
