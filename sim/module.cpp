#include "sim/module.hpp"

#include <fmt/format.h>

namespace sim {

std::string Plan::describe() const {
  std::size_t width = 0;
  for (const auto& module : modules) width = std::max(width, module->name().size());
  std::string text = "Each day, in this order (a module sees what the modules before it did that day):\n";
  for (std::size_t i = 0; i < modules.size(); ++i)
    text += fmt::format("{:>3}. {:<{}}  {}\n", i + 1, modules[i]->name(), width, modules[i]->purpose());
  text += "Then every module records the day's outputs.\n";
  return text;
}

}  // namespace sim
