#include "sim/yaml_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <vector>
#include <sstream>

#include <fmt/format.h>
#include <yaml.h>
#include <yaml-cpp/eventhandler.h>

#include "sim/text.hpp"

namespace sim {
namespace {

namespace fs = std::filesystem;

// A command-line value is one short line: its origin alone locates it.
SourceLocation located_at(const std::string& origin, const YAML::Mark& mark, bool with_position) {
  if (mark.is_null() || !with_position) return {origin, 0, 0};
  return {origin, mark.line + 1, mark.column + 1};
}

// Closes the descriptor however reading ends.
class OpenFile {
 public:
  explicit OpenFile(int descriptor) : descriptor_(descriptor) {}
  ~OpenFile() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  [[nodiscard]] int get() const { return descriptor_; }

 private:
  int descriptor_;
};

std::string with_article(const std::string& word) {
  return (std::string_view("aeiou").find(word.front()) == std::string_view::npos ? "a " : "an ") + word;
}

[[noreturn]] void refuse_size(const std::string& name, const std::string& kind, const SourceLocation& where,
                              const std::string& size) {
  throw InputError(where, "'" + name + "' is " + size + "; " + kind + " files are limited to " +
                              std::to_string(kMaxYamlFileBytes >> 20) + " MB (is it the right file?)");
}

// Reads at most kMaxYamlFileBytes + 1 bytes: a file that grows while being read is still refused.
std::string read_capped(int descriptor, const std::string& name, const std::string& kind,
                        const SourceLocation& where) {
  std::string text;
  char buffer[65536];
  while (text.size() <= kMaxYamlFileBytes) {
    const ssize_t got = ::read(descriptor, buffer, sizeof buffer);
    if (got == 0) return text;
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError(where, "cannot read " + kind + " file '" + name + "': " + std::strerror(errno));
    text.append(buffer, static_cast<std::size_t>(got));
  }
  refuse_size(name, kind, where, "more than " + std::to_string(kMaxYamlFileBytes >> 20) + " MB");
}

// Counts how deeply lists and maps nest while yaml-cpp parses, and stops the
// parse at the first level too many, before yaml-cpp recurses any deeper.
class NestingGuard : public YAML::EventHandler {
 public:
  NestingGuard(std::string origin, bool with_position) : origin_(std::move(origin)), with_position_(with_position) {}

  [[nodiscard]] const YAML::Mark& document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void enter(const YAML::Mark& mark) {
    if (++depth_ <= kMaxYamlNesting) return;
    throw InputError(located_at(origin_, mark, with_position_),
                     "nesting deeper than " + std::to_string(kMaxYamlNesting) +
                         " levels of lists and maps; ppisim's inputs need only a few, so look for an unclosed bracket or lines "
                         "indented too far");
  }

  std::string origin_;
  bool with_position_;
  YAML::Mark document_start_;
  int depth_ = 0;
};

// The 0-based line `number` of `text`, or nothing.
std::string_view line_of(std::string_view text, int number) {
  std::size_t start = 0;
  for (int line = 0; line < number; ++line) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  return text.substr(start, text.find('\n', start) - start);
}

// yaml-cpp reports tab indentation as "illegal map value" and the like; say what is wrong.
std::string tab_hint(const std::string& text, const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  const auto line = line_of(text, mark.line);
  const auto indentation = line.substr(0, line.find_first_not_of(" \t"));
  return indentation.find('\t') == std::string_view::npos ? "" : " (YAML indentation must be spaces, not tabs)";
}

// Parses every document with the guard, so nesting is refused before the tree is built.
void check_structure(const std::string& text, const std::string& origin, bool with_position) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  NestingGuard guard(origin, with_position);
  parser.HandleNextDocument(guard);
  if (parser.HandleNextDocument(guard))
    throw InputError(located_at(origin, guard.document_start(), with_position),
                     with_position ? "a second YAML document starts here; give one document (remove the '---' line)"
                                   : "unexpected text after the value (YAML reads it as a second document)");
}

// What libyaml, a strict parser, says is wrong with a text (nothing if it reads it).
struct StrictRefusal {
  bool in_bytes = false;  // the bytes themselves (encoding, control characters), before any YAML
  YAML::Mark mark;
  std::string message;
};

// The 0-based line and column of a byte offset (line breaks: LF, CRLF or CR).
YAML::Mark mark_of_offset(const std::string& text, std::size_t offset) {
  YAML::Mark mark;
  mark.line = 0;
  mark.column = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const bool crlf = text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
    if ((text[i] == '\n' || text[i] == '\r') && !crlf) {
      ++mark.line;
      mark.column = 0;
    } else if (!crlf) {
      ++mark.column;
    }
  }
  return mark;
}

YAML::Mark mark_of(const yaml_mark_t& mark) {
  YAML::Mark converted;
  converted.line = static_cast<int>(mark.line);
  converted.column = static_cast<int>(mark.column);
  return converted;
}

// libyaml places a bad UTF-8 sequence at its bad trailing byte; people look
// for the character, so the refusal points at the byte that starts it.
std::size_t start_of_sequence(const std::string& text, const yaml_parser_t& parser) {
  std::size_t at = std::min(parser.problem_offset, text.size());
  if (!parser.problem || std::string_view(parser.problem).find("trailing") == std::string_view::npos) return at;
  while (at > 0) {
    --at;
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) break;
  }
  return at;
}

StrictRefusal refused_bytes(const std::string& text, const yaml_parser_t& parser) {
  const std::string problem = parser.problem ? parser.problem : "unreadable text";
  const std::size_t at = start_of_sequence(text, parser);
  StrictRefusal refusal{.in_bytes = true, .mark = mark_of_offset(text, at)};
  if (problem.find("control characters") != std::string::npos)
    refusal.message = fmt::format("a control character (code {:#04x}) is not allowed in YAML; remove it, or write it "
                                  "as an escape such as \\t inside double quotes",
                                  parser.problem_value);
  else
    refusal.message = fmt::format("the text is not valid UTF-8 ({}, byte {:#04x}); save the file as UTF-8", problem,
                                  at < text.size() ? static_cast<unsigned char>(text[at]) : 0u);
  return refusal;
}

// The YAML spec says a map's keys are unique; yaml-cpp keeps every copy and
// the last silently wins. Follows the events of a text (aliases unexpanded,
// so an alias bomb costs nothing) and finds the first key a map repeats.
class DuplicateKeyFinder {
 public:
  // How deeply lists and maps nest at this event.
  [[nodiscard]] std::size_t depth() const { return frames_.size(); }

  // Returns the refusal for a repeated key, if this event is one.
  std::optional<StrictRefusal> on(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_SCALAR_EVENT: {
        const std::string value(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        return take_node(&value, event.start_mark);
      }
      case YAML_ALIAS_EVENT: return take_node(nullptr, event.start_mark);
      case YAML_MAPPING_START_EVENT:
      case YAML_SEQUENCE_START_EVENT: {
        const std::string prefix = path_of_next_value();
        auto refusal = take_node(nullptr, event.start_mark);
        frames_.push_back({.is_map = event.type == YAML_MAPPING_START_EVENT, .prefix = prefix});
        return refusal;
      }
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT:
        if (!frames_.empty()) frames_.pop_back();
        return std::nullopt;
      default: return std::nullopt;
    }
  }

 private:
  struct Frame {
    bool is_map = false;
    std::string prefix;            // dotted path of this node
    bool expecting_key = true;     // maps alternate key, value
    std::string key;               // the key whose value comes next
    std::map<std::string, std::size_t> lines;  // keys seen, at 1-based lines
  };

  [[nodiscard]] std::string path_of_next_value() const {
    if (frames_.empty()) return {};
    const Frame& parent = frames_.back();
    if (!parent.is_map || parent.expecting_key) return parent.prefix;
    return parent.prefix.empty() ? parent.key : parent.prefix + "." + parent.key;
  }

  // A node in its parent: a map's key (checked, when it is text) or a value.
  std::optional<StrictRefusal> take_node(const std::string* scalar, const yaml_mark_t& mark) {
    if (frames_.empty() || !frames_.back().is_map) return std::nullopt;
    Frame& map = frames_.back();
    map.expecting_key = !map.expecting_key;
    if (map.expecting_key) return std::nullopt;  // that was a value
    map.key = scalar ? *scalar : std::string();
    if (!scalar) return std::nullopt;  // a list, map or alias as a key: nothing to compare
    const auto [first, added] = map.lines.emplace(*scalar, mark.line + 1);
    if (added) return std::nullopt;
    const std::string path = map.prefix.empty() ? *scalar : map.prefix + "." + *scalar;
    return StrictRefusal{.mark = mark_of(mark),
                         .message = "key '" + path + "' appears twice (first at line " + std::to_string(first->second) +
                                    "); give each key once"};
  }

  std::vector<Frame> frames_;
};

// yaml-cpp, which builds ppisim's trees, is lenient where the YAML spec is
// not: it reads an unclosed quote to the end of the text (swallowing every
// setting after it), bytes that are not UTF-8, control characters such as
// NUL, and repeated keys. libyaml (the C library PyYAML builds on) follows
// the spec, so every text is also read by it, event by event without
// building anything.
std::optional<StrictRefusal> strict_refusal(const std::string& text) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) throw RuntimeFailure("cannot start the YAML checker (out of memory)");
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::optional<StrictRefusal> refusal;
  DuplicateKeyFinder duplicates;
  for (bool done = false; !done && !refusal;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      refusal = StrictRefusal{};
      if (parser.error == YAML_READER_ERROR) {
        refusal = refused_bytes(text, parser);
      } else if (parser.context && std::string_view(parser.context).find("quoted scalar") != std::string_view::npos &&
                 std::string_view(parser.problem ? parser.problem : "").find("end of stream") != std::string_view::npos) {
        refusal->mark = mark_of(parser.context_mark);
        refusal->message = "invalid YAML: the quote that opens here is never closed, so it would swallow the rest of the text";
      } else {
        refusal->mark = mark_of(parser.problem_mark);
        refusal->message = std::string("invalid YAML: ") + (parser.problem ? parser.problem : "unreadable") +
                           (parser.context ? std::string(" ") + parser.context : std::string());
      }
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    refusal = duplicates.on(event);
    yaml_event_delete(&event);
    // Too deep for ppisim: NestingGuard says so, at the level that passes the limit.
    if (duplicates.depth() > static_cast<std::size_t>(kMaxYamlNesting)) break;
  }
  yaml_parser_delete(&parser);
  return refusal;
}

// YAML reads a CRLF or a lone CR as one line break, the same as LF; yaml-cpp
// knows only LF (and CRLF), so line breaks are made LF before it reads them.
// Line numbers are unchanged.
std::string with_lf_line_breaks(const std::string& text) {
  if (text.find('\r') == std::string::npos) return text;
  std::string normalised;
  normalised.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      normalised += text[i];
      continue;
    }
    normalised += '\n';
    if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
  }
  return normalised;
}

YAML::Node parse_checked(const std::string& raw_text, const std::string& origin, bool with_position) {
  // The bytes first (a NUL or invalid UTF-8 is named where it is), then
  // yaml-cpp's own messages, which know ppisim's inputs best, then whatever
  // else a strict parser refuses.
  const auto refusal = strict_refusal(raw_text);
  if (refusal && refusal->in_bytes) throw InputError(located_at(origin, refusal->mark, with_position), refusal->message);
  const std::string text = with_lf_line_breaks(raw_text);
  try {
    check_structure(text, origin, with_position);
    auto tree = YAML::Load(text);
    if (refusal) throw InputError(located_at(origin, refusal->mark, with_position), refusal->message);
    return tree;
  } catch (const YAML::Exception& error) {
    throw InputError(located_at(origin, error.mark, with_position),
                     "invalid YAML: " + error.msg + tab_hint(text, error.mark));
  }
}

}  // namespace

std::string read_yaml_file(const std::filesystem::path& file, const std::string& kind,
                           const SourceLocation& requested_at) {
  const std::string name = file.string();
  // O_NONBLOCK: opening a named pipe nobody writes to would otherwise wait forever.
  const OpenFile opened(::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (opened.get() < 0) {
    const int error = errno;
    throw InputError(requested_at, "cannot read " + kind + " file '" + name + "': " +
                                       (error == ENOENT ? std::string("no such file") : std::strerror(error)));
  }
  struct stat status {};
  if (::fstat(opened.get(), &status) != 0)
    throw InputError(requested_at, "cannot read " + kind + " file '" + name + "': " + std::strerror(errno));
  if (S_ISDIR(status.st_mode))
    throw InputError(requested_at, "'" + name + "' is a folder, not " + with_article(kind) + " file");
  std::error_code ignored;  // only names the kind of file in the message
  if (!S_ISREG(status.st_mode))
    throw InputError(requested_at, "'" + name + "' is " + describe_file_type(fs::status(file, ignored).type()) + ", not a regular file; ppisim reads " +
                                       kind + "s from regular files only (save it to one first)");
  if (static_cast<std::uintmax_t>(status.st_size) > kMaxYamlFileBytes)
    refuse_size(name, kind, requested_at, fmt::format("{:.1f} MB", static_cast<double>(status.st_size) / 1e6));
  return read_capped(opened.get(), name, kind, requested_at);
}

YAML::Node parse_yaml(const std::string& text, const std::string& origin) {
  return parse_checked(text, origin, true);
}

YAML::Node parse_yaml_value(const std::string& text, const std::string& origin) {
  return parse_checked(text, origin, false);
}

YAML::Node load_yaml_file(const std::filesystem::path& file, const std::string& kind,
                          const SourceLocation& requested_at) {
  return parse_yaml(read_yaml_file(file, kind, requested_at), file.string());
}

}  // namespace sim
