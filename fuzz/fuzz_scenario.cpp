// libFuzzer target: the scenario loader and the model's cross-checks. Bad
// input must end in sim::InputError; anything else (a crash, another
// exception, a sanitizer report, a hang) is a bug.
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "models/model.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "sim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::write_input(data, size);
  try {
    const auto scenario = sim::load_scenario(file, models::parameter_registry());
    models::check_parameters(scenario.parameters);
    (void)scenario.resolved_yaml();
  } catch (const sim::InputError&) {
  }
  return 0;
}
