// Professional attitudes (F3, F5, F6, F7, F8), read-then-write: every new
// value is computed from day t's values and written at the end.
//
// Rest state: attitudes move only with events and contacts. With none, every
// professional keeps the values she starts with (the scenario's
// professionals.initial.*), which are therefore her rest values:
//  - Concern spreads over the team layer (one sparse matrix-vector product,
//    opinion averaging), returns slowly to the initial concern, and jumps
//    with each perceived transgression, which also costs trust in that
//    volunteer (F5).
//  - Joint successes raise trust and turn orientation towards "with"; so
//    does a volunteer relieving a busy professional's workload (F3); concern
//    above its rest value pulls orientation towards "for" (F8).
//  - Gate-keeping and surveillance follow targets set by how far concern,
//    trust and orientation have moved from where they started, with inertia;
//    surveillance is capped by policy (F6, F7).
#include <Eigen/SparseCore>
#include <array>
#include <algorithm>
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "sim/statistics.hpp"

namespace models {
namespace {

struct AttitudeParameters {
  double concern_jump;  // concern.jump
  double concern_spread;  // concern.spread
  double concern_decay;  // concern.decay
  double trust_drop;  // trust.drop
  double trust_gain;  // trust.gain
  double control_rate;  // control.rate
  double concern_weight;  // control.concern_weight
  double trust_weight;  // control.trust_weight
  double orientation_weight;  // control.orientation_weight
  double joint_gain;  // orientation.joint_gain
  double concern_pull;  // orientation.concern_pull
  double relief_gain;  // trust.relief_gain
  bool spreads, relieves, jumps, drops_trust, gains_trust, reorients, steers_control;  // mechanism switches
};

sim::ParameterBlock<AttitudeParameters> declare_attitudes_parameters() {
  using namespace declare;
  sim::ParameterBlock<AttitudeParameters> block;
  block.bind(&AttitudeParameters::concern_jump, share("concern.jump", 0.2, "Share of the gap to full concern added by one perceived transgression",
              assumption("no data"), "F5"));
  block.bind(&AttitudeParameters::concern_spread, daily_rate("concern.spread", 0.05, "Daily weight of colleagues' mean concern in a professional's own (team layer)",
                   assumption("opinion averaging in small teams"), "F5"));
  block.bind(&AttitudeParameters::concern_decay, daily_rate("concern.decay", 0.003, "Daily return of concern towards its rest value, the professional's initial concern",
                   assumption("concern fades over about a year without new incidents, slowly enough for "
                              "perceived transgressions to build it up (the tension loop, P4)"), "F5"));
  block.bind(&AttitudeParameters::trust_drop, share("trust.drop", 0.2, "Share of a professional's trust in a volunteer lost per perceived transgression",
              assumption("no data"), "F5"));
  block.bind(&AttitudeParameters::trust_gain, share("trust.gain", 0.05,
              "Share of the gap to full trust in a volunteer gained when a mother they both support ends her peer "
              "support still breastfeeding",
              assumption("good outcomes build trust slowly"), "F3, F5"));
  block.bind(&AttitudeParameters::control_rate, daily_rate("control.rate", 0.02, "Daily speed at which gate-keeping and surveillance follow their targets",
                   assumption("practice changes over weeks"), "F6, F7"));
  block.bind(&AttitudeParameters::concern_weight, share("control.concern_weight", 0.6, "Weight of concern (its change since the start) in gate-keeping and surveillance targets",
              assumption("no data"), "F6, F7"));
  block.bind(&AttitudeParameters::trust_weight, share("control.trust_weight", 0.4, "Weight of trust (its change since the start) in the gate-keeping target",
              assumption("no data"), "F6"));
  block.bind(&AttitudeParameters::orientation_weight, share("control.orientation_weight", 0.3, "Weight of orientation (its change since the start) in gate-keeping and surveillance targets",
              assumption("no data"), "F6, F8"));
  block.bind(&AttitudeParameters::joint_gain, share("orientation.joint_gain", 0.05,
              "Share of the gap to 'with' closed per successful joint case (working with volunteers)",
              assumption("no data"), "F8"));
  block.bind(&AttitudeParameters::concern_pull, daily_rate("orientation.concern_pull", 0.005, "Daily pull towards 'for' per unit of concern above its rest value",
                   assumption("no data"), "F8"));
  block.bind(&AttitudeParameters::relief_gain, share("trust.relief_gain", 0.02,
              "Share of the gap to full trust in a volunteer gained at each contact with a mother she supports, "
              "scaled by the professional's workload (capped at 1): relief is worth more to a busier professional",
              assumption("no data; the study's professionals value volunteers who spread the load (F3)"), "F3, F5"));
  const std::string module = "professional_attitudes";
  block.mechanism(&AttitudeParameters::spreads,
                  {.name = "concern_spread", .module = module, .finding = "F5",
                   .what = "boundary concern spreads between colleagues over the team layer (opinion averaging)",
                   .knocked_out = "each professional's concern moves only with her own perceptions and its decay"});
  block.mechanism(&AttitudeParameters::jumps,
                  {.name = "transgressions_raise_concern", .module = module, .finding = "F5",
                   .what = "each perceived transgression raises the perceiving professional's boundary concern",
                   .knocked_out = "perceived transgressions leave concern where it is"});
  block.mechanism(&AttitudeParameters::drops_trust,
                  {.name = "transgressions_cost_trust", .module = module, .finding = "F5",
                   .what = "a perceived transgression costs the professional's trust in that volunteer",
                   .knocked_out = "perceived transgressions leave trust where it is"});
  block.mechanism(&AttitudeParameters::gains_trust,
                  {.name = "joint_work_builds_trust", .module = module, .finding = "F3, F5",
                   .what = "a mother both supported who ends peer support still breastfeeding raises trust in the volunteer",
                   .knocked_out = "joint successes leave trust where it is"});
  block.mechanism(&AttitudeParameters::relieves,
                  {.name = "relieved_workload_builds_trust", .module = module, .finding = "F3",
                   .what = "a professional who sees a mother a volunteer supports gains trust in that volunteer, more "
                           "the busier she is",
                   .knocked_out = "relieved workload leaves trust where it is"});
  block.mechanism(&AttitudeParameters::reorients,
                  {.name = "orientation_dynamics", .module = module, .finding = "F8",
                   .what = "joint successes turn professionals towards working 'with' volunteers; concern pulls "
                           "them towards volunteers working 'for' them",
                   .knocked_out = "every professional keeps her initial orientation"});
  block.mechanism(&AttitudeParameters::steers_control,
                  {.name = "attitudes_steer_control", .module = module, .finding = "F6, F7",
                   .what = "gate-keeping and surveillance follow targets set by concern, trust and orientation",
                   .knocked_out = "gate-keeping and surveillance stay at their initial values (surveillance still capped "
                                  "by policy)"});
  return block;
}

const sim::ParameterBlock<AttitudeParameters>& attitudes_parameters() {
  static const sim::ParameterBlock<AttitudeParameters> block = declare_attitudes_parameters();
  return block;
}


class ProfessionalAttitudes final : public sim::Module {
 public:
  explicit ProfessionalAttitudes(World& world)
      : Module({.name = "professional_attitudes",
                .purpose = "concern spreads and decays; trust, gate-keeping, surveillance, orientation (F5-F8)",
                .reads = {"professionals.concern", "professionals.gatekeeping", "professionals.surveillance", "professionals.orientation", "professionals.workload", "trust", "scheme.surveillance_max", "today.perceived", "today.joint_successes", "today.joint_contacts", "graph.team"},
                .writes = {"professionals.concern", "professionals.gatekeeping", "professionals.surveillance", "professionals.orientation", "trust"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {{c.series_index("prof_trust_in_volunteers"), c.series_index("prof_boundary_concern"), c.series_index("prof_gatekeeping"), c.series_index("prof_surveillance"), c.series_index("prof_orientation")}};
    const auto values = attitudes_parameters().read(context.parameters());
    spread_ = values.spreads ? 1.0 - std::exp(-values.concern_spread) : 0.0;
    decay_ = 1.0 - std::exp(-values.concern_decay);
    concern_start_ = world_.parameters.initial_concern;
    orientation_start_ = world_.parameters.initial_orientation;
    relief_gain_ = values.relieves ? values.relief_gain : 0.0;
    jump_ = values.jumps ? values.concern_jump : 0.0;
    trust_drop_ = values.drops_trust ? values.trust_drop : 0.0;
    trust_gain_ = values.gains_trust ? values.trust_gain : 0.0;
    steers_control_ = values.steers_control;
    reorients_ = values.reorients;
    control_ = 1.0 - std::exp(-values.control_rate);
    concern_weight_ = values.concern_weight;
    trust_weight_ = values.trust_weight;
    orientation_weight_ = values.orientation_weight;
    joint_gain_ = values.joint_gain;
    concern_pull_ = 1.0 - std::exp(-values.concern_pull);
    gatekeeping_start_ = world_.parameters.initial_gatekeeping;
    surveillance_start_ = world_.parameters.initial_surveillance;
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

  void on_record(sim::RunContext& context) override {
    const auto& pros = world_.professionals;
    std::array<sim::RunningMean, 5> means;
    for (std::size_t k = 0; k < pros.count(); ++k) {
      const std::array values{world_.trust_of(k), pros.concern[k], pros.gatekeeping[k], pros.surveillance[k],
                              pros.orientation[k]};
      for (std::size_t m = 0; m < values.size(); ++m) means[m].add(values[m]);
    }
    for (std::size_t m = 0; m < means.size(); ++m) context.record(series_.means[m], means[m].value());
  }

  void on_step(sim::RunContext&) override {
    auto& pros = world_.professionals;
    const std::size_t n = pros.count();
    if (n == 0) return;
    const Eigen::Map<const Eigen::VectorXd> concern(pros.concern.data(), static_cast<Eigen::Index>(n));
    // Professionals with no colleagues keep their own concern.
    // The day's vectors are members, reused: no allocation inside the day.
    auto& weight = weight_;
    auto& next = next_concern_;
    weight = spread_ * has_colleagues_;
    spread_in_team_.noalias() = averaging_ * concern;
    next = concern - weight.cwiseProduct(concern) + weight.cwiseProduct(spread_in_team_);
    next = concern_start_ + (1.0 - decay_) * (next.array() - concern_start_);

    auto &gatekeeping = next_gatekeeping_, &surveillance = next_surveillance_, &orientation = next_orientation_;
    gatekeeping.resize(n);  // every entry is written below
    surveillance.resize(n);
    orientation.resize(n);
    joint_today_.assign(n, 0);
    for (const auto& [professional, volunteer] : world_.today.joint_successes) ++joint_today_[static_cast<std::size_t>(professional)];
    for (std::size_t k = 0; k < n; ++k) {
      // Each target is the starting value moved by how far concern, trust and orientation have moved since.
      const double concern_change = pros.concern[k] - concern_start_, o = pros.orientation[k];
      const double trust_change = world_.trust_of(k) - world_.initial_trust, orientation_change = o - orientation_start_;
      const double gate_target = gatekeeping_start_ + concern_weight_ * concern_change - trust_weight_ * trust_change -
                                 orientation_weight_ * orientation_change;
      const double cap = world_.scheme[pros.locality[k]].surveillance_max;
      const double watch_target =
          std::min(cap, surveillance_start_ + concern_weight_ * concern_change - orientation_weight_ * orientation_change);
      const double concern_above_rest = std::max(0.0, concern_change);
      gatekeeping[k] = steers_control_ ? approach(pros.gatekeeping[k], gate_target) : pros.gatekeeping[k];
      surveillance[k] = std::min(cap, steers_control_ ? approach(pros.surveillance[k], watch_target) : pros.surveillance[k]);
      orientation[k] = reorients_ ? std::clamp(o + joint_gain_ * joint_today_[k] * (1.0 - o) - concern_pull_ * concern_above_rest * o, 0.0, 1.0) : o;
    }
    apply_events(next);
    for (std::size_t k = 0; k < n; ++k) pros.concern[k] = std::clamp(next[static_cast<Eigen::Index>(k)], 0.0, 1.0);
    pros.gatekeeping.swap(gatekeeping);
    pros.surveillance.swap(surveillance);
    pros.orientation.swap(orientation);
  }

  // Today's perceived transgressions, joint successes and contacts (events of day t); the
  // professionals whose trust moved are summarised while their ties are still in the cache.
  void apply_events(Eigen::VectorXd& next_concern) {
    change_by_events(next_concern);
    world_.summarise_changed_trust();
  }

  void change_by_events(Eigen::VectorXd& next_concern) {
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
    if (relief_gain_ == 0.0) return;
    for (const auto& [professional, volunteer] : world_.today.joint_contacts) {
      const double busy = std::min(1.0, world_.professionals.workload[static_cast<std::size_t>(professional)]);
      double& trust = world_.trust_edge(professional, volunteer);
      trust += relief_gain_ * busy * (1.0 - trust);
    }
  }

  double approach(double value, double target) const {
    return std::clamp(value + control_ * (std::clamp(target, 0.0, 1.0) - value), 0.0, 1.0);
  }

  World& world_;
  struct SeriesIndices {
    std::array<std::size_t, 5> means;
  } series_{};  // where this module records (looked up in the catalog)
  Eigen::SparseMatrix<double, Eigen::RowMajor> averaging_;
  Eigen::VectorXd has_colleagues_;
  Eigen::VectorXd weight_, spread_in_team_, next_concern_;  // the day's vectors (on_step), kept between days
  std::vector<double> next_gatekeeping_, next_surveillance_, next_orientation_;
  std::vector<std::uint16_t> joint_today_;
  double spread_ = 0.0, decay_ = 0.0, concern_start_ = 0.0, orientation_start_ = 0.0, jump_ = 0.0, trust_drop_ = 0.0,
         trust_gain_ = 0.0, relief_gain_ = 0.0;
  double control_ = 0.0, concern_weight_ = 0.0, trust_weight_ = 0.0, orientation_weight_ = 0.0;
  double joint_gain_ = 0.0, concern_pull_ = 0.0, gatekeeping_start_ = 0.0, surveillance_start_ = 0.0;
  bool steers_control_ = true, reorients_ = true;
};

}  // namespace

static std::unique_ptr<sim::Module> make_professional_attitudes(World& world) {
  return std::make_unique<ProfessionalAttitudes>(world);
}

static void declare_professional_attitudes(sim::ParameterRegistry& registry) { attitudes_parameters().declare(registry); }

static void declare_professional_attitudes_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"prof_trust_in_volunteers", "score 0-1", "Mean over professionals of their mean trust in the volunteers they work with"});
  catalog.add_series({"prof_boundary_concern", "score 0-1", "Mean boundary concern of professionals (F5)"});
  catalog.add_series({"prof_gatekeeping", "score 0-1", "Mean gate-keeping of professionals (F6)"});
  catalog.add_series({"prof_surveillance", "score 0-1", "Mean surveillance of professionals (F7)"});
  catalog.add_series({"prof_orientation", "score 0-1", "Mean orientation of professionals: 0 = for, 1 = with (F8)"});
  catalog.add_series_mean({"mean_trust_prof_in_vol", "score 0-1", "Mean trust of professionals in volunteers over the measured days (from measurement.from)"}, "prof_trust_in_volunteers");
  catalog.add_series_mean({"mean_boundary_concern", "score 0-1", "Mean boundary concern of professionals over the measured days (from measurement.from)"}, "prof_boundary_concern");
  catalog.add_series_mean({"mean_gatekeeping", "score 0-1", "Mean gate-keeping of professionals over the measured days (from measurement.from)"}, "prof_gatekeeping");
  catalog.add_series_mean({"mean_orientation", "score 0-1", "Mean orientation of professionals (0 = for, 1 = with) over the measured days (from measurement.from)"}, "prof_orientation");
  catalog.add_series_mean({"mean_surveillance", "score 0-1", "Mean surveillance of professionals over the measured days (from measurement.from)"}, "prof_surveillance");
}

const ModuleType& professional_attitudes_module() {
  static const ModuleType type{declare_professional_attitudes, declare_professional_attitudes_outputs, make_professional_attitudes};
  return type;
}

}  // namespace models
