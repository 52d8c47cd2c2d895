// The world of a run, built from its parameters in one place (World::build,
// called by the engine before any module initializes), and the one way
// volunteers join it (at the start and with every later cohort).
#include <cmath>

#include "models/declare.hpp"
#include "models/feeding_curve.hpp"
#include "models/parameters.hpp"
#include "models/streams.hpp"
#include "models/world.hpp"

namespace models {
namespace {

const char* const kStudy =
    "Breastfriends study (Midwifery 2007;23(2):146-56): 7 volunteers, 9 midwives and health visitors";

constexpr std::size_t kTrainingGroup = 12;  // a course trains at most this many women together

sim::ParameterBlock<WorldParameters> declare_world_parameters() {
  using namespace declare;
  const sim::Source none = assumption("no data; a candidate for sensitivity analysis");
  sim::ParameterBlock<WorldParameters> block;
  block.bind(&WorldParameters::births_per_day, {.path = "population.births", .kind = ParameterKind::rate, .default_value = 3000.0 / sim::kDaysPerYear,
         .unit = "per day", .min = 0.0, .max = 10'000.0, .description = "Births in the area (Poisson)",
         .source = data("about 3,000-3,500 births a year in Doncaster (ONS births by area of usual residence)")});
  block.bind(&WorldParameters::localities, {.path = "population.localities", .kind = ParameterKind::integer, .default_value = 4.0, .unit = "localities",
         .min = 1.0, .max = 10'000.0,
         .description = "Localities (team areas): professionals, volunteers and mothers belong to one",
         .source = assumption("a town divided into a few community midwifery and health-visiting teams")});
  block.bind(&WorldParameters::cultural_groups, {.path = "population.cultural_groups", .kind = ParameterKind::shares,
         .default_value = sim::Shares{{"majority", 0.9}, {"minority", 0.1}}, .unit = "share",
         .description = "Cultural groups of mothers and volunteers and their shares",
         .source = assumption("a majority group and one minority group; set from the local census"), .finding = "F4"});
  block.bind(&WorldParameters::midwives, {.path = "professionals.midwives", .kind = ParameterKind::integer, .default_value = 90.0, .unit = "midwives",
         .min = 0.0, .max = 1'000'000.0, .description = "Community midwives (full-time equivalents)",
         .source = data("about 33-34 births per full-time midwife per year (Royal College of Midwives); "
                        "3,000 births / 33"),
         .finding = "F3"});
  block.bind(&WorldParameters::health_visitors, {.path = "professionals.health_visitors", .kind = ParameterKind::integer, .default_value = 60.0,
         .unit = "health visitors", .min = 0.0, .max = 1'000'000.0,
         .description = "Health visitors (full-time equivalents)",
         .source = assumption("caseloads of 250-300 families recommended (Unite/CPHVA); set locally"),
         .finding = "F3"});
  block.bind(&WorldParameters::handover_age, {.path = "professionals.handover_age", .kind = ParameterKind::duration, .default_value = 14.0,
         .unit = "days", .min = 1.0, .max = 182.0,
         .description = "Age of the baby at which the health visitor takes over from the midwife",
         .source = data("midwife care ends at 10-28 days (NICE CG37; Healthy Child Programme)"), .finding = "F3"});
  block.bind(&WorldParameters::initial_gatekeeping, share("professionals.initial.gatekeeping", 0.5,
              "Professionals' initial propensity to withhold referral of a mother to a volunteer (0 = refer freely, "
              "1 = never refer)",
              assumption("the study describes some gate-keeping; no measured value"), "F6"));
  block.bind(&WorldParameters::initial_concern, share("professionals.initial.boundary_concern", 0.3, "Professionals' initial concern about volunteers' boundaries",
              assumption("the study describes concern; no measured value"), "F5"));
  block.bind(&WorldParameters::initial_trust, share("professionals.initial.trust_in_volunteers", 0.5, "Professionals' initial trust in a volunteer",
              assumption("no data"), "F5"));
  block.bind(&WorldParameters::initial_surveillance, share("professionals.initial.surveillance", 0.3,
              "Professionals' initial surveillance: the chance of noticing what a volunteer does with their mothers",
              assumption("the study describes surveillance; no measured value"), "F7"));
  block.bind(&WorldParameters::initial_orientation, share("professionals.initial.orientation", 0.4,
              "Professionals' initial orientation: 0 = volunteers work for me, 1 = with me",
              assumption("the study: some prefer volunteers to work 'for' them"), "F8"));
  block.bind(&WorldParameters::peer_support, {.path = "scheme.peer_support", .kind = ParameterKind::boolean, .default_value = true,
         .description = "Whether the peer-support scheme runs at all (false: usual care only)",
         .source = setting("switch for the no-peer-support comparison")});
  block.bind(&WorldParameters::initial_volunteers, {.path = "volunteers.initial", .kind = ParameterKind::integer, .default_value = 7.0, .unit = "volunteers",
         .min = 0.0, .max = 1'000'000.0, .description = "Trained volunteer peer supporters at the start",
         .source = data(kStudy), .finding = "F1"});
  block.bind(&WorldParameters::volunteer_capacity, {.path = "volunteers.capacity", .kind = ParameterKind::integer, .default_value = 6.0, .unit = "mothers",
         .min = 1.0, .max = 100.0, .description = "Mothers a volunteer supports at one time",
         .source = data("schemes report a few to ten mothers per volunteer at a time (model brief)")});
  block.bind(&WorldParameters::joining_self_esteem, share("volunteers.on_joining.self_esteem", 0.5, "Self-esteem of a newly trained volunteer", none, "F2"));
  block.bind(&WorldParameters::joining_social_support, share("volunteers.on_joining.social_support", 0.4, "Social support of a newly trained volunteer", none, "F1"));
  block.bind(&WorldParameters::joining_skill, share("volunteers.on_joining.skill", 0.5, "Skill and knowledge of a newly trained volunteer", none, "F2"));
  block.bind(&WorldParameters::joining_autonomy, share("volunteers.on_joining.autonomy", 0.2, "Autonomy (proactivity) of a newly trained volunteer", none, "F8"));
  block.bind(&WorldParameters::joining_trust, share("volunteers.on_joining.trust_in_professionals", 0.6, "A new volunteer's trust in professionals", none));
  block.bind(&WorldParameters::joining_commitment, share("volunteers.on_joining.commitment", 0.7, "Commitment of a newly trained volunteer", none));
  block.bind(&WorldParameters::team_neighbours, {.path = "network.team_neighbours", .kind = ParameterKind::integer, .default_value = 4.0, .unit = "colleagues",
         .min = 0.0, .max = 100.0,
         .description = "Close colleagues of each professional in the locality team (small-world ring, even)",
         .source = assumption("small community teams; concern spreads over these ties"), .finding = "F5"});
  block.bind(&WorldParameters::team_rewiring, share("network.team_rewiring", 0.1,
              "Chance that a team tie links to another colleague of the locality at random (small-world rewiring)",
              assumption("Watts-Strogatz default for clustered but short-path teams"), "F5"));
  block.bind(&WorldParameters::cohort_tie_probability, share("network.cohort_tie_probability", 0.8,
              "Chance that two volunteers trained in the same group (at most 12) become friends (dense within a cohort)",
              assumption("training groups of a few women mostly bond"), "F1"));
  block.bind(&WorldParameters::working_tie_probability, share("network.working_tie_probability", 0.3,
              "Chance that a professional and a volunteer of the same locality work together",
              assumption("a few working relationships per volunteer"), "F6"));
  return block;
}

}  // namespace

const sim::ParameterBlock<WorldParameters>& world_parameters() {
  static const sim::ParameterBlock<WorldParameters> block = declare_world_parameters();
  return block;
}

void World::build(const sim::ParameterSet& run_parameters, const sim::RandomStreams& random, int days) {
  parameters = world_parameters().read(run_parameters);
  const auto& p = parameters;
  const auto localities = static_cast<std::uint16_t>(p.localities);
  double total = 0.0;
  for (const auto& [name, share] : p.cultural_groups) cumulative_culture.push_back(total += share);
  groups = cumulative_culture.size();
  curve = derive_feeding_curve(run_parameters);
  measure_from = static_cast<int>(std::lround(run_parameters.real("measurement.from")));
  measure_until = days - 1 - kAge6Months;
  handover_age = static_cast<int>(std::lround(p.handover_age));
  initial_trust = p.initial_trust;
  scheme.assign(localities, scheme_parameters().read(run_parameters));
  midwives_in.assign(localities, {});
  health_visitors_in.assign(localities, {});
  volunteers_in.assign(localities, {});
  const auto add_professionals = [&](Role role, long long count) {
    auto& by_locality = role == Role::midwife ? midwives_in : health_visitors_in;
    for (long long i = 0; i < count; ++i) {
      const auto locality = static_cast<std::uint16_t>(i % localities);
      by_locality[locality].push_back(static_cast<std::int32_t>(professionals.count()));
      professionals.role.push_back(role);
      professionals.locality.push_back(locality);
      professionals.gatekeeping.push_back(p.initial_gatekeeping);
      professionals.concern.push_back(p.initial_concern);
      professionals.surveillance.push_back(p.initial_surveillance);
      professionals.orientation.push_back(p.initial_orientation);
      professionals.workload.push_back(0.0);
    }
    professionals.knowledge.assign(professionals.count() * groups, 0.0);
  };
  add_professionals(Role::midwife, p.midwives);
  add_professionals(Role::health_visitor, p.health_visitors);
  trust.assign(professionals.count(), {});
  size_trust_caches();  // none summarised yet (World::trust_summary)
  graph = sim::SocialGraph(professionals.count());
  // Midwives and health visitors of a locality work as one team.
  for (std::uint16_t locality = 0; locality < localities; ++locality) {
    std::vector<std::size_t> team;
    for (const auto id : midwives_in[locality]) team.push_back(static_cast<std::size_t>(id));
    for (const auto id : health_visitors_in[locality]) team.push_back(static_cast<std::size_t>(id));
    teams.push_back(std::move(team));
  }
  for (std::uint16_t locality = 0; locality < localities; ++locality)
    sim::add_small_world(graph, teams[locality], static_cast<int>(p.team_neighbours), p.team_rewiring, layer::team,
                         random, stream::team_ties);
  if (p.peer_support) add_volunteers(spread_over_localities(p.initial_volunteers), 0, 0, random);
}

std::vector<std::uint16_t> World::spread_over_localities(long long count) {
  std::vector<std::uint16_t> localities;
  for (long long i = 0; i < count; ++i)
    localities.push_back(static_cast<std::uint16_t>(next_locality++ % static_cast<std::size_t>(parameters.localities)));
  return localities;
}

std::uint8_t World::pick_culture(double u) const {
  std::uint8_t group = 0;
  while (group + 1u < cumulative_culture.size() && u >= cumulative_culture[group]) ++group;
  return group;
}

void World::add_volunteers(const std::vector<std::uint16_t>& localities, std::uint16_t cohort, int day,
                           const sim::RandomStreams& random, const std::vector<std::uint8_t>& cultures) {
  const auto& p = parameters;
  std::vector<std::size_t> cohort_vertices;
  for (std::size_t k = 0; k < localities.size(); ++k) {
    const auto locality = localities[k];
    const auto id = static_cast<std::int32_t>(volunteers.count());
    auto draws = random.draws(stream::volunteer_setup, static_cast<std::uint32_t>(id), 0);
    volunteers_in[locality].push_back(id);
    const auto drawn = pick_culture(draws.uniform());  // drawn always, so later draws never shift
    const auto culture = k < cultures.size() && cultures[k] != kAnyCulture ? cultures[k] : drawn;
    volunteers.add(locality, culture, day, cohort, static_cast<std::uint16_t>(p.volunteer_capacity));
    const auto v = static_cast<std::size_t>(id);
    volunteers.self_esteem[v] = p.joining_self_esteem;
    volunteers.social_support[v] = p.joining_social_support;
    volunteers.skill[v] = p.joining_skill;
    volunteers.autonomy[v] = p.joining_autonomy;
    volunteers.trust_in_professionals[v] = p.joining_trust;
    volunteers.commitment[v] = p.joining_commitment;
    const auto vertex = graph.add_vertex();
    cohort_vertices.push_back(vertex);
    sim::add_bipartite_ties(graph, teams[locality], {vertex}, p.working_tie_probability, layer::working, random,
                            stream::working_ties);
    for (const auto professional : graph.neighbours(vertex, layer::working))
      trust_edge(static_cast<std::int32_t>(professional), id);
  }
  // Ties form within a training group.
  for (std::size_t start = 0; start < cohort_vertices.size(); start += kTrainingGroup) {
    const auto end = std::min(cohort_vertices.size(), start + kTrainingGroup);
    sim::add_random_ties(graph, {cohort_vertices.begin() + static_cast<std::ptrdiff_t>(start),
                                 cohort_vertices.begin() + static_cast<std::ptrdiff_t>(end)},
                         p.cohort_tie_probability, layer::cohort, random, stream::cohort_ties);
  }
}

}  // namespace models
