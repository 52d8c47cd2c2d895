// Referral and access (F6, F3): at a contact with a breastfeeding mother not
// yet referred, the professional refers her to a volunteer with a chance that
// falls with gate-keeping and rises with workload; under opt-out every
// breastfeeding mother is referred. Volunteers with room also meet mothers
// directly on the ward and in clinics where the locality's professionals let
// them in. Referred mothers are matched to a volunteer of their locality with
// free capacity, or wait until one is free.
#include <algorithm>
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "sim/statistics.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct ReferralParameters {
  double load_push;  // professionals.load_push
  double direct_access_rate;  // peer_support.direct_access_rate
};

sim::ParameterBlock<ReferralParameters> declare_referral_parameters() {
  using namespace declare;
  sim::ParameterBlock<ReferralParameters> block;
  block.bind(&ReferralParameters::load_push, number("professionals.load_push", 0.5, "per unit of excess workload", 0.0, 10.0,
               "Relative rise of the referral chance per unit of workload above 1",
               assumption("busy professionals refer more (F3)"), "F3"));
  block.bind(&ReferralParameters::direct_access_rate, {.path = "peer_support.direct_access_rate", .kind = ParameterKind::rate, .default_value = 1.0 / 7.0,
         .unit = "per day", .min = 0.0, .max = 10.0,
         .description = "Mothers a volunteer with free capacity meets directly (ward, clinic, group) when access "
                        "is granted, per day at full autonomy",
         .source = assumption("about one a week; volunteers push for access as autonomy grows (F8)"),
         .finding = "F6, F8"});
  return block;
}

const sim::ParameterBlock<ReferralParameters>& referral_parameters() {
  static const sim::ParameterBlock<ReferralParameters> block = declare_referral_parameters();
  return block;
}


class Referral final : public sim::Module {
 public:
  explicit Referral(World& world)
      : Module({.name = "referral",
                .purpose = "professionals refer or withhold (F6, F3); volunteers' direct access is granted or refused",
                .reads = {"today.contacts", "mothers.feeding", "mothers.referred_day", "mothers.volunteer", "mothers.locality", "professionals.workload", "professionals.gatekeeping", "scheme", "volunteers.active", "volunteers.caseload", "volunteers.capacity", "volunteers.autonomy", "waiting"},
                .writes = {"mothers.referred_day", "mothers.referred_by", "mothers.volunteer", "mothers.next_peer_contact", "waiting", "volunteers.caseload", "volunteers.referrals_today", "today.referrals", "today.referrals_withheld", "today.access_granted", "today.access_refused", "tally"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("referrals"), c.series_index("mothers_waiting"), c.series_index("referrals_withheld"), c.series_index("access_granted"), c.series_index("access_refused")};
    const auto values = referral_parameters().read(context.parameters());
    enabled_ = world_.parameters.peer_support;
    load_push_ = values.load_push;
    direct_access_rate_ = values.direct_access_rate;
  }

  void on_record(sim::RunContext& context) override {
    context.record(series_.referrals, world_.today.referrals);
    context.record(series_.waiting, static_cast<double>(world_.waiting.size()));
    context.record(series_.withheld, world_.today.referrals_withheld);
    context.record(series_.granted, world_.today.access_granted);
    context.record(series_.refused, world_.today.access_refused);
  }

  void on_step(sim::RunContext& context) override {
    if (!enabled_) return;
    const int day = context.day();
    refer_at_contacts(context, day);
    match_waiting_mothers(context, day);
    meet_mothers_directly(context, day);
  }

  void refer_at_contacts(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    const auto& pros = world_.professionals;
    for (const auto& contact : world_.today.contacts) {
      const auto i = mothers.index(contact.mother);
      if (mothers.feeding[i] == Feeding::none || mothers.referred_day[i] != kNever) continue;
      const auto& scheme = world_.scheme[mothers.locality[i]];
      const auto k = static_cast<std::size_t>(contact.professional);
      const double push = 1.0 + load_push_ * std::max(0.0, pros.workload[k] - 1.0);
      const double chance =
          scheme.referral_policy == ReferralPolicy::opt_out ? 1.0 : std::min(1.0, scheme.referral_probability * (1.0 - pros.gatekeeping[k]) * push);
      // One slot per role: a midwife and a health visitor seeing her the same day decide apart.
      const auto slot = static_cast<std::uint16_t>(pros.role[k]);
      if (context.random().uniform(stream::referral, static_cast<std::uint32_t>(contact.mother),
                                   static_cast<std::uint32_t>(day), slot) >= chance) {
        ++world_.today.referrals_withheld;
        continue;
      }
      mothers.referred_day[i] = day;
      mothers.referred_by[i] = contact.professional;
      ++world_.today.referrals;
      if (world_.measured(mothers.birth_day[i])) ++world_.tally.referred;
      world_.waiting.push_back(contact.mother);
    }
  }

  // Oldest referral first; a mother who stopped breastfeeding or left no longer waits.
  void match_waiting_mothers(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    std::size_t kept = 0;
    for (const auto id : world_.waiting) {
      if (id < mothers.first_id + static_cast<std::int64_t>(mothers.departed)) continue;
      const auto i = mothers.index(id);
      if (mothers.feeding[i] == Feeding::none || mothers.volunteer[i] != kNobody) continue;
      const auto volunteer = free_volunteer(mothers.locality[i]);
      if (volunteer == kNobody) {
        world_.waiting[kept++] = id;
        continue;
      }
      ++world_.volunteers.referrals_today[static_cast<std::size_t>(volunteer)];
      assign(context, i, volunteer, day);
    }
    world_.waiting.resize(kept);
  }

  void assign(sim::RunContext& context, std::size_t i, std::int32_t volunteer, int day) {
    auto& mothers = world_.mothers;
    mothers.volunteer[i] = volunteer;
    ++world_.volunteers.caseload[static_cast<std::size_t>(volunteer)];
    const auto& scheme = world_.scheme[mothers.locality[i]];
    if (!scheme.proactive()) return;
    const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
    const auto delay = context.random().draws(stream::first_contact, id, static_cast<std::uint32_t>(day))
                           .below(static_cast<std::uint32_t>(scheme.first_within));
    mothers.next_peer_contact[i] = day + 1 + static_cast<std::int32_t>(delay);
  }

  // Volunteers with room push for access to new mothers, more as their
  // autonomy grows (F8); staff grant it with a chance of 1 - their mean
  // gate-keeping, unless access is guaranteed or barred (F6).
  void meet_mothers_directly(sim::RunContext& context, int day) {
    auto& volunteers = world_.volunteers;
    for (std::size_t v = 0; v < volunteers.count(); ++v) {
      if (!volunteers.active[v] || volunteers.caseload[v] >= volunteers.capacity[v]) continue;
      const auto& scheme = world_.scheme[volunteers.locality[v]];
      if (scheme.ward_access == WardAccess::none) continue;
      auto draws = context.random().draws(stream::direct_access, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(day));
      const double attempt = 1.0 - std::exp(-direct_access_rate_ * volunteers.autonomy[v]);
      if (draws.uniform() >= attempt) continue;
      const bool granted = scheme.ward_access == WardAccess::guaranteed ||
                           draws.uniform() < 1.0 - mean_gatekeeping(volunteers.locality[v]);
      if (!granted) {
        ++world_.today.access_refused;
        continue;
      }
      ++world_.today.access_granted;
      if (const auto i = newest_unsupported_mother(volunteers.locality[v], day); i != kNoMother) {
        world_.mothers.referred_day[i] = day;
        assign(context, i, static_cast<std::int32_t>(v), day);
      }
    }
  }

  static constexpr std::size_t kNoMother = static_cast<std::size_t>(-1);

  // A breastfeeding mother still with her midwife, not referred: the newest first.
  std::size_t newest_unsupported_mother(std::uint16_t locality, int day) const {
    const auto& mothers = world_.mothers;
    for (std::size_t i = mothers.count(); i-- > mothers.departed;) {
      if (day - mothers.birth_day[i] >= world_.handover_age) break;
      if (mothers.locality[i] == locality && mothers.feeding[i] != Feeding::none &&
          mothers.referred_day[i] == kNever && mothers.volunteer[i] == kNobody)
        return i;
    }
    return kNoMother;
  }

  double mean_gatekeeping(std::uint16_t locality) const {
    double total = 0.0;
    std::size_t count = 0;
    for (const auto* group : {&world_.midwives_in[locality], &world_.health_visitors_in[locality]})
      for (const auto k : *group) {
        total += world_.professionals.gatekeeping[static_cast<std::size_t>(k)];
        ++count;
      }
    return count ? total / static_cast<double>(count) : 0.0;
  }

  // The least-loaded active volunteer of the locality with room; lowest id on ties.
  std::int32_t free_volunteer(std::uint16_t locality) const {
    const auto& volunteers = world_.volunteers;
    std::int32_t best = kNobody;
    for (const auto v : world_.volunteers_in[locality]) {
      const auto k = static_cast<std::size_t>(v);
      if (!volunteers.active[k] || volunteers.caseload[k] >= volunteers.capacity[k]) continue;
      if (best == kNobody || volunteers.caseload[k] < volunteers.caseload[static_cast<std::size_t>(best)]) best = v;
    }
    return best;
  }

  World& world_;
  struct SeriesIndices {
    std::size_t referrals, waiting, withheld, granted, refused;
  } series_{};  // where this module records (looked up in the catalog)
  bool enabled_ = true;
  double load_push_ = 0.0, direct_access_rate_ = 0.0;
};

}  // namespace

static std::unique_ptr<sim::Module> make_referral(World& world) { return std::make_unique<Referral>(world); }

static void declare_referral(sim::ParameterRegistry& registry) { referral_parameters().declare(registry); }

static void declare_referral_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"referrals", "referrals per day", "Mothers referred to a volunteer today"});
  catalog.add_series({"mothers_waiting", "mothers", "Referred mothers still waiting for a volunteer with free capacity"});
  catalog.add_series_mean({"mean_mothers_waiting", "mothers", "Mean number of referred mothers waiting for a volunteer with free capacity, over the measured days (from measurement.from)"}, "mothers_waiting");
  catalog.add_series({"referrals_withheld", "contacts per day", "Contacts with a breastfeeding, unreferred mother at which the professional did not refer (F6)"});
  catalog.add_series({"access_granted", "requests per day", "Volunteers' requests for direct access granted (F6)"});
  catalog.add_series({"access_refused", "requests per day", "Volunteers' requests for direct access refused (F6)"});
}

const ModuleType& referral_module() {
  static const ModuleType type{declare_referral, declare_referral_outputs, make_referral};
  return type;
}

}  // namespace models
