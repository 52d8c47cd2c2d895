// DayCalendar and first_day_reaching: events scheduled ahead (sim/day_calendar.hpp).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/day_calendar.hpp"
#include "sim/random.hpp"

TEST_CASE("a day calendar hands over each day's items once, and its ring reuses its days") {
  sim::DayCalendar<int> calendar;
  calendar.reset(3);
  calendar.schedule(2, 20);
  calendar.schedule(1, 10);
  calendar.schedule(2, 21);
  CHECK(calendar.take(0).empty());
  CHECK(calendar.take(1) == std::vector<int>{10});
  calendar.schedule(5, 50);  // day 5 shares day 1's slot, already taken
  CHECK(calendar.take(2) == std::vector<int>{20, 21});
  CHECK(calendar.take(2).empty());
  CHECK(calendar.take(5) == std::vector<int>{50});
}

TEST_CASE("the first day reaching an exponential draw is found at the table's edges") {
  const std::vector<double> cumulative{0.0, 0.5, 1.0, 1.5};
  CHECK(sim::first_day_reaching(cumulative, 0, 0.0) == 1);   // day 1 has a hazard, and any reaches 0
  CHECK(sim::first_day_reaching(cumulative, 0, 0.75) == 2);
  CHECK(sim::first_day_reaching(cumulative, 1, 0.5) == 2);   // reaching it exactly counts
  CHECK(sim::first_day_reaching(cumulative, 1, 1.01) == 4);  // beyond the table
  CHECK(sim::first_day_reaching(cumulative, 3, 0.0) == 4);   // no day after the last
  // Days with no hazard never have the event, even for a draw of 0.
  const std::vector<double> flat_then_rising{0.0, 0.0, 0.0, 0.2, 0.2, 0.9};
  CHECK(sim::first_day_reaching(flat_then_rising, 0, 0.0) == 3);
  CHECK(sim::first_day_reaching(flat_then_rising, 3, 0.0) == 5);
  CHECK(sim::first_day_reaching(flat_then_rising, 3, 0.7) == 5);
  CHECK(sim::first_day_reaching(std::vector<double>(6, 0.0), 0, 0.0) == 6);
}

// A constant daily chance p: the first day is geometric, P(day > k) = (1 - p)^k.
TEST_CASE("the first day reaching an exponential draw has the distribution of independent daily chances") {
  const double p = 0.1;
  std::vector<double> cumulative(200, 0.0);
  for (std::size_t a = 1; a < cumulative.size(); ++a) cumulative[a] = cumulative[a - 1] - std::log1p(-p);
  const sim::RandomStreams random(3);
  const int n = 200000;
  std::vector<int> later_than(4, 0);  // counts of first day > 1, 5, 10, 20
  const int ks[] = {1, 5, 10, 20};
  for (int i = 0; i < n; ++i) {
    const double exponential = -std::log1p(-random.uniform(1, static_cast<std::uint32_t>(i), 0));
    const auto day = sim::first_day_reaching(cumulative, 0, exponential);
    for (std::size_t k = 0; k < 4; ++k) later_than[k] += day > static_cast<std::size_t>(ks[k]);
  }
  for (std::size_t k = 0; k < 4; ++k) {
    const double expected = std::pow(1.0 - p, ks[k]);
    INFO("P(day > " << ks[k] << ")");
    CHECK(std::abs(later_than[k] / double(n) - expected) < 4.0 * std::sqrt(expected * (1.0 - expected) / n));
  }
}
