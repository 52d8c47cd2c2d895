// PPISIM_TEST_KNOCKOUT=NAME[,NAME...] runs the suite with those mechanisms
// switched off by default in every run it builds, for the knock-out check
// (tests/models/knockouts_are_seen.sh): for every mechanism, some science
// test must then fail. Called by the suite's entry point (catch_main.cpp).
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "models/parameters.hpp"

// 0, or the exit status for a name that is not a mechanism.
int knock_out_from_environment() {
  const char* names = std::getenv("PPISIM_TEST_KNOCKOUT");
  if (!names || !*names) return 0;
  std::istringstream list(names);
  for (std::string name; std::getline(list, name, ',');) {
    try {
      models::knock_out_by_default_for_testing(name);
    } catch (const std::invalid_argument& error) {
      std::cerr << "PPISIM_TEST_KNOCKOUT: " << error.what() << "\n";
      return 2;
    }
    std::cerr << "knocked out for this run of the suite: " << name << "\n";
  }
  return 0;
}
