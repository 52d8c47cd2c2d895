// Outcomes: counts mothers of the measured window at the survey's ages,
// records the daily series and computes the per-run summary outcomes.
#include <array>
#include <cmath>

#include "models/modules.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"

namespace models {
namespace {

constexpr std::array<int, 5> kCheckpointAges{kAge1Week, kAge6Weeks, kAge3Months, kAge4Months, kAge6Months};

class Outcomes final : public sim::Module {
 public:
  explicit Outcomes(World& world) : Module("outcomes", "tally mothers at 1 and 6 weeks, 3, 4 and 6 months"), world_(world) {
    checkpoint_of_age_.fill(-1);
    for (std::size_t k = 0; k < kCheckpointAges.size(); ++k) checkpoint_of_age_[kCheckpointAges[k]] = static_cast<int>(k);
  }

 private:
  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const auto& mothers = world_.mothers;
    auto& tally = world_.tally;
    any_today_ = exclusive_today_ = 0;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      const Feeding state = mothers.feeding[i];
      any_today_ += state != Feeding::none;
      exclusive_today_ += state == Feeding::exclusive;
      if (!world_.measured(mothers.birth_day[i])) continue;
      const int age = day - mothers.birth_day[i];
      if (age == 0) {
        ++tally.mothers;
        if (state != Feeding::none) ++tally.initiated;
      }
      if (const int k = checkpoint_of_age_[static_cast<std::size_t>(age)]; k >= 0) {
        if (state != Feeding::none) ++tally.any_at[k];
        if (state == Feeding::exclusive) ++tally.exclusive_at[k];
      }
    }
  }

  void on_record(sim::RunContext& context) override {
    const auto& mothers = world_.mothers;
    const auto followed = static_cast<double>(mothers.count() - mothers.departed);
    const auto share = [&](std::size_t n) { return followed > 0 ? static_cast<double>(n) / followed : 0.0; };
    std::size_t active = 0, capacity = 0, caseload = 0;
    const auto& volunteers = world_.volunteers;
    for (std::size_t v = 0; v < volunteers.count(); ++v) {
      if (!volunteers.active[v]) continue;
      ++active;
      capacity += volunteers.capacity[v];
      caseload += volunteers.caseload[v];
    }
    context.record(series::mothers_followed, followed);
    context.record(series::births, world_.births_today);
    context.record(series::any_bf_share, share(any_today_));
    context.record(series::exclusive_bf_share, share(exclusive_today_));
    context.record(series::professional_contacts, static_cast<double>(world_.contacts_today.size()));
    context.record(series::referrals, world_.referrals_today);
    context.record(series::mothers_waiting, static_cast<double>(world_.waiting.size()));
    context.record(series::peer_contacts, world_.peer_contacts_today);
    context.record(series::volunteers_active, static_cast<double>(active));
    context.record(series::volunteer_utilisation,
                   capacity ? static_cast<double>(caseload) / static_cast<double>(capacity) : 0.0);
  }

  void on_finalize(sim::RunContext& context) override {
    const auto& tally = world_.tally;
    const double n = static_cast<double>(tally.mothers);
    const auto per_mother = [&](double count) { return n > 0 ? count / n : std::nan(""); };
    context.set_summary(summary::mothers_measured, n);
    context.set_summary(summary::initiation_rate, per_mother(static_cast<double>(tally.initiated)));
    constexpr std::array any{summary::any_bf_1w, summary::any_bf_6w, summary::any_bf_3m, summary::any_bf_4m,
                             summary::any_bf_6m};
    constexpr std::array exclusive{summary::excl_bf_1w, summary::excl_bf_6w, summary::excl_bf_3m,
                                   summary::excl_bf_4m, summary::excl_bf_6m};
    for (std::size_t k = 0; k < kCheckpointAges.size(); ++k) {
      context.set_summary(any[k], per_mother(static_cast<double>(tally.any_at[k])));
      context.set_summary(exclusive[k], per_mother(static_cast<double>(tally.exclusive_at[k])));
    }
    context.set_summary(summary::reached_by_volunteer, per_mother(static_cast<double>(tally.reached)));
    context.set_summary(summary::peer_contacts_per_mother, per_mother(static_cast<double>(tally.peer_contacts)));
    context.set_summary(summary::referrals_per_mother, per_mother(static_cast<double>(tally.referred)));
    record_network(context);
  }

  // Metrics of the static layers, once per run (over everyone who ever joined).
  void record_network(sim::RunContext& context) const {
    const std::size_t professionals = world_.professionals.count();
    std::vector<std::size_t> pros(professionals), volunteers(world_.graph.vertex_count() - professionals);
    for (std::size_t v = 0; v < pros.size(); ++v) pros[v] = v;
    for (std::size_t v = 0; v < volunteers.size(); ++v) volunteers[v] = professionals + v;
    const auto team = world_.graph.metrics(layer::team, pros);
    const auto cohort = world_.graph.metrics(layer::cohort, volunteers);
    const auto working = world_.graph.metrics(layer::working, volunteers);
    const auto defined = [](const sim::LayerMetrics& m, double value) { return m.vertices ? value : std::nan(""); };
    context.set_summary(summary::network_team_mean_degree, defined(team, team.mean_degree));
    context.set_summary(summary::network_team_clustering, defined(team, team.clustering));
    context.set_summary(summary::network_team_components, defined(team, static_cast<double>(team.components)));
    context.set_summary(summary::network_cohort_mean_degree, defined(cohort, cohort.mean_degree));
    context.set_summary(summary::network_cohort_clustering, defined(cohort, cohort.clustering));
    context.set_summary(summary::network_working_ties_per_volunteer, defined(working, working.mean_degree));
  }

  World& world_;
  std::array<int, kAge6Months + 1> checkpoint_of_age_{};
  std::size_t any_today_ = 0, exclusive_today_ = 0;  // counted in on_step, the module's one pass over mothers
};

}  // namespace

std::unique_ptr<sim::Module> make_outcomes(World& world) { return std::make_unique<Outcomes>(world); }

}  // namespace models
