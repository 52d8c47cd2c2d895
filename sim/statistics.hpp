#pragma once
// Replicate statistics: the mean of independent runs and its 95% interval
// (Student's t, since replicate counts are often small).
#include <cmath>
#include <cstddef>
#include <vector>

namespace sim {

// A running mean that leaves out undefined (NaN) values; NaN when there are
// none. Modules average agents' states with it; the engine averages a
// series over the measured days with it (SeriesMean).
struct RunningMean {
  double total = 0.0;
  std::size_t n = 0;
  void add(double value) {
    if (std::isnan(value)) return;
    total += value;
    ++n;
  }
  [[nodiscard]] double value() const { return n ? total / static_cast<double>(n) : std::nan(""); }
};

struct Estimate {
  double mean = 0.0;
  double lo95 = 0.0;
  double hi95 = 0.0;
  std::size_t n = 0;  // finite values used
};

// Ignores NaN (an outcome undefined in that run); n = 0 gives NaNs.
Estimate estimate_mean(const std::vector<double>& values);

// The median of whole numbers (e.g. days): the middle value, the mean of the
// two middle values for an even count, NaN when there are none.
double median(std::vector<int> values);

}  // namespace sim
