#include "lab/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include "sim/errors.hpp"

namespace lab {
namespace {

constexpr std::array<char, 8> kMagic{'P', 'P', 'I', 'S', 'I', 'M', 'J', '1'};
constexpr std::size_t kHeaderBytes = 8 + 3 * sizeof(std::uint64_t);

struct Header {
  std::uint64_t fingerprint, runs, values_per_run;
};

std::string reason() { return std::strerror(errno); }

void write_all(int fd, const void* data, std::size_t bytes, const std::filesystem::path& path) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t written = ::write(fd, p, bytes);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw sim::RuntimeFailure("cannot write the sweep journal " + path.string() + ": " + reason());
    p += written;
    bytes -= static_cast<std::size_t>(written);
  }
}

bool read_exact(int fd, void* data, std::size_t bytes, off_t offset) {
  auto* p = static_cast<char*>(data);
  while (bytes > 0) {
    const ssize_t got = ::pread(fd, p, bytes, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    bytes -= static_cast<std::size_t>(got);
    offset += got;
  }
  return true;
}

// One writer per journal: an exclusive POSIX advisory lock on the whole file,
// held while the sweep runs and released by the kernel however it ends (even
// SIGKILL). POSIX locks, not flock, because they name the process that holds
// them. Returns that process when another one has the lock.
std::optional<pid_t> lock_exclusively(int fd) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &lock) == 0) return std::nullopt;
  if (errno != EACCES && errno != EAGAIN) return std::nullopt;  // a file system without locks: proceed as before
  struct flock holder {};
  holder.l_type = F_WRLCK;
  holder.l_whence = SEEK_SET;
  if (::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK) return holder.l_pid;
  return pid_t{0};
}

// The process holding the journal's lock, if any (read without taking it).
std::optional<pid_t> lock_holder(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  std::optional<pid_t> holder;
  if (::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK) holder = probe.l_pid;
  ::close(fd);
  return holder;
}

[[noreturn]] void refuse_locked(const std::filesystem::path& path, pid_t holder) {
  throw sim::RuntimeFailure("the sweep journal " + path.string() + " is locked by PID " + std::to_string(holder) +
                            ": another sweep is writing this output; wait for it to finish (or stop it) first");
}

}  // namespace

void RunJournal::check_not_in_use(const std::filesystem::path& path) {
  if (const auto holder = lock_holder(path)) refuse_locked(path, *holder);
}

std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t hash) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 0x100000001b3ULL;
  return hash;
}

RunJournal::RunJournal(std::filesystem::path path, int fd, std::uint64_t runs, std::uint64_t values_per_run)
    : path_(std::move(path)), fd_(fd), values_per_run_(values_per_run), done_(runs, false) {}

RunJournal::RunJournal(RunJournal&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), values_per_run_(other.values_per_run_),
      done_(std::move(other.done_)), done_count_(other.done_count_) {
  other.fd_ = -1;
}

RunJournal::~RunJournal() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t RunJournal::record_bytes() const { return sizeof(std::uint64_t) * (2 + values_per_run_); }

RunJournal RunJournal::create(const std::filesystem::path& path, std::uint64_t fingerprint, std::uint64_t runs,
                              std::uint64_t values_per_run) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) {
      check_not_in_use(path);  // a running sweep's journal, not an interrupted one's
      throw sim::InputError(sim::SourceLocation{path.string(), 0, 0},
                       "an interrupted sweep or calibration left this journal: add --resume to finish it, or --force to start again");
    }
    throw sim::RuntimeFailure("cannot create the sweep journal " + path.string() + ": " + reason());
  }
  RunJournal journal(path, fd, runs, values_per_run);
  // Another process may have opened the new file already (a --resume): it has the lock, and the file.
  if (const auto holder = lock_exclusively(fd)) {
    journal.fd_ = -1;
    ::close(fd);
    refuse_locked(path, *holder);
  }
  try {
    const Header header{fingerprint, runs, values_per_run};
    write_all(fd, kMagic.data(), kMagic.size(), path);
    write_all(fd, &header, sizeof header, path);
    journal.sync();
  } catch (...) {
    // A full disk while writing the header: leave no broken journal that the next sweep would be told to resume.
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw;
  }
  return journal;
}

RunJournal RunJournal::resume(const std::filesystem::path& path, std::uint64_t fingerprint, std::uint64_t runs,
                              std::uint64_t values_per_run) {
  // No links, no pipes or devices: resuming repairs the journal in place, so it must be the sweep's own file.
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  const sim::SourceLocation where{path.string(), 0, 0};
  if (fd < 0 && errno == ELOOP) throw sim::InputError(where, "the journal is a symbolic link; ppisim resumes only from its own file");
  if (fd < 0) throw sim::InputError(where, "no journal to resume from (" + reason() + ")");
  RunJournal journal(path, fd, runs, values_per_run);
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode))
    throw sim::InputError(where, "the journal is not a regular file; remove it, or use --force to start again");
  // A hard link is another name of some other file (`ln notes.txt out.h5.journal`), which resuming would rewrite.
  if (status.st_nlink != 1)
    throw sim::InputError(where, "the journal has " + std::to_string(status.st_nlink) +
                                     " names (hard links); ppisim resumes only from its own file");
  if (const auto holder = lock_exclusively(fd)) refuse_locked(path, *holder);
  // Killed while writing its header: nothing was recorded yet, so start it afresh.
  if (::lseek(fd, 0, SEEK_END) < static_cast<off_t>(kHeaderBytes)) {
    const Header header{fingerprint, runs, values_per_run};
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0)
      throw sim::RuntimeFailure("cannot repair the sweep journal " + path.string() + ": " + reason());
    write_all(fd, kMagic.data(), kMagic.size(), path);
    write_all(fd, &header, sizeof header, path);
    journal.sync();
    return journal;
  }
  std::array<char, 8> magic{};
  Header header{};
  if (!read_exact(fd, magic.data(), magic.size(), 0) || magic != kMagic ||
      !read_exact(fd, &header, sizeof header, static_cast<off_t>(magic.size())))
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0}, "not a ppisim sweep journal");
  if (header.fingerprint != fingerprint || header.runs != runs || header.values_per_run != values_per_run)
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0},
                     "this journal belongs to a different experiment or ppisim version; remove it or use --force");
  // Keep whole records with good checksums; cut at the first that is not.
  off_t offset = static_cast<off_t>(kHeaderBytes);
  std::vector<std::uint64_t> record(2 + values_per_run);
  const std::size_t bytes = journal.record_bytes();
  while (read_exact(fd, record.data(), bytes, offset)) {
    const std::uint64_t run = record[0];
    if (run >= runs || record.back() != fnv1a(record.data(), bytes - sizeof(std::uint64_t))) break;
    if (!journal.done_[run]) ++journal.done_count_;
    journal.done_[run] = true;
    offset += static_cast<off_t>(bytes);
  }
  if (::ftruncate(fd, offset) != 0 || ::lseek(fd, offset, SEEK_SET) < 0)
    throw sim::RuntimeFailure("cannot repair the sweep journal " + path.string() + ": " + reason());
  return journal;
}

void RunJournal::append(std::uint64_t run, std::span<const double> values) {
  std::vector<std::uint64_t> record(2 + values_per_run_);
  record[0] = run;
  std::memcpy(record.data() + 1, values.data(), values_per_run_ * sizeof(double));
  record.back() = fnv1a(record.data(), record_bytes() - sizeof(std::uint64_t));
  write_all(fd_, record.data(), record_bytes(), path_);  // one write: a kill leaves at most a torn tail
  if (!done_[run]) ++done_count_;
  done_[run] = true;
}

void RunJournal::sync() {
  if (::fsync(fd_) != 0) throw sim::RuntimeFailure("cannot sync the sweep journal " + path_.string() + ": " + reason());
}

void RunJournal::for_each(const std::function<void(std::uint64_t, std::span<const double>)>& visit) const {
  off_t offset = static_cast<off_t>(kHeaderBytes);
  std::vector<std::uint64_t> record(2 + values_per_run_);
  std::vector<double> values(values_per_run_);
  while (read_exact(fd_, record.data(), record_bytes(), offset)) {
    std::memcpy(values.data(), record.data() + 1, values_per_run_ * sizeof(double));
    visit(record[0], values);
    offset += static_cast<off_t>(record_bytes());
  }
}

void RunJournal::remove() {
  // Unlinked while still locked: no other sweep can take it over in between.
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace lab
