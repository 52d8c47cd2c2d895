#pragma once
// YAML written by the user, read defensively: before yaml-cpp builds a node
// tree, the file must be a regular file of sensible size (a FIFO, a device or
// a 200 MB file is refused without blocking or filling memory) and the text
// one document nested no deeper than any scenario needs (yaml-cpp's own guard
// only says "bad file"). Every refusal is an InputError with a location.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <string>

#include "sim/errors.hpp"

namespace sim {

// Scenario and experiment files are a few kilobytes; a megabyte is a mistake.
inline constexpr std::size_t kMaxYamlFileBytes = 1 << 20;
// Scenarios nest four or five levels; 32 leaves room without risking the stack.
inline constexpr int kMaxYamlNesting = 32;

// The bytes of `file`, a regular file of at most kMaxYamlFileBytes. `kind`
// names it in messages ("scenario", "experiment"); `requested_at` is where it
// was named (the command line, or an `extends:`).
std::string read_yaml_file(const std::filesystem::path& file, const std::string& kind,
                           const SourceLocation& requested_at);

// One YAML document from `text`, or an InputError located in `origin` (a file
// name, or "--set path=value"). Refuses a second document and nesting deeper
// than kMaxYamlNesting, and explains tab indentation.
YAML::Node parse_yaml(const std::string& text, const std::string& origin);

// As parse_yaml, for a value given on the command line: messages name the
// origin ("--set path=value") without a line and column.
YAML::Node parse_yaml_value(const std::string& text, const std::string& origin);

// A file read and parsed as above.
YAML::Node load_yaml_file(const std::filesystem::path& file, const std::string& kind,
                          const SourceLocation& requested_at);

}  // namespace sim
