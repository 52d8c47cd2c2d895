#include "sim/text.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace sim {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance: typos are mostly one slip of a finger.
  const std::size_t rows = a.size() + 1;
  const std::size_t cols = b.size() + 1;
  std::vector<std::size_t> d(rows * cols);
  for (std::size_t i = 0; i < rows; ++i) d[i * cols] = i;
  for (std::size_t j = 0; j < cols; ++j) d[j] = j;
  for (std::size_t i = 1; i < rows; ++i) {
    for (std::size_t j = 1; j < cols; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t best = std::min({d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = std::min(best, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = best;
    }
  }
  return d.back();
}

static std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Farther than about a third of the word is a different word, not a typo.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  const std::string lower_word = lowercase(word);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    // The word itself, refused where it stands, is no suggestion ("did you mean 'professionals'?").
    if (candidate == word) continue;
    // Lengths that differ by more than the limit cannot match: skip the quadratic distance.
    const std::size_t length_gap = std::max(word.size(), candidate.size()) - std::min(word.size(), candidate.size());
    if (length_gap > limit) continue;
    const std::size_t distance = edit_distance(lower_word, lowercase(candidate));
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string describe_file_type(std::filesystem::file_type type) {
  using std::filesystem::file_type;
  switch (type) {
    case file_type::regular: return "a regular file";
    case file_type::directory: return "a folder";
    case file_type::symlink: return "a symbolic link";
    case file_type::fifo: return "a named pipe (FIFO)";
    case file_type::character: return "a character device";
    case file_type::block: return "a block device";
    case file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

static void append_escaped(std::string& out, char c) {
  switch (c) {
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default: {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte != 0x7f) {
        out += c;
        return;
      }
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
}

std::string printable_line(std::string_view text, std::size_t max_length) {
  std::string shown;
  if (text.size() > max_length) {
    const std::size_t kept = max_length / 2;
    shown = std::string(text.substr(0, kept)) + "[... " + std::to_string(text.size() - 2 * kept) +
            " characters left out ...]" + std::string(text.substr(text.size() - kept));
    text = shown;
  }
  std::string out;
  out.reserve(text.size());
  for (const char c : text) append_escaped(out, c);
  return out;
}

}  // namespace sim
