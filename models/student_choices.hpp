#pragma once
// Participatory mode: students play some of the agents. A student's decision
// for a week replaces the model's rule for her agent only, at the points the
// modules consult (`chosen` below); every other agent, and every week she
// did not decide, follows the model. Decisions are data: the list of them,
// re-applied to the same scenario and seed, reproduces the run bit for bit.
//
// The hooks cost one null test when nobody plays (World::students is empty),
// and consume the random streams exactly as the model does, so a session in
// which no student decided anything is the plain run.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "models/world.hpp"
#include "sim/module.hpp"
#include "sim/simulation.hpp"

namespace models {

// Which kind of agent a decision is about: ids of professionals and of volunteers are separate.
enum class Side : std::uint8_t { professional = 0, volunteer = 1 };

// The decisions a student can take. Each is yes or no for a week; "as the model" is no decision.
enum class DecisionKind : std::uint8_t {
  refer = 0,           // professional: refer this mother (subject) at her next contact, or the mothers not named (subject -1)
  grant_access = 1,    // professional: count as granting (yes) or refusing (no) volunteers' requests for ward access
  report_concern = 2,  // professional: report a boundary event she noticed as a transgression (yes) or let it pass (no)
  attend_meeting = 3,  // professional or volunteer: attend the joint meetings of the development process
  take_cases = 4,      // volunteer: take referred mothers from the waiting list when she has room
  ask_access = 5,      // volunteer: ask every day she has room to meet new mothers on the ward (yes) or never (no)
  act_beyond_role = 6, // volunteer: act beyond the role in every contact (yes) or in none (no)
};
inline constexpr int kDecisionKinds = 7;
std::string_view to_string(DecisionKind kind);
std::optional<DecisionKind> decision_kind(std::string_view name);
// Whether an agent of this side can take a decision of this kind.
bool applies_to(DecisionKind kind, Side side);

inline constexpr std::int64_t kNoSubject = -1;

// One decision as the student made it: it holds on days [from_day, until_day).
struct Decision {
  std::int32_t from_day = 0, until_day = 0;
  Side side = Side::professional;
  std::int32_t agent = 0;
  DecisionKind kind = DecisionKind::refer;
  std::int64_t subject = kNoSubject;  // the mother (refer) it names; -1: all the others / not about one
  bool yes = false;
  bool operator==(const Decision&) const = default;
};

// One time a decision was used: what the student's choice did, and what the
// model's rule would have done at the same point with the same draws.
struct AppliedDecision {
  std::int32_t day = 0;
  Side side = Side::professional;
  std::int32_t agent = 0;
  DecisionKind kind = DecisionKind::refer;
  std::int64_t subject = kNoSubject;  // the mother (refer, report_concern, act_beyond_role), or the volunteer asking (grant_access)
  bool student = false, model = false;
  bool operator==(const AppliedDecision&) const = default;
};

class StudentChoices {
 public:
  StudentChoices() = default;
  // A replay: the decisions of a session, in the order they were made.
  explicit StudentChoices(const std::vector<Decision>& decisions);

  // Adds a decision; later decisions on the same point override earlier ones for the days they cover.
  void decide(const Decision& decision);

  // The student's choice at this point today, or the model's when she has not decided; logs the use.
  bool choose(Side side, std::int32_t agent, DecisionKind kind, std::int64_t subject, int day, bool model_rule);

  // A volunteer's request for access in `locality`: granted when the draw `u` falls below
  // 1 - the locality's mean gate-keeping, each deciding professional's own counted as 0 (grants) or 1 (refuses).
  bool access_granted(const World& world, std::uint16_t locality, std::int32_t volunteer, int day, double u,
                      double model_mean_gatekeeping);

  [[nodiscard]] const std::vector<Decision>& decisions() const { return decisions_; }
  [[nodiscard]] const std::vector<AppliedDecision>& applied() const { return applied_; }

 private:
  using Point = std::tuple<Side, std::int32_t, DecisionKind, std::int64_t>;
  const Decision* in_force(const Point& point, int day) const;
  void log(const AppliedDecision& use);

  std::vector<Decision> decisions_;
  std::map<Point, std::vector<std::size_t>> by_point_;  // indices into decisions_, in the order made
  std::vector<AppliedDecision> applied_;
  // Uses logged today that name no mother: a volunteer checked for a case many times a day is logged once.
  std::set<std::tuple<Side, std::int32_t, DecisionKind, std::int64_t, bool, bool>> logged_today_;
  int logged_day_ = -1;
};

// The hook each module calls at a decision point: the model's rule unless a student decided.
inline bool chosen(World& world, Side side, std::int32_t agent, DecisionKind kind, std::int64_t subject, int day,
                   bool model_rule) {
  return world.students ? world.students->choose(side, agent, kind, subject, day, model_rule) : model_rule;
}

// The access hook (referral.cpp): the model's rule (u < 1 - mean gate-keeping) unless a student professional decided.
inline bool access_granted(World& world, std::uint16_t locality, std::int32_t volunteer, int day, double u,
                           double model_mean_gatekeeping) {
  return world.students ? world.students->access_granted(world, locality, volunteer, day, u, model_mean_gatekeeping)
                        : u < 1.0 - model_mean_gatekeeping;
}

// The model's plan, its World consulting `choices` (shared by the plan and the caller, who adds decisions between days).
// `world_out`, when given, is set to the run's World on each call, for reading what a student's agent knows.
sim::PlanFactory plan_with_students(std::shared_ptr<StudentChoices> choices, const World** world_out = nullptr);

}  // namespace models
