// Degenerate cases of the interface mechanisms: switching a cause off must
// switch its effect off exactly, whatever the seed.
#include <catch2/catch.hpp>
#include <cmath>

#include "output_indices.hpp"
#include "run_world.hpp"

using test_support::series::false_alarms;
using test_support::series::perceived_transgressions;
using test_support::series::real_transgressions;
using test_support::series::referrals;
using test_support::run_world;

namespace {
// A busy scheme with many contacts, so that events happen when allowed.
const std::vector<std::string> kBusy{"horizon=1 year", "population.births=3000 per year", "volunteers.initial=60",
                                     "scheme.referral_policy=opt_out", "professionals.initial.surveillance=0.8",
                                     "professionals.initial.boundary_concern=0.8"};

std::vector<std::string> busy_with(std::vector<std::string> extra) {
  auto all = kBusy;
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}
}  // namespace

TEST_CASE("the busy scheme used below does produce every kind of boundary event") {
  const auto run = run_world(kBusy);
  CHECK(run->total(real_transgressions) > 10);
  CHECK(run->total(false_alarms) > 10);
  CHECK(run->total(perceived_transgressions) > run->total(false_alarms));
}

TEST_CASE("no transgressions: everything perceived is a false alarm from ambiguity") {
  const auto run = run_world(busy_with({"boundary.transgression_probability=0"}));
  CHECK(run->total(real_transgressions) == 0);
  CHECK(run->total(perceived_transgressions) == run->total(false_alarms));
  CHECK(run->total(false_alarms) > 0);
  const auto clear = run_world(busy_with({"boundary.transgression_probability=0", "scheme.boundary_clarity=1"}));
  CHECK(clear->total(perceived_transgressions) == 0);  // clear boundaries leave nothing ambiguous
}

TEST_CASE("no surveillance: nothing is noticed") {
  const auto run = run_world(busy_with({"professionals.initial.surveillance=0", "control.rate=0"}));
  CHECK(run->total(real_transgressions) > 0);
  CHECK(run->total(perceived_transgressions) == 0);
}

TEST_CASE("no professional network and no boundary events: concern stays exactly where it starts") {
  const auto run = run_world(busy_with({"network.team_neighbours=0", "professionals.initial.boundary_concern=0.6",
                                        "boundary.transgression_probability=0", "boundary.ambiguity_probability=0"}));
  CHECK(run->summary(test_support::summary::network_team_mean_degree) == 0.0);
  for (const double concern : run->world().professionals.concern) CHECK(concern == 0.6);
}

TEST_CASE("full gate-keeping: no professional ever refers") {
  const auto run = run_world({"horizon=1 year", "professionals.initial.gatekeeping=1", "control.rate=0",
                              "scheme.ward_access=none"});
  CHECK(run->total(referrals) == 0);
  CHECK(run->summary(test_support::summary::reached_by_volunteer) == 0);
  const auto open = run_world({"horizon=1 year", "professionals.initial.gatekeeping=0", "control.rate=0",
                               "scheme.ward_access=none"});
  CHECK(open->total(referrals) > 100);
}

TEST_CASE("without peer support nothing happens at the interface") {
  const auto run = run_world({"horizon=1 year", "scheme.peer_support=false"});
  CHECK(run->total(perceived_transgressions) == 0);
  CHECK(run->total(test_support::series::joint_supports) == 0);
  CHECK(run->world().volunteers.count() == 0);
}
