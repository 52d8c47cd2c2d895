// Outcomes: counts the mothers of the measured window at the survey's ages
// and computes the per-run summary outcomes of mothers, volunteers and the
// graph. Each other module records its own daily series.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "models/modules.hpp"
#include "models/parameters.hpp"
#include "sim/statistics.hpp"

namespace models {
namespace {

// The survey's checkpoint ages, each with its two outcomes (any, exclusive).
struct Checkpoint {
  int age;
  const char* any;
  const char* exclusive;
};
constexpr std::array kCheckpoints{
    Checkpoint{kAge1Week, "any_bf_1w", "excl_bf_1w"},      Checkpoint{kAge10Days, "any_bf_10d", "excl_bf_10d"},
    Checkpoint{kAge6Weeks, "any_bf_6w", "excl_bf_6w"},     Checkpoint{kAge12Weeks, "any_bf_12w", "excl_bf_12w"},
    Checkpoint{kAge3Months, "any_bf_3m", "excl_bf_3m"},    Checkpoint{kAge4Months, "any_bf_4m", "excl_bf_4m"},
    Checkpoint{kAge6Months, "any_bf_6m", "excl_bf_6m"},
};
static_assert(kCheckpoints.size() == Tally::kCheckpoints);

// The trials' risks: among mothers who started breastfeeding, the share no
// longer breastfeeding at all (any), or not exclusively (exclusive), at a
// checkpoint's age. `checkpoint` indexes kCheckpoints.
struct StarterRisk {
  std::size_t checkpoint;
  const char* any;
  const char* exclusive;
  const char* age_words;
};
constexpr std::array kStarterRisks{
    StarterRisk{1, "stopped_any_by_10d_among_starters", "stopped_exclusive_by_10d_among_starters", "10 days"},
    StarterRisk{2, "stopped_any_by_6w_among_starters", "stopped_exclusive_by_6w_among_starters", "6 weeks"},
    StarterRisk{4, "stopped_any_by_3m_among_starters", "stopped_exclusive_by_3m_among_starters", "3 months"},
    StarterRisk{6, "stopped_any_by_6m_among_starters", "stopped_exclusive_by_6m_among_starters", "6 months"},
};
static_assert(kCheckpoints[kStarterRisks[0].checkpoint].age == kAge10Days &&
              kCheckpoints[kStarterRisks[1].checkpoint].age == kAge6Weeks &&
              kCheckpoints[kStarterRisks[2].checkpoint].age == kAge3Months &&
              kCheckpoints[kStarterRisks[3].checkpoint].age == kAge6Months);

class Outcomes final : public sim::Module {
 public:
  explicit Outcomes(World& world)
      : Module({.name = "outcomes",
                .purpose = "tally mothers at 1 and 6 weeks, 3, 4 and 6 months; the per-run summaries",
                .reads = {"mothers.birth_day", "mothers.feeding", "mothers.referred_day", "mothers.first_peer_contact", "volunteers", "graph"},
                .writes = {"tally", "summary outcomes"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    for (std::size_t k = 0; k < kCheckpoints.size(); ++k)
      checkpoint_summaries_[k] = {c.summary_index(kCheckpoints[k].any), c.summary_index(kCheckpoints[k].exclusive)};
    first_contact_summaries_ = {c.summary_index("referral_to_first_contact_median"), c.summary_index("first_contact_within_48h"),
                                c.summary_index("referred_never_contacted"), c.summary_index("age_at_first_contact_median"),
                                c.summary_index("first_contact_after_6w")};
    for (std::size_t r = 0; r < kStarterRisks.size(); ++r)
      starter_risk_summaries_[r] = {c.summary_index(kStarterRisks[r].any), c.summary_index(kStarterRisks[r].exclusive)};
    summary_ = {c.summary_index("mothers_measured"), c.summary_index("initiation_rate"), c.summary_index("reached_by_volunteer"), c.summary_index("peer_contacts_per_mother"), c.summary_index("referrals_per_mother"), c.summary_index("network_team_mean_degree"), c.summary_index("network_team_clustering"), c.summary_index("network_team_components"), c.summary_index("network_cohort_mean_degree"), c.summary_index("network_cohort_clustering"), c.summary_index("network_working_ties_per_volunteer"), c.summary_index("volunteers_active_end"), c.summary_index("volunteer_retention_1y")};
  }

  // The survey's ages are a few short index ranges (first_born_from): no per-mother test of age.
  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const auto& mothers = world_.mothers;
    if (world_.measured(day)) {
      for (std::size_t i = mothers.first_born_from(day); i < mothers.count(); ++i) {
        ++world_.tally.mothers;
        if (mothers.feeding[i] != Feeding::none) ++world_.tally.initiated;
      }
    }
    for (std::size_t k = 0; k < kCheckpoints.size(); ++k) tally_checkpoint(k, day - kCheckpoints[k].age);
    tally_first_contacts(day - kAge6Months);
  }

  // Mothers born on `birth_day` have their last day followed today, after
  // every contact of their 26 weeks: when (if ever) their first peer contact came.
  void tally_first_contacts(int birth_day) {
    if (!world_.measured(birth_day)) return;
    const auto& mothers = world_.mothers;
    for (std::size_t i = mothers.first_born_from(birth_day); i < mothers.count() && mothers.birth_day[i] == birth_day; ++i) {
      const bool referred = mothers.referred_day[i] != kNever;  // by a professional, or met directly by a volunteer
      const auto first = mothers.first_peer_contact[i];
      referred_ += referred;
      if (first == kNever) {
        never_contacted_ += referred;
        continue;
      }
      first_contact_ages_.add(first - birth_day);
      if (referred) referral_to_first_contact_.add(first - mothers.referred_day[i]);
    }
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

  void on_finalize(sim::RunContext& context) override {
    const auto& tally = world_.tally;
    const double n = static_cast<double>(tally.mothers);
    const auto per_mother = [&](double count) { return n > 0 ? count / n : std::nan(""); };
    context.set_summary(summary_.mothers_measured, n);
    context.set_summary(summary_.initiation_rate, per_mother(static_cast<double>(tally.initiated)));
    for (std::size_t k = 0; k < kCheckpoints.size(); ++k) {
      context.set_summary(checkpoint_summaries_[k].first, per_mother(static_cast<double>(tally.any_at[k])));
      context.set_summary(checkpoint_summaries_[k].second, per_mother(static_cast<double>(tally.exclusive_at[k])));
    }
    record_starter_risks(context);
    context.set_summary(summary_.reached_by_volunteer, per_mother(static_cast<double>(tally.reached)));
    context.set_summary(summary_.peer_contacts_per_mother, per_mother(static_cast<double>(tally.peer_contacts)));
    context.set_summary(summary_.referrals_per_mother, per_mother(static_cast<double>(tally.referred)));
    record_volunteer_outcomes(context);
    record_network(context);
    record_first_contacts(context);
  }

  // Over the measured mothers: days from referral to first peer contact and
  // the baby's age then (median, NaN when no mother was contacted).
  void record_first_contacts(sim::RunContext& context) const {
    const auto share = [](std::size_t part, std::size_t whole) {
      return whole ? static_cast<double>(part) / static_cast<double>(whole) : std::nan("");
    };
    const auto& delays = referral_to_first_contact_;
    const auto& ages = first_contact_ages_;
    const auto within_48h = delays.at_most(2);
    const auto after_6w = ages.count() - ages.at_most(kAge6Weeks);
    context.set_summary(first_contact_summaries_.delay_median, delays.median());
    context.set_summary(first_contact_summaries_.within_48h, share(within_48h, delays.count()));
    context.set_summary(first_contact_summaries_.never_contacted, share(never_contacted_, referred_));
    context.set_summary(first_contact_summaries_.age_median, ages.median());
    context.set_summary(first_contact_summaries_.after_6w, share(after_6w, ages.count()));
  }

  // From the counts, not the rounded shares: 1 - any_at / initiated (NaN when no mother started).
  void record_starter_risks(sim::RunContext& context) const {
    const auto& tally = world_.tally;
    const double starters = static_cast<double>(tally.initiated);
    const auto stopped = [&](std::uint64_t still) { return starters > 0 ? 1.0 - static_cast<double>(still) / starters : std::nan(""); };
    for (std::size_t r = 0; r < kStarterRisks.size(); ++r) {
      const auto k = kStarterRisks[r].checkpoint;
      context.set_summary(starter_risk_summaries_[r].first, stopped(tally.any_at[k]));
      context.set_summary(starter_risk_summaries_[r].second, stopped(tally.exclusive_at[k]));
    }
  }

  void on_snapshot(sim::RunContext& context) const override { record_graph_snapshot(context); }

  // The mothers followed today, for the classroom page's world view (never
  // stored: a results file's snapshot is the graph only). Agents are vertex
  // numbers as in graph_nodes; NaN where there is none.
  void on_view(sim::RunContext& context) const override {
    const auto& m = world_.mothers;
    const double nan = std::nan("");
    const auto vertex = [&](std::int32_t professional) { return professional == kNobody ? nan : double(professional); };
    const auto day_or_nan = [&](std::int32_t day) { return day == kNever ? nan : double(day); };
    const double pros = static_cast<double>(world_.professionals.count());
    std::map<std::string, std::vector<double>> columns;
    for (std::size_t i = m.departed; i < m.count(); ++i) {
      const std::pair<const char*, double> values[] = {
          {"id", static_cast<double>(m.first_id + static_cast<std::int64_t>(i))},
          {"locality", m.locality[i]},
          {"birth_day", m.birth_day[i]},
          {"feeding", static_cast<double>(m.feeding[i])},
          {"waiting_since", day_or_nan(m.waiting_since[i])},
          {"referred_day", day_or_nan(m.referred_day[i])},
          {"volunteer", m.volunteer[i] == kNobody ? nan : pros + m.volunteer[i]},
          {"midwife", vertex(m.midwife[i])},
          {"health_visitor", vertex(m.health_visitor[i])},
          {"referred_by", vertex(m.referred_by[i])},
          {"peer_contacts", m.peer_contacts[i]},
          {"professional_contacts", m.professional_contacts[i]},
          {"confidence", m.confidence[i]},
          {"difficulty", static_cast<double>(m.difficulty[i])}};
      for (const auto& [name, value] : values) columns[name].push_back(value);
    }
    for (auto& [name, values] : columns)
      context.add_snapshot({"mothers", name, "", "Mothers followed now (feeding 0 none, 1 partial, 2 exclusive)",
                            std::move(values)});
  }

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
    context.set_summary(summary_.volunteers_active_end, static_cast<double>(active));
    context.set_summary(summary_.volunteer_retention_1y,
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
    context.set_summary(summary_.network_team_mean_degree, defined(team, team.mean_degree));
    context.set_summary(summary_.network_team_clustering, defined(team, team.clustering));
    context.set_summary(summary_.network_team_components, defined(team, static_cast<double>(team.components)));
    context.set_summary(summary_.network_cohort_mean_degree, defined(cohort, cohort.mean_degree));
    context.set_summary(summary_.network_cohort_clustering, defined(cohort, cohort.clustering));
    context.set_summary(summary_.network_working_ties_per_volunteer, defined(working, working.mean_degree));
  }

  World& world_;
  std::array<std::pair<std::size_t, std::size_t>, kCheckpoints.size()> checkpoint_summaries_{};
  std::array<std::pair<std::size_t, std::size_t>, kStarterRisks.size()> starter_risk_summaries_{};
  struct FirstContactSummaries {
    std::size_t delay_median, within_48h, never_contacted, age_median, after_6w;
  } first_contact_summaries_{};
  // Measured mothers at 26 weeks: referred, referred and never contacted; per contacted mother,
  // days from referral to first contact (if referred) and her baby's age then.
  std::size_t referred_ = 0, never_contacted_ = 0;
  sim::WholeNumberCounts referral_to_first_contact_, first_contact_ages_;  // days, over the measured mothers
  struct SummaryIndices {
    std::size_t mothers_measured, initiation_rate, reached_by_volunteer, peer_contacts_per_mother, referrals_per_mother, network_team_mean_degree, network_team_clustering, network_team_components, network_cohort_mean_degree, network_cohort_clustering, network_working_ties_per_volunteer, volunteers_active_end, volunteer_retention_1y;
  } summary_{};
};

}  // namespace

static std::unique_ptr<sim::Module> make_outcomes(World& world) { return std::make_unique<Outcomes>(world); }

static void declare_outcomes_outputs(sim::OutputCatalog& catalog) {
  catalog.add_summary({"mothers_measured", "mothers", "Mothers born in the measured window, on whom the outcomes are computed"});
  catalog.add_summary({"initiation_rate", "share of mothers", "Share of mothers who started breastfeeding"});
  catalog.add_summary({"any_bf_1w", "share of mothers", "Share of mothers breastfeeding at all at 1 week (day 7)", 7, "1 week"});
  catalog.add_summary({"any_bf_6w", "share of mothers", "Share of mothers breastfeeding at all at 6 weeks (day 42)", 42, "6 weeks"});
  catalog.add_summary({"any_bf_3m", "share of mothers", "Share of mothers breastfeeding at all at 3 months (day 91)", 91, "3 months"});
  catalog.add_summary({"any_bf_4m", "share of mothers", "Share of mothers breastfeeding at all at 4 months (day 122)", 122, "4 months"});
  catalog.add_summary({"any_bf_6m", "share of mothers", "Share of mothers breastfeeding at all at 6 months (day 182)", 182, "6 months"});
  catalog.add_summary({"excl_bf_1w", "share of mothers", "Share of mothers breastfeeding exclusively at 1 week", 7, "1 week"});
  catalog.add_summary({"excl_bf_6w", "share of mothers", "Share of mothers breastfeeding exclusively at 6 weeks", 42, "6 weeks"});
  catalog.add_summary({"excl_bf_3m", "share of mothers", "Share of mothers breastfeeding exclusively at 3 months", 91, "3 months"});
  catalog.add_summary({"excl_bf_4m", "share of mothers", "Share of mothers breastfeeding exclusively at 4 months", 122, "4 months"});
  catalog.add_summary({"excl_bf_6m", "share of mothers", "Share of mothers breastfeeding exclusively at 6 months", 182, "6 months"});
  catalog.add_summary({"reached_by_volunteer", "share of mothers", "Share of mothers with at least one peer-support contact"});
  catalog.add_summary({"peer_contacts_per_mother", "contacts per mother", "Peer-support contacts per mother (all mothers)"});
  catalog.add_summary({"referrals_per_mother", "referrals per mother", "Referrals to a volunteer per mother (all mothers)"});
  catalog.add_summary({"any_bf_10d", "share of mothers", "Share of mothers breastfeeding at all at 10 days", 10, "10 days"});
  catalog.add_summary({"excl_bf_10d", "share of mothers", "Share of mothers breastfeeding exclusively at 10 days", 10, "10 days"});
  catalog.add_summary({"any_bf_12w", "share of mothers", "Share of mothers breastfeeding at all at 12 weeks (day 84)", 84, "12 weeks"});
  catalog.add_summary({"excl_bf_12w", "share of mothers", "Share of mothers breastfeeding exclusively at 12 weeks", 84, "12 weeks"});
  catalog.add_summary({"network_team_mean_degree", "colleagues", "Mean number of team ties per professional (graph layer 'team')"});
  catalog.add_summary({"network_team_clustering", "coefficient", "Mean local clustering of the professionals' team layer"});
  catalog.add_summary({"network_team_components", "components", "Connected components of the team layer (at least one per locality)"});
  catalog.add_summary({"network_cohort_mean_degree", "volunteers", "Mean number of cohort ties per volunteer (layer 'cohort')"});
  catalog.add_summary({"network_cohort_clustering", "coefficient", "Mean local clustering of the volunteers' cohort layer"});
  catalog.add_summary({"network_working_ties_per_volunteer", "professionals", "Mean number of professionals a volunteer works with (layer 'working')"});
  catalog.add_summary({"volunteers_active_end", "volunteers", "Volunteers active on the last day"});
  catalog.add_summary({"volunteer_retention_1y", "share of volunteers", "Share of volunteers who joined at least a year before the end and were still active a year after joining"});
  for (const auto& risk : kStarterRisks) {
    const int age = kCheckpoints[risk.checkpoint].age;
    const std::string at = std::string(risk.age_words) + " (day " + std::to_string(age) + ")";
    catalog.add_summary({risk.any, "share of starters",
                         "Risk of having stopped breastfeeding by " + at +
                             ": among mothers who started breastfeeding, the share not breastfeeding at all "
                             "(1 - any_bf / initiation_rate, from the counts)",
                         age, risk.age_words});
    catalog.add_summary({risk.exclusive, "share of starters",
                         "Risk of having stopped exclusive breastfeeding by " + at +
                             ": among mothers who started breastfeeding (exclusively or not), the share not "
                             "breastfeeding exclusively (1 - excl_bf / initiation_rate, from the counts)",
                         age, risk.age_words});
  }
  catalog.add_summary({"referral_to_first_contact_median", "days",
                       "Median days from referral (or a volunteer's direct meeting) to the first peer contact, among "
                       "measured mothers referred and then contacted within 26 weeks (NaN if none)"});
  catalog.add_summary({"first_contact_within_48h", "share of referred and contacted",
                       "Share of measured mothers referred and then contacted whose first peer contact came within "
                       "48 hours (contact day - referral day <= 2)"});
  catalog.add_summary({"referred_never_contacted", "share of referred",
                       "Share of measured mothers referred (or met directly by a volunteer) who had no peer contact "
                       "by 26 weeks"});
  catalog.add_summary({"age_at_first_contact_median", "days",
                       "Median age of the baby at the first peer contact, among measured mothers contacted within 26 "
                       "weeks (NaN if none)"});
  catalog.add_summary({"first_contact_after_6w", "share of contacted",
                       "Share of first peer contacts that came after 6 weeks (baby older than 42 days), among "
                       "measured mothers contacted within 26 weeks"});
}

const ModuleType& outcomes_module() {
  static const ModuleType type{nullptr, declare_outcomes_outputs, make_outcomes};
  return type;
}

}  // namespace models
