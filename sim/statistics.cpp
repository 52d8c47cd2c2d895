#include "sim/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <algorithm>
#include <cmath>

namespace sim {

Estimate estimate_mean(const std::vector<double>& values) {
  Estimate estimate;
  double sum = 0.0;
  for (const double value : values)
    if (std::isfinite(value)) {
      sum += value;
      ++estimate.n;
    }
  if (estimate.n == 0) {
    estimate.mean = estimate.lo95 = estimate.hi95 = std::nan("");
    return estimate;
  }
  const auto n = static_cast<double>(estimate.n);
  estimate.mean = sum / n;
  if (estimate.n == 1) {
    estimate.lo95 = estimate.hi95 = std::nan("");  // one run says nothing about its spread
    return estimate;
  }
  double squares = 0.0;
  for (const double value : values)
    if (std::isfinite(value)) squares += (value - estimate.mean) * (value - estimate.mean);
  const double standard_error = std::sqrt(squares / (n - 1.0) / n);
  const boost::math::students_t t(n - 1.0);
  const double half_width = boost::math::quantile(boost::math::complement(t, 0.025)) * standard_error;
  estimate.lo95 = estimate.mean - half_width;
  estimate.hi95 = estimate.mean + half_width;
  return estimate;
}

double median(std::vector<int> values) {
  if (values.empty()) return std::nan("");
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  const double upper = *middle;
  if (values.size() % 2) return upper;
  return (*std::max_element(values.begin(), middle) + upper) / 2.0;  // nth_element left the lower half before middle
}

}  // namespace sim
