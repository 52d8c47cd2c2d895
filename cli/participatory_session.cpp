#include "cli/participatory_session.hpp"

#include "cli/participatory_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <set>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "results/results_file.hpp"
#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace cli {
namespace {

using nlohmann::json;
using models::DecisionKind;
using models::Side;

const sim::SourceLocation kClass{"participatory session", 0, 0};

// Daily series the teacher compares, class beside shadow: counted events summed over each week...
constexpr std::array<const char*, 7> kWeeklySums{"referrals", "referrals_withheld", "access_refused", "access_granted",
                                                 "perceived_transgressions", "false_alarms", "real_transgressions"};
// ...and states averaged over it.
constexpr std::array<const char*, 6> kWeeklyMeans{"prof_boundary_concern", "prof_gatekeeping", "tension_index",
                                                  "any_bf_share", "mothers_waiting", "volunteers_active"};

const char* to_string(const models::Feeding feeding) {
  switch (feeding) {
    case models::Feeding::exclusive: return "exclusive";
    case models::Feeding::partial: return "partial";
    case models::Feeding::none: break;
  }
  return "none";
}

const char* to_string(const models::Difficulty difficulty) {
  switch (difficulty) {
    case models::Difficulty::latch: return "latch";
    case models::Difficulty::pain: return "pain";
    case models::Difficulty::low_supply: return "low supply";
    case models::Difficulty::none: break;
  }
  return "";
}

std::uint64_t class_seed(const sim::ParameterSet& parameters) {
  return sim::replicate_seed(static_cast<std::uint64_t>(parameters.integer("seed")), 0);  // as the classroom page's live run
}

}  // namespace

StudentRole student_role(const std::string& name) {
  if (name == "midwife") return StudentRole::midwife;
  if (name == "health_visitor") return StudentRole::health_visitor;
  if (name == "volunteer") return StudentRole::volunteer;
  throw sim::InputError(kClass, "role '" + name + "': expected midwife, health_visitor or volunteer");
}

const char* to_string(StudentRole role) {
  switch (role) {
    case StudentRole::midwife: return "midwife";
    case StudentRole::health_visitor: return "health_visitor";
    case StudentRole::volunteer: break;
  }
  return "volunteer";
}

ParticipatorySession::ParticipatorySession(sim::Scenario scenario)
    : scenario_(std::move(scenario)), seed_(class_seed(scenario_.parameters)) {
  const int days = models::simulated_days(scenario_.parameters);
  const auto& catalog = models::output_catalog();
  class_run_ = std::make_unique<sim::SteppedRun>(models::plan_with_students(choices_, &world_), catalog,
                                                 scenario_.parameters, seed_, days);
  shadow_run_ = std::make_unique<sim::SteppedRun>(models::build_plan, catalog, scenario_.parameters, seed_, days);
}

// The first agent of the role nobody plays, locality by locality: a class fills
// one locality first, so its midwives, health visitors and volunteers work together.
std::int32_t ParticipatorySession::free_agent(StudentRole role) const {
  std::set<std::int32_t> taken;
  const Side side = role == StudentRole::volunteer ? Side::volunteer : Side::professional;
  for (const auto& s : students_)
    if (side_of(s) == side) taken.insert(s.agent);
  const auto& w = *world_;
  for (std::size_t l = 0; l < w.scheme.size(); ++l) {
    const auto& pool = role == StudentRole::midwife        ? w.midwives_in[l]
                       : role == StudentRole::health_visitor ? w.health_visitors_in[l]
                                                             : w.volunteers_in[l];
    for (const auto agent : pool)
      if (!taken.contains(agent) && (side == Side::professional || w.volunteers.active[static_cast<std::size_t>(agent)]))
        return agent;
  }
  return models::kNobody;
}

std::size_t ParticipatorySession::join(const std::string& name, StudentRole role) {
  if (students_.size() >= kMaxStudents)
    throw sim::InputError(kClass, fmt::format("the class is full ({} students)", kMaxStudents));
  if (finished()) throw sim::InputError(kClass, "this session has reached its horizon; ask the teacher for a new one");
  const auto agent = free_agent(role);
  if (agent == models::kNobody)
    throw sim::InputError(kClass, fmt::format("every {} of the scenario is already played (or, for volunteers, has "
                                              "left); pick another role",
                                              to_string(role)));
  students_.push_back({name, role, agent});
  return students_.size() - 1;
}

// Breastfeeding mothers the professional is responsible for today, not referred and not declined: whom she may refer.
std::vector<std::int64_t> ParticipatorySession::undecided_mothers(std::int32_t professional) const {
  const auto& w = *world_;
  const auto& m = w.mothers;
  std::vector<std::int64_t> ids;
  for (std::size_t i = m.count(); i-- > m.departed && ids.size() < kMaxListed;)
    if (w.professional_of(i, day()) == professional && m.feeding[i] != models::Feeding::none &&
        m.referred_day[i] == models::kNever && m.declined_day[i] == models::kNever)
      ids.push_back(m.first_id + static_cast<std::int64_t>(i));
  return ids;
}

void ParticipatorySession::decide(std::size_t student, int week_day, const json& decisions) {
  auto& s = students_.at(student);
  if (finished()) throw sim::InputError(kClass, "the session has reached its horizon: nothing more to decide");
  if (week_day != day())
    throw sim::InputError(kClass, fmt::format("these decisions are for the week of day {}, but the class is now on "
                                              "day {}; look at your agent again and decide for this week",
                                              week_day, day()));
  if (!decisions.is_array() || decisions.size() > kMaxListed + models::kDecisionKinds)
    throw sim::InputError(kClass, fmt::format("'decisions' must be a list of at most {} decisions",
                                              kMaxListed + models::kDecisionKinds));
  const Side side = side_of(s);
  const auto mothers = side == Side::professional ? undecided_mothers(s.agent) : std::vector<std::int64_t>{};
  std::vector<models::Decision> week;
  std::set<std::pair<DecisionKind, std::int64_t>> seen;
  for (const auto& item : decisions) {
    if (!item.is_object() || !item.contains("kind") || !item["kind"].is_string() || !item.contains("yes") ||
        !item["yes"].is_boolean())
      throw sim::InputError(kClass, "each decision must be {\"kind\": name, \"yes\": true or false} (and, to refer "
                                    "one mother, \"subject\": her id)");
    const auto kind = models::decision_kind(item["kind"].get<std::string>());
    if (!kind || !models::applies_to(*kind, side))
      throw sim::InputError(kClass, fmt::format("'{}' is not a decision a {} takes", item["kind"].get<std::string>(),
                                                to_string(s.role)));
    std::int64_t subject = models::kNoSubject;
    if (item.contains("subject")) {
      if (*kind != DecisionKind::refer || !item["subject"].is_number_integer() ||
          std::ranges::find(mothers, item["subject"].get<std::int64_t>()) == mothers.end())
        throw sim::InputError(kClass, "'subject' names a mother to refer, and must be one of the mothers your view "
                                      "lists this week");
      subject = item["subject"].get<std::int64_t>();
    }
    if (!seen.emplace(*kind, subject).second)
      throw sim::InputError(kClass, fmt::format("'{}' is decided twice for the same {}", to_string(*kind),
                                                subject == models::kNoSubject ? "week" : "mother"));
    week.push_back({day(), day() + kDaysPerWeek, side, s.agent, *kind, subject, item["yes"].get<bool>()});
  }
  pending_[student] = std::move(week);
  s.decided_week = day();
  advance_if_all_decided();
}

void ParticipatorySession::advance_if_all_decided() {
  if (paused_ || students_.empty()) return;
  for (const auto& s : students_)
    if (s.decided_week != day()) return;
  advance_week();
}

void ParticipatorySession::advance_week() {
  if (finished()) return;
  // This week's decisions take effect in the class's order: a replay adds them in the same order.
  for (auto& [student, week] : pending_) {
    for (const auto& decision : week) choices_->decide(decision);
    if (!week.empty()) ++students_[student].weeks_decided;
  }
  pending_.clear();
  for (int d = 0; d < kDaysPerWeek; ++d) {
    class_run_->advance_day();
    shadow_run_->advance_day();
  }
}

json ParticipatorySession::professional_view(const Student& s) const {
  const auto& w = *world_;
  const auto k = static_cast<std::size_t>(s.agent);
  const auto& p = w.professionals;
  const auto& m = w.mothers;
  const auto locality = p.locality[k];
  json mothers = json::array();
  for (const auto id : undecided_mothers(s.agent)) {
    const auto i = m.index(id);
    mothers.push_back({{"id", id},
                       {"age_days", day() - m.birth_day[i]},
                       {"feeding", to_string(m.feeding[i])},
                       {"difficulty", to_string(m.difficulty[i])},
                       {"confidence", m.confidence[i]},
                       {"contacts", m.professional_contacts[i]}});
  }
  std::size_t waiting = 0, supported = 0;
  for (std::size_t i = m.departed; i < m.count(); ++i) {
    if (w.professional_of(i, day()) != s.agent || m.feeding[i] == models::Feeding::none) continue;
    supported += m.volunteer[i] != models::kNobody;
    waiting += m.referred_day[i] != models::kNever && m.volunteer[i] == models::kNobody && m.waiting_since[i] != models::kNever;
  }
  json volunteers = json::array();
  for (const auto v : w.volunteers_in[locality]) {
    const auto j = static_cast<std::size_t>(v);
    if (!w.volunteers.active[j] || volunteers.size() >= kMaxListed) continue;
    volunteers.push_back({{"id", v},
                          {"caseload", w.volunteers.caseload[j]},
                          {"capacity", w.volunteers.capacity[j]},
                          {"your_trust", w.trust_between(s.agent, v)}});
  }
  const auto& scheme = w.scheme[locality];
  return {{"locality", locality + 1},
          {"own", {{"gatekeeping", p.gatekeeping[k]}, {"boundary_concern", p.concern[k]},
                   {"surveillance", p.surveillance[k]}, {"trust_in_volunteers", w.trust_of(k)},
                   {"workload", p.workload[k]}, {"orientation", p.orientation[k]}}},
          {"mothers", mothers},
          {"mothers_waiting", waiting},
          {"mothers_with_volunteer", supported},
          {"volunteers", volunteers},
          {"scheme", {{"opt_out", scheme.referral_policy == models::ReferralPolicy::opt_out},
                      {"ward_access", scheme.ward_access == models::WardAccess::none             ? "none"
                                      : scheme.ward_access == models::WardAccess::guaranteed ? "guaranteed"
                                                                                             : "granted_by_staff"},
                      {"boundary_clarity", scheme.boundary_clarity}}}};
}

json ParticipatorySession::volunteer_view(const Student& s) const {
  const auto& w = *world_;
  const auto v = static_cast<std::size_t>(s.agent);
  const auto& vo = w.volunteers;
  const auto& m = w.mothers;
  json mothers = json::array();
  for (std::size_t i = m.count(); i-- > m.departed && mothers.size() < kMaxListed;)
    if (m.volunteer[i] == s.agent)
      mothers.push_back({{"id", m.first_id + static_cast<std::int64_t>(i)},
                         {"age_days", day() - m.birth_day[i]},
                         {"feeding", to_string(m.feeding[i])},
                         {"difficulty", to_string(m.difficulty[i])},
                         {"confidence", m.confidence[i]},
                         {"contacts", m.peer_contacts[i]}});
  json professionals = json::array();
  for (std::size_t k = 0; k < w.trust.size() && professionals.size() < kMaxListed; ++k)
    for (const auto& [volunteer, trust] : w.trust[k])
      if (volunteer == s.agent)
        professionals.push_back({{"id", k},
                                 {"role", w.professionals.role[k] == models::Role::midwife ? "midwife" : "health_visitor"},
                                 {"trust_in_you", trust}});
  std::size_t waiting = 0;
  for (const auto id : w.waiting)
    if (id >= m.first_id + static_cast<std::int64_t>(m.departed) && m.locality[m.index(id)] == vo.locality[v]) ++waiting;
  const auto& scheme = w.scheme[vo.locality[v]];
  return {{"locality", vo.locality[v] + 1},
          {"active", vo.active[v] != 0},
          {"own", {{"caseload", vo.caseload[v]}, {"capacity", vo.capacity[v]}, {"self_esteem", vo.self_esteem[v]},
                   {"skill", vo.skill[v]}, {"autonomy", vo.autonomy[v]},
                   {"trust_in_professionals", vo.trust_in_professionals[v]},
                   {"felt_surveillance", vo.felt_surveillance[v]}, {"commitment", vo.commitment[v]}}},
          {"mothers", mothers},
          {"mothers_waiting_in_locality", waiting},
          {"professionals", professionals},
          {"scheme", {{"ward_access", scheme.ward_access == models::WardAccess::none             ? "none"
                                      : scheme.ward_access == models::WardAccess::guaranteed ? "guaranteed"
                                                                                             : "granted_by_staff"},
                      {"boundary_clarity", scheme.boundary_clarity}}}};
}

json ParticipatorySession::student_view(std::size_t student) const {
  const auto& s = students_.at(student);
  json view = side_of(s) == Side::volunteer ? volunteer_view(s) : professional_view(s);
  // What her choices did last week, against what the model's rule would have done at the same points.
  std::map<DecisionKind, std::array<int, 3>> last_week;  // uses, her yes, the model's yes
  for (const auto& use : choices_->applied())
    if (use.side == side_of(s) && use.agent == s.agent && use.day >= day() - kDaysPerWeek) {
      auto& counts = last_week[use.kind];
      ++counts[0];
      counts[1] += use.student;
      counts[2] += use.model;
    }
  json effects = json::array();
  for (const auto& [kind, counts] : last_week)
    effects.push_back({{"kind", models::to_string(kind)}, {"times", counts[0]}, {"yours_yes", counts[1]},
                       {"model_yes", counts[2]}});
  json decided = json::array();
  if (const auto found = pending_.find(student); found != pending_.end())
    for (const auto& d : found->second) {
      json item{{"kind", models::to_string(d.kind)}, {"yes", d.yes}};
      if (d.subject != models::kNoSubject) item["subject"] = d.subject;
      decided.push_back(item);
    }
  view.update({{"name", s.name},
               {"role", to_string(s.role)},
               {"agent", s.agent},
               {"day", day()},
               {"week", day() / kDaysPerWeek + 1},
               {"horizon", class_run_->days()},
               {"finished", finished()},
               {"paused", paused_},
               {"decided_this_week", s.decided_week == day()},
               {"this_week", decided},
               {"last_week", effects}});
  return view;
}

json ParticipatorySession::weekly(const sim::RunResult& result) const {
  const auto& catalog = models::output_catalog();
  json out = json::object();
  const int weeks = day() / kDaysPerWeek;
  const auto fill = [&](const char* name, bool mean) {
    const auto index = *catalog.find_series(name);
    json values = json::array();
    for (int wk = 0; wk < weeks; ++wk) {
      double total = 0.0;
      for (int d = wk * kDaysPerWeek; d < (wk + 1) * kDaysPerWeek; ++d) total += result.at(index, d);
      values.push_back(mean ? total / kDaysPerWeek : total);
    }
    out[name] = values;
  };
  for (const auto* name : kWeeklySums) fill(name, false);
  for (const auto* name : kWeeklyMeans) fill(name, true);
  return out;
}

json ParticipatorySession::teacher_view() const {
  json students = json::array();
  std::size_t decided = 0;
  for (const auto& s : students_) {
    decided += s.decided_week == day();
    students.push_back({{"name", s.name}, {"role", to_string(s.role)}, {"agent", s.agent},
                        {"decided", s.decided_week == day()}, {"weeks_decided", s.weeks_decided}});
  }
  return {{"scenario", scenario_name()},
          {"seed", seed_},
          {"day", day()},
          {"week", day() / kDaysPerWeek + 1},
          {"horizon", class_run_->days()},
          {"finished", finished()},
          {"paused", paused_},
          {"students", students},
          {"decided", decided},
          {"max_students", kMaxStudents},
          {"class", weekly(class_run_->result())},
          {"shadow", weekly(shadow_run_->result())}};
}

json ParticipatorySession::debrief() const {
  // Per decision: how often it was used, and how often the class chose otherwise than the model's rule.
  std::array<std::array<int, 4>, models::kDecisionKinds> kinds{};  // uses, student yes, model yes, differed
  std::map<std::pair<Side, std::int32_t>, std::array<int, 2>> by_agent;  // uses, differed
  for (const auto& use : choices_->applied()) {
    auto& k = kinds[static_cast<std::size_t>(use.kind)];
    ++k[0];
    k[1] += use.student;
    k[2] += use.model;
    k[3] += use.student != use.model;
    auto& a = by_agent[{use.side, use.agent}];
    ++a[0];
    a[1] += use.student != use.model;
  }
  json per_kind = json::array();
  for (int k = 0; k < models::kDecisionKinds; ++k)
    if (kinds[static_cast<std::size_t>(k)][0])
      per_kind.push_back({{"kind", models::to_string(static_cast<DecisionKind>(k))},
                          {"times", kinds[static_cast<std::size_t>(k)][0]},
                          {"class_yes", kinds[static_cast<std::size_t>(k)][1]},
                          {"model_yes", kinds[static_cast<std::size_t>(k)][2]},
                          {"differed", kinds[static_cast<std::size_t>(k)][3]}});
  json per_student = json::array();
  for (const auto& s : students_) {
    const auto counts = by_agent[{side_of(s), s.agent}];
    per_student.push_back({{"name", s.name}, {"role", to_string(s.role)}, {"agent", s.agent},
                           {"weeks_decided", s.weeks_decided}, {"times", counts[0]}, {"differed", counts[1]}});
  }
  // What it cost: mothers breastfeeding (share of followed mothers x mothers followed), class minus shadow.
  const auto& catalog = models::output_catalog();
  const auto share = *catalog.find_series("any_bf_share"), followed = *catalog.find_series("mothers_followed");
  const auto breastfeeding = [&](const sim::RunResult& r, int d) { return r.at(share, d) * r.at(followed, d); };
  json outcome{{"days", day()}};
  if (day() > 0) {
    const auto& c = class_run_->result();
    const auto& s = shadow_run_->result();
    double sum = 0.0;
    for (int d = 0; d < day(); ++d) sum += breastfeeding(c, d) - breastfeeding(s, d);
    outcome.update({{"class_share_today", c.at(share, day() - 1)},
                    {"shadow_share_today", s.at(share, day() - 1)},
                    {"class_mothers_today", breastfeeding(c, day() - 1)},
                    {"shadow_mothers_today", breastfeeding(s, day() - 1)},
                    {"difference_mothers_today", breastfeeding(c, day() - 1) - breastfeeding(s, day() - 1)},
                    {"mean_difference_mothers", sum / day()}});
  }
  json totals = json::object();
  for (const auto* name : kWeeklySums) {
    const auto index = *catalog.find_series(name);
    double c = 0.0, s = 0.0;
    for (int d = 0; d < day(); ++d) {
      c += class_run_->result().at(index, d);
      s += shadow_run_->result().at(index, d);
    }
    totals[name] = {{"class", c}, {"shadow", s}};
  }
  return {{"day", day()}, {"decisions", per_kind}, {"students", per_student}, {"breastfeeding", outcome},
          {"totals", totals}};
}

void ParticipatorySession::write_results(const std::filesystem::path& path) const {
  if (day() == 0) throw sim::InputError(kClass, "nothing to save yet: play at least one week");
  sim::Scenario so_far = scenario_;
  so_far.parameters.set("horizon", static_cast<double>(day()), kClass);
  so_far.parameters.set("replicates", 1.0, kClass);
  const auto& parameters = so_far.parameters;
  const auto& catalog = models::output_catalog();
  auto replay = std::make_shared<models::StudentChoices>(choices_->decisions());
  auto result = sim::run_one(models::plan_with_students(replay), catalog, parameters, seed_, day(), nullptr, nullptr, true);
  // The file must hold what the class saw: its decisions, replayed, must reproduce the session.
  const auto& played = class_run_->result();
  const auto today = static_cast<std::size_t>(day());
  bool same_series = true;
  for (std::size_t s = 0; s < catalog.series().size(); ++s)
    same_series = same_series && std::memcmp(result.series.data() + s * today,
                                             played.series.data() + s * static_cast<std::size_t>(played.days),
                                             today * sizeof(double)) == 0;
  if (!same_series || replay->applied() != choices_->applied())
    throw sim::RuntimeFailure("the session's decisions, replayed from day 0, did not reproduce the session; "
                              "please report this as a bug");
  const results::RunProvenance provenance{fmt::format("ppisim serve (participatory session, day {})", day()),
                                          parameters.text("name"), so_far.resolved_yaml(),
                                          static_cast<std::uint64_t>(parameters.integer("seed")), 1};
  results::ResultsWriter writer(path, true, catalog, models::parameter_registry(), 1, day(), provenance);
  writer.write(result, parameters);

  std::vector<RosterEntry> roster;
  for (const auto& student : students_)
    roster.push_back({student.name, to_string(student.role), student.agent, student.weeks_decided});
  write_participatory_group(writer.root(), {choices_->decisions(), choices_->applied(), roster});
  writer.commit();
}

}  // namespace cli
