#pragma once
// A multi-layer social graph on Boost.Graph: one undirected graph whose
// edges carry a layer and a weight. Static layers are generated from keyed
// random streams, so the graph of a run depends only on its seed.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <vector>

#include "sim/random.hpp"

namespace sim {

struct SocialEdge {
  std::uint8_t layer = 0;
  double weight = 1.0;  // e.g. trust on a professional-volunteer tie
};

using SocialGraphBase =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, SocialEdge>;

struct LayerMetrics {
  std::size_t vertices = 0;   // members of the layer
  std::size_t edges = 0;
  double mean_degree = 0.0;
  double clustering = 0.0;    // mean local clustering coefficient (0 for degree < 2)
  std::size_t components = 0; // connected components among the members
};

class SocialGraph {
 public:
  explicit SocialGraph(std::size_t vertices = 0) : graph_(vertices) {}

  std::size_t add_vertex() { return boost::add_vertex(graph_); }
  void add_edge(std::size_t a, std::size_t b, std::uint8_t layer, double weight = 1.0);
  [[nodiscard]] std::size_t vertex_count() const { return boost::num_vertices(graph_); }
  [[nodiscard]] const SocialGraphBase& graph() const { return graph_; }

  // Distinct neighbours of `vertex` in one layer.
  [[nodiscard]] std::vector<std::size_t> neighbours(std::size_t vertex, std::uint8_t layer) const;

  // Metrics of one layer over the given member vertices.
  [[nodiscard]] LayerMetrics metrics(std::uint8_t layer, const std::vector<std::size_t>& members) const;

 private:
  SocialGraphBase graph_;
};

// Watts–Strogatz small world among `members`: a ring where each links to its
// k nearest neighbours (k even), each edge rewired with probability `rewire`.
void add_small_world(SocialGraph& graph, const std::vector<std::size_t>& members, int k, double rewire,
                     std::uint8_t layer, const RandomStreams& random, std::uint32_t stream);

// Erdős–Rényi: each pair of `members` linked with probability p.
void add_random_ties(SocialGraph& graph, const std::vector<std::size_t>& members, double p, std::uint8_t layer,
                     const RandomStreams& random, std::uint32_t stream, double weight = 1.0);

// Each (left, right) pair linked with probability p.
void add_bipartite_ties(SocialGraph& graph, const std::vector<std::size_t>& left, const std::vector<std::size_t>& right,
                        double p, std::uint8_t layer, const RandomStreams& random, std::uint32_t stream,
                        double weight = 1.0);

}  // namespace sim
