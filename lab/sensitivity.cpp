#include "lab/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/errors.hpp"
#include "sim/random.hpp"

namespace lab {
namespace {

using Index = Eigen::Index;

// Bootstrap resamples are keyed draws: agent = resample, so any subset of
// resamples can be recomputed alone. Far above the model's streams.
constexpr std::uint32_t kSobolBootstrapStream = 0xDE510010;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Index as_index(std::size_t value) { return static_cast<Index>(value); }

void check_outputs(const Design& design, DesignKind kind, const Eigen::VectorXd& outputs) {
  if (design.kind != kind)
    throw sim::InputError(std::string("this analysis needs a ") + design_kind_name(kind) + " design, not a " +
                     design_kind_name(design.kind) + " design");
  if (static_cast<std::size_t>(outputs.size()) != design.rows())
    throw sim::InputError("the design has " + std::to_string(design.rows()) + " rows but " + std::to_string(outputs.size()) +
                     " outputs were given");
}

// Variance at the level of rounding in values of this size is not variation.
bool negligible_variance(double variance, double magnitude) {
  const double rounding = 64.0 * std::numeric_limits<double>::epsilon() * magnitude;
  return !(variance > rounding * rounding);
}

// The outputs of a Saltelli design as one row per base sample and one column
// per block (A, A_B^(1) .. A_B^(k), B), keeping only base samples whose
// outputs are all finite.
Eigen::MatrixXd outputs_by_base_sample(const SaltelliLayout& layout, const Eigen::VectorXd& outputs) {
  const auto blocks = as_index(layout.factors + 2);
  const Eigen::MatrixXd grouped =
      Eigen::Map<const Eigen::MatrixXd>(outputs.data(), blocks, as_index(layout.base_samples)).transpose();
  std::vector<Index> kept;
  for (Index j = 0; j < grouped.rows(); ++j)
    if (grouped.row(j).allFinite()) kept.push_back(j);
  return grouped(kept, Eigen::all);
}

struct IndexEstimates {
  Eigen::VectorXd first_order, total;
  double variance = kNaN;
};

// The Saltelli (2010) S_i and Jansen (1999) S_Ti estimators, each base
// sample weighted by how often it was drawn (all 1 for the point estimate).
IndexEstimates estimate_indices(const Eigen::MatrixXd& y, const Eigen::ArrayXd& weight) {
  const Index k = y.cols() - 2;
  const double n = weight.sum();
  const auto a = y.col(0).array();  // views of y, not copies
  const auto b = y.col(k + 1).array();
  const double mean = ((weight * a).sum() + (weight * b).sum()) / (2.0 * n);
  IndexEstimates result;
  result.variance = ((weight * (a - mean).square()).sum() + (weight * (b - mean).square()).sum()) / (2.0 * n);
  result.first_order.resize(k);
  result.total.resize(k);
  for (Index i = 0; i < k; ++i) {
    const auto a_b = y.col(1 + i).array();
    result.first_order(i) = (weight * (b - mean) * (a_b - a)).sum() / n / result.variance;
    result.total(i) = (weight * (a - a_b).square()).sum() / (2.0 * n) / result.variance;
  }
  return result;
}

// Bootstrap replicates of every index: [factor][resample], first-order then total.
struct BootstrapDraws {
  std::vector<std::vector<double>> first_order, total;
};

BootstrapDraws bootstrap_indices(const Eigen::MatrixXd& y, std::size_t resamples, std::uint64_t seed) {
  const auto k = static_cast<std::size_t>(y.cols() - 2);
  const auto n = static_cast<std::uint32_t>(y.rows());
  const sim::RandomStreams streams(seed);
  BootstrapDraws draws{std::vector<std::vector<double>>(k), std::vector<std::vector<double>>(k)};
  Eigen::ArrayXd weight(y.rows());
  for (std::size_t resample = 0; resample < resamples; ++resample) {
    weight.setZero();
    auto picks = streams.draws(kSobolBootstrapStream, static_cast<std::uint32_t>(resample), 0);
    for (std::uint32_t pick = 0; pick < n; ++pick) weight(picks.below(n)) += 1.0;
    const IndexEstimates estimate = estimate_indices(y, weight);
    if (!(estimate.variance > 0.0)) continue;  // a resample of identical outputs says nothing
    for (std::size_t i = 0; i < k; ++i) {
      draws.first_order[i].push_back(estimate.first_order(as_index(i)));
      draws.total[i].push_back(estimate.total(as_index(i)));
    }
  }
  return draws;
}

Interval interval_of(double estimate, const std::vector<double>& bootstrap) {
  const auto [lo, hi] = percentile_interval(bootstrap);
  return {estimate, lo, hi};
}

SobolResult undefined_sobol(const Design& design, SobolResult result, std::string reason) {
  for (const Factor& factor : design.factors) result.factors.push_back({factor.name, {}, {}});
  result.degenerate = std::move(reason);
  return result;
}

// The factor a Morris step moves and by how much (in the unit cube).
std::pair<std::size_t, double> morris_step(const Design& design, std::size_t row) {
  const Eigen::RowVectorXd change = design.unit.row(as_index(row + 1)) - design.unit.row(as_index(row));
  std::vector<Index> moved;
  for (Index c = 0; c < change.size(); ++c)
    if (std::abs(change(c)) > design.morris.delta() / 2.0) moved.push_back(c);
  if (moved.size() != 1)
    throw sim::InputError("rows " + std::to_string(row) + " and " + std::to_string(row + 1) +
                     " of the design are not a one-factor Morris step");
  return {static_cast<std::size_t>(moved[0]), change(moved[0])};
}

MorrisEffects summarise_effects(const std::string& factor, const std::vector<double>& effects) {
  MorrisEffects result{factor};
  result.effects = effects.size();
  if (effects.empty()) return result;
  const auto n = static_cast<double>(effects.size());
  double sum = 0.0, sum_abs = 0.0;
  for (const double effect : effects) {
    sum += effect;
    sum_abs += std::abs(effect);
  }
  result.mu = sum / n;
  result.mu_star = sum_abs / n;
  if (effects.size() < 2) return result;
  double squares = 0.0;
  for (const double effect : effects) squares += (effect - result.mu) * (effect - result.mu);
  result.sigma = std::sqrt(squares / (n - 1.0));
  return result;
}

// One design point's finite outputs: count, mean and sum of squared deviations.
struct Group {
  double count = 0.0, mean = 0.0, squares = 0.0;
};

// The mean is taken as an offset from the first finite value, so identical
// replicates (a deterministic model) give a mean equal to them and exactly
// zero squares, not rounding residue.
Group group_of(const Eigen::RowVectorXd& row) {
  Group group;
  double first = 0.0, offsets = 0.0;
  for (const double value : row)
    if (std::isfinite(value)) {
      if (group.count == 0.0) first = value;
      group.count += 1.0;
      offsets += value - first;
    }
  if (group.count == 0.0) return group;
  group.mean = first + offsets / group.count;
  for (const double value : row)
    if (std::isfinite(value)) group.squares += (value - group.mean) * (value - group.mean);
  return group;
}

// The sums of squares of a one-way ANOVA with design points as groups,
// over the points that have at least one finite output.
struct OneWayAnova {
  double points = 0.0, runs = 0.0, squared_counts = 0.0;  // squared_counts: Σ n_i^2
  double within_squares = 0.0, between_squares = 0.0;
};

OneWayAnova one_way_anova(const Eigen::MatrixXd& outputs_by_point_and_replicate) {
  OneWayAnova anova;
  std::vector<Group> groups;
  double sum = 0.0;
  for (Index r = 0; r < outputs_by_point_and_replicate.rows(); ++r) {
    const Group group = group_of(outputs_by_point_and_replicate.row(r));
    if (group.count == 0.0) continue;
    groups.push_back(group);
    anova.runs += group.count;
    anova.squared_counts += group.count * group.count;
    anova.within_squares += group.squares;
    sum += group.count * group.mean;
  }
  anova.points = static_cast<double>(groups.size());
  const double grand_mean = sum / anova.runs;
  for (const Group& group : groups)
    anova.between_squares += group.count * (group.mean - grand_mean) * (group.mean - grand_mean);
  return anova;
}

}  // namespace

std::pair<double, double> percentile_interval(std::vector<double> values) {
  if (values.empty()) return {kNaN, kNaN};
  std::sort(values.begin(), values.end());
  const auto at = [&](double p) {
    const double position = p * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
  };
  return {at(0.025), at(0.975)};
}


SobolResult sobol_indices(const Design& design, const Eigen::VectorXd& outputs, std::size_t bootstrap_resamples,
                          std::uint64_t seed) {
  check_outputs(design, DesignKind::saltelli, outputs);
  const Eigen::MatrixXd y = outputs_by_base_sample(design.saltelli, outputs);
  SobolResult result;
  result.base_samples = static_cast<std::size_t>(y.rows());
  result.bootstrap_resamples = bootstrap_resamples;
  if (y.rows() < 2)
    return undefined_sobol(
        design, result, "needs at least 2 base samples whose outputs are all finite, has " + std::to_string(y.rows()));
  const IndexEstimates estimate = estimate_indices(y, Eigen::ArrayXd::Ones(y.rows()));
  result.variance = estimate.variance;
  if (negligible_variance(estimate.variance, y.cwiseAbs().maxCoeff()))
    return undefined_sobol(design, result, "the outcome does not vary over the design (variance 0)");
  const BootstrapDraws bootstrap = bootstrap_indices(y, bootstrap_resamples, seed);
  for (std::size_t i = 0; i < design.factors.size(); ++i)
    result.factors.push_back({design.factors[i].name,
                              interval_of(estimate.first_order(as_index(i)), bootstrap.first_order[i]),
                              interval_of(estimate.total(as_index(i)), bootstrap.total[i])});
  return result;
}

MorrisResult morris_effects(const Design& design, const Eigen::VectorXd& outputs) {
  check_outputs(design, DesignKind::morris, outputs);
  const MorrisLayout& layout = design.morris;
  std::vector<std::vector<double>> effects(layout.factors);
  for (std::size_t t = 0; t < layout.trajectories; ++t)
    for (std::size_t step = 0; step < layout.factors; ++step) {
      const std::size_t row = layout.first_row(t) + step;
      const auto [factor, change] = morris_step(design, row);
      const double effect = (outputs(as_index(row + 1)) - outputs(as_index(row))) / change;
      if (std::isfinite(effect)) effects[factor].push_back(effect);
    }
  MorrisResult result;
  for (std::size_t i = 0; i < layout.factors; ++i) {
    result.factors.push_back(summarise_effects(design.factors[i].name, effects[i]));
    if (effects[i].empty())
      result.degenerate +=
          (result.degenerate.empty() ? "no finite elementary effect for " : ", ") + design.factors[i].name;
  }
  return result;
}

ReplicateNoise replicate_noise_share(const Eigen::MatrixXd& outputs_by_point_and_replicate) {
  const OneWayAnova anova = one_way_anova(outputs_by_point_and_replicate);
  ReplicateNoise result;
  result.points = static_cast<std::size_t>(anova.points);
  result.runs = static_cast<std::size_t>(anova.runs);
  if (anova.points < 2.0) {
    result.degenerate = "needs finite outputs at 2 or more design points";
    return result;
  }
  if (anova.runs == anova.points) {
    result.degenerate = "needs at least 2 replicates at some design point";
    return result;
  }
  const double within_mean_square = anova.within_squares / (anova.runs - anova.points);
  const double between_mean_square = anova.between_squares / (anova.points - 1.0);
  // n0: the effective replicates per point when points have unequal counts.
  const double n0 = (anova.runs - anova.squared_counts / anova.runs) / (anova.points - 1.0);
  result.within_variance = within_mean_square;
  result.between_variance = std::max(0.0, (between_mean_square - within_mean_square) / n0);
  const double total = result.within_variance + result.between_variance;
  if (!(total > 0.0)) {
    result.degenerate = "the outcome does not vary (variance 0)";
    return result;
  }
  result.share = result.within_variance / total;
  return result;
}

}  // namespace lab
