#pragma once
// One writer per output: `ppisim run` and `ppisim sweep` hold an exclusive
// advisory lock on a hidden file beside their output (.NAME.h5.lock) from
// before their first run to their end, so a second command writing the same
// output is refused at once, naming the process that writes it, instead of
// racing it to the rename. The kernel releases the lock however the holder
// ends (even SIGKILL); the lock file is removed when the command ends, and a
// stale one (left by a killed command) is simply taken over.
#include <filesystem>

namespace results {

class OutputLock {
 public:
  // RuntimeFailure "OUTPUT is being written by PID N ..." if another process holds it.
  explicit OutputLock(const std::filesystem::path& output);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  [[nodiscard]] static std::filesystem::path lock_path(const std::filesystem::path& output);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace results
