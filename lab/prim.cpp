#include "lab/prim.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lab/sensitivity.hpp"
#include "sim/random.hpp"

namespace lab {
namespace {

using Index = Eigen::Index;
constexpr std::uint32_t kPrimBootstrapStream = 0x9713B007;

struct Data {
  const Eigen::MatrixXd& x;
  const Eigen::VectorXd& cases;
  double total_cases;
  double total_points;
  Eigen::VectorXd data_lower, data_upper;
};

bool inside(const Data& d, Index row, const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) {
  for (Index j = 0; j < d.x.cols(); ++j)
    if (d.x(row, j) < lower(j) || d.x(row, j) > upper(j)) return false;
  return true;
}

PrimStep describe(const Data& d, const std::vector<Index>& members, const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) {
  PrimStep step{lower, upper, 0.0, 0.0, 0.0, 0};
  double hits = 0.0;
  for (const Index row : members) hits += d.cases(row);
  step.coverage = d.total_cases > 0 ? hits / d.total_cases : std::nan("");
  step.density = members.empty() ? std::nan("") : hits / static_cast<double>(members.size());
  step.mass = static_cast<double>(members.size()) / d.total_points;
  for (Index j = 0; j < lower.size(); ++j)
    if (lower(j) > d.data_lower(j) || upper(j) < d.data_upper(j)) ++step.restricted;
  return step;
}

std::vector<Index> members_of(const Data& d, const std::vector<Index>& pool, const Eigen::VectorXd& lower,
                              const Eigen::VectorXd& upper) {
  std::vector<Index> members;
  for (const Index row : pool)
    if (inside(d, row, lower, upper)) members.push_back(row);
  return members;
}

// The value below (lower side) or above (upper side) which the alpha share of the members lies.
double quantile_of(const Data& d, const std::vector<Index>& members, Index factor, double share) {
  std::vector<double> values;
  values.reserve(members.size());
  for (const Index row : members) values.push_back(d.x(row, factor));
  std::sort(values.begin(), values.end());
  const auto k = static_cast<std::size_t>(std::floor(share * static_cast<double>(values.size() - 1)));
  return values[std::min(k, values.size() - 1)];
}

struct Candidate {
  Eigen::VectorXd lower, upper;
  std::vector<Index> members;
  double density = -1.0;
};

// One peel: of every factor's two sides, the one whose removal leaves the densest box.
bool peel(const Data& d, Candidate& box, const PrimOptions& options) {
  Candidate best;
  const auto restricted = describe(d, box.members, box.lower, box.upper).restricted;
  for (Index j = 0; j < d.x.cols(); ++j) {
    const bool already = box.lower(j) > d.data_lower(j) || box.upper(j) < d.data_upper(j);
    if (!already && restricted >= options.max_restricted) continue;
    for (const bool low_side : {true, false}) {
      Candidate trial{box.lower, box.upper, {}, -1.0};
      const double cut = quantile_of(d, box.members, j, low_side ? options.peel_alpha : 1.0 - options.peel_alpha);
      std::vector<Index> kept;
      for (const Index row : box.members)
        if (low_side ? d.x(row, j) > cut : d.x(row, j) < cut) kept.push_back(row);
      if (kept.empty() || kept.size() == box.members.size()) continue;
      // the new limit: the nearest kept value, so the box is described by the data's own values
      double limit = low_side ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
      for (const Index row : kept) limit = low_side ? std::min(limit, d.x(row, j)) : std::max(limit, d.x(row, j));
      (low_side ? trial.lower(j) : trial.upper(j)) = limit;
      trial.members = std::move(kept);
      double hits = 0.0;
      for (const Index row : trial.members) hits += d.cases(row);
      trial.density = hits / static_cast<double>(trial.members.size());
      if (trial.density > best.density) best = std::move(trial);
    }
  }
  if (best.density < 0.0 || static_cast<double>(best.members.size()) / d.total_points < options.min_mass) return false;
  box = std::move(best);
  return true;
}

// Pasting: widen one limit at a time, to take in about the alpha share more points, while that raises the density.
void paste(const Data& d, const std::vector<Index>& pool, Candidate& box, const PrimOptions& options) {
  for (;;) {
    Candidate best = box;
    for (Index j = 0; j < d.x.cols(); ++j) {
      for (const bool low_side : {true, false}) {
        // the points outside the box only on this side of this factor, nearest first
        std::vector<double> outside;
        for (const Index row : pool) {
          Eigen::VectorXd lower = box.lower, upper = box.upper;
          (low_side ? lower(j) : upper(j)) = low_side ? d.data_lower(j) : d.data_upper(j);
          if (inside(d, row, lower, upper) && !inside(d, row, box.lower, box.upper)) outside.push_back(d.x(row, j));
        }
        if (outside.empty()) continue;
        std::sort(outside.begin(), outside.end());
        if (low_side) std::reverse(outside.begin(), outside.end());
        const auto take = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(options.paste_alpha * static_cast<double>(box.members.size()))));
        Candidate trial{box.lower, box.upper, {}, -1.0};
        (low_side ? trial.lower(j) : trial.upper(j)) = outside[std::min(take, outside.size()) - 1];
        trial.members = members_of(d, pool, trial.lower, trial.upper);
        double hits = 0.0;
        for (const Index row : trial.members) hits += d.cases(row);
        trial.density = hits / static_cast<double>(trial.members.size());
        if (trial.density > best.density) best = std::move(trial);
      }
    }
    if (!(best.density > box.density)) return;
    box = std::move(best);
  }
}

std::vector<PrimBox> find_boxes(const Data& d, const PrimOptions& options) {
  std::vector<Index> pool(static_cast<std::size_t>(d.x.rows()));
  for (Index row = 0; row < d.x.rows(); ++row) pool[static_cast<std::size_t>(row)] = row;
  const double overall = d.total_cases / d.total_points;
  const double keep_above = options.min_box_density > 0.0 ? options.min_box_density : overall;
  std::vector<PrimBox> boxes;
  while (boxes.size() < options.max_boxes && !pool.empty()) {
    Candidate box{d.data_lower, d.data_upper, pool, 0.0};
    PrimBox found;
    std::vector<Candidate> steps{box};
    found.trajectory.push_back(describe(d, box.members, box.lower, box.upper));
    while (peel(d, box, options)) {
      steps.push_back(box);
      found.trajectory.push_back(describe(d, box.members, box.lower, box.upper));
    }
    // the trade-off: the densest box still covering min_coverage of the cases left in the pool
    double pool_cases = 0.0;
    for (const Index row : pool) pool_cases += d.cases(row);
    if (pool_cases == 0.0) break;
    const auto eligible = [&](std::size_t k) { return found.trajectory[k].coverage * d.total_cases >= options.min_coverage * pool_cases; };
    double densest = found.trajectory[0].density;
    for (std::size_t k = 0; k < found.trajectory.size(); ++k)
      if (eligible(k)) densest = std::max(densest, found.trajectory[k].density);
    std::size_t chosen = 0;
    while (chosen + 1 < found.trajectory.size() &&
           !(eligible(chosen) && found.trajectory[chosen].density >= (1.0 - options.density_tolerance) * densest))
      ++chosen;
    found.chosen = chosen;
    Candidate pasted = steps[chosen];
    paste(d, pool, pasted, options);
    found.box = describe(d, pasted.members, pasted.lower, pasted.upper);
    if (!boxes.empty() && !(found.box.density > keep_above)) break;  // the rest holds no dense box
    boxes.push_back(std::move(found));
    std::vector<Index> rest;
    for (const Index row : pool)
      if (!inside(d, row, pasted.lower, pasted.upper)) rest.push_back(row);
    if (rest.size() == pool.size()) break;
    pool = std::move(rest);
  }
  return boxes;
}

Data data_of(const Eigen::MatrixXd& x, const Eigen::VectorXd& cases) {
  return {x, cases, cases.sum(), static_cast<double>(x.rows()), x.colwise().minCoeff().transpose(),
          x.colwise().maxCoeff().transpose()};
}

}  // namespace

std::vector<PrimBox> prim(const Eigen::MatrixXd& x, const Eigen::VectorXd& cases, const PrimOptions& options) {
  if (x.rows() != cases.size() || x.rows() < 2 || x.cols() < 1)
    throw std::invalid_argument("PRIM needs at least two points, one factor and one case flag per point");
  if (!(options.peel_alpha > 0.0 && options.peel_alpha < 0.5 && options.paste_alpha > 0.0 && options.min_mass > 0.0))
    throw std::invalid_argument("PRIM: peel_alpha in (0, 0.5), paste_alpha and min_mass above 0");
  const Data d = data_of(x, cases);
  if (!(d.total_cases > 0.0)) return {};
  auto boxes = find_boxes(d, options);
  // Bootstrap: resample points, rerun the whole method, and read box k of each resample on its own sample.
  std::vector<std::vector<double>> coverage(boxes.size()), density(boxes.size());
  std::vector<std::vector<std::vector<double>>> lower(boxes.size(), std::vector<std::vector<double>>(static_cast<std::size_t>(x.cols()))),
      upper = lower;
  const sim::RandomStreams streams(options.seed);
  const auto n = static_cast<std::uint32_t>(x.rows());
  Eigen::MatrixXd xb(x.rows(), x.cols());
  Eigen::VectorXd cb(x.rows());
  for (std::size_t b = 0; b < options.bootstrap; ++b) {
    auto picks = streams.draws(kPrimBootstrapStream, static_cast<std::uint32_t>(b), 0);
    for (Index row = 0; row < x.rows(); ++row) {
      const Index pick = picks.below(n);
      xb.row(row) = x.row(pick);
      cb(row) = cases(pick);
    }
    const Data db = data_of(xb, cb);
    if (!(db.total_cases > 0.0)) continue;
    const auto again = find_boxes(db, options);
    for (std::size_t k = 0; k < std::min(again.size(), boxes.size()); ++k) {
      ++boxes[k].bootstrap_found;
      coverage[k].push_back(again[k].box.coverage);
      density[k].push_back(again[k].box.density);
      for (Index j = 0; j < x.cols(); ++j) {
        lower[k][static_cast<std::size_t>(j)].push_back(again[k].box.lower(j));
        upper[k][static_cast<std::size_t>(j)].push_back(again[k].box.upper(j));
      }
    }
  }
  for (std::size_t k = 0; k < boxes.size(); ++k) {
    const auto interval = [](std::vector<double> values) {
      const auto [lo, hi] = percentile_interval(std::move(values));
      return PrimInterval{lo, hi};
    };
    boxes[k].coverage = interval(coverage[k]);
    boxes[k].density = interval(density[k]);
    for (std::size_t j = 0; j < static_cast<std::size_t>(x.cols()); ++j) {
      boxes[k].lower.push_back(interval(lower[k][j]));
      boxes[k].upper.push_back(interval(upper[k][j]));
    }
  }
  return boxes;
}

}  // namespace lab
