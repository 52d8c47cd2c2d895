#pragma once
// Passes over a column in which few entries matter (at England about 3% of
// the followed mothers have a volunteer and 1% are in a difficulty episode):
// a block of entries that all hold the "absent" value is skipped with one
// test of the whole block, which the compiler vectorises, instead of a
// branch per entry. The visits are those of the plain loop
// `for i: if (column[i] != absent) visit(i)`, in the same order: a block is
// tested only when the pass reaches it, and a block with any entry present
// is walked entry by entry, so whatever a visit writes to the column is seen
// as the plain loop would see it. A visit must not move the column (no resize).
#include <algorithm>
#include <cstddef>
#include <type_traits>

namespace sim {

inline constexpr std::size_t kScanBlock = 32;

// The unsigned integer a column's entries are compared as (an enum's underlying type).
template <class T, bool = std::is_enum_v<T>>
struct ScanBits {
  using type = std::make_unsigned_t<T>;
};
template <class T>
struct ScanBits<T, true> {
  using type = std::make_unsigned_t<std::underlying_type_t<T>>;
};

// Whether the kScanBlock entries from `block` all equal `absent`: the OR of
// their differing bits, with no branch and no bool, which GCC vectorises for
// byte columns too (an OR of comparisons it did not, for the episode column).
template <class T>
[[nodiscard]] bool block_absent(const T* block, T absent) {
  static_assert(std::is_integral_v<T> || std::is_enum_v<T>, "a column of whole numbers or an enum");
  using Bits = typename ScanBits<T>::type;
  Bits differ = 0;
  for (std::size_t k = 0; k < kScanBlock; ++k) differ |= static_cast<Bits>(static_cast<Bits>(block[k]) ^ static_cast<Bits>(absent));
  return differ == 0;
}

// visit(i) for every i in [from, to), ascending, with column[i] != absent when the pass reaches it.
template <class T, class Visit>
void for_each_present(const T* column, T absent, std::size_t from, std::size_t to, Visit&& visit) {
  std::size_t i = from;
  while (i < to) {
    const std::size_t end = std::min(to, i + kScanBlock);
    if (end - i == kScanBlock && block_absent(column + i, absent)) {
      i = end;
      continue;
    }
    for (; i < end; ++i)
      if (column[i] != absent) visit(i);
  }
}

// The same, descending: i from to - 1 down to from.
template <class T, class Visit>
void for_each_present_descending(const T* column, T absent, std::size_t from, std::size_t to, Visit&& visit) {
  std::size_t i = to;  // entries [from, i) are still to be visited
  while (i > from) {
    const std::size_t begin = i - std::min(i - from, kScanBlock);
    if (i - begin == kScanBlock && block_absent(column + begin, absent)) {
      i = begin;
      continue;
    }
    for (; i > begin; --i)
      if (column[i - 1] != absent) visit(i - 1);
  }
}

}  // namespace sim
