// Participatory mode (models/student_choices.*): a student's decisions replace
// the model's rule for her agent only; with no decision the run is the plain
// run; the logged decisions, replayed, reproduce the session bit for bit.
#include <catch2/catch.hpp>
#include <cstring>
#include <map>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "models/student_choices.hpp"
#include "sim/scenario.hpp"
#include "sim/stepped_run.hpp"

namespace {

using models::DecisionKind;
using models::Side;

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

sim::Scenario scenario() {
  // Joint meetings from month six, so the meetings' decision point is reached too.
  return sim::load_scenario(PPISIM_SOURCE_DIR "/scenarios/development_process.yaml", models::parameter_registry(),
                            {"horizon=1 year"});
}

constexpr std::uint64_t kSeed = 77;

sim::RunResult plain_run(const sim::ParameterSet& parameters) {
  return sim::run_one(models::build_plan, models::output_catalog(), parameters, kSeed,
                      models::simulated_days(parameters));
}

// Students who decide each week from what their agent knows: the midwife of
// professional 0 refers her odd-numbered mothers and not the even ones, and no
// other mother; professional 1 and her locality's staff grant no access, and report what they notice in
// alternate weeks; volunteer 0 acts beyond the role and asks for access; volunteer 1
// takes no cases in alternate weeks; both attend no meeting.
struct Session {
  std::shared_ptr<models::StudentChoices> choices = std::make_shared<models::StudentChoices>();
  const models::World* world = nullptr;
  sim::RunResult result;
};

void decide_week(models::StudentChoices& choices, const models::World& world, int day) {
  const auto week = [&](Side side, std::int32_t agent, DecisionKind kind, std::int64_t subject, bool yes) {
    choices.decide({day, day + 7, side, agent, kind, subject, yes});
  };
  const auto& mothers = world.mothers;
  for (std::size_t i = mothers.departed; i < mothers.count(); ++i)
    if (world.professional_of(i, day) == 0 && mothers.feeding[i] != models::Feeding::none &&
        mothers.referred_day[i] == models::kNever) {
      const auto id = mothers.first_id + static_cast<std::int64_t>(i);
      week(Side::professional, 0, DecisionKind::refer, id, id % 2 == 1);
    }
  week(Side::professional, 0, DecisionKind::refer, models::kNoSubject, false);
  // One professional's refusal moves her locality's mean gate-keeping by 1/staff: the whole locality refuses.
  const auto locality = world.professionals.locality[1];
  // They report what they notice on alternate weeks: a professional notices few events, so one reporting
  // every one could agree with the model each time at some seed; alternating, some weeks depart from it
  // whichever way the model leans.
  for (const auto* staff : {&world.midwives_in[locality], &world.health_visitors_in[locality]})
    for (const auto k : *staff) {
      week(Side::professional, k, DecisionKind::grant_access, models::kNoSubject, false);
      week(Side::professional, k, DecisionKind::report_concern, models::kNoSubject, (day / 7) % 2 == 1);
    }
  week(Side::volunteer, 0, DecisionKind::act_beyond_role, models::kNoSubject, true);
  week(Side::volunteer, 0, DecisionKind::ask_access, models::kNoSubject, true);
  if ((day / 7) % 2 == 0) week(Side::volunteer, 1, DecisionKind::take_cases, models::kNoSubject, false);
  week(Side::professional, 0, DecisionKind::attend_meeting, models::kNoSubject, false);
  week(Side::volunteer, 0, DecisionKind::attend_meeting, models::kNoSubject, false);
}

Session play(const sim::ParameterSet& parameters) {
  Session session;
  sim::SteppedRun run(models::plan_with_students(session.choices, &session.world), models::output_catalog(),
                      parameters, kSeed, models::simulated_days(parameters));
  while (!run.at_horizon()) {
    if (run.days_done() % 7 == 0) decide_week(*session.choices, *session.world, run.days_done());
    run.advance_day();
  }
  session.result = run.finish(false);
  return session;
}

}  // namespace

TEST_CASE("a session in which no student decided anything is the plain run") {
  const auto s = scenario();
  const auto plain = plain_run(s.parameters);
  auto nobody = std::make_shared<models::StudentChoices>();
  const auto session = sim::run_one(models::plan_with_students(nobody), models::output_catalog(), s.parameters, kSeed,
                                    models::simulated_days(s.parameters));
  CHECK(same_bits(plain.series, session.series));
  CHECK(same_bits(plain.summary, session.summary));
  CHECK(nobody->applied().empty());
}

TEST_CASE("students' decisions replace the model's rule for their agents, and every use is logged") {
  const auto s = scenario();
  const auto session = play(s.parameters);
  const auto plain = plain_run(s.parameters);
  CHECK_FALSE(same_bits(plain.summary, session.result.summary));

  std::map<DecisionKind, int> uses, departures;
  for (const auto& use : session.choices->applied()) {
    ++uses[use.kind];
    departures[use.kind] += use.student != use.model;
    // What the student chose is what happened at that point.
    if (use.kind == DecisionKind::refer) {
      CHECK(use.agent == 0);
      if (use.student) CHECK(use.subject % 2 == 1);  // she named only the odd ones; the rest she did not refer
    }
    if (use.kind == DecisionKind::act_beyond_role) CHECK(use.student);
    if (use.kind == DecisionKind::take_cases) CHECK_FALSE(use.student);
  }
  for (const auto kind : {DecisionKind::refer, DecisionKind::grant_access, DecisionKind::report_concern,
                          DecisionKind::act_beyond_role, DecisionKind::ask_access, DecisionKind::take_cases}) {
    INFO(models::to_string(kind));
    CHECK(uses[kind] > 0);
    CHECK(departures[kind] > 0);  // the students did not simply do what the model would have done
  }
}

TEST_CASE("the logged decisions, replayed on the same scenario and seed, reproduce the session bit for bit") {
  const auto s = scenario();
  const auto session = play(s.parameters);
  REQUIRE(session.choices->decisions().size() > 100);
  auto replay = std::make_shared<models::StudentChoices>(session.choices->decisions());
  const auto replayed = sim::run_one(models::plan_with_students(replay), models::output_catalog(), s.parameters, kSeed,
                                     models::simulated_days(s.parameters));
  CHECK(same_bits(session.result.series, replayed.series));
  CHECK(same_bits(session.result.summary, replayed.summary));
  CHECK(replay->applied() == session.choices->applied());
}

TEST_CASE("a later decision on the same point overrides an earlier one for the days it covers") {
  models::StudentChoices choices;
  choices.decide({0, 14, Side::volunteer, 3, DecisionKind::take_cases, models::kNoSubject, false});
  choices.decide({7, 14, Side::volunteer, 3, DecisionKind::take_cases, models::kNoSubject, true});
  CHECK_FALSE(choices.choose(Side::volunteer, 3, DecisionKind::take_cases, models::kNoSubject, 6, true));
  CHECK(choices.choose(Side::volunteer, 3, DecisionKind::take_cases, models::kNoSubject, 7, false));
  CHECK(choices.choose(Side::volunteer, 3, DecisionKind::take_cases, models::kNoSubject, 14, true));  // the model's again
  CHECK_FALSE(choices.choose(Side::volunteer, 4, DecisionKind::take_cases, models::kNoSubject, 6, false));  // not hers
  CHECK(choices.applied().size() == 2);
}
