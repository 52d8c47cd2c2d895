#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <utility>
#include <vector>

#include "sim/statistics.hpp"

TEST_CASE("replicate mean and 95% interval use Student's t") {
  // Values 1..5: mean 3, sd sqrt(2.5), t(4, 0.975) = 2.776445.
  const auto estimate = sim::estimate_mean({1, 2, 3, 4, 5});
  CHECK(estimate.mean == Approx(3.0));
  CHECK(estimate.hi95 - estimate.mean == Approx(2.776445 * std::sqrt(2.5 / 5)).epsilon(1e-6));
  CHECK(estimate.n == 5);
}

TEST_CASE("undefined outcomes are left out, and one run has no interval") {
  const auto estimate = sim::estimate_mean({std::nan(""), 2.0});
  CHECK(estimate.n == 1);
  CHECK(estimate.mean == 2.0);
  CHECK(std::isnan(estimate.lo95));
  CHECK(std::isnan(sim::estimate_mean({}).mean));
}

namespace {

sim::WholeNumberCounts counts_of(std::initializer_list<int> values) {
  sim::WholeNumberCounts counts;
  for (const int v : values) counts.add(v);
  return counts;
}

// The median as a sorted list gives it: the reference for the counts.
double sorted_median(std::vector<int> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

}  // namespace

TEST_CASE("the median of whole numbers: the middle value, or the mean of the two middle values") {
  CHECK(counts_of({7, 1, 3}).median() == 3.0);
  CHECK(counts_of({9, 1, 4, 2}).median() == 3.0);
  CHECK(counts_of({5, 5, 1, 5}).median() == 5.0);
  CHECK(counts_of({2}).median() == 2.0);
  CHECK(counts_of({3, 4}).median() == 3.5);
  CHECK(std::isnan(counts_of({}).median()));
}

TEST_CASE("whole-number counts grow both ways and agree with a sorted list") {
  // Values arriving above and below the first one (negative too), many repeats.
  std::mt19937 generator(11);
  for (const int n : {1, 2, 3, 10, 101, 1000}) {
    std::uniform_int_distribution<int> value(-40, 180);
    std::vector<int> values;
    sim::WholeNumberCounts counts;
    for (int k = 0; k < n; ++k) {
      values.push_back(value(generator));
      counts.add(values.back());
    }
    CHECK(counts.count() == values.size());
    CHECK(counts.median() == sorted_median(values));
    for (const int limit : {-41, -40, 0, 2, 42, 180, 500})
      CHECK(counts.at_most(limit) ==
            static_cast<std::uint64_t>(std::count_if(values.begin(), values.end(), [&](int v) { return v <= limit; })));
  }
}

TEST_CASE("a sum in lanes is the sum, to rounding, over any range, and the same bits every time") {
  std::vector<double> values;
  for (int k = 0; k < 1003; ++k) values.push_back(0.1 * k + 1.0 / (k + 1));
  for (const auto& [from, to] : {std::pair<std::size_t, std::size_t>{0, 1003}, {5, 6}, {7, 7}, {3, 10}, {998, 1003}}) {
    double plain = 0.0;
    for (std::size_t i = from; i < to; ++i) plain += values[i];
    CHECK(sim::sum_in_lanes(values.data(), from, to) == Approx(plain).epsilon(1e-14));
    CHECK(sim::sum_in_lanes(values.data(), from, to) == sim::sum_in_lanes(values.data(), from, to));
  }
  CHECK(sim::sum_in_lanes(values.data(), 7, 7) == 0.0);
}
