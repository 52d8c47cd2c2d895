// Difficulty episodes (the brief's mothers' difficulties; F4): a breastfeeding
// mother may start an episode (latch, pain, perceived low supply) with a daily
// chance by her baby's age; while it lasts her hazards of leaving exclusive
// breastfeeding and of stopping are multiplied (feeding.cpp). An episode ends
// on its own, at a professional contact (professional_care.cpp: scheduled or
// problem-driven, the latter limited by the professional's capacity; better
// with learned knowledge of the mother's culture), at a peer contact (here:
// better with the volunteer's skill and a shared culture), or when she stops
// breastfeeding. The usual-care hazards are redistributed so that under usual
// care the survey's curve still holds (difficulties.hpp).
#include "models/difficulties.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"
#include "sim/day_calendar.hpp"
#include "sim/quantity.hpp"
#include "sim/sparse_scan.hpp"

namespace models {
namespace {

constexpr const char* kReasons =
    "IFS 2010: the commonest reasons for stopping in the first two weeks are the baby rejecting the breast or not "
    "latching (33%), painful breasts or nipples (22%) and feeling the milk insufficient (17%)";

sim::ParameterBlock<DifficultyParameters> declare_block() {
  using namespace declare;
  sim::ParameterBlock<DifficultyParameters> b;
  b.mechanism(&DifficultyParameters::episodes,
              {.name = "difficulty_episodes", .module = "difficulties", .finding = "F4, F3",
               .what = "mothers have difficulty episodes (latch, pain, perceived low supply) by baby's age that raise "
                       "their stopping hazards while unresolved and make them ask professionals for contacts",
               .knocked_out = "no episodes: every mother has the survey's hazards, nobody asks for a problem-driven contact"});
  b.mechanism(&DifficultyParameters::peers_resolve,
              {.name = "support_resolves_difficulties", .module = "difficulties", .finding = "F4",
               .what = "a peer contact may resolve the mother's episode (chance x skill x culture match)",
               .knocked_out = "peer contacts never resolve an episode (they still add confidence)"});
  b.mechanism(&DifficultyParameters::knowledge_in_care,
              {.name = "cultural_knowledge_in_care", .module = "professional_care", .finding = "F4",
               .what = "what a professional has learned of the mother's culture from volunteers makes her contacts "
                       "resolve episodes more often and add confidence",
               .knocked_out = "learned knowledge changes nothing at a professional contact (it is still learned)"});
  b.mechanism(&DifficultyParameters::skill_matters,
              {.name = "skill_in_contacts", .module = "peer_support", .finding = "F2, F4",
               .what = "a peer contact achieves more (confidence, resolving episodes) the more skilled the volunteer",
               .knocked_out = "every volunteer's contacts count as fully skilled: skill makes no difference"});
  b.mechanism(&DifficultyParameters::culture_matters,
              {.name = "culture_match", .module = "peer_support", .finding = "F4",
               .what = "a peer contact across cultural groups achieves less (peer_support.culture_mismatch)",
               .knocked_out = "every volunteer-mother pair counts as of one culture"});
  b.mechanism(&DifficultyParameters::capacity_limits,
              {.name = "workload_limits_problem_contacts", .module = "professional_care", .finding = "F3",
               .what = "a professional's room for problem-driven contacts shrinks as her workload grows",
               .knocked_out = "every request for a problem-driven contact is met"});
  b.bind(&DifficultyParameters::onset_first_week,
         daily_rate("difficulties.onset.first_week", 0.04,
                    "Daily chance that a breastfeeding mother with no episode starts one, days 1-7",
                    assumption(std::string("problems are commonest as feeding is established; about a quarter of "
                                           "mothers with one in the first week; ") + kReasons),
                    "F4"));
  b.bind(&DifficultyParameters::onset_to_6_weeks,
         daily_rate("difficulties.onset.to_6_weeks", 0.006,
                    "Daily chance of an episode starting, days 8-42",
                    assumption("fewer new problems after the first week; with the first week about 40% of "
                               "breastfeeding mothers have an episode by 6 weeks"),
                    "F4"));
  b.bind(&DifficultyParameters::onset_after_6_weeks,
         daily_rate("difficulties.onset.after_6_weeks", 0.002, "Daily chance of an episode starting, days 43-182",
                    assumption("occasional later problems (supply worries, mastitis)"), "F4"));
  b.bind(&DifficultyParameters::hazard_ratio,
         number("difficulties.hazard_ratio", 3.0, "ratio", 1.0, 50.0,
                "How many times more likely a mother in an unresolved episode is to leave exclusive breastfeeding or "
                "to stop, than one without (the hazards are redistributed so usual care keeps the survey's curve)",
                assumption(std::string("problems are the main reasons mothers give for stopping early; ") + kReasons),
                "F4"));
  b.bind(&DifficultyParameters::self_resolution,
         daily_rate("difficulties.self_resolution", 1.0 / 14.0,
                    "Daily chance that an episode resolves without help",
                    assumption("most early problems settle within a few weeks"), "F4"));
  b.bind(&DifficultyParameters::help_seeking,
         daily_rate("difficulties.help_seeking", 0.2,
                    "Daily chance that a mother in an episode, not seen by a professional today, asks her midwife "
                    "or health visitor for a problem-driven contact",
                    assumption("mothers ask within days; no measured rate"), "F3"));
  b.bind(&DifficultyParameters::professional_resolution,
         share("difficulties.professional_resolution", 0.3,
               "Chance that a professional contact (scheduled or problem-driven) resolves an episode, with no "
               "cultural knowledge learned from volunteers",
               assumption("usual-care skilled help resolves some problems at a visit; no measured rate"), "F3"));
  b.bind(&DifficultyParameters::knowledge_gain,
         share("difficulties.knowledge_gain", 0.5,
               "Share of the rest of the chance of resolving an episode that a professional gains with full cultural "
               "knowledge of the mother's group (learned from volunteers)",
               assumption("professionals learn from volunteers' experiential and cultural knowledge (finding F4)"),
               "F4"));
  b.bind(&DifficultyParameters::peer_resolution,
         share("difficulties.peer_resolution", 0.6,
               "Chance that a peer contact resolves an episode when the volunteer is fully skilled and of the "
               "mother's culture (times skill, and 1 - peer_support.culture_mismatch across cultures)",
               assumption("peer supporters help with positioning, latch and reassurance (F4); no measured rate"),
               "F4"));
  b.bind(&DifficultyParameters::latch_share,
         share("difficulties.kinds.latch", 0.46, "Share of episodes that are latch or attachment problems",
               assumption(std::string("33 of the 72 points of the three commonest reasons; ") + kReasons)));
  b.bind(&DifficultyParameters::pain_share,
         share("difficulties.kinds.pain", 0.31,
               "Share of episodes that are pain (breasts or nipples); the rest are perceived low supply",
               assumption(std::string("22 of 72; low supply 17 of 72; ") + kReasons)));
  b.choice(&DifficultyParameters::course,
           {.path = "numerics.difficulty_course", .default_value = std::string("scheduled"),
            .description = "How episodes' onsets and their resolving on their own are drawn: each mother's next onset "
                           "day and each episode's day of resolving on its own drawn ahead from the daily chances "
                           "(scheduled, the default: work only on those days), or a draw for every breastfeeding "
                           "mother every day (daily_draws, the reference: the same process from other draws)",
            .source = equivalent_formulation("scheduled")},
           {{"daily_draws", DifficultyCourse::daily_draws}, {"scheduled", DifficultyCourse::scheduled}});
  return b;
}

const sim::ParameterBlock<DifficultyParameters>& block() {
  static const sim::ParameterBlock<DifficultyParameters> b = declare_block();
  return b;
}

}  // namespace

DifficultyParameters difficulty_parameters(const sim::ParameterSet& parameters) { return block().read(parameters); }

PeerContactQuality PeerContactQuality::read(const sim::ParameterSet& parameters) {
  const auto p = difficulty_parameters(parameters);
  return {.skill_matters = p.skill_matters,
          .culture_matters = p.culture_matters,
          .culture_mismatch = parameters.real("peer_support.culture_mismatch")};
}
void declare_difficulty_parameters(sim::ParameterRegistry& registry) { block().declare(registry); }

double onset_chance(const DifficultyParameters& p, int age) {
  if (!p.episodes || age < 1) return 0.0;
  if (age <= 7) return p.onset_first_week;
  if (age <= kAge6Weeks) return p.onset_to_6_weeks;
  return p.onset_after_6_weeks;
}

// h0 with share*exp(-h0 m) + (1 - share) exp(-h0) = exp(-h): the left side
// falls as h0 grows, from 1 at h0 = 0 to below exp(-h) at h0 = h.
static double episode_free_hazard(double hazard, double share, double ratio) {
  if (share <= 0.0 || ratio == 1.0 || hazard <= 0.0) return hazard;
  const double target = std::exp(-hazard);
  double low = 0.0, high = hazard;
  for (int k = 0; k < 200 && high - low > 1e-17; ++k) {
    const double middle = 0.5 * (low + high);
    const double stay = share * std::exp(-middle * ratio) + (1.0 - share) * std::exp(-middle);
    (stay > target ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

EpisodeHazards derive_episode_hazards(const DifficultyParameters& p, const FeedingCurve& curve, const UsualCare& care) {
  EpisodeHazards out;
  out.hazard_ratio = p.hazard_ratio;
  const std::size_t ages = curve.exclusive_hazard.size();
  out.exclusive_hazard.assign(ages, 0.0);
  out.partial_hazard.assign(ages, 0.0);
  out.exclusive_in_episode.assign(ages, 0.0);
  out.partial_in_episode.assign(ages, 0.0);
  std::vector<int> visits(ages, 0);  // scheduled contacts at each age
  const auto add_visits = [&](const std::vector<double>& at, bool staffed) {
    if (!staffed) return;
    for (const double age : at)
      if (const auto a = static_cast<std::size_t>(std::lround(age)); a < ages) ++visits[a];
  };
  add_visits(care.midwife_visits, care.midwives);
  add_visits(care.health_visitor_visits, care.health_visitors);
  // Shares of all mothers: exclusive / partial, without / with an episode.
  double e0 = curve.exclusive_at_birth, e1 = 0.0, p0 = curve.initiation - curve.exclusive_at_birth, p1 = 0.0;
  const double usual = professional_resolution(p, 0.0);
  for (std::size_t a = 1; a < ages; ++a) {
    const int age = static_cast<int>(a);
    // professional_care: scheduled contacts, else a help request (met, under usual care).
    const bool staffed = age < care.handover_age ? care.midwives : care.health_visitors;
    double ongoing = visits[a] > 0 ? std::pow(1.0 - usual, visits[a]) : (staffed ? 1.0 - p.help_seeking * usual : 1.0);
    ongoing *= 1.0 - p.self_resolution;  // difficulties: resolves on its own (no peer support under usual care)
    const double onset = onset_chance(p, age);  // only mothers with no episode at the start of the day
    const double e1_now = e1 * ongoing + e0 * onset, e0_now = e0 * (1.0 - onset) + e1 * (1.0 - ongoing);
    const double p1_now = p1 * ongoing + p0 * onset, p0_now = p0 * (1.0 - onset) + p1 * (1.0 - ongoing);
    const double e_share = e0_now + e1_now > 0.0 ? e1_now / (e0_now + e1_now) : 0.0;
    const double p_share = p0_now + p1_now > 0.0 ? p1_now / (p0_now + p1_now) : 0.0;
    out.exclusive_in_episode[a] = e_share;
    out.partial_in_episode[a] = p_share;
    const double he = out.exclusive_hazard[a] = episode_free_hazard(curve.exclusive_hazard[a], e_share, p.hazard_ratio);
    const double hp = out.partial_hazard[a] = episode_free_hazard(curve.partial_hazard[a], p_share, p.hazard_ratio);
    // feeding: leave exclusive (a share exit_to_none stop), partial stop; an episode goes with her.
    const double le0 = 1.0 - std::exp(-he), le1 = 1.0 - std::exp(-he * p.hazard_ratio);
    const double lp0 = 1.0 - std::exp(-hp), lp1 = 1.0 - std::exp(-hp * p.hazard_ratio);
    const double to_partial = 1.0 - curve.exit_to_none;
    p0 = p0_now * (1.0 - lp0) + e0_now * le0 * to_partial;
    p1 = p1_now * (1.0 - lp1) + e1_now * le1 * to_partial;
    e0 = e0_now * (1.0 - le0);
    e1 = e1_now * (1.0 - le1);
  }
  return out;
}

void resolve_difficulty(World& world, std::size_t i, int day, Resolver who) {
  auto& mothers = world.mothers;
  const bool measured = world.measured(mothers.birth_day[i]);
  auto& tally = world.difficulty_tally;
  if (who == Resolver::stopped) {
    ++world.today.difficulties_ended_by_stopping;
    tally.ended_by_stopping += measured;
  } else {
    ++world.today.difficulties_resolved[static_cast<std::size_t>(who)];
    if (measured) {
      ++tally.resolved[static_cast<std::size_t>(who)];
      tally.resolved_days += static_cast<std::uint64_t>(day - mothers.difficulty_since[i]);
    }
  }
  mothers.difficulty[i] = Difficulty::none;
  mothers.difficulty_ended[i] = day;
  world.today.episodes_ended.push_back(mothers.first_id + static_cast<std::int64_t>(i));
}

namespace {

class Difficulties final : public sim::Module {
 public:
  explicit Difficulties(World& world)
      : Module({.name = "difficulties",
                .purpose = "mothers' difficulty episodes: onset by age; resolved by peers, on their own or by stopping (F4)",
                .reads = {"mothers.feeding", "mothers.birth_day", "mothers.culture", "today.peer_visits", "volunteers.skill", "volunteers.culture"},
                .writes = {"mothers.difficulty", "mothers.difficulty_since", "mothers.difficulty_ended", "today.difficulties", "difficulty_tally"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    parameters_ = difficulty_parameters(context.parameters());
    quality_ = PeerContactQuality::read(context.parameters());
    const auto& c = context.catalog();
    series_ = {c.series_index("difficulty_onsets"), c.series_index("difficulties_ongoing"),
               c.series_index("difficulties_resolved_by_professional"), c.series_index("difficulties_resolved_by_peer"),
               c.series_index("difficulties_resolved_on_own"), c.series_index("difficulties_ended_by_stopping")};
    summary_ = {c.summary_index("difficulty_by_6w_among_starters"), c.summary_index("difficulty_episodes_per_starter"),
                c.summary_index("difficulty_mean_days_to_resolution"),
                c.summary_index("difficulties_resolved_by_professional_share"),
                c.summary_index("difficulties_resolved_by_peer_share"),
                c.summary_index("difficulties_resolved_on_own_share"),
                c.summary_index("difficulties_ended_by_stopping_share")};
    scheduled_ = parameters_.course == DifficultyCourse::scheduled;
    if (scheduled_) configure_schedule();
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    resolve_at_peer_contacts(context, day);
    auto& mothers = world_.mothers;
    auto& tally = world_.difficulty_tally;
    for (std::size_t i = mothers.first_born_from(day); i < mothers.count(); ++i)
      tally.starters += world_.measured(day) && mothers.feeding[i] != Feeding::none;
    if (scheduled_) {
      step_scheduled(context, day);
      return;
    }
    // Mothers go in chunks so that their draws' Philox blocks are generated
    // together (as in feeding.cpp); each mother's draws are still her own keyed ones.
    sim::DrawsBatch batch(context.random(), stream::difficulty_course, static_cast<std::uint32_t>(day));
    constexpr std::size_t kChunk = sim::DrawsBatch::kCapacity;
    std::array<std::size_t, kChunk> drawing{};
    // The columns' addresses as locals: the batch's stores could otherwise alias them and force reloads.
    const Feeding* feeding = mothers.feeding.data();
    const Difficulty* difficulty = mothers.difficulty.data();
    const std::int32_t* birth_day = mothers.birth_day.data();
    const std::int32_t* ended = mothers.difficulty_ended.data();
    const std::int64_t first_id = mothers.first_id;
    for (std::size_t start = mothers.departed; start < mothers.count(); start += kChunk) {
      const std::size_t end = std::min(start + kChunk, mothers.count());
      batch.clear();
      for (std::size_t i = start; i < end; ++i) {
        // Breastfeeding and stopped mothers are mixed at random: no branch on which she is,
        // only on the rare mother who stopped during an episode.
        const bool breastfeeding = feeding[i] != Feeding::none;
        if (!breastfeeding & (difficulty[i] != Difficulty::none)) [[unlikely]]
          resolve_difficulty(world_, i, day, Resolver::stopped);
        // Not on her birth day, nor when resolved today: no new episode the same day.
        const bool draws = breastfeeding & (day - birth_day[i] >= 1) & (ended[i] != day);
        drawing[batch.size()] = i;
        batch.add_if(draws, static_cast<std::uint32_t>(first_id + static_cast<std::int64_t>(i)));
      }
      batch.generate();
      for (std::size_t k = 0; k < batch.size(); ++k) course(drawing[k], day, batch.draws(k));
    }
  }

  // A breastfeeding mother's day: her episode may resolve on its own, or one may start.
  void course(std::size_t i, int day, sim::Draws draws) {
    auto& mothers = world_.mothers;
    const int age = day - mothers.birth_day[i];
    if (mothers.difficulty[i] != Difficulty::none) {
      if (draws.uniform() < parameters_.self_resolution) resolve_difficulty(world_, i, day, Resolver::on_own);
    } else if (draws.uniform() < onset_chance(parameters_, age)) {
      start(i, day, age, draws.uniform());
    }
  }

  // Scheduled course (numerics.difficulty_course: scheduled). A breastfeeding
  // mother with no episode draws the day her next one starts, from the onset
  // chances by age, when she becomes able to have one (the day after her
  // birth, or after her last episode ended); an episode draws the day it
  // resolves on its own when it starts. Each is the first day a draw every day
  // would have succeeded on, so the process is the same; only those days cost
  // work. Entries made stale (she stopped, or another ended her episode) are
  // skipped when due.
  struct Resolution {
    std::int32_t mother;  // id
    std::int32_t since;   // the day her episode began
  };

  void configure_schedule() {
    onset_cumulative_.assign(kAge6Months + 1, 0.0);
    for (int age = 1; age <= kAge6Months; ++age)
      onset_cumulative_[static_cast<std::size_t>(age)] =
          onset_cumulative_[static_cast<std::size_t>(age - 1)] - std::log1p(-onset_chance(parameters_, age));
    onsets_.reset(kAge6Months + 1);
    resolutions_.reset(kAge6Months + 1);
    scheduled_until_ = world_.mothers.first_id;
  }

  void step_scheduled(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    schedule_arrivals(context, day);
    // Stopped during an episode (feeding comes after this module: she stopped yesterday).
    sim::for_each_present(mothers.difficulty.data(), Difficulty::none, mothers.departed, mothers.count(), [&](std::size_t i) {
      if (mothers.feeding[i] == Feeding::none) resolve_difficulty(world_, i, day, Resolver::stopped);
    });
    const auto followed_from = mothers.first_id + static_cast<std::int64_t>(mothers.departed);
    for (const auto& [id, since] : resolutions_.take(day)) {
      if (id < followed_from) continue;
      const std::size_t i = mothers.index(id);
      if (mothers.difficulty[i] != Difficulty::none && mothers.difficulty_since[i] == since)
        resolve_difficulty(world_, i, day, Resolver::on_own);
    }
    for (const std::int32_t id : onsets_.take(day)) {
      if (id < followed_from) continue;
      const std::size_t i = mothers.index(id);
      if (mothers.feeding[i] == Feeding::none || mothers.difficulty[i] != Difficulty::none) continue;
      const int age = day - mothers.birth_day[i];
      start(i, day, age, context.random().uniform(stream::difficulty_course, static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(day)));
      schedule_resolution(context, i, day);
    }
    // Those whose episode ended today (here or at a professional contact), still breastfeeding: from tomorrow.
    for (const auto id : world_.today.episodes_ended) {
      if (id < followed_from) continue;
      const std::size_t i = mothers.index(id);
      if (mothers.feeding[i] != Feeding::none) schedule_onset(context, i, day - mothers.birth_day[i], day);
    }
  }

  // Mothers who arrived since the last step (today's newborns; on the first
  // day, any the world started with): their first onset day, from yesterday's
  // age, so that one past her birth day can start an episode today, as with a
  // draw every day.
  void schedule_arrivals(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.take_arrivals(scheduled_until_); i < mothers.count(); ++i)
      if (mothers.feeding[i] != Feeding::none && mothers.difficulty[i] == Difficulty::none)
        schedule_onset(context, i, mothers.age_yesterday(i, day), day);
  }

  void schedule_onset(sim::RunContext& context, std::size_t i, int after_age, int day) {
    const auto id = static_cast<std::uint32_t>(world_.mothers.first_id + static_cast<std::int64_t>(i));
    const double u = context.random().uniform(stream::difficulty_schedule, id, static_cast<std::uint32_t>(day), kOnsetSlot);
    const auto age = sim::first_day_reaching(onset_cumulative_, static_cast<std::size_t>(after_age), -std::log1p(-u));
    if (age < onset_cumulative_.size())
      onsets_.schedule(world_.mothers.birth_day[i] + static_cast<int>(age), static_cast<std::int32_t>(id));
  }

  // The first day after `day` on which a daily chance p succeeds: 1 + a geometric number of days.
  void schedule_resolution(sim::RunContext& context, std::size_t i, int day) {
    const double p = parameters_.self_resolution;
    if (p <= 0.0) return;
    const auto id = static_cast<std::uint32_t>(world_.mothers.first_id + static_cast<std::int64_t>(i));
    const double u = context.random().uniform(stream::difficulty_schedule, id, static_cast<std::uint32_t>(day), kResolutionSlot);
    const double wait = p >= 1.0 ? 1.0 : 1.0 + std::floor(std::log1p(-u) / std::log1p(-p));
    const int last_day = world_.mothers.birth_day[i] + kAge6Months;  // she is followed to here
    if (wait <= static_cast<double>(last_day - day))
      resolutions_.schedule(day + static_cast<int>(wait), {static_cast<std::int32_t>(id), day});
  }

  static constexpr std::uint16_t kOnsetSlot = 0, kResolutionSlot = 1;

  // Today's peer contacts (peer_support.cpp): the chance of resolving grows
  // with the volunteer's skill and is lower across cultures (F4).
  void resolve_at_peer_contacts(sim::RunContext& context, int day) {
    if (!parameters_.peers_resolve) return;
    auto& mothers = world_.mothers;
    for (const auto& visit : world_.today.peer_visits) {
      const std::size_t i = mothers.index(visit.mother);
      if (mothers.difficulty[i] == Difficulty::none || mothers.feeding[i] == Feeding::none) continue;
      const double chance = parameters_.peer_resolution * quality_(world_, i, static_cast<std::size_t>(visit.volunteer));
      if (context.random().uniform(stream::difficulty_peer, static_cast<std::uint32_t>(visit.mother),
                                   static_cast<std::uint32_t>(day)) < chance)
        resolve_difficulty(world_, i, day, Resolver::peer);
    }
  }

  void start(std::size_t i, int day, int age, double u) {
    auto& mothers = world_.mothers;
    auto& tally = world_.difficulty_tally;
    if (world_.measured(mothers.birth_day[i])) {
      ++tally.episodes;
      tally.first_by_6_weeks += mothers.difficulty_since[i] == kNever && age <= kAge6Weeks;
    }
    mothers.difficulty[i] = u < parameters_.latch_share                            ? Difficulty::latch
                            : u < parameters_.latch_share + parameters_.pain_share ? Difficulty::pain
                                                                                   : Difficulty::low_supply;
    mothers.difficulty_since[i] = day;
    ++world_.today.difficulty_onsets;
  }

  void on_record(sim::RunContext& context) override {
    const auto& mothers = world_.mothers;
    std::size_t ongoing = 0;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) ongoing += mothers.difficulty[i] != Difficulty::none;
    const auto& today = world_.today;
    context.record(series_.onsets, today.difficulty_onsets);
    context.record(series_.ongoing, static_cast<double>(ongoing));
    context.record(series_.by_professional, today.difficulties_resolved[static_cast<std::size_t>(Resolver::professional)]);
    context.record(series_.by_peer, today.difficulties_resolved[static_cast<std::size_t>(Resolver::peer)]);
    context.record(series_.on_own, today.difficulties_resolved[static_cast<std::size_t>(Resolver::on_own)]);
    context.record(series_.stopped, today.difficulties_ended_by_stopping);
  }

  void on_finalize(sim::RunContext& context) override {
    const auto& t = world_.difficulty_tally;
    const auto ratio = [](double a, double b) { return b > 0 ? a / b : std::nan(""); };
    const auto episodes = static_cast<double>(t.episodes);
    const auto resolved = [&](Resolver who) { return static_cast<double>(t.resolved[static_cast<std::size_t>(who)]); };
    const double all_resolved = resolved(Resolver::professional) + resolved(Resolver::peer) + resolved(Resolver::on_own);
    context.set_summary(summary_.by_6_weeks, ratio(static_cast<double>(t.first_by_6_weeks), static_cast<double>(t.starters)));
    context.set_summary(summary_.per_starter, ratio(episodes, static_cast<double>(t.starters)));
    context.set_summary(summary_.mean_days, ratio(static_cast<double>(t.resolved_days), all_resolved));
    context.set_summary(summary_.by_professional, ratio(resolved(Resolver::professional), episodes));
    context.set_summary(summary_.by_peer, ratio(resolved(Resolver::peer), episodes));
    context.set_summary(summary_.on_own, ratio(resolved(Resolver::on_own), episodes));
    context.set_summary(summary_.stopped, ratio(static_cast<double>(t.ended_by_stopping), episodes));
  }

  World& world_;
  DifficultyParameters parameters_{};
  PeerContactQuality quality_;
  bool scheduled_ = false;  // numerics.difficulty_course: scheduled
  std::vector<double> onset_cumulative_;  // scheduled: the onset hazards summed by age
  sim::DayCalendar<std::int32_t> onsets_;  // scheduled: mother ids by the day an episode starts
  sim::DayCalendar<Resolution> resolutions_;  // scheduled: episodes by the day they resolve on their own
  std::int64_t scheduled_until_ = 0;  // scheduled: mothers from this id on have not been seen yet
  struct SeriesIndices {
    std::size_t onsets, ongoing, by_professional, by_peer, on_own, stopped;
  } series_{};
  struct SummaryIndices {
    std::size_t by_6_weeks, per_starter, mean_days, by_professional, by_peer, on_own, stopped;
  } summary_{};
};

}  // namespace

static std::unique_ptr<sim::Module> make_difficulties(World& world) { return std::make_unique<Difficulties>(world); }

static void declare_difficulties_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"difficulty_onsets", "episodes per day", "Difficulty episodes (latch, pain, perceived low supply) started today"});
  catalog.add_series({"difficulties_ongoing", "mothers", "Followed mothers in an unresolved difficulty episode"});
  catalog.add_series({"difficulties_resolved_by_professional", "episodes per day", "Episodes resolved today at a midwife or health-visitor contact (F3, F4)"});
  catalog.add_series({"difficulties_resolved_by_peer", "episodes per day", "Episodes resolved today at a peer contact (F4)"});
  catalog.add_series({"difficulties_resolved_on_own", "episodes per day", "Episodes that resolved today without help"});
  catalog.add_series({"difficulties_ended_by_stopping", "episodes per day", "Unresolved episodes of mothers who stopped breastfeeding"});
  const auto starters = " (mothers born in the measured window)";
  catalog.add_summary({"difficulty_by_6w_among_starters", "share of starters", std::string("Share of mothers who started breastfeeding with a difficulty episode by 6 weeks") + starters});
  catalog.add_summary({"difficulty_episodes_per_starter", "episodes per starter", std::string("Difficulty episodes per mother who started breastfeeding") + starters});
  catalog.add_summary({"difficulty_mean_days_to_resolution", "days", std::string("Mean length of the episodes that resolved (by anyone); those ended by stopping are not counted") + starters});
  catalog.add_summary({"difficulties_resolved_by_professional_share", "share of episodes", std::string("Share of episodes resolved at a professional contact") + starters});
  catalog.add_summary({"difficulties_resolved_by_peer_share", "share of episodes", std::string("Share of episodes resolved at a peer contact") + starters});
  catalog.add_summary({"difficulties_resolved_on_own_share", "share of episodes", std::string("Share of episodes that resolved without help") + starters});
  catalog.add_summary({"difficulties_ended_by_stopping_share", "share of episodes", std::string("Share of episodes ended by the mother stopping breastfeeding") + starters});
}

const ModuleType& difficulties_module() {
  static const ModuleType type{declare_difficulty_parameters, declare_difficulties_outputs, make_difficulties};
  return type;
}

}  // namespace models
