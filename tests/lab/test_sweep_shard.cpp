// Shards of a sweep: every run in exactly one shard, rows in run order, and
// shard names parsed strictly.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "lab/sweep_shard.hpp"
#include "sim/errors.hpp"

TEST_CASE("every run of a sweep is in exactly one shard, at the row runs_of and row_of agree on") {
  for (const std::uint64_t runs : {0ULL, 1ULL, 7ULL, 40ULL, 1001ULL}) {
    for (const std::uint64_t count : {1ULL, 2ULL, 3ULL, 8ULL, 50ULL}) {
      std::vector<int> owners(runs, 0);
      std::uint64_t total = 0;
      for (std::uint64_t index = 1; index <= count; ++index) {
        const lab::Shard shard{index, count};
        std::uint64_t rows = 0;
        for (std::uint64_t run = 0; run < runs; ++run)
          if (shard.contains(run)) {
            ++owners[run];
            CHECK(shard.row_of(run) == rows);  // rows follow run order without gaps
            ++rows;
          }
        CHECK(shard.runs_of(runs) == rows);
        total += rows;
      }
      CHECK(total == runs);
      for (const int owner : owners) CHECK(owner == 1);
    }
  }
}

TEST_CASE("shards are parsed as I/N with 1 <= I <= N") {
  const auto shard = lab::parse_shard("2/8", "--shard");
  CHECK(shard.index == 2);
  CHECK(shard.count == 8);
  CHECK(shard.name() == "2/8");
  CHECK(lab::parse_shard("1/1", "--shard").count == 1);
  for (const char* bad : {"0/3", "4/3", "3", "/3", "3/", "a/b", "1/0", "-1/3", "+1/3", " 1/3", "1/3/2", "1/2000000", ""})
    CHECK_THROWS_AS(lab::parse_shard(bad, "--shard"), sim::InputError);
}
