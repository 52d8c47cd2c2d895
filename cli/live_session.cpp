#include "cli/live_session.hpp"

#include "lab/posterior_draws.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "results/results_file.hpp"
#include "sim/simulation.hpp"

namespace cli {
namespace {

const sim::SourceLocation kPage{"classroom page", 0, 0};

// What a control on the page shows: numbers as numbers, switches as
// booleans, everything else as the words a scenario file would use.
nlohmann::json shown_value(const sim::ParameterSpec& spec, const sim::ParameterValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return *number;
  if (const auto* flag = std::get_if<bool>(&value)) return *flag;
  if (spec.kind == sim::ParameterKind::choice || spec.kind == sim::ParameterKind::text) return std::get<std::string>(value);
  return sim::format_value(spec, value);
}

const std::vector<double>* column(const std::vector<sim::SnapshotColumn>& columns, const std::string& table,
                                  const std::string& name) {
  for (const auto& c : columns)
    if (c.table == table && c.name == name) return &c.values;
  return nullptr;
}

std::uint64_t live_seed(const sim::ParameterSet& parameters) {
  return sim::replicate_seed(static_cast<std::uint64_t>(parameters.integer("seed")), 0);
}

}  // namespace

LiveSession::LiveSession(sim::Scenario scenario, std::uint64_t max_agents)
    : scenario_(std::move(scenario)), max_agents_(max_agents), shown_(scenario_.parameters) {
  reset();
}

LiveSession::Applies LiveSession::change(const std::string& path, const std::string& value) {
  sim::ParameterSet candidate = shown_;
  const auto& spec = sim::set_value(candidate, path, value, kPage);
  if (spec.kind == sim::ParameterKind::text)
    throw sim::InputError(kPage, "'" + path + "' is a name or description; it cannot be changed from the page");
  models::check_parameters(candidate, max_agents_);

  if (!spec.runtime_changeable || live_run_->at_horizon()) {
    shown_ = std::move(candidate);
    waiting_for_reset_.insert(path);
    return Applies::at_reset;
  }
  YAML::Node item;
  item["set"]["start"] = intervention_start();
  item["set"]["values"][path] = sim::format_value(spec, candidate.value(path));  // as checked, in canonical words
  add_live_intervention(item);
  shown_ = std::move(candidate);
  return Applies::now;
}

void LiveSession::set_development_process(bool on) {
  if (on == development_process_in_force()) return;
  development_from_start_ = on;
  if (on) {
    YAML::Node item;
    item["development_process"]["start"] = intervention_start();
    add_live_intervention(item);
    return;
  }
  // Ends each process in force from the next day (removes one that has not met yet).
  const int today = day();
  auto& interventions = live_parameters_->interventions;
  std::erase_if(interventions, [&](const sim::Intervention& intervention) {
    return intervention.kind == "development_process" && intervention.in_force(today) && intervention.start >= today;
  });
  for (auto& intervention : interventions)
    if (intervention.kind == "development_process" && intervention.in_force(today)) intervention.end = today;
}

bool LiveSession::development_process_in_force() const {
  return std::ranges::any_of(live_parameters_->interventions, [&](const sim::Intervention& intervention) {
    return intervention.kind == "development_process" && intervention.in_force(day());
  });
}

void LiveSession::reset_to_scenario() {
  shown_ = scenario_.parameters;
  development_from_start_ = false;
  reset();
}

void LiveSession::reset() {
  auto live = std::make_unique<sim::ParameterSet>(shown_);
  if (development_from_start_) {
    YAML::Node item;
    item["development_process"]["start"] = "0 days";
    live->interventions.push_back(sim::read_intervention(*live, item, kPage.file));
  }
  // The baseline keeps the scenario's world and levers; only the run settings follow the page.
  auto baseline = std::make_unique<sim::ParameterSet>(scenario_.parameters);
  for (const char* setting : {"seed", "horizon"}) baseline->set(setting, shown_.value(setting), shown_.where(setting));
  // The runs hold references to their parameters: they go first.
  live_run_.reset();
  baseline_run_.reset();
  live_parameters_ = std::move(live);
  baseline_parameters_ = std::move(baseline);
  waiting_for_reset_.clear();
  live_changes_ = 0;
  start_runs();
}

void LiveSession::start_runs() {
  const auto& catalog = models::output_catalog();
  const int days = models::simulated_days(*live_parameters_);
  live_run_ = std::make_unique<sim::SteppedRun>(models::build_plan, catalog, *live_parameters_,
                                                live_seed(*live_parameters_), days);
  baseline_run_ = std::make_unique<sim::SteppedRun>(models::build_plan, catalog, *baseline_parameters_,
                                                    live_seed(*baseline_parameters_), days);
}

std::string LiveSession::intervention_start() const { return std::to_string(day()) + " days"; }

void LiveSession::add_live_intervention(const YAML::Node& item) {
  if (live_changes_ >= kMaxLiveChanges)
    throw sim::InputError(kPage, "this run already has " + std::to_string(kMaxLiveChanges) +
                                     " changes; press reset to start again with the current settings");
  live_parameters_->interventions.push_back(sim::read_intervention(*live_parameters_, item, kPage.file));
  ++live_changes_;
}

void LiveSession::advance(int days) {
  for (int k = 0; k < days && live_run_->advance_day(); ++k) baseline_run_->advance_day();
}

nlohmann::json LiveSession::state() const {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& spec : shown_.registry().all()) values[spec.path] = shown_value(spec, shown_.value(spec.path));
  return {{"scenario", scenario_name()},
          {"day", day()},
          {"horizon", horizon()},
          {"seed", live_parameters_->integer("seed")},
          {"development_process", development_process_in_force()},
          {"values", values},
          {"waiting_for_reset", waiting_for_reset_},
          {"live_changes", live_changes_}};
}

nlohmann::json LiveSession::series(const std::vector<std::string>& names, int since) const {
  const auto& catalog = models::output_catalog();
  const int from = std::clamp(since, 0, day());
  nlohmann::json live = nlohmann::json::object(), baseline = nlohmann::json::object();
  for (const auto& name : names) {
    const auto index = catalog.find_series(name);
    if (!index) throw sim::InputError(kPage, "no daily series named '" + name + "'; `ppisim docs outputs` lists them");
    const auto slice = [&](const sim::RunResult& result) {
      const auto* first = result.series.data() + *index * static_cast<std::size_t>(result.days);
      return std::vector<double>(first + from, first + day());
    };
    live[name] = slice(live_run_->result());
    baseline[name] = slice(baseline_run_->result());
  }
  return {{"from", from}, {"to", day()}, {"live", live}, {"baseline", baseline}};
}

namespace {

// The graph of as many whole localities as fit in `max_nodes` (at least one).
nlohmann::json graph_of(const std::vector<sim::SnapshotColumn>& columns, std::size_t max_nodes, int today) {
  const auto* locality = column(columns, "graph_nodes", "locality");
  const auto* vertex = column(columns, "graph_nodes", "vertex");
  if (!locality || !vertex) return {{"nodes", nlohmann::json::object()}, {"edges", nlohmann::json::object()}};

  // Whole localities in order while they fit: ties run within a locality, so a sample keeps its structure.
  std::map<double, std::size_t> per_locality;
  for (const double l : *locality) ++per_locality[l];
  std::set<double> shown_localities;
  std::size_t total = 0;
  for (const auto& [l, count] : per_locality) {
    if (!shown_localities.empty() && total + count > max_nodes) break;
    shown_localities.insert(l);
    total += count;
  }
  std::vector<std::size_t> rows;
  std::set<double> shown_vertices;
  for (std::size_t row = 0; row < locality->size(); ++row)
    if (shown_localities.contains((*locality)[row])) {
      rows.push_back(row);
      shown_vertices.insert((*vertex)[row]);
    }

  nlohmann::json nodes = nlohmann::json::object(), edges = nlohmann::json::object();
  for (const auto& c : columns)
    if (c.table == "graph_nodes") {
      auto& out = nodes[c.name] = nlohmann::json::array();
      for (const auto row : rows) out.push_back(c.values[row]);
    }
  const auto* source = column(columns, "graph_edges", "source");
  const auto* target = column(columns, "graph_edges", "target");
  std::vector<std::size_t> kept;
  for (std::size_t e = 0; source && target && e < source->size(); ++e)
    if (shown_vertices.contains((*source)[e]) && shown_vertices.contains((*target)[e])) kept.push_back(e);
  for (const auto& c : columns)
    if (c.table == "graph_edges") {
      auto& out = edges[c.name] = nlohmann::json::array();
      for (const auto e : kept) out.push_back(c.values[e]);
    }
  return {{"day", today},
          {"localities_shown", shown_localities.size()},
          {"localities", per_locality.size()},
          {"shown_localities", shown_localities},
          {"nodes", nodes},
          {"edges", edges}};
}

// Of `count` rows, at most `most`, evenly spread (rows are in order of birth, so over the ages).
std::vector<std::size_t> spread_sample(const std::vector<std::size_t>& rows, std::size_t most) {
  if (rows.size() <= most) return rows;
  std::vector<std::size_t> kept;
  kept.reserve(most);
  for (std::size_t j = 0; j < most; ++j) kept.push_back(rows[j * rows.size() / most]);
  return kept;
}

// The mothers of the graph's localities: counts by state and a bounded sample with every column.
nlohmann::json mothers_of(const std::vector<sim::SnapshotColumn>& columns, const std::set<double>& localities,
                          std::size_t per_locality) {
  const auto* locality = column(columns, "mothers", "locality");
  const auto* feeding = column(columns, "mothers", "feeding");
  const auto* waiting = column(columns, "mothers", "waiting_since");
  const auto* volunteer = column(columns, "mothers", "volunteer");
  std::map<double, std::vector<std::size_t>> rows;  // every locality drawn, with no mothers yet on day 0
  for (const double l : localities) rows[l];
  for (std::size_t row = 0; locality && feeding && waiting && volunteer && row < locality->size(); ++row)
    if (localities.contains((*locality)[row])) rows[(*locality)[row]].push_back(row);
  nlohmann::json counts = nlohmann::json::array();
  std::vector<std::size_t> drawn;
  for (const auto& [l, mine] : rows) {
    std::size_t fed = 0, queued = 0, supported = 0;
    for (const auto row : mine) {
      fed += (*feeding)[row] > 0;
      queued += std::isfinite((*waiting)[row]);
      supported += std::isfinite((*volunteer)[row]);
    }
    const auto sample = spread_sample(mine, per_locality);
    drawn.insert(drawn.end(), sample.begin(), sample.end());
    counts.push_back({{"locality", l}, {"mothers", mine.size()}, {"drawn", sample.size()}, {"breastfeeding", fed},
                      {"waiting", queued}, {"supported", supported}});
  }
  nlohmann::json sample = nlohmann::json::object();
  for (const auto& c : columns)
    if (c.table == "mothers") {
      auto& out = sample[c.name] = nlohmann::json::array();
      for (const auto row : drawn) out.push_back(c.values[row]);
    }
  return {{"per_locality", counts}, {"sample", sample}, {"most_per_locality", per_locality}};
}

}  // namespace

nlohmann::json LiveSession::uncertainty(const std::vector<std::string>& names) {
  if (!band_ || band_->names != names)
    band_ = posterior_band(scenario_.parameters, names, lab::kDefaultPosterior, kBandDraws, kBandReplicates, max_agents_);
  return band_->to_json(0, band_->days);
}

nlohmann::json LiveSession::graph(std::size_t max_nodes) { return graph_of(live_run_->snapshot(), max_nodes, day()); }

nlohmann::json LiveSession::world(std::size_t max_nodes, std::size_t mothers_per_locality) {
  const auto columns = live_run_->view();
  auto view = graph_of(columns, max_nodes, day());
  const auto localities = view.value("shown_localities", std::set<double>{});
  view["mothers"] = mothers_of(columns, localities, mothers_per_locality);
  return view;
}

std::string LiveSession::scenario_yaml() const {
  sim::Scenario saved{*live_parameters_, scenario_.file, scenario_.chain};
  const std::string name = scenario_name() + "_classroom";
  saved.parameters.set("name", name, kPage);
  return "# Saved from ppisim's classroom page on day " + std::to_string(day()) + ", started from '" +
         scenario_name() + "'.\n# The live run is replicate 0: `ppisim run " + name +
         ".yaml` reproduces it exactly;\n# the page's changes during the run are the `set` and "
         "`development_process` interventions.\n" +
         saved.resolved_yaml();
}

void LiveSession::write_results(const std::filesystem::path& path) const {
  if (day() == 0) throw sim::InputError(kPage, "nothing to save yet: run at least one day");
  sim::Scenario so_far{*live_parameters_, scenario_.file, scenario_.chain};
  so_far.parameters.set("horizon", static_cast<double>(day()), kPage);
  so_far.parameters.set("replicates", 1.0, kPage);
  const auto& parameters = so_far.parameters;
  const auto& catalog = models::output_catalog();
  const std::uint64_t seed = live_seed(parameters);
  auto result = sim::run_one(models::build_plan, catalog, parameters, seed, day(), nullptr, nullptr, true);
  const auto base_seed = static_cast<std::uint64_t>(parameters.integer("seed"));
  const results::RunProvenance provenance{"ppisim serve (classroom page, day " + std::to_string(day()) + ")",
                                      parameters.text("name"), so_far.resolved_yaml(), base_seed, 1};
  results::ResultsWriter writer(path, true, catalog, models::parameter_registry(), 1, day(), provenance);
  writer.write(result, parameters);
  writer.commit();
}

}  // namespace cli
