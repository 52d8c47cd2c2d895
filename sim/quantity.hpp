#pragma once
// Quantities as people write them ("6 weeks", "48 hours", "3000 per year"),
// converted once, at load, to the engine's canonical units: days for
// durations, events per day for rates. Behaviour code never converts.
#include <stdexcept>
#include <string>
#include <string_view>

namespace sim {

inline constexpr double kDaysPerWeek = 7.0;
inline constexpr double kDaysPerYear = 365.25;
inline constexpr double kDaysPerMonth = kDaysPerYear / 12.0;  // 30.4375

// Thrown with a message that says what was expected; callers add the location.
class QuantityError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A finite number in YAML's format: "12", "0.5", ".5", "1e-3"; not "3,000" or "1,20".
double parse_number(std::string_view text);

// A duration in days: "6 weeks", "48 hours", "3 years", "day 14", or a bare
// number of days.
double parse_duration_days(std::string_view text);

// A rate in events per day: "3000 per year", "2 per week", "1 per 3 weeks", "0.1/day", or a
// bare number per day. `what` names the counted thing for messages ("births").
double parse_rate_per_day(std::string_view text);

// A count with an optional unit word that must match `unit` ("6 mothers").
double parse_count(std::string_view text, std::string_view unit);

// The largest whole number a double holds exactly: 2^53. Above it whole
// numbers round (9007199254740993 would become ...992).
inline constexpr double kLargestExactWhole = 9007199254740992.0;

// As parse_count, for whole numbers that must be held exactly (seeds, counts):
// throws QuantityError for a fraction, or for a number the double `value`
// would not hold exactly ("9007199254740993", "9.007199254740993e15").
double parse_exact_whole(std::string_view text, std::string_view unit = {});

// Days per one named time unit ("week" -> 7); throws for unknown units.
double days_per_unit(std::string_view unit);

}  // namespace sim
