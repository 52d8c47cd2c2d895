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

void WholeNumberCounts::add(int value) {
  if (counts_.empty()) {
    lowest_ = value;
  } else if (value < lowest_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(lowest_ - value), 0);
    lowest_ = value;
  }
  const auto k = static_cast<std::size_t>(value - lowest_);
  if (k >= counts_.size()) counts_.resize(k + 1, 0);
  ++counts_[k];
  ++total_;
}

std::uint64_t WholeNumberCounts::at_most(int limit) const {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < counts_.size() && lowest_ + static_cast<int>(k) <= limit; ++k) n += counts_[k];
  return n;
}

int WholeNumberCounts::value_at_rank(std::uint64_t rank) const {
  std::uint64_t below = 0;
  for (std::size_t k = 0;; ++k) {
    below += counts_[k];
    if (rank < below) return lowest_ + static_cast<int>(k);
  }
}

double WholeNumberCounts::median() const {
  if (total_ == 0) return std::nan("");
  const double upper = value_at_rank(total_ / 2);
  if (total_ % 2) return upper;
  return (value_at_rank(total_ / 2 - 1) + upper) / 2.0;
}

}  // namespace sim
