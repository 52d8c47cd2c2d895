// libFuzzer target: the --set parser. The input is one "path=value"
// assignment applied to a scenario's parameters; bad input must end in
// sim::InputError; anything else is a bug.
#include <cstdint>
#include <string>

#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "sim/parameters.hpp"
#include "sim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sim::ParameterSet parameters(models::parameter_registry());
  try {
    sim::apply_override(parameters, std::string(reinterpret_cast<const char*>(data), size));
  } catch (const sim::InputError&) {
  }
  return 0;
}
