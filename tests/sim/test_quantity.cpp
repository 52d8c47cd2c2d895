#include <catch2/catch.hpp>

#include "sim/quantity.hpp"

using namespace sim;

TEST_CASE("durations are converted to days once, at load") {
  CHECK(parse_duration_days("6 weeks") == 42.0);
  CHECK(parse_duration_days("48 hours") == 2.0);
  CHECK(parse_duration_days("1 week") == 7.0);
  CHECK(parse_duration_days("3 years") == Approx(3 * 365.25));
  CHECK(parse_duration_days("6 months") == Approx(182.625));
  CHECK(parse_duration_days("day 14") == 14.0);
  CHECK(parse_duration_days("10") == 10.0);
  CHECK(parse_duration_days("2.5 d") == 2.5);
}

TEST_CASE("rates are converted to events per day") {
  CHECK(parse_rate_per_day("3000 per year") == Approx(3000.0 / 365.25));
  CHECK(parse_rate_per_day("2 per week") == Approx(2.0 / 7.0));
  CHECK(parse_rate_per_day("0.1/day") == Approx(0.1));
  CHECK(parse_rate_per_day("3000 births per year") == Approx(3000.0 / 365.25));
  CHECK(parse_rate_per_day("0.25") == 0.25);
  CHECK(parse_rate_per_day("1 per 3 weeks") == Approx(1.0 / 21.0));
  CHECK_THROWS_AS(parse_rate_per_day("1 per 0 weeks"), QuantityError);
}

TEST_CASE("counts may carry their unit word") {
  CHECK(parse_count("6 mothers", "mothers") == 6.0);
  CHECK(parse_count("1 mother", "mothers") == 1.0);
  CHECK_THROWS_AS(parse_count("6 weeks", "mothers"), QuantityError);
}

TEST_CASE("malformed quantities are refused with what was expected") {
  CHECK_THROWS_WITH(parse_duration_days("3 fortnights"), Catch::Contains("unknown time unit 'fortnights'"));
  CHECK_THROWS_WITH(parse_number("many"), Catch::Contains("expected a number"));
  CHECK_THROWS_AS(parse_number("nan"), QuantityError);
  CHECK_THROWS_AS(parse_number("inf"), QuantityError);
  CHECK_THROWS_AS(parse_number("1e999"), QuantityError);
  CHECK_THROWS_AS(parse_duration_days("weeks"), QuantityError);
  CHECK_THROWS_AS(parse_rate_per_day("lots per year"), QuantityError);
  CHECK_THROWS_AS(parse_number(""), QuantityError);
}

TEST_CASE("numbers are read only in YAML's format: a comma is never a separator") {
  CHECK(parse_number(".5") == 0.5);
  CHECK(parse_number("5.") == 5.0);
  CHECK(parse_number("+1.5e+2") == 150.0);
  CHECK(parse_number("-0") == 0.0);
  // "1,20" was 120 and "3,00 per day" 300: a decimal comma read as a thousands separator.
  const auto no_commas = Catch::Contains("numbers take no commas");
  CHECK_THROWS_WITH(parse_number("1,20"), no_commas);
  CHECK_THROWS_WITH(parse_number("3,000"), no_commas);
  CHECK_THROWS_WITH(parse_rate_per_day("3,00 per day"), no_commas);
  CHECK_THROWS_WITH(parse_duration_days("1,5 weeks"), no_commas);
  for (const char* text : {"1_000", "0x10", "1e", "e5", ".", "-", "1.2.3", "1e5.5", "++1", "1 000"})
    CHECK_THROWS_AS(parse_number(text), QuantityError);
}

TEST_CASE("whole numbers are exact or refused, never rounded") {
  CHECK(parse_exact_whole("9007199254740992") == 9007199254740992.0);
  CHECK(parse_exact_whole("12.0") == 12.0);
  CHECK(parse_exact_whole("1.5e1") == 15.0);
  CHECK(parse_exact_whole("0") == 0.0);
  CHECK(parse_exact_whole("6 mothers", "mothers") == 6.0);
  // 2^53 + 1 was read as 2^53: a different seed, silently.
  const auto rounds = Catch::Contains("above 2^53 = 9007199254740992, the largest whole number held exactly; it would run "
                                      "as 9007199254740992");
  CHECK_THROWS_WITH(parse_exact_whole("9007199254740993"), rounds);
  CHECK_THROWS_WITH(parse_exact_whole("9.007199254740993e15"), rounds);
  CHECK_THROWS_WITH(parse_exact_whole("18446744073709551615"), Catch::Contains("above 2^53"));
  CHECK_THROWS_WITH(parse_exact_whole("1.5"), Catch::Contains("expected a whole number"));
  CHECK_THROWS_WITH(parse_exact_whole("15e-1"), Catch::Contains("expected a whole number"));
}
