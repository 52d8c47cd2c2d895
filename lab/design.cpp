#include "lab/design.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "lab/sobol_sequence.hpp"

namespace lab {
namespace {

// Random streams of the designs, far above the model's (models/streams.hpp),
// so a design seeded like a run shares no draws with it.
constexpr std::uint32_t kLatinOrderStream = 0xDE510001;
constexpr std::uint32_t kLatinJitterStream = 0xDE510002;
constexpr std::uint32_t kSaltelliShiftStream = 0xDE510003;
constexpr std::uint32_t kMorrisStream = 0xDE510004;

// Far past any sweep that could be run: stops an overflowing size or a typo
// from trying to allocate the machine away.
constexpr std::size_t kMaxDesignRows = 100'000'000;

using Index = Eigen::Index;

Index as_index(std::size_t value) { return static_cast<Index>(value); }
std::uint32_t as_key(std::size_t value) { return static_cast<std::uint32_t>(value); }

void check_factor(const Factor& factor) {
  const std::string where = "factor '" + factor.name + "': ";
  if (factor.name.empty()) throw sim::InputError("a design factor has no name");
  if (factor.discrete()) {
    for (const double level : factor.levels)
      if (!std::isfinite(level)) throw sim::InputError(where + "levels must be finite numbers");
  } else if (!std::isfinite(factor.low) || !std::isfinite(factor.high) || factor.low > factor.high) {
    throw sim::InputError(where + "needs finite low <= high");
  }
}

void check_factors(const std::vector<Factor>& factors) {
  if (factors.empty()) throw sim::InputError("a design needs at least one factor");
  std::set<std::string> names;
  for (const Factor& factor : factors) {
    check_factor(factor);
    if (!names.insert(factor.name).second) throw sim::InputError("factor '" + factor.name + "' is named twice");
  }
}

// Checked before the design is allocated: its two matrices (unit cube and
// factor units) hold rows x factors doubles each, and a typo such as
// `points: 100000000` must be refused, not answered with std::bad_alloc.
void check_rows(std::size_t rows, std::size_t factors, const char* what) {
  if (rows == 0) throw sim::InputError(std::string(what) + " has no points");
  if (rows > kMaxDesignRows)
    throw sim::InputError(std::string(what) + " would have more than " + std::to_string(kMaxDesignRows) + " rows");
  const double values = static_cast<double>(rows) * static_cast<double>(factors);
  if (values > static_cast<double>(kMaxDesignValues))
    throw sim::InputError(fmt::format("{} would have {} points x {} factors = {:.0f} values (about {:.1f} GB); a design "
                                      "holds at most {} values",
                                      what, rows, factors, values, values * 2 * sizeof(double) / 1e9, kMaxDesignValues));
}

// rows * factor, or kMaxDesignRows + 1 when that overflows or passes the cap.
std::size_t capped_product(std::size_t rows, std::size_t factor) {
  if (factor != 0 && rows > kMaxDesignRows / factor) return kMaxDesignRows + 1;
  return rows * factor;
}

Design finish(DesignKind kind, const std::vector<Factor>& factors, Eigen::MatrixXd unit, std::uint64_t seed) {
  Design design;
  design.kind = kind;
  design.factors = factors;
  design.values = factor_values(factors, unit);
  design.unit = std::move(unit);
  design.seed = seed;
  return design;
}

// The order of `keys`, smallest first; equal keys keep index order, so the
// result is fully determined by the keys.
std::vector<std::size_t> order_of(const std::vector<double>& keys) {
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  return order;
}

// The unit values of a grid axis: evenly spaced ends-included points for a
// continuous factor, bin centres for a discrete one (so each maps to its level).
std::vector<double> grid_axis(const Factor& factor, std::size_t points) {
  std::vector<double> axis;
  if (factor.discrete()) {
    const auto bins = static_cast<double>(factor.levels.size());
    for (std::size_t i = 0; i < factor.levels.size(); ++i) axis.push_back((static_cast<double>(i) + 0.5) / bins);
  } else if (points == 1) {
    axis.push_back(0.5);
  } else {
    for (std::size_t i = 0; i < points; ++i) axis.push_back(static_cast<double>(i) / static_cast<double>(points - 1));
  }
  return axis;
}

// A point uniform within stratum `stratum` of `strata`. Rounding in
// (stratum + jitter) / strata can, for a jitter within an ulp of 1, land on
// the next stratum's edge; such a point moves to the stratum's centre.
double within_stratum(std::size_t stratum, std::size_t strata, double jitter) {
  const auto n = static_cast<double>(strata);
  const double u = (static_cast<double>(stratum) + jitter) / n;
  if (static_cast<std::size_t>(std::floor(u * n)) == stratum) return u;
  return (static_cast<double>(stratum) + 0.5) / n;
}

// One random 32-bit word per column, for the digital shift.
std::vector<std::uint32_t> digital_shift(std::size_t columns, std::uint64_t seed) {
  const sim::RandomStreams streams(seed);
  std::vector<std::uint32_t> shift(columns);
  for (std::size_t c = 0; c < columns; ++c)
    shift[c] = static_cast<std::uint32_t>(streams.uniform(kSaltelliShiftStream, 0, as_key(c)) * 0x1.0p32);
  return shift;
}

// Grid indices (0 .. p-1) of one Morris trajectory, one row per point
// (Morris 1991): a random base point whose every coordinate can move up by
// Δ, a random direction per factor (start low and go up, or start high and
// go down) and a random order in which the factors move.
Eigen::MatrixXi morris_trajectory(const sim::RandomStreams& streams, std::size_t trajectory, std::size_t factors,
                                  std::size_t levels) {
  const auto half = static_cast<int>(levels / 2);  // Δ in grid steps
  Eigen::VectorXi start(as_index(factors));
  std::vector<int> step(factors);
  std::vector<double> keys(factors);
  for (std::size_t i = 0; i < factors; ++i) {
    auto draws = streams.draws(kMorrisStream, as_key(trajectory), as_key(i));
    const auto base = static_cast<int>(draws.below(static_cast<std::uint32_t>(half)));
    const bool down = draws.bernoulli(0.5);
    keys[i] = draws.uniform();
    start(as_index(i)) = down ? base + half : base;
    step[i] = down ? -half : half;
  }
  Eigen::MatrixXi points(as_index(factors + 1), as_index(factors));
  points.row(0) = start.transpose();
  const std::vector<std::size_t> order = order_of(keys);
  for (std::size_t s = 0; s < factors; ++s) {
    points.row(as_index(s + 1)) = points.row(as_index(s));
    points(as_index(s + 1), as_index(order[s])) += step[order[s]];
  }
  return points;
}

}  // namespace

double Factor::value_at(double unit) const {
  if (discrete()) {
    const std::size_t bins = levels.size();
    const auto bin = static_cast<std::size_t>(std::max(0.0, std::floor(unit * static_cast<double>(bins))));
    return levels[std::min(bin, bins - 1)];
  }
  if (unit >= 1.0) return high;  // the end of a grid is the stated bound, not within an ulp of it
  // std::fma is correctly rounded, so the value does not depend on whether a
  // compiler would fuse the multiply and add on this machine.
  return std::fma(unit, high - low, low);
}

Eigen::MatrixXd factor_values(const std::vector<Factor>& factors, const Eigen::MatrixXd& unit) {
  if (static_cast<std::size_t>(unit.cols()) != factors.size())
    throw sim::InputError("a design with " + std::to_string(unit.cols()) + " columns cannot map " +
                     std::to_string(factors.size()) + " factors");
  Eigen::MatrixXd values(unit.rows(), unit.cols());
  for (Index c = 0; c < unit.cols(); ++c)
    for (Index r = 0; r < unit.rows(); ++r) values(r, c) = factors[static_cast<std::size_t>(c)].value_at(unit(r, c));
  return values;
}

const char* design_kind_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid:
      return "grid";
    case DesignKind::latin_hypercube:
      return "latin_hypercube";
    case DesignKind::saltelli:
      return "saltelli";
    case DesignKind::morris:
      return "morris";
  }
  return "unknown";
}

SaltelliRow SaltelliLayout::describe(std::size_t row) const {
  const std::size_t j = row / (factors + 2);
  const std::size_t position = row % (factors + 2);
  if (position == 0) return {SaltelliBlock::a, 0, j};
  if (position == factors + 1) return {SaltelliBlock::b, 0, j};
  return {SaltelliBlock::a_b, position - 1, j};
}

double MorrisLayout::delta() const { return static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1)); }

Design grid_design(const std::vector<Factor>& factors, std::size_t points_per_continuous_factor) {
  check_factors(factors);
  std::size_t rows = 1;
  for (const Factor& factor : factors)
    rows = capped_product(rows, factor.discrete() ? factor.levels.size() : points_per_continuous_factor);
  check_rows(rows, factors.size(), "the grid");
  std::vector<std::vector<double>> axes;
  for (const Factor& factor : factors) axes.push_back(grid_axis(factor, points_per_continuous_factor));
  Eigen::MatrixXd unit(as_index(rows), as_index(factors.size()));
  // Mixed-radix counting: the last factor varies fastest.
  std::size_t repeat = rows;
  for (std::size_t c = 0; c < factors.size(); ++c) {
    repeat /= axes[c].size();
    for (std::size_t r = 0; r < rows; ++r) unit(as_index(r), as_index(c)) = axes[c][(r / repeat) % axes[c].size()];
  }
  return finish(DesignKind::grid, factors, std::move(unit), 0);
}

Design latin_hypercube(const std::vector<Factor>& factors, std::size_t points, std::uint64_t seed) {
  check_factors(factors);
  check_rows(points, factors.size(), "the Latin hypercube");
  const sim::RandomStreams streams(seed);
  Eigen::MatrixXd unit(as_index(points), as_index(factors.size()));
  std::vector<double> keys(points);
  for (std::size_t c = 0; c < factors.size(); ++c) {
    for (std::size_t r = 0; r < points; ++r) keys[r] = streams.uniform(kLatinOrderStream, as_key(r), as_key(c));
    // Ranking random keys gives a uniformly random pairing of rows to strata.
    const std::vector<std::size_t> order = order_of(keys);
    for (std::size_t stratum = 0; stratum < points; ++stratum) {
      const std::size_t r = order[stratum];
      const double jitter = streams.uniform(kLatinJitterStream, as_key(r), as_key(c));
      unit(as_index(r), as_index(c)) = within_stratum(stratum, points, jitter);
    }
  }
  return finish(DesignKind::latin_hypercube, factors, std::move(unit), seed);
}

Design saltelli_design(const std::vector<Factor>& factors, std::size_t base_samples, std::uint64_t seed) {
  check_factors(factors);
  const std::size_t k = factors.size();
  if (2 * k > kMaxSobolDimensions)
    throw sim::InputError("a Saltelli design supports at most " + std::to_string(kMaxSobolDimensions / 2) +
                     " factors, not " + std::to_string(k));
  check_rows(capped_product(base_samples, k + 2), k, "the Saltelli design");
  const SaltelliLayout layout{k, base_samples};
  const SobolSequence sequence(2 * k);
  const std::vector<std::uint32_t> shift = digital_shift(2 * k, seed);
  const auto unit_value = [&](std::size_t j, std::size_t column) {
    return static_cast<double>(sequence.bits(j, column) ^ shift[column]) * 0x1.0p-32;
  };
  Eigen::MatrixXd unit(as_index(layout.rows()), as_index(k));
  for (std::size_t j = 0; j < base_samples; ++j) {
    for (std::size_t c = 0; c < k; ++c) {
      const double a = unit_value(j, c);
      const double b = unit_value(j, k + c);
      unit(as_index(layout.row_of_a(j)), as_index(c)) = a;
      unit(as_index(layout.row_of_b(j)), as_index(c)) = b;
      for (std::size_t i = 0; i < k; ++i) unit(as_index(layout.row_of_a_b(i, j)), as_index(c)) = i == c ? b : a;
    }
  }
  Design design = finish(DesignKind::saltelli, factors, std::move(unit), seed);
  design.saltelli = layout;
  return design;
}

Design morris_design(const std::vector<Factor>& factors, std::size_t trajectories, std::size_t levels,
                     std::uint64_t seed) {
  check_factors(factors);
  if (levels < 2 || levels % 2 != 0)
    throw sim::InputError("Morris levels p must be even and at least 2 (so x + Δ stays on the grid), not " +
                     std::to_string(levels));
  if (levels > (std::size_t{1} << 30)) throw sim::InputError("Morris levels p is too large");
  const MorrisLayout layout{factors.size(), trajectories, levels};
  check_rows(capped_product(trajectories, factors.size() + 1), factors.size(), "the Morris design");
  const sim::RandomStreams streams(seed);
  const auto steps = static_cast<double>(levels - 1);
  Eigen::MatrixXd unit(as_index(layout.rows()), as_index(factors.size()));
  for (std::size_t t = 0; t < trajectories; ++t) {
    const Eigen::MatrixXi grid = morris_trajectory(streams, t, factors.size(), levels);
    for (Index s = 0; s < grid.rows(); ++s)
      for (Index c = 0; c < grid.cols(); ++c)
        unit(as_index(layout.first_row(t)) + s, c) = static_cast<double>(grid(s, c)) / steps;
  }
  Design design = finish(DesignKind::morris, factors, std::move(unit), seed);
  design.morris = layout;
  return design;
}

}  // namespace lab
