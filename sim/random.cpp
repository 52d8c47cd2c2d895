#include "sim/random.hpp"

#include <cmath>
#include <numbers>

namespace sim {
namespace {

constexpr std::uint32_t kMultiplier0 = 0xD2511F53;
constexpr std::uint32_t kMultiplier1 = 0xCD9E8D57;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85;

inline void multiply(std::uint32_t a, std::uint32_t b, std::uint32_t& high, std::uint32_t& low) {
  const std::uint64_t product = std::uint64_t{a} * b;
  high = static_cast<std::uint32_t>(product >> 32);
  low = static_cast<std::uint32_t>(product);
}

}  // namespace

Counter philox4x32(Counter counter, Key key) {
  for (int round = 0; round < 10; ++round) {
    std::uint32_t high0, low0, high1, low1;
    multiply(kMultiplier0, counter[0], high0, low0);
    multiply(kMultiplier1, counter[2], high1, low1);
    counter = {high1 ^ counter[1] ^ key[0], low1, high0 ^ counter[3] ^ key[1], low0};
    key[0] += kWeyl0;
    key[1] += kWeyl1;
  }
  return counter;
}

std::uint64_t mix64(std::uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

std::uint64_t replicate_seed(std::uint64_t seed, std::uint64_t replicate) {
  return mix64(mix64(seed) ^ mix64(replicate + 0x5EEDULL));
}

void Draws::refill() {
  // Counter layout: agent, day, stream, and a block number for longer sequences.
  words_ = philox4x32({agent_, day_, stream_, block_++}, key_);
  next_word_ = 0;
}

double Draws::uniform() {
  if (next_word_ > 2) refill();
  const double u = to_unit_interval(words_[next_word_], words_[next_word_ + 1]);
  next_word_ += 2;
  return u;
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

double RandomStreams::uniform(std::uint32_t stream, std::uint32_t agent, std::uint32_t day, std::uint16_t slot) const {
  const Counter words = philox4x32({agent, day, stream, std::uint32_t{slot} << 16}, key_);
  return to_unit_interval(words[0], words[1]);
}

}  // namespace sim
