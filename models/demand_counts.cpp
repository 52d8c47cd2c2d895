#include "models/demand_counts.hpp"

#include <algorithm>

#include "models/parameters.hpp"

namespace models {

void DemandCounts::count(std::int32_t professional, bool is_supported, int sign) {
  if (professional == kNobody) return;
  const auto k = static_cast<std::size_t>(professional);
  if (sign > 0) {
    ++responsible_[k];
    supported_[k] += is_supported;
  } else {
    --responsible_[k];
    supported_[k] -= is_supported;
  }
}

void DemandCounts::follow(World& world, int day) {
  const auto& mothers = world.mothers;
  if (!started_) {
    responsible_.assign(world.professionals.count(), 0);
    supported_.assign(world.professionals.count(), 0);
    counted_from_ = handover_ = counted_to_ = mothers.first_id + static_cast<std::int64_t>(mothers.departed);
    started_ = true;
  }
  // Volunteers taken on or lost since the last call, at the professional each mother is
  // counted with; a mother not counted yet is counted below as she is now.
  for (const auto& change : world.volunteer_changes) {
    if (change.mother < counted_from_ || change.mother >= counted_to_) continue;
    const auto i = mothers.index(change.mother);
    const auto professional = change.mother < handover_ ? mothers.health_visitor[i] : mothers.midwife[i];
    if (professional == kNobody) continue;
    auto& supported = supported_[static_cast<std::size_t>(professional)];
    supported = change.supported > 0 ? supported + 1 : supported - 1;
  }
  world.volunteer_changes.clear();
  // A mother born on this day or earlier is her health visitor's (World::professional_of).
  const std::int32_t handed_over_by = day - world.handover_age;
  for (; handover_ < counted_to_ && mothers.birth_day[mothers.index(handover_)] <= handed_over_by; ++handover_) {
    const auto i = mothers.index(handover_);
    const bool is_supported = mothers.volunteer[i] != kNobody;
    count(mothers.midwife[i], is_supported, -1);
    count(mothers.health_visitor[i], is_supported, +1);
  }
  // Arrivals (births): the midwife's, unless already past the handover age.
  for (; counted_to_ < mothers.end_id(); ++counted_to_) {
    const auto i = mothers.index(counted_to_);
    const bool is_supported = mothers.volunteer[i] != kNobody;
    if (handover_ == counted_to_ && mothers.birth_day[i] <= handed_over_by) {
      count(mothers.health_visitor[i], is_supported, +1);
      ++handover_;
    } else {
      count(mothers.midwife[i], is_supported, +1);
    }
  }
}

void DemandCounts::drop_last_day(const World& world, int day) {
  const auto& mothers = world.mothers;
  // Demography retires a mother the day her age passes 26 weeks: born on day - kAge6Months or earlier, tomorrow.
  const std::int32_t last_day_for = day - kAge6Months;
  for (; counted_from_ < counted_to_ && mothers.birth_day[mothers.index(counted_from_)] <= last_day_for; ++counted_from_) {
    const auto i = mothers.index(counted_from_);
    const auto professional = counted_from_ < handover_ ? mothers.health_visitor[i] : mothers.midwife[i];
    count(professional, mothers.volunteer[i] != kNobody, -1);
  }
  handover_ = std::max(handover_, counted_from_);
}

}  // namespace models
