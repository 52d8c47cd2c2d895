#include "models/outputs.hpp"

#include "models/modules.hpp"

namespace models {

const sim::OutputCatalog& output_catalog() {
  static const sim::OutputCatalog catalog = [] {
    sim::OutputCatalog c;
    for (const auto& module : daily_plan()) module.declare_outputs(c);
    return c;
  }();
  return catalog;
}

}  // namespace models
