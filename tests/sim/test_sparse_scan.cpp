// for_each_present: the visits of the plain loop over a column, in its order,
// whatever the lengths, offsets, density and what the visits write.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/random.hpp"
#include "sim/sparse_scan.hpp"

namespace {

constexpr std::int32_t kAbsent = -1;

// A column with entries present at about `density`, keyed draws so each case is fixed.
std::vector<std::int32_t> column_of(std::size_t n, double density, std::uint32_t seed) {
  const sim::RandomStreams random(seed);
  std::vector<std::int32_t> column(n, kAbsent);
  for (std::size_t i = 0; i < n; ++i)
    if (random.uniform(0, static_cast<std::uint32_t>(i), 0) < density) column[i] = static_cast<std::int32_t>(i % 7);
  return column;
}

// A visit that clears the entry it visits and, every third visit, sets or clears
// one a few entries ahead (in the pass's direction): later blocks must see it.
struct Meddler {
  std::vector<std::int32_t>& column;
  std::vector<std::size_t>& seen;
  int direction;
  void operator()(std::size_t i) const {
    seen.push_back(i);
    column[i] = kAbsent;
    if (seen.size() % 3 == 0) {
      const auto ahead = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) + direction * 37);
      if (ahead < column.size()) column[ahead] = column[ahead] == kAbsent ? 5 : kAbsent;
    }
  }
};

}  // namespace

TEST_CASE("for_each_present visits what the plain loop visits, in its order, seeing the visits' writes") {
  for (const double density : {0.0, 0.005, 0.05, 0.5, 1.0})
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{31}, std::size_t{32}, std::size_t{33},
                                std::size_t{1000}})
      for (const std::size_t from : {std::size_t{0}, std::size_t{3}}) {
        if (from > n) continue;
        const auto start = column_of(n, density, static_cast<std::uint32_t>(n + 17 * from));
        std::vector<std::size_t> expected, got;
        auto plain = start, scanned = start;
        const Meddler plain_visit{plain, expected, 1}, scanned_visit{scanned, got, 1};
        for (std::size_t i = from; i < n; ++i)
          if (plain[i] != kAbsent) plain_visit(i);
        sim::for_each_present(scanned.data(), kAbsent, from, n, scanned_visit);
        CHECK(got == expected);
        CHECK(scanned == plain);

        std::vector<std::size_t> expected_down, got_down;
        auto plain_down = start, scanned_down = start;
        const Meddler plain_down_visit{plain_down, expected_down, -1}, scanned_down_visit{scanned_down, got_down, -1};
        for (std::size_t i = n; i-- > from;)
          if (plain_down[i] != kAbsent) plain_down_visit(i);
        sim::for_each_present_descending(scanned_down.data(), kAbsent, from, n, scanned_down_visit);
        CHECK(got_down == expected_down);
        CHECK(scanned_down == plain_down);
      }
}

TEST_CASE("for_each_present works on byte columns") {
  std::vector<std::uint8_t> column(100, 0);
  column[0] = column[40] = column[99] = 2;
  std::vector<std::size_t> seen;
  sim::for_each_present<std::uint8_t>(column.data(), 0, 0, column.size(), [&](std::size_t i) { seen.push_back(i); });
  CHECK(seen == std::vector<std::size_t>{0, 40, 99});
}

TEST_CASE("for_each_present compares enums and negative absent values as whole entries") {
  enum class Kind : std::uint8_t { a = 1, absent = 3 };
  std::vector<Kind> kinds(70, Kind::absent);
  kinds[5] = kinds[64] = Kind::a;
  std::vector<std::size_t> seen;
  sim::for_each_present(kinds.data(), Kind::absent, 0, kinds.size(), [&](std::size_t i) { seen.push_back(i); });
  CHECK(seen == std::vector<std::size_t>{5, 64});
  std::vector<std::int32_t> ids(70, -1);  // kNobody
  ids[33] = 0;                            // a present 0 differs from -1 in every bit
  ids[34] = -2;                           // and -2 in one
  seen.clear();
  sim::for_each_present(ids.data(), -1, 0, ids.size(), [&](std::size_t i) { seen.push_back(i); });
  CHECK(seen == std::vector<std::size_t>{33, 34});
}
