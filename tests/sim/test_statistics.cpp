#include <catch2/catch.hpp>
#include <cmath>

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

TEST_CASE("the median of whole numbers: the middle value, or the mean of the two middle values") {
  CHECK(sim::median({7, 1, 3}) == 3.0);
  CHECK(sim::median({9, 1, 4, 2}) == 3.0);
  CHECK(sim::median({5, 5, 1, 5}) == 5.0);
  CHECK(sim::median({2}) == 2.0);
  CHECK(std::isnan(sim::median({})));
}
