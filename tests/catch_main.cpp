// The suite's entry point, and Catch2's implementation: the single header
// compiled once, here. It is the slowest file of the build and is not code
// under test, so tests/CMakeLists.txt builds it lightly optimised and without
// the sanitizers; the knock-outs it applies first are in a file of their own.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int knock_out_from_environment();  // knockouts_from_environment.cpp

int main(int argc, char* argv[]) {
  if (const int status = knock_out_from_environment(); status != 0) return status;
  return Catch::Session().run(argc, argv);
}
