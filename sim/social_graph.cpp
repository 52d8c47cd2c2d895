#include "sim/social_graph.hpp"

#include <algorithm>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/connected_components.hpp>
#include <set>
#include <stdexcept>

namespace sim {
namespace {

struct InLayer {
  const SocialGraphBase* graph = nullptr;
  std::uint8_t layer = 0;
  bool operator()(const SocialGraphBase::edge_descriptor& edge) const { return (*graph)[edge].layer == layer; }
};

// Draws for the pair (a, b) in a stream: keyed by the pair, not by visiting order.
double pair_uniform(const RandomStreams& random, std::uint32_t stream, std::size_t a, std::size_t b) {
  return random.uniform(stream, static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b));
}

}  // namespace

void SocialGraph::add_edge(std::size_t a, std::size_t b, std::uint8_t layer, double weight) {
  if (a == b || a >= vertex_count() || b >= vertex_count()) throw std::out_of_range("edge outside the graph");
  boost::add_edge(a, b, SocialEdge{layer, weight}, graph_);
}

std::vector<std::size_t> SocialGraph::neighbours(std::size_t vertex, std::uint8_t layer) const {
  std::vector<std::size_t> result;
  for (auto [edge, end] = boost::out_edges(vertex, graph_); edge != end; ++edge)
    if (graph_[*edge].layer == layer) result.push_back(boost::target(*edge, graph_));
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

LayerMetrics SocialGraph::metrics(std::uint8_t layer, const std::vector<std::size_t>& members) const {
  const boost::filtered_graph<SocialGraphBase, InLayer> view(graph_, InLayer{&graph_, layer});
  LayerMetrics m;
  m.vertices = members.size();
  if (members.empty()) return m;
  std::set<std::size_t> member_set(members.begin(), members.end());
  double degree_sum = 0.0, clustering_sum = 0.0;
  for (const auto v : members) {
    const auto adjacent = neighbours(v, layer);
    degree_sum += static_cast<double>(adjacent.size());
    if (adjacent.size() < 2) continue;
    std::size_t links = 0;
    for (std::size_t i = 0; i < adjacent.size(); ++i)
      for (std::size_t j = i + 1; j < adjacent.size(); ++j) links += boost::edge(adjacent[i], adjacent[j], view).second;
    clustering_sum += 2.0 * static_cast<double>(links) /
                      (static_cast<double>(adjacent.size()) * static_cast<double>(adjacent.size() - 1));
  }
  for (auto [edge, end] = boost::edges(view); edge != end; ++edge)
    m.edges += member_set.contains(boost::source(*edge, view)) && member_set.contains(boost::target(*edge, view));
  std::vector<int> component(boost::num_vertices(graph_));
  boost::connected_components(view, component.data());
  std::set<int> seen;
  for (const auto v : members) seen.insert(component[v]);
  m.components = seen.size();
  m.mean_degree = degree_sum / static_cast<double>(members.size());
  m.clustering = clustering_sum / static_cast<double>(members.size());
  return m;
}

void add_small_world(SocialGraph& graph, const std::vector<std::size_t>& members, int k, double rewire,
                     std::uint8_t layer, const RandomStreams& random, std::uint32_t stream) {
  const std::size_t n = members.size();
  if (n < 2 || k < 2) return;  // no neighbours asked for: no ring
  const std::size_t half = std::min<std::size_t>(static_cast<std::size_t>(k / 2), n / 2);
  std::set<std::pair<std::size_t, std::size_t>> present;
  const auto key = [](std::size_t a, std::size_t b) { return std::pair{std::min(a, b), std::max(a, b)}; };
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t step = 1; step <= half; ++step) {
      std::size_t a = members[i], b = members[(i + step) % n];
      auto draws = random.draws(stream, static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(step));
      if (draws.uniform() < rewire) {
        // Rewire to a uniformly chosen member that is not a or already linked to it (a few tries).
        for (int attempt = 0; attempt < 8; ++attempt) {
          const std::size_t candidate = members[draws.below(static_cast<std::uint32_t>(n))];
          if (candidate != a && !present.contains(key(a, candidate))) {
            b = candidate;
            break;
          }
        }
      }
      if (a == b || present.contains(key(a, b))) continue;
      present.insert(key(a, b));
      graph.add_edge(a, b, layer);
    }
}

void add_random_ties(SocialGraph& graph, const std::vector<std::size_t>& members, double p, std::uint8_t layer,
                     const RandomStreams& random, std::uint32_t stream, double weight) {
  for (std::size_t i = 0; i < members.size(); ++i)
    for (std::size_t j = i + 1; j < members.size(); ++j)
      if (pair_uniform(random, stream, std::min(members[i], members[j]), std::max(members[i], members[j])) < p)
        graph.add_edge(members[i], members[j], layer, weight);
}

void add_bipartite_ties(SocialGraph& graph, const std::vector<std::size_t>& left, const std::vector<std::size_t>& right,
                        double p, std::uint8_t layer, const RandomStreams& random, std::uint32_t stream,
                        double weight) {
  for (const auto a : left)
    for (const auto b : right)
      if (a != b && pair_uniform(random, stream, a, b) < p) graph.add_edge(a, b, layer, weight);
}

}  // namespace sim
