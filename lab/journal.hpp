#pragma once
// The run journal of a sweep: an append-only file of finished runs, one
// fixed-size record each (run number, values, checksum), written with one
// write() as each run finishes. A sweep killed at any moment (even SIGKILL)
// loses no finished run; a torn last record is detected by its size or
// checksum and dropped on resume. The results file is assembled from the
// journal at the end, then the journal is removed.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace lab {

class RunJournal {
 public:
  // Only one process writes a journal: create and resume take an exclusive
  // advisory lock, and refuse (RuntimeFailure "locked by PID ...") a journal
  // another process holds. RuntimeFailure unless no other process holds the
  // journal at `path` (before removing it for --force, say).
  static void check_not_in_use(const std::filesystem::path& path);
  // A new journal; InputError if one exists (a sweep to resume or remove).
  static RunJournal create(const std::filesystem::path& path, std::uint64_t fingerprint, std::uint64_t runs,
                           std::uint64_t values_per_run);
  // An existing journal of the same experiment (same fingerprint and sizes),
  // cut back to its last whole, valid record; its own regular file with one
  // name (no link, hard link, pipe or device).
  static RunJournal resume(const std::filesystem::path& path, std::uint64_t fingerprint, std::uint64_t runs,
                           std::uint64_t values_per_run);

  RunJournal(RunJournal&& other) noexcept;
  RunJournal& operator=(RunJournal&&) = delete;
  RunJournal(const RunJournal&) = delete;
  ~RunJournal();

  void append(std::uint64_t run, std::span<const double> values);
  void sync();  // fsync: survives a power cut, not only a killed process
  [[nodiscard]] bool done(std::uint64_t run) const { return done_[run]; }
  [[nodiscard]] std::uint64_t done_count() const { return done_count_; }
  // Calls `visit(run, values)` for every record, in file order.
  void for_each(const std::function<void(std::uint64_t run, std::span<const double> values)>& visit) const;
  void remove();  // after the results file is in place
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  RunJournal(std::filesystem::path path, int fd, std::uint64_t runs, std::uint64_t values_per_run);
  [[nodiscard]] std::size_t record_bytes() const;

  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t values_per_run_ = 0;
  std::vector<bool> done_;
  std::uint64_t done_count_ = 0;
};

// FNV-1a, for fingerprints and record checksums.
std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t hash = 0xcbf29ce484222325ULL);

}  // namespace lab
