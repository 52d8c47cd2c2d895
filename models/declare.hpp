#pragma once
// Shorthands for declaring the model's parameters in the files of the
// modules that use them: where a default comes from, and the common kinds.
#include <string>
#include <utility>

#include "sim/parameters.hpp"
#include "sim/quantity.hpp"

namespace models::declare {

using sim::ParameterKind;
using sim::Provenance;

inline sim::Source data(std::string reference) { return {sim::Provenance::data, std::move(reference)}; }
inline sim::Source calibrated(std::string target) { return {sim::Provenance::calibrated, std::move(target)}; }
inline sim::Source assumption(std::string rationale) { return {sim::Provenance::assumption, std::move(rationale)}; }
inline sim::Source setting(std::string note) { return {sim::Provenance::setting, std::move(note)}; }
// A numerical choice whose default draws other random numbers for the same process than the
// reference, daily_draws.
inline sim::Source equivalent_formulation(const std::string& default_way) {
  return setting("numerical method; the default, " + default_way + ", is checked against daily_draws (the reference) "
                 "for statistical equivalence by tests/analysis/test_scheduled_draws.py");
}

// A share in [0, 1].
inline sim::ParameterSpec share(std::string path, double value, std::string description, sim::Source source,
                                std::string finding = {}) {
  return {.path = std::move(path), .kind = sim::ParameterKind::real, .default_value = value, .unit = "share",
          .min = 0.0, .max = 1.0, .description = std::move(description), .source = std::move(source),
          .finding = std::move(finding)};
}

// A number in [min, max] of the given unit.
inline sim::ParameterSpec number(std::string path, double value, std::string unit, double min, double max,
                                 std::string description, sim::Source source, std::string finding = {}) {
  return {.path = std::move(path), .kind = sim::ParameterKind::real, .default_value = value, .unit = std::move(unit),
          .min = min, .max = max, .description = std::move(description), .source = std::move(source),
          .finding = std::move(finding)};
}

// A daily rate in [0, 1] per day (written as people think of it, e.g. "2 per week").
inline sim::ParameterSpec daily_rate(std::string path, double per_day, std::string description, sim::Source source,
                                     std::string finding = {}) {
  return {.path = std::move(path), .kind = sim::ParameterKind::rate, .default_value = per_day, .unit = "per day",
          .min = 0.0, .max = 1.0, .description = std::move(description), .source = std::move(source),
          .finding = std::move(finding)};
}

}  // namespace models::declare
