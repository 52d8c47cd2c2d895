#include "sim/random.hpp"

#include <cmath>
#include <cstdlib>
#include <numbers>

#if defined(__x86_64__)
// GCC 12's AVX-512 header trips its own -Wmaybe-uninitialized (the `__Y = __Y` of _mm512_undefined_*).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif

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

namespace {

// The counters (agents[j], day, stream, block) of a batch through
// Philox4x32-10, one at a time: the portable path.
void philox4x32_each(std::size_t n, const std::uint32_t* agents, std::uint32_t day, std::uint32_t stream,
                     std::uint32_t block, Key key, std::array<std::array<std::uint32_t, DrawsBatch::kCapacity>, 4>& words) {
  for (std::size_t j = 0; j < n; ++j) {
    const Counter out = philox4x32({agents[j], day, stream, block}, key);
    for (std::size_t w = 0; w < 4; ++w) words[w][j] = out[w];
  }
}

#if defined(__x86_64__)
// The same with AVX2, four counters at a time: each 32-bit word sits in the
// low half of a 64-bit lane, where vpmuludq reads it, so a round is two
// multiplies, two shifts and four xors for four blocks. The high halves carry
// garbage that no multiply reads and the final pack drops. `n` is rounded up
// to a multiple of 4 (the batch's arrays are padded).
__attribute__((target("avx2"))) void philox4x32_avx2(
    std::size_t n, const std::uint32_t* agents, std::uint32_t day, std::uint32_t stream, std::uint32_t block, Key key,
    std::array<std::array<std::uint32_t, DrawsBatch::kCapacity>, 4>& words) {
  const __m256i multiplier0 = _mm256_set1_epi64x(kPhiloxMultiplier0);
  const __m256i multiplier1 = _mm256_set1_epi64x(kPhiloxMultiplier1);
  const __m256i low_words = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  for (std::size_t j = 0; j < n; j += 4) {
    __m256i c0 = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(agents + j)));
    __m256i c1 = _mm256_set1_epi64x(day), c2 = _mm256_set1_epi64x(stream), c3 = _mm256_set1_epi64x(block);
    std::uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
      const __m256i product0 = _mm256_mul_epu32(c0, multiplier0);
      const __m256i product1 = _mm256_mul_epu32(c2, multiplier1);
      c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(product1, 32), c1), _mm256_set1_epi64x(k0));
      c1 = product1;
      c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(product0, 32), c3), _mm256_set1_epi64x(k1));
      c3 = product0;
      k0 += kPhiloxWeyl0;
      k1 += kPhiloxWeyl1;
    }
    for (std::size_t w = 0; w < 4; ++w) {
      const __m256i value = w == 0 ? c0 : w == 1 ? c1 : w == 2 ? c2 : c3;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(words[w].data() + j),
                       _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(value, low_words)));
    }
  }
}

// The same with AVX-512, eight counters at a time (the same lanes, twice as
// wide; each three-way xor one ternary-logic instruction). `n` is rounded up
// to a multiple of 8.
__attribute__((target("avx512f"))) void philox4x32_avx512(
    std::size_t n, const std::uint32_t* agents, std::uint32_t day, std::uint32_t stream, std::uint32_t block, Key key,
    std::array<std::array<std::uint32_t, DrawsBatch::kCapacity>, 4>& words) {
  constexpr int kXor3 = 0x96;  // ternary-logic truth table of a ^ b ^ c
  const __m512i multiplier0 = _mm512_set1_epi64(kPhiloxMultiplier0);
  const __m512i multiplier1 = _mm512_set1_epi64(kPhiloxMultiplier1);
  for (std::size_t j = 0; j < n; j += 8) {
    __m512i c0 = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(agents + j)));
    __m512i c1 = _mm512_set1_epi64(day), c2 = _mm512_set1_epi64(stream), c3 = _mm512_set1_epi64(block);
    std::uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; ++round) {
      const __m512i product0 = _mm512_mul_epu32(c0, multiplier0);
      const __m512i product1 = _mm512_mul_epu32(c2, multiplier1);
      c0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(product1, 32), c1, _mm512_set1_epi64(k0), kXor3);
      c1 = product1;
      c2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(product0, 32), c3, _mm512_set1_epi64(k1), kXor3);
      c3 = product0;
      k0 += kPhiloxWeyl0;
      k1 += kPhiloxWeyl1;
    }
    for (std::size_t w = 0; w < 4; ++w) {
      const __m512i value = w == 0 ? c0 : w == 1 ? c1 : w == 2 ? c2 : c3;
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(words[w].data() + j), _mm512_cvtepi64_epi32(value));
    }
  }
}
#endif

}  // namespace

void DrawsBatch::generate() {
  const std::uint32_t block = std::uint32_t{slot_} << 16;
#if defined(__x86_64__)
  // PPISIM_NO_SIMD=1 takes the portable path on any CPU, PPISIM_NO_AVX512=1 the AVX2 one on a CPU with
  // AVX-512: tests/cli/test_run.py compares the three, bit for bit.
  static const bool simd = std::getenv("PPISIM_NO_SIMD") == nullptr;
  static const bool has_avx512 = simd && __builtin_cpu_supports("avx512f") && std::getenv("PPISIM_NO_AVX512") == nullptr;
  static const bool has_avx2 = simd && __builtin_cpu_supports("avx2");
  static_assert(kCapacity % 8 == 0, "the SIMD paths fill whole vectors of eight and of four");
  if (has_avx512) {
    philox4x32_avx512((size_ + 7) / 8 * 8, agents_.data(), day_, stream_, block, key_, words_);
    return;
  }
  if (has_avx2) {
    philox4x32_avx2((size_ + 3) / 4 * 4, agents_.data(), day_, stream_, block, key_, words_);
    return;
  }
#endif
  philox4x32_each(size_, agents_.data(), day_, stream_, block, key_, words_);
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
