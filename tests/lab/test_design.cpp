#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <set>

#include "lab/design.hpp"
#include "sim/errors.hpp"
#include "lab/sobol_sequence.hpp"

using namespace lab;

namespace {

std::vector<Factor> mixed_factors() {
  return {{"rate", 0.5, 2.5, {}}, {"share", 0.0, 1.0, {}}, {"policy", 0, 0, {1.0, 2.0, 3.0}}, {"delay", -3.0, 7.0, {}}};
}

// Every column of a unit matrix holds exactly one point in each of `strata` equal intervals.
bool one_point_per_stratum(const Eigen::MatrixXd& unit, std::size_t strata) {
  for (Eigen::Index c = 0; c < unit.cols(); ++c) {
    std::set<std::size_t> seen;
    for (Eigen::Index r = 0; r < unit.rows(); ++r)
      seen.insert(static_cast<std::size_t>(std::floor(unit(r, c) * static_cast<double>(strata))));
    if (seen.size() != strata || *seen.rbegin() != strata - 1) return false;
  }
  return true;
}

// FNV-1a over the bit patterns of a matrix: one number that changes with any bit.
std::uint64_t fingerprint(const Eigen::MatrixXd& matrix) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (Eigen::Index i = 0; i < matrix.size(); ++i) {
    std::uint64_t bits;
    const double value = matrix.data()[i];
    std::memcpy(&bits, &value, sizeof bits);
    for (int byte = 0; byte < 8; ++byte) hash = (hash ^ ((bits >> (8 * byte)) & 0xFF)) * 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

// Reference values: Joe & Kuo's own sobol.cc with new-joe-kuo-6.21201, and
// scipy.stats.qmc.Sobol(d=256, scramble=False), which uses that table in the
// same Gray-code order; the first points in dimensions 1-3 are also the
// textbook ones (Bratley & Fox 1988).
TEST_CASE("Sobol points match the published Joe-Kuo sequence") {
  const SobolSequence sobol(256);
  // The first eight points in dimensions 1-5, in eighths.
  const int eighths[8][5] = {{0, 0, 0, 0, 0}, {4, 4, 4, 4, 4}, {6, 2, 2, 2, 6}, {2, 6, 6, 6, 2},
                             {3, 3, 5, 7, 3}, {7, 7, 1, 3, 7}, {5, 1, 7, 5, 5}, {1, 5, 3, 1, 1}};
  for (std::uint64_t i = 0; i < 8; ++i)
    for (std::size_t d = 0; d < 5; ++d) CHECK(sobol.coordinate(i, d) == eighths[i][d] / 8.0);
  // Later points in high dimensions exercise the recurrence and the table's
  // last rows: coordinate * 2^32, exactly.
  struct Known {
    std::uint64_t index;
    std::size_t dimension;  // 1-based, as in the table
    std::uint32_t bits;
  };
  const Known known[] = {{1000, 7, 197132288},    {1000, 32, 624951296},   {1000, 100, 801112064},
                         {1000, 255, 1866465280}, {1000, 256, 1069547520}, {2047, 7, 505413632},
                         {2047, 32, 1780482048},  {2047, 100, 3697278976}, {2047, 255, 4125097984},
                         {2047, 256, 2061500416}};
  for (const Known& k : known) {
    INFO("point " << k.index << ", dimension " << k.dimension);
    CHECK(sobol.bits(k.index, k.dimension - 1) == k.bits);
  }
  CHECK(sobol.points(6, 2).row(1) == sobol.points(7, 1).row(0));
}

// The defining property of a Sobol sequence: each coordinate of the first
// 2^m points is a (0, m, 1)-net, one point in every interval of width 2^-m.
TEST_CASE("the first 2^m Sobol points stratify every coordinate") {
  const SobolSequence sobol(kMaxSobolDimensions);
  CHECK(one_point_per_stratum(sobol.points(0, 1024), 1024));
  CHECK_THROWS_AS(SobolSequence(0), sim::InputError);
  CHECK_THROWS_AS(SobolSequence(kMaxSobolDimensions + 1), sim::InputError);
}

TEST_CASE("unit values map to ranges and to discrete levels by equal-width bins") {
  const Factor range{"r", -2.0, 6.0, {}};
  CHECK(range.value_at(0.0) == -2.0);
  CHECK(range.value_at(0.25) == 0.0);
  CHECK(range.value_at(1.0) == 6.0);
  const Factor levels{"l", 0, 0, {10.0, 20.0, 30.0}};
  CHECK(levels.value_at(0.0) == 10.0);
  CHECK(levels.value_at(0.3333) == 10.0);
  CHECK(levels.value_at(0.3334) == 20.0);
  CHECK(levels.value_at(0.9999) == 30.0);
  CHECK(levels.value_at(1.0) == 30.0);  // the closed end belongs to the last bin
}

TEST_CASE("a grid holds every combination, first factor slowest") {
  const std::vector<Factor> factors{{"a", 0.0, 1.0, {}}, {"b", 0, 0, {5.0, 7.0}}, {"c", 10.0, 20.0, {}}};
  const Design grid = grid_design(factors, 3);
  REQUIRE(grid.rows() == 3 * 2 * 3);
  CHECK(grid.kind == DesignKind::grid);
  CHECK(grid.values.row(0) == Eigen::RowVector3d(0.0, 5.0, 10.0));
  CHECK(grid.values.row(1) == Eigen::RowVector3d(0.0, 5.0, 15.0));
  CHECK(grid.values.row(3) == Eigen::RowVector3d(0.0, 7.0, 10.0));
  CHECK(grid.values.row(17) == Eigen::RowVector3d(1.0, 7.0, 20.0));
  std::set<std::vector<double>> distinct;
  for (Eigen::Index r = 0; r < grid.values.rows(); ++r)
    distinct.insert({grid.values(r, 0), grid.values(r, 1), grid.values(r, 2)});
  CHECK(distinct.size() == 18);
  CHECK(grid_design({{"a", 0.0, 4.0, {}}}, 1).values(0, 0) == 2.0);  // one point: the midpoint
}

TEST_CASE("a Latin hypercube has one point per stratum per column, from its seed alone") {
  const auto factors = mixed_factors();
  const Design lhs = latin_hypercube(factors, 97, 11);
  REQUIRE(lhs.rows() == 97);
  REQUIRE(lhs.unit.cols() == 4);
  CHECK(lhs.kind == DesignKind::latin_hypercube);
  CHECK(one_point_per_stratum(lhs.unit, 97));
  CHECK(lhs.values == factor_values(factors, lhs.unit));
  CHECK(lhs.values.col(0).minCoeff() >= 0.5);
  CHECK(lhs.values.col(0).maxCoeff() <= 2.5);
  for (Eigen::Index r = 0; r < lhs.values.rows(); ++r)
    CHECK((lhs.values(r, 2) == 1.0 || lhs.values(r, 2) == 2.0 || lhs.values(r, 2) == 3.0));
  CHECK(latin_hypercube(factors, 97, 11).unit == lhs.unit);
  CHECK(latin_hypercube(factors, 97, 12).unit != lhs.unit);
  CHECK(one_point_per_stratum(latin_hypercube(factors, 1, 3).unit, 1));
}

TEST_CASE("a Saltelli design holds A, B and every A_B^(i), N(k+2) rows") {
  const auto factors = mixed_factors();
  const std::size_t k = factors.size(), n = 64;
  const Design design = saltelli_design(factors, n, 5);
  REQUIRE(design.rows() == n * (k + 2));
  CHECK(design.saltelli.rows() == design.rows());
  for (std::size_t j = 0; j < n; ++j) {
    const Eigen::RowVectorXd a = design.unit.row(static_cast<Eigen::Index>(design.saltelli.row_of_a(j)));
    const Eigen::RowVectorXd b = design.unit.row(static_cast<Eigen::Index>(design.saltelli.row_of_b(j)));
    CHECK(design.saltelli.describe(design.saltelli.row_of_a(j)).block == SaltelliBlock::a);
    CHECK(design.saltelli.describe(design.saltelli.row_of_b(j)).block == SaltelliBlock::b);
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t row = design.saltelli.row_of_a_b(i, j);
      const SaltelliRow described = design.saltelli.describe(row);
      CHECK((described.block == SaltelliBlock::a_b && described.factor == i && described.base_sample == j));
      Eigen::RowVectorXd expected = a;
      expected(static_cast<Eigen::Index>(i)) = b(static_cast<Eigen::Index>(i));
      CHECK(design.unit.row(static_cast<Eigen::Index>(row)) == expected);
    }
  }
  // A and B are digitally shifted Sobol points: still one per stratum.
  Eigen::MatrixXd a_and_b(n, 2 * k);
  for (std::size_t j = 0; j < n; ++j)
    a_and_b.row(static_cast<Eigen::Index>(j))
        << design.unit.row(static_cast<Eigen::Index>(design.saltelli.row_of_a(j))),
        design.unit.row(static_cast<Eigen::Index>(design.saltelli.row_of_b(j)));
  CHECK(one_point_per_stratum(a_and_b, n));
  // Raising N appends rows; the seed alone fixes the design.
  const Design larger = saltelli_design(factors, 2 * n, 5);
  CHECK(larger.unit.topRows(design.unit.rows()) == design.unit);
  CHECK(saltelli_design(factors, n, 6).unit != design.unit);
  CHECK_THROWS_AS(saltelli_design(std::vector<Factor>(129, Factor{"x", 0, 1, {}}), 8, 1), sim::InputError);
}

TEST_CASE("Morris trajectories move one factor at a time by plus or minus delta") {
  const auto factors = mixed_factors();
  const std::size_t k = factors.size();
  for (const std::size_t levels : {2, 4, 6, 10}) {
    INFO("p = " << levels);
    const Design design = morris_design(factors, 30, levels, 8);
    const double delta = design.morris.delta();
    CHECK(delta == Approx(static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1))));
    REQUIRE(design.rows() == 30 * (k + 1));
    // Every value lies on the grid {0, 1/(p-1), ..., 1}.
    const Eigen::MatrixXd steps = design.unit * static_cast<double>(levels - 1);
    CHECK((steps.array() - steps.array().round()).abs().maxCoeff() < 1e-9);
    CHECK(design.unit.minCoeff() >= 0.0);
    CHECK(design.unit.maxCoeff() <= 1.0);
    for (std::size_t t = 0; t < 30; ++t) {
      std::set<Eigen::Index> moved;
      for (std::size_t s = 0; s < k; ++s) {
        const auto row = static_cast<Eigen::Index>(design.morris.first_row(t) + s);
        const Eigen::RowVectorXd change = design.unit.row(row + 1) - design.unit.row(row);
        Eigen::Index column;
        const double largest = change.cwiseAbs().maxCoeff(&column);
        CHECK(largest == Approx(delta));
        CHECK(change.cwiseAbs().sum() == Approx(delta));  // nothing else moved
        moved.insert(column);
      }
      CHECK(moved.size() == k);  // each factor exactly once per trajectory
    }
  }
  const Design design = morris_design(factors, 10, 4, 8);
  CHECK(morris_design(factors, 10, 4, 8).unit == design.unit);
  CHECK(morris_design(factors, 20, 4, 8).unit.topRows(design.unit.rows()) == design.unit);
  CHECK(morris_design(factors, 10, 4, 9).unit != design.unit);
  CHECK_THROWS_AS(morris_design(factors, 10, 5, 8), sim::InputError);
  CHECK_THROWS_AS(morris_design(factors, 0, 4, 8), sim::InputError);
}

TEST_CASE("designs refuse factors and sizes they cannot honour") {
  CHECK_THROWS_AS(latin_hypercube({}, 10, 1), sim::InputError);
  CHECK_THROWS_AS(latin_hypercube({{"a", 2.0, 1.0, {}}}, 10, 1), sim::InputError);
  CHECK_THROWS_AS(latin_hypercube({{"a", 0.0, 1.0, {}}, {"a", 0.0, 1.0, {}}}, 10, 1), sim::InputError);
  CHECK_THROWS_AS(latin_hypercube({{"a", 0.0, NAN, {}}}, 10, 1), sim::InputError);
  CHECK_THROWS_AS(latin_hypercube({{"a", 0.0, 1.0, {}}}, 0, 1), sim::InputError);
  CHECK_THROWS_AS(grid_design({{"a", 0.0, 1.0, {}}}, 0), sim::InputError);
  CHECK_THROWS_AS(grid_design(std::vector<Factor>(9, Factor{"x", 0, 1, {}}), 10), sim::InputError);
  CHECK_THROWS_AS(grid_design({{"a", 0.0, 1.0, {}}, {"b", 0.0, 1.0, {}}}, std::size_t{1} << 40), sim::InputError);
}

// Golden fingerprints: a design is a pure function of its arguments, so
// these numbers must come out the same on every machine and compiler. A
// change here means stored sweeps could no longer be rebuilt or resumed.
TEST_CASE("designs are the same bit for bit everywhere") {
  const auto factors = mixed_factors();
  CHECK(fingerprint(latin_hypercube(factors, 50, 2024).values) == 0xccb80b813d82cbc2ULL);
  CHECK(fingerprint(saltelli_design(factors, 32, 2024).values) == 0xeb21ca7e6408923dULL);
  CHECK(fingerprint(morris_design(factors, 10, 4, 2024).values) == 0x41e707016d9a6e11ULL);
  CHECK(fingerprint(grid_design(factors, 3).values) == 0x088838d9318bd598ULL);
}
