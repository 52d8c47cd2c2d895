// PRIM (lab/prim.hpp) on synthetic designs whose boxes are known.
#include <catch2/catch.hpp>
#include <cmath>

#include "lab/prim.hpp"
#include "sim/random.hpp"

namespace {

// n points uniform in [0, 1]^k, from keyed random numbers (the same points every run).
Eigen::MatrixXd uniform_points(Eigen::Index n, Eigen::Index k, std::uint64_t seed) {
  const sim::RandomStreams streams(seed);
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    auto draws = streams.draws(1, static_cast<std::uint32_t>(i), 0);
    for (Eigen::Index j = 0; j < k; ++j) x(i, j) = draws.uniform();
  }
  return x;
}

}  // namespace

TEST_CASE("PRIM finds a known box in 4 factors: the two it restricts, its limits and their bootstrap intervals") {
  // Cases where x0 > 0.6 and x2 < 0.3 (a box of 12% of the space); 5% of the labels flipped at random.
  const Eigen::MatrixXd x = uniform_points(2000, 4, 7);
  Eigen::VectorXd cases(x.rows());
  const sim::RandomStreams noise(11);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const bool in_box = x(i, 0) > 0.6 && x(i, 2) < 0.3;
    cases(i) = (noise.uniform(2, static_cast<std::uint32_t>(i), 0) < 0.05) != in_box ? 1.0 : 0.0;
  }
  lab::PrimOptions options;
  options.bootstrap = 40;
  options.max_boxes = 1;
  const auto boxes = lab::prim(x, cases, options);
  REQUIRE(boxes.size() == 1);
  const auto& box = boxes[0].box;
  CHECK(box.restricted == 2);
  CHECK(box.lower(0) == Approx(0.6).margin(0.03));
  CHECK(box.upper(2) == Approx(0.3).margin(0.03));
  CHECK(box.lower(1) == Approx(x.col(1).minCoeff()));  // unrestricted factors keep the data's range
  CHECK(box.upper(3) == Approx(x.col(3).maxCoeff()));
  CHECK(box.density > 0.8);
  CHECK(box.coverage > 0.6);  // the true box holds 72% of the cases, the flipped labels outside it the rest
  // the trajectory trades coverage for density: coverage never rises as the box is peeled
  const auto& steps = boxes[0].trajectory;
  REQUIRE(steps.size() > 10);
  CHECK(steps.front().coverage == Approx(1.0));
  for (std::size_t k = 1; k < steps.size(); ++k) CHECK(steps[k].coverage <= steps[k - 1].coverage + 1e-12);
  CHECK(steps[boxes[0].chosen].density > steps.front().density * 3);
  // bootstrap intervals hold the estimate and the true limits
  CHECK(boxes[0].bootstrap_found == 40);
  CHECK(boxes[0].lower[0].lo95 <= 0.6);
  CHECK(boxes[0].lower[0].hi95 >= box.lower(0) - 1e-12);
  CHECK(boxes[0].upper[2].lo95 <= box.upper(2) + 1e-12);
  CHECK(boxes[0].upper[2].hi95 >= 0.3 - 0.02);
  CHECK(boxes[0].density.lo95 <= box.density);
  CHECK(boxes[0].density.hi95 >= box.density);
  CHECK(boxes[0].coverage.lo95 < boxes[0].coverage.hi95);
  // the same points and seed give the same boxes
  const auto again = lab::prim(x, cases, options);
  CHECK(again[0].box.lower == box.lower);
  CHECK(again[0].lower[0].lo95 == boxes[0].lower[0].lo95);
}

TEST_CASE("PRIM covering finds two separate boxes one after the other, and restricting dimensions limits a box") {
  // Two corners: x0 < 0.25 and x1 < 0.4, or x0 > 0.75 and x2 > 0.6. Greedy peeling cannot isolate one corner
  // from the whole space at once (its first box mixes them, as PRIM's does); covering finds each among the rest.
  const Eigen::MatrixXd x = uniform_points(3000, 3, 5);
  Eigen::VectorXd cases(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    cases(i) = ((x(i, 0) < 0.25 && x(i, 1) < 0.4) || (x(i, 0) > 0.75 && x(i, 2) > 0.6)) ? 1.0 : 0.0;
  lab::PrimOptions options;
  options.bootstrap = 0;
  options.min_coverage = 0.3;
  const auto boxes = lab::prim(x, cases, options);
  REQUIRE(boxes.size() == 3);
  bool low_corner = false, high_corner = false;
  double covered = 0.0;
  for (const auto& found : boxes) {
    const auto& b = found.box;
    covered += b.coverage;
    if (b.density > 0.95 && b.upper(0) == Approx(0.25).margin(0.03) && b.upper(1) == Approx(0.4).margin(0.05)) low_corner = true;
    if (b.density > 0.95 && b.lower(0) == Approx(0.75).margin(0.03) && b.lower(2) == Approx(0.6).margin(0.05)) high_corner = true;
  }
  CHECK(low_corner);
  CHECK(high_corner);
  CHECK(covered == Approx(1.0).margin(0.35));
  // a box is sought only among the points earlier boxes left: coverages add up to at most 1
  CHECK(covered <= 1.0 + 1e-12);
  // at most one restricted factor: no box can isolate a corner that needs two
  options.max_restricted = 1;
  const auto limited = lab::prim(x, cases, options);
  REQUIRE(!limited.empty());
  for (const auto& found : limited) {
    CHECK(found.box.restricted <= 1);
    CHECK(found.box.density < 0.95);
  }
}
