// The referral queue and the cases (issue 13, parts A and C): triage order,
// expiry of waiting referrals, reactive cases closing when silent, opt-out
// mothers declining. Science tests compare the same scenario with one
// setting changed, over replicates that share seeds (common random numbers).
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "models/outputs.hpp"
#include "output_indices.hpp"
#include "run_world.hpp"
#include "scenario_runs.hpp"

namespace {

std::size_t summary_of(const std::string& name) { return models::output_catalog().summary_index(name); }
std::size_t series_of(const std::string& name) { return models::output_catalog().series_index(name); }

// The mean over replicates of one summary outcome (NaN replicates skipped).
double mean_of(const std::vector<sim::RunResult>& runs, const std::string& name) {
  const auto k = summary_of(name);
  double total = 0.0;
  int n = 0;
  for (const auto& run : runs)
    if (!std::isnan(run.summary[k])) {
      total += run.summary[k];
      ++n;
    }
  return n ? total / n : std::nan("");
}

constexpr int kReplicates = 6;
constexpr std::uint64_t kSeed = 2026;

std::vector<sim::RunResult> breastfriends(std::vector<std::string> overrides, const char* scenario = "breastfriends.yaml") {
  return test_support::run_scenario(scenario, overrides, kReplicates, kSeed);
}

}  // namespace

TEST_CASE("consistency: no mother waits past the expiry window, and the lapsed count is the mothers dropped") {
  auto parameters = std::make_unique<sim::ParameterSet>(models::parameter_registry());
  for (const char* assignment : {"name=test", "horizon=1 year", "population.births=3000 per year", "volunteers.initial=3",
                                 "volunteers.training.size=0", "scheme.waiting_list.expiry=10 days"})
    sim::apply_override(*parameters, assignment);
  models::check_parameters(*parameters);
  sim::SteppedRun run(models::build_plan, models::output_catalog(), *parameters, 3, models::simulated_days(*parameters));
  const auto& world = *std::static_pointer_cast<models::World>(run.plan().shared_state);
  std::vector<double> lapsed_by_day;
  std::size_t longest_list = 0;
  while (run.advance_day()) {
    const int day = run.days_done() - 1;
    const auto& mothers = world.mothers;
    for (const auto id : world.waiting) {
      const auto i = mothers.index(id);
      if (mothers.waiting_since[i] != models::kNever) REQUIRE(day - mothers.waiting_since[i] <= 10);
    }
    double lapsed_today = 0.0;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      if (mothers.lapsed_day[i] != day) continue;
      ++lapsed_today;
      CHECK(mothers.volunteer[i] == models::kNobody);
      CHECK(mothers.waiting_since[i] == models::kNever);  // off the list
    }
    lapsed_by_day.push_back(lapsed_today);
    longest_list = std::max(longest_list, world.waiting.size());
  }
  const auto result = run.finish(false);
  const auto lapsed = series_of("referrals_lapsed");
  double total = 0.0;
  for (int day = 0; day < result.days; ++day) {
    INFO("day " << day);
    CHECK(result.at(lapsed, day) == lapsed_by_day[static_cast<std::size_t>(day)]);
    total += lapsed_by_day[static_cast<std::size_t>(day)];
  }
  CHECK(total > 100);  // too few volunteers: many referrals lapse
  // At about 4 referrals a day, a 10-day window holds a few dozen mothers, not the year's backlog.
  CHECK(longest_list < 100);
}

TEST_CASE("an expiry window bounds the waiting list and counts the referrals it drops", "[science]") {
  const auto windowed = breastfriends({"scheme.waiting_list.expiry=14 days"});
  const auto unbounded = breastfriends({"scheme.waiting_list.expiry=365 days"});
  const double waiting_windowed = mean_of(windowed, "mean_mothers_waiting");
  const double waiting_unbounded = mean_of(unbounded, "mean_mothers_waiting");
  INFO("mean mothers waiting: 14-day window " << waiting_windowed << ", 365-day window " << waiting_unbounded);
  CHECK(waiting_windowed < 0.5 * waiting_unbounded);
  CHECK(mean_of(windowed, "referrals_lapsed_share") > 0.05);
  CHECK(mean_of(unbounded, "referrals_lapsed_share") < mean_of(windowed, "referrals_lapsed_share"));
}

TEST_CASE("youngest baby first contacts mothers earlier in their babies' lives than earliest referral first", "[science]") {
  const auto youngest = breastfriends({"scheme.waiting_list.order=youngest_baby_first"});
  const auto earliest = breastfriends({"scheme.waiting_list.order=earliest_referral_first"});
  const double age_youngest = mean_of(youngest, "age_at_first_contact_median");
  const double age_earliest = mean_of(earliest, "age_at_first_contact_median");
  INFO("median baby age at first contact: youngest first " << age_youngest << " d, earliest first " << age_earliest << " d");
  CHECK(age_youngest < age_earliest);
  CHECK(mean_of(youngest, "first_contact_after_6w") < mean_of(earliest, "first_contact_after_6w"));
}

TEST_CASE("reactive cases that close when silent free places: more mothers reached", "[science]") {
  const auto closing = breastfriends({"scheme.contact_schedule.close_after=28 days"}, "reactive.yaml");
  const auto holding = breastfriends({"scheme.contact_schedule.close_after=1000 days"}, "reactive.yaml");
  const double reached_closing = mean_of(closing, "reached_by_volunteer");
  const double reached_holding = mean_of(holding, "reached_by_volunteer");
  INFO("reached: closing after 28 days " << reached_closing << ", holding " << reached_holding);
  CHECK(reached_closing > reached_holding + 0.02);
  CHECK(mean_of(closing, "referrals_lapsed_share") < mean_of(holding, "referrals_lapsed_share"));
}

TEST_CASE("under opt-out the share of mothers who decline reproduces the parameter", "[science]") {
  for (const double decline : {0.1, 0.35}) {
    const auto runs = breastfriends({"scheme.referral_policy=opt_out", "scheme.ward_access=none",
                                     "scheme.opt_out_decline=" + std::to_string(decline)});
    double declined = 0.0, offered = 0.0;
    for (const auto& run : runs) {
      // offered = referred + declined, and referred = referrals_per_mother * mothers (no direct access here)
      const double share = run.summary[summary_of("opt_out_declined_share")];
      const double referred = run.summary[summary_of("referrals_per_mother")] * run.summary[summary_of("mothers_measured")];
      offered += referred / (1.0 - share);
      declined += share * referred / (1.0 - share);
    }
    const double observed = declined / offered;
    const double sd = std::sqrt(decline * (1.0 - decline) / offered);
    INFO("decline " << decline << ": observed " << observed << " of " << offered << " offered (sd " << sd << ")");
    REQUIRE(offered > 5000);
    CHECK(std::abs(observed - decline) < 4.0 * sd);
  }
}

TEST_CASE("in breastfriends more referrals no longer lower breastfeeding", "[science]") {
  const auto few = breastfriends({"professionals.referral_probability=0.2"});
  const auto many = breastfriends({"professionals.referral_probability=0.9"});
  const double few_6w = mean_of(few, "any_bf_6w"), many_6w = mean_of(many, "any_bf_6w");
  INFO("any breastfeeding at 6 weeks: referral probability 0.2 " << few_6w << ", 0.9 " << many_6w);
  CHECK(many_6w > few_6w);
  CHECK(mean_of(many, "reached_by_volunteer") > mean_of(few, "reached_by_volunteer"));
}
