// Outcomes: counts mothers of the measured window at the survey's ages,
// records the daily series and computes the per-run summary outcomes.
#include <array>
#include <map>
#include <cmath>

#include "models/modules.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/quantity.hpp"

namespace models {
namespace {

// The ages at which mothers are counted, with the outcomes they give.
struct Checkpoint {
  int age;
  std::size_t any, exclusive;
};
constexpr std::array kCheckpoints{
    Checkpoint{kAge1Week, summary::any_bf_1w, summary::excl_bf_1w},
    Checkpoint{kAge10Days, summary::any_bf_10d, summary::excl_bf_10d},
    Checkpoint{kAge6Weeks, summary::any_bf_6w, summary::excl_bf_6w},
    Checkpoint{kAge12Weeks, summary::any_bf_12w, summary::excl_bf_12w},
    Checkpoint{kAge3Months, summary::any_bf_3m, summary::excl_bf_3m},
    Checkpoint{kAge4Months, summary::any_bf_4m, summary::excl_bf_4m},
    Checkpoint{kAge6Months, summary::any_bf_6m, summary::excl_bf_6m},
};
static_assert(kCheckpoints.size() == Tally::kCheckpoints);

// Summary outcomes that are means (or yearly rates) of a daily series over the measured days.
struct SeriesSummary {
  std::size_t series, summary;
  bool per_year;  // a count per day, reported per year
};
constexpr std::array kSeriesSummaries{
    SeriesSummary{series::volunteer_self_esteem, summary::mean_volunteer_self_esteem, false},
    SeriesSummary{series::prof_trust_in_volunteers, summary::mean_trust_prof_in_vol, false},
    SeriesSummary{series::volunteer_trust_in_professionals, summary::mean_trust_vol_in_prof, false},
    SeriesSummary{series::prof_boundary_concern, summary::mean_boundary_concern, false},
    SeriesSummary{series::prof_gatekeeping, summary::mean_gatekeeping, false},
    SeriesSummary{series::prof_surveillance, summary::mean_surveillance, false},
    SeriesSummary{series::perceived_transgressions, summary::perceived_transgressions, true},
    SeriesSummary{series::false_alarms, summary::false_alarms, true},
    SeriesSummary{series::real_transgressions, summary::real_transgressions, true},
    SeriesSummary{series::prof_cultural_knowledge, summary::prof_cultural_knowledge, false},
    SeriesSummary{series::prof_workload, summary::prof_workload, false},
    SeriesSummary{series::tension_index, summary::tension_index, false},
};

// Running mean of values, ignoring days on which the value is undefined.
struct Mean {
  double total = 0.0;
  std::size_t n = 0;
  void add(double value) {
    if (std::isnan(value)) return;
    total += value;
    ++n;
  }
  [[nodiscard]] double value() const { return n ? total / static_cast<double>(n) : std::nan(""); }
};

class Outcomes final : public sim::Module {
 public:
  explicit Outcomes(World& world) : Module({.name = "outcomes",
                .purpose = "tally mothers at 1 and 6 weeks, 3, 4 and 6 months; record the day",
                .reads = {"mothers", "volunteers", "professionals", "trust", "scheme.boundary_clarity", "waiting", "today", "graph"},
                .writes = {"tally", "daily series", "summary outcomes"}}), world_(world) {}

 private:
  struct Band {
    std::size_t mothers = 0, any = 0, exclusive = 0;
  };

  // The mothers of one age are a contiguous range of indices (first_born_from),
  // so the bands are two ranges and the survey's ages a few short ones: no
  // per-mother test of age.
  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const auto& mothers = world_.mothers;
    const std::size_t under_6_weeks = mothers.first_born_from(day - kAge6Weeks + 1);
    bands_[0] = count_band(under_6_weeks, mothers.count());
    bands_[1] = count_band(mothers.departed, under_6_weeks);
    confidence_today_ = 0.0;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) confidence_today_ += mothers.confidence[i];
    if (world_.measured(day)) {
      for (std::size_t i = mothers.first_born_from(day); i < mothers.count(); ++i) {
        ++world_.tally.mothers;
        if (mothers.feeding[i] != Feeding::none) ++world_.tally.initiated;
      }
    }
    for (std::size_t k = 0; k < kCheckpoints.size(); ++k) tally_checkpoint(k, day - kCheckpoints[k].age);
  }

  // Mothers born on `birth_day` reach checkpoint k today.
  void tally_checkpoint(std::size_t k, int birth_day) {
    if (!world_.measured(birth_day)) return;
    const auto& mothers = world_.mothers;
    auto& tally = world_.tally;
    for (std::size_t i = mothers.first_born_from(birth_day); i < mothers.count() && mothers.birth_day[i] == birth_day; ++i) {
      if (mothers.feeding[i] != Feeding::none) ++tally.any_at[k];
      if (mothers.feeding[i] == Feeding::exclusive) ++tally.exclusive_at[k];
    }
  }

  [[nodiscard]] Band count_band(std::size_t from, std::size_t to) const {
    const auto& feeding = world_.mothers.feeding;
    Band band;
    band.mothers = to - from;
    for (std::size_t i = from; i < to; ++i) {
      band.any += feeding[i] != Feeding::none;
      band.exclusive += feeding[i] == Feeding::exclusive;
    }
    return band;
  }

  void on_record(sim::RunContext& context) override {
    record_mothers(context);
    record_interface_events(context);
    const double volunteer_tension = record_volunteers(context);
    const double professional_tension = record_professionals(context);
    double clarity = 0.0;
    for (const auto& scheme : world_.scheme) clarity += scheme.boundary_clarity;
    context.record(series::boundary_clarity, clarity / static_cast<double>(world_.scheme.size()));
    // Six terms when volunteers are active, four when not.
    const double tension = std::isnan(volunteer_tension) ? professional_tension / 4.0
                                                         : (professional_tension + volunteer_tension) / 6.0;
    record(context, series::tension_index, tension);
    if (context.day() >= world_.measure_from)
      for (const auto& [from, to, per_year] : kSeriesSummaries) means_[to].add(last_[from]);
  }

  void record(sim::RunContext& context, std::size_t index, double value) {
    context.record(index, value);
    last_[index] = value;
  }

  void record_mothers(sim::RunContext& context) {
    const auto& mothers = world_.mothers;
    const auto followed = static_cast<double>(mothers.count() - mothers.departed);
    const auto share = [](std::size_t n, std::size_t of) {
      return of > 0 ? static_cast<double>(n) / static_cast<double>(of) : 0.0;
    };
    const auto& [young, older] = bands_;
    context.record(series::mothers_followed, followed);
    context.record(series::births, world_.today.births);
    context.record(series::any_bf_share, share(young.any + older.any, young.mothers + older.mothers));
    context.record(series::exclusive_bf_share, share(young.exclusive + older.exclusive, young.mothers + older.mothers));
    context.record(series::any_bf_share_under_6w, share(young.any, young.mothers));
    context.record(series::exclusive_bf_share_under_6w, share(young.exclusive, young.mothers));
    context.record(series::any_bf_share_6w_to_6m, share(older.any, older.mothers));
    context.record(series::exclusive_bf_share_6w_to_6m, share(older.exclusive, older.mothers));
    context.record(series::mean_confidence, followed > 0 ? confidence_today_ / followed : std::nan(""));
    context.record(series::professional_contacts, static_cast<double>(world_.today.contacts.size()));
    context.record(series::referrals, world_.today.referrals);
    context.record(series::mothers_waiting, static_cast<double>(world_.waiting.size()));
    context.record(series::peer_contacts, world_.today.peer_contacts);
  }

  void record_interface_events(sim::RunContext& context) {
    record(context, series::referrals_withheld, world_.today.referrals_withheld);
    record(context, series::access_granted, world_.today.access_granted);
    record(context, series::access_refused, world_.today.access_refused);
    record(context, series::real_transgressions, world_.today.real_transgressions);
    record(context, series::perceived_transgressions, world_.today.perceived_transgressions);
    record(context, series::false_alarms, world_.today.false_alarms);
    record(context, series::joint_supports, world_.today.joint_supports);
    record(context, series::knowledge_transfers, world_.today.knowledge_transfers);
    record(context, series::recruits, world_.today.recruits);
    record(context, series::dropouts, world_.today.dropouts);
  }

  // Returns the volunteers' terms of the tension index (NaN with no active volunteer).
  double record_volunteers(sim::RunContext& context) {
    const auto& vo = world_.volunteers;
    std::array<Mean, 7> means;
    std::size_t capacity = 0, caseload = 0;
    for (std::size_t v = 0; v < vo.count(); ++v) {
      if (!vo.active[v]) continue;
      capacity += vo.capacity[v];
      caseload += vo.caseload[v];
      const std::array values{vo.self_esteem[v], vo.social_support[v], vo.skill[v], vo.autonomy[v],
                              vo.trust_in_professionals[v], vo.felt_surveillance[v], vo.commitment[v]};
      for (std::size_t k = 0; k < values.size(); ++k) means[k].add(values[k]);
    }
    context.record(series::volunteers_active, static_cast<double>(means[0].n));
    context.record(series::volunteer_utilisation,
                   capacity ? static_cast<double>(caseload) / static_cast<double>(capacity) : 0.0);
    constexpr std::array columns{series::volunteer_self_esteem, series::volunteer_social_support, series::volunteer_skill,
                                 series::volunteer_autonomy,    series::volunteer_trust_in_professionals,
                                 series::volunteer_felt_surveillance, series::volunteer_commitment};
    for (std::size_t k = 0; k < columns.size(); ++k) record(context, columns[k], means[k].value());
    return (1.0 - means[4].value()) + means[5].value();
  }

  // Returns the professionals' terms of the tension index.
  double record_professionals(sim::RunContext& context) {
    const auto& pros = world_.professionals;
    std::array<Mean, 7> means;
    for (std::size_t k = 0; k < pros.count(); ++k) {
      double known = 0.0;
      for (std::size_t g = 0; g < world_.groups; ++g) known += pros.knowledge[k * world_.groups + g];
      const std::array values{world_.trust_of(k), pros.concern[k], pros.gatekeeping[k], pros.surveillance[k],
                              pros.workload[k], known / static_cast<double>(world_.groups), pros.orientation[k]};
      for (std::size_t m = 0; m < values.size(); ++m) means[m].add(values[m]);
    }
    constexpr std::array columns{series::prof_trust_in_volunteers, series::prof_boundary_concern, series::prof_gatekeeping,
                                 series::prof_surveillance,        series::prof_workload,
                                 series::prof_cultural_knowledge,  series::prof_orientation};
    for (std::size_t m = 0; m < columns.size(); ++m) record(context, columns[m], means[m].value());
    return means[1].value() + means[2].value() + means[3].value() + (1.0 - means[0].value());
  }

  void on_finalize(sim::RunContext& context) override {
    const auto& tally = world_.tally;
    const double n = static_cast<double>(tally.mothers);
    const auto per_mother = [&](double count) { return n > 0 ? count / n : std::nan(""); };
    context.set_summary(summary::mothers_measured, n);
    context.set_summary(summary::initiation_rate, per_mother(static_cast<double>(tally.initiated)));
    for (std::size_t k = 0; k < kCheckpoints.size(); ++k) {
      context.set_summary(kCheckpoints[k].any, per_mother(static_cast<double>(tally.any_at[k])));
      context.set_summary(kCheckpoints[k].exclusive, per_mother(static_cast<double>(tally.exclusive_at[k])));
    }
    context.set_summary(summary::reached_by_volunteer, per_mother(static_cast<double>(tally.reached)));
    context.set_summary(summary::peer_contacts_per_mother, per_mother(static_cast<double>(tally.peer_contacts)));
    context.set_summary(summary::referrals_per_mother, per_mother(static_cast<double>(tally.referred)));
    for (const auto& [from, to, per_year] : kSeriesSummaries)
      context.set_summary(to, means_[to].value() * (per_year ? sim::kDaysPerYear : 1.0));
    record_volunteer_outcomes(context);
    record_network(context);
  }

  void on_snapshot(sim::RunContext& context) const override { record_graph_snapshot(context); }

  static std::string node_unit(const std::string& column) {
    if (column == "active") return "1 = active";
    for (const char* label : {"vertex", "kind", "role", "locality", "culture"})
      if (column == label) return "id";
    return "score 0-1";
  }

  // The social graph today, for drawing: professionals and
  // volunteers with their state; team, cohort and working ties (working ties
  // carry the professional's trust in the volunteer).
  void record_graph_snapshot(sim::RunContext& context) const {
    const auto& pros = world_.professionals;
    const auto& vo = world_.volunteers;
    const double nan = std::nan("");
    std::map<std::string, std::vector<double>> nodes;
    const auto node = [&](std::initializer_list<std::pair<const char*, double>> values) {
      for (const auto& [name, value] : values) nodes[name].push_back(value);
    };
    for (std::size_t k = 0; k < pros.count(); ++k)
      node({{"vertex", static_cast<double>(k)}, {"kind", 0}, {"role", static_cast<double>(pros.role[k])},
            {"locality", pros.locality[k]}, {"culture", nan}, {"active", 1}, {"concern", pros.concern[k]},
            {"gatekeeping", pros.gatekeeping[k]}, {"surveillance", pros.surveillance[k]},
            {"orientation", pros.orientation[k]}, {"trust", world_.trust_of(k)}, {"self_esteem", nan},
            {"autonomy", nan}, {"felt_surveillance", nan}, {"commitment", nan}});
    for (std::size_t v = 0; v < vo.count(); ++v)
      node({{"vertex", static_cast<double>(pros.count() + v)}, {"kind", 1}, {"role", nan}, {"locality", vo.locality[v]},
            {"culture", vo.culture[v]}, {"active", vo.active[v]}, {"concern", nan}, {"gatekeeping", nan},
            {"surveillance", nan}, {"orientation", nan}, {"trust", vo.trust_in_professionals[v]},
            {"self_esteem", vo.self_esteem[v]}, {"autonomy", vo.autonomy[v]},
            {"felt_surveillance", vo.felt_surveillance[v]}, {"commitment", vo.commitment[v]}});
    for (auto& [name, values] : nodes)
      context.add_snapshot({"graph_nodes", name, node_unit(name),
                            "Agents on the last day: kind 0 = professional (role 0 midwife, 1 health visitor), 1 = "
                            "volunteer; NaN where the state does not apply",
                            std::move(values)});
    std::vector<double> source, target, layer_of, weight;
    const auto edge = [&](std::size_t a, std::size_t b, std::uint8_t layer, double w) {
      source.push_back(static_cast<double>(a));
      target.push_back(static_cast<double>(b));
      layer_of.push_back(layer);
      weight.push_back(w);
    };
    for (std::size_t a = 0; a < world_.graph.vertex_count(); ++a)
      for (const auto layer : {layer::team, layer::cohort})
        for (const auto b : world_.graph.neighbours(a, layer))
          if (a < b) edge(a, b, layer, 1.0);
    for (std::size_t k = 0; k < world_.trust.size(); ++k)
      for (const auto& [v, trust] : world_.trust[k]) edge(k, pros.count() + static_cast<std::size_t>(v), layer::working, trust);
    const char* const about = "Ties on the last day: layer 0 team, 1 cohort, 2 working (weight = trust)";
    context.add_snapshot({"graph_edges", "source", "vertex", about, std::move(source)});
    context.add_snapshot({"graph_edges", "target", "vertex", about, std::move(target)});
    context.add_snapshot({"graph_edges", "layer", "id", about, std::move(layer_of)});
    context.add_snapshot({"graph_edges", "weight", "score 0-1", about, std::move(weight)});
  }

  void record_volunteer_outcomes(sim::RunContext& context) const {
    const auto& vo = world_.volunteers;
    std::size_t active = 0, eligible = 0, retained = 0;
    const int last_day = context.days() - 1;
    for (std::size_t v = 0; v < vo.count(); ++v) {
      active += vo.active[v];
      if (last_day - vo.joined_day[v] < 365) continue;
      ++eligible;
      retained += vo.active[v] || vo.left_day[v] - vo.joined_day[v] >= 365;
    }
    context.set_summary(summary::volunteers_active_end, static_cast<double>(active));
    context.set_summary(summary::volunteer_retention_1y,
                        eligible ? static_cast<double>(retained) / static_cast<double>(eligible) : std::nan(""));
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
  std::array<Band, 2> bands_{};  // under 6 weeks, 6 weeks to 6 months; counted in on_step's one pass
  double confidence_today_ = 0.0;
  std::array<double, series::count> last_{};       // today's value of the series feeding a summary
  std::array<Mean, summary::count> means_{};
};

}  // namespace

std::unique_ptr<sim::Module> make_outcomes(World& world) { return std::make_unique<Outcomes>(world); }

}  // namespace models
