// libFuzzer target: the experiment loader (factors, designs, base scenarios).
// Bad input must end in sim::InputError; anything else is a bug.
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "lab/experiment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::write_input(data, size);
  try {
    const auto experiment = lab::load_experiment(file, models::parameter_registry());
    if (experiment.base && experiment.runs() > 0) (void)experiment.parameters_at(0);
  } catch (const sim::InputError&) {
  }
  return 0;
}
