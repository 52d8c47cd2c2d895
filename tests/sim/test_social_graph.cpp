#include <catch2/catch.hpp>
#include <numeric>

#include "sim/social_graph.hpp"

namespace {
std::vector<std::size_t> range(std::size_t from, std::size_t to) {
  std::vector<std::size_t> ids(to - from);
  std::iota(ids.begin(), ids.end(), from);
  return ids;
}
}  // namespace

TEST_CASE("a ring lattice without rewiring has the closed-form degree and clustering") {
  // Watts–Strogatz with p = 0: degree k, clustering 3(k-2) / (4(k-1)) = 0.5 for k = 4.
  sim::SocialGraph graph(20);
  sim::add_small_world(graph, range(0, 20), 4, 0.0, 0, sim::RandomStreams(1), 1);
  const auto m = graph.metrics(0, range(0, 20));
  CHECK(m.edges == 40);
  CHECK(m.mean_degree == Approx(4.0));
  CHECK(m.clustering == Approx(0.5));
  CHECK(m.components == 1);
}

TEST_CASE("Erdős–Rényi ties: p = 0 gives none, p = 1 a complete graph, p between matches in expectation") {
  sim::SocialGraph empty(10), full(10), sampled(400);
  sim::add_random_ties(empty, range(0, 10), 0.0, 1, sim::RandomStreams(1), 2);
  sim::add_random_ties(full, range(0, 10), 1.0, 1, sim::RandomStreams(1), 2);
  CHECK(empty.metrics(1, range(0, 10)).edges == 0);
  CHECK(empty.metrics(1, range(0, 10)).components == 10);
  CHECK(full.metrics(1, range(0, 10)).edges == 45);
  CHECK(full.metrics(1, range(0, 10)).clustering == Approx(1.0));
  sim::add_random_ties(sampled, range(0, 400), 0.05, 1, sim::RandomStreams(3), 2);
  const double pairs = 400.0 * 399 / 2;
  CHECK(std::abs(static_cast<double>(sampled.metrics(1, range(0, 400)).edges) - 0.05 * pairs) <
        4 * std::sqrt(pairs * 0.05 * 0.95));
}

TEST_CASE("layers are measured apart, and the graph depends only on the seed") {
  sim::SocialGraph a(12), b(12);
  for (auto* graph : {&a, &b}) {
    sim::add_small_world(*graph, range(0, 6), 2, 0.3, 0, sim::RandomStreams(9), 1);
    sim::add_bipartite_ties(*graph, range(0, 6), range(6, 12), 0.5, 2, sim::RandomStreams(9), 3);
  }
  CHECK(a.metrics(0, range(0, 6)).edges == b.metrics(0, range(0, 6)).edges);
  CHECK(a.metrics(2, range(6, 12)).mean_degree == b.metrics(2, range(6, 12)).mean_degree);
  CHECK(a.metrics(0, range(6, 12)).edges == 0);  // volunteers have no team ties
}

TEST_CASE("a small world with fewer than two neighbours each has no ties") {
  sim::SocialGraph graph(10);
  sim::add_small_world(graph, range(0, 10), 0, 0.5, 0, sim::RandomStreams(1), 1);
  sim::add_small_world(graph, range(0, 10), 1, 0.5, 0, sim::RandomStreams(1), 1);
  CHECK(graph.metrics(0, range(0, 10)).edges == 0);
}
