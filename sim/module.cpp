#include "sim/module.hpp"

#include <fmt/format.h>

namespace sim {

std::string Plan::describe() const {
  std::size_t width = 0;
  for (const auto& module : modules) width = std::max(width, module->name().size());
  const auto list = [](const std::vector<std::string>& names) {
    std::string words;
    for (const auto& name : names) words += (words.empty() ? "" : ", ") + name;
    return words.empty() ? std::string("-") : words;
  };
  std::string text =
      "Each day, after the day's events and counters are cleared, in this order (a module sees what the modules "
      "before it did that day):\n";
  for (std::size_t i = 0; i < modules.size(); ++i) {
    const auto& spec = modules[i]->spec();
    text += fmt::format("{:>3}. {:<{}}  {}\n", i + 1, spec.name, width, spec.purpose);
    text += fmt::format("     {:<{}}  reads:  {}\n", "", width, list(spec.reads));
    text += fmt::format("     {:<{}}  writes: {}\n", "", width, list(spec.writes));
  }
  text += "Then every module records the day's outputs.\n";
  return text;
}

}  // namespace sim
