// Volunteer experience (F1, F2, F7, F8): felt surveillance is the mean
// surveillance of the professionals a volunteer works with. Helping mothers
// raises self-esteem and skill; cohort ties give social support; self-esteem
// grows autonomy (semi-autonomous development); surveillance wears down
// self-esteem, autonomy and trust in professionals. Commitment follows
// self-esteem, support, being used and trust; dropout falls with it.
// Reads the professionals' state of day t; each volunteer's update reads
// only her own values, so updating in place is read-then-write.
#include <array>
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "sim/quantity.hpp"
#include "sim/statistics.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct ExperienceParameters {
  double esteem_gain;  // volunteers.esteem_gain
  double skill_gain;  // volunteers.skill_gain
  double autonomy_growth;  // volunteers.autonomy_growth
  double surveillance_cost;  // volunteers.surveillance_cost
  double support_rate;  // volunteers.support_rate
  double support_half;  // volunteers.support_half
  double trust_gain;  // volunteers.trust_gain
  double commitment_rate;  // volunteers.commitment_rate
  double dropout_rate;  // volunteers.dropout_rate
};

sim::ParameterBlock<ExperienceParameters> declare_experience_parameters() {
  using namespace declare;
  const sim::Source none = assumption("no data; a candidate for sensitivity analysis");
  sim::ParameterBlock<ExperienceParameters> block;
  block.bind(&ExperienceParameters::esteem_gain, share("volunteers.esteem_gain", 0.02, "Share of the gap to full self-esteem gained per mother helped", none, "F2"));
  block.bind(&ExperienceParameters::skill_gain, share("volunteers.skill_gain", 0.01, "Share of the gap to full skill gained per contact", none, "F2"));
  block.bind(&ExperienceParameters::autonomy_growth, daily_rate("volunteers.autonomy_growth", 0.003,
                   "Daily growth of autonomy, scaled by self-esteem (semi-autonomous development)", none, "F8"));
  block.bind(&ExperienceParameters::surveillance_cost, daily_rate("volunteers.surveillance_cost", 0.01,
                   "Daily loss of self-esteem, autonomy and trust in professionals per unit of felt surveillance",
                   none, "F7"));
  block.bind(&ExperienceParameters::support_rate, daily_rate("volunteers.support_rate", 0.02, "Daily speed at which social support follows cohort ties", none, "F1"));
  block.bind(&ExperienceParameters::support_half, number("volunteers.support_half", 2.0, "ties", 0.1, 100.0,
               "Active cohort ties that give half of full social support", none, "F1"));
  block.bind(&ExperienceParameters::trust_gain, share("volunteers.trust_gain", 0.02, "Share of the gap to full trust in professionals gained per referral received",
              none, "F6"));
  block.bind(&ExperienceParameters::commitment_rate, daily_rate("volunteers.commitment_rate", 0.02,
                   "Daily speed at which commitment follows the mean of self-esteem, support, use and trust", none));
  block.bind(&ExperienceParameters::dropout_rate, {.path = "volunteers.dropout_rate", .kind = ParameterKind::rate, .default_value = 1.0 / sim::kDaysPerYear,
         .unit = "per day", .min = 0.0, .max = 1.0,
         .description = "Dropout hazard of a volunteer with no commitment; it falls as (1 - commitment)^2",
         .source = assumption("peer-support schemes report losing many volunteers within a year"), .finding = "F8"});
  return block;
}

const sim::ParameterBlock<ExperienceParameters>& experience_parameters() {
  static const sim::ParameterBlock<ExperienceParameters> block = declare_experience_parameters();
  return block;
}


struct ExperienceRates {
  double esteem_gain, skill_gain, autonomy_growth, surveillance_cost, support_rate, support_half, trust_gain,
      commitment_rate, dropout_rate;
};

class VolunteerExperience final : public sim::Module {
 public:
  explicit VolunteerExperience(World& world)
      : Module({.name = "volunteer_experience",
                .purpose = "self-esteem, support, skill, autonomy, trust, commitment, dropout (F1, F2, F7, F8)",
                .reads = {"professionals.surveillance", "trust", "graph.cohort", "volunteers.contacts_today", "volunteers.referrals_today", "volunteers.caseload", "volunteers (experience)"},
                .writes = {"volunteers.felt_surveillance", "volunteers (experience)", "volunteers.active", "volunteers.caseload", "mothers.volunteer", "mothers.next_peer_contact", "waiting", "today.dropouts"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("volunteers_active"), c.series_index("volunteer_utilisation"), c.series_index("dropouts"), {c.series_index("volunteer_self_esteem"), c.series_index("volunteer_social_support"), c.series_index("volunteer_skill"), c.series_index("volunteer_autonomy"), c.series_index("volunteer_trust_in_professionals"), c.series_index("volunteer_felt_surveillance"), c.series_index("volunteer_commitment")}};
    const auto values = experience_parameters().read(context.parameters());
    rates_ = {values.esteem_gain,      values.skill_gain,
              values.autonomy_growth,  values.surveillance_cost,
              values.support_rate,     values.support_half,
              values.trust_gain,       values.commitment_rate,
              values.dropout_rate};
  }

  // Means over active volunteers, their number and how full they are.
  void on_record(sim::RunContext& context) override {
    const auto& vo = world_.volunteers;
    std::array<sim::RunningMean, 7> means;
    std::size_t capacity = 0, caseload = 0;
    for (std::size_t v = 0; v < vo.count(); ++v) {
      if (!vo.active[v]) continue;
      capacity += vo.capacity[v];
      caseload += vo.caseload[v];
      const std::array values{vo.self_esteem[v], vo.social_support[v], vo.skill[v], vo.autonomy[v],
                              vo.trust_in_professionals[v], vo.felt_surveillance[v], vo.commitment[v]};
      for (std::size_t k = 0; k < values.size(); ++k) means[k].add(values[k]);
    }
    context.record(series_.active, static_cast<double>(means[0].n));
    context.record(series_.utilisation, capacity ? static_cast<double>(caseload) / static_cast<double>(capacity) : 0.0);
    context.record(series_.dropouts, world_.today.dropouts);
    for (std::size_t k = 0; k < means.size(); ++k) context.record(series_.means[k], means[k].value());
  }

  void on_step(sim::RunContext& context) override {
    auto& volunteers = world_.volunteers;
    update_felt_surveillance();
    const std::size_t professionals = world_.professionals.count();
    for (std::size_t v = 0; v < volunteers.count(); ++v) {
      if (!volunteers.active[v]) continue;
      const double ties = static_cast<double>(active_cohort_ties(professionals + v, professionals));
      develop(v, ties);
      if (leaves(context, v)) drop_out(v, context.day());
    }
  }

  void develop(std::size_t v, double ties) {
    auto& vo = world_.volunteers;
    const double helped = vo.contacts_today[v], referred = vo.referrals_today[v];  // counts today
    const double felt = vo.felt_surveillance[v] * rates_.surveillance_cost;
    const double esteem = vo.self_esteem[v], autonomy = vo.autonomy[v], trust = vo.trust_in_professionals[v];
    vo.self_esteem[v] = clamp01(esteem + rates_.esteem_gain * helped * (1.0 - esteem) - felt * esteem);
    vo.skill[v] = clamp01(vo.skill[v] + rates_.skill_gain * helped * (1.0 - vo.skill[v]));
    vo.autonomy[v] = clamp01(autonomy + rates_.autonomy_growth * esteem * (1.0 - autonomy) - felt * autonomy);
    vo.trust_in_professionals[v] = clamp01(trust + rates_.trust_gain * referred * (1.0 - trust) - felt * trust);
    vo.social_support[v] += rates_.support_rate * (ties / (ties + rates_.support_half) - vo.social_support[v]);
    const double used = static_cast<double>(vo.caseload[v]) / static_cast<double>(vo.capacity[v]);
    const double target = (esteem + vo.social_support[v] + used + trust) / 4.0;
    vo.commitment[v] += rates_.commitment_rate * (target - vo.commitment[v]);
  }

  bool leaves(sim::RunContext& context, std::size_t v) const {
    const double uncommitted = 1.0 - world_.volunteers.commitment[v];
    const double hazard = rates_.dropout_rate * uncommitted * uncommitted;
    return context.random().uniform(stream::dropout, static_cast<std::uint32_t>(v),
                                    static_cast<std::uint32_t>(context.day())) < 1.0 - std::exp(-hazard);
  }

  // Her mothers go back to the waiting list (if still breastfeeding).
  void drop_out(std::size_t v, int day) {
    auto& volunteers = world_.volunteers;
    volunteers.active[v] = 0;
    volunteers.left_day[v] = day;
    ++world_.today.dropouts;
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count() && volunteers.caseload[v] > 0; ++i) {
      if (mothers.volunteer[i] != static_cast<std::int32_t>(v)) continue;
      mothers.volunteer[i] = kNobody;
      mothers.next_peer_contact[i] = kNever;
      --volunteers.caseload[v];
      if (mothers.feeding[i] != Feeding::none) world_.waiting.push_back(mothers.first_id + static_cast<std::int64_t>(i));
    }
  }

  std::size_t active_cohort_ties(std::size_t vertex, std::size_t professionals) const {
    std::size_t ties = 0;
    for (const auto other : world_.graph.neighbours(vertex, layer::cohort))
      ties += world_.volunteers.active[other - professionals];
    return ties;
  }

  void update_felt_surveillance() {
    auto& volunteers = world_.volunteers;
    sums_.assign(volunteers.count(), 0.0);
    counts_.assign(volunteers.count(), 0);
    for (std::size_t k = 0; k < world_.trust.size(); ++k)
      for (const auto& [v, trust] : world_.trust[k]) {
        sums_[static_cast<std::size_t>(v)] += world_.professionals.surveillance[k];
        ++counts_[static_cast<std::size_t>(v)];
      }
    for (std::size_t v = 0; v < volunteers.count(); ++v)
      volunteers.felt_surveillance[v] = counts_[v] ? sums_[v] / static_cast<double>(counts_[v]) : 0.0;
  }

  static double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

  World& world_;
  struct SeriesIndices {
    std::size_t active, utilisation, dropouts; std::array<std::size_t, 7> means;
  } series_{};  // where this module records (looked up in the catalog)
  ExperienceRates rates_{};
  std::vector<double> sums_;
  std::vector<std::size_t> counts_;
};

}  // namespace

static std::unique_ptr<sim::Module> make_volunteer_experience(World& world) {
  return std::make_unique<VolunteerExperience>(world);
}

static void declare_volunteer_experience(sim::ParameterRegistry& registry) { experience_parameters().declare(registry); }

static void declare_volunteer_experience_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"volunteers_active", "volunteers", "Volunteers active in the scheme"});
  catalog.add_series({"volunteer_utilisation", "share", "Mothers supported as a share of volunteers' total capacity"});
  catalog.add_series({"dropouts", "volunteers per day", "Volunteers who left the scheme"});
  catalog.add_series({"volunteer_self_esteem", "score 0-1", "Mean self-esteem of active volunteers (F2)"});
  catalog.add_series({"volunteer_social_support", "score 0-1", "Mean social support of active volunteers (F1)"});
  catalog.add_series({"volunteer_skill", "score 0-1", "Mean skill of active volunteers (F2)"});
  catalog.add_series({"volunteer_autonomy", "score 0-1", "Mean autonomy of active volunteers (F8)"});
  catalog.add_series({"volunteer_trust_in_professionals", "score 0-1", "Mean trust of active volunteers in professionals"});
  catalog.add_series({"volunteer_felt_surveillance", "score 0-1", "Mean surveillance felt by active volunteers (F7)"});
  catalog.add_series({"volunteer_commitment", "score 0-1", "Mean commitment of active volunteers"});
  catalog.add_series_mean({"mean_volunteer_self_esteem", "score 0-1", "Mean self-esteem of active volunteers over the measured days (from measurement.from)"}, "volunteer_self_esteem");
  catalog.add_series_mean({"mean_trust_vol_in_prof", "score 0-1", "Mean trust of volunteers in professionals over the measured days (from measurement.from)"}, "volunteer_trust_in_professionals");
}

const ModuleType& volunteer_experience_module() {
  static const ModuleType type{declare_volunteer_experience, declare_volunteer_experience_outputs, make_volunteer_experience};
  return type;
}

}  // namespace models
