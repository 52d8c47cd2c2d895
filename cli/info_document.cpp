// The Info tab's text, in NetLogo's order of sections. Prose comes from the
// ODD description (quoted by its headings, so an edit there shows here);
// lists of levers, steps and mechanisms come from the registries.
#include "cli/info_document.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "models/model.hpp"
#include "models/parameters.hpp"
#include "sim/parameters.hpp"
#include "sim/version.hpp"

namespace cli {
namespace {

// The text under `heading` (a whole line, e.g. "## 1. Purpose and patterns")
// up to the next heading of the same or a higher level.
std::string_view section(std::string_view odd, std::string_view heading) {
  const auto level = heading.find(' ');
  const auto at = odd.find("\n" + std::string(heading) + "\n");
  if (at == std::string_view::npos || level == std::string_view::npos)
    throw std::logic_error(fmt::format("the ODD description has no section '{}' for the Info tab", heading));
  const auto body = at + heading.size() + 2;
  auto end = body;
  while ((end = odd.find("\n#", end)) != std::string_view::npos) {
    const auto hashes = odd.find_first_not_of('#', end + 1) - (end + 1);
    if (hashes <= level && odd[end + 1 + hashes] == ' ') break;
    ++end;
  }
  return odd.substr(body, end == std::string_view::npos ? std::string_view::npos : end - body);
}

// The paragraph of `text` that starts with `opening` (through the next blank line).
std::string_view paragraph(std::string_view text, std::string_view opening) {
  const auto at = text.find(opening);
  if (at == std::string_view::npos)
    throw std::logic_error(fmt::format("the ODD description has no paragraph starting '{}' for the Info tab", opening));
  const auto end = text.find("\n\n", at);
  return text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

// From `opening` up to (not including) `closing`.
std::string_view between(std::string_view text, std::string_view opening, std::string_view closing) {
  const auto at = text.find(opening);
  const auto end = at == std::string_view::npos ? at : text.find(closing, at);
  if (end == std::string_view::npos)
    throw std::logic_error(fmt::format("the ODD description has no '{}' ... '{}' for the Info tab", opening, closing));
  return text.substr(at, end - at);
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of("\n ");
  const auto last = text.find_last_not_of("\n ");
  return first == std::string_view::npos ? std::string() : std::string(text.substr(first, last - first + 1));
}

const sim::ParameterSpec& lever(const std::string& path) {
  const auto* spec = models::parameter_registry().find(path);
  if (!spec) throw std::logic_error("classroom lever '" + path + "' is not a parameter");
  return *spec;
}

std::string range_of(const sim::ParameterSpec& spec) {
  if (!spec.choices.empty()) {
    std::string words;
    for (const auto& choice : spec.choices) words += (words.empty() ? "" : ", ") + ("*" + choice + "*");
    return "one of " + words;
  }
  if (spec.is_numeric()) return fmt::format("from {} to {}{}", spec.min, spec.max, spec.unit.empty() || spec.unit == "share" ? "" : " " + spec.unit);
  return sim::to_string(spec.kind);
}

std::string what_is_it(std::string_view odd) {
  return fmt::format("{}\n\n{}\n\n{}", trimmed(between(section(odd, "## 1. Purpose and patterns"), "**Purpose.**", "\n\nEach question")),
                     trimmed(between(odd, "Each mechanism names the finding", "\n## 1.")),
                     "The page runs this model, the same binary as `ppisim run`, live: nothing is simplified for "
                     "the classroom.");
}

std::string how_it_works(std::string_view odd) {
  sim::ParameterSet defaults(models::parameter_registry());
  defaults.set("name", std::string("defaults"), {});
  const auto plan = models::build_plan(defaults);
  std::string steps;
  for (std::size_t i = 0; i < plan.modules.size(); ++i)
    steps += fmt::format("{}. **{}**: {}\n", i + 1, plan.modules[i]->name(), plan.modules[i]->purpose());
  return fmt::format("Each simulated day, every module runs once, in this order:\n\n{}\n{}", steps,
                     trimmed(section(odd, "### 4.1 Basic principles")));
}

std::string how_to_use_it() {
  std::string levers;
  for (const auto& path : models::classroom_levers()) {
    const auto& spec = lever(path);
    levers += fmt::format("- **{}** ({}): {}{}\n", path, spec.runtime_changeable ? "live" : "at restart",
                          spec.description, spec.finding.empty() ? "" : " (" + spec.finding + ")");
  }
  return "Choose a scenario, then *Play* (or the space bar), *Step a week*, or drag *Speed*. *Reset* starts "
         "again from day 0 with the scenario as loaded; *Restart with changes* starts again with every setting "
         "shown. The solid line of each chart is your run; the dashed line is the baseline, the same scenario "
         "and random numbers without your changes. The *World* tab draws the agents; click one to inspect it.\n\n"
         "The levers (*live* ones act from the next simulated day; the others when you restart):\n\n" +
         levers + "\nEvery other parameter of the model is under *Every other parameter*, with the ranges and "
                  "checks of a scenario file.";
}

std::string things_to_notice(std::string_view odd) {
  return trimmed(section(odd, "### 4.2 Emergence")) +
         "\n\nThe first 26 weeks are a **warm-up**, shaded on every chart: the run starts with no babies, so "
         "the mothers followed (babies under 26 weeks) are still arriving, and the youngest, most of whom "
         "breastfeed, are over-represented. Shares and attitudes settle after it; compare runs after it.";
}

std::string things_to_try() {
  std::string text = "Predict first, then move one lever at a time and watch the gap to the baseline:\n\n";
  for (const auto& path : models::classroom_levers()) {
    const auto& spec = lever(path);
    text += fmt::format("- **{}**: {}.\n", path, range_of(spec));
  }
  text += "\nSwitch a mechanism off (under *Every other parameter*, `mechanisms.*`, then *Restart with changes*) "
          "and see what the model does without it:\n\n";
  for (const auto& m : models::parameter_registry().mechanisms())
    text += fmt::format("- `{}` ({}): without it, {}.\n", m.name, m.finding, m.knocked_out);
  return text;
}

std::string extending_the_model(std::string_view odd) {
  return trimmed(section(odd, "### 8.1 Mechanisms of the brief not yet implemented")) +
         "\n\nA new mechanism is a module with its parameters and outputs declared in its own file: "
         "`docs/adding-a-mechanism.md` walks through one; `docs/ODD.md` is the whole description, generated "
         "by `ppisim docs odd` from the same declarations as this tab.";
}

std::string credits(std::string_view odd) {
  return fmt::format("ppisim {} (revision {}). {}\n\n{}\n\nCite the model with its version and "
                     "revision, and the scenario file (*Save scenario*) that reproduces the run.",
                     sim::kVersion, sim::kGitRevision,
                     trimmed(paragraph(odd, "This is the description of ppisim's model")),
                     trimmed(paragraph(odd, "Each mechanism names the finding")));
}

}  // namespace

std::string info_document(std::string_view odd) {
  return fmt::format(
      "# ppisim: volunteers and professionals\n\n## What is it?\n\n{}\n\n## How it works\n\n{}\n\n"
      "## How to use it\n\n{}\n\n## Things to notice\n\n{}\n\n## Things to try\n\n{}\n\n"
      "## Extending the model\n\n{}\n\n## Credits and citation\n\n{}\n",
      what_is_it(odd), how_it_works(odd), how_to_use_it(), things_to_notice(odd), trimmed(things_to_try()),
      extending_the_model(odd), credits(odd));
}

}  // namespace cli
