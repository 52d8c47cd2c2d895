#pragma once
// The model's declared results: daily series and per-run summary outcomes,
// each with a unit and a one-line description, declared by the modules that
// compute them, in plan order (`ppisim docs outputs` lists them).
#include <cstddef>
#include <string>

#include "sim/outputs.hpp"

namespace models {

// The catalog, assembled from every module of the daily plan.
const sim::OutputCatalog& output_catalog();

}  // namespace models
