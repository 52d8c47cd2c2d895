// `ppisim report`: the HTML report is written by the Python analysis package
// (analysis/ppisim_analysis/report.py); this command runs it with Debian's
// interpreter, so analysts need not know where the package lives.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "sim/errors.hpp"

namespace cli {
namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's: it sees the python3-* packages

std::string analysis_folder() {
  if (const char* configured = std::getenv("PPISIM_ANALYSIS_DIR")) return configured;
  return PPISIM_ANALYSIS_DIR;  // the source tree this binary was built from
}

}  // namespace

int report_command(const std::vector<std::string>& results, const std::string& output, const std::string& title,
                   const std::string& baseline) {
  const std::string folder = analysis_folder();
  if (!std::filesystem::is_directory(folder + "/ppisim_analysis"))
    throw sim::RuntimeFailure("cannot find the analysis package in " + folder +
                              " (set PPISIM_ANALYSIS_DIR to the repository's analysis/ folder)");
  std::vector<std::string> words{kPython, "-m", "ppisim_analysis.report"};
  words.insert(words.end(), results.begin(), results.end());
  if (!output.empty()) words.insert(words.end(), {"-o", output});
  if (!title.empty()) words.insert(words.end(), {"--title", title});
  if (!baseline.empty()) words.insert(words.end(), {"--baseline", baseline});
  const char* old_path = std::getenv("PYTHONPATH");
  const std::string python_path = folder + (old_path && *old_path ? ":" + std::string(old_path) : "");
  ::setenv("PYTHONPATH", python_path.c_str(), 1);
  ::setenv("PYTHONDONTWRITEBYTECODE", "1", 0);
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  ::execv(kPython, argv.data());  // replaces this process; its exit code is the report's
  throw sim::RuntimeFailure(std::string("cannot start ") + kPython + " (" + std::strerror(errno) +
                            "); ./dev installs Debian's python3 with h5py, pandas and matplotlib");
}

}  // namespace cli
