#include "models/student_choices.hpp"

#include <array>

#include "models/model.hpp"

namespace models {

namespace {
constexpr std::array<std::string_view, kDecisionKinds> kKindNames{
    "refer", "grant_access", "report_concern", "attend_meeting", "take_cases", "ask_access", "act_beyond_role"};
}  // namespace

std::string_view to_string(DecisionKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

std::optional<DecisionKind> decision_kind(std::string_view name) {
  for (std::size_t k = 0; k < kKindNames.size(); ++k)
    if (kKindNames[k] == name) return static_cast<DecisionKind>(k);
  return std::nullopt;
}

bool applies_to(DecisionKind kind, Side side) {
  switch (kind) {
    case DecisionKind::refer:
    case DecisionKind::grant_access:
    case DecisionKind::report_concern: return side == Side::professional;
    case DecisionKind::attend_meeting: return true;
    case DecisionKind::take_cases:
    case DecisionKind::ask_access:
    case DecisionKind::act_beyond_role: return side == Side::volunteer;
  }
  return false;
}

StudentChoices::StudentChoices(const std::vector<Decision>& decisions) {
  for (const auto& decision : decisions) decide(decision);
}

void StudentChoices::decide(const Decision& decision) {
  by_point_[{decision.side, decision.agent, decision.kind, decision.subject}].push_back(decisions_.size());
  decisions_.push_back(decision);
}

// The latest decision made on this point that covers `day`.
const Decision* StudentChoices::in_force(const Point& point, int day) const {
  const auto found = by_point_.find(point);
  if (found == by_point_.end()) return nullptr;
  for (auto index = found->second.rbegin(); index != found->second.rend(); ++index) {
    const auto& decision = decisions_[*index];
    if (decision.from_day <= day && day < decision.until_day) return &decision;
  }
  return nullptr;
}

void StudentChoices::log(const AppliedDecision& use) {
  if (use.subject == kNoSubject) {
    if (use.day != logged_day_) {
      logged_today_.clear();
      logged_day_ = use.day;
    }
    if (!logged_today_.emplace(use.side, use.agent, use.kind, use.subject, use.student, use.model).second) return;
  }
  applied_.push_back(use);
}

bool StudentChoices::choose(Side side, std::int32_t agent, DecisionKind kind, std::int64_t subject, int day,
                            bool model_rule) {
  // A referral decision may name a mother; any other holds for every subject (logged with the use).
  const Decision* decision = kind == DecisionKind::refer ? in_force({side, agent, kind, subject}, day) : nullptr;
  if (!decision) decision = in_force({side, agent, kind, kNoSubject}, day);
  if (!decision) return model_rule;
  log({day, side, agent, kind, subject, decision->yes, model_rule});
  return decision->yes;
}

bool StudentChoices::access_granted(const World& world, std::uint16_t locality, std::int32_t volunteer, int day,
                                    double u, double model_mean_gatekeeping) {
  const bool model_rule = u < 1.0 - model_mean_gatekeeping;
  double shift = 0.0;
  std::size_t staff = 0;
  std::vector<std::int32_t> deciding;
  for (const auto* group : {&world.midwives_in[locality], &world.health_visitors_in[locality]})
    for (const auto k : *group) {
      ++staff;
      if (const auto* decision = in_force({Side::professional, k, DecisionKind::grant_access, kNoSubject}, day)) {
        shift += (decision->yes ? 0.0 : 1.0) - world.professionals.gatekeeping[static_cast<std::size_t>(k)];
        deciding.push_back(k);
      }
    }
  if (deciding.empty()) return model_rule;
  const bool granted = u < 1.0 - (model_mean_gatekeeping + shift / static_cast<double>(staff));
  for (const auto k : deciding) log({day, Side::professional, k, DecisionKind::grant_access, volunteer, granted, model_rule});
  return granted;
}

sim::PlanFactory plan_with_students(std::shared_ptr<StudentChoices> choices, const World** world_out) {
  return [choices = std::move(choices), world_out](const sim::ParameterSet& parameters) {
    auto plan = build_plan(parameters);
    // build_plan's shared state is the run's World (models::plan_of).
    auto* world = static_cast<World*>(plan.shared_state.get());
    world->students = choices;
    if (world_out) *world_out = world;
    return plan;
  };
}

}  // namespace models
