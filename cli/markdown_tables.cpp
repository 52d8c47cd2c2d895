#include "cli/markdown_tables.hpp"

#include <fmt/format.h>

namespace cli {
namespace {

std::string source_of(const sim::ParameterSpec& spec) {
  const std::string kind = sim::to_string(spec.source.kind);
  return spec.source.reference.empty() ? kind : kind + ": " + spec.source.reference;
}

// Whether an intervention may change it (whether the change outlasts the intervention is the intervention's own).
std::string changes_at_run_time(const sim::ParameterSpec& spec) { return spec.runtime_changeable ? "yes" : "no"; }

std::string parameter_row(const sim::ParameterSpec& spec) {
  return fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n", spec.path, sim::to_string(spec.kind),
                     markdown_cell(parameter_default(spec)), markdown_cell(spec.unit),
                     markdown_cell(parameter_range(spec)), changes_at_run_time(spec),
                     markdown_cell(source_of(spec)), markdown_cell(spec.finding), markdown_cell(spec.description));
}

}  // namespace

// A pipe would end the cell early.
std::string markdown_cell(std::string text) {
  for (std::size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) text.replace(at, 1, "\\|");
  return text;
}

std::string parameter_range(const sim::ParameterSpec& spec) {
  if (spec.kind == sim::ParameterKind::choice) {
    std::string words;
    for (const auto& choice : spec.choices) words += (words.empty() ? "" : " | ") + choice;
    return words;
  }
  if (!spec.is_numeric() && spec.kind != sim::ParameterKind::duration_list) return "";
  return fmt::format("{} to {}", sim::format_number(spec.min), sim::format_number(spec.max));
}

std::string parameter_default(const sim::ParameterSpec& spec) {
  return spec.default_value ? sim::format_value(spec, *spec.default_value) : "(required)";
}

std::string parameter_table(const std::vector<const sim::ParameterSpec*>& specs) {
  std::string table =
      "| parameter | type | default | unit | range | changes at run time | source | finding | description |\n"
      "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto* spec : specs) table += parameter_row(*spec);
  return table;
}

std::string output_table(const std::vector<sim::OutputSpec>& specs) {
  std::string table = "| output | unit | description |\n|---|---|---|\n";
  for (const auto& spec : specs)
    table += fmt::format("| `{}` | {} | {} |\n", spec.name, markdown_cell(spec.unit), markdown_cell(spec.description));
  return table;
}

std::string mechanism_table(const std::vector<sim::MechanismSpec>& mechanisms) {
  std::string table = "| mechanism | module | finding | what it does | knocked out (`--knockout NAME`) |\n|---|---|---|---|---|\n";
  for (const auto& m : mechanisms)
    table += fmt::format("| `{}` | `{}` | {} | {} | {} |\n", m.name, m.module, markdown_cell(m.finding),
                         markdown_cell(m.what), markdown_cell(m.knocked_out));
  return table;
}

}  // namespace cli
