#pragma once
// Errors that reach the user. Each carries where it happened, so the command
// line can print one located line and choose the documented exit code.
#include <stdexcept>
#include <string>

namespace sim {

// Exit codes of every ppisim command (documented in README.md).
enum class ExitCode : int { success = 0, runtime_failure = 1, bad_input = 2, interrupted = 130 };

// Where a value came from: a file position, or a command-line override.
struct SourceLocation {
  std::string file;  // file path, or "--set" for command-line overrides
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown

  [[nodiscard]] std::string describe() const;
};

// Bad input: the user can fix it. Exit code 2.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, const std::string& message);
  explicit InputError(const std::string& message);
  [[nodiscard]] const SourceLocation& where() const { return where_; }
  // The message without its location, to put in context.
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// Something failed while running (I/O, resources). Exit code 1.
class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sim
