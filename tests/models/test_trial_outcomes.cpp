// The outcomes as trials measure them (issue 13, part C), each checked
// against a recomputation from the existing summaries or from the agents.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

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
