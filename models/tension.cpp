// Tension at the interface (F5-F7, F9): how much friction there is between
// volunteers and professionals, from five components, each in [0, 1], each
// counted once, each 0 where there is no friction:
//  - perceived transgressions: the share of peer contacts over the last four
//    weeks that professionals took as transgressions, real or not (F5);
//  - access refused: the share of volunteers' requests for direct access over
//    the last four weeks that professionals refused (F6);
//  - concern above rest: professionals' boundary concern above where it
//    started, as a share of the room above it (F5);
//  - professionals' trust lost: trust in volunteers below where it started,
//    as a share of it, over working ties (F5);
//  - volunteers' trust lost: volunteers' trust in professionals below where
//    it started when they joined, as a share of it (felt surveillance, F7).
// The index is their mean. Gate-keeping and surveillance are responses to
// concern and trust (professional_attitudes), so they are not counted again.
// With no volunteers nothing happens at the interface and every component is
// 0. Reads the day's events and the state at the end of day t; runs last.
#include <algorithm>
#include <array>
#include <cmath>

#include "models/modules.hpp"
#include "sim/statistics.hpp"

namespace models {
namespace {

// Events are counted over this many days: long enough to smooth a small
// scheme's few events a day, short enough to follow a change within a month.
constexpr int kWindowDays = 28;

// Counts of one kind of event and of its opportunities, over the trailing window.
class WindowedShare {
 public:
  void add(int day, double events, double opportunities) {
    const auto slot = static_cast<std::size_t>(day % kWindowDays);
    events_total_ += events - events_[slot];
    opportunities_total_ += opportunities - opportunities_[slot];
    events_[slot] = events;
    opportunities_[slot] = opportunities;
  }
  // Events per opportunity; 0 when there were no opportunities (nothing to rub against).
  [[nodiscard]] double share() const {
    return opportunities_total_ > 0.5 ? std::clamp(events_total_ / opportunities_total_, 0.0, 1.0) : 0.0;
  }

 private:
  std::array<double, kWindowDays> events_{}, opportunities_{};
  double events_total_ = 0.0, opportunities_total_ = 0.0;
};

class Tension final : public sim::Module {
 public:
  explicit Tension(World& world)
      : Module({.name = "tension",
                .purpose = "the tension index from interface events and states, each counted once (F5-F7)",
                .reads = {"today.perceived_transgressions", "today.peer_contacts", "today.access_granted",
                          "today.access_refused", "professionals.concern", "trust", "volunteers.trust_in_professionals",
                          "volunteers.active"},
                .writes = {"tension_index"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("tension_index"),
               {c.series_index("tension_perceived_transgressions"), c.series_index("tension_access_refused"),
                c.series_index("tension_concern_above_rest"), c.series_index("tension_professional_trust_lost"),
                c.series_index("tension_volunteer_trust_lost")}};
  }

  void on_step(sim::RunContext&) override {}

  void on_record(sim::RunContext& context) override {
    const auto& today = world_.today;
    perceived_.add(context.day(), today.perceived_transgressions, today.peer_contacts);
    refused_.add(context.day(), today.access_refused, today.access_granted + today.access_refused);
    const std::array components{perceived_.share(), refused_.share(), concern_above_rest(), professional_trust_lost(),
                                volunteer_trust_lost()};
    double index = 0.0;
    for (std::size_t m = 0; m < components.size(); ++m) {
      context.record(series_.components[m], components[m]);
      index += components[m];
    }
    context.record(series_.index, index / static_cast<double>(components.size()));
  }

  [[nodiscard]] double concern_above_rest() const {
    const double start = world_.parameters.initial_concern;
    if (start >= 1.0) return 0.0;
    sim::RunningMean mean;
    for (const double concern : world_.professionals.concern) mean.add(std::max(0.0, concern - start) / (1.0 - start));
    return mean.n ? mean.value() : 0.0;
  }

  // From each professional's summary (World::trust_summary): a pass over professionals, not over
  // every tie, whose blocks lie scattered over the heap.
  [[nodiscard]] double professional_trust_lost() const {
    double total = 0.0;
    std::size_t ties = 0;
    for (std::size_t k = 0; k < world_.trust.size(); ++k) {
      total += world_.trust_summary(k).shortfall_total;
      ties += world_.trust[k].size();
    }
    return ties ? total / static_cast<double>(ties) : 0.0;
  }

  [[nodiscard]] double volunteer_trust_lost() const {
    const auto& volunteers = world_.volunteers;
    sim::RunningMean mean;
    for (std::size_t v = 0; v < volunteers.count(); ++v)
      if (volunteers.active[v])
        mean.add(shortfall(volunteers.trust_in_professionals[v], world_.parameters.joining_trust));
    return mean.n ? mean.value() : 0.0;
  }

  World& world_;
  struct SeriesIndices {
    std::size_t index;
    std::array<std::size_t, 5> components;
  } series_{};
  WindowedShare perceived_, refused_;
};

}  // namespace

static std::unique_ptr<sim::Module> make_tension(World& world) { return std::make_unique<Tension>(world); }

static void declare_tension_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"tension_index", "score 0-1",
                      "Tension at the interface: mean of its five components (tension_*), each 0 without friction"});
  catalog.add_series({"tension_perceived_transgressions", "share of peer contacts",
                      "Peer contacts of the last 4 weeks that professionals perceived as transgressions, real or not (F5)"});
  catalog.add_series({"tension_access_refused", "share of requests",
                      "Volunteers' requests for direct access in the last 4 weeks that professionals refused (F6)"});
  catalog.add_series({"tension_concern_above_rest", "score 0-1",
                      "Mean over professionals of boundary concern above its initial value, as a share of the room "
                      "above it (F5)"});
  catalog.add_series({"tension_professional_trust_lost", "score 0-1",
                      "Mean over working ties of professionals' trust in the volunteer below its initial value, as a "
                      "share of it (F5)"});
  catalog.add_series({"tension_volunteer_trust_lost", "score 0-1",
                      "Mean over active volunteers of trust in professionals below its value on joining, as a share "
                      "of it (F7)"});
  catalog.add_series_mean({"tension_index", "score 0-1", "Mean tension index over the measured days (from measurement.from)"},
                          "tension_index");
  for (const char* component : {"tension_perceived_transgressions", "tension_access_refused", "tension_concern_above_rest",
                                "tension_professional_trust_lost", "tension_volunteer_trust_lost"})
    catalog.add_series_mean({component, "score 0-1",
                             std::string("Mean of the tension component ") + component +
                                 " over the measured days (from measurement.from)"},
                            component);
}

const ModuleType& tension_module() {
  static const ModuleType type{nullptr, declare_tension_outputs, make_tension};
  return type;
}

}  // namespace models
