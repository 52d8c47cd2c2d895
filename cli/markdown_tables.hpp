#pragma once
// Markdown tables of the parameter registry and the output catalog, shared by
// `ppisim params` and `ppisim docs`, so every listing of a parameter reads the same.
#include <string>
#include <vector>

#include "sim/outputs.hpp"
#include "sim/parameters.hpp"

namespace cli {

// Text safe inside a table cell (pipes escaped).
std::string markdown_cell(std::string text);

// "0 to 1", or the choices "a | b"; empty for kinds without a range.
std::string parameter_range(const sim::ParameterSpec& spec);

// The default in scenario words, or "(required)".
std::string parameter_default(const sim::ParameterSpec& spec);

// A table of parameters: a header, a separator line and one row each, every
// line ending in a newline.
std::string parameter_table(const std::vector<const sim::ParameterSpec*>& specs);

// A table of the model's mechanisms (name, module, finding, what it does, knocked out), same layout.
std::string mechanism_table(const std::vector<sim::MechanismSpec>& mechanisms);

// A table of declared outputs (name, unit, description), same layout.
std::string output_table(const std::vector<sim::OutputSpec>& specs);

}  // namespace cli
