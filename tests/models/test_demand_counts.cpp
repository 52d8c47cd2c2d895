// The demand counts (models/demand_counts.hpp) against a pass over the
// followed mothers, day by day, through everything that moves them: births,
// the handover to health visitors, departures at 26 weeks and volunteers
// taken on and lost at any time of the day.
#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <vector>

#include "models/demand_counts.hpp"
#include "models/model.hpp"
#include "models/parameters.hpp"
#include "models/world.hpp"
#include "sim/parameters.hpp"
#include "sim/random.hpp"
#include "sim/scenario.hpp"

namespace {

struct Pass {
  std::vector<std::uint32_t> responsible, supported;
};

// What the workload's old daily pass counted: every followed mother, at the professional responsible today.
Pass pass_over_mothers(const models::World& world, int day) {
  Pass pass{std::vector<std::uint32_t>(world.professionals.count(), 0), std::vector<std::uint32_t>(world.professionals.count(), 0)};
  const auto& mothers = world.mothers;
  for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
    const auto professional = world.professional_of(i, day);
    if (professional == models::kNobody) continue;
    ++pass.responsible[static_cast<std::size_t>(professional)];
    pass.supported[static_cast<std::size_t>(professional)] += mothers.volunteer[i] != models::kNobody;
  }
  return pass;
}

// Mothers leave the day their age passes 26 weeks, as demography retires them.
void retire_mothers(models::World& world, int day) {
  auto& mothers = world.mothers;
  std::size_t leaving = 0;
  while (mothers.departed + leaving < mothers.count() && day - mothers.birth_day[mothers.departed + leaving] > models::kAge6Months)
    ++leaving;
  if (leaving) mothers.retire_oldest(leaving);
}

}  // namespace

TEST_CASE("the demand counts equal a pass over the followed mothers every day, through births, handovers, departures and volunteers coming and going") {
  sim::ParameterSet parameters{models::parameter_registry()};
  for (const char* setting : {"name=test", "professionals.midwives=5", "professionals.health_visitors=3", "population.localities=2"})
    sim::apply_override(parameters, setting);
  models::check_parameters(parameters);
  constexpr int kDays = 420;  // past two cohorts' 26 weeks
  const auto world_owner = std::make_unique<models::World>();
  auto& world = *world_owner;
  world.build(parameters, sim::RandomStreams(7), kDays);
  REQUIRE(world.professionals.count() == 8);
  models::DemandCounts counts;
  std::mt19937 rng(11);
  std::size_t checked = 0, with_support = 0;
  for (int day = 0; day < kDays; ++day) {
    retire_mothers(world, day);
    for (auto b = rng() % 5; b > 0; --b) {  // births; now and then one with no midwife or health visitor
      const auto midwife = rng() % 9 == 0 ? models::kNobody : static_cast<std::int32_t>(rng() % 5);
      const auto health_visitor = rng() % 9 == 0 ? models::kNobody : static_cast<std::int32_t>(5 + rng() % 3);
      world.mothers.add(day, 0, 0, models::Feeding::exclusive, midwife, health_visitor);
    }
    counts.follow(world, day);
    const auto pass = pass_over_mothers(world, day);
    for (std::size_t k = 0; k < world.professionals.count(); ++k) {
      CHECK(counts.responsible(k) == pass.responsible[k]);
      CHECK(counts.supported(k) == pass.supported[k]);
      with_support += pass.supported[k] > 0;
      ++checked;
    }
    counts.drop_last_day(world, day);
    // The rest of the day: some mothers, newborns included, take on, change or lose a volunteer.
    const auto& mothers = world.mothers;
    for (int change = 0; change < 3 && mothers.count() > mothers.departed; ++change) {
      const auto i = mothers.departed + rng() % (mothers.count() - mothers.departed);
      world.set_volunteer(i, rng() % 3 == 0 ? models::kNobody : static_cast<std::int32_t>(rng() % 4));
    }
  }
  CHECK(checked == 8 * kDays);
  CHECK(with_support > checked / 2);  // the supported counts were exercised, not all zero
}

TEST_CASE("the demand of a professional weighs her supported mothers by the share they still demand") {
  sim::ParameterSet parameters{models::parameter_registry()};
  for (const char* setting : {"name=test", "professionals.midwives=1", "professionals.health_visitors=1", "population.localities=1"})
    sim::apply_override(parameters, setting);
  models::check_parameters(parameters);
  const auto world_owner = std::make_unique<models::World>();
  auto& world = *world_owner;
  world.build(parameters, sim::RandomStreams(1), 10);
  for (int b = 0; b < 4; ++b) world.mothers.add(0, 0, 0, models::Feeding::exclusive, 0, 1);
  world.set_volunteer(1, 0);
  world.set_volunteer(3, 2);
  models::DemandCounts counts;
  counts.follow(world, 0);
  CHECK(counts.demand(0, 0.7) == 2.0 + 2.0 * 0.7);
  CHECK(counts.demand(1, 0.7) == 0.0);
  world.set_volunteer(3, models::kNobody);
  world.set_volunteer(3, 1);  // lost and another taken on: still supported
  world.set_volunteer(1, models::kNobody);
  counts.follow(world, 1);
  CHECK(counts.supported(0) == 1);
  CHECK(counts.demand(0, 1.0) == 4.0);
}
