#include <catch2/catch.hpp>

#include <set>
#include <string>

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

// The day's scratch (`today.*`) is cleared when the engine starts a day, so a module that
// reads it must come after one that declares writing it, or it reads nothing.
TEST_CASE("every read of the day's scratch comes after a module that declares writing it") {
  sim::ParameterSet p(models::parameter_registry());
  p.set("name", std::string("t"), {});
  const auto plan = models::build_plan(p);
  std::set<std::string> written;
  for (const auto& module : plan.modules) {
    for (const auto& read : module->spec().reads) {
      if (!read.starts_with("today.")) continue;
      INFO(module->name() << " reads " << read);
      CHECK(written.count(read) == 1);
    }
    written.insert(module->spec().writes.begin(), module->spec().writes.end());
  }
}
