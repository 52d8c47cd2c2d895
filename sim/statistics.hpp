#pragma once
// Replicate statistics: the mean of independent runs and its 95% interval
// (Student's t, since replicate counts are often small).
#include <vector>

namespace sim {

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
