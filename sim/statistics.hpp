#pragma once
// Replicate statistics: the mean of independent runs and its 95% interval
// (Student's t, since replicate counts are often small).
#include <cmath>
#include <cstddef>
#include <cstdint>
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

// The sum of values[from, to) in four interleaved partial sums, added together at the end:
// a fixed order (the same bits every run) whose additions do not each wait on the one
// before, so a pass over a few hundred thousand values runs at the speed of memory
// rather than of the adder's latency. Not the bits of a plain left-to-right sum.
inline double sum_in_lanes(const double* values, std::size_t from, std::size_t to) {
  double lane[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t i = from;
  for (; i + 4 <= to; i += 4)
    for (std::size_t k = 0; k < 4; ++k) lane[k] += values[i + k];
  for (; i < to; ++i) lane[0] += values[i];
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

struct Estimate {
  double mean = 0.0;
  double lo95 = 0.0;
  double hi95 = 0.0;
  std::size_t n = 0;  // finite values used
};

// Ignores NaN (an outcome undefined in that run); n = 0 gives NaNs.
Estimate estimate_mean(const std::vector<double>& values);

// Counts of whole numbers (e.g. days), kept as one count per value seen:
// memory grows with the range of values, not with how many there are (a run
// at England scale tallies over a million mothers' delays).
class WholeNumberCounts {
 public:
  void add(int value);
  [[nodiscard]] std::uint64_t count() const { return total_; }
  // How many values are at most `limit`.
  [[nodiscard]] std::uint64_t at_most(int limit) const;
  // The middle value, the mean of the two middle values for an even count, NaN when there are none.
  [[nodiscard]] double median() const;

 private:
  [[nodiscard]] int value_at_rank(std::uint64_t rank) const;  // 0-based, in ascending order
  std::vector<std::uint64_t> counts_;  // counts_[k]: how many values equal lowest_ + k
  int lowest_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace sim
