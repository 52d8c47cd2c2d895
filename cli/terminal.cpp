#include "cli/terminal.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested.store(true); }

}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return stop_requested;
}

void request_stop() { stop_requested.store(true); }

ProgressBar::ProgressBar(bool enabled, Style style)
    : enabled_(enabled && isatty(STDERR_FILENO)),
      lines_(enabled && !enabled_ && style == Style::lines_unless_terminal),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::print_line(double done_fraction, const std::string& detail) {
  const auto now = std::chrono::steady_clock::now();
  const int decile = static_cast<int>(done_fraction * 10.0);
  if (last_line_decile_ >= 0 && decile == last_line_decile_ && now - last_line_ < std::chrono::seconds(30)) return;
  last_line_decile_ = decile;
  last_line_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string left = done_fraction > 0.01 ? fmt::format(", {:.0f} s left", elapsed * (1.0 - done_fraction) / done_fraction) : "";
  fmt::print(stderr, "progress: {:.0f}%, {}{}\n", done_fraction * 100.0, detail, left);
  std::fflush(stderr);
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(double done_fraction, const std::string& detail) {
  if (lines_) print_line(done_fraction, detail);
  if (!enabled_) return;
  const int permille = static_cast<int>(done_fraction * 1000.0);
  if (permille == last_permille_ && detail.empty()) return;
  last_permille_ = permille;
  constexpr int kWidth = 30;
  const int filled = permille * kWidth / 1000;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string left = done_fraction > 0.01 ? fmt::format("{:.0f} s left", elapsed * (1.0 - done_fraction) / done_fraction) : "";
  fmt::print(stderr, "\r[{}{}] {:5.1f}%  {:<14} {}", std::string(static_cast<std::size_t>(filled), '#'),
             std::string(static_cast<std::size_t>(kWidth - filled), '-'), permille / 10.0, left, detail);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  fmt::print(stderr, "\r{:100}\r", "");
  std::fflush(stderr);
  drawn_ = false;
}

std::string shell_quote(const std::string& word) {
  // Only words made of these characters are safe unquoted in every shell position.
  const bool plain = !word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                              "0123456789_./=:@%+-") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string join_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + shell_quote(argv[i]);
  return line;
}

}  // namespace cli
