#pragma once
// The state of one run, as columns: one contiguous array per attribute of
// each kind of agent (structure of arrays), indexed by a stable id.
//
// Mothers are followed from birth to 26 weeks and leave in the order they
// arrived, so the active mothers are always a contiguous id range
// [first_id, end_id); their columns drop the departed prefix now and then.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/feeding_curve.hpp"
#include "models/scheme.hpp"
#include "sim/agent_columns.hpp"
#include "sim/parameter_block.hpp"
#include "sim/random.hpp"
#include "sim/social_graph.hpp"

namespace models {

class StudentChoices;  // participatory mode (models/student_choices.hpp)

enum class Feeding : std::uint8_t { none = 0, partial = 1, exclusive = 2 };
enum class Role : std::uint8_t { midwife = 0, health_visitor = 1 };
// A mother's unresolved difficulty episode (models/difficulties.hpp), and who ended one.
enum class Difficulty : std::uint8_t { none = 0, latch = 1, pain = 2, low_supply = 3 };
enum class Resolver : std::uint8_t { professional = 0, peer = 1, on_own = 2, stopped = 3 };

inline constexpr std::int32_t kNobody = -1;
inline constexpr std::int32_t kNever = -1'000'000;  // a day long before any run starts

// How far `value` has fallen below `start`, as a share of `start` (0 if it has not): trust lost.
inline double shortfall(double value, double start) { return start > 0.0 ? std::max(0.0, start - value) / start : 0.0; }

// A mother's community ties (the mother-mother layer, F8), formed on arrival
// by mother_network: ids of other mothers, who may since have left. Bounded,
// so the layer's memory is linear in the mothers followed. Ids fit in 32 bits:
// at most 10,000 births a day for 100 years is 365 million mothers.
inline constexpr std::size_t kMotherTies = 6;
struct MotherTies {
  std::array<std::int32_t, kMotherTies> id{};
  std::uint8_t count = 0;
};
inline constexpr std::uint8_t kAnyCulture = 255;  // "draw her group" (there are at most 255 groups)

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
  std::vector<std::int32_t> volunteer;                 // kNobody when none assigned; set through World::set_volunteer
  std::vector<std::int32_t> next_peer_contact;         // day of the next proactive contact, kNever if none
  std::vector<std::int32_t> last_peer_contact, last_professional_contact;
  std::vector<std::int32_t> first_peer_contact;        // day of her first peer contact, kNever until then
  std::vector<std::uint16_t> peer_contacts, professional_contacts;
  std::vector<Difficulty> difficulty;  // her unresolved episode, none when none (difficulties.cpp)
  std::vector<std::int32_t> difficulty_since, difficulty_ended;  // day her last episode began / ended, kNever if none
  std::vector<double> confidence;  // breastfeeding self-efficacy gained from support above usual care: 0 under usual care, 1 at most
  // The waiting list and the case (referral.cpp, peer_support.cpp), kNever when not applicable.
  std::vector<std::int32_t> waiting_since;  // day she joined the waiting list (kNever when not on it)
  std::vector<std::int32_t> lapsed_day;     // day her referral lapsed, unmatched, off the list
  std::vector<std::int32_t> declined_day;   // day she declined an opt-out referral (not offered again)
  std::vector<std::int32_t> assigned_day;   // day her current volunteer took her on
  std::vector<MotherTies> ties;    // community ties (F8), formed on arrival by mother_network
  std::vector<std::uint8_t> candidate;  // 1 once she is to train with the next cohort (F8)
  std::vector<std::int32_t> referred_by;               // the professional who referred her; kNobody if none did
  // Every column above, with the value a newborn's entry starts with (a module may attach its own).
  sim::AgentColumns columns;

  Mothers();

  [[nodiscard]] std::int64_t end_id() const { return first_id + static_cast<std::int64_t>(birth_day.size()); }
  [[nodiscard]] std::size_t count() const { return birth_day.size(); }
  [[nodiscard]] std::size_t index(std::int64_t id) const { return static_cast<std::size_t>(id - first_id); }
  // The first followed index of a mother born on `day` or later (count() if none). Mothers
  // arrive in birth order, so birth days never decrease with the index and the mothers
  // of one age are a contiguous range: a pass that wants only some ages can skip the rest.
  [[nodiscard]] std::size_t first_born_from(std::int32_t day) const {
    return static_cast<std::size_t>(std::lower_bound(birth_day.begin() + static_cast<std::ptrdiff_t>(departed), birth_day.end(), day) -
                                    birth_day.begin());
  }

  // A mother born on `day`; her other columns start at their attached values.
  void add(std::int32_t day, std::uint16_t locality_of, std::uint8_t culture_of, Feeding feeding_at_birth,
           std::int32_t midwife_id, std::int32_t health_visitor_id);
  // Stops following the `n` oldest followed mothers; storage is reclaimed
  // in bulk, so each call costs O(1) amortised.
  void retire_oldest(std::size_t n);
  // Room in every column for the most mothers stored at once when about
  // `births_per_day` are born a day and each is followed to 26 weeks.
  void reserve_for_births(double births_per_day);
  // Stops following every mother and gives her columns' memory back (the run is over).
  void release();

  // For a module that schedules mothers' events ahead: the first index of the followed
  // mothers with ids from `seen_until` on (those who arrived since it last looked; count()
  // if none), with seen_until moved past them.
  [[nodiscard]] std::size_t take_arrivals(std::int64_t& seen_until) {
    const std::size_t first = index(std::max(seen_until, first_id + static_cast<std::int64_t>(departed)));
    seen_until = end_id();
    return first;
  }
  // The age after which mother i's daily chances are still to be drawn on `day`: yesterday's
  // (today's draw is still to come), or 0 on her birth day (nothing is drawn at age 0).
  [[nodiscard]] int age_yesterday(std::size_t i, int day) const { return std::max(day - birth_day[i] - 1, 0); }

  // The departed prefix is dropped once it is this fraction of the stored entries (1/8):
  // the columns' peak length is then 8/7 of the mothers followed.
  static constexpr std::size_t kReclaimDivisor = 8;
};

struct Volunteers {
  std::vector<std::uint16_t> locality;
  std::vector<std::uint8_t> culture;
  std::vector<std::int32_t> joined_day;
  std::vector<std::uint16_t> cohort;
  std::vector<std::uint16_t> capacity;  // mothers at a time
  std::vector<std::uint16_t> caseload;  // mothers supported now
  std::vector<std::uint8_t> active;
  std::vector<std::int32_t> left_day;   // kNever while active
  // Experience (F1, F2, F8), all in [0, 1].
  std::vector<double> self_esteem, social_support, skill, autonomy, trust_in_professionals, felt_surveillance,
      commitment;
  // Today's events, reset each day.
  std::vector<std::uint16_t> contacts_today, referrals_today;
  // Every column above, with the value a new volunteer's entry starts with (a module may attach its own).
  sim::AgentColumns columns;

  Volunteers();

  [[nodiscard]] std::size_t count() const { return locality.size(); }
  // A volunteer joining on `day`; her other columns start at their attached values.
  void add(std::uint16_t locality_of, std::uint8_t culture_of, std::int32_t day, std::uint16_t cohort_of,
           std::uint16_t capacity_of);
};

struct Professionals {
  std::vector<Role> role;
  std::vector<std::uint16_t> locality;
  std::vector<double> gatekeeping;   // propensity to withhold referral (F6)
  std::vector<double> concern;       // boundary concern (F5)
  std::vector<double> surveillance;  // chance of noticing what a volunteer does (F7)
  std::vector<double> orientation;   // 0 = volunteers work for me, 1 = with me (F8)
  std::vector<double> workload;      // demand / capacity (F3)
  std::vector<double> knowledge;     // [professional * groups + group]: cultural knowledge learned (F4)

  [[nodiscard]] std::size_t count() const { return role.size(); }
};

// A professional's contact with a mother today, for the modules that react to it.
struct Contact {
  std::int64_t mother;
  std::int32_t professional;
};

// A peer contact today in which the volunteer acted outside the role, or
// did something that unclear boundaries make ambiguous (F5).
struct BoundaryEvent {
  std::int64_t mother;  // a mother has at most one peer contact a day, so this keys the draws
  std::int32_t volunteer;
  std::int32_t professional;  // the mother's professional, who may notice
  bool real;                  // a real transgression; otherwise an ambiguous act
};

// A peer contact today (peer_support -> difficulties).
struct PeerVisit {
  std::int64_t mother;
  std::int32_t volunteer;
};

// Difficulty episodes of mothers born in the measured window (difficulties.cpp).
struct DifficultyTally {
  std::uint64_t starters = 0, episodes = 0, first_by_6_weeks = 0, ended_by_stopping = 0, resolved_days = 0;
  std::uint64_t resolved[3] = {};  // by Resolver::professional, peer, on_own
};

// Running totals for the summary outcomes, over mothers born in the measured window.
struct Tally {
  std::uint64_t mothers = 0, initiated = 0, referred = 0, reached = 0, peer_contacts = 0;
  static constexpr std::size_t kCheckpoints = 7;  // 1w, 10d, 6w, 12w, 3m, 4m, 6m (outcomes.cpp)
  std::uint64_t any_at[kCheckpoints] = {}, exclusive_at[kCheckpoints] = {};
};

// A pair of a professional and a volunteer in today's events.
struct ProfessionalVolunteer {
  std::int32_t professional, volunteer;
};

// What happened today, handed from the modules that make it to those that
// react to it later the same day (maker -> reader).
struct DayEvents {
  std::vector<Contact> contacts;                        // professional_care -> referral
  std::vector<BoundaryEvent> boundary_events;           // peer_support -> boundary
  std::vector<ProfessionalVolunteer> perceived;         // boundary -> professional_attitudes (F5)
  std::vector<ProfessionalVolunteer> joint_successes;   // peer_support -> professional_attitudes: case ended still breastfeeding (F3)
  std::vector<ProfessionalVolunteer> joint_contacts;    // professional_care -> learning: contact with a supported mother (F4)
  std::vector<std::uint16_t> extra_cohort;              // interventions -> demography: localities of an extra cohort joining today
  std::vector<PeerVisit> peer_visits;                   // peer_support -> difficulties: today's peer contacts
  std::vector<std::int64_t> episodes_ended;             // resolve_difficulty -> difficulties: mothers whose episode ended today
  std::uint32_t difficulty_onsets = 0, difficulties_ended_by_stopping = 0, problem_contacts = 0, problem_requests_unmet = 0;
  std::uint32_t difficulties_resolved[3] = {};          // by Resolver::professional, peer, on_own
  // Counts of today's events, recorded as daily series.
  std::uint32_t births = 0, referrals = 0, peer_contacts = 0, referrals_withheld = 0, access_granted = 0,
                access_refused = 0, perceived_transgressions = 0, false_alarms = 0, real_transgressions = 0,
                knowledge_transfers = 0, joint_supports = 0, recruits = 0, dropouts = 0;

  void clear();  // keeps the lists' capacity
};

// Layers of the social graph. Vertices: professionals first, then volunteers
// in the order they joined (vertex = professionals.count() + volunteer id).
namespace layer {
enum : std::uint8_t { team = 0, cohort = 1, working = 2 };
}

// The parameters of the world itself: its population, workforce, initial
// attitudes, how volunteers start and how the static graph is drawn
// (declared in world.cpp). Modules read them from World::parameters.
struct WorldParameters {
  double births_per_day;  // population.births
  long long localities;  // population.localities
  sim::Shares cultural_groups;  // population.cultural_groups
  long long midwives;  // professionals.midwives
  long long health_visitors;  // professionals.health_visitors
  double handover_age;  // professionals.handover_age
  double initial_gatekeeping;  // professionals.initial.gatekeeping
  double initial_concern;  // professionals.initial.boundary_concern
  double initial_trust;  // professionals.initial.trust_in_volunteers
  double initial_surveillance;  // professionals.initial.surveillance
  double initial_orientation;  // professionals.initial.orientation
  bool peer_support;  // scheme.peer_support
  long long initial_volunteers;  // volunteers.initial
  long long volunteer_capacity;  // volunteers.capacity
  double joining_self_esteem;  // volunteers.on_joining.self_esteem
  double joining_social_support;  // volunteers.on_joining.social_support
  double joining_skill;  // volunteers.on_joining.skill
  double joining_autonomy;  // volunteers.on_joining.autonomy
  double joining_trust;  // volunteers.on_joining.trust_in_professionals
  double joining_commitment;  // volunteers.on_joining.commitment
  long long team_neighbours;  // network.team_neighbours
  double team_rewiring;  // network.team_rewiring
  double cohort_tie_probability;  // network.cohort_tie_probability
  double working_tie_probability;  // network.working_tie_probability
};

// The parameters above, declared once; World::build reads them.
const sim::ParameterBlock<WorldParameters>& world_parameters();

struct World {
  WorldParameters parameters;
  FeedingCurve curve;
  sim::SocialGraph graph;
  Mothers mothers;
  Volunteers volunteers;
  Professionals professionals;
  // By locality, ids ascending; volunteers_in holds the active volunteers only (a dropout leaves it).
  std::vector<std::vector<std::int32_t>> midwives_in, health_visitors_in, volunteers_in;
  std::vector<std::vector<std::size_t>> teams;  // graph vertices of each locality's professionals
  std::vector<double> cumulative_culture;       // cumulative shares of the cultural groups
  std::size_t next_locality = 0;                // where the next volunteer is dealt (round-robin)
  std::uint16_t cohorts = 0;                    // training cohorts so far (the initial volunteers are cohort 0)

  std::vector<LocalScheme> scheme;  // by locality
  std::size_t groups = 1;           // cultural groups

  // Trust of professional p in volunteer v, on working ties (F5, F6);
  // created at the first joint work when the graph has no tie.
  std::vector<std::vector<std::pair<std::int32_t, double>>> trust;  // [professional] -> (volunteer, trust)
  double initial_trust = 0.5;
  [[nodiscard]] double trust_between(std::int32_t professional, std::int32_t volunteer) const;
  // Write trust only through this (the caller changes the tie next): it marks her summary stale.
  double& trust_edge(std::int32_t professional, std::int32_t volunteer);

  // What modules read of a professional's ties every day, summarised once per change of them:
  // computed (in the same order, so to the same bits) only after trust_edge has handed out
  // one of her ties.
  struct TrustSummary {
    double mean = 0.0;             // mean trust in the volunteers she works with (initial trust when none)
    double shortfall_total = 0.0;  // summed over her ties: trust below initial trust, as a share of it
  };
  [[nodiscard]] const TrustSummary& trust_summary(std::size_t professional) const;
  [[nodiscard]] double trust_of(std::size_t professional) const { return trust_summary(professional).mean; }
  // Summarises the professionals whose ties changed since the last call: call it right after
  // changing many ties, while they are still in the cache (a summary read before then is
  // computed when read, so this changes when, not what).
  void summarise_changed_trust() const;
  void size_trust_caches() const;
  mutable std::vector<TrustSummary> trust_summaries;  // by professional, valid without kTrustStale
  static constexpr std::uint8_t kTrustStale = 1, kTrustQueued = 2;
  mutable std::vector<std::uint8_t> trust_stale;     // by professional: kTrustStale | kTrustQueued
  mutable std::vector<std::int32_t> trust_changed;  // the professionals kTrustQueued, in the order they changed
  // By volunteer: the professionals with a trust tie to her, ascending (kept by trust_edge).
  std::vector<std::vector<std::int32_t>> trusted_by;

  // Mother i's volunteer (kNobody: none), set only through this: a volunteer taken on or lost
  // is also queued for the demand counts (models/demand_counts.hpp), which take the queue.
  void set_volunteer(std::size_t mother_index, std::int32_t volunteer);
  struct VolunteerChange {
    std::int64_t mother;  // id
    std::int8_t supported;  // +1 a volunteer taken on, -1 lost
  };
  std::vector<VolunteerChange> volunteer_changes;

  // The professional responsible for a mother of this age: midwife, then health visitor.
  int handover_age = 14;
  [[nodiscard]] std::int32_t professional_of(std::size_t mother_index, int day) const {
    return day - mothers.birth_day[mother_index] < handover_age ? mothers.midwife[mother_index]
                                                                : mothers.health_visitor[mother_index];
  }

  // A case ended with the mother still breastfeeding: good joint work in the
  // eyes of every professional who took part, the one who referred her and
  // the one responsible for her now (F3), each credited once.
  void credit_joint_success(std::size_t mother_index, int day);

  DayEvents today;  // cleared by the engine at the start of each day (start_day)
  std::vector<std::uint16_t> candidates;  // localities of supported mothers who will join the next cohort
  std::vector<std::uint8_t> candidate_cultures;  // their cultural groups, in the same order
  std::vector<std::int64_t> waiting;      // referred mothers with no volunteer yet, by locality in its triage order (referral.cpp); others append

  Tally tally;
  std::shared_ptr<StudentChoices> students;  // the students' decisions; empty when nobody plays (student_choices.hpp)
  DifficultyTally difficulty_tally;
  int measure_from = 0, measure_until = 0;  // birth days counted in the summary, inclusive

  // Builds the world of a run from its parameters, before any module
  // initializes: the feeding curve, the measured window, the workforce and
  // its team graph, every locality's scheme settings, the initial volunteers.
  void build(const sim::ParameterSet& parameters, const sim::RandomStreams& random, int days);

  // `count` volunteers dealt round-robin over the localities, continuing where the last cohort stopped.
  std::vector<std::uint16_t> spread_over_localities(long long count);
  // A cohort joins on `day`: one volunteer per locality given, with working ties
  // to her locality's team and friendship ties within her training group. Her
  // cultural group is cultures[k] where given (a recruited mother's own), else drawn.
  void add_volunteers(const std::vector<std::uint16_t>& localities, std::uint16_t cohort, int day,
                      const sim::RandomStreams& random, const std::vector<std::uint8_t>& cultures = {});
  // A cultural group from one uniform draw, by the groups' shares.
  [[nodiscard]] std::uint8_t pick_culture(double u) const;

  // The start of a day, before any module runs: the day's events and the
  // volunteers' counts of today are cleared, in this one place.
  void start_day();

  [[nodiscard]] bool measured(std::int32_t birth_day) const {
    return birth_day >= measure_from && birth_day <= measure_until;
  }
};

}  // namespace models
