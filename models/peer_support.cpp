// Peer support: volunteers contact the mothers assigned to them, on a
// proactive schedule (first contact within 48 hours, then every interval) or
// reactively, only when the mother asks. A contact raises the mother's
// confidence, more with the volunteer's skill and a shared culture (F4); in
// some contacts the volunteer acts outside the role, or does something that
// unclear boundaries make ambiguous (F5, F8). A case closes after the planned
// contacts or when the mother stops breastfeeding, freeing room; a reactive
// case also closes when the mother has not asked for a while.
#include <algorithm>
#include <cmath>

#include "models/declare.hpp"
#include "models/difficulties.hpp"
#include "models/modules.hpp"
#include "models/student_choices.hpp"
#include "sim/quantity.hpp"
#include "sim/sparse_scan.hpp"
#include "sim/statistics.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct PeerSupportParameters {
  double confidence_gain;  // peer_support.confidence_gain
  double culture_mismatch;  // peer_support.culture_mismatch
  double autonomy_effect;  // peer_support.autonomy_effect
  double transgression_probability;  // boundary.transgression_probability
  double ambiguity_probability;  // boundary.ambiguity_probability
  bool raises_confidence, takes_initiative;  // mechanism switches
};

sim::ParameterBlock<PeerSupportParameters> declare_peer_parameters() {
  using namespace declare;
  sim::ParameterBlock<PeerSupportParameters> block;
  block.bind(&PeerSupportParameters::confidence_gain, share("peer_support.confidence_gain", 0.5,
              "Share of the gap to full confidence that one contact by a fully skilled volunteer closes",
              {Provenance::calibrated, "with mothers.confidence.effect, to the McFadden et al. 2019 effect"}));
  block.bind(&PeerSupportParameters::culture_mismatch, share("peer_support.culture_mismatch", 0.3,
              "How much less a contact achieves when volunteer and mother are of different cultural groups",
              assumption("experiential and cultural knowledge matter (study finding F4)"), "F4"));
  block.bind(&PeerSupportParameters::autonomy_effect, share("peer_support.autonomy_effect", 0.5,
              "How much more a contact achieves from a fully autonomous volunteer working within clear boundaries "
              "(scaled by autonomy * clarity)",
              assumption("a developing cohort's proactive influence (F8) helps where the role is agreed"), "F8"));
  block.bind(&PeerSupportParameters::transgression_probability, share("boundary.transgression_probability", 0.1,
              "Chance that a fully autonomous volunteer acts outside the role in a contact when boundaries are "
              "wholly undefined (scaled by autonomy and 1 - clarity)",
              assumption("no data; a lever for sensitivity analysis"), "F5, F8"));
  block.bind(&PeerSupportParameters::ambiguity_probability, share("boundary.ambiguity_probability", 0.3,
              "Chance that an ordinary act in a contact is ambiguous when boundaries are wholly undefined (scaled "
              "by 1 - clarity)",
              assumption("no data"), "F5"));
  block.mechanism(&PeerSupportParameters::raises_confidence,
                  {.name = "peer_contacts_raise_confidence", .module = "peer_support", .finding = "F4",
                   .what = "a peer contact raises the mother's breastfeeding confidence, more with the volunteer's "
                           "skill and a shared culture",
                   .knocked_out = "peer contacts leave confidence where it is (they may still resolve a difficulty)"});
  block.mechanism(&PeerSupportParameters::takes_initiative,
                  {.name = "initiative_within_agreed_role", .module = "peer_support", .finding = "F8",
                   .what = "an autonomous volunteer achieves more in a contact where the role is agreed (autonomy "
                           "times clarity)",
                   .knocked_out = "a contact achieves as much whatever the volunteer's autonomy"});
  return block;
}

const sim::ParameterBlock<PeerSupportParameters>& peer_parameters() {
  static const sim::ParameterBlock<PeerSupportParameters> block = declare_peer_parameters();
  return block;
}


class PeerSupport final : public sim::Module {
 public:
  explicit PeerSupport(World& world)
      : Module({.name = "peer_support",
                .purpose = "volunteers contact assigned mothers; some contacts cross unclear boundaries (F5)",
                .reads = {"mothers.volunteer", "mothers.referred_by", "mothers.feeding", "mothers.next_peer_contact", "mothers.assigned_day", "mothers.culture", "scheme", "volunteers.skill", "volunteers.culture", "volunteers.autonomy"},
                .writes = {"mothers.confidence", "mothers.peer_contacts", "mothers.first_peer_contact", "mothers.last_peer_contact", "mothers.volunteer", "volunteer_changes", "mothers.next_peer_contact", "volunteers.caseload", "volunteers.contacts_today", "today.boundary_events", "today.joint_successes", "today.peer_contacts", "today.peer_visits", "today.real_transgressions", "tally"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("peer_contacts"), c.series_index("real_transgressions"), c.series_index("cases_closed_inactive")};
    const auto values = peer_parameters().read(context.parameters());
    confidence_gain_ = values.raises_confidence ? values.confidence_gain : 0.0;
    autonomy_effect_ = values.takes_initiative ? values.autonomy_effect : 0.0;
    transgression_probability_ = values.transgression_probability;
    ambiguity_probability_ = values.ambiguity_probability;
    quality_ = PeerContactQuality::read(context.parameters());  // skill and culture match (models/difficulties.hpp)
  }

  void on_record(sim::RunContext& context) override {
    context.record(series_.contacts, world_.today.peer_contacts);
    context.record(series_.transgressions, world_.today.real_transgressions);
    context.record(series_.closed_inactive, closed_inactive_today_);
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    closed_inactive_today_ = 0;
    auto& mothers = world_.mothers;
    // Few mothers have a volunteer: the scan skips blocks of mothers with none (sim/sparse_scan.hpp).
    sim::for_each_present(mothers.volunteer.data(), kNobody, mothers.departed, mothers.count(),
                          [&](std::size_t i) { step_case(context, i, day); });
  }

  // Mother i's case today: closed if she stopped breastfeeding or went silent, else contacted when due.
  void step_case(sim::RunContext& context, std::size_t i, int day) {
    auto& mothers = world_.mothers;
    if (mothers.feeding[i] == Feeding::none) {
      close_case(i);
      return;
    }
    const auto& scheme = world_.scheme[mothers.locality[i]];
    const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
    const bool due = scheme.proactive() ? mothers.next_peer_contact[i] == day
                                      : context.random().uniform(stream::contact_request, id,
                                                                 static_cast<std::uint32_t>(day)) <
                                            scheme.request_probability;
    if (!due) {
      if (!scheme.proactive() && silent_for(i, day) >= scheme.reactive_close_after) {
        ++closed_inactive_today_;
        close_case(i);
      }
      return;
    }
    contact(context, i, day);
    if (mothers.peer_contacts[i] >= scheme.planned_contacts) {
      world_.credit_joint_success(i, day);  // ended still breastfeeding (F3)
      close_case(i);
    } else if (scheme.proactive()) {
      mothers.next_peer_contact[i] = day + scheme.interval;
    }
  }

  void contact(sim::RunContext& context, std::size_t i, int day) {
    auto& mothers = world_.mothers;
    auto& volunteers = world_.volunteers;
    const auto v = static_cast<std::size_t>(mothers.volunteer[i]);
    if (world_.measured(mothers.birth_day[i])) {
      ++world_.tally.peer_contacts;
      if (mothers.peer_contacts[i] == 0) ++world_.tally.reached;
    }
    if (mothers.peer_contacts[i] == 0) mothers.first_peer_contact[i] = day;
    ++mothers.peer_contacts[i];
    mothers.last_peer_contact[i] = day;
    ++world_.today.peer_contacts;
    ++volunteers.contacts_today[v];
    world_.today.peer_visits.push_back({mothers.first_id + static_cast<std::int64_t>(i), static_cast<std::int32_t>(v)});
    // Autonomy helps where the role is agreed (F8); where it is not, it shows as transgressions instead.
    const double initiative =
        1.0 + autonomy_effect_ * volunteers.autonomy[v] * world_.scheme[mothers.locality[i]].boundary_clarity;
    const double gain = std::min(1.0, confidence_gain_ * quality_(world_, i, v) * initiative);
    mothers.confidence[i] += gain * (1.0 - mothers.confidence[i]);
    record_boundary_event(context, i, v, day);
  }

  void record_boundary_event(sim::RunContext& context, std::size_t i, std::size_t v, int day) {
    const auto& mothers = world_.mothers;
    const double unclear = 1.0 - world_.scheme[mothers.locality[i]].boundary_clarity;
    const std::int64_t mother = mothers.first_id + static_cast<std::int64_t>(i);
    auto draws =
        context.random().draws(stream::boundary, static_cast<std::uint32_t>(mother), static_cast<std::uint32_t>(day));
    const bool real = chosen(world_, Side::volunteer, static_cast<std::int32_t>(v), DecisionKind::act_beyond_role, mother, day,
                             draws.uniform() < transgression_probability_ * world_.volunteers.autonomy[v] * unclear);
    const bool ambiguous = !real && draws.uniform() < ambiguity_probability_ * unclear;
    if (!real && !ambiguous) return;
    if (real) ++world_.today.real_transgressions;
    world_.today.boundary_events.push_back(
        {mother, static_cast<std::int32_t>(v), world_.professional_of(i, day), real});
  }

  // Days since her last peer contact or, if later, since this volunteer took her on.
  int silent_for(std::size_t i, int day) const {
    const auto& mothers = world_.mothers;
    return day - std::max(mothers.last_peer_contact[i], mothers.assigned_day[i]);
  }

  void close_case(std::size_t i) {
    auto& mothers = world_.mothers;
    --world_.volunteers.caseload[static_cast<std::size_t>(mothers.volunteer[i])];
    world_.set_volunteer(i, kNobody);
    mothers.next_peer_contact[i] = kNever;
  }

  World& world_;
  struct SeriesIndices {
    std::size_t contacts, transgressions, closed_inactive;
  } series_{};  // where this module records (looked up in the catalog)
  PeerContactQuality quality_;
  double confidence_gain_ = 0.0, autonomy_effect_ = 0.0;
  double transgression_probability_ = 0.0, ambiguity_probability_ = 0.0;
  std::uint32_t closed_inactive_today_ = 0;
};

}  // namespace

static std::unique_ptr<sim::Module> make_peer_support(World& world) { return std::make_unique<PeerSupport>(world); }

static void declare_peer_support(sim::ParameterRegistry& registry) { peer_parameters().declare(registry); }

static void declare_peer_support_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"peer_contacts", "contacts per day", "Volunteer contacts with mothers today"});
  catalog.add_series({"cases_closed_inactive", "cases per day", "Reactive cases closed today because the mother had not asked for a contact for scheme.contact_schedule.close_after"});
  catalog.add_series({"real_transgressions", "events per day", "Peer contacts in which the volunteer acted outside the role (F5)"});
  catalog.add_series_mean({"real_transgressions", "events per year", "Real transgressions over the measured days (from measurement.from)"}, "real_transgressions", sim::kDaysPerYear);
}

const ModuleType& peer_support_module() {
  static const ModuleType type{declare_peer_support, declare_peer_support_outputs, make_peer_support};
  return type;
}

}  // namespace models
