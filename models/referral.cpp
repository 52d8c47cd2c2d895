// Referral and access (F6, F3): at a contact with a breastfeeding mother not
// yet referred, the professional refers her to a volunteer with a chance that
// falls with gate-keeping and rises with workload; under opt-out every
// breastfeeding mother is offered a volunteer and some decline. Volunteers
// with room also meet mothers directly on the ward and in clinics where the
// locality's professionals let them in. Referred mothers wait on their
// locality's list, taken in its triage order (youngest baby first, or
// earliest referral first) by volunteers with free capacity; a referral that
// waits longer than the expiry window lapses.
#include <algorithm>
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "models/student_choices.hpp"
#include "sim/statistics.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct ReferralParameters {
  double load_push;  // professionals.load_push
  double direct_access_rate;  // peer_support.direct_access_rate
  // Mechanism switches (mechanisms.NAME): true while on.
  bool referral_gatekeeping, workload_referral_push, direct_access, access_gatekeeping;
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
  block.mechanism(&ReferralParameters::referral_gatekeeping,
                  {.name = "referral_gatekeeping", .module = "referral", .finding = "F6",
                   .what = "a professional's gate-keeping lowers her chance of referring a mother (factor 1 - g)",
                   .knocked_out = "professionals refer as if they did not gate-keep (factor 1)"});
  block.mechanism(&ReferralParameters::workload_referral_push, {.name = "workload_referral_push", .module = "referral", .finding = "F3",
                   .what = "workload above capacity raises the chance of referring (spreading the load)",
                   .knocked_out = "the referral chance does not depend on workload"});
  block.mechanism(&ReferralParameters::direct_access, {.name = "direct_access", .module = "referral", .finding = "F6, F8",
                   .what = "volunteers with room ask to meet new mothers on the ward and in clinics, more as their "
                           "autonomy grows, and take one on when access is granted",
                   .knocked_out = "mothers reach volunteers only through referral"});
  block.mechanism(&ReferralParameters::access_gatekeeping, {.name = "access_gatekeeping", .module = "referral", .finding = "F6",
                   .what = "where access is granted by staff, they refuse a request with a chance equal to their "
                           "locality's mean gate-keeping",
                   .knocked_out = "staff grant every request (as if access were guaranteed)"});
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
                .reads = {"today.contacts", "mothers.feeding", "mothers.referred_day", "mothers.declined_day", "mothers.waiting_since", "mothers.birth_day", "mothers.volunteer", "mothers.locality", "professionals.workload", "professionals.gatekeeping", "scheme", "volunteers.active", "volunteers.caseload", "volunteers.capacity", "volunteers.autonomy", "waiting"},
                .writes = {"mothers.referred_day", "mothers.referred_by", "mothers.declined_day", "mothers.waiting_since", "mothers.lapsed_day", "mothers.assigned_day", "mothers.volunteer", "volunteer_changes", "mothers.next_peer_contact", "waiting", "volunteers.caseload", "volunteers.referrals_today", "today.referrals", "today.referrals_withheld", "today.access_granted", "today.access_refused", "tally"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("referrals"), c.series_index("mothers_waiting"), c.series_index("referrals_withheld"), c.series_index("access_granted"), c.series_index("access_refused"), c.series_index("referrals_lapsed"), c.series_index("opt_out_declined")};
    summaries_ = {c.summary_index("referrals_lapsed_share"), c.summary_index("opt_out_declined_share")};
    const auto values = referral_parameters().read(context.parameters());
    enabled_ = world_.parameters.peer_support;
    load_push_ = values.load_push;
    direct_access_rate_ = values.direct_access_rate;
    gatekeeping_refusals_ = values.referral_gatekeeping;
    workload_push_ = values.workload_referral_push;
    direct_access_ = values.direct_access;
    access_gatekeeping_ = values.access_gatekeeping;
  }

  void on_record(sim::RunContext& context) override {
    context.record(series_.referrals, world_.today.referrals);
    context.record(series_.waiting, static_cast<double>(world_.waiting.size()));
    context.record(series_.withheld, world_.today.referrals_withheld);
    context.record(series_.granted, world_.today.access_granted);
    context.record(series_.refused, world_.today.access_refused);
    context.record(series_.lapsed, lapsed_today_);
    context.record(series_.declined, declined_today_);
  }

  // Among the measured mothers: lapsed of those referred, declined of those offered under opt-out (NaN when none).
  void on_finalize(sim::RunContext& context) override {
    const auto share = [](std::uint64_t part, std::uint64_t whole) {
      return whole ? static_cast<double>(part) / static_cast<double>(whole) : std::nan("");
    };
    context.set_summary(summaries_.lapsed_share, share(lapsed_measured_, world_.tally.referred));
    context.set_summary(summaries_.declined_share, share(declined_opt_out_, offered_opt_out_));
  }

  void on_step(sim::RunContext& context) override {
    lapsed_today_ = declined_today_ = 0;
    if (!enabled_) return;
    const int day = context.day();
    refer_at_contacts(context, day);
    match_waiting_mothers(context, day);
    if (direct_access_) meet_mothers_directly(context, day);
  }

  void refer_at_contacts(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    const auto& pros = world_.professionals;
    for (const auto& contact : world_.today.contacts) {
      const auto i = mothers.index(contact.mother);
      if (mothers.feeding[i] == Feeding::none || mothers.referred_day[i] != kNever || mothers.declined_day[i] != kNever)
        continue;
      const auto& scheme = world_.scheme[mothers.locality[i]];
      if (scheme.referral_policy == ReferralPolicy::opt_out) {
        offer_opt_out(context, i, day, contact.professional);
        continue;
      }
      const auto k = static_cast<std::size_t>(contact.professional);
      const double push = workload_push_ ? 1.0 + load_push_ * std::max(0.0, pros.workload[k] - 1.0) : 1.0;
      const double withheld = gatekeeping_refusals_ ? pros.gatekeeping[k] : 0.0;
      const double chance = std::min(1.0, scheme.referral_probability * (1.0 - withheld) * push);
      // One slot per role: a midwife and a health visitor seeing her the same day decide apart.
      const auto slot = static_cast<std::uint16_t>(pros.role[k]);
      const bool model_refers = context.random().uniform(stream::referral, static_cast<std::uint32_t>(contact.mother),
                                                         static_cast<std::uint32_t>(day), slot) < chance;
      if (!chosen(world_, Side::professional, contact.professional, DecisionKind::refer, contact.mother, day, model_refers)) {
        ++world_.today.referrals_withheld;
        continue;
      }
      refer(i, day, contact.professional);
    }
  }

  // Opt-out: no professional judgement; the mother is offered a volunteer
  // at her first contact and declines with the scheme's chance, once.
  void offer_opt_out(sim::RunContext& context, std::size_t i, int day, std::int32_t professional) {
    auto& mothers = world_.mothers;
    const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
    const bool measured = world_.measured(mothers.birth_day[i]);
    offered_opt_out_ += measured;
    if (context.random().uniform(stream::referral, id, static_cast<std::uint32_t>(day), kDeclineSlot) <
        world_.scheme[mothers.locality[i]].opt_out_decline) {
      mothers.declined_day[i] = day;
      declined_opt_out_ += measured;
      ++declined_today_;
      return;
    }
    refer(i, day, professional);
  }

  void refer(std::size_t i, int day, std::int32_t professional) {
    auto& mothers = world_.mothers;
    mothers.referred_day[i] = day;
    mothers.referred_by[i] = professional;
    ++world_.today.referrals;
    if (world_.measured(mothers.birth_day[i])) ++world_.tally.referred;
    world_.waiting.push_back(mothers.first_id + static_cast<std::int64_t>(i));
  }

  // The waiting list, once a day: mothers who left, stopped breastfeeding or
  // have a volunteer come off it; those who have waited longer than the
  // window lapse; the rest are put in their locality's triage order and
  // volunteers with room take them in that order. A sort of a list bounded
  // by the window, and one pass: no scan of volunteers per waiting mother.
  void match_waiting_mothers(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    auto& waiting = world_.waiting;
    std::size_t kept = 0;
    const auto followed_from = mothers.first_id + static_cast<std::int64_t>(mothers.departed);
    for (std::size_t k = 0; k < waiting.size(); ++k) {
      // The list is in triage order, so its mothers are scattered over the columns: fetch a few ahead.
      if (k + kWaitingAhead < waiting.size() && waiting[k + kWaitingAhead] >= followed_from)
        prefetch_waiting_mother(mothers.index(waiting[k + kWaitingAhead]));
      const auto id = waiting[k];
      if (id < followed_from) continue;
      const auto i = mothers.index(id);
      if (mothers.waiting_since[i] == kNever) mothers.waiting_since[i] = day;  // joined since yesterday's pass
      if (mothers.feeding[i] == Feeding::none || mothers.volunteer[i] != kNobody) {
        mothers.waiting_since[i] = kNever;
        continue;
      }
      if (day - mothers.waiting_since[i] > world_.scheme[mothers.locality[i]].waiting_expiry) {
        lapse(i, day);
        continue;
      }
      waiting[kept++] = id;
    }
    waiting.resize(kept);
    put_in_triage_order(waiting);
    auto& full = full_;  // localities with no volunteer left with room
    full.assign(world_.scheme.size(), 0);
    kept = 0;
    for (const auto id : waiting) {
      const auto i = mothers.index(id);
      const auto locality = mothers.locality[i];
      const auto volunteer = full[locality] ? kNobody : free_volunteer(locality, day);
      if (volunteer == kNobody) {
        full[locality] = 1;
        waiting[kept++] = id;
        continue;
      }
      mothers.waiting_since[i] = kNever;
      ++world_.volunteers.referrals_today[static_cast<std::size_t>(volunteer)];
      assign(context, i, volunteer, day);
    }
    waiting.resize(kept);
  }

  static constexpr std::size_t kWaitingAhead = 16;

  // The columns the waiting list's first pass reads of mother i.
  void prefetch_waiting_mother(std::size_t i) const {
    const auto& mothers = world_.mothers;
    __builtin_prefetch(&mothers.waiting_since[i]);
    __builtin_prefetch(&mothers.feeding[i]);
    __builtin_prefetch(&mothers.volunteer[i]);
    __builtin_prefetch(&mothers.locality[i]);
  }

  void lapse(std::size_t i, int day) {
    auto& mothers = world_.mothers;
    mothers.waiting_since[i] = kNever;
    mothers.lapsed_day[i] = day;
    ++lapsed_today_;
    lapsed_measured_ += world_.measured(mothers.birth_day[i]);
  }

  // Sorts the list by taken_before. Yesterday's unmatched mothers are still in
  // order (the passes keep the order) and those who joined since follow them:
  // only the new tail is sorted, then merged. taken_before is a total order,
  // so the result is the one sorted list a full sort gives, whatever the prefix.
  void put_in_triage_order(std::vector<std::int64_t>& waiting) {
    const auto before = [&](std::int64_t a, std::int64_t b) { return taken_before(a, b); };
    const auto tail = std::is_sorted_until(waiting.begin(), waiting.end(), before);
    if (tail == waiting.end()) return;
    std::sort(tail, waiting.end(), before);
    merged_.resize(waiting.size());
    std::merge(waiting.begin(), tail, tail, waiting.end(), merged_.begin(), before);
    waiting.swap(merged_);
  }

  // Grouped by locality; within one, its triage order; ties by id (a total order: the same list every run).
  bool taken_before(std::int64_t a, std::int64_t b) const {
    const auto& mothers = world_.mothers;
    const auto i = mothers.index(a), j = mothers.index(b);
    if (mothers.locality[i] != mothers.locality[j]) return mothers.locality[i] < mothers.locality[j];
    if (world_.scheme[mothers.locality[i]].waiting_order == WaitingOrder::youngest_baby_first)
      return mothers.birth_day[i] != mothers.birth_day[j] ? mothers.birth_day[i] > mothers.birth_day[j] : a > b;
    return mothers.referred_day[i] != mothers.referred_day[j] ? mothers.referred_day[i] < mothers.referred_day[j] : a < b;
  }

  void assign(sim::RunContext& context, std::size_t i, std::int32_t volunteer, int day) {
    auto& mothers = world_.mothers;
    world_.set_volunteer(i, volunteer);
    mothers.assigned_day[i] = day;
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
      const auto asker = static_cast<std::int32_t>(v);
      if (!chosen(world_, Side::volunteer, asker, DecisionKind::ask_access, kNoSubject, day, draws.uniform() < attempt)) continue;
      const bool granted = scheme.ward_access == WardAccess::guaranteed || !access_gatekeeping_ ||
                           access_granted(world_, volunteers.locality[v], asker, day, draws.uniform(),
                                          mean_gatekeeping(volunteers.locality[v]));
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
  std::int32_t free_volunteer(std::uint16_t locality, int day) const {
    const auto& volunteers = world_.volunteers;
    std::int32_t best = kNobody;
    for (const auto v : world_.volunteers_in[locality]) {
      const auto k = static_cast<std::size_t>(v);
      if (!volunteers.active[k] || volunteers.caseload[k] >= volunteers.capacity[k]) continue;
      if (!chosen(world_, Side::volunteer, v, DecisionKind::take_cases, kNoSubject, day, true)) continue;
      if (best == kNobody || volunteers.caseload[k] < volunteers.caseload[static_cast<std::size_t>(best)]) best = v;
    }
    return best;
  }

  World& world_;
  struct SeriesIndices {
    std::size_t referrals, waiting, withheld, granted, refused, lapsed, declined;
  } series_{};  // where this module records (looked up in the catalog)
  struct SummaryIndices {
    std::size_t lapsed_share, declined_share;
  } summaries_{};
  static constexpr std::uint16_t kDeclineSlot = 2;  // the referral stream's slots 0 and 1 are the two roles' decisions
  std::uint32_t lapsed_today_ = 0, declined_today_ = 0;
  std::uint64_t lapsed_measured_ = 0, offered_opt_out_ = 0, declined_opt_out_ = 0;  // measured mothers
  bool enabled_ = true;
  std::vector<std::int64_t> merged_;  // the waiting list being merged (kept: no allocation in the day)
  std::vector<std::uint8_t> full_;    // by locality: no volunteer with room left today
  double load_push_ = 0.0, direct_access_rate_ = 0.0;
  bool gatekeeping_refusals_ = true, workload_push_ = true, direct_access_ = true, access_gatekeeping_ = true;
};

}  // namespace

static std::unique_ptr<sim::Module> make_referral(World& world) { return std::make_unique<Referral>(world); }

static void declare_referral(sim::ParameterRegistry& registry) { referral_parameters().declare(registry); }

static void declare_referral_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"referrals", "referrals per day", "Mothers referred to a volunteer today"});
  catalog.add_series({"mothers_waiting", "mothers", "Referred mothers still waiting for a volunteer with free capacity"});
  catalog.add_series_mean({"mean_mothers_waiting", "mothers", "Mean number of referred mothers waiting for a volunteer with free capacity, over the measured days (from measurement.from)"}, "mothers_waiting");
  catalog.add_series({"referrals_lapsed", "referrals per day", "Referred mothers who waited longer than scheme.waiting_list.expiry for a volunteer with room and left the list unmatched today"});
  catalog.add_summary({"referrals_lapsed_share", "share of referred mothers", "Share of the measured mothers referred to a volunteer whose referral lapsed on the waiting list"});
  catalog.add_series({"opt_out_declined", "mothers per day", "Mothers offered a volunteer under opt-out referral who declined today"});
  catalog.add_summary({"opt_out_declined_share", "share of mothers offered", "Share of the measured mothers offered a volunteer under opt-out referral who declined (NaN without opt-out)"});
  catalog.add_series({"referrals_withheld", "contacts per day", "Contacts with a breastfeeding, unreferred mother at which the professional did not refer (F6)"});
  catalog.add_series({"access_granted", "requests per day", "Volunteers' requests for direct access granted (F6)"});
  catalog.add_series({"access_refused", "requests per day", "Volunteers' requests for direct access refused (F6)"});
}

const ModuleType& referral_module() {
  static const ModuleType type{declare_referral, declare_referral_outputs, make_referral};
  return type;
}

}  // namespace models
