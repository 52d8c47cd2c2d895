#pragma once
// Shared by the libFuzzer targets: a private temporary folder, set up once,
// holding links to the scenario library so that `extends:` and an
// experiment's `base:` resolve as they do in scenarios/, and a helper that
// writes one input there as a file.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fuzz {

inline const std::filesystem::path& work_folder() {
  static const std::filesystem::path folder = [] {
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / "ppisim-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    const fs::path root(pattern);
    const fs::path library = fs::path(PPISIM_SOURCE_DIR) / "scenarios";
    for (const auto& entry : fs::directory_iterator(library))
      if (entry.path().extension() == ".yaml") fs::create_symlink(entry.path(), root / entry.path().filename());
    fs::create_directory(root / "inputs");
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(work_folder(), ignored);
    });
    return root;
  }();
  return folder;
}

// Writes the input to <work>/inputs/input.yaml (next to the library's files,
// one folder down, like scenarios/experiments/) and returns its path.
inline std::filesystem::path write_input(const std::uint8_t* data, std::size_t size) {
  const auto path = work_folder() / "inputs" / "input.yaml";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) std::abort();
  return path;
}

}  // namespace fuzz
