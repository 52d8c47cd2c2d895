#pragma once
// Experimental designs over a model's inputs: full factorial grids, Latin
// hypercubes, Saltelli's Sobol-sequence design for variance-based
// sensitivity indices, and Morris one-at-a-time trajectories.
//
// Every design is a pure function of its arguments: the random parts are
// keyed draws (sim/random.hpp) with agent = row or trajectory and day =
// column, and values are mapped with correctly rounded arithmetic, so the
// same arguments give the same matrix bit for bit on any machine. A sweep
// can therefore store (kind, factors, sizes, seed) instead of the matrix and
// rebuild it to resume or to split rows between processes. Row orders are
// chosen so that growing a Saltelli design (larger N) or a Morris design
// (more trajectories) only appends rows.
#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lab {

// The most values (rows x factors) a design may hold: its two matrices are
// then 160 MB. Refused before anything is allocated.
inline constexpr std::size_t kMaxDesignValues = 10'000'000;

// One input that a design varies.
// Continuous (levels empty): uniform on [low, high].
// Discrete (levels non-empty): the unit interval is cut into levels.size()
// equal-width bins and bin i stands for levels[i]; low and high are unused.
struct Factor {
  std::string name;
  double low = 0.0;
  double high = 1.0;
  std::vector<double> levels;

  [[nodiscard]] bool discrete() const { return !levels.empty(); }
  // The factor's value at a point u in [0, 1] of the unit interval.
  [[nodiscard]] double value_at(double unit) const;
};

// Each column of `unit` mapped through its factor's value_at.
Eigen::MatrixXd factor_values(const std::vector<Factor>& factors, const Eigen::MatrixXd& unit);

enum class DesignKind { grid, latin_hypercube, saltelli, morris };

// "grid", "latin_hypercube", "saltelli", "morris": names for files and messages.
const char* design_kind_name(DesignKind kind);

// Where the matrices of Saltelli et al. (2010) sit in a Saltelli design.
// Rows come in groups of k + 2 per base sample j (k factors):
//   row j(k+2)         A_j
//   row j(k+2) + 1 + i A_B^(i)_j: A_j with column i taken from B_j
//   row j(k+2) + k + 1 B_j
// Grouping by base sample keeps a design with N base samples a prefix of
// the design with 2N (same seed), so N can be raised without re-running.
enum class SaltelliBlock { a, a_b, b };

struct SaltelliRow {
  SaltelliBlock block = SaltelliBlock::a;
  std::size_t factor = 0;       // the column taken from B; meaningful for a_b only
  std::size_t base_sample = 0;  // j
};

struct SaltelliLayout {
  std::size_t factors = 0;       // k
  std::size_t base_samples = 0;  // N

  [[nodiscard]] std::size_t rows() const { return base_samples * (factors + 2); }
  [[nodiscard]] std::size_t row_of_a(std::size_t j) const { return j * (factors + 2); }
  [[nodiscard]] std::size_t row_of_a_b(std::size_t factor, std::size_t j) const {
    return j * (factors + 2) + 1 + factor;
  }
  [[nodiscard]] std::size_t row_of_b(std::size_t j) const { return j * (factors + 2) + factors + 1; }
  [[nodiscard]] SaltelliRow describe(std::size_t row) const;
};

// Where trajectories sit in a Morris design: trajectory t is rows
// t(k+1) .. t(k+1) + k; each row after the first moves one factor by ±Δ.
struct MorrisLayout {
  std::size_t factors = 0;       // k
  std::size_t trajectories = 0;  // r
  std::size_t levels = 0;        // p, even

  [[nodiscard]] std::size_t rows() const { return trajectories * (factors + 1); }
  [[nodiscard]] std::size_t first_row(std::size_t trajectory) const { return trajectory * (factors + 1); }
  // Δ = p / (2(p - 1)) (Morris 1991), a whole number of grid steps when p is even.
  [[nodiscard]] double delta() const;
};

struct Design {
  DesignKind kind = DesignKind::grid;
  std::vector<Factor> factors;
  Eigen::MatrixXd unit;     // one row per point, one column per factor, in [0, 1]
  Eigen::MatrixXd values;   // `unit` mapped through each factor's value_at
  std::uint64_t seed = 0;   // 0 and unused for grids
  SaltelliLayout saltelli;  // set for DesignKind::saltelli only
  MorrisLayout morris;      // set for DesignKind::morris only

  [[nodiscard]] std::size_t rows() const { return static_cast<std::size_t>(unit.rows()); }
};

// Full factorial grid, first factor varying slowest. A continuous factor
// takes `points_per_continuous_factor` evenly spaced values from low to high
// (its midpoint when that is 1); a discrete factor takes each of its levels.
Design grid_design(const std::vector<Factor>& factors, std::size_t points_per_continuous_factor);

// Latin hypercube (McKay, Beckman & Conover 1979): in every column, each of
// the `points` equal-width strata of [0, 1] holds exactly one point, placed
// uniformly at random within it; strata are paired across columns at random.
Design latin_hypercube(const std::vector<Factor>& factors, std::size_t points, std::uint64_t seed);

// Saltelli et al. (2010) design for first-order and total Sobol indices:
// A and B are the first and last k columns of a 2k-dimensional Sobol
// sequence (so k <= kMaxSobolDimensions / 2), N(k + 2) rows (see
// SaltelliLayout). The seed applies a random digital shift (an XOR of each
// column with a keyed random 32-bit word), which keeps the low-discrepancy
// structure, makes every point uniform on the cube and gives independent
// randomised replicates for different seeds. N a power of two balances the
// sequence best.
Design saltelli_design(const std::vector<Factor>& factors, std::size_t base_samples, std::uint64_t seed);

// Morris (1991) elementary-effects design: r random one-at-a-time
// trajectories on the grid {0, 1/(p-1), ..., 1}, each of k + 1 points, with
// Δ = p / (2(p - 1)). p must be even (so x ± Δ stays on the grid) and >= 2.
Design morris_design(const std::vector<Factor>& factors, std::size_t trajectories, std::size_t levels,
                     std::uint64_t seed);

}  // namespace lab
