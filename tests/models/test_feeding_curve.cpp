#include <catch2/catch.hpp>

#include "models/feeding_curve.hpp"
#include "models/parameters.hpp"

namespace {

sim::ParameterSet defaults() {
  sim::ParameterSet p(models::parameter_registry());
  p.set("name", std::string("t"), {});
  return p;
}

}  // namespace

TEST_CASE("the usual-care curve meets the Infant Feeding Survey table exactly") {
  const auto curve = models::derive_feeding_curve(defaults());
  const auto shares = curve.expected_shares();
  CHECK(shares.any[0] == Approx(0.81));
  CHECK(shares.any[7] == Approx(0.69));
  CHECK(shares.any[42] == Approx(0.55));
  CHECK(shares.any[182] == Approx(0.34));
  CHECK(shares.exclusive[0] == Approx(0.69));
  CHECK(shares.exclusive[7] == Approx(0.46));
  CHECK(shares.exclusive[42] == Approx(0.23));
  CHECK(shares.exclusive[91] == Approx(0.17));
  CHECK(shares.exclusive[122] == Approx(0.12));
  CHECK(shares.exclusive[182] == Approx(0.01));
  // Between the table's ages the curve falls steadily: never rises, never below exclusive.
  for (int age = 1; age <= 182; ++age) {
    CHECK(shares.any[age] <= shares.any[age - 1] + 1e-12);
    CHECK(shares.exclusive[age] <= shares.any[age]);
  }
  // Not a target, but a check against the survey: about 21% of starters stop within 2 weeks (IFS 2000).
  CHECK(1.0 - shares.any[14] / shares.any[0] == Approx(0.19).margin(0.03));
}

TEST_CASE("an impossible feeding table is bad input at the offending key") {
  auto p = defaults();
  p.set("feeding.exclusive_6w", 0.6, {"s.yaml", 4, 3});
  CHECK_THROWS_WITH(models::derive_feeding_curve(p), Catch::Contains("s.yaml:4:3: key 'feeding.exclusive_6w'"));
  auto q = defaults();
  q.set("feeding.exclusive_exit_to_none", 1.0, {"s.yaml", 2, 1});
  CHECK_THROWS_WITH(models::derive_feeding_curve(q), Catch::Contains("lower feeding.exclusive_exit_to_none"));
}
