#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "models/parameters.hpp"
#include "sim/scenario.hpp"

namespace fs = std::filesystem;

namespace {

// A scratch folder of scenario files, removed afterwards.
struct ScenarioFolder {
  fs::path root = fs::temp_directory_path() / ("ppisim-scenarios-" + std::to_string(::getpid()));
  ScenarioFolder() { fs::create_directories(root); }
  ~ScenarioFolder() { fs::remove_all(root); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(root / name) << text;
    return root / name;
  }
};

std::string error_of(const fs::path& file, const std::vector<std::string>& overrides = {}) {
  try {
    sim::load_scenario(file, models::parameter_registry(), overrides);
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a scenario needs only a name, everything else has a default") {
  ScenarioFolder folder;
  const auto scenario = sim::load_scenario(folder.write("ok.yaml", "name: tiny\n"), models::parameter_registry());
  CHECK(scenario.parameters.text("name") == "tiny");
  CHECK(scenario.parameters.real("population.births") == Approx(3000 / 365.25));
}

TEST_CASE("values written as people think are converted at load") {
  ScenarioFolder folder;
  const auto file = folder.write("units.yaml",
                                 "name: u\nhorizon: 2 years\npopulation: {births: 600 per week}\n"
                                 "volunteers: {capacity: 8 mothers}\nscheme: {contact_schedule: {first_within: 72 hours}}\n"
                                 "professionals: {initial: {gatekeeping: 25%}}\n");
  const auto p = sim::load_scenario(file, models::parameter_registry()).parameters;
  CHECK(p.real("horizon") == Approx(730.5));
  CHECK(p.real("population.births") == Approx(600.0 / 7));
  CHECK(p.integer("volunteers.capacity") == 8);
  CHECK(p.real("scheme.contact_schedule.first_within") == Approx(3.0));
  CHECK(p.real("professionals.initial.gatekeeping") == Approx(0.25));
}

// Each bad scenario gives exactly this one-line, located error.
TEST_CASE("bad scenarios give located errors with suggestions") {
  ScenarioFolder folder;
  const std::string f = (folder.root / "bad.yaml").string();
  const std::vector<std::pair<std::string, std::string>> cases{
      {"name: x\npopulation:\n  birhts: 3000 per year\n",
       f + ":3:3: unknown key 'population.birhts'; did you mean 'population.births'?"},
      {"name: x\nhorizn: 1 year\n", f + ":2:1: unknown key 'horizn'; did you mean 'horizon'?"},
      {"name: x\nvolunteers:\n  boundary_clarity: 0.5\n",
       f + ":3:3: unknown key 'volunteers.boundary_clarity'; did you mean 'scheme.boundary_clarity'?"},
      {"name: x\nvolunteers:\n  xylophone: 0.5\n",
       f + ":3:3: unknown key 'volunteers.xylophone'; run 'ppisim params' to list the known keys"},
      {"name: x\npopulation:\n  localities: many\n",
       f + ":3:15: key 'population.localities': expected a whole number between 1 and 10000 localities, got 'many' "
           "(expected a number, got 'many')"},
      {"name: x\nprofessionals:\n  initial:\n    gatekeeping: 1.5\n",
       f + ":4:18: key 'professionals.initial.gatekeeping': expected a number between 0 and 1 share, got '1.5' (out "
           "of range)"},
      {"name: x\nscheme:\n  referral_policy: opt-out\n",
       f + ":3:20: key 'scheme.referral_policy': expected one of: professional_judgement, opt_out, got 'opt-out' "
           "(did you mean 'opt_out'?)"},
      {"name: x\nhorizon: 3 fortnights\n",
       f + ":2:10: key 'horizon': expected a duration such as '6 weeks' between 1 and 36525 days, got '3 fortnights' "
           "(unknown time unit 'fortnights' (use hours, days, weeks, months or years))"},
      {"description: no name\n", f + ":1:1: missing required key 'name' (Short name of the scenario, used in reports)"},
      {"name: [unclosed\n", f + ":2:1: invalid YAML: end of sequence flow not found"},
      {"name: x\nname: y\n", f + ":2:1: key 'name' appears twice (first at line 1); give each key once"},
      {"name: x\npopulation: 5\n",
       f + ":2:1: key 'population' is a section: expected keys beneath it, such as 'population.births'"},
      {"name: x\npopulation:\n  cultural_groups: {a: 0.5, b: 0.2}\n",
       f + ":3:20: key 'population.cultural_groups': shares must sum to 1, they sum to 0.7"},
      {"name: x\npopulation:\n  births: .nan\n",
       f + ":3:11: key 'population.births': expected a rate such as '3000 per year' between 0 and 10000 per day, got "
           "'.nan' (expected a number, got '.nan')"},
      {"name: x\nvolunteers:\n  initial: -3\n",
       f + ":3:12: key 'volunteers.initial': expected a whole number between 0 and 1000000 volunteers, got '-3' (out "
           "of range)"},
      {"name: x\nscheme:\n  peer_support: maybe\n",
       f + ":3:17: key 'scheme.peer_support': expected true or false, got 'maybe'"},
      {"- a\n- b\n", f + ":1:1: a scenario must be a map of keys to values"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    folder.write("bad.yaml", text);
    CHECK(error_of(f) == expected);
  }
}

TEST_CASE("extends inherits and overrides, relative to the file") {
  ScenarioFolder folder;
  fs::create_directories(folder.root / "base");
  folder.write("base/parent.yaml", "name: parent\nvolunteers: {initial: 12}\nseed: 5\n");
  const auto child = folder.write("child.yaml", "extends: base/parent.yaml\nname: child\nseed: 9\n");
  const auto scenario = sim::load_scenario(child, models::parameter_registry());
  CHECK(scenario.parameters.text("name") == "child");
  CHECK(scenario.parameters.integer("volunteers.initial") == 12);
  CHECK(scenario.parameters.integer("seed") == 9);
  REQUIRE(scenario.chain.size() == 2);
}

TEST_CASE("extends cycles and missing parents are located errors") {
  ScenarioFolder folder;
  folder.write("a.yaml", "extends: b.yaml\nname: a\n");
  folder.write("b.yaml", "extends: a.yaml\nname: b\n");
  CHECK_THAT(error_of(folder.root / "a.yaml"), Catch::Contains("b.yaml:1:10: 'extends' makes a cycle"));
  folder.write("orphan.yaml", "name: o\nextends: nowhere.yaml\n");
  CHECK_THAT(error_of(folder.root / "orphan.yaml"),
             Catch::Contains("orphan.yaml:2:10: cannot read scenario file") && Catch::Contains("no such file"));
}

TEST_CASE("command-line overrides pass the same checks") {
  ScenarioFolder folder;
  const auto file = folder.write("s.yaml", "name: s\n");
  const auto scenario =
      sim::load_scenario(file, models::parameter_registry(), {"population.births=100 per week", "seed=3"});
  CHECK(scenario.parameters.real("population.births") == Approx(100.0 / 7));
  CHECK(error_of(file, {"population.birth=3"}) ==
        "--set population.birth=3: unknown key 'population.birth'; did you mean 'population.births'?");
  CHECK(error_of(file, {"scheme.boundary"}) ==
        "--set scheme.boundary: expected path=value, e.g. --set professionals.initial.gatekeeping=0.7");
  CHECK_THAT(error_of(file, {"professionals.initial.gatekeeping=2"}), Catch::Contains("out of range"));
}

TEST_CASE("aliases that would expand exponentially end in a prompt, located error") {
  ScenarioFolder folder;
  std::string text = "name: x\na0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int i = 1; i < 9; ++i)
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + "]\n";
  const auto file = folder.write("bomb.yaml", text);
  CHECK_THAT(error_of(file), Catch::Contains("unknown key 'a0'"));
}

TEST_CASE("the resolved scenario reloads to the same values") {
  ScenarioFolder folder;
  const auto original = sim::load_scenario(
      folder.write("r.yaml", "name: r\npopulation: {births: 1234 per year, cultural_groups: {x: 0.3, y: 0.7}}\n"),
      models::parameter_registry());
  const auto text = original.resolved_yaml();
  const auto reloaded = sim::load_scenario(folder.write("resolved.yaml", text), models::parameter_registry());
  for (const auto& spec : models::parameter_registry().all()) {
    INFO(spec.path);
    CHECK(reloaded.parameters.value(spec.path) == original.parameters.value(spec.path));
  }
  CHECK(reloaded.resolved_yaml() == text);
}

TEST_CASE("interventions are checked like any scenario value") {
  ScenarioFolder folder;
  const std::string f = (folder.root / "i.yaml").string();
  const std::vector<std::pair<std::string, std::string>> cases{
      {"name: x\ninterventions:\n  - development_proces: {start: 1 year}\n",
       f + ":3:5: unknown intervention 'development_proces'; did you mean 'development_process'?"},
      {"name: x\ninterventions:\n  - development_process: {every: 4 weeks}\n",
       f + ":3:5: intervention 'development_process': missing 'start' (e.g. start: 6 months)"},
      {"name: x\ninterventions:\n  - development_process: {start: 1 year, evry: 4 weeks}\n",
       f + ":3:42: intervention 'development_process' has no setting 'evry'; did you mean 'every'?"},
      {"name: x\ninterventions:\n  - development_process: {start: 1 year, attendance: 2}\n",
       f + ":3:54: key 'development_process.attendance': expected a number between 0 and 1 share, got '2' (out of "
           "range)"},
      {"name: x\ninterventions:\n  - set: {start: 0, values: {population.births: 10 per day}}\n",
       f + ":3:30: 'population.births' cannot change during a run; parameters that can: "
           "scheme.referral_policy, scheme.contact_schedule.mode, scheme.contact_schedule.contacts, "
           "scheme.contact_schedule.first_within, scheme.contact_schedule.interval, "
           "scheme.contact_schedule.request_rate, scheme.boundary_clarity, scheme.ward_access, "
           "professionals.surveillance_max, professionals.referral_probability, scheme.opt_out_decline, "
           "scheme.waiting_list.order, scheme.waiting_list.expiry, scheme.contact_schedule.close_after"},
      {"name: x\ninterventions:\n  - contact_schedule: {start: 0, mode: sometimes}\n",
       f + ":3:40: key 'scheme.contact_schedule.mode': expected one of: proactive, reactive, got 'sometimes'"},
      {"name: x\ninterventions:\n  - opt_out_referral: {start: 2 years, end: 1 year}\n",
       f + ":3:5: intervention 'opt_out_referral': 'end' must come after 'start'"},
      {"name: x\ninterventions:\n  - opt_out_referral: {start: 0, targets: [0]}\n",
       f + ":3:43: intervention 'opt_out_referral': targets must be 'all' or a list of locality numbers counted from "
           "1, e.g. [1, 3]"},
      {"name: x\ninterventions: {opt_out_referral: {start: 0}}\n",
       f + ":2:1: key 'interventions': expected a list, e.g. '- opt_out_referral: {start: 1 year}'"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    folder.write("i.yaml", text);
    CHECK(error_of(f) == expected);
  }
}

TEST_CASE("a child's interventions replace its parent's, and resolve to a file that reloads") {
  ScenarioFolder folder;
  folder.write("parent.yaml", "name: p\ninterventions:\n  - opt_out_referral: {start: 1 year}\n");
  const auto child = folder.write(
      "child.yaml",
      "extends: parent.yaml\nname: c\ninterventions:\n"
      "  - development_process: {start: 6 months, every: 2 weeks, targets: [1, 2]}\n"
      "  - contact_schedule: {start: 0, end: 1 year, mode: reactive, request_rate: 1 per week}\n"
      "  - set: {start: 30 days, values: {scheme.boundary_clarity: 0.9}}\n"
      "  - guaranteed_ward_access: {start: 0}\n");
  const auto scenario = sim::load_scenario(child, models::parameter_registry());
  const auto& interventions = scenario.parameters.interventions;
  REQUIRE(interventions.size() == 4);
  CHECK(interventions[0].kind == "development_process");
  CHECK(interventions[0].number("every") == 14.0);
  CHECK(interventions[0].number("attendance") == 0.6);  // the field's default
  CHECK(interventions[0].targets == std::vector<int>{1, 2});
  CHECK(interventions[1].end == Approx(365.25));
  CHECK(interventions[3].settings.at(0).first == "scheme.ward_access");
  const auto text = scenario.resolved_yaml();
  const auto reloaded = sim::load_scenario(folder.write("resolved.yaml", text), models::parameter_registry());
  CHECK(reloaded.resolved_yaml() == text);
  REQUIRE(reloaded.parameters.interventions.size() == 4);
  CHECK(reloaded.parameters.interventions[1].settings == interventions[1].settings);
}
