#pragma once
// Named random streams of the model. A draw is keyed by (seed, stream, agent,
// day), so adding a stream or a draw elsewhere never shifts these numbers.
#include <cstdint>

namespace models::stream {

enum : std::uint32_t {
  births = 1,         // agent: 0
  mother_setup,       // agent: mother id; locality, culture, professionals, initiation
  volunteer_setup,    // agent: volunteer id
  referral,           // agent: mother id
  first_contact,      // agent: mother id
  contact_request,    // agent: mother id
  feeding,            // agent: mother id
  team_ties,          // agent: professional vertex; day: ring step
  cohort_ties,        // agent, day: the pair of volunteer vertices
  working_ties,       // agent, day: the (professional, volunteer) vertices
  recruitment,        // agent: mother id
  boundary,           // agent: mother id; transgression, ambiguity
  noticing,           // agent: mother id; surveillance, reading as transgression
  direct_access,      // agent: volunteer id
  dropout,            // agent: volunteer id
  meetings,           // agent: professional or volunteer vertex
  difficulty_course,  // agent: mother id; resolving on her own, or onset and its kind
  difficulty_care,    // agent: mother id; slot 0: asking for help, slot k: resolving at her k-th professional contact today
  difficulty_peer,    // agent: mother id; resolving at a peer contact
  mother_ties,        // agent: mother id; her community ties on arrival
  word_of_mouth,      // agent: id of the supported mother who tells; slot: her tie
  feeding_schedule,   // agent: mother id; day: the day her next candidate day for a feeding exit is drawn (thinned exits)
  difficulty_schedule,  // agent: mother id; day: the day drawn; slot 0: her next onset day, 1: her episode's day of resolving on its own
};

}  // namespace models::stream
