// Demography: mothers leave at 26 weeks, new training cohorts arrive, mothers
// are born and start (or do not start) breastfeeding.
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

class Demography final : public sim::Module {
 public:
  explicit Demography(World& world) : Module("demography", "mothers leave at 26 weeks; training cohorts; births and initiation"), world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    const auto& p = context.parameters();
    births_per_day_ = p.real("population.births");
    localities_ = static_cast<std::uint16_t>(p.integer("population.localities"));
    double total = 0.0;
    for (const auto& [name, share] : p.shares("population.cultural_groups")) cumulative_culture_.push_back(total += share);
    cohort_every_ = p.real("volunteers.training.every");
    cohort_first_ = p.real("volunteers.training.first");
    cohort_size_ = static_cast<int>(p.integer("volunteers.training.size"));
    peer_support_ = p.boolean("scheme.peer_support");
    capacity_ = static_cast<std::uint16_t>(p.integer("volunteers.capacity"));
    world_.curve = derive_feeding_curve(p);
    exclusive_given_initiation_ =
        world_.curve.initiation > 0.0 ? world_.curve.exclusive_at_birth / world_.curve.initiation : 0.0;

    world_.measure_from = static_cast<int>(std::lround(p.real("measurement.from")));
    world_.measure_until = context.days() - 1 - kAge6Months;
    world_.midwives_in.assign(localities_, {});
    world_.health_visitors_in.assign(localities_, {});
    world_.volunteers_in.assign(localities_, {});
    add_professionals(Role::midwife, p.integer("professionals.midwives"), p);
    add_professionals(Role::health_visitor, p.integer("professionals.health_visitors"), p);
    cohort_tie_probability_ = p.real("network.cohort_tie_probability");
    working_tie_probability_ = p.real("network.working_tie_probability");
    world_.graph = sim::SocialGraph(world_.professionals.count());
    for (std::uint16_t locality = 0; locality < localities_; ++locality) teams_.push_back(team_of(locality));
    for (std::uint16_t locality = 0; locality < localities_; ++locality)
      sim::add_small_world(world_.graph, teams_[locality], static_cast<int>(p.integer("network.team_neighbours")),
                           p.real("network.team_rewiring"), layer::team, context.random(), stream::team_ties);
    if (peer_support_) add_volunteers(context, static_cast<int>(p.integer("volunteers.initial")), 0);
  }

  // Midwives and health visitors of a locality work as one team.
  std::vector<std::size_t> team_of(std::uint16_t locality) const {
    std::vector<std::size_t> team;
    for (const auto id : world_.midwives_in[locality]) team.push_back(static_cast<std::size_t>(id));
    for (const auto id : world_.health_visitors_in[locality]) team.push_back(static_cast<std::size_t>(id));
    return team;
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    world_.contacts_today.clear();
    world_.births_today = world_.referrals_today = world_.peer_contacts_today = 0;
    retire_mothers(day);
    if (peer_support_ && cohort_size_ > 0 && is_cohort_day(day)) add_volunteers(context, cohort_size_, ++cohorts_);
    give_births(context, day);
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
    }
  }

  void add_volunteers(sim::RunContext& context, int count, std::uint16_t cohort) {
    auto& volunteers = world_.volunteers;
    std::vector<std::size_t> cohort_vertices;
    for (int i = 0; i < count; ++i) {
      const auto id = static_cast<std::uint32_t>(volunteers.count());
      auto draws = context.random().draws(stream::volunteer_setup, id, 0);
      // Spread each cohort over the localities, starting where the last one stopped.
      const auto locality = static_cast<std::uint16_t>(id % localities_);
      world_.volunteers_in[locality].push_back(static_cast<std::int32_t>(id));
      volunteers.add(locality, pick_group(cumulative_culture_, draws.uniform()), context.day(), cohort, capacity_);
      const auto vertex = world_.graph.add_vertex();
      cohort_vertices.push_back(vertex);
      sim::add_bipartite_ties(world_.graph, teams_[locality], {vertex}, working_tie_probability_, layer::working,
                              context.random(), stream::working_ties);
    }
    // A course trains at most kTrainingGroup women together; ties form within a group.
    for (std::size_t start = 0; start < cohort_vertices.size(); start += kTrainingGroup) {
      const auto end = std::min(cohort_vertices.size(), start + kTrainingGroup);
      sim::add_random_ties(world_.graph, {cohort_vertices.begin() + static_cast<std::ptrdiff_t>(start),
                                          cohort_vertices.begin() + static_cast<std::ptrdiff_t>(end)},
                           cohort_tie_probability_, layer::cohort, context.random(), stream::cohort_ties);
    }
  }

  bool is_cohort_day(int day) const {
    const double since_first = day - cohort_first_;
    if (since_first < -0.5) return false;
    // The k-th cohort arrives on the day nearest first + k * every.
    const double k = std::round(since_first / cohort_every_);
    return std::lround(cohort_first_ + k * cohort_every_) == day;
  }

  void retire_mothers(int day) {
    auto& mothers = world_.mothers;
    std::size_t leaving = 0;
    for (std::size_t i = mothers.departed; i < mothers.count() && day - mothers.birth_day[i] > kAge6Months; ++i) {
      if (const auto v = mothers.volunteer[i]; v != kNobody) --world_.volunteers.caseload[static_cast<std::size_t>(v)];
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
      if (draws.uniform() < world_.curve.initiation)
        feeding = draws.uniform() < exclusive_given_initiation_ ? Feeding::exclusive : Feeding::partial;
      mothers.add(day, locality, culture, feeding, midwife, health_visitor);
    }
    world_.births_today = static_cast<std::uint32_t>(count);
  }

  static std::int32_t pick(const std::vector<std::int32_t>& ids, double u) {
    if (ids.empty()) return kNobody;
    return ids[std::min(ids.size() - 1, static_cast<std::size_t>(u * static_cast<double>(ids.size())))];
  }

  World& world_;
  double births_per_day_ = 0.0, exclusive_given_initiation_ = 0.0;
  std::uint16_t localities_ = 1;
  std::vector<double> cumulative_culture_;
  std::vector<std::vector<std::size_t>> teams_;  // graph vertices of each locality's professionals
  double cohort_every_ = 0.0, cohort_first_ = 0.0;
  double cohort_tie_probability_ = 0.0, working_tie_probability_ = 0.0;
  int cohort_size_ = 0;
  std::uint16_t cohorts_ = 0, capacity_ = 1;
  bool peer_support_ = true;
};

}  // namespace

std::unique_ptr<sim::Module> make_demography(World& world) { return std::make_unique<Demography>(world); }

}  // namespace models
