// Boundary perception (F5, F7): a professional notices a boundary event with
// her mother with a chance equal to her surveillance. A noticed real
// transgression is perceived as one; a concerned professional reads a
// noticed ambiguous act as a transgression with a chance equal to her
// concern (a false alarm). Uses the professionals' state of day t.
#include <cmath>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "models/student_choices.hpp"
#include "sim/quantity.hpp"
#include "sim/statistics.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct PerceptionParameters {
  bool false_alarms;  // mechanism switch
};

const sim::ParameterBlock<PerceptionParameters>& perception_parameters() {
  static const auto block = [] {
    sim::ParameterBlock<PerceptionParameters> b;
    b.mechanism(&PerceptionParameters::false_alarms,
                {.name = "false_alarms", .module = "boundary", .finding = "F5, F7",
                 .what = "a concerned professional who notices an ambiguous act reads it as a transgression with a "
                         "chance equal to her concern",
                 .knocked_out = "only real transgressions are perceived"});
    return b;
  }();
  return block;
}

class BoundaryPerception final : public sim::Module {
 public:
  explicit BoundaryPerception(World& world)
      : Module({.name = "boundary",
                .purpose = "professionals notice boundary events by surveillance; concern reads ambiguity as transgression (F5, F7)",
                .reads = {"today.boundary_events", "professionals.surveillance", "professionals.concern"},
                .writes = {"today.perceived", "today.perceived_transgressions", "today.false_alarms"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& c = context.catalog();
    series_ = {c.series_index("perceived_transgressions"), c.series_index("false_alarms")};
    rates_ = {c.summary_index("perceived_transgressions_per_professional_year"),
              c.summary_index("false_alarms_per_professional_year"),
              c.summary_index("real_transgressions_per_volunteer_year")};
    false_alarms_on_ = perception_parameters().read(context.parameters()).false_alarms;
  }

  void on_record(sim::RunContext& context) override {
    context.record(series_.perceived, world_.today.perceived_transgressions);
    context.record(series_.false_alarms, world_.today.false_alarms);
    if (context.day() < context.measured_from()) return;
    // Rates per person-year over the measured days, for practitioners to judge (no data exist on them).
    perceived_ += world_.today.perceived_transgressions;
    false_alarms_ += world_.today.false_alarms;
    real_ += world_.today.real_transgressions;
    professional_days_ += static_cast<double>(world_.professionals.count());
    for (const auto active : world_.volunteers.active) volunteer_days_ += active;
  }

  void on_finalize(sim::RunContext& context) override {
    const auto per_year = [](double events, double person_days) {
      return person_days > 0 ? events / person_days * sim::kDaysPerYear : std::nan("");
    };
    context.set_summary(rates_.perceived, per_year(perceived_, professional_days_));
    context.set_summary(rates_.false_alarms, per_year(false_alarms_, professional_days_));
    context.set_summary(rates_.real, per_year(real_, volunteer_days_));
  }

  void on_step(sim::RunContext& context) override {
    const auto& pros = world_.professionals;
    for (const auto& event : world_.today.boundary_events) {
      if (event.professional == kNobody) continue;
      const auto k = static_cast<std::size_t>(event.professional);
      auto draws = context.random().draws(stream::noticing, static_cast<std::uint32_t>(event.mother),
                                          static_cast<std::uint32_t>(context.day()));
      if (draws.uniform() >= pros.surveillance[k]) continue;
      const bool model_reports = event.real || (false_alarms_on_ && draws.uniform() < pros.concern[k]);
      if (!chosen(world_, Side::professional, event.professional, DecisionKind::report_concern, event.mother,
                  context.day(), model_reports))
        continue;
      if (!event.real) ++world_.today.false_alarms;
      ++world_.today.perceived_transgressions;
      world_.today.perceived.push_back({event.professional, event.volunteer});
    }
  }

  World& world_;
  struct SeriesIndices {
    std::size_t perceived, false_alarms;
  } series_{};  // where this module records (looked up in the catalog)
  struct RateIndices {
    std::size_t perceived, false_alarms, real;
  } rates_{};
  double perceived_ = 0.0, false_alarms_ = 0.0, real_ = 0.0, professional_days_ = 0.0, volunteer_days_ = 0.0;
  bool false_alarms_on_ = true;
};

}  // namespace

static std::unique_ptr<sim::Module> make_boundary(World& world) { return std::make_unique<BoundaryPerception>(world); }

static void declare_boundary(sim::ParameterRegistry& registry) { perception_parameters().declare(registry); }

static void declare_boundary_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"perceived_transgressions", "events per day", "Boundary events professionals noticed and took as transgressions, real or not (F5, F7)"});
  catalog.add_series({"false_alarms", "events per day", "Ambiguous acts perceived as transgressions (F5)"});
  catalog.add_series_mean({"perceived_transgressions", "events per year", "Perceived transgressions over the measured days (from measurement.from)"}, "perceived_transgressions", sim::kDaysPerYear);
  catalog.add_summary({"perceived_transgressions_per_professional_year", "events per professional per year",
                       "Perceived transgressions (real or not) per professional per year over the measured days (F5)"});
  catalog.add_summary({"false_alarms_per_professional_year", "events per professional per year",
                       "False alarms per professional per year over the measured days (F5)"});
  catalog.add_summary({"real_transgressions_per_volunteer_year", "events per volunteer per year",
                       "Real transgressions per active volunteer per year over the measured days (F5, F8)"});
  catalog.add_series_mean({"false_alarms", "events per year", "False alarms (ambiguous acts perceived as transgressions) over the measured days (from measurement.from)"}, "false_alarms", sim::kDaysPerYear);
}

const ModuleType& boundary_module() {
  static const ModuleType type{declare_boundary, declare_boundary_outputs, make_boundary};
  return type;
}

}  // namespace models
