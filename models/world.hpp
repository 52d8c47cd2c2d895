#pragma once
// The state of one run, as columns: one contiguous array per attribute of
// each kind of agent (structure of arrays), indexed by a stable id.
//
// Mothers are followed from birth to 26 weeks and leave in the order they
// arrived, so the active mothers are always a contiguous id range
// [first_id, end_id); their columns drop the departed prefix now and then.
#include <cstdint>
#include <vector>

#include "models/feeding_curve.hpp"
#include "sim/social_graph.hpp"

namespace models {

enum class Feeding : std::uint8_t { none = 0, partial = 1, exclusive = 2 };
enum class Role : std::uint8_t { midwife = 0, health_visitor = 1 };

inline constexpr std::int32_t kNobody = -1;
inline constexpr std::int32_t kNever = -1'000'000;  // a day long before any run starts

struct Mothers {
  std::int64_t first_id = 0;  // id of the mother stored at index 0
  std::size_t departed = 0;   // leading entries no longer followed (dropped in bulk, see retire_oldest)
  // One entry per stored mother, index = id - first_id; followed ones are [departed, count()).
  std::vector<std::int32_t> birth_day;
  std::vector<std::uint16_t> locality;
  std::vector<std::uint8_t> culture;
  std::vector<Feeding> feeding;
  std::vector<std::int32_t> midwife, health_visitor;  // professional ids
  std::vector<std::int32_t> referred_day;              // kNever when not referred
  std::vector<std::int32_t> volunteer;                 // kNobody when none assigned
  std::vector<std::int32_t> next_peer_contact;         // day of the next proactive contact, kNever if none
  std::vector<std::int32_t> last_peer_contact, last_professional_contact;
  std::vector<std::uint16_t> peer_contacts, professional_contacts;

  [[nodiscard]] std::int64_t end_id() const { return first_id + static_cast<std::int64_t>(birth_day.size()); }
  [[nodiscard]] std::size_t count() const { return birth_day.size(); }
  [[nodiscard]] std::size_t index(std::int64_t id) const { return static_cast<std::size_t>(id - first_id); }

  void add(std::int32_t day, std::uint16_t locality_of, std::uint8_t culture_of, Feeding feeding_at_birth,
           std::int32_t midwife_id, std::int32_t health_visitor_id);
  // Stops following the `n` oldest followed mothers; storage is reclaimed
  // in bulk, so each call costs O(1) amortised.
  void retire_oldest(std::size_t n);
};

struct Volunteers {
  std::vector<std::uint16_t> locality;
  std::vector<std::uint8_t> culture;
  std::vector<std::int32_t> joined_day;
  std::vector<std::uint16_t> cohort;
  std::vector<std::uint16_t> capacity;  // mothers at a time
  std::vector<std::uint16_t> caseload;  // mothers supported now
  std::vector<std::uint8_t> active;

  [[nodiscard]] std::size_t count() const { return locality.size(); }
  void add(std::uint16_t locality_of, std::uint8_t culture_of, std::int32_t day, std::uint16_t cohort_of,
           std::uint16_t capacity_of);
};

struct Professionals {
  std::vector<Role> role;
  std::vector<std::uint16_t> locality;
  std::vector<double> gatekeeping;  // propensity to withhold referral (F6)

  [[nodiscard]] std::size_t count() const { return role.size(); }
};

// A professional's contact with a mother today, for the modules that react to it.
struct Contact {
  std::int64_t mother;
  std::int32_t professional;
};

// Running totals for the summary outcomes, over mothers born in the measured window.
struct Tally {
  std::uint64_t mothers = 0, initiated = 0, referred = 0, reached = 0, peer_contacts = 0;
  std::uint64_t any_at[5] = {}, exclusive_at[5] = {};  // at 1w, 6w, 3m, 4m, 6m
};

// Layers of the social graph. Vertices: professionals first, then volunteers
// in the order they joined (vertex = professionals.count() + volunteer id).
namespace layer {
enum : std::uint8_t { team = 0, cohort = 1, working = 2 };
}

struct World {
  FeedingCurve curve;
  sim::SocialGraph graph;
  Mothers mothers;
  Volunteers volunteers;
  Professionals professionals;
  std::vector<std::vector<std::int32_t>> midwives_in, health_visitors_in, volunteers_in;  // by locality

  // Today's events (cleared each day).
  std::vector<Contact> contacts_today;
  std::vector<std::int64_t> waiting;  // referred mothers with no volunteer yet, oldest first
  std::uint32_t births_today = 0, referrals_today = 0, peer_contacts_today = 0;

  Tally tally;
  int measure_from = 0, measure_until = 0;  // birth days counted in the summary, inclusive

  [[nodiscard]] bool measured(std::int32_t birth_day) const {
    return birth_day >= measure_from && birth_day <= measure_until;
  }
};

}  // namespace models
