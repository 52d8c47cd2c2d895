#pragma once
// The Sobol low-discrepancy sequence (Sobol' 1967) with the direction numbers
// of Joe & Kuo (2008), unscrambled, in the Gray-code order of Antonov & Saleev
// (1979) that Joe & Kuo's own generator and scipy.stats.qmc.Sobol use, so
// point i here is point i there. Points are computed by random access (no
// state), so any slice of a design can be rebuilt alone, bit for bit.
#include <Eigen/Dense>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lab {

// Dimensions with direction numbers built in: dimension 1 (van der Corput)
// and the first 255 rows of Joe & Kuo's new-joe-kuo-6.21201 table.
inline constexpr std::size_t kMaxSobolDimensions = 256;

class SobolSequence {
 public:
  // Throws InputError when `dimensions` is 0 or above kMaxSobolDimensions.
  explicit SobolSequence(std::size_t dimensions);

  [[nodiscard]] std::size_t dimensions() const { return directions_.size(); }
  // Coordinate `dimension` (0-based) of point `index` (0-based; point 0 is
  // the origin) as a 32-bit binary fraction: the coordinate is bits / 2^32.
  // Indices up to 2^32 - 1.
  [[nodiscard]] std::uint32_t bits(std::uint64_t index, std::size_t dimension) const;
  // The same coordinate in [0, 1).
  [[nodiscard]] double coordinate(std::uint64_t index, std::size_t dimension) const;
  // Points first_index .. first_index + count - 1, one row each.
  [[nodiscard]] Eigen::MatrixXd points(std::uint64_t first_index, std::size_t count) const;

 private:
  using Directions = std::array<std::uint32_t, 32>;  // v_1 .. v_32 as binary fractions
  std::vector<Directions> directions_;
};

}  // namespace lab
