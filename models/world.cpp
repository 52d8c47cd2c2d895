#include "models/world.hpp"

#include <algorithm>
#include <cmath>

#include "models/parameters.hpp"

namespace models {

Mothers::Mothers() {
  columns.attach<std::int32_t>(birth_day, kNever);
  columns.attach<std::uint16_t>(locality, 0);
  columns.attach<std::uint8_t>(culture, 0);
  columns.attach<Feeding>(feeding, Feeding::none);
  columns.attach<std::int32_t>(midwife, kNobody);
  columns.attach<std::int32_t>(health_visitor, kNobody);
  columns.attach<std::int32_t>(referred_day, kNever);
  columns.attach<std::int32_t>(volunteer, kNobody);
  columns.attach<std::int32_t>(next_peer_contact, kNever);
  columns.attach<std::int32_t>(last_peer_contact, kNever);
  columns.attach<std::int32_t>(last_professional_contact, kNever);
  columns.attach<std::int32_t>(first_peer_contact, kNever);
  columns.attach<std::uint16_t>(peer_contacts, 0);
  columns.attach<std::uint16_t>(professional_contacts, 0);
  columns.attach<Difficulty>(difficulty, Difficulty::none);
  columns.attach<std::int32_t>(difficulty_since, kNever);
  columns.attach<std::int32_t>(difficulty_ended, kNever);
  columns.attach<double>(confidence, 0.0);
  for (auto* column : {&waiting_since, &lapsed_day, &declined_day, &assigned_day})
    columns.attach<std::int32_t>(*column, kNever);
  columns.attach<MotherTies>(ties, MotherTies{});
  columns.attach<std::uint8_t>(candidate, 0);
  columns.attach<std::int32_t>(referred_by, kNobody);
}

void Mothers::add(std::int32_t day, std::uint16_t locality_of, std::uint8_t culture_of, Feeding feeding_at_birth,
                  std::int32_t midwife_id, std::int32_t health_visitor_id) {
  columns.append();
  birth_day.back() = day;
  locality.back() = locality_of;
  culture.back() = culture_of;
  feeding.back() = feeding_at_birth;
  midwife.back() = midwife_id;
  health_visitor.back() = health_visitor_id;
}

void Mothers::retire_oldest(std::size_t retired) {
  departed += retired;
  // Reclaimed once an eighth of the entries have left (not half): the columns'
  // peak length, hence resident memory, is 8/7 of the mothers followed instead
  // of twice, for moving the rest more often (each mother is moved about 7
  // times in her 26 weeks: still O(1) amortised, and a copy every few weeks).
  if (departed * kReclaimDivisor < count()) return;
  columns.erase_front(departed);
  first_id += static_cast<std::int64_t>(departed);
  departed = 0;
}

void Mothers::reserve_for_births(double births_per_day) {
  // Followed: the births of 26 weeks and a day (Poisson: a few standard deviations of room).
  const double followed = births_per_day * (kAge6Months + 1);
  const double stored = (followed + 4.0 * std::sqrt(followed) + 64.0) * kReclaimDivisor / (kReclaimDivisor - 1);
  columns.reserve(static_cast<std::size_t>(stored));
}

void Mothers::release() {
  first_id = end_id();
  departed = 0;
  columns.release();
}

Volunteers::Volunteers() {
  columns.attach<std::uint16_t>(locality, 0);
  columns.attach<std::uint8_t>(culture, 0);
  columns.attach<std::int32_t>(joined_day, kNever);
  columns.attach<std::uint16_t>(cohort, 0);
  columns.attach<std::uint16_t>(capacity, 0);
  columns.attach<std::uint16_t>(caseload, 0);
  columns.attach<std::uint8_t>(active, 1);
  columns.attach<std::int32_t>(left_day, kNever);
  for (auto* column : {&self_esteem, &social_support, &skill, &autonomy, &trust_in_professionals, &felt_surveillance,
                       &commitment})
    columns.attach<double>(*column, 0.0);
  columns.attach<std::uint16_t>(contacts_today, 0);
  columns.attach<std::uint16_t>(referrals_today, 0);
}

void Volunteers::add(std::uint16_t locality_of, std::uint8_t culture_of, std::int32_t day, std::uint16_t cohort_of,
                     std::uint16_t capacity_of) {
  columns.append();
  capacity.back() = capacity_of;
  locality.back() = locality_of;
  culture.back() = culture_of;
  joined_day.back() = day;
  cohort.back() = cohort_of;
}

void World::set_volunteer(std::size_t mother_index, std::int32_t volunteer) {
  auto& current = mothers.volunteer[mother_index];
  const int change = static_cast<int>(volunteer != kNobody) - static_cast<int>(current != kNobody);
  current = volunteer;
  if (change != 0)
    volunteer_changes.push_back({mothers.first_id + static_cast<std::int64_t>(mother_index), static_cast<std::int8_t>(change)});
}

double World::trust_between(std::int32_t professional, std::int32_t volunteer) const {
  for (const auto& [v, value] : trust[static_cast<std::size_t>(professional)])
    if (v == volunteer) return value;
  return initial_trust;
}

double& World::trust_edge(std::int32_t professional, std::int32_t volunteer) {
  size_trust_caches();
  auto& state = trust_stale[static_cast<std::size_t>(professional)];
  if (!(state & kTrustQueued)) trust_changed.push_back(professional);  // once: the list stays within the professionals
  state = kTrustStale | kTrustQueued;
  auto& ties = trust[static_cast<std::size_t>(professional)];
  for (auto& [v, value] : ties)
    if (v == volunteer) return value;
  if (trusted_by.size() <= static_cast<std::size_t>(volunteer)) trusted_by.resize(static_cast<std::size_t>(volunteer) + 1);
  auto& professionals_of = trusted_by[static_cast<std::size_t>(volunteer)];
  professionals_of.insert(std::upper_bound(professionals_of.begin(), professionals_of.end(), professional), professional);
  ties.emplace_back(volunteer, initial_trust);
  return ties.back().second;
}

// World::build sizes both; a world built by hand gets them here (new entries stale, the rest kept).
void World::size_trust_caches() const {
  if (trust_summaries.size() == trust.size() && trust_stale.size() == trust.size()) return;
  trust_summaries.resize(trust.size());
  trust_stale.resize(trust.size(), kTrustStale);
}

const World::TrustSummary& World::trust_summary(std::size_t professional) const {
  size_trust_caches();
  auto& summary = trust_summaries[professional];
  if (!(trust_stale[professional] & kTrustStale)) return summary;
  const auto& ties = trust[professional];
  double total = 0.0, shortfall_total = 0.0;
  for (const auto& [v, value] : ties) {
    total += value;
    shortfall_total += shortfall(value, initial_trust);
  }
  summary.mean = ties.empty() ? initial_trust : total / static_cast<double>(ties.size());
  summary.shortfall_total = shortfall_total;
  trust_stale[professional] &= static_cast<std::uint8_t>(~kTrustStale);
  return summary;
}

void World::summarise_changed_trust() const {
  for (const auto professional : trust_changed) {
    (void)trust_summary(static_cast<std::size_t>(professional));
    trust_stale[static_cast<std::size_t>(professional)] = 0;
  }
  trust_changed.clear();
}

}  // namespace models

namespace models {

void DayEvents::clear() {
  contacts.clear();
  boundary_events.clear();
  perceived.clear();
  joint_successes.clear();
  joint_contacts.clear();
  extra_cohort.clear();
  episodes_ended.clear();
  peer_visits.clear();
  difficulty_onsets = difficulties_ended_by_stopping = problem_contacts = problem_requests_unmet = 0;
  std::fill(std::begin(difficulties_resolved), std::end(difficulties_resolved), 0U);
  births = referrals = peer_contacts = referrals_withheld = access_granted = access_refused = 0;
  perceived_transgressions = false_alarms = real_transgressions = knowledge_transfers = joint_supports = 0;
  recruits = dropouts = 0;
}

void World::credit_joint_success(std::size_t i, int day) {
  const auto volunteer = mothers.volunteer[i];
  const auto responsible = professional_of(i, day), referrer = mothers.referred_by[i];
  if (responsible != kNobody) today.joint_successes.push_back({responsible, volunteer});
  if (referrer != kNobody && referrer != responsible) today.joint_successes.push_back({referrer, volunteer});
}

void World::start_day() {
  today.clear();
  std::fill(volunteers.contacts_today.begin(), volunteers.contacts_today.end(), 0);
  std::fill(volunteers.referrals_today.begin(), volunteers.referrals_today.end(), 0);
}

}  // namespace models
