#include "sim/random.hpp"

#include <cmath>
#include <numbers>

namespace sim {

std::uint64_t mix64(std::uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

std::uint64_t replicate_seed(std::uint64_t seed, std::uint64_t replicate) {
  return mix64(mix64(seed) ^ mix64(replicate + 0x5EEDULL));
}

std::uint32_t Draws::below(std::uint32_t n) {
  return static_cast<std::uint32_t>(std::min<double>(std::floor(uniform() * n), n - 1));
}

double Draws::normal() {
  const double u1 = 1.0 - uniform();  // in (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::uint64_t Draws::poisson(double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < 10.0) {
    // Inversion by sequential search: exact, and a handful of steps here.
    const double u = uniform();
    double term = std::exp(-mean);
    double cumulative = term;
    std::uint64_t k = 0;
    while (u > cumulative && k < 1000) {
      ++k;
      term *= mean / static_cast<double>(k);
      cumulative += term;
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (Hörmann 1993), exact for mean >= 10.
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1.0))
      return static_cast<std::uint64_t>(k);
  }
}

}  // namespace sim
