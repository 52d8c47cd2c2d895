// AgentColumns: columns registered once grow and shrink together.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "sim/agent_columns.hpp"

TEST_CASE("agent columns grow with their initial values and drop departed agents together") {
  std::vector<int> id;
  std::vector<double> score;
  sim::AgentColumns columns;
  columns.attach(id, -1);
  for (int i = 0; i < 5; ++i) {
    columns.append();
    id.back() = i;
  }
  // A column attached later (a module's own) is filled for the agents already there.
  std::vector<std::uint8_t> flag;
  columns.attach<std::uint8_t>(flag, 7);
  columns.attach(score, 0.5);
  CHECK(flag == std::vector<std::uint8_t>(5, 7));
  CHECK(score == std::vector<double>(5, 0.5));
  columns.append();
  CHECK(id.back() == -1);
  columns.erase_front(2);
  CHECK(columns.count() == 4);
  CHECK(id == std::vector<int>{2, 3, 4, -1});
  CHECK(flag.size() == 4);
  CHECK(score.size() == 4);
}
