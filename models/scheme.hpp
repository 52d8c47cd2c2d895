#pragma once
// The scheme's settings in one locality: every parameter that an
// intervention (or the classroom page) may change during a run, declared
// here once with its registry entry and bound to a typed field. Choices are
// enums, parsed when a run reads its parameters; the step never compares words.
#include <cstdint>

#include "sim/parameter_block.hpp"

namespace models {

enum class ReferralPolicy : std::uint8_t { professional_judgement, opt_out };
enum class WardAccess : std::uint8_t { none, granted_by_staff, guaranteed };
enum class ContactMode : std::uint8_t { proactive, reactive };
// Which waiting mother a volunteer with room takes first.
enum class WaitingOrder : std::uint8_t { youngest_baby_first, earliest_referral_first };

struct LocalScheme {
  double boundary_clarity;  // state: raised by protocols and the development process (F5, F9); persists
  ReferralPolicy referral_policy;
  WardAccess ward_access;
  ContactMode contact_mode;
  std::uint16_t planned_contacts;
  std::int32_t first_within, interval;  // days, at least 1
  double request_probability;           // a reactive mother's daily chance of asking for a contact
  double referral_probability;
  double surveillance_max;
  WaitingOrder waiting_order;
  std::int32_t waiting_expiry;  // days a referral may wait for a volunteer before it lapses, at least 1
  std::int32_t reactive_close_after;  // days without a request after which a reactive case closes, at least 1
  double opt_out_decline;  // under opt-out, the chance that a mother declines the referral

  [[nodiscard]] bool proactive() const { return contact_mode == ContactMode::proactive; }
};

// The declarations, in the order `ppisim params` lists them.
const sim::ParameterBlock<LocalScheme>& scheme_parameters();

}  // namespace models
