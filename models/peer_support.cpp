// Peer support: volunteers contact the mothers assigned to them, on a
// proactive schedule (first contact within 48 hours, then every interval) or
// reactively, only when the mother asks. A case closes after the planned
// number of contacts or when the mother stops breastfeeding, freeing room.
#include <cmath>

#include "models/modules.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

class PeerSupport final : public sim::Module {
 public:
  explicit PeerSupport(World& world)
      : Module("peer_support", "volunteers contact assigned mothers, proactively or on request"), world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    proactive_ = p.text("scheme.contact_schedule.mode") == "proactive";
    planned_contacts_ = static_cast<std::uint16_t>(p.integer("scheme.contact_schedule.contacts"));
    interval_ = static_cast<std::int32_t>(std::max(1L, std::lround(p.real("scheme.contact_schedule.interval"))));
    request_probability_ = 1.0 - std::exp(-p.real("scheme.contact_schedule.request_rate"));
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    auto& mothers = world_.mothers;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i) {
      if (mothers.volunteer[i] == kNobody) continue;
      if (mothers.feeding[i] == Feeding::none) {
        close_case(i);
        continue;
      }
      const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
      const bool due = proactive_ ? mothers.next_peer_contact[i] == day
                                  : context.random().uniform(stream::contact_request, id,
                                                             static_cast<std::uint32_t>(day)) < request_probability_;
      if (!due) continue;
      contact(i, day);
      if (mothers.peer_contacts[i] >= planned_contacts_)
        close_case(i);
      else if (proactive_)
        mothers.next_peer_contact[i] = day + interval_;
    }
  }

  void contact(std::size_t i, int day) {
    auto& mothers = world_.mothers;
    if (world_.measured(mothers.birth_day[i])) {
      ++world_.tally.peer_contacts;
      if (mothers.peer_contacts[i] == 0) ++world_.tally.reached;
    }
    ++mothers.peer_contacts[i];
    mothers.last_peer_contact[i] = day;
    ++world_.peer_contacts_today;
  }

  void close_case(std::size_t i) {
    auto& mothers = world_.mothers;
    --world_.volunteers.caseload[static_cast<std::size_t>(mothers.volunteer[i])];
    mothers.volunteer[i] = kNobody;
    mothers.next_peer_contact[i] = kNever;
  }

  World& world_;
  bool proactive_ = true;
  std::uint16_t planned_contacts_ = 4;
  std::int32_t interval_ = 7;
  double request_probability_ = 0.0;
};

}  // namespace

std::unique_ptr<sim::Module> make_peer_support(World& world) { return std::make_unique<PeerSupport>(world); }

}  // namespace models
