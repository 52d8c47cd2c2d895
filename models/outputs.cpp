#include "models/outputs.hpp"

#include "models/modules.hpp"

namespace models {

sim::OutputCatalog catalog_of(const std::vector<ModuleType>& modules) {
  sim::OutputCatalog catalog;
  for (const auto& module : modules) module.declare_outputs(catalog);
  return catalog;
}

const sim::OutputCatalog& output_catalog() {
  static const sim::OutputCatalog catalog = catalog_of(daily_plan());
  return catalog;
}

}  // namespace models
