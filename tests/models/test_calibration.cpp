// Calibration targets of the model brief, held with the scenario files users
// run (20 replicates, fixed seeds). The tolerances are the brief's.
#include <catch2/catch.hpp>
#include <cmath>

#include "output_indices.hpp"
#include "scenario_runs.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/statistics.hpp"

namespace {

std::vector<sim::RunResult> run(const std::string& scenario) { return test_support::run_scenario(scenario, {}, 20, 2010); }

double mean_of(const std::vector<sim::RunResult>& runs, std::size_t outcome) {
  std::vector<double> values;
  for (const auto& result : runs) values.push_back(result.summary[outcome]);
  return sim::estimate_mean(values).mean;
}

// Risk of having stopped any (or exclusive) breastfeeding by 6 weeks, among mothers who started: the model's own outcome.
double stop_risk(const sim::RunResult& result, const char* outcome = "stopped_any_by_6w_among_starters") {
  return result.summary[models::output_catalog().summary_index(outcome)];
}

}  // namespace

using namespace test_support::summary;

TEST_CASE("no_peer_support reproduces the Infant Feeding Survey 2010 within 3 points at every age") {
  const auto runs = run("no_peer_support.yaml");
  const std::pair<std::size_t, double> table[]{
      {initiation_rate, 0.81}, {any_bf_1w, 0.69},   {any_bf_6w, 0.55},   {any_bf_6m, 0.34},
      {excl_bf_1w, 0.46},      {excl_bf_6w, 0.23},  {excl_bf_3m, 0.17},  {excl_bf_4m, 0.12}, {excl_bf_6m, 0.01}};
  for (const auto& [outcome, survey] : table) {
    INFO(models::output_catalog().summaries()[outcome].name << ": " << mean_of(runs, outcome) << " vs " << survey);
    CHECK(std::abs(mean_of(runs, outcome) - survey) < 0.03);
  }
}

TEST_CASE("the Doncaster-like preset gives about 63% initiation and 34% any breastfeeding at 6 weeks") {
  const auto runs = run("doncaster.yaml");
  CHECK(mean_of(runs, initiation_rate) == Approx(0.63).margin(0.02));
  CHECK(mean_of(runs, any_bf_6w) == Approx(0.34).margin(0.02));
}

TEST_CASE("proactive, integrated support gives a relative risk of stopping by 6 weeks of 0.70-0.85") {
  // McFadden et al. 2019: RR 0.77 (0.66-0.90) for >= 4 proactive face-to-face contacts, control risk ~32%.
  const auto usual = run("no_peer_support.yaml");
  const auto integrated = run("integrated.yaml");
  // The model's one relative risk (docs/ODD.md, 4.11): paired by seed, pooled as the mean log ratio.
  // McFadden et al. 2019: exclusive breastfeeding at 4-6 weeks RR 0.79 (0.72-0.87), further from 1 than any.
  double log_ratio = 0.0, control = 0.0, log_exclusive = 0.0;
  for (std::size_t r = 0; r < usual.size(); ++r) {
    log_ratio += std::log(stop_risk(integrated[r]) / stop_risk(usual[r])) / static_cast<double>(usual.size());
    control += stop_risk(usual[r]) / static_cast<double>(usual.size());
    constexpr const char* kExclusive = "stopped_exclusive_by_6w_among_starters";
    log_exclusive += std::log(stop_risk(integrated[r], kExclusive) / stop_risk(usual[r], kExclusive)) /
                     static_cast<double>(usual.size());
  }
  const double ratio = std::exp(log_ratio), exclusive = std::exp(log_exclusive);
  INFO("relative risk " << ratio << ", control risk " << control << ", exclusive relative risk " << exclusive);
  CHECK(ratio > 0.70);
  CHECK(ratio < 0.85);
  CHECK(control == Approx(0.32).margin(0.02));
  CHECK(exclusive > 0.72);
  CHECK(exclusive < 0.87);
}
