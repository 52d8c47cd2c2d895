#pragma once
// Paired comparisons of replicate runs under common random numbers
// (replicate r of both arms shares its seed): the mean and standard error of
// the paired difference of a summary outcome, and the check that one arm
// exceeds the other by a minimum and by 3 standard errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <concepts>
#include <vector>

#include "sim/simulation.hpp"

namespace test_support {

struct Paired {
  double mean = 0.0, standard_error = 0.0;
};

// Mean and standard error of b - a over paired replicates of a per-run value, value(run).
template <class Value>
  requires std::invocable<Value, const sim::RunResult&>
Paired paired_difference(const std::vector<sim::RunResult>& a, const std::vector<sim::RunResult>& b, Value value) {
  std::vector<double> d;
  for (std::size_t r = 0; r < a.size(); ++r) d.push_back(value(b[r]) - value(a[r]));
  Paired p;
  for (const double x : d) p.mean += x / static_cast<double>(d.size());
  double squares = 0.0;
  for (const double x : d) squares += (x - p.mean) * (x - p.mean);
  p.standard_error = std::sqrt(squares / static_cast<double>(d.size() - 1) / static_cast<double>(d.size()));
  return p;
}

// The same for a summary outcome.
inline Paired paired_difference(const std::vector<sim::RunResult>& a, const std::vector<sim::RunResult>& b,
                                std::size_t outcome) {
  return paired_difference(a, b, [outcome](const sim::RunResult& run) { return run.summary[outcome]; });
}

// b exceeds a by at least `minimum`, and by 3 standard errors.
inline void check_increase(const std::vector<sim::RunResult>& a, const std::vector<sim::RunResult>& b,
                           std::size_t outcome, double minimum, const char* what) {
  const auto p = paired_difference(a, b, outcome);
  INFO(what << ": paired difference " << p.mean << " (SE " << p.standard_error << "), minimum " << minimum);
  CHECK(p.mean >= minimum);
  CHECK(p.mean >= 3.0 * p.standard_error);
}

inline double mean_series_at(const std::vector<sim::RunResult>& runs, std::size_t series, int day) {
  double total = 0.0;
  for (const auto& result : runs) total += result.at(series, day);
  return total / static_cast<double>(runs.size());
}

}  // namespace test_support
