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

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  void update(double done_fraction, const std::string& detail = {});
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  int last_permille_ = -1;
};

// Quotes argv as a shell would need it, for the record in results files.
std::string join_command_line(int argc, char** argv);
// One word, quoted for a POSIX shell only when it needs it.
std::string shell_quote(const std::string& word);

}  // namespace cli
