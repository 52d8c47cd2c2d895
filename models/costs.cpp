// A scenario's `costs:` block: the currency, the price year and each unit cost
// with its source (or "assumption"), checked here and kept in the resolved
// scenario for the analysis package to cost the runs (analysis/ppisim_analysis/decision.py).
// The block changes no simulated number.
#include "models/costs.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/errors.hpp"
#include "sim/quantity.hpp"
#include "sim/text.hpp"

namespace models {
namespace {

constexpr const char* kBlock = "costs";

sim::SourceLocation at(const std::string& file, const YAML::Node& node) {
  return {file, node.Mark().line + 1, node.Mark().column + 1};
}

std::string listed(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

std::vector<std::string> item_names() {
  std::vector<std::string> names;
  for (const auto& item : unit_cost_items()) names.push_back(item.key);
  return names;
}

double read_amount(const YAML::Node& node, const std::string& key, const std::string& file) {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  try {
    const double value = sim::parse_number(text);
    if (std::isfinite(value) && value >= 0.0) return value;
  } catch (const std::exception&) {
  }
  throw sim::InputError(at(file, node), "key '" + key + "': expected an amount of money of 0 or more (a plain number in the "
                                                        "block's currency), got '" + text + "'");
}

// One unit cost: `12.5` (its source then "assumption") or {value: 12.5, source: "..."}.
YAML::Node read_item(const UnitCostItem& item, const YAML::Node& node, const std::string& file) {
  const std::string key = std::string(kBlock) + "." + item.key;
  YAML::Node resolved(YAML::NodeType::Map);
  if (node.IsMap()) {
    for (const auto& field : node) {
      const std::string name = field.first.IsScalar() ? field.first.Scalar() : "";
      if (name == "per" && field.second.IsScalar() && field.second.Scalar() == item.per) continue;  // as the resolved block says it
      if (name == "per")
        throw sim::InputError(at(file, field.second), "key '" + key + ".per': this cost is per " + item.per + "; leave 'per' out");
      if (name != "value" && name != "source")
        throw sim::InputError(at(file, field.first), "unknown key '" + key + "." + name + "'; expected value and source");
    }
    if (!node["value"]) throw sim::InputError(at(file, node), "key '" + key + "': missing 'value' (e.g. {value: 300, source: assumption})");
    resolved["value"] = sim::format_number(read_amount(node["value"], key + ".value", file));
    const auto source = node["source"];
    if (source && (!source.IsScalar() || source.Scalar().empty()))
      throw sim::InputError(at(file, source), "key '" + key + ".source': expected words saying where the figure comes from, or 'assumption'");
    resolved["source"] = source ? source.Scalar() : std::string("assumption (no source given)");
  } else {
    resolved["value"] = sim::format_number(read_amount(node, key, file));
    resolved["source"] = "assumption (no source given)";
  }
  resolved["per"] = item.per;
  return resolved;
}

sim::BlockReading read_costs(const YAML::Node& block, const std::string& file) {
  const auto where = at(file, block);
  if (!block.IsMap())
    throw sim::InputError(where, "key 'costs': expected keys such as {currency: GBP, price_year: 2023, coordinator_per_year: 45000}");
  std::vector<std::string> known{"currency", "price_year", "value_per_extra_mother_6w"};
  for (const auto& name : item_names()) known.push_back(name);
  for (const auto& field : block) {
    const std::string name = field.first.IsScalar() ? field.first.Scalar() : "";
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw sim::InputError(at(file, field.first), "unknown key 'costs." + name + "'; expected one of " + listed(known));
  }
  YAML::Node resolved(YAML::NodeType::Map);
  const auto currency = block["currency"];
  if (!currency || !currency.IsScalar() || currency.Scalar().empty() || currency.Scalar().size() > 12)
    throw sim::InputError(currency ? at(file, currency) : where, "key 'costs.currency': expected a currency such as GBP");
  resolved["currency"] = currency.Scalar();
  const auto year = block["price_year"];
  double price_year = std::numeric_limits<double>::quiet_NaN();
  try {
    if (year && year.IsScalar()) price_year = sim::parse_number(year.Scalar());
  } catch (const std::exception&) {
  }
  if (!(price_year >= 1900 && price_year <= 2200 && price_year == std::floor(price_year)))
    throw sim::InputError(year ? at(file, year) : where, "key 'costs.price_year': expected the year the prices are in, such as 2023");
  resolved["price_year"] = sim::format_number(price_year);
  sim::BlockReading reading;
  reading.report.push_back(fmt::format("costs in {} at {} prices:", currency.Scalar(), sim::format_number(price_year)));
  for (const auto& item : unit_cost_items()) {
    YAML::Node value;
    if (const auto given = block[item.key]) {
      value = read_item(item, given, file);
    } else {
      value["value"] = sim::format_number(item.default_value);
      value["source"] = item.default_source;
      value["per"] = item.per;
    }
    reading.report.push_back(fmt::format("  {}: {} per {} ({})", item.key, value["value"].Scalar(), item.per, value["source"].Scalar()));
    resolved[item.key] = value;
  }
  if (const auto worth = block["value_per_extra_mother_6w"]) {
    const UnitCostItem item{"value_per_extra_mother_6w", "extra mother breastfeeding at 6-8 weeks", 0.0, ""};
    resolved["value_per_extra_mother_6w"] = read_item(item, worth, file);
  }
  YAML::Emitter out;
  out << resolved;
  reading.resolved = out.c_str();
  return reading;
}

}  // namespace

const std::vector<UnitCostItem>& unit_cost_items() {
  // Defaults are placeholders of the right order, each labelled an assumption with its basis: a scenario for a
  // real decision gives its own figures and sources (e.g. the PSSRU's Unit Costs of Health and Social Care).
  static const std::vector<UnitCostItem> items{
      {"coordinator_per_year", "year of the scheme", 45000.0,
       "assumption: a full-time coordinator at about an NHS band 6 post with on-costs; use the local figure"},
      {"training_per_trainee", "volunteer trained", 300.0,
       "assumption: a short peer-support course (tutor time, materials, venue) shared by a cohort"},
      {"expenses_per_peer_contact", "peer contact", 5.0, "assumption: volunteers' travel and telephone costs reimbursed"},
      {"professional_per_referral", "referral", 5.0,
       "assumption: about 5 minutes of a midwife's or health visitor's time to refer"},
      {"professional_per_contact", "professional contact", 40.0,
       "assumption: a community midwife or health-visitor contact; only the difference from the comparator counts"},
      {"per_joint_meeting", "joint meeting", 300.0,
       "assumption: two hours of the coordinator and several professionals (development process meetings)"}};
  return items;
}

void declare_costs_block(sim::ParameterRegistry& registry) {
  registry.add_block({.key = kBlock,
                      .description = "Unit costs of the scheme (currency, price year, each with its source) for "
                                     "headcounts and cost-effectiveness in the report; changes no simulated number",
                      .read = read_costs});
}

}  // namespace models
