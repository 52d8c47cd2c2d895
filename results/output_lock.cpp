#include "results/output_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "sim/errors.hpp"

namespace results {
namespace fs = std::filesystem;

namespace {

struct flock whole_file(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  return lock;
}

}  // namespace

fs::path OutputLock::lock_path(const fs::path& output) {
  return output.parent_path() / ("." + output.filename().string() + ".lock");
}

OutputLock::OutputLock(const fs::path& output) : path_(lock_path(output)) {
  // A holder that ends removes the file it locked; one that opened it just
  // before may then lock a file no longer in the folder, so the lock counts
  // only if the locked file is still the one at the path.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0)
      throw sim::RuntimeFailure("cannot lock the output " + output.string() + " (" + path_.string() + ": " +
                                std::strerror(errno) + ")");
    struct stat held {};
    if (::fstat(fd, &held) != 0 || !S_ISREG(held.st_mode) || held.st_nlink != 1) {
      ::close(fd);
      throw sim::RuntimeFailure("cannot lock the output " + output.string() + ": " + path_.string() +
                                " is not ppisim's own lock file; remove it");
    }
    auto lock = whole_file(F_WRLCK);
    if (::fcntl(fd, F_SETLK, &lock) != 0) {
      const int error = errno;
      auto holder = whole_file(F_WRLCK);
      const bool known = (error == EACCES || error == EAGAIN) && ::fcntl(fd, F_GETLK, &holder) == 0 &&
                         holder.l_type != F_UNLCK;
      ::close(fd);
      if (error != EACCES && error != EAGAIN) return;  // a file system without locks: go on unguarded, as before
      if (!known) continue;                            // released in between: try again
      throw sim::RuntimeFailure(output.string() + " is being written by PID " + std::to_string(holder.l_pid) +
                                " (another ppisim run or sweep); wait for it to finish, or write elsewhere");
    }
    struct stat now {};
    if (::stat(path_.c_str(), &now) == 0 && now.st_ino == held.st_ino && now.st_dev == held.st_dev) {
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
  throw sim::RuntimeFailure("cannot lock the output " + output.string() + ": its lock file keeps changing");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still locked: no other process can hold this file meanwhile
  ::close(fd_);
}

}  // namespace results
