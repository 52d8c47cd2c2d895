#include "sim/errors.hpp"

#include <fmt/format.h>

namespace sim {

std::string SourceLocation::describe() const {
  if (file.empty()) return {};
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

static std::string located(const SourceLocation& where, const std::string& message) {
  const std::string place = where.describe();
  return place.empty() ? message : place + ": " + message;
}

InputError::InputError(SourceLocation where, const std::string& message)
    : std::runtime_error(located(where, message)), where_(std::move(where)), message_(message) {}

InputError::InputError(const std::string& message) : std::runtime_error(message), message_(message) {}

}  // namespace sim
