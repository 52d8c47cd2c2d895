// libFuzzer target: the calibration loader (scenarios, priors, targets, ABC settings).
// Bad input must end in sim::InputError; anything else is a bug.
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "lab/calibration_file.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::write_input(data, size);
  lab::CalibrationContext context;
  context.registry = &models::parameter_registry();
  for (const auto& spec : models::output_catalog().summaries()) context.outputs.push_back(spec.name);
  context.risk_among = "initiation_rate";
  for (const auto& name : context.outputs)
    if (name.starts_with("any_bf_") || name.starts_with("excl_bf_")) context.risk_outcomes.push_back(name);
  try {
    const auto calibration = lab::load_calibration(file, context);
    if (!calibration.scenarios.empty()) {
      std::vector<double> theta;
      for (const auto& parameter : calibration.parameters) theta.push_back(parameter.prior.quantile(0.5));
      (void)calibration.parameters_of(0, theta);
    }
  } catch (const sim::InputError&) {
  }
  return 0;
}
