#pragma once
// Mothers' difficulty episodes (pain, latch, perceived low supply): their
// parameters, read by the modules that act on them (difficulties,
// professional_care, feeding), and the usual-care hazards that keep the
// survey's curve when episodes redistribute it.
//
// Calibration by construction: the curve's hazard at each age is the mean,
// over the mothers of that age and feeding state, of their hazards under
// usual care. A mother in an episode has hazard ratio m; so the hazard of a
// mother without one, h0, solves p e^{-h0 m} + (1 - p) e^{-h0} = e^{-h}, with p
// the expected share in an episode under usual care, from a deterministic
// recursion over (feeding state, episode) that follows the modules' daily
// order. Usual care here means: scheduled contacts at their ages, every help
// request met, professionals with no learned cultural knowledge, no peer
// support. Whatever does better (volunteers, learned knowledge) or worse
// (requests unmet for lack of capacity) moves mothers off the curve.
#include <cstdint>
#include <vector>

#include "models/feeding_curve.hpp"
#include "models/world.hpp"
#include "sim/parameters.hpp"

namespace models {

// How episodes' onsets and resolutions on their own are drawn (numerics.difficulty_course).
enum class DifficultyCourse { daily_draws, scheduled };

struct DifficultyParameters {
  // Mechanisms (switches mechanisms.NAME, declared in difficulties.cpp).
  bool episodes;                     // difficulty_episodes
  bool peers_resolve;                // support_resolves_difficulties
  bool knowledge_in_care;            // cultural_knowledge_in_care
  bool skill_matters;                // skill_in_contacts
  bool culture_matters;              // culture_match
  bool capacity_limits;              // workload_limits_problem_contacts
  double onset_first_week;           // difficulties.onset.first_week (daily chance)
  double onset_to_6_weeks;           // difficulties.onset.to_6_weeks
  double onset_after_6_weeks;        // difficulties.onset.after_6_weeks
  double hazard_ratio;               // difficulties.hazard_ratio
  double self_resolution;            // difficulties.self_resolution (daily chance)
  double help_seeking;               // difficulties.help_seeking (daily chance)
  double professional_resolution;    // difficulties.professional_resolution (per contact)
  double knowledge_gain;             // difficulties.knowledge_gain
  double peer_resolution;            // difficulties.peer_resolution (per contact, fully skilled, same culture)
  double latch_share, pain_share;    // difficulties.kinds: shares of latch and pain (the rest: low supply)
  DifficultyCourse course;           // numerics.difficulty_course
};

DifficultyParameters difficulty_parameters(const sim::ParameterSet& parameters);
void declare_difficulty_parameters(sim::ParameterRegistry& registry);

// Daily chance that an episode starts at this day of age (0 at birth).
double onset_chance(const DifficultyParameters& p, int age);

// Chance that a professional contact resolves an episode, with the
// professional's learned knowledge of the mother's culture (0 under usual care).
inline double professional_resolution(const DifficultyParameters& p, double knowledge) {
  return p.professional_resolution + (1.0 - p.professional_resolution) * p.knowledge_gain * knowledge;
}

// How much a peer contact achieves, in [0, 1]: the volunteer's skill times
// the culture match (1 within a group, 1 - peer_support.culture_mismatch
// across). One definition for both effects of a contact: the confidence it
// adds (peer_support.cpp) and its chance of resolving an episode. With
// skill_in_contacts knocked out every volunteer counts as fully skilled
// (skill makes no difference); with culture_match knocked out every pair
// counts as matched.
struct PeerContactQuality {
  bool skill_matters = true, culture_matters = true;
  double culture_mismatch = 0.0;
  static PeerContactQuality read(const sim::ParameterSet& parameters);
  [[nodiscard]] double operator()(const World& world, std::size_t mother, std::size_t volunteer) const {
    const double skill = skill_matters ? world.volunteers.skill[volunteer] : 1.0;
    const bool apart = culture_matters && world.volunteers.culture[volunteer] != world.mothers.culture[mother];
    return skill * (apart ? 1.0 - culture_mismatch : 1.0);
  }
};

// The usual-care hazards of a mother with no episode ([day of age 1..182],
// index 0 unused), and the expected share in an episode under usual care at
// the moment the feeding transitions are drawn.
struct EpisodeHazards {
  double hazard_ratio = 1.0;
  std::vector<double> exclusive_hazard, partial_hazard;
  std::vector<double> exclusive_in_episode, partial_in_episode;
};

// Who the mother's professional is at each age under the world's workforce.
struct UsualCare {
  std::vector<double> midwife_visits, health_visitor_visits;  // ages of the scheduled contacts
  int handover_age = 14;
  bool midwives = true, health_visitors = true;  // whether there are any
};

// Ends mother i's episode today and counts who ended it (World::difficulty_tally, today's counts).
void resolve_difficulty(World& world, std::size_t i, int day, Resolver who);

EpisodeHazards derive_episode_hazards(const DifficultyParameters& p, const FeedingCurve& curve, const UsualCare& care);

}  // namespace models
