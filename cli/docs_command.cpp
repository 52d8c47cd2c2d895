// `ppisim docs`: the model's ODD description (Grimm et al. 2020), its
// parameter tables and its outputs, as Markdown. The narrative is the
// hand-written docs/odd-template.md; every table is generated here from the
// registry, the output catalog and the daily plan, so none can drift from
// the code.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "cli/info_document.hpp"
#include "cli/markdown_tables.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "results/results_file.hpp"

namespace cli {

// docs/odd-template.md, compiled in by cmake/embed_text.cmake.
extern const std::string_view kOddTemplate;

namespace {

namespace fs = std::filesystem;

// Generates the text that replaces one {{placeholder}}.
using Fillers = std::map<std::string, std::function<std::string()>, std::less<>>;

struct ParameterSection {
  std::string key;  // first word of the paths; empty for top-level keys
  std::vector<const sim::ParameterSpec*> specs;
};

// Parameters grouped by the first word of their path, sections in the order
// the registry first mentions them, parameters in registry order.
std::vector<ParameterSection> parameter_sections() {
  std::vector<ParameterSection> sections;
  for (const auto& spec : models::parameter_registry().all()) {
    const auto dot = spec.path.find('.');
    const std::string key = dot == std::string::npos ? "" : spec.path.substr(0, dot);
    auto section = std::find_if(sections.begin(), sections.end(), [&](const auto& s) { return s.key == key; });
    if (section == sections.end()) section = sections.insert(sections.end(), {key, {}});
    section->specs.push_back(&spec);
  }
  return sections;
}

std::string section_title(const std::string& key) {
  return key.empty() ? "Run settings (top-level keys)" : fmt::format("`{}.*`", key);
}

// One table per top-level section, each under a `heading` ("##", "###") title.
std::string parameter_tables(std::string_view heading) {
  std::string text;
  for (const auto& section : parameter_sections())
    text += fmt::format("{} {}\n\n{}\n", heading, section_title(section.key), parameter_table(section.specs));
  return text;
}

std::string output_tables(std::string_view heading) {
  const auto& catalog = models::output_catalog();
  return fmt::format("{} Daily series (one value per simulated day and run)\n\n{}\n"
                     "{} Summary outcomes (one value per run)\n\n{}",
                     heading, output_table(catalog.series()), heading, output_table(catalog.summaries()));
}

// The modules of a plan built from the defaults; a test pins the same order.
std::string daily_plan_table() {
  sim::ParameterSet defaults(models::parameter_registry());
  defaults.set("name", std::string("defaults"), {});  // the one parameter without a default
  const auto plan = models::build_plan(defaults);
  const auto list = [](const std::vector<std::string>& names) {
    std::string words;
    for (const auto& name : names) words += (words.empty() ? "" : ", ") + name;
    return markdown_cell(words);
  };
  std::string table = "| step | module | what it does | reads | writes |\n|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < plan.modules.size(); ++i) {
    const auto& spec = plan.modules[i]->spec();
    table += fmt::format("| {} | `{}` | {} | {} | {} |\n", i + 1, spec.name, markdown_cell(spec.purpose),
                         list(spec.reads), list(spec.writes));
  }
  return table;
}

// What an intervention takes besides start, end and targets.
std::string intervention_settings(const sim::InterventionKind& kind) {
  std::vector<std::string> parts;
  for (const auto& field : kind.fields)
    parts.push_back(fmt::format("`{}` ({}; default {}; {}): {}", field.path, field.unit, parameter_default(field),
                                parameter_range(field), field.description));
  for (const auto& [field, path] : kind.setters) parts.push_back(fmt::format("`{}` sets `{}`", field, path));
  for (const auto& [path, value] : kind.fixed) parts.push_back(fmt::format("sets `{}` to {}", path, value));
  if (kind.free_settings)
    parts.push_back("`values`: any parameter that can change at run time, e.g. `{scheme.boundary_clarity: 0.8}`");
  return markdown_cell(fmt::format("{}", fmt::join(parts, "; ")));
}

// The intervention kinds a scenario may schedule, from the registry.
std::string interventions_table() {
  std::string table = "| intervention | finding | what it does | settings besides `start`, `end`, `targets` |\n"
                      "|---|---|---|---|\n";
  for (const auto& kind : models::parameter_registry().interventions())
    table += fmt::format("| `{}` | {} | {} | {} |\n", kind.name, markdown_cell(kind.finding),
                         markdown_cell(kind.description), intervention_settings(kind));
  return table;
}

// Generated blocks end where their placeholder's line ends.
std::string without_final_newlines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  const auto before = text.substr(0, offset);
  return 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
}

// Replaces every {{name}} in `text`. A name with no filler is a mistake in
// the template, which ships inside the binary: fail loudly (the docs test runs this).
std::string fill_template(std::string_view text, const Fillers& fillers) {
  std::string filled;
  std::size_t at = 0;
  while (true) {
    const auto open = text.find("{{", at);
    if (open == std::string_view::npos) return filled.append(text.substr(at));
    filled.append(text.substr(at, open - at));
    const auto close = text.find("}}", open);
    if (close == std::string_view::npos)
      throw std::logic_error(fmt::format("docs/odd-template.md:{}: '{{{{' is never closed", line_of(text, open)));
    const auto filler = fillers.find(text.substr(open + 2, close - open - 2));
    if (filler == fillers.end())
      throw std::logic_error(fmt::format("docs/odd-template.md:{}: unknown placeholder {}", line_of(text, open),
                                         text.substr(open, close + 2 - open)));
    filled += without_final_newlines(filler->second());
    at = close + 2;
  }
}

std::string parameters_document() {
  return "# ppisim parameters\n\n"
         "Generated by `ppisim docs parameters` from the parameter registry (assembled in `models/parameters.cpp` from the declarations in each module's file); "
         "`ppisim params` lists the same rows as one table.\n\n" +
         without_final_newlines(parameter_tables("##")) + "\n";
}

std::string outputs_document() {
  return "# ppisim outputs\n\n"
         "Generated by `ppisim docs outputs` from the output catalog (each module's declarations, in plan order); "
         "`docs/hdf5-layout.md` says where each lands in a results file.\n\n" +
         without_final_newlines(output_tables("##")) + "\n";
}

std::string document(const std::string& topic) {
  if (topic == "odd") return odd_document();
  if (topic == "parameters") return parameters_document();
  if (topic == "outputs") return outputs_document();
  if (topic == "info") return info_document(odd_document());
  throw sim::InputError("unknown docs topic '" + topic + "'; expected odd, parameters, outputs or info");
}

// Readers of `path` see the old text or the new, never half of one.
void write_atomically(const fs::path& path, const std::string& text) {
  results::check_output_path(path, /*overwrite=*/true);  // a located message for a missing folder
  const fs::path partial = path.string() + ".tmp";
  std::error_code ignored;
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (out.fail()) {
      const std::string why = std::strerror(errno);
      fs::remove(partial, ignored);
      throw sim::RuntimeFailure("cannot write " + partial.string() + ": " + why);
    }
  }
  std::error_code error;
  fs::rename(partial, path, error);
  if (error) {
    fs::remove(partial, ignored);
    throw sim::RuntimeFailure("cannot rename " + partial.string() + " to " + path.string() + ": " + error.message());
  }
}

}  // namespace

std::string odd_document() {
  const Fillers fillers{
      {"parameter_tables", [] { return parameter_tables("###"); }},
      {"daily_plan", daily_plan_table},
      {"outputs", [] { return output_tables("###"); }},
      {"interventions", interventions_table},
      {"mechanisms", [] { return mechanism_table(models::parameter_registry().mechanisms()); }},
  };
  return fill_template(kOddTemplate, fillers);
}

int docs_command(const std::string& topic, const std::string& output) {
  const std::string text = document(topic);
  if (!output.empty()) {
    write_atomically(output, text);
    return 0;
  }
  std::cout << text << std::flush;
  if (!std::cout) throw sim::RuntimeFailure("cannot write to standard output");
  return 0;
}

}  // namespace cli
