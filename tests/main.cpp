// The suite's entry point. PPISIM_TEST_KNOCKOUT=NAME[,NAME...] runs it with
// those mechanisms switched off by default in every run it builds, for the
// knock-out check (tests/models/knockouts_are_seen.sh): for every mechanism,
// some science test must then fail.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "models/parameters.hpp"

int main(int argc, char* argv[]) {
  if (const char* names = std::getenv("PPISIM_TEST_KNOCKOUT"); names && *names) {
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
  }
  return Catch::Session().run(argc, argv);
}
