#pragma once
// A scenario's `costs:` block (models/costs.cpp): currency, price year and unit
// costs with their sources, kept in the resolved scenario for the analysis
// package's headcounts and cost-effectiveness. It changes no simulated number.
#include <string>
#include <vector>

#include "sim/parameters.hpp"

namespace models {

struct UnitCostItem {
  std::string key;  // costs.KEY
  std::string per;  // what one unit is, in words
  double default_value;
  std::string default_source;  // "assumption: ..." with its basis
};
const std::vector<UnitCostItem>& unit_cost_items();

// Declares the `costs:` block in the registry.
void declare_costs_block(sim::ParameterRegistry& registry);

}  // namespace models
