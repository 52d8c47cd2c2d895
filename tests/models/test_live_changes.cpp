// Live changes (the classroom page): an intervention added between days of a
// running model must act exactly as the same intervention written in the
// scenario file from the start. This is what lets a saved classroom scenario
// reproduce the live run.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <cstring>

#include "output_indices.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/random.hpp"
#include "sim/scenario.hpp"
#include "sim/stepped_run.hpp"

namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

sim::Scenario breastfriends() {
  return sim::load_scenario(PPISIM_SOURCE_DIR "/scenarios/breastfriends.yaml", models::parameter_registry(),
                            {"horizon=300 days"});
}

YAML::Node live_change(int day) {
  YAML::Node item;
  item["set"]["start"] = std::to_string(day) + " days";
  item["set"]["values"]["scheme.boundary_clarity"] = "0.9";
  item["set"]["values"]["scheme.referral_policy"] = "opt_out";
  return item;
}

}  // namespace

TEST_CASE("an intervention added between days acts as one written in the scenario") {
  constexpr int kChangeDay = 120;
  const auto seed = sim::replicate_seed(5, 0);
  const auto& catalog = models::output_catalog();

  auto written = breastfriends();
  written.parameters.interventions.push_back(sim::read_intervention(written.parameters, live_change(kChangeDay), "test"));
  const int days = models::simulated_days(written.parameters);
  const auto from_file = sim::run_one(models::build_plan, catalog, written.parameters, seed, days);

  auto live = breastfriends();
  sim::SteppedRun run(models::build_plan, catalog, live.parameters, seed, days);
  for (int day = 0; day < kChangeDay; ++day) {
    run.advance_day();
    if (day % 30 == 0) CHECK_FALSE(run.snapshot().empty());  // looking changes nothing
  }
  live.parameters.interventions.push_back(sim::read_intervention(live.parameters, live_change(kChangeDay), "test"));
  while (run.advance_day()) {
  }
  const auto stepped = run.finish(false);
  CHECK(same_bits(stepped.series, from_file.series));
  CHECK(same_bits(stepped.summary, from_file.summary));

  // And the change did something: without it, the run differs from the change day on.
  const auto unchanged = sim::run_one(models::build_plan, catalog, breastfriends().parameters, seed, days);
  const auto clarity = test_support::series::boundary_clarity;
  for (int day = 0; day < kChangeDay; ++day) REQUIRE(unchanged.at(clarity, day) == stepped.at(clarity, day));
  CHECK(stepped.at(clarity, kChangeDay) == 0.9);
  CHECK(unchanged.at(clarity, kChangeDay) < 0.9);
}

TEST_CASE("a live change is read with the scenario file's rules") {
  const auto scenario = breastfriends();
  YAML::Node fixed_at_start;
  fixed_at_start["set"]["start"] = "10 days";
  fixed_at_start["set"]["values"]["professionals.initial.gatekeeping"] = "0.9";
  CHECK_THROWS_WITH(sim::read_intervention(scenario.parameters, fixed_at_start, "classroom page"),
                    Catch::Contains("cannot change during a run"));
  YAML::Node out_of_range = live_change(10);
  out_of_range["set"]["values"]["scheme.boundary_clarity"] = "1.5";
  CHECK_THROWS_WITH(sim::read_intervention(scenario.parameters, out_of_range, "classroom page"),
                    Catch::Contains("between 0 and 1"));
}

TEST_CASE("every classroom lever is a parameter the page can show") {
  const auto& registry = models::parameter_registry();
  for (const auto& path : models::classroom_levers()) {
    INFO(path);
    const auto* spec = registry.find(path);
    REQUIRE(spec);
    CHECK((spec->is_numeric() || spec->kind == sim::ParameterKind::choice || spec->kind == sim::ParameterKind::boolean));
  }
}

TEST_CASE("whether a change outlasts its intervention is the intervention's to say") {
  const auto clarity_after = [](const char* intervention) {
    auto scenario = breastfriends();
    scenario.parameters.interventions.push_back(
        sim::read_intervention(scenario.parameters, YAML::Load(intervention), "test"));
    const auto result = sim::run_one(models::build_plan, models::output_catalog(), scenario.parameters,
                                     sim::replicate_seed(5, 0), models::simulated_days(scenario.parameters));
    const auto clarity = test_support::series::boundary_clarity;
    return std::pair{result.at(clarity, 59), result.at(clarity, 61)};
  };
  // A period of clearer boundaries set for days 30-60 returns to the scenario's 0.3 at its end ...
  CHECK(clarity_after("set: {start: 30 days, end: 60 days, values: {scheme.boundary_clarity: 0.9}}") ==
        std::pair{0.9, 0.3});
  // ... unless it says its values last; a written protocol's clarity lasts by its kind's declaration.
  CHECK(clarity_after("set: {start: 30 days, end: 60 days, lasting: true, values: {scheme.boundary_clarity: 0.9}}") ==
        std::pair{0.9, 0.9});
  CHECK(clarity_after("boundary_protocol: {start: 30 days, end: 60 days, clarity: 0.9}") == std::pair{0.9, 0.9});
}
