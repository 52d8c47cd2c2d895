#pragma once
// What the command line shows a person: a progress bar on stderr (only when
// it is a terminal), and the stop flag that SIGINT and SIGTERM raise.
#include <atomic>
#include <chrono>
#include <string>

namespace cli {

// Installs SIGINT/SIGTERM handlers that raise the returned flag; the run
// stops at the next simulated day and removes its partial output.
const std::atomic<bool>& install_stop_handlers();
// Raises that flag as a signal would: another rank's signal stops this one's runs too.
void request_stop();

// A bar redrawn in place on a terminal; with Style::lines_unless_terminal,
// where stderr is not one (a log, mpirun's forwarding), a line at the start,
// then every 10% or 30 s.
class ProgressBar {
 public:
  enum class Style { terminal_only, lines_unless_terminal };
  explicit ProgressBar(bool enabled, Style style = Style::terminal_only);
  ~ProgressBar();
  void update(double done_fraction, const std::string& detail = {});
  void finish();

 private:
  bool enabled_, lines_;
  bool drawn_ = false;
  int last_line_decile_ = -1;
  std::chrono::steady_clock::time_point last_line_;
  void print_line(double done_fraction, const std::string& detail);
  std::chrono::steady_clock::time_point start_;
  int last_permille_ = -1;
};

// Quotes argv as a shell would need it, for the record in results files.
std::string join_command_line(int argc, char** argv);
// One word, quoted for a POSIX shell only when it needs it.
std::string shell_quote(const std::string& word);

}  // namespace cli
