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

TEST_CASE("reserved room reaches every column, those attached later too, and appending within it moves nothing") {
  std::vector<int> id;
  sim::AgentColumns columns;
  columns.attach(id, -1);
  columns.append();
  columns.reserve(1000);
  std::vector<double> score;
  columns.attach(score, 0.5);  // a module's own column, attached after the reserve
  CHECK(id.capacity() >= 1000);
  CHECK(score.capacity() >= 1000);
  const int* ids = id.data();
  const double* scores = score.data();
  for (int i = 1; i < 1000; ++i) columns.append();
  columns.erase_front(100);  // dropping the front keeps the buffer too
  for (int i = 0; i < 100; ++i) columns.append();
  CHECK(id.data() == ids);
  CHECK(score.data() == scores);
  CHECK(columns.count() == 1000);
  columns.reserve(10);  // never shrinks
  CHECK(id.capacity() >= 1000);
}

TEST_CASE("a released store gives every column's memory back and can grow again") {
  std::vector<int> id;
  std::vector<double> score;
  sim::AgentColumns columns;
  columns.attach(id, -1);
  columns.reserve(1000);
  columns.attach(score, 0.5);
  for (int i = 0; i < 10; ++i) columns.append();
  columns.release();
  CHECK(columns.count() == 0);
  CHECK(id.empty());
  CHECK(id.capacity() == 0);  // clear() would have kept it
  CHECK(score.capacity() == 0);
  std::vector<std::uint8_t> flag;
  columns.attach<std::uint8_t>(flag, 7);  // the release dropped the reserve too
  CHECK(flag.capacity() == 0);
  columns.append();
  CHECK(id == std::vector<int>{-1});
  CHECK(score == std::vector<double>{0.5});
  CHECK(flag == std::vector<std::uint8_t>{7});
}
