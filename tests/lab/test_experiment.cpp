// Experiment files (lab/experiment.hpp): bad ones give one located error
// each, good ones expand to runs whose parameters are the base scenario's
// with the design point's values applied.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "lab/experiment.hpp"
#include "tests/lab/scratch_folder.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kBreastfriends = PPISIM_SOURCE_DIR "/scenarios/breastfriends.yaml";

// A scratch folder of experiment files, removed afterwards.
struct ExperimentFolder : testing_support::ScratchFolder {
  ExperimentFolder() : ScratchFolder("ppisim-experiments") {}
};

lab::Experiment load(const fs::path& file) { return lab::load_experiment(file, models::parameter_registry()); }

std::string error_of(const fs::path& file) {
  try {
    (void)load(file);
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "no error";
}

// The three factors of the Ishigami function, each on [-pi, pi].
const std::string kIshigamiFactors =
    "factors:\n"
    "  x1: {uniform: [-3.14159, 3.14159]}\n"
    "  x2: {uniform: [-3.14159, 3.14159]}\n"
    "  x3: {uniform: [-3.14159, 3.14159]}\n";

}  // namespace

// Each bad experiment gives exactly this one-line, located error.
TEST_CASE("experiment: bad files give located errors with suggestions") {
  ExperimentFolder folder;
  const std::string f = (folder.root / "bad.yaml").string();
  const std::string base = "name: x\nbase: " + kBreastfriends + "\n";  // lines 1-2
  const std::string lhs = "design: {method: lhs, points: 8}\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      // the top level
      {"name: x\nmodle: ishigami\n" + kIshigamiFactors + lhs, f + ":2:1: unknown key 'modle'; did you mean 'model'?"},
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + lhs + "analyze: [y]\n",
       f + ":8:1: unknown key 'analyze'; did you mean 'analyse'?"},
      {"- name\n- x\n", f + ":1:1: an experiment must be a map of keys to values"},
      {"name: x\nmodel: ishigami\nname: y\n", f + ":3:1: key 'name' appears twice (first at line 1); give each key once"},
      {"name: [x\n", f + ":2:1: invalid YAML: end of sequence flow not found"},
      // base and model: exactly one
      {base + "model: ishigami\n" + kIshigamiFactors + lhs,
       f + ":1:1: give exactly one of 'base' (a scenario file) or 'model' (ishigami or g_function)"},
      {"name: x\n" + kIshigamiFactors + lhs,
       f + ":1:1: give exactly one of 'base' (a scenario file) or 'model' (ishigami or g_function)"},
      {"name: x\nmodel: ishigame\n" + kIshigamiFactors + lhs,
       f + ":2:8: unknown key 'model.ishigame'; did you mean 'model.ishigami'?"},
      {"name: x\nmodel: {ishigami: {a: 5, coefficients: [1, 2, 3]}}\n" + kIshigamiFactors + lhs,
       f + ":2:26: unknown key 'model.ishigami.coefficients' (known: a, b)"},
      {"name: x\nmodel: {g_function: {coefficients: [0, -1]}}\nfactors: {x1: {uniform: [0, 1]}, x2: {uniform: [0, 1]}}\n" + lhs,
       f + ":2:40: key 'model.g_function.coefficients': each must be above -1"},
      // the design
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors,
       f + ":1:1: missing required key 'design'"},
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + "design: {method: sobl, base_samples: 8}\n",
       f + ":7:18: unknown key 'design.method: sobl'; did you mean 'design.method: sobol'?"},
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + "design: {method: factorial}\n",
       f + ":7:18: unknown key 'design.method: factorial' (known: grid, lhs, sobol, morris)"},
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + "design: {method: sobol, base_samples: 8, replicates: 0}\n",
       f + ":7:54: key 'design.replicates': expected a whole number from 1 to 1000000, got '0'"},
      // 2^53 + 1 ran as 2^53.
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + "design: {method: lhs, points: 8, seed: 9007199254740993}\n",
       f + ":7:40: key 'design.seed': expected a whole number, got '9007199254740993' (9007199254740993 is above 2^53 = "
           "9007199254740992, the largest whole number held exactly; it would run as 9007199254740992)"},
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + "design: {method: lhs, points: 8, replicate: 2}\n",
       f + ":7:34: unknown key 'design.replicate'; did you mean 'design.replicates'?"},
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + "design: {method: lhs}\n",
       f + ":7:18: design.method lhs needs design.points, e.g. points: 200"},
      {"name: x\nmodel: ishigami\n" + kIshigamiFactors + "design: {method: sobol}\n",
       f + ":7:18: design.method sobol needs design.base_samples, e.g. base_samples: 512"},
      // factors
      {base + "factors:\n  scheme.boundry_clarity: {uniform: [0.1, 0.9]}\n" + lhs,
       f + ":4:3: unknown parameter 'scheme.boundry_clarity'; did you mean 'scheme.boundary_clarity'?"},
      {base + "factors:\n  scheme.boundary_clarity: {uniform: [0.9, 0.1]}\n" + lhs,
       f + ":4:28: factor 'scheme.boundary_clarity': uniform needs low < high"},
      {base + "factors:\n  scheme.boundary_clarity: {uniform: [0.5, 0.5]}\n" + lhs,
       f + ":4:28: factor 'scheme.boundary_clarity': uniform needs low < high"},
      {base + "factors:\n  scheme.boundary_clarity: {uniform: [0.1, 0.5, 0.9]}\n" + lhs,
       f + ":4:38: factor 'scheme.boundary_clarity': uniform takes [low, high]"},
      {base + "factors:\n  scheme.boundary_clarity: {normal: [0.5, 0.1]}\n" + lhs,
       f + ":4:29: unknown key 'scheme.boundary_clarity.normal' (known: uniform, levels)"},
      {base + "factors:\n  scheme.referral_policy: {uniform: [0, 1]}\n" + lhs,
       f + ":4:27: factor 'scheme.referral_policy' is not a number: give its levels instead"},
      {base + "factors:\n  scheme.referral_policy: {levels: [opt_out, opt-in]}\n" + lhs,
       f + ":4:46: key 'scheme.referral_policy': expected one of: professional_judgement, opt_out, got 'opt-in'"},
      {base + "factors:\n  scheme.boundary_clarity: {uniform: [0.1, 1.5]}\n" + lhs,
       f + ":4:44: key 'scheme.boundary_clarity': expected a number between 0 and 1 share, got '1.5' (out of range)"},
      {base + "factors:\n  volunteers.capacity: {levels: [4, 0]}\n" + lhs,
       f + ":4:37: key 'volunteers.capacity': expected a whole number between 1 and 100 mothers, got '0' (out of range)"},
      {base + "factors:\n  policy:\n    judgement: {}\n    opt_out: {scheme.referal_policy: opt_out}\n" + lhs,
       f + ":6:15: unknown key 'scheme.referal_policy'; did you mean 'scheme.referral_policy'?"},
      {base + "factors:\n  policy:\n    judgement: {}\n    opt_out: {scheme.referral_policy: optout}\n" + lhs,
       f + ":6:39: key 'scheme.referral_policy': expected one of: professional_judgement, opt_out, got 'optout' "
           "(did you mean 'opt_out'?)"},
      {base + "factors:\n  policy: [judgement, opt_out]\n" + lhs,
       f + ":4:11: factor 'policy' is not a parameter, so it is a set of named overlays, e.g. "
           "{opt_out: {scheme.referral_policy: opt_out}}"},
      {base + "factors: {}\n" + lhs,
       f + ":3:10: key 'factors': expected factors, e.g. {scheme.boundary_clarity: {uniform: [0.1, 0.9]}}"},
      {base + lhs, f + ":1:1: missing required key 'factors'"},
      {base + "factors:\n  concern.jump: {uniform: [0.1, 0.2]}\n  concern.jump: {uniform: [0.1, 0.3]}\n" + lhs,
       f + ":5:3: key 'factors.concern.jump' appears twice (first at line 4); give each key once"},
      // the rest
      {base + "factors:\n  concern.jump: {uniform: [0.1, 0.2]}\n" + lhs + "store: everything\n",
       f + ":6:8: key 'store': expected summary or timeseries"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    folder.write("bad.yaml", text);
    CHECK(error_of(f) == expected);
  }
}

TEST_CASE("experiment: a missing base scenario is reported at the scenario") {
  ExperimentFolder folder;
  const auto file = folder.write("exp.yaml", "name: x\nbase: nowhere.yaml\nfactors: {concern.jump: {uniform: [0.1, 0.2]}}\n"
                                             "design: {method: lhs, points: 4}\n");
  CHECK_THROWS_AS(load(file), sim::InputError);
  CHECK_THAT(error_of(file), Catch::Contains("nowhere.yaml"));
}

TEST_CASE("experiment: analytic models read their settings, and analyse y by default") {
  ExperimentFolder folder;
  const auto ishigami = load(folder.write(
      "ishigami.yaml", "name: i\nmodel: {ishigami: {a: 5, b: 0.3}}\n" + kIshigamiFactors +
                           "design: {method: sobol, base_samples: 16, seed: 4}\n"));
  REQUIRE(ishigami.analytic);
  CHECK_FALSE(ishigami.base);
  CHECK(ishigami.analytic->kind == "ishigami");
  CHECK(ishigami.analytic->a == 5.0);
  CHECK(ishigami.analytic->b == 0.3);
  CHECK(ishigami.analyse == std::vector<std::string>{"y"});
  CHECK(ishigami.design.kind == lab::DesignKind::saltelli);
  CHECK(ishigami.design.rows() == 16 * (3 + 2));
  CHECK(ishigami.runs() == 80);
  CHECK(ishigami.seed == 4);

  const auto defaults = load(folder.write("plain.yaml", "name: p\nmodel: ishigami\n" + kIshigamiFactors +
                                                            "design: {method: lhs, points: 5}\n"));
  CHECK(defaults.analytic->a == 7.0);
  CHECK(defaults.analytic->b == 0.1);

  const auto g = load(folder.write("g.yaml", "name: g\nmodel: {g_function: {coefficients: [0, 1.5, 99]}}\n"
                                             "factors: {x1: {uniform: [0, 1]}, x2: {uniform: [0, 1]}, x3: {uniform: [0, 1]}}\n"
                                             "design: {method: morris, trajectories: 6, levels: 4, replicates: 3}\n"));
  CHECK(g.analytic->kind == "g_function");
  CHECK(g.analytic->coefficients == std::vector<double>{0, 1.5, 99});
  CHECK(g.design.rows() == 6 * (3 + 1));
  CHECK(g.replicates == 3);
  CHECK(g.runs() == 6 * 4 * 3);
}

TEST_CASE("experiment: runs are points times replicates, replicate varying fastest") {
  ExperimentFolder folder;
  const auto experiment = load(folder.write(
      "grid.yaml", "name: g\nbase: " + kBreastfriends +
                       "\nfactors:\n  concern.jump: {uniform: [0.1, 0.3]}\n"
                       "  scheme.referral_policy: {levels: [professional_judgement, opt_out]}\n"
                       "design: {method: grid, points_per_factor: 3, replicates: 4}\n"));
  REQUIRE(experiment.design.rows() == 3 * 2);
  CHECK(experiment.replicates == 4);
  CHECK(experiment.runs() == 6 * 4);
  for (std::size_t run = 0; run < experiment.runs(); ++run) {
    CHECK(experiment.point_of(run) == run / 4);
    CHECK(experiment.replicate_of(run) == run % 4);
  }
  CHECK(experiment.analyse.empty());
  CHECK_FALSE(experiment.store_timeseries);
}

TEST_CASE("experiment: parameters_at applies numeric, whole-number, word and overlay factors") {
  ExperimentFolder folder;
  const auto experiment = load(folder.write(
      "mixed.yaml", "name: mixed\nbase: " + kBreastfriends +
                        "\nfactors:\n"
                        "  scheme.boundary_clarity: {uniform: [0.2, 0.8]}\n"
                        "  volunteers.capacity: {uniform: [3, 9]}\n"
                        "  scheme.referral_policy: {levels: [opt_out, professional_judgement]}\n"
                        "  professionals.initial.gatekeeping: {levels: [10%, 0.9]}\n"
                        "  setting:\n"
                        "    as_is: {}\n"
                        "    watchful: {professionals.initial.surveillance: 0.7, scheme.peer_support: false}\n"
                        "design: {method: lhs, points: 24, replicates: 2, seed: 9}\n"
                        "store: timeseries\n"));
  REQUIRE(experiment.base);
  const auto& base = experiment.base->parameters;
  REQUIRE(experiment.factors.size() == 5);
  REQUIRE(experiment.design.rows() == 24);
  CHECK(experiment.runs() == 48);
  CHECK(experiment.store_timeseries);

  CHECK(experiment.factors[0].parameter == models::parameter_registry().find("scheme.boundary_clarity"));
  CHECK_FALSE(experiment.factors[0].categorical());
  CHECK(experiment.factors[2].level_names == std::vector<std::string>{"opt_out", "professional_judgement"});
  CHECK(experiment.factors[3].design.levels == std::vector<double>{0.1, 0.9});  // in the parameter's units
  CHECK(experiment.factors[4].parameter == nullptr);
  CHECK(experiment.factors[4].level_names == std::vector<std::string>{"as_is", "watchful"});
  CHECK(experiment.factors[4].describe_value(1.0) == "watchful");

  std::set<std::string> policies, settings;
  bool some_capacity_rounded = false;
  for (std::size_t point = 0; point < experiment.design.rows(); ++point) {
    INFO("point " << point);
    const auto row = experiment.design.values.row(static_cast<Eigen::Index>(point));
    const auto p = experiment.parameters_at(point);
    CHECK(p.real("scheme.boundary_clarity") == row[0]);
    CHECK(row[0] >= 0.2);
    CHECK(row[0] <= 0.8);
    // An integer parameter takes the nearest whole number.
    CHECK(p.integer("volunteers.capacity") == std::llround(row[1]));
    some_capacity_rounded = some_capacity_rounded || row[1] != std::round(row[1]);
    // A choice takes the word of its level; the design holds the level number.
    const std::string policy = row[2] == 0.0 ? "opt_out" : "professional_judgement";
    CHECK((row[2] == 0.0 || row[2] == 1.0));
    CHECK(p.text("scheme.referral_policy") == policy);
    policies.insert(policy);
    CHECK(p.real("professionals.initial.gatekeeping") == row[3]);
    CHECK((row[3] == 0.1 || row[3] == 0.9));
    // An overlay sets all of its parameters, or none.
    CHECK((row[4] == 0.0 || row[4] == 1.0));
    const bool watchful = row[4] == 1.0;
    settings.insert(watchful ? "watchful" : "as_is");
    CHECK(p.real("professionals.initial.surveillance") ==
          (watchful ? 0.7 : base.real("professionals.initial.surveillance")));
    CHECK(p.boolean("scheme.peer_support") == (watchful ? false : base.boolean("scheme.peer_support")));
    // Everything not varied is the base scenario's.
    CHECK(p.real("horizon") == base.real("horizon"));
    CHECK(p.real("population.births") == base.real("population.births"));
    CHECK(p.integer("volunteers.initial") == base.integer("volunteers.initial"));
    CHECK(p.text("name") == base.text("name"));
  }
  CHECK(some_capacity_rounded);
  CHECK(policies.size() == 2);
  CHECK(settings.size() == 2);
  // The base itself is untouched.
  CHECK(base.real("professionals.initial.surveillance") != 0.7);
  CHECK(base.text("scheme.referral_policy") == "professional_judgement");
}

TEST_CASE("experiment: a base path is relative to the experiment file, and the parameters are the scenario's") {
  ExperimentFolder folder;
  fs::create_directories(folder.root / "scenarios");
  folder.write("scenarios/small.yaml",
               "extends: " + kBreastfriends + "\nname: small\nhorizon: 1 year\npopulation: {births: 1000 per year}\n");
  const auto experiment = load(folder.write(
      "exp.yaml", "name: e\nbase: scenarios/small.yaml\nfactors:\n  concern.jump: {levels: [0.1, 0.2]}\n"
                  "design: {method: grid}\nanalyse: [any_bf_6w, tension_index]\n"));
  REQUIRE(experiment.base);
  CHECK(experiment.base->parameters.text("name") == "small");
  CHECK(experiment.base->parameters.real("horizon") == Approx(365.25));
  CHECK(experiment.analyse == std::vector<std::string>{"any_bf_6w", "tension_index"});
  REQUIRE(experiment.design.rows() == 2);
  CHECK(experiment.parameters_at(0).real("concern.jump") == 0.1);
  CHECK(experiment.parameters_at(1).real("concern.jump") == 0.2);
  CHECK(experiment.parameters_at(1).real("horizon") == Approx(365.25));
  // The fingerprint text holds the experiment and the resolved base.
  CHECK_THAT(experiment.resolved_yaml, Catch::Contains("concern.jump") && Catch::Contains("small"));
}

TEST_CASE("experiment: the shipped examples load") {
  for (const char* name : {"ishigami.yaml", "levers.yaml", "quick_morris.yaml"}) {
    INFO(name);
    const auto experiment = load(fs::path(PPISIM_SOURCE_DIR) / "scenarios" / "experiments" / name);
    CHECK(experiment.runs() == experiment.design.rows() * experiment.replicates);
    CHECK(experiment.runs() > 0);
  }
}

TEST_CASE("experiment: factors may not take the names of results columns") {
  ExperimentFolder folder;
  const auto file = folder.write("reserved.yaml", "name: x\nmodel: ishigami\nfactors:\n  point: {uniform: [0, 1]}\n"
                                                  "  x2: {uniform: [0, 1]}\n  x3: {uniform: [0, 1]}\n"
                                                  "design: {method: lhs, points: 4}\n");
  CHECK(error_of(file) == file.string() + ":4:3: 'point' names a column of every results table; call the factor "
                                          "something else");
}

TEST_CASE("experiment: a model whose settings are not a map is bad input (found by fuzzing)") {
  ExperimentFolder folder;
  const auto file = folder.write("fuzzed.yaml", "name: x\nmodel: { ishigami:orm: [-3.1, 3.1] }\n" + kIshigamiFactors +
                                                    "design:\n  method: sobol\n  base_samples: 16\n");
  CHECK_THAT(error_of(file), Catch::StartsWith(file.string() + ":2:") && Catch::Contains("unknown key 'model.ishigami:orm'"));
  const auto list = folder.write("list.yaml", "name: x\nmodel: { ishigami: [1, 2] }\n" + kIshigamiFactors +
                                                  "design:\n  method: sobol\n  base_samples: 16\n");
  CHECK_THAT(error_of(list), Catch::Contains("'model.ishigami' must be a map of keys (a, b)"));
}
