// Referral and gate-keeping (F6, F3): at a contact with a breastfeeding
// mother not yet referred, the professional refers her to a volunteer with a
// chance that falls with gate-keeping; under opt-out every breastfeeding
// mother is referred. Referred mothers are matched to a volunteer in their
// locality with free capacity, or wait until one is free.
#include <cmath>

#include "models/modules.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

class Referral final : public sim::Module {
 public:
  explicit Referral(World& world)
      : Module("referral", "professionals refer breastfeeding mothers to volunteers, or withhold (F6)"), world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    enabled_ = p.boolean("scheme.peer_support");
    opt_out_ = p.text("scheme.referral_policy") == "opt_out";
    referral_probability_ = p.real("professionals.referral_probability");
    proactive_ = p.text("scheme.contact_schedule.mode") == "proactive";
    first_within_ = std::max(1L, std::lround(p.real("scheme.contact_schedule.first_within")));
  }

  void on_step(sim::RunContext& context) override {
    if (!enabled_) return;
    const int day = context.day();
    auto& mothers = world_.mothers;
    for (const auto& contact : world_.contacts_today) {
      const auto i = mothers.index(contact.mother);
      if (mothers.feeding[i] == Feeding::none || mothers.referred_day[i] != kNever) continue;
      const double gatekeeping = world_.professionals.gatekeeping[static_cast<std::size_t>(contact.professional)];
      const double chance = opt_out_ ? 1.0 : referral_probability_ * (1.0 - gatekeeping);
      if (context.random().uniform(stream::referral, static_cast<std::uint32_t>(contact.mother),
                                   static_cast<std::uint32_t>(day)) >= chance)
        continue;
      mothers.referred_day[i] = day;
      ++world_.referrals_today;
      if (world_.measured(mothers.birth_day[i])) ++world_.tally.referred;
      world_.waiting.push_back(contact.mother);
    }
    match_waiting_mothers(context, day);
  }

  // Oldest referral first; a mother who stopped breastfeeding or left no longer waits.
  void match_waiting_mothers(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    std::size_t kept = 0;
    for (const auto id : world_.waiting) {
      if (id < mothers.first_id + static_cast<std::int64_t>(mothers.departed)) continue;
      const auto i = mothers.index(id);
      if (mothers.feeding[i] == Feeding::none) continue;
      const auto volunteer = free_volunteer(mothers.locality[i]);
      if (volunteer == kNobody) {
        world_.waiting[kept++] = id;
        continue;
      }
      mothers.volunteer[i] = volunteer;
      ++world_.volunteers.caseload[static_cast<std::size_t>(volunteer)];
      if (proactive_) {
        const auto delay = context.random().draws(stream::first_contact, static_cast<std::uint32_t>(id),
                                                  static_cast<std::uint32_t>(day)).below(static_cast<std::uint32_t>(first_within_));
        mothers.next_peer_contact[i] = day + 1 + static_cast<std::int32_t>(delay);
      }
    }
    world_.waiting.resize(kept);
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
  bool enabled_ = true, opt_out_ = false, proactive_ = true;
  double referral_probability_ = 0.0;
  long first_within_ = 2;
};

}  // namespace

std::unique_ptr<sim::Module> make_referral(World& world) { return std::make_unique<Referral>(world); }

}  // namespace models
