#include "sim/quantity.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace sim {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Splits "6 weeks" into ("6", "weeks"); "6weeks" works too.
std::pair<std::string_view, std::string_view> split_number_and_unit(std::string_view text) {
  text = trim(text);
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                               text[end] == ',' || text[end] == '-' || text[end] == '+' ||
                               ((text[end] == 'e' || text[end] == 'E') && end > 0 && end + 1 < text.size() &&
                                (std::isdigit(static_cast<unsigned char>(text[end + 1])) || text[end + 1] == '-' ||
                                 text[end + 1] == '+'))))
    ++end;
  return {text.substr(0, end), trim(text.substr(end))};
}

std::string_view singular(std::string_view unit) {
  if (unit.size() > 1 && unit.back() == 's') unit.remove_suffix(1);
  return unit;
}

}  // namespace

// A number as the YAML 1.2 core schema writes one: [-+]? (.digits | digits
// [. digits]) [e [-+] digits]. Nothing else: no thousands separators, no
// decimal commas ("1,20" was read as 120), no underscores, no hexadecimal.
static bool is_yaml_decimal(std::string_view text) {
  std::size_t at = 0;
  const auto digits = [&] {
    const std::size_t from = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    return at > from;
  };
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
  const bool whole = digits();
  bool fraction = false;
  if (at < text.size() && text[at] == '.') {
    ++at;
    fraction = digits();
  }
  if (!whole && !fraction) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
    if (!digits()) return false;
  }
  return at == text.size();
}

double parse_number(std::string_view text) {
  text = trim(text);
  if (!is_yaml_decimal(text)) {
    if (text.find(',') != std::string_view::npos)
      throw QuantityError("numbers take no commas: write 1.2 for one point two, 3000 for three thousand; got '" +
                          std::string(text) + "'");
    throw QuantityError("expected a number, got '" + std::string(text) + "'");
  }
  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);
  double value = 0.0;
  const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || stop != digits.data() + digits.size())
    throw QuantityError("expected a finite number, got '" + std::string(text) + "'");
  if (!std::isfinite(value)) throw QuantityError("expected a finite number, got '" + std::string(text) + "'");
  return value;
}

double days_per_unit(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, double>, 10> kUnits{{
      {"hour", 1.0 / 24.0}, {"h", 1.0 / 24.0}, {"day", 1.0}, {"d", 1.0}, {"week", kDaysPerWeek},
      {"wk", kDaysPerWeek}, {"month", kDaysPerMonth}, {"year", kDaysPerYear}, {"yr", kDaysPerYear},
      {"y", kDaysPerYear},
  }};
  const auto name = singular(trim(unit));
  for (const auto& [known, days] : kUnits)
    if (name == known) return days;
  throw QuantityError("unknown time unit '" + std::string(unit) + "' (use hours, days, weeks, months or years)");
}

double parse_duration_days(std::string_view text) {
  text = trim(text);
  if (text.starts_with("day ")) return parse_number(text.substr(4));  // "day 14": a point on the timeline
  const auto [number, unit] = split_number_and_unit(text);
  if (number.empty())
    throw QuantityError("expected a duration such as '6 weeks' or '48 hours', got '" + std::string(text) + "'");
  const double value = parse_number(number);
  return unit.empty() ? value : value * days_per_unit(unit);
}

double parse_rate_per_day(std::string_view text) {
  text = trim(text);
  auto per = text.find(" per ");
  std::size_t skip = 5;
  if (per == std::string_view::npos) {
    per = text.find('/');
    skip = 1;
  }
  if (per == std::string_view::npos) return parse_number(text);
  auto [number, counted] = split_number_and_unit(text.substr(0, per));
  (void)counted;  // "3000 births per year": the counted noun is decoration
  if (number.empty())
    throw QuantityError("expected a rate such as '3000 per year', got '" + std::string(text) + "'");
  // "1 per 3 weeks": the period may carry its own count.
  const auto [period_count, period_unit] = split_number_and_unit(text.substr(per + skip));
  const double periods = period_count.empty() ? 1.0 : parse_number(period_count);
  if (!(periods > 0.0)) throw QuantityError("the period of a rate must be positive, got '" + std::string(text) + "'");
  return parse_number(number) / (periods * days_per_unit(period_unit));
}

double parse_count(std::string_view text, std::string_view unit) {
  const auto [number, word] = split_number_and_unit(text);
  if (number.empty()) throw QuantityError("expected a number, got '" + std::string(trim(text)) + "'");
  if (!word.empty() && singular(word) != singular(unit))
    throw QuantityError("expected a number of " + std::string(unit) + ", got '" + std::string(trim(text)) + "'");
  return parse_number(number);
}

}  // namespace sim
