#pragma once
// Small text helpers for messages people read.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// Edit distance (insertions, deletions, substitutions, adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace sim
