// The start of each day: the scheme settings of every locality (the
// scenario's values, as changed by the interventions in force), the
// one-off interventions that start today, the development process's joint
// meetings (F9). The engine has cleared the day's events. Meetings act at the
// start of the day, on day t's state, before any behaviour.
#include <cmath>
#include <stdexcept>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "models/student_choices.hpp"
#include "sim/statistics.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

struct DevelopmentParameters {
  double concern_relief;  // development.concern_relief
  double trust_gain;  // development.trust_gain
  double orientation_gain;  // development.orientation_gain
  double clarity_gain;  // development.clarity_gain
  double support_gain;  // development.support_gain
};

sim::ParameterBlock<DevelopmentParameters> declare_development_parameters() {
  using namespace declare;
  const sim::Source none = assumption("no data; the study recommends such a process (F9) without measuring it");
  sim::ParameterBlock<DevelopmentParameters> block;
  block.bind(&DevelopmentParameters::concern_relief, share("development.concern_relief", 0.3,
              "Share of a professional's boundary concern that one joint meeting diffuses (it then returns slowly towards "
              "her initial concern, concern.decay, unless meetings go on)", none, "F9"));
  block.bind(&DevelopmentParameters::trust_gain, share("development.trust_gain", 0.1,
              "Share of the gap to full trust gained between professionals and volunteers who meet", none, "F9"));
  block.bind(&DevelopmentParameters::orientation_gain, share("development.orientation_gain", 0.1,
              "Share of the gap to working 'with' volunteers closed per meeting attended", none, "F8, F9"));
  block.bind(&DevelopmentParameters::clarity_gain, share("development.clarity_gain", 0.05,
              "Share of the gap to fully agreed boundaries closed per meeting in the locality", none, "F5, F9"));
  block.bind(&DevelopmentParameters::support_gain, share("development.support_gain", 0.1,
              "Share of the gap to full social support and self-esteem a volunteer gains per meeting", none, "F1, F2, F9"));
  return block;
}

void declare_intervention_kinds(sim::ParameterRegistry& r) {
  using namespace declare;
  using sim::InterventionKind;
  r.add_intervention({.name = "development_process",
                      .description = "Joint meetings of volunteers and professionals every k days: diffuse concern, "
                                     "agree boundaries, build trust, support volunteers",
                      .finding = "F9",
                      .fields = {{.path = "every", .kind = ParameterKind::duration, .default_value = 28.0,
                                  .unit = "days", .min = 1.0, .max = 3652.5, .description = "Time between meetings",
                                  .source = setting("policy lever")},
                                 share("attendance", 0.6, "Chance that each professional and volunteer attends a meeting",
                                       setting("policy lever"))}});
  r.add_intervention({.name = "boundary_protocol",
                      .description = "A written, agreed definition of the volunteer role: boundary clarity rises to "
                                     "the given level at the start and stays after its end (the role stays written)",
                      .finding = "F5",
                      .setters = {{"clarity", "scheme.boundary_clarity"}},
                      .lasting = {"scheme.boundary_clarity"}});
  r.add_intervention({.name = "guaranteed_ward_access",
                      .description = "Volunteers may always meet mothers on the ward and in clinics",
                      .finding = "F6",
                      .fixed = {{"scheme.ward_access", "guaranteed"}}});
  r.add_intervention({.name = "opt_out_referral",
                      .description = "Every breastfeeding mother is referred unless she declines",
                      .finding = "F6",
                      .fixed = {{"scheme.referral_policy", "opt_out"}}});
  r.add_intervention({.name = "contact_schedule",
                      .description = "A different peer contact schedule (proactive or reactive, contacts, timing)",
                      .setters = {{"mode", "scheme.contact_schedule.mode"},
                                  {"contacts", "scheme.contact_schedule.contacts"},
                                  {"first_within", "scheme.contact_schedule.first_within"},
                                  {"interval", "scheme.contact_schedule.interval"},
                                  {"request_rate", "scheme.contact_schedule.request_rate"}}});
  r.add_intervention({.name = "extra_training_cohort",
                      .description = "An extra cohort of newly trained volunteers joins at the start",
                      .finding = "F8",
                      .fields = {{.path = "size", .kind = ParameterKind::integer, .default_value = 8.0,
                                  .unit = "volunteers", .min = 1.0, .max = 100'000.0,
                                  .description = "Volunteers in the extra cohort", .source = setting("policy lever")}}});
  r.add_intervention({.name = "surveillance_policy",
                      .description = "A cap on professionals' surveillance of volunteers (light-touch supervision)",
                      .finding = "F7",
                      .setters = {{"max_surveillance", "professionals.surveillance_max"}}});
  r.add_intervention({.name = "set",
                      .description = "Sets any parameter that can change during a run, for the given period (or, "
                                     "lasting: true, from its start on for good)",
                      .fields = {{.path = "lasting", .kind = ParameterKind::boolean, .default_value = false,
                                  .description = "Whether its values outlast it: true sets them once at the start and "
                                                 "keeps them; false (default) returns them at its end to what they were",
                                  .source = setting("the scenario author's choice")}},
                      .free_settings = true});
}


const sim::ParameterBlock<DevelopmentParameters>& development_parameters() {
  static const sim::ParameterBlock<DevelopmentParameters> block = declare_development_parameters();
  return block;
}


struct DevelopmentEffects {
  double concern_relief, trust_gain, orientation_gain, clarity_gain, support_gain;
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
    const auto& c = context.catalog();
    series_ = {c.series_index("boundary_clarity")};
    const auto values = development_parameters().read(context.parameters());
    lasting_.assign(world_.scheme.size(), scheme_parameters().read(context.parameters()));
    const auto& registry = context.parameters().registry();  // the kinds, resolved once: the step compares declarations
    development_ = registry.find_intervention("development_process");
    extra_cohort_ = registry.find_intervention("extra_training_cohort");
    effects_ = {values.concern_relief, values.trust_gain,
                values.orientation_gain, values.clarity_gain,
                values.support_gain};
  }

  void on_record(sim::RunContext& context) override {
    double clarity = 0.0;
    for (const auto& scheme : world_.scheme) clarity += scheme.boundary_clarity;
    context.record(series_.clarity, clarity / static_cast<double>(world_.scheme.size()));
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    const auto& interventions = context.parameters().interventions;
    bool changed = false;
    for (const auto& intervention : interventions) {
      changed = changed || starts(intervention, day) || std::lround(intervention.end) == day;
      if (starts(intervention, day)) start_of(intervention);
      if (intervention.type == development_ && is_meeting_day(intervention, day)) meet(context, intervention);
    }
    if (changed) recompute_settings(interventions, day);
  }

  static bool starts(const sim::Intervention& intervention, int day) { return std::lround(intervention.start) == day; }

  // Whether an intervention's setting of `path` outlasts it: declared by its kind (a protocol's clarity),
  // or chosen by the scenario for a free `set` (lasting: true).
  static bool lasts(const sim::Intervention& intervention, const std::string& path) {
    const auto& kind = *intervention.type;
    for (const auto& lasting : kind.lasting)
      if (lasting == path) return true;
    for (const auto& field : kind.fields)
      if (field.path == "lasting") return intervention.number("lasting") != 0.0;
    return false;
  }

  // Settings in force in each locality: its lasting settings (the scenario's, changed for good by
  // lasting interventions at their start and by joint meetings), then each intervention in force
  // whose settings do not last, in file order. Recomputed when an intervention starts or ends.
  void recompute_settings(const std::vector<sim::Intervention>& interventions, int day) {
    for (std::size_t l = 0; l < world_.scheme.size(); ++l) {
      LocalScheme scheme = lasting_[l];
      for (const auto& intervention : interventions)
        if (intervention.in_force(day) && intervention.targets_locality(static_cast<int>(l)))
          for (const auto& [path, value] : intervention.settings)
            if (!lasts(intervention, path)) set(scheme, path, value);
      world_.scheme[l] = scheme;
    }
  }

  static void set(LocalScheme& scheme, const std::string& path, const sim::ParameterValue& value) {
    if (!scheme_parameters().apply(scheme, path, value))
      throw std::logic_error("no scheme setting for run-time parameter '" + path + "'");
  }

  void start_of(const sim::Intervention& intervention) {
    for (const auto& [path, value] : intervention.settings)
      if (lasts(intervention, path))
        for (std::size_t l = 0; l < world_.scheme.size(); ++l)
          if (intervention.targets_locality(static_cast<int>(l))) set(lasting_[l], path, value);
    if (intervention.type == extra_cohort_) {
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
      if (!vo.active[v] || !intervention.targets_locality(vo.locality[v]) || !chosen(world_, Side::volunteer, static_cast<std::int32_t>(v), DecisionKind::attend_meeting, kNoSubject,
                                                                       context.day(), attends(professionals + v)))
        continue;
      volunteers_present[vo.locality[v]].push_back(static_cast<std::int32_t>(v));
      vo.social_support[v] += effects_.support_gain * (1.0 - vo.social_support[v]);
      vo.self_esteem[v] += effects_.support_gain * (1.0 - vo.self_esteem[v]);
      vo.trust_in_professionals[v] += effects_.trust_gain * (1.0 - vo.trust_in_professionals[v]);
    }
    auto& pros = world_.professionals;
    for (std::size_t k = 0; k < professionals; ++k) {
      const auto locality = pros.locality[k];
      if (!intervention.targets_locality(locality) ||
          !chosen(world_, Side::professional, static_cast<std::int32_t>(k), DecisionKind::attend_meeting, kNoSubject,
                  context.day(), attends(k)))
        continue;
      pros.concern[k] -= effects_.concern_relief * pros.concern[k];
      pros.orientation[k] += effects_.orientation_gain * (1.0 - pros.orientation[k]);
      for (const auto v : volunteers_present[locality]) {
        double& trust = world_.trust_edge(static_cast<std::int32_t>(k), v);
        trust += effects_.trust_gain * (1.0 - trust);
      }
    }
    // Boundaries agreed at a meeting stay agreed: the lasting clarity rises, and so does the one in force.
    for (std::size_t l = 0; l < world_.scheme.size(); ++l)
      if (intervention.targets_locality(static_cast<int>(l)))
        for (auto* clarity : {&lasting_[l].boundary_clarity, &world_.scheme[l].boundary_clarity})
          *clarity += effects_.clarity_gain * (1.0 - *clarity);
  }

  World& world_;
  struct SeriesIndices {
    std::size_t clarity;
  } series_{};  // where this module records (looked up in the catalog)
  std::vector<LocalScheme> lasting_;  // by locality: the settings that outlast interventions (recompute_settings)
  const sim::InterventionKind* development_ = nullptr;
  const sim::InterventionKind* extra_cohort_ = nullptr;
  DevelopmentEffects effects_{};
};

}  // namespace

static std::unique_ptr<sim::Module> make_interventions(World& world) { return std::make_unique<Interventions>(world); }

static void declare_interventions(sim::ParameterRegistry& registry) {
  development_parameters().declare(registry);
  declare_intervention_kinds(registry);
}

static void declare_interventions_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"boundary_clarity", "score 0-1", "Mean boundary clarity over localities (F5, F9)"});
}

const ModuleType& interventions_module() {
  static const ModuleType type{declare_interventions, declare_interventions_outputs, make_interventions};
  return type;
}

}  // namespace models
