#include <catch2/catch.hpp>

#include "models/model.hpp"
#include "models/parameters.hpp"

TEST_CASE("the daily plan runs the modules in this order") {
  sim::ParameterSet p(models::parameter_registry());
  p.set("name", std::string("t"), {});
  const auto plan = models::build_plan(p);
  std::vector<std::string> names;
  for (const auto& module : plan.modules) names.push_back(module->name());
  // Volunteers' experience reads professionals' surveillance before professional_attitudes writes day t+1.
  CHECK(names == std::vector<std::string>{"interventions", "demography", "professional_care", "referral",
                                          "peer_support", "mother_network", "boundary", "learning",
                                          "volunteer_experience", "professional_attitudes", "difficulties", "feeding",
                                          "outcomes", "tension"});
}

TEST_CASE("every module of the plan says what it reads and writes, and the printed plan shows it") {
  sim::ParameterSet p(models::parameter_registry());
  p.set("name", std::string("t"), {});
  const auto plan = models::build_plan(p);
  const auto printed = plan.describe();
  for (const auto& module : plan.modules) {
    INFO(module->name());
    CHECK_FALSE(module->spec().reads.empty());
    CHECK_FALSE(module->spec().writes.empty());
    CHECK(printed.find(module->spec().writes.front()) != std::string::npos);
  }
  CHECK(plan.start_day);  // the engine, not a module, starts the day
}
