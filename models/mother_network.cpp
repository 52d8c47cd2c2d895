// The mother-mother layer (F8): community ties between mothers, formed as
// they arrive with homophily by locality and culture, and word of mouth over
// them: a mother supported by a volunteer today tells her ties, and a tie who
// breastfeeds and has no support yet may ask the scheme for it herself (a
// self-referral, joining the waiting list like a referral). Recruitment of
// future volunteers through ties is in demography (it happens as mothers
// leave at 26 weeks).
//
// Ties are drawn, on a mother's day of birth, from a small pool of the mothers
// who arrived most recently in her locality (those whose babies are near hers
// in age: antenatal classes, baby groups), so the layer costs O(births x ties)
// to build, O(mothers followed x kMotherTies) memory, and word of mouth costs
// O(peer contacts x kMotherTies) a day: no pass over pairs.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "models/declare.hpp"
#include "models/modules.hpp"
#include "models/streams.hpp"
#include "sim/quantity.hpp"
#include "sim/statistics.hpp"

namespace models {
namespace {

struct MotherNetworkParameters {
  long long ties;  // network.mother_ties
  double homophily;  // network.mother_homophily
  long long pool;  // network.mother_tie_pool
  double word_of_mouth;  // peer_support.word_of_mouth
  bool tells;  // mechanisms.word_of_mouth
};

sim::ParameterBlock<MotherNetworkParameters> declare_mother_network_parameters() {
  using namespace declare;
  sim::ParameterBlock<MotherNetworkParameters> block;
  block.bind(&MotherNetworkParameters::ties, {.path = "network.mother_ties", .kind = ParameterKind::integer, .default_value = 3.0,
         .unit = "ties", .min = 0.0, .max = static_cast<double>(kMotherTies),
         .description = "Community ties a mother forms on arrival with mothers of her locality who arrived shortly "
                        "before her (each also gains the tie while she has fewer than 6)",
         .source = assumption("a few friends met at antenatal classes and baby groups; no data"), .finding = "F8"});
  block.bind(&MotherNetworkParameters::homophily, share("network.mother_homophily", 0.6,
              "Chance that a tie is drawn among mothers of her own cultural group; otherwise among all mothers of "
              "her locality (so the share of same-group ties is this + (1 - this) x the group's share)",
              assumption("friendship ties are strongly homophilous (McPherson et al., Annu Rev Sociol 2001)"), "F4, F8"));
  block.bind(&MotherNetworkParameters::pool, {.path = "network.mother_tie_pool", .kind = ParameterKind::integer, .default_value = 64.0,
         .unit = "mothers", .min = 1.0, .max = 10'000.0,
         .description = "Most recent arrivals of a locality (and of each cultural group in it) among whom a new "
                        "mother's ties are drawn: babies near hers in age",
         .source = assumption("about a month of births in a town's locality; bounds memory"), .finding = "F8"});
  block.bind(&MotherNetworkParameters::word_of_mouth, share("peer_support.word_of_mouth", 0.05,
              "Chance, per peer contact of a supported mother and per tie of hers who breastfeeds and has no "
              "support yet, that the tie asks the scheme for a volunteer herself (word of mouth)",
              assumption("schemes report self-referrals by word of mouth; no rate measured"), "F8"));
  block.mechanism(&MotherNetworkParameters::tells,
                  {.name = "word_of_mouth", .module = "mother_network", .finding = "F8",
                   .what = "a supported mother's community ties ask the scheme for a volunteer themselves",
                   .knocked_out = "nobody refers herself: mothers reach the scheme only through professionals and "
                                  "volunteers' direct access"});
  return block;
}

const sim::ParameterBlock<MotherNetworkParameters>& mother_network_parameters() {
  static const sim::ParameterBlock<MotherNetworkParameters> block = declare_mother_network_parameters();
  return block;
}

// The last `size` ids added, oldest overwritten first.
class RecentPool {
 public:
  explicit RecentPool(std::size_t size = 0) : ids_(size) {}
  void add(std::int32_t id) {
    ids_[next_] = id;
    next_ = (next_ + 1) % ids_.size();
    filled_ = std::min(filled_ + 1, ids_.size());
  }
  [[nodiscard]] std::size_t size() const { return filled_; }
  [[nodiscard]] std::int32_t at(std::size_t k) const { return ids_[k]; }

 private:
  std::vector<std::int32_t> ids_;
  std::size_t next_ = 0, filled_ = 0;
};

class MotherNetwork final : public sim::Module {
 public:
  explicit MotherNetwork(World& world)
      : Module({.name = "mother_network",
                .purpose = "mothers' community ties by locality and culture; word of mouth raises self-referrals (F8)",
                .reads = {"mothers.birth_day", "mothers.locality", "mothers.culture", "today.peer_visits", "mothers.feeding", "mothers.referred_day", "mothers.volunteer"},
                .writes = {"mothers.ties", "mothers.referred_day", "waiting", "tally"}}),
        world_(world) {}

 private:
  void on_initialize(sim::RunContext& context) override {
    parameters_ = mother_network_parameters().read(context.parameters());
    const auto& c = context.catalog();
    requests_series_ = c.series_index("word_of_mouth_requests");
    summary_ = {c.summary_index("network_mother_mean_degree"), c.summary_index("network_mother_same_culture")};
    const auto pool = static_cast<std::size_t>(parameters_.pool);
    const auto localities = static_cast<std::size_t>(world_.parameters.localities);
    locality_pool_.assign(localities, RecentPool(pool));
    group_pool_.assign(localities * world_.groups, RecentPool(pool));
  }

  void on_record(sim::RunContext& context) override {
    context.record(requests_series_, requests_today_);
  }

  void on_step(sim::RunContext& context) override {
    const int day = context.day();
    requests_today_ = 0;
    auto& mothers = world_.mothers;
    // Two passes: the newborns' partners drawn from the pools first (their tie
    // records fetched ahead: they are scattered over the last weeks' mothers),
    // then the ties made in the same order as one pass would make them.
    partners_.clear();
    for (std::size_t i = mothers.first_born_from(day); i < mothers.count(); ++i) draw_partners(context, i);
    for (const auto& [a, b] : partners_) tie(a, b);
    if (!world_.parameters.peer_support || !parameters_.tells || parameters_.word_of_mouth <= 0.0) return;
    // Today's supported mothers: a plain search of one column (the pass over the mothers is its cost).
    // Today's peer contacts (peer_support lists them in index order, one per mother):
    // the mothers whose last peer contact is today, without a scan of every mother.
    for (const auto& visit : world_.today.peer_visits) tell_ties(context, mothers.index(visit.mother), day);
  }

  // Her ties among the recent arrivals of her locality (of her group, with
  // probability homophily); then she joins those pools herself.
  void draw_partners(sim::RunContext& context, std::size_t i) {
    auto& mothers = world_.mothers;
    const auto id = static_cast<std::int32_t>(mothers.first_id + static_cast<std::int64_t>(i));
    auto& own_locality = locality_pool_[mothers.locality[i]];
    auto& own_group = group_pool_[mothers.locality[i] * world_.groups + mothers.culture[i]];
    auto draws = context.random().draws(stream::mother_ties, static_cast<std::uint32_t>(id), 0);
    for (long long t = 0; t < parameters_.ties; ++t) {
      const auto& pool = draws.uniform() < parameters_.homophily ? own_group : own_locality;
      const double u = draws.uniform();
      if (pool.size() == 0) continue;
      const auto other = pool.at(std::min(pool.size() - 1, static_cast<std::size_t>(u * static_cast<double>(pool.size()))));
      if (other < mothers.first_id + static_cast<std::int64_t>(mothers.departed)) continue;  // she has left
      partners_.emplace_back(i, mothers.index(other));
      __builtin_prefetch(&mothers.ties[mothers.index(other)]);
    }
    own_locality.add(id);
    own_group.add(id);
  }

  // An undirected tie, kept at both ends while each has room.
  void tie(std::size_t a, std::size_t b) {
    auto& ties = world_.mothers.ties;
    const auto id_of = [&](std::size_t i) { return static_cast<std::int32_t>(world_.mothers.first_id + static_cast<std::int64_t>(i)); };
    if (ties[a].count >= kMotherTies || ties[b].count >= kMotherTies) return;
    for (std::uint8_t k = 0; k < ties[a].count; ++k)
      if (ties[a].id[k] == id_of(b)) return;  // already friends
    ties[a].id[ties[a].count++] = id_of(b);
    ties[b].id[ties[b].count++] = id_of(a);
  }

  // A mother supported today tells her ties; one who breastfeeds, is not
  // referred and has no volunteer asks for one with probability word_of_mouth.
  void tell_ties(sim::RunContext& context, std::size_t i, int day) {
    auto& mothers = world_.mothers;
    const auto teller = static_cast<std::uint32_t>(mothers.first_id + static_cast<std::int64_t>(i));
    const auto followed_from = mothers.first_id + static_cast<std::int64_t>(mothers.departed);
    const auto& ties = mothers.ties[i];
    for (std::uint8_t k = 0; k < ties.count; ++k) {
      if (ties.id[k] < followed_from) continue;
      const auto j = mothers.index(ties.id[k]);
      if (mothers.feeding[j] == Feeding::none || mothers.referred_day[j] != kNever || mothers.volunteer[j] != kNobody) continue;
      if (context.random().uniform(stream::word_of_mouth, teller, static_cast<std::uint32_t>(day), k) >= parameters_.word_of_mouth)
        continue;
      mothers.referred_day[j] = day;
      if (world_.measured(mothers.birth_day[j])) ++world_.tally.referred;
      world_.waiting.push_back(mothers.first_id + static_cast<std::int64_t>(j));
      ++requests_today_;
    }
  }

  // The layer on the last day, over the mothers followed then.
  void on_finalize(sim::RunContext& context) override {
    const auto& mothers = world_.mothers;
    const auto followed_from = mothers.first_id + static_cast<std::int64_t>(mothers.departed);
    std::size_t ends = 0, same = 0;
    for (std::size_t i = mothers.departed; i < mothers.count(); ++i)
      for (std::uint8_t k = 0; k < mothers.ties[i].count; ++k) {
        if (mothers.ties[i].id[k] < followed_from) continue;
        ++ends;
        same += mothers.culture[mothers.index(mothers.ties[i].id[k])] == mothers.culture[i];
      }
    const auto followed = mothers.count() - mothers.departed;
    context.set_summary(summary_.mean_degree, followed ? static_cast<double>(ends) / static_cast<double>(followed) : std::nan(""));
    context.set_summary(summary_.same_culture, ends ? static_cast<double>(same) / static_cast<double>(ends) : std::nan(""));
  }

  World& world_;
  MotherNetworkParameters parameters_{};
  std::size_t requests_series_ = 0;
  struct SummaryIndices {
    std::size_t mean_degree, same_culture;
  } summary_{};
  std::vector<RecentPool> locality_pool_, group_pool_;  // [locality], [locality * groups + group]
  std::uint32_t requests_today_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> partners_;  // today's (newborn, partner) indices, in draw order
};

}  // namespace

static std::unique_ptr<sim::Module> make_mother_network(World& world) { return std::make_unique<MotherNetwork>(world); }

static void declare_mother_network(sim::ParameterRegistry& registry) { mother_network_parameters().declare(registry); }

static void declare_mother_network_outputs(sim::OutputCatalog& catalog) {
  catalog.add_series({"word_of_mouth_requests", "requests per day", "Mothers who asked the scheme for a volunteer after a tie of theirs was supported (self-referrals by word of mouth, F8)"});
  catalog.add_series_mean({"word_of_mouth_requests", "requests per year", "Self-referrals by word of mouth over the measured days (from measurement.from)"}, "word_of_mouth_requests", sim::kDaysPerYear);
  catalog.add_summary({"network_mother_mean_degree", "ties", "Mean community ties per mother followed on the last day, to mothers still followed"});
  catalog.add_summary({"network_mother_same_culture", "share of ties", "Share of those ties within one cultural group (homophily)"});
}

const ModuleType& mother_network_module() {
  static const ModuleType type{declare_mother_network, declare_mother_network_outputs, make_mother_network};
  return type;
}

}  // namespace models
