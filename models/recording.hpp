#pragma once
// Helpers for modules recording their daily series.
#include <cmath>
#include <cstddef>

namespace models {

// Running mean of values, ignoring undefined (NaN) ones; NaN when there are none.
struct Mean {
  double total = 0.0;
  std::size_t n = 0;
  void add(double value) {
    if (std::isnan(value)) return;
    total += value;
    ++n;
  }
  [[nodiscard]] double value() const { return n ? total / static_cast<double>(n) : std::nan(""); }
};

}  // namespace models
