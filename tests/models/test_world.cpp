// The World's cached summaries of professionals' trust ties (models/world.hpp):
// never stale, whenever they are read, and equal to what a fresh pass over
// the ties gives; and the tension component built on them.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "models/world.hpp"
#include "run_world.hpp"

namespace {

// The two numbers a professional's summary holds, computed from her ties afresh.
struct FreshSummary {
  double mean = 0.0, shortfall_total = 0.0;
};

FreshSummary fresh_summary(const models::World& world, std::size_t professional) {
  const auto& ties = world.trust[professional];
  FreshSummary fresh{world.initial_trust, 0.0};
  if (ties.empty()) return fresh;
  double total = 0.0;
  for (const auto& [volunteer, trust] : ties) {
    total += trust;
    fresh.shortfall_total += models::shortfall(trust, world.initial_trust);
  }
  fresh.mean = total / static_cast<double>(ties.size());
  return fresh;
}

// A world of `count` professionals with no ties yet (World is not movable: its columns are registered).
std::unique_ptr<models::World> world_with_professionals(std::size_t count) {
  auto world = std::make_unique<models::World>();
  world->initial_trust = 0.5;
  world->trust.assign(count, {});
  return world;
}

}  // namespace

TEST_CASE("a professional's trust summary follows every change of her ties, read before or after it is summarised") {
  const auto owned = world_with_professionals(3);
  auto& world = *owned;
  CHECK(world.trust_of(0) == 0.5);  // no ties: initial trust
  world.trust_edge(0, 7) = 0.2;
  world.trust_edge(0, 9) = 0.8;
  CHECK(world.trust_of(0) == Approx(0.5));
  CHECK(world.trust_summary(0).shortfall_total == Approx(0.6));  // (0.5 - 0.2) / 0.5
  // Changed after being read and before summarise_changed_trust: the read still sees it.
  world.trust_edge(0, 9) = 0.1;
  CHECK(world.trust_of(0) == Approx(0.15));
  world.trust_edge(2, 7) = 0.25;
  world.summarise_changed_trust();
  CHECK(world.trust_summary(2).shortfall_total == Approx(0.5));
  world.trust_edge(2, 7) = 0.5;
  CHECK(world.trust_summary(2).shortfall_total == 0.0);
  CHECK(world.trust_summary(1).mean == 0.5);
}

TEST_CASE("the list of professionals to summarise holds each of them once, however often her ties change") {
  const auto owned = world_with_professionals(2);
  auto& world = *owned;
  for (int change = 0; change < 100; ++change) {
    world.trust_edge(change % 2, 3) -= 0.001;
    if (change % 7 == 0) (void)world.trust_of(0);  // a read between changes does not queue her again
  }
  CHECK(world.trust_changed.size() == 2);
  world.summarise_changed_trust();
  CHECK(world.trust_changed.empty());
  CHECK(world.trust_of(1) == Approx(0.5 - 0.05));
}

TEST_CASE("after a run every cached trust summary equals a fresh pass over the ties, and the tension component their mean") {
  // Unclear boundaries and heavy surveillance: trust falls on many ties.
  const auto run = test_support::run_world({"horizon=200 days", "scheme.boundary_clarity=0.1",
                                            "professionals.initial.surveillance=0.6"});
  const auto& world = run->world();
  REQUIRE(!world.trust.empty());
  double total = 0.0;
  std::size_t ties = 0, with_loss = 0;
  for (std::size_t k = 0; k < world.trust.size(); ++k) {
    const auto fresh = fresh_summary(world, k);
    CHECK(world.trust_summary(k).mean == fresh.mean);  // the same sum in the same order: the same bits
    CHECK(world.trust_summary(k).shortfall_total == fresh.shortfall_total);
    total += fresh.shortfall_total;
    ties += world.trust[k].size();
    with_loss += fresh.shortfall_total > 0.0;
  }
  REQUIRE(with_loss > 0);  // the check would be empty without lost trust
  const auto series = models::output_catalog().series_index("tension_professional_trust_lost");
  const double recorded = run->result.at(series, run->result.days - 1);
  CHECK(recorded == Approx(total / static_cast<double>(ties)).epsilon(1e-12));
  CHECK(recorded > 0.0);
}
