// Science tests of the professionals' attitudes (F3, F5-F8): the rest state
// (nothing moves without events), and each mechanism of
// professional_attitudes on vs knocked out from the same inputs and seeds.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>

#include "output_indices.hpp"
#include "paired_runs.hpp"
#include "run_world.hpp"
#include "scenario_runs.hpp"

using test_support::check_increase;
using test_support::run_world;

namespace {

std::size_t series_of(const char* name) { return models::output_catalog().series_index(name); }
std::size_t summary_of(const char* name) { return models::output_catalog().summary_index(name); }

// Every day's value of a series in one run equals its day-0 value.
void check_constant(const sim::RunResult& result, const char* name) {
  const auto series = series_of(name);
  INFO(name);
  for (int day = 0; day < result.days; ++day) REQUIRE(result.at(series, day) == result.at(series, 0));
}

// A busy scheme with many contacts, so that events happen when allowed.
std::vector<std::string> busy(std::vector<std::string> extra) {
  std::vector<std::string> all{"horizon=1 year", "population.births=3000 per year", "volunteers.initial=60",
                               "scheme.referral_policy=opt_out", "professionals.initial.surveillance=0.8"};
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

std::vector<sim::RunResult> replicates(const std::string& scenario, const std::vector<std::string>& overrides) {
  return test_support::run_scenario(scenario, overrides, 20, 2026);
}

}  // namespace

TEST_CASE("rest state: with no volunteers every attitude stays where it starts, whatever the start") {
  for (const auto& start : {std::vector<std::string>{}, std::vector<std::string>{
                                "professionals.initial.boundary_concern=0.9", "professionals.initial.gatekeeping=0.1",
                                "professionals.initial.surveillance=0.6", "professionals.initial.orientation=0.05",
                                "professionals.initial.trust_in_volunteers=0.2"}}) {
    const auto runs = test_support::run_scenario("no_peer_support.yaml", start, 2, 7);
    for (const auto& result : runs)
      for (const char* name : {"prof_boundary_concern", "prof_gatekeeping", "prof_surveillance", "prof_orientation",
                               "prof_trust_in_volunteers", "prof_cultural_knowledge", "tension_index"})
        check_constant(result, name);
    CHECK(runs[0].at(series_of("tension_index"), 0) == 0.0);  // no friction: the index at its floor
  }
}

TEST_CASE("rest state: volunteers whose contacts produce no boundary events leave concern where it starts") {
  const auto run = run_world(busy({"boundary.transgression_probability=0", "boundary.ambiguity_probability=0"}));
  CHECK(run->total(test_support::series::peer_contacts) > 1000);
  for (const double concern : run->world().professionals.concern) CHECK(concern == run->parameters.real("professionals.initial.boundary_concern"));
  CHECK(run->summary(summary_of("tension_concern_above_rest")) == 0.0);
  CHECK(run->summary(summary_of("tension_perceived_transgressions")) == 0.0);
}

TEST_CASE("concern spreads: colleagues of professionals who perceived transgressions grow concerned too") {
  const auto share_concerned = [](const test_support::WorldRun& run) {
    const auto& concern = run.world().professionals.concern;
    const double start = run.parameters.real("professionals.initial.boundary_concern");
    const auto above = std::count_if(concern.begin(), concern.end(), [&](double c) { return c > start + 1e-6; });
    return static_cast<double>(above) / static_cast<double>(concern.size());
  };
  // Few events, so that most professionals perceive none themselves.
  const std::vector<std::string> sparse{"boundary.transgression_probability=0.02", "boundary.ambiguity_probability=0",
                                        "professionals.initial.surveillance=0.3"};
  const auto spread = run_world(busy(sparse));
  auto isolated_inputs = busy(sparse);
  isolated_inputs.push_back("mechanisms.concern_spread=false");
  const auto isolated = run_world(isolated_inputs);
  INFO("share of professionals with concern above its start: spread " << share_concerned(*spread) << ", isolated "
                                                                      << share_concerned(*isolated));
  CHECK(share_concerned(*isolated) < 0.6);
  CHECK(share_concerned(*spread) > share_concerned(*isolated) + 0.3);
}

TEST_CASE("a perceived transgression costs trust in that volunteer, and without the mechanism no trust is ever lost") {
  const auto costly = run_world(busy({}));
  auto inputs = busy({});
  inputs.push_back("mechanisms.transgressions_cost_trust=false");
  const auto free = run_world(inputs);
  CHECK(costly->total(test_support::series::perceived_transgressions) > 50);
  CHECK(costly->summary(summary_of("tension_professional_trust_lost")) > 0.01);
  CHECK(free->summary(summary_of("tension_professional_trust_lost")) == 0.0);
  CHECK(free->summary(test_support::summary::mean_trust_prof_in_vol) >
        costly->summary(test_support::summary::mean_trust_prof_in_vol) + 0.01);
}

TEST_CASE("relieved workload builds trust, the more the busier the professionals (F3)") {
  // No boundary events and no trust from successes: only relief moves trust.
  const std::vector<std::string> quiet{"boundary.transgression_probability=0", "boundary.ambiguity_probability=0",
                                       "mechanisms.joint_work_builds_trust=false"};
  const auto gain = [&](std::vector<std::string> workforce) {
    auto on = quiet, off = quiet;
    on.insert(on.end(), workforce.begin(), workforce.end());
    off.insert(off.end(), workforce.begin(), workforce.end());
    off.push_back("mechanisms.relieved_workload_builds_trust=false");
    const auto with = replicates("breastfriends.yaml", on), without = replicates("breastfriends.yaml", off);
    for (const auto& result : without)
      CHECK(result.summary[test_support::summary::mean_trust_prof_in_vol] ==
            Approx(0.5).margin(1e-12));  // nothing else moves trust here
    return test_support::paired_difference(without, with, test_support::summary::mean_trust_prof_in_vol);
  };
  const auto usual = gain({}), stretched = gain({"professionals.midwives=30", "professionals.health_visitors=30"});
  INFO("trust gained from relief: usual workforce " << usual.mean << " (SE " << usual.standard_error
                                                    << "), half the workforce " << stretched.mean);
  CHECK(usual.mean > 3 * usual.standard_error);
  CHECK(usual.mean > 0.005);
  CHECK(stretched.mean > usual.mean + 3 * stretched.standard_error);
}

TEST_CASE("joint successes turn professionals towards working with volunteers, and concern above rest turns them back") {
  const auto orientation = summary_of("mean_orientation");
  const std::vector<std::string> calm{"boundary.transgression_probability=0", "boundary.ambiguity_probability=0"};
  auto frozen = calm;
  frozen.push_back("mechanisms.orientation_dynamics=false");
  const auto moving = replicates("breastfriends.yaml", calm), fixed = replicates("breastfriends.yaml", frozen);
  check_increase(fixed, moving, orientation, 0.05, "orientation with joint successes, minus frozen");
  // Many perceived transgressions and no credit for successes: concern pulls towards 'for'.
  const std::vector<std::string> fraught{"orientation.joint_gain=0", "boundary.transgression_probability=0.3",
                                         "professionals.initial.surveillance=0.8"};
  auto fraught_frozen = fraught;
  fraught_frozen.push_back("mechanisms.orientation_dynamics=false");
  check_increase(replicates("breastfriends.yaml", fraught), replicates("breastfriends.yaml", fraught_frozen),
                 orientation, 0.02, "orientation frozen, minus pulled by concern");
}

TEST_CASE("an autonomous volunteer achieves more where the role is agreed (initiative, F8)") {
  // Volunteers whose autonomy grows fast, boundaries agreed: initiative on vs knocked out, same seeds.
  const std::vector<std::string> agreed{"scheme.boundary_clarity=0.9"};
  auto without = agreed;
  without.push_back("mechanisms.initiative_within_agreed_role=false");
  const auto with_initiative = replicates("teaching_autonomy.yaml", agreed);
  const auto no_initiative = replicates("teaching_autonomy.yaml", without);
  check_increase(no_initiative, with_initiative, test_support::summary::any_bf_6w, 0.0005,
                 "breastfeeding at 6 weeks, with initiative minus without");
}
