#pragma once
// Scenario discovery by PRIM, the Patient Rule Induction Method (Friedman &
// Fisher 1999, Statistics and Computing 9:123-143): boxes in the space of a
// sweep's factors where a case of interest (an outcome meeting a condition)
// is dense. Each box is grown by peeling (removing the alpha share of the
// box's points on the side of one factor that most raises the density),
// recorded as a trajectory of coverage against density, chosen on that
// trade-off (the least-peeled box covering at least min_coverage of the cases
// whose density is within density_tolerance of the densest such box: peeling
// on for a last point of density restricts factors the data do not need),
// then pasted (bounds widened again while that raises density).
// Several boxes: each next box is sought among the points the earlier ones
// leave. Bootstrap intervals (points resampled, the whole method rerun) give
// each box's coverage, density and limits their sampling uncertainty.
#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace lab {

struct PrimOptions {
  double peel_alpha = 0.05;    // share of the box's points removed by one peel
  double paste_alpha = 0.05;   // share of the box's points added by one paste
  double min_mass = 0.05;      // peeling stops before a box holds fewer than this share of all points
  double min_coverage = 0.5;   // the trajectory's box chosen covers at least this share of the cases (left in the pool) ...
  double density_tolerance = 0.05;  // ... and is the least peeled within this share of the densest such box
  std::size_t max_restricted = std::numeric_limits<std::size_t>::max();  // factors a box may restrict
  std::size_t max_boxes = 3;   // covering: boxes sought one after another
  double min_box_density = 0.0;  // a later box is kept only if denser than this (default: the data's density)
  std::size_t bootstrap = 200;
  std::uint64_t seed = 1;
};

struct PrimStep {              // one box of a peeling trajectory
  Eigen::VectorXd lower, upper;
  double coverage = 0.0;       // cases in the box / all cases (of the whole data)
  double density = 0.0;        // cases in the box / points in the box
  double mass = 0.0;           // points in the box / all points
  std::size_t restricted = 0;  // factors whose limits are inside the data's range
};

struct PrimInterval {
  double lo95 = std::numeric_limits<double>::quiet_NaN();
  double hi95 = std::numeric_limits<double>::quiet_NaN();
};

struct PrimBox {
  std::vector<PrimStep> trajectory;  // peeling, from the whole space
  std::size_t chosen = 0;            // the trajectory's step chosen (before pasting)
  PrimStep box;                      // the chosen step after pasting
  PrimInterval coverage, density;    // bootstrap 95% intervals
  std::vector<PrimInterval> lower, upper;  // per factor
  std::size_t bootstrap_found = 0;   // resamples in which this box was found
};

// x: points x factors; cases: 1 where the point meets the condition, else 0.
std::vector<PrimBox> prim(const Eigen::MatrixXd& x, const Eigen::VectorXd& cases, const PrimOptions& options);

}  // namespace lab
