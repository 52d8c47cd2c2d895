// Professional attitudes (F5, F6, F7, F8), read-then-write: every new value
// is computed from day t's values and written at the end.
//  - Concern spreads over the team layer (one sparse matrix-vector product,
//    opinion averaging), decays towards the baseline, and jumps with each
//    perceived transgression, which also costs trust in that volunteer.
//  - Good joint work raises trust and turns orientation towards "with".
//  - Gate-keeping and surveillance follow targets set by concern, trust and
//    orientation, with inertia; surveillance is capped by policy.
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>

#include "models/modules.hpp"

namespace models {
namespace {

class ProfessionalAttitudes final : public sim::Module {
 public:
  explicit ProfessionalAttitudes(World& world)
      : Module({.name = "professional_attitudes",
                .purpose = "concern spreads and decays; trust, gate-keeping, surveillance, orientation (F5-F8)",
                .reads = {"professionals.concern", "professionals.gatekeeping", "professionals.surveillance", "professionals.orientation", "trust", "scheme.surveillance_max", "today.perceived", "today.joint_successes", "graph.team"},
                .writes = {"professionals.concern", "professionals.gatekeeping", "professionals.surveillance", "professionals.orientation", "trust"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    spread_ = 1.0 - std::exp(-p.real("concern.spread"));
    decay_ = 1.0 - std::exp(-p.real("concern.decay"));
    baseline_ = p.real("professionals.concern_baseline");
    jump_ = p.real("concern.jump");
    trust_drop_ = p.real("trust.drop");
    trust_gain_ = p.real("trust.gain");
    control_ = 1.0 - std::exp(-p.real("control.rate"));
    concern_weight_ = p.real("control.concern_weight");
    trust_weight_ = p.real("control.trust_weight");
    orientation_weight_ = p.real("control.orientation_weight");
    joint_gain_ = p.real("orientation.joint_gain");
    concern_pull_ = 1.0 - std::exp(-p.real("orientation.concern_pull"));
    gatekeeping_start_ = p.real("professionals.initial.gatekeeping");
    surveillance_start_ = p.real("professionals.initial.surveillance");
    build_team_averaging();
  }

  // Row-normalised adjacency of the team layer: row k averages k's colleagues.
  void build_team_averaging() {
    const std::size_t n = world_.professionals.count();
    std::vector<Eigen::Triplet<double>> entries;
    has_colleagues_ = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
    for (std::size_t k = 0; k < n; ++k) {
      const auto colleagues = world_.graph.neighbours(k, layer::team);
      for (const auto other : colleagues)
        entries.emplace_back(static_cast<int>(k), static_cast<int>(other), 1.0 / static_cast<double>(colleagues.size()));
      has_colleagues_[static_cast<Eigen::Index>(k)] = colleagues.empty() ? 0.0 : 1.0;
    }
    averaging_.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
    averaging_.setFromTriplets(entries.begin(), entries.end());
  }

  void on_step(sim::RunContext&) override {
    auto& pros = world_.professionals;
    const std::size_t n = pros.count();
    if (n == 0) return;
    const Eigen::Map<const Eigen::VectorXd> concern(pros.concern.data(), static_cast<Eigen::Index>(n));
    // Professionals with no colleagues keep their own concern.
    const Eigen::VectorXd weight = spread_ * has_colleagues_;
    Eigen::VectorXd next = concern - weight.cwiseProduct(concern) + weight.cwiseProduct(averaging_ * concern);
    next = baseline_ + (1.0 - decay_) * (next.array() - baseline_);

    std::vector<double> gatekeeping(n), surveillance(n), orientation(n);
    joint_today_.assign(n, 0);
    for (const auto& [professional, volunteer] : world_.today.joint_successes) ++joint_today_[static_cast<std::size_t>(professional)];
    for (std::size_t k = 0; k < n; ++k) {
      const double excess_concern = pros.concern[k] - baseline_, o = pros.orientation[k];
      const double trust = world_.trust_of(k);
      const double gate_target = gatekeeping_start_ + concern_weight_ * excess_concern -
                                 trust_weight_ * (trust - world_.initial_trust) - orientation_weight_ * (o - 0.5);
      const double cap = world_.scheme[pros.locality[k]].surveillance_max;
      const double watch_target = std::min(cap, surveillance_start_ + concern_weight_ * excess_concern + orientation_weight_ * (0.5 - o));
      gatekeeping[k] = approach(pros.gatekeeping[k], gate_target);
      surveillance[k] = std::min(cap, approach(pros.surveillance[k], watch_target));
      orientation[k] = std::clamp(o + joint_gain_ * joint_today_[k] * (1.0 - o) - concern_pull_ * pros.concern[k] * o, 0.0, 1.0);
    }
    apply_events(next);
    for (std::size_t k = 0; k < n; ++k) pros.concern[k] = std::clamp(next[static_cast<Eigen::Index>(k)], 0.0, 1.0);
    pros.gatekeeping.swap(gatekeeping);
    pros.surveillance.swap(surveillance);
    pros.orientation.swap(orientation);
  }

  // Today's perceived transgressions and joint successes (events of day t).
  void apply_events(Eigen::VectorXd& next_concern) {
    for (const auto& [professional, volunteer] : world_.today.perceived) {
      double& c = next_concern[professional];
      c += jump_ * (1.0 - c);
      double& trust = world_.trust_edge(professional, volunteer);
      trust -= trust_drop_ * trust;
    }
    for (const auto& [professional, volunteer] : world_.today.joint_successes) {
      double& trust = world_.trust_edge(professional, volunteer);
      trust += trust_gain_ * (1.0 - trust);
    }
  }

  double approach(double value, double target) const {
    return std::clamp(value + control_ * (std::clamp(target, 0.0, 1.0) - value), 0.0, 1.0);
  }

  World& world_;
  Eigen::SparseMatrix<double, Eigen::RowMajor> averaging_;
  Eigen::VectorXd has_colleagues_;
  std::vector<std::uint16_t> joint_today_;
  double spread_ = 0.0, decay_ = 0.0, baseline_ = 0.0, jump_ = 0.0, trust_drop_ = 0.0, trust_gain_ = 0.0;
  double control_ = 0.0, concern_weight_ = 0.0, trust_weight_ = 0.0, orientation_weight_ = 0.0;
  double joint_gain_ = 0.0, concern_pull_ = 0.0, gatekeeping_start_ = 0.0, surveillance_start_ = 0.0;
};

}  // namespace

std::unique_ptr<sim::Module> make_professional_attitudes(World& world) {
  return std::make_unique<ProfessionalAttitudes>(world);
}

}  // namespace models
