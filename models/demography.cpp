// Demography: mothers leave at 26 weeks (some supported mothers go on to
// volunteer, F8), training cohorts arrive, mothers are born and start (or
// do not start) breastfeeding. Sets up every agent and the static graph.
#include <cmath>

#include "models/modules.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"

namespace models {
namespace {

// Picks a name's index from cumulative shares with one uniform draw.
std::uint8_t pick_group(const std::vector<double>& cumulative, double u) {
  std::uint8_t group = 0;
  while (group + 1u < cumulative.size() && u >= cumulative[group]) ++group;
  return group;
}

constexpr std::size_t kTrainingGroup = 12;

struct VolunteerStart {
  double self_esteem, social_support, skill, autonomy, trust, commitment;
};

class Demography final : public sim::Module {
 public:
  explicit Demography(World& world)
      : Module({.name = "demography",
                .purpose = "mothers leave at 26 weeks (some become volunteers, F8); training cohorts; births",
                .reads = {"mothers.birth_day", "mothers.volunteer", "mothers.peer_contacts", "mothers.feeding", "candidates", "today.extra_cohort"},
                .writes = {"mothers (born, leaving)", "volunteers (joining)", "volunteers.caseload", "graph.cohort", "graph.working", "trust", "candidates", "today.births", "today.recruits"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    read_parameters(p);
    world_.curve = derive_feeding_curve(p);
    world_.measure_from = static_cast<int>(std::lround(p.real("measurement.from")));
    world_.measure_until = context.days() - 1 - kAge6Months;
    world_.handover_age = static_cast<int>(std::lround(p.real("professionals.handover_age")));
    world_.groups = cumulative_culture_.size();
    world_.initial_trust = p.real("professionals.initial.trust_in_volunteers");
    world_.midwives_in.assign(localities_, {});
    world_.health_visitors_in.assign(localities_, {});
    world_.volunteers_in.assign(localities_, {});
    add_professionals(Role::midwife, p.integer("professionals.midwives"), p);
    add_professionals(Role::health_visitor, p.integer("professionals.health_visitors"), p);
    world_.trust.assign(world_.professionals.count(), {});
    world_.graph = sim::SocialGraph(world_.professionals.count());
    for (std::uint16_t locality = 0; locality < localities_; ++locality) teams_.push_back(team_of(locality));
    for (std::uint16_t locality = 0; locality < localities_; ++locality)
      sim::add_small_world(world_.graph, teams_[locality], static_cast<int>(p.integer("network.team_neighbours")),
                           p.real("network.team_rewiring"), layer::team, context.random(), stream::team_ties);
    if (peer_support_) add_volunteers(context, spread_over_localities(p.integer("volunteers.initial")), 0);
  }

  void read_parameters(const sim::ParameterSet& p) {
    births_per_day_ = p.real("population.births");
    localities_ = static_cast<std::uint16_t>(p.integer("population.localities"));
    double total = 0.0;
    for (const auto& [name, share] : p.shares("population.cultural_groups")) cumulative_culture_.push_back(total += share);
    cohort_every_ = p.real("volunteers.training.every");
    cohort_first_ = p.real("volunteers.training.first");
    cohort_size_ = p.integer("volunteers.training.size");
    peer_support_ = p.boolean("scheme.peer_support");
    capacity_ = static_cast<std::uint16_t>(p.integer("volunteers.capacity"));
    confidence_baseline_ = p.real("mothers.confidence.baseline");
    recruitment_ = p.real("peer_support.recruitment");
    cohort_tie_probability_ = p.real("network.cohort_tie_probability");
    working_tie_probability_ = p.real("network.working_tie_probability");
    start_ = {p.real("volunteers.on_joining.self_esteem"), p.real("volunteers.on_joining.social_support"),
              p.real("volunteers.on_joining.skill"),       p.real("volunteers.on_joining.autonomy"),
              p.real("volunteers.on_joining.trust_in_professionals"), p.real("volunteers.on_joining.commitment")};
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    retire_mothers(context, day);
    if (peer_support_ && is_cohort_day(day)) {
      auto localities = spread_over_localities(cohort_size_);
      localities.insert(localities.end(), world_.candidates.begin(), world_.candidates.end());
      world_.today.recruits = static_cast<std::uint32_t>(world_.candidates.size());
      world_.candidates.clear();
      add_volunteers(context, localities, ++cohorts_);
    }
    if (peer_support_ && !world_.today.extra_cohort.empty()) add_volunteers(context, world_.today.extra_cohort, ++cohorts_);
    give_births(context, day);
  }

  // Midwives and health visitors of a locality work as one team.
  std::vector<std::size_t> team_of(std::uint16_t locality) const {
    std::vector<std::size_t> team;
    for (const auto id : world_.midwives_in[locality]) team.push_back(static_cast<std::size_t>(id));
    for (const auto id : world_.health_visitors_in[locality]) team.push_back(static_cast<std::size_t>(id));
    return team;
  }

  void add_professionals(Role role, long long count, const sim::ParameterSet& p) {
    auto& by_locality = role == Role::midwife ? world_.midwives_in : world_.health_visitors_in;
    auto& pros = world_.professionals;
    for (long long i = 0; i < count; ++i) {
      const auto locality = static_cast<std::uint16_t>(i % localities_);
      by_locality[locality].push_back(static_cast<std::int32_t>(pros.count()));
      pros.role.push_back(role);
      pros.locality.push_back(locality);
      pros.gatekeeping.push_back(p.real("professionals.initial.gatekeeping"));
      pros.concern.push_back(p.real("professionals.initial.boundary_concern"));
      pros.surveillance.push_back(p.real("professionals.initial.surveillance"));
      pros.orientation.push_back(p.real("professionals.initial.orientation"));
      pros.workload.push_back(0.0);
    }
    pros.knowledge.assign(pros.count() * world_.groups, 0.0);
  }

  // `count` volunteers dealt round-robin over the localities, continuing where the last cohort stopped.
  std::vector<std::uint16_t> spread_over_localities(long long count) {
    std::vector<std::uint16_t> localities;
    for (long long i = 0; i < count; ++i) localities.push_back(static_cast<std::uint16_t>(next_locality_++ % localities_));
    return localities;
  }

  void add_volunteers(sim::RunContext& context, const std::vector<std::uint16_t>& localities, std::uint16_t cohort) {
    auto& volunteers = world_.volunteers;
    std::vector<std::size_t> cohort_vertices;
    for (const auto locality : localities) {
      const auto id = static_cast<std::int32_t>(volunteers.count());
      auto draws = context.random().draws(stream::volunteer_setup, static_cast<std::uint32_t>(id), 0);
      world_.volunteers_in[locality].push_back(id);
      volunteers.add(locality, pick_group(cumulative_culture_, draws.uniform()), context.day(), cohort, capacity_);
      set_initial_experience(static_cast<std::size_t>(id));
      const auto vertex = world_.graph.add_vertex();
      cohort_vertices.push_back(vertex);
      sim::add_bipartite_ties(world_.graph, teams_[locality], {vertex}, working_tie_probability_, layer::working,
                              context.random(), stream::working_ties);
      for (const auto professional : world_.graph.neighbours(vertex, layer::working))
        world_.trust_edge(static_cast<std::int32_t>(professional), id);
    }
    // A course trains at most kTrainingGroup women together; ties form within a group.
    for (std::size_t start = 0; start < cohort_vertices.size(); start += kTrainingGroup) {
      const auto end = std::min(cohort_vertices.size(), start + kTrainingGroup);
      sim::add_random_ties(world_.graph, {cohort_vertices.begin() + static_cast<std::ptrdiff_t>(start),
                                          cohort_vertices.begin() + static_cast<std::ptrdiff_t>(end)},
                           cohort_tie_probability_, layer::cohort, context.random(), stream::cohort_ties);
    }
  }

  void set_initial_experience(std::size_t v) {
    auto& volunteers = world_.volunteers;
    volunteers.self_esteem[v] = start_.self_esteem;
    volunteers.social_support[v] = start_.social_support;
    volunteers.skill[v] = start_.skill;
    volunteers.autonomy[v] = start_.autonomy;
    volunteers.trust_in_professionals[v] = start_.trust;
    volunteers.commitment[v] = start_.commitment;
  }

  bool is_cohort_day(int day) const {
    const double since_first = day - cohort_first_;
    if (since_first < -0.5) return false;
    // The k-th cohort arrives on the day nearest first + k * every.
    const double k = std::round(since_first / cohort_every_);
    return std::lround(cohort_first_ + k * cohort_every_) == day;
  }

  void retire_mothers(sim::RunContext& context, int day) {
    auto& mothers = world_.mothers;
    std::size_t leaving = 0;
    for (std::size_t i = mothers.departed; i < mothers.count() && day - mothers.birth_day[i] > kAge6Months; ++i) {
      if (const auto v = mothers.volunteer[i]; v != kNobody) --world_.volunteers.caseload[static_cast<std::size_t>(v)];
      const auto id = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
      if (peer_support_ && mothers.peer_contacts[i] > 0 && mothers.feeding[i] != Feeding::none &&
          context.random().uniform(stream::recruitment, id, static_cast<std::uint32_t>(day)) < recruitment_)
        world_.candidates.push_back(mothers.locality[i]);
      ++leaving;
    }
    if (leaving) mothers.retire_oldest(leaving);
  }

  void give_births(sim::RunContext& context, int day) {
    auto births = context.random().draws(stream::births, 0, static_cast<std::uint32_t>(day));
    const auto count = births.poisson(births_per_day_);
    auto& mothers = world_.mothers;
    for (std::uint64_t b = 0; b < count; ++b) {
      const auto id = static_cast<std::uint32_t>(mothers.end_id());
      auto draws = context.random().draws(stream::mother_setup, id, 0);
      const auto locality = static_cast<std::uint16_t>(draws.below(localities_));
      const auto culture = pick_group(cumulative_culture_, draws.uniform());
      const auto midwife = pick(world_.midwives_in[locality], draws.uniform());
      const auto health_visitor = pick(world_.health_visitors_in[locality], draws.uniform());
      Feeding feeding = Feeding::none;
      const double initiation = world_.curve.initiation;
      if (draws.uniform() < initiation)
        feeding = draws.uniform() < world_.curve.exclusive_at_birth / initiation ? Feeding::exclusive : Feeding::partial;
      mothers.add(day, locality, culture, feeding, midwife, health_visitor);
      mothers.confidence.back() = confidence_baseline_;
    }
    world_.today.births = static_cast<std::uint32_t>(count);
  }

  static std::int32_t pick(const std::vector<std::int32_t>& ids, double u) {
    if (ids.empty()) return kNobody;
    return ids[std::min(ids.size() - 1, static_cast<std::size_t>(u * static_cast<double>(ids.size())))];
  }

  World& world_;
  double births_per_day_ = 0.0, confidence_baseline_ = 0.0, recruitment_ = 0.0;
  std::uint16_t localities_ = 1;
  std::vector<double> cumulative_culture_;
  std::vector<std::vector<std::size_t>> teams_;  // graph vertices of each locality's professionals
  double cohort_every_ = 0.0, cohort_first_ = 0.0;
  double cohort_tie_probability_ = 0.0, working_tie_probability_ = 0.0;
  long long cohort_size_ = 0;
  std::uint16_t cohorts_ = 0, capacity_ = 1;
  std::size_t next_locality_ = 0;
  bool peer_support_ = true;
  VolunteerStart start_{};
};

}  // namespace

std::unique_ptr<sim::Module> make_demography(World& world) { return std::make_unique<Demography>(world); }

}  // namespace models
