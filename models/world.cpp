#include "models/world.hpp"

namespace models {

void Mothers::add(std::int32_t day, std::uint16_t locality_of, std::uint8_t culture_of, Feeding feeding_at_birth,
                  std::int32_t midwife_id, std::int32_t health_visitor_id) {
  birth_day.push_back(day);
  locality.push_back(locality_of);
  culture.push_back(culture_of);
  feeding.push_back(feeding_at_birth);
  midwife.push_back(midwife_id);
  health_visitor.push_back(health_visitor_id);
  referred_day.push_back(kNever);
  volunteer.push_back(kNobody);
  next_peer_contact.push_back(kNever);
  last_peer_contact.push_back(kNever);
  last_professional_contact.push_back(kNever);
  peer_contacts.push_back(0);
  professional_contacts.push_back(0);
  confidence.push_back(0.0);
}

template <typename T>
static void erase_front(std::vector<T>& column, std::size_t n) {
  column.erase(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(n));
}

void Mothers::retire_oldest(std::size_t retired) {
  departed += retired;
  if (departed * 2 < count()) return;
  const std::size_t n = departed;
  erase_front(birth_day, n);
  erase_front(locality, n);
  erase_front(culture, n);
  erase_front(feeding, n);
  erase_front(midwife, n);
  erase_front(health_visitor, n);
  erase_front(referred_day, n);
  erase_front(volunteer, n);
  erase_front(next_peer_contact, n);
  erase_front(last_peer_contact, n);
  erase_front(last_professional_contact, n);
  erase_front(peer_contacts, n);
  erase_front(professional_contacts, n);
  erase_front(confidence, n);
  first_id += static_cast<std::int64_t>(n);
  departed = 0;
}

void Volunteers::add(std::uint16_t locality_of, std::uint8_t culture_of, std::int32_t day, std::uint16_t cohort_of,
                     std::uint16_t capacity_of) {
  capacity.push_back(capacity_of);
  locality.push_back(locality_of);
  culture.push_back(culture_of);
  joined_day.push_back(day);
  cohort.push_back(cohort_of);
  caseload.push_back(0);
  active.push_back(1);
  left_day.push_back(kNever);
  for (auto* column : {&self_esteem, &social_support, &skill, &autonomy, &trust_in_professionals, &felt_surveillance,
                       &commitment})
    column->push_back(0.0);
  contacts_today.push_back(0);
  referrals_today.push_back(0);
}

double World::trust_between(std::int32_t professional, std::int32_t volunteer) const {
  for (const auto& [v, value] : trust[static_cast<std::size_t>(professional)])
    if (v == volunteer) return value;
  return initial_trust;
}

double& World::trust_edge(std::int32_t professional, std::int32_t volunteer) {
  auto& ties = trust[static_cast<std::size_t>(professional)];
  for (auto& [v, value] : ties)
    if (v == volunteer) return value;
  ties.emplace_back(volunteer, initial_trust);
  return ties.back().second;
}

double World::trust_of(std::size_t professional) const {
  const auto& ties = trust[professional];
  if (ties.empty()) return initial_trust;
  double total = 0.0;
  for (const auto& [v, value] : ties) total += value;
  return total / static_cast<double>(ties.size());
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
  births = referrals = peer_contacts = referrals_withheld = access_granted = access_refused = 0;
  perceived_transgressions = false_alarms = real_transgressions = knowledge_transfers = joint_supports = 0;
  recruits = dropouts = 0;
}

void World::start_day() {
  today.clear();
  std::fill(volunteers.contacts_today.begin(), volunteers.contacts_today.end(), 0);
  std::fill(volunteers.referrals_today.begin(), volunteers.referrals_today.end(), 0);
}

}  // namespace models
