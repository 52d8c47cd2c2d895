// The run journal of a sweep: an append-only file of finished runs that a
// killed sweep resumes from. These tests write journals, damage them the
// way a kill or a bad disk would, and check what resume keeps.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/errors.hpp"
#include "lab/journal.hpp"
#include "tests/lab/scratch_folder.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kFingerprint = 0x5eed5eed12345678ULL;
constexpr std::uint64_t kRuns = 10;
constexpr std::uint64_t kValues = 3;
// The layout journal.hpp describes: 8 bytes of magic and three 64-bit header
// words, then per record the run number, the values and a checksum.
constexpr std::uintmax_t kHeaderBytes = 8 + 3 * 8;
constexpr std::uintmax_t kRecordBytes = 8 * (2 + kValues);

// A scratch folder, removed afterwards.
struct JournalFolder : testing_support::ScratchFolder {
  JournalFolder() : ScratchFolder("ppisim-journal") {}
  [[nodiscard]] fs::path file() const { return root / "sweep.h5.journal"; }
};

std::vector<double> values_of(std::uint64_t run) {
  const auto x = static_cast<double>(run);
  return {x + 0.25, -x * 1.5, 1e-300 * (x + 1)};
}

using Records = std::vector<std::pair<std::uint64_t, std::vector<double>>>;

Records records_of(const lab::RunJournal& journal) {
  Records records;
  journal.for_each([&](std::uint64_t run, std::span<const double> values) {
    records.emplace_back(run, std::vector<double>(values.begin(), values.end()));
  });
  return records;
}

Records expected(const std::vector<std::uint64_t>& runs) {
  Records records;
  for (const auto run : runs) records.emplace_back(run, values_of(run));
  return records;
}

// Writes a journal holding `runs`, in that order, and closes it.
void write_journal(const fs::path& path, const std::vector<std::uint64_t>& runs) {
  auto journal = lab::RunJournal::create(path, kFingerprint, kRuns, kValues);
  for (const auto run : runs) journal.append(run, values_of(run));
}

lab::RunJournal reopen(const fs::path& path) { return lab::RunJournal::resume(path, kFingerprint, kRuns, kValues); }

void flip_byte(const fs::path& path, std::uintmax_t offset) {
  std::fstream stream(path, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  stream.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x10);
  stream.seekp(static_cast<std::streamoff>(offset));
  stream.write(&byte, 1);
}

std::string resume_error(const fs::path& path, std::uint64_t fingerprint, std::uint64_t runs, std::uint64_t values) {
  try {
    (void)lab::RunJournal::resume(path, fingerprint, runs, values);
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("journal: appended runs come back on resume, and appends continue after them") {
  JournalFolder folder;
  write_journal(folder.file(), {4, 0, 7});
  CHECK(fs::file_size(folder.file()) == kHeaderBytes + 3 * kRecordBytes);
  {
    auto journal = reopen(folder.file());
    CHECK(journal.done_count() == 3);
    for (std::uint64_t run = 0; run < kRuns; ++run) {
      INFO("run " << run);
      CHECK(journal.done(run) == (run == 4 || run == 0 || run == 7));
    }
    CHECK(records_of(journal) == expected({4, 0, 7}));
    journal.append(9, values_of(9));
    CHECK(journal.done(9));
    CHECK(journal.done_count() == 4);
  }
  auto journal = reopen(folder.file());
  CHECK(journal.done_count() == 4);
  CHECK(records_of(journal) == expected({4, 0, 7, 9}));
  CHECK(fs::file_size(folder.file()) == kHeaderBytes + 4 * kRecordBytes);
}

TEST_CASE("journal: values come back bit for bit, NaN and infinities included") {
  JournalFolder folder;
  const std::vector<double> odd{std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity(),
                                -0.0};
  {
    auto journal = lab::RunJournal::create(folder.file(), kFingerprint, kRuns, kValues);
    journal.append(2, odd);
    journal.sync();
  }
  const auto records = records_of(reopen(folder.file()));
  REQUIRE(records.size() == 1);
  CHECK(records[0].first == 2);
  CHECK(std::isnan(records[0].second[0]));
  CHECK(records[0].second[1] == -std::numeric_limits<double>::infinity());
  CHECK(std::signbit(records[0].second[2]));
}

TEST_CASE("journal: for_each visits records in file order, not run order") {
  JournalFolder folder;
  auto journal = lab::RunJournal::create(folder.file(), kFingerprint, kRuns, kValues);
  const std::vector<std::uint64_t> order{8, 3, 5, 0, 9, 1};
  for (const auto run : order) journal.append(run, values_of(run));
  CHECK(records_of(journal) == expected(order));
  CHECK(journal.done_count() == order.size());
  CHECK_FALSE(journal.done(2));
}

TEST_CASE("journal: a record torn by a kill mid-write is dropped and the file cut back") {
  JournalFolder folder;
  const std::uintmax_t good = kHeaderBytes + 2 * kRecordBytes;
  // Every way a last write() can be cut short: one byte, half, all but one.
  for (const std::uintmax_t kept : {std::uintmax_t{1}, kRecordBytes / 2, kRecordBytes - 1}) {
    INFO("bytes of the last record kept: " << kept);
    fs::remove(folder.file());
    write_journal(folder.file(), {1, 2, 3});
    fs::resize_file(folder.file(), good + kept);
    {
      auto journal = reopen(folder.file());
      CHECK(journal.done_count() == 2);
      CHECK_FALSE(journal.done(3));
      CHECK(fs::file_size(folder.file()) == good);  // cut back to the last good record
      CHECK(records_of(journal) == expected({1, 2}));
      journal.append(6, values_of(6));  // lands right after record 2, not after the torn bytes
    }
    CHECK(fs::file_size(folder.file()) == good + kRecordBytes);
    auto journal = reopen(folder.file());
    CHECK(journal.done_count() == 3);
    CHECK(records_of(journal) == expected({1, 2, 6}));
  }
}

TEST_CASE("journal: a last record with a flipped byte fails its checksum and is dropped") {
  JournalFolder folder;
  const std::uintmax_t last = kHeaderBytes + 2 * kRecordBytes;
  // A byte of the run number, of a value and of the checksum itself.
  for (const std::uintmax_t offset : {last, last + 8 + 3, last + kRecordBytes - 1}) {
    INFO("flipped byte at offset " << offset);
    fs::remove(folder.file());
    write_journal(folder.file(), {0, 5, 7});
    flip_byte(folder.file(), offset);
    {
      auto journal = reopen(folder.file());
      CHECK(journal.done_count() == 2);
      CHECK_FALSE(journal.done(7));
      CHECK(fs::file_size(folder.file()) == last);
      CHECK(records_of(journal) == expected({0, 5}));
      journal.append(7, values_of(7));
    }
    auto journal = reopen(folder.file());
    CHECK(journal.done_count() == 3);
    CHECK(records_of(journal) == expected({0, 5, 7}));
  }
}

TEST_CASE("journal: an empty journal, or one torn inside its first record, resumes with nothing done") {
  JournalFolder folder;
  write_journal(folder.file(), {});
  CHECK(reopen(folder.file()).done_count() == 0);
  fs::remove(folder.file());
  write_journal(folder.file(), {3});
  fs::resize_file(folder.file(), kHeaderBytes + 5);
  auto journal = reopen(folder.file());
  CHECK(journal.done_count() == 0);
  CHECK(fs::file_size(folder.file()) == kHeaderBytes);
  CHECK(records_of(journal).empty());
}

TEST_CASE("journal: a journal of another experiment or shape is refused, and left alone") {
  JournalFolder folder;
  write_journal(folder.file(), {1, 2});
  const auto size = fs::file_size(folder.file());
  const std::string different = "belongs to a different experiment or ppisim version; remove it or use --force";
  for (const auto& [fingerprint, runs, values] :
       {std::tuple{kFingerprint + 1, kRuns, kValues}, std::tuple{kFingerprint, kRuns + 1, kValues},
        std::tuple{kFingerprint, kRuns, kValues + 1}, std::tuple{kFingerprint, kRuns, kValues - 1}}) {
    INFO("fingerprint " << fingerprint << ", runs " << runs << ", values per run " << values);
    CHECK_THROWS_AS(lab::RunJournal::resume(folder.file(), fingerprint, runs, values), sim::InputError);
    CHECK(resume_error(folder.file(), fingerprint, runs, values) ==
          folder.file().string() + ": this journal " + different);
  }
  CHECK(fs::file_size(folder.file()) == size);
  CHECK(reopen(folder.file()).done_count() == 2);
}

TEST_CASE("journal: something that is not a journal, or no file, cannot be resumed") {
  JournalFolder folder;
  std::ofstream(folder.file()) << "name: not a journal at all, just some text\n";
  CHECK(resume_error(folder.file(), kFingerprint, kRuns, kValues) ==
        folder.file().string() + ": not a ppisim sweep journal");
  fs::remove(folder.file());
  CHECK_THROWS_AS(reopen(folder.file()), sim::InputError);
}

TEST_CASE("journal: create refuses an existing journal and leaves it intact") {
  JournalFolder folder;
  write_journal(folder.file(), {1, 2});
  const auto size = fs::file_size(folder.file());
  CHECK_THROWS_AS(lab::RunJournal::create(folder.file(), kFingerprint, kRuns, kValues), sim::InputError);
  try {
    (void)lab::RunJournal::create(folder.file(), kFingerprint, kRuns, kValues);
  } catch (const sim::InputError& error) {
    CHECK_THAT(error.what(), Catch::Contains("--resume") && Catch::Contains("--force") &&
                                 Catch::StartsWith(folder.file().string() + ": "));
  }
  CHECK(fs::file_size(folder.file()) == size);
  CHECK(reopen(folder.file()).done_count() == 2);
}

TEST_CASE("journal: remove deletes the file") {
  JournalFolder folder;
  auto journal = lab::RunJournal::create(folder.file(), kFingerprint, kRuns, kValues);
  journal.append(0, values_of(0));
  journal.remove();
  CHECK_FALSE(fs::exists(folder.file()));
}

TEST_CASE("journal: fnv1a matches the published FNV-1a 64 test vectors") {
  // From the reference test suite of Fowler, Noll and Vo (isthe.com/chongo/tech/comp/fnv).
  CHECK(lab::fnv1a("", 0) == 0xcbf29ce484222325ULL);
  CHECK(lab::fnv1a("a", 1) == 0xaf63dc4c8601ec8cULL);
  CHECK(lab::fnv1a("foobar", 6) == 0x85944171f73967e8ULL);
}

TEST_CASE("journal: one killed while writing its header resumes as empty") {
  const auto path = std::filesystem::temp_directory_path() / ("ppisim-torn-header-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  { std::ofstream(path) << "PPIS"; }  // the first bytes of a header, then the kill
  auto journal = lab::RunJournal::resume(path, 7, 4, 2);
  CHECK(journal.done_count() == 0);
  journal.append(1, std::vector<double>{1.0, 2.0});
  auto again = lab::RunJournal::resume(path, 7, 4, 2);
  CHECK(again.done(1));
  again.remove();
}
