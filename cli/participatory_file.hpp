#pragma once
// The /participatory group of a results file (docs/hdf5-layout.md): a
// participatory session's decisions, their uses and its students; and
// `ppisim replay`, which re-applies a file's decisions to its scenario and
// seed and checks that they reproduce the file's run bit for bit.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/student_choices.hpp"

namespace cli {

struct RosterEntry {
  std::string name, role;
  std::int64_t agent = 0, weeks_decided = 0;
};

struct ParticipatoryRecord {
  std::vector<models::Decision> decisions;
  std::vector<models::AppliedDecision> applied;
  std::vector<RosterEntry> students;
};

void write_participatory_group(hid_t root, const ParticipatoryRecord& record);
// RuntimeFailure naming the dataset when the group is missing or malformed.
ParticipatoryRecord read_participatory_group(hid_t root);

struct ReplayOptions {
  std::string file;    // a participatory session's results file
  std::string output;  // where to write the replayed run (optional)
  bool force = false;
};

// 0 when the replay reproduces every daily series, summary outcome and use of
// a decision; 1 (runtime failure) when anything differs, naming the first difference.
int replay_command(const ReplayOptions& options);

}  // namespace cli
