#pragma once
// The demand on each professional (F3): how many of the followed mothers she
// is responsible for today (the midwife's until the handover age, then the
// health visitor's; World::professional_of), and how many of those a
// volunteer supports. Kept as counts from each day's changes instead of a
// pass over every followed mother: a mother is counted from her birth, passes
// to her health visitor at the handover age, and is dropped once her last
// followed day has been counted; a volunteer taken on or lost reaches them through
// World::volunteer_changes. The counts are whole numbers, so the order in
// which changes arrive cannot move them.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/world.hpp"

namespace models {

class DemandCounts {
 public:
  // Brings the counts to `day`, after that day's births and departures and
  // before its contacts, from what changed since the last call.
  void follow(World& world, int day);
  // Stops counting the mothers whose last followed day is `day` (they leave
  // tomorrow): call once today's demand has been read.
  void drop_last_day(const World& world, int day);

  [[nodiscard]] std::uint32_t responsible(std::size_t professional) const { return responsible_[professional]; }
  [[nodiscard]] std::uint32_t supported(std::size_t professional) const { return supported_[professional]; }
  // Her demand when a supported mother counts `supported_weight` of one who is not.
  [[nodiscard]] double demand(std::size_t professional, double supported_weight) const {
    const auto supported = supported_[professional];
    return static_cast<double>(responsible_[professional] - supported) + static_cast<double>(supported) * supported_weight;
  }

 private:
  void count(std::int32_t professional, bool is_supported, int sign);
  std::vector<std::uint32_t> responsible_, supported_;  // by professional
  // Mothers counted, by id: [counted_from_, handover_) are their health visitors', [handover_, counted_to_) their midwives'.
  std::int64_t counted_from_ = 0, handover_ = 0, counted_to_ = 0;
  bool started_ = false;
};

}  // namespace models
