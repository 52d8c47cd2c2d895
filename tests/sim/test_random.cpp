#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "sim/random.hpp"

using namespace sim;

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors") {
  CHECK(philox4x32({0, 0, 0, 0}, {0, 0}) == Counter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        Counter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        Counter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("a draw depends only on its key: seed, stream, agent, day") {
  const RandomStreams a(42), b(42), c(43);
  CHECK(a.uniform(1, 7, 100) == b.uniform(1, 7, 100));
  CHECK(a.uniform(1, 7, 100) != c.uniform(1, 7, 100));
  CHECK(a.uniform(1, 7, 100) != a.uniform(2, 7, 100));
  CHECK(a.uniform(1, 7, 100) != a.uniform(1, 8, 100));
  CHECK(a.uniform(1, 7, 100) != a.uniform(1, 7, 101));
  // The single-draw shortcut is the first draw of the sequence.
  CHECK(a.uniform(3, 5, 9) == a.draws(3, 5, 9).uniform());
  CHECK(a.uniform(3, 5, 9, 1) == a.draws(3, 5, 9, 1).uniform());
  // Slots are independent sequences of one key.
  CHECK(a.uniform(3, 5, 9, 1) != a.uniform(3, 5, 9, 0));
}

TEST_CASE("replicate seeds are distinct and reproducible") {
  std::set<std::uint64_t> seeds;
  for (std::uint64_t r = 0; r < 1000; ++r) seeds.insert(replicate_seed(7, r));
  CHECK(seeds.size() == 1000);
  CHECK(replicate_seed(7, 3) == replicate_seed(7, 3));
  CHECK(replicate_seed(7, 3) != replicate_seed(8, 3));
}

// Sampled moments within 4 standard errors of the distribution's (fixed seed: never flaky).
TEST_CASE("uniforms, normals and Poisson counts have the right moments") {
  const RandomStreams streams(2024);
  constexpr int n = 200'000;
  double sum = 0, sum_sq = 0, normal_sum = 0, normal_sq = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    auto draws = streams.draws(9, i, 0);
    const double u = draws.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum_sq += u * u;
    const double z = draws.normal();
    normal_sum += z;
    normal_sq += z * z;
  }
  CHECK(std::abs(sum / n - 0.5) < 4 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(sum_sq / n - 1.0 / 3) < 4 * std::sqrt((1.0 / 5 - 1.0 / 9) / n));
  CHECK(std::abs(normal_sum / n) < 4 * std::sqrt(1.0 / n));
  CHECK(std::abs(normal_sq / n - 1.0) < 4 * std::sqrt(2.0 / n));

  for (const double mean : {0.3, 4.0, 9.9, 10.0, 55.5, 1644.0}) {
    constexpr int m = 50'000;
    double total = 0, squares = 0;
    for (std::uint32_t i = 0; i < m; ++i) {
      const auto k = static_cast<double>(streams.draws(11, i, 1).poisson(mean));
      total += k;
      squares += k * k;
    }
    const double sample_mean = total / m;
    const double sample_var = squares / m - sample_mean * sample_mean;
    INFO("mean " << mean);
    CHECK(std::abs(sample_mean - mean) < 4 * std::sqrt(mean / m));
    // Var of the sample variance of a Poisson is about (mean + 2 mean^2) / m.
    CHECK(std::abs(sample_var - mean) < 4 * std::sqrt((mean + 2 * mean * mean) / m));
  }
}

TEST_CASE("below(n) stays in range and covers it evenly") {
  const RandomStreams streams(5);
  std::array<int, 7> counts{};
  constexpr int n = 70'000;
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto k = streams.draws(4, i, 0).below(7);
    REQUIRE(k < 7);
    ++counts[k];
  }
  for (const int count : counts) CHECK(std::abs(count - n / 7.0) < 4 * std::sqrt(n * (1.0 / 7) * (6.0 / 7)));
}

TEST_CASE("a batch of draws gives each agent exactly its own keyed draws") {
  const RandomStreams streams(77);
  // Agents in any order and any number up to the capacity: a batch never changes a number.
  for (const std::size_t count : {std::size_t{1}, std::size_t{7}, std::size_t{9}, DrawsBatch::kCapacity}) {
    DrawsBatch batch(streams, 6, 123, 2);
    for (std::size_t j = 0; j < count; ++j) batch.add(static_cast<std::uint32_t>(1'000'003 * j % 4'096));
    batch.generate();
    REQUIRE(batch.size() == count);
    for (std::size_t j = 0; j < count; ++j) {
      auto batched = batch.draws(j);
      auto single = streams.draws(6, static_cast<std::uint32_t>(1'000'003 * j % 4'096), 123, 2);
      // Three blocks: the one generated in the batch and two refills after it.
      for (int k = 0; k < 6; ++k) REQUIRE(batched.uniform() == single.uniform());
    }
  }
}
