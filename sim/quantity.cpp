#include "sim/quantity.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

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

// The decimal digits of the whole number a YAML decimal denotes, without
// sign or leading zeros ("1.5e1" -> "15"), or nothing if it has a fraction.
static std::optional<std::string> whole_digits(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const auto e = text.find_first_of("eE");
  long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view power = text.substr(e + 1);
    if (!power.empty() && power.front() == '+') power.remove_prefix(1);
    if (std::from_chars(power.data(), power.data() + power.size(), exponent).ec != std::errc{} || exponent > 400 ||
        exponent < -400)
      return std::nullopt;
    text = text.substr(0, e);
  }
  const auto point = text.find('.');
  std::string digits(text.substr(0, point));
  if (point != std::string_view::npos) {
    digits += text.substr(point + 1);
    exponent -= static_cast<long>(text.size() - point - 1);
  }
  if (exponent >= 0) {
    digits.append(static_cast<std::size_t>(exponent), '0');
  } else {
    const auto cut = static_cast<std::size_t>(-exponent);
    const std::size_t keep = digits.size() > cut ? digits.size() - cut : 0;
    if (digits.find_first_not_of('0', keep) != std::string::npos) return std::nullopt;  // a fraction
    digits.resize(keep);
  }
  const auto first = digits.find_first_not_of('0');
  return first == std::string::npos ? std::string("0") : digits.substr(first);
}

double parse_exact_whole(std::string_view text, std::string_view unit) {
  const double value = parse_count(text, unit);
  const auto digits = whole_digits(split_number_and_unit(text).first);
  if (!digits || value != std::floor(value)) throw QuantityError("expected a whole number, got '" + std::string(trim(text)) + "'");
  if (std::abs(value) > kLargestExactWhole || fmt::format("{:.0f}", std::abs(value)) != *digits)
    throw QuantityError(*digits + " is above 2^53 = 9007199254740992, the largest whole number held exactly; it would "
                        "run as " + fmt::format("{:.0f}", std::abs(value)));
  return value;
}

}  // namespace sim
