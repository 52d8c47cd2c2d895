#include "sim/yaml_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include <fmt/format.h>
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

YAML::Node parse_checked(const std::string& text, const std::string& origin, bool with_position) {
  try {
    check_structure(text, origin, with_position);
    return YAML::Load(text);
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
