#pragma once
// Small text helpers for messages people read.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// Edit distance (insertions, deletions, substitutions, adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo.
// Ignores case: "Horizon" and "PROFESSIONALS" are the right words typed differently.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "a named pipe (FIFO)", "a character device", ...: what a path that is not a regular file is.
std::string describe_file_type(std::filesystem::file_type type);

// `text` as one printable line for a terminal: control characters escaped (a
// quoted YAML key may hold a newline or an escape sequence) and the middle of
// anything longer than `max_length` left out (a hostile key may be a megabyte).
std::string printable_line(std::string_view text, std::size_t max_length = 2000);

}  // namespace sim
