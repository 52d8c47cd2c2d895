// The start of each day: the scheme settings of every locality (the
// scenario's values, as changed by the interventions in force), the
// one-off interventions that start today, the development process's joint
// meetings (F9). The engine has cleared the day's events. Meetings act at the
// start of the day, on day t's state, before any behaviour.
#include <cmath>
#include <stdexcept>

#include "models/modules.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct DevelopmentEffects {
  double concern_relief, trust_gain, orientation_gain, clarity_gain, support_gain, concern_baseline;
};

class Interventions final : public sim::Module {
 public:
  explicit Interventions(World& world)
      : Module({.name = "interventions",
                .purpose = "start the day: scheme settings by locality, interventions, joint meetings (F9)",
                .reads = {"scenario interventions", "professionals.concern", "professionals.orientation", "volunteers.active", "volunteers.locality", "trust"},
                .writes = {"scheme", "today.extra_cohort", "professionals.concern", "professionals.orientation", "volunteers.social_support", "volunteers.self_esteem", "volunteers.trust_in_professionals", "trust"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    base_ = scheme_parameters().read(p);
    world_.scheme.assign(static_cast<std::size_t>(p.integer("population.localities")), base_);
    effects_ = {p.real("development.concern_relief"), p.real("development.trust_gain"),
                p.real("development.orientation_gain"), p.real("development.clarity_gain"),
                p.real("development.support_gain"), p.real("professionals.concern_baseline")};
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const auto& interventions = context.parameters().interventions;
    bool changed = false;
    for (const auto& intervention : interventions) {
      changed = changed || starts(intervention, day) || std::lround(intervention.end) == day;
      if (starts(intervention, day)) start_of(intervention, context.parameters().registry());
      if (intervention.kind == "development_process" && is_meeting_day(intervention, day)) meet(context, intervention);
    }
    if (changed) recompute_settings(interventions, day);
  }

  static bool starts(const sim::Intervention& intervention, int day) { return std::lround(intervention.start) == day; }

  // Settings in force: the scenario's, then each intervention in force, in file order. Settings
  // that persist after their intervention (declared so, e.g. boundary clarity) are state: set
  // once at an intervention's start (start_of), changed by meetings, never recomputed.
  void recompute_settings(const std::vector<sim::Intervention>& interventions, int day) {
    const auto& settings = scheme_parameters();
    for (std::size_t l = 0; l < world_.scheme.size(); ++l) {
      LocalScheme scheme = base_;
      for (const auto& intervention : interventions)
        if (intervention.in_force(day) && intervention.targets_locality(static_cast<int>(l)))
          for (const auto& [path, value] : intervention.settings) set(scheme, path, value);
      settings.keep_persistent(scheme, world_.scheme[l]);
      world_.scheme[l] = scheme;
    }
  }

  static void set(LocalScheme& scheme, const std::string& path, const sim::ParameterValue& value) {
    if (!scheme_parameters().apply(scheme, path, value))
      throw std::logic_error("no scheme setting for run-time parameter '" + path + "'");
  }

  void start_of(const sim::Intervention& intervention, const sim::ParameterRegistry& registry) {
    for (const auto& [path, value] : intervention.settings)
      if (registry.find(path)->at_end == sim::AtInterventionEnd::persists)
        for (std::size_t l = 0; l < world_.scheme.size(); ++l)
          if (intervention.targets_locality(static_cast<int>(l))) set(world_.scheme[l], path, value);
    if (intervention.kind == "extra_training_cohort") {
      const auto size = static_cast<std::size_t>(intervention.number("size"));
      std::vector<std::uint16_t> targets;
      for (std::size_t l = 0; l < world_.scheme.size(); ++l)
        if (intervention.targets_locality(static_cast<int>(l))) targets.push_back(static_cast<std::uint16_t>(l));
      for (std::size_t k = 0; k < size; ++k) world_.today.extra_cohort.push_back(targets[k % targets.size()]);
    }
  }

  static bool is_meeting_day(const sim::Intervention& intervention, int day) {
    if (!intervention.in_force(day)) return false;
    const double every = intervention.number("every");
    const double k = std::round((day - intervention.start) / every);
    return std::lround(intervention.start + k * every) == day;
  }

  // Attendance is drawn for each person and meeting; those who meet change together (F9).
  void meet(sim::RunContext& context, const sim::Intervention& intervention) {
    const double attendance = intervention.number("attendance");
    const auto day = static_cast<std::uint32_t>(context.day());
    const std::size_t professionals = world_.professionals.count();
    const auto attends = [&](std::size_t vertex) {
      return context.random().uniform(stream::meetings, static_cast<std::uint32_t>(vertex), day) < attendance;
    };
    std::vector<std::vector<std::int32_t>> volunteers_present(world_.scheme.size());
    auto& vo = world_.volunteers;
    for (std::size_t v = 0; v < vo.count(); ++v) {
      if (!vo.active[v] || !intervention.targets_locality(vo.locality[v]) || !attends(professionals + v)) continue;
      volunteers_present[vo.locality[v]].push_back(static_cast<std::int32_t>(v));
      vo.social_support[v] += effects_.support_gain * (1.0 - vo.social_support[v]);
      vo.self_esteem[v] += effects_.support_gain * (1.0 - vo.self_esteem[v]);
      vo.trust_in_professionals[v] += effects_.trust_gain * (1.0 - vo.trust_in_professionals[v]);
    }
    auto& pros = world_.professionals;
    for (std::size_t k = 0; k < professionals; ++k) {
      const auto locality = pros.locality[k];
      if (!intervention.targets_locality(locality) || !attends(k)) continue;
      pros.concern[k] -= effects_.concern_relief * std::max(0.0, pros.concern[k] - effects_.concern_baseline);
      pros.orientation[k] += effects_.orientation_gain * (1.0 - pros.orientation[k]);
      for (const auto v : volunteers_present[locality]) {
        double& trust = world_.trust_edge(static_cast<std::int32_t>(k), v);
        trust += effects_.trust_gain * (1.0 - trust);
      }
    }
    for (std::size_t l = 0; l < world_.scheme.size(); ++l)
      if (intervention.targets_locality(static_cast<int>(l)))
        world_.scheme[l].boundary_clarity += effects_.clarity_gain * (1.0 - world_.scheme[l].boundary_clarity);
  }

  World& world_;
  LocalScheme base_;
  DevelopmentEffects effects_{};
};

}  // namespace

std::unique_ptr<sim::Module> make_interventions(World& world) { return std::make_unique<Interventions>(world); }

}  // namespace models
