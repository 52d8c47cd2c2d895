#pragma once
// A scratch folder for a test's files, unique to the process and removed
// afterwards (experiment, calibration and journal tests share it).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace testing_support {

struct ScratchFolder {
  std::filesystem::path root;
  explicit ScratchFolder(const std::string& name)
      : root(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
  }
  ~ScratchFolder() { std::filesystem::remove_all(root); }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  // Writes `text` to the file `name` in the folder; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(root / name) << text;
    return root / name;
  }
};

}  // namespace testing_support
