// The outcomes as trials measure them (issue 13, part C), each checked
// against a recomputation from the existing summaries or from the agents.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "models/outputs.hpp"
#include "run_world.hpp"

namespace {

std::size_t summary_of(const std::string& name) { return models::output_catalog().summary_index(name); }

// A small integrated scheme over a year and a half: every measured mother followed to 26 weeks.
std::unique_ptr<test_support::WorldRun> small_scheme(std::vector<std::string> extra = {}) {
  std::vector<std::string> overrides{"population.births=3000 per year", "horizon=550 days", "volunteers.initial=30"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return test_support::run_world(overrides, 7);
}

}  // namespace

TEST_CASE("the risks of having stopped among starters are 1 - share breastfeeding / initiation rate") {
  const auto run = small_scheme();
  const auto& tally = run->world().tally;
  REQUIRE(tally.initiated > 200);
  const double initiation = run->summary(summary_of("initiation_rate"));
  struct Checked {
    const char* age;
    std::size_t checkpoint;  // in the tally (1w, 10d, 6w, 12w, 3m, 4m, 6m)
  };
  for (const auto& [age, k] : {Checked{"10d", 1}, Checked{"6w", 2}, Checked{"3m", 4}, Checked{"6m", 6}}) {
    INFO("age " << age);
    const std::string suffix = std::string("_by_") + age + "_among_starters";
    const double any = run->summary(summary_of("stopped_any" + suffix));
    const double exclusive = run->summary(summary_of("stopped_exclusive" + suffix));
    // Against the published shares (which are rounded through the division by all mothers) ...
    CHECK(any == Approx(1.0 - run->summary(summary_of(std::string("any_bf_") + age)) / initiation).epsilon(1e-12));
    CHECK(exclusive == Approx(1.0 - run->summary(summary_of(std::string("excl_bf_") + age)) / initiation).epsilon(1e-12));
    // ... and exactly against the counts of the mothers themselves.
    const double starters = static_cast<double>(tally.initiated);
    CHECK(any == 1.0 - static_cast<double>(tally.any_at[k]) / starters);
    CHECK(exclusive == 1.0 - static_cast<double>(tally.exclusive_at[k]) / starters);
    CHECK(exclusive >= any);
    CHECK(any > 0.0);
  }
}

TEST_CASE("mean_mothers_waiting is the mean of the daily waiting list over the measured days") {
  const auto run = small_scheme({"volunteers.initial=3"});  // too few volunteers: mothers wait
  const auto waiting = models::output_catalog().series_index("mothers_waiting");
  const int from = run->world().measure_from;
  double total = 0.0;
  for (int day = from; day < run->result.days; ++day) total += run->result.at(waiting, day);
  const double mean = total / static_cast<double>(run->result.days - from);
  REQUIRE(mean > 1.0);
  CHECK(run->summary(summary_of("mean_mothers_waiting")) == Approx(mean).epsilon(1e-12));
}

namespace {

double median_of(std::vector<int> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

double share_of(std::size_t part, std::size_t whole) { return static_cast<double>(part) / static_cast<double>(whole); }

}  // namespace

TEST_CASE("the first-contact outcomes match the mothers followed day by day") {
  // Too few volunteers for every referral: some wait, some are never contacted.
  auto run = std::make_unique<test_support::WorldRun>();
  for (const char* assignment : {"name=test", "population.births=3000 per year", "horizon=550 days", "volunteers.initial=12"})
    sim::apply_override(run->parameters, assignment);
  models::check_parameters(run->parameters);
  run->run = std::make_unique<sim::SteppedRun>(models::build_plan, models::output_catalog(), run->parameters, 7,
                                               models::simulated_days(run->parameters));
  // Watched from outside: the day a mother's count of peer contacts first rises, and her last day followed.
  std::map<std::int64_t, int> first_contact;
  std::vector<int> delays, ages;
  std::size_t referred = 0, never_contacted = 0;
  for (int day = 0; run->run->advance_day(); ++day) {
    const auto& world = run->world();
    const auto& mothers = world.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      const std::int64_t id = mothers.first_id + static_cast<std::int64_t>(i);
      if (mothers.peer_contacts[i] > 0) first_contact.emplace(id, day);
      if (day - mothers.birth_day[i] != models::kAge6Months || !world.measured(mothers.birth_day[i])) continue;
      const bool was_referred = mothers.referred_day[i] != models::kNever;
      const auto found = first_contact.find(id);
      referred += was_referred;
      if (found == first_contact.end()) {
        never_contacted += was_referred;
        continue;
      }
      ages.push_back(found->second - mothers.birth_day[i]);
      if (was_referred) delays.push_back(found->second - mothers.referred_day[i]);
    }
  }
  run->result = run->run->finish(false);
  REQUIRE(delays.size() > 100);
  REQUIRE(never_contacted > 0);
  CHECK(ages.size() == delays.size());  // every contacted mother was referred or met directly
  const auto count = [](const std::vector<int>& values, auto test) {
    return static_cast<std::size_t>(std::count_if(values.begin(), values.end(), test));
  };
  CHECK(run->summary(summary_of("referral_to_first_contact_median")) == median_of(delays));
  CHECK(run->summary(summary_of("first_contact_within_48h")) == share_of(count(delays, [](int d) { return d <= 2; }), delays.size()));
  CHECK(run->summary(summary_of("referred_never_contacted")) == share_of(never_contacted, referred));
  CHECK(run->summary(summary_of("age_at_first_contact_median")) == median_of(ages));
  CHECK(run->summary(summary_of("first_contact_after_6w")) == share_of(count(ages, [](int age) { return age > 42; }), ages.size()));
  // Scarce volunteers: not every first contact within 48 hours.
  CHECK(run->summary(summary_of("first_contact_within_48h")) < 1.0);
}

TEST_CASE("with no peer support the first-contact outcomes are undefined") {
  const auto run = small_scheme({"scheme.peer_support=false"});
  for (const char* name : {"referral_to_first_contact_median", "first_contact_within_48h", "referred_never_contacted",
                           "age_at_first_contact_median", "first_contact_after_6w"}) {
    INFO(name);
    CHECK(std::isnan(run->summary(summary_of(name))));
  }
}

TEST_CASE("a proactive scheme with ample volunteers makes every first contact within 48 hours") {
  // No dropouts: a mother whose volunteer leaves waits again, and her first contact can then come late.
  const auto run = small_scheme({"volunteers.initial=2000", "scheme.contact_schedule.mode=proactive",
                                 "scheme.contact_schedule.first_within=2 days", "volunteers.dropout_rate=0"});
  CHECK(run->summary(summary_of("first_contact_within_48h")) == 1.0);
  CHECK(run->summary(summary_of("referral_to_first_contact_median")) <= 2.0);
  CHECK(run->summary(summary_of("referred_never_contacted")) < 0.2);
  CHECK(run->summary(summary_of("first_contact_after_6w")) < 0.5);
}
