#include "models/area.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/feeding_curve.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "sim/quantity.hpp"
#include "sim/scenario.hpp"

namespace models {
namespace {

// The national curve's knots, as the feeding table names them.
constexpr const char* kInitiation = "feeding.initiation";
constexpr const char* kExclusiveAtBirth = "feeding.exclusive_at_birth";
constexpr const char* kAny6w = "feeding.any_6w";
constexpr const char* kExclusive6w = "feeding.exclusive_6w";
constexpr std::array<const char*, 2> kAnyLater{"feeding.any_1w", "feeding.any_6m"};
constexpr std::array<const char*, 4> kExclusiveLater{"feeding.exclusive_1w", "feeding.exclusive_3m", "feeding.exclusive_4m",
                                                     "feeding.exclusive_6m"};
// Any breastfeeding includes exclusive: the ages where the table holds both.
constexpr std::array<std::pair<const char*, const char*>, 3> kSameAge{
    {{"feeding.any_1w", "feeding.exclusive_1w"}, {kAny6w, kExclusive6w}, {"feeding.any_6m", "feeding.exclusive_6m"}}};

constexpr const char* kBlock = "area";
constexpr const char* kOakley =
    "Oakley et al., BMJ Open 2013;3:e002765, non-London primary care trusts 2010/11";

double national(const sim::ParameterRegistry& registry, const std::string& path) {
  return std::get<double>(*registry.find(path)->default_value);
}

sim::SourceLocation at(const std::string& file, const YAML::Node& node) {
  return {file, node.Mark().line + 1, node.Mark().column + 1};
}

// A value of the block read as the parameter `like` reads it ("3000 per year", "62.5%"), named area.KEY in messages.
double read_like(const std::string& like, const std::string& key, const YAML::Node& node, const std::string& file) {
  sim::ParameterSpec spec = *parameter_registry().find(like);
  spec.path = std::string(kBlock) + "." + key;
  return std::get<double>(sim::convert_value(spec, node, at(file, node)));
}

long long read_count(const std::string& like, const std::string& key, const YAML::Node& node, const std::string& file) {
  return static_cast<long long>(read_like(like, key, node, file));
}

void check_keys(const YAML::Node& map, const std::string& file, const std::string& section,
                const std::vector<std::string>& known) {
  for (const auto& item : map) {
    const std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
    throw sim::InputError(at(file, item.first), "unknown key '" + section + key + "'; expected one of " + list);
  }
}

std::string percent(double share) { return fmt::format("{:.1f}%", 100.0 * share); }

std::string whole(double value) {  // 3000 -> "3,000"
  std::string digits = fmt::format("{:.0f}", value);
  for (auto k = static_cast<long>(digits.size()) - 3; k > (digits.front() == '-' ? 1 : 0); k -= 3)
    digits.insert(static_cast<std::size_t>(k), ",");
  return digits;
}

// The table as `ppisim validate` prints it: the ages of the survey, any and exclusive.
std::vector<std::string> table_lines(const DerivedFeedingTable& table, const AreaFigures& figures) {
  const auto value = [&](const std::string& path) {
    for (const auto& [name, share] : table.values)
      if (name == path) return percent(share);
    return std::string("-");
  };
  std::vector<std::string> lines{fmt::format("{:<10} {:>8} {:>10}", "age", "any", "exclusive")};
  const std::array<std::array<const char*, 3>, 6> rows{{{"birth", kInitiation, kExclusiveAtBirth},
                                                        {"1 week", "feeding.any_1w", "feeding.exclusive_1w"},
                                                        {"6 weeks", kAny6w, kExclusive6w},
                                                        {"3 months", "", "feeding.exclusive_3m"},
                                                        {"4 months", "", "feeding.exclusive_4m"},
                                                        {"6 months", "feeding.any_6m", "feeding.exclusive_6m"}}};
  for (const auto& [age, any, exclusive] : rows) {
    std::string given;
    if (std::string(age) == "birth") given = "  <- given: initiation";
    if (std::string(age) == "6 weeks") given = figures.exclusive_6_8w ? "  <- given: any and exclusive at 6-8 weeks"
                                                                      : "  <- given: any at 6-8 weeks";
    lines.push_back(fmt::format("{:<10} {:>8} {:>10}{}", age, *any ? value(any) : "-", value(exclusive), given));
  }
  return lines;
}

// The derived table must also be one the feeding curve can follow (feeding_curve.cpp's checks).
void check_curve(const DerivedFeedingTable& table, const sim::SourceLocation& where) {
  sim::ParameterSet set(parameter_registry());
  for (const auto& spec : parameter_registry().all())
    if (spec.default_value) set.set(spec.path, *spec.default_value, {});
  for (const auto& [path, share] : table.values) set.set(path, share, where);
  try {
    (void)derive_feeding_curve(set);
  } catch (const sim::InputError& error) {
    throw sim::InputError(where, std::string("key 'area': the derived feeding table cannot be modelled (") + error.what() + ")");
  }
}

sim::BlockReading read_area(const YAML::Node& block, const std::string& file) {
  const auto where = at(file, block);
  if (!block.IsMap())
    throw sim::InputError(where, "key 'area': expected keys such as {births: 3000 per year, initiation: 68.7%, any_6_8w: 39.7%}");
  check_keys(block, file, "area.", {"preset", "births", "initiation", "any_6_8w", "exclusive_6_8w", "workforce"});
  AreaFigures figures;
  std::string origin = "given";
  bool have_initiation = false, have_any = false;
  if (const auto preset = block["preset"]) {
    const std::string name = preset.IsScalar() ? preset.Scalar() : "";
    const auto& presets = area_presets();
    const auto found = std::find_if(presets.begin(), presets.end(), [&](const AreaPreset& p) { return p.name == name; });
    if (found == presets.end()) {
      std::string list;
      for (const auto& p : presets) list += (list.empty() ? "" : ", ") + p.name;
      throw sim::InputError(at(file, preset), "key 'area.preset': unknown preset '" + name + "'; expected one of " + list);
    }
    figures = {found->initiation, found->any_6_8w, found->exclusive_6_8w};
    have_initiation = have_any = true;
    origin = "preset " + found->name + " (" + found->description + "; " + kOakley + ")";
  }
  if (const auto node = block["initiation"]) figures.initiation = read_like(kInitiation, "initiation", node, file), have_initiation = true;
  if (const auto node = block["any_6_8w"]) figures.any_6_8w = read_like(kAny6w, "any_6_8w", node, file), have_any = true;
  if (const auto node = block["exclusive_6_8w"]) figures.exclusive_6_8w = read_like(kExclusive6w, "exclusive_6_8w", node, file);
  if (!block["births"])
    throw sim::InputError(where, "key 'area': missing 'births' (births a year in the area, e.g. 'births: 3000 per year')");
  if (!have_initiation || !have_any)
    throw sim::InputError(where, std::string("key 'area': missing '") + (have_initiation ? "any_6_8w" : "initiation") +
                                     "' (or a 'preset' that gives it)");

  sim::BlockReading reading;
  const double births = read_like("population.births", "births", block["births"], file);
  reading.settings.emplace_back("population.births", births);
  const auto& registry = parameter_registry();
  DerivedFeedingTable table;
  try {
    table = derive_area_feeding_table(registry, figures);
  } catch (const std::invalid_argument& why) {
    throw sim::InputError(where, std::string("key 'area': ") + why.what());
  }
  check_curve(table, where);
  for (const auto& [path, share] : table.values) reading.settings.emplace_back(path, share);

  const double per_year = births * sim::kDaysPerYear;
  reading.report.push_back(fmt::format("{} births a year ({:.2f} a day); figures {}", whole(per_year), births, origin));
  reading.report.push_back(fmt::format(
      "feeding table from the national curve's shape (Infant Feeding Survey 2010) by proportional hazards among starters: "
      "hazard of stopping any breastfeeding x{:.3f}, exclusive x{:.3f}{}",
      table.any_multiplier, table.exclusive_multiplier, figures.exclusive_6_8w ? "" : " (no exclusive figure: as any)"));
  for (auto& line : table_lines(table, figures)) reading.report.push_back(std::move(line));

  // The workforce: given, or professionals scaled with births at the defaults' ratio.
  const double default_births = national(registry, "population.births");
  const auto workforce = block["workforce"];
  if (workforce && !workforce.IsMap())
    throw sim::InputError(at(file, workforce), "key 'area.workforce': expected {midwives: N, health_visitors: N, volunteers: N}");
  if (workforce) check_keys(workforce, file, "area.workforce.", {"midwives", "health_visitors", "volunteers"});
  std::string staff;
  for (const auto& [key, path, words] : {std::tuple<const char*, const char*, const char*>{"midwives", "professionals.midwives", "midwives"},
                                         {"health_visitors", "professionals.health_visitors", "health visitors"}}) {
    double count = 0.0;
    std::string how;
    if (workforce && workforce[key]) {
      count = static_cast<double>(read_count(path, std::string("workforce.") + key, workforce[key], file));
      how = "given";
    } else {
      const double standard = national(registry, path);
      count = std::max(1.0, std::round(standard * births / default_births));
      how = fmt::format("scaled with births: {} per {} a year", whole(standard), whole(default_births * sim::kDaysPerYear));
    }
    reading.settings.emplace_back(path, count);
    staff += fmt::format("{}{} {} ({})", staff.empty() ? "" : ", ", whole(count), words, how);
  }
  if (workforce && workforce["volunteers"]) {
    const double volunteers = static_cast<double>(read_count("volunteers.initial", "workforce.volunteers", workforce["volunteers"], file));
    reading.settings.emplace_back("volunteers.initial", volunteers);
    staff += fmt::format(", {} volunteers at the start (given)", whole(volunteers));
  }
  reading.report.push_back("workforce: " + staff);
  return reading;
}

}  // namespace

const std::vector<AreaPreset>& area_presets() {
  // Oakley et al. 2013, table 1: non-London primary care trusts, 2010/11. The quartiles of the three measures are
  // taken separately: a preset is a typical area at that quartile of each, not a particular trust.
  static const std::vector<AreaPreset> presets{
      {"england_lower_quartile", "lower quartile of English areas", 0.625, 0.337, 0.242},
      {"england_mean", "mean of English areas", 0.687, 0.397, 0.292},
      {"england_upper_quartile", "upper quartile of English areas", 0.757, 0.455, 0.332}};
  return presets;
}

DerivedFeedingTable derive_area_feeding_table(const sim::ParameterRegistry& registry, const AreaFigures& figures) {
  const double initiation = figures.initiation, any = figures.any_6_8w;
  if (!(initiation > 0.0 && initiation <= 1.0)) throw std::invalid_argument("initiation must be above 0 and at most 100%");
  if (!(any > 0.0 && any < initiation))
    throw std::invalid_argument(fmt::format("any breastfeeding at 6-8 weeks ({}) must be above 0 and below initiation ({})",
                                            percent(any), percent(initiation)));
  DerivedFeedingTable table;
  // Among starters, the local survival of any breastfeeding is the national one to the power k: the local hazard
  // of stopping is k times the national at every age, k chosen so that 6 weeks is met.
  const double national_initiation = national(registry, kInitiation);
  const auto national_any = [&](const char* path) { return national(registry, path) / national_initiation; };
  table.any_multiplier = std::log(any / initiation) / std::log(national_any(kAny6w));
  // Exclusive: the national share of starters who start exclusively, then its survival to the power k'.
  const double exclusive_at_birth = initiation * national(registry, kExclusiveAtBirth) / national_initiation;
  const double national_exclusive_at_birth = national(registry, kExclusiveAtBirth);
  const auto national_exclusive = [&](const char* path) { return national(registry, path) / national_exclusive_at_birth; };
  if (figures.exclusive_6_8w) {
    const double exclusive = *figures.exclusive_6_8w;
    if (!(exclusive > 0.0 && exclusive <= any))
      throw std::invalid_argument(fmt::format("exclusive breastfeeding at 6-8 weeks ({}) must be above 0 and at most any ({})",
                                              percent(exclusive), percent(any)));
    if (!(exclusive < exclusive_at_birth))
      throw std::invalid_argument(fmt::format(
          "exclusive breastfeeding at 6-8 weeks ({}) must be below the share starting exclusively ({}: the national {} of "
          "starters)",
          percent(exclusive), percent(exclusive_at_birth), percent(national_exclusive_at_birth / national_initiation)));
    table.exclusive_multiplier = std::log(exclusive / exclusive_at_birth) / std::log(national_exclusive(kExclusive6w));
  } else {
    table.exclusive_multiplier = table.any_multiplier;
  }
  table.values.emplace_back(kInitiation, initiation);
  table.values.emplace_back(kExclusiveAtBirth, exclusive_at_birth);
  table.values.emplace_back(kAny6w, any);
  for (const char* path : kAnyLater) table.values.emplace_back(path, initiation * std::pow(national_any(path), table.any_multiplier));
  table.values.emplace_back(kExclusive6w, figures.exclusive_6_8w.value_or(
                                              exclusive_at_birth * std::pow(national_exclusive(kExclusive6w), table.exclusive_multiplier)));
  for (const char* path : kExclusiveLater)
    table.values.emplace_back(path, exclusive_at_birth * std::pow(national_exclusive(path), table.exclusive_multiplier));
  const auto value = [&](const char* path) {
    for (const auto& [name, share] : table.values)
      if (name == path) return share;
    return 0.0;
  };
  for (const auto& [any_path, exclusive_path] : kSameAge)
    if (value(exclusive_path) > value(any_path))
      throw std::invalid_argument(fmt::format(
          "the derived exclusive share at {} ({}) would exceed any breastfeeding there ({}): the exclusive figure is too "
          "high for the national curve's shape; give a lower exclusive_6_8w or leave it out",
          std::string(any_path).substr(std::string("feeding.any_").size()), percent(value(exclusive_path)),
          percent(value(any_path))));
  return table;
}

void declare_area_block(sim::ParameterRegistry& registry) {
  registry.add_block({.key = kBlock,
                      .description = "A local area from its published figures: births a year, initiation, any (and "
                                     "optionally exclusive) breastfeeding at 6-8 weeks, workforce; derives the feeding table",
                      .read = read_area});
}

}  // namespace models
