// Hostile input to the loaders: each must end in one located InputError,
// quickly and in bounded memory; never a crash, a hang or another exception.
// Inputs the fuzzers (fuzz/) find go here too.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "models/model.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "lab/experiment.hpp"
#include "sim/scenario.hpp"
#include "sim/yaml_input.hpp"

namespace fs = std::filesystem;

namespace {

struct HostileFolder {
  fs::path root = fs::temp_directory_path() / ("ppisim-hostile-" + std::to_string(::getpid()));
  HostileFolder() { fs::create_directories(root); }
  ~HostileFolder() { fs::remove_all(root); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(root / name) << text;
    return root / name;
  }
};

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// The message of the InputError that loading `file` (and checking it) throws.
std::string scenario_error(const fs::path& file, const std::vector<std::string>& overrides = {}) {
  try {
    const auto scenario = sim::load_scenario(file, models::parameter_registry(), overrides);
    models::check_parameters(scenario.parameters);
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "no error";
}

std::string experiment_error(const fs::path& file) {
  try {
    (void)lab::load_experiment(file, models::parameter_registry());
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "no error";
}

std::string override_error(const std::string& assignment) {
  sim::ParameterSet parameters(models::parameter_registry());
  try {
    sim::apply_override(parameters, assignment);
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "no error";
}

// Nine aliases of the level below, nine levels deep: 9^9 (387 million) leaves if expanded.
std::string alias_bomb(const std::string& indent, const std::string& leaf) {
  std::string text = indent + "l0: &l0 [" + repeat(leaf + ", ", 8) + leaf + "]\n";
  for (int level = 1; level < 9; ++level) {
    const std::string below = "*l" + std::to_string(level - 1);
    text += indent + "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [" + repeat(below + ", ", 8) +
            below + "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("nesting ten thousand levels deep is refused as bad input and not a stack overflow", "[hostile]") {
  HostileFolder folder;
  const auto too_deep = Catch::Contains("nesting deeper than 32 levels of lists and maps; ppisim's inputs need only a few");
  for (const auto& [open, close] : {std::pair{"[", "]"}, std::pair{"{a: ", "}"}}) {
    const auto deep = repeat(open, 100'000) + "1" + repeat(close, 100'000);
    const auto file = folder.write("deep.yaml", "name: x\nprofessionals:\n  midwife_visits: " + deep + "\n");
    CHECK_THAT(scenario_error(file), Catch::StartsWith(file.string() + ":3:") && too_deep);
    CHECK_THAT(scenario_error(folder.write("deep.yaml", "name: x\nunknown: " + deep + "\n")), too_deep);
    CHECK_THAT(scenario_error(folder.write("deep.yaml", repeat(open, 100'000))), too_deep);
    CHECK_THAT(experiment_error(folder.write("deep.yaml", "name: x\nfactors: " + deep + "\n")), too_deep);
    CHECK_THAT(override_error("professionals.midwife_visits=" + deep), Catch::StartsWith("--set ") && too_deep);
  }
  std::string block = "name: x\n";
  for (int level = 0; level < 1000; ++level) block += std::string(static_cast<std::size_t>(level), ' ') + "a:\n";
  CHECK_THAT(scenario_error(folder.write("deep.yaml", block)), Catch::Contains("deep.yaml:34:") && too_deep);
  CHECK_THAT(scenario_error(folder.write("deep.yaml", "name: x\na:\n" + repeat("- ", 100'000) + "1\n")), too_deep);
}

TEST_CASE("nesting up to the limit is still read as YAML", "[hostile]") {
  HostileFolder folder;
  // The file's map and the section's map are two levels: 30 lists more make 32; the 31st list (column 49) is too many.
  const auto nested = [](int lists) { return repeat("[", lists) + "1 day" + repeat("]", lists); };
  const auto visits = [&](int lists) { return "name: x\nprofessionals:\n  midwife_visits: " + nested(lists) + "\n"; };
  CHECK_THAT(scenario_error(folder.write("ok.yaml", visits(30))),
             Catch::Contains("professionals.midwife_visits") && !Catch::Contains("nesting"));
  CHECK_THAT(scenario_error(folder.write("ok.yaml", visits(31))), Catch::Contains("ok.yaml:3:49: nesting deeper"));
}

TEST_CASE("a second YAML document is refused where it starts", "[hostile]") {
  HostileFolder folder;
  const auto file = folder.write("two.yaml", "name: x\n---\nname: y\nhorizon: nonsense\n");
  CHECK_THAT(scenario_error(file), Catch::StartsWith(file.string() + ":2:1: a second YAML document"));
  CHECK_THAT(override_error("name=x\n---\ny"), Catch::Contains("unexpected text after the value"));
  CHECK_THAT(override_error("professionals.initial.gatekeeping=[0.5] x"), Catch::Contains("unexpected text after"));
  CHECK(scenario_error(folder.write("one.yaml", "---\nname: x\n...\n")) == "no error");
}

TEST_CASE("named pipes and devices and folders are refused without being opened for reading", "[hostile]") {
  HostileFolder folder;
  const auto fifo = folder.root / "pipe.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THAT(scenario_error(fifo), Catch::Contains("is a named pipe (FIFO), not a regular file"));
  CHECK_THAT(experiment_error(fifo), Catch::Contains("is a named pipe (FIFO), not a regular file"));
  CHECK_THAT(scenario_error("/dev/zero"), Catch::Contains("is a character device"));
  CHECK_THAT(experiment_error("/dev/urandom"), Catch::Contains("is a character device"));
  CHECK_THAT(scenario_error(folder.root), Catch::Contains("is a folder, not a scenario file"));
  CHECK_THAT(experiment_error(folder.root), Catch::Contains("is a folder, not an experiment file"));
  const auto parent = folder.write("child.yaml", "name: x\nextends: pipe.yaml\n");
  CHECK_THAT(scenario_error(parent), Catch::StartsWith(parent.string() + ":2:10:") && Catch::Contains("FIFO"));
}

TEST_CASE("an extends path the system cannot resolve is bad input", "[hostile]") {
  // Found by fuzz_scenario: an unclosed quote made a 300-character file name and
  // std::filesystem threw "File name too long" past the loader (exit 1, not 2).
  HostileFolder folder;
  const auto file = folder.write("child.yaml", "name: x\nextends: '" + std::string(300, 'a') + ".yaml'\n");
  CHECK_THAT(scenario_error(file), Catch::StartsWith(file.string() + ":2:10: cannot read scenario file") &&
                                       Catch::EndsWith("File name too long"));
}

TEST_CASE("a duration list with one unit after it takes the unit for every item", "[hostile]") {
  // As `ppisim params` writes it. YAML alone kept the list and dropped the unit: weeks were read as days.
  sim::ParameterSet parameters(models::parameter_registry());
  sim::apply_override(parameters, "professionals.midwife_visits=[1, 2] weeks");
  CHECK(std::get<std::vector<double>>(parameters.value("professionals.midwife_visits")) == std::vector<double>{7, 14});
  CHECK_THAT(override_error("professionals.midwife_visits=[1 day, 2] weeks"), Catch::Contains("midwife_visits"));
}

TEST_CASE("files over a megabyte are refused before they are read", "[hostile]") {
  HostileFolder folder;
  const auto file = folder.write("big.yaml", "name: x\ndescription: " + std::string(sim::kMaxYamlFileBytes, 'a') + "\n");
  CHECK_THAT(scenario_error(file), Catch::Contains("is 1.0 MB") && Catch::Contains("limited to 1 MB"));
  CHECK_THAT(experiment_error(file), Catch::Contains("experiment files are limited to 1 MB"));
}

TEST_CASE("tab indentation is explained", "[hostile]") {
  HostileFolder folder;
  CHECK_THAT(scenario_error(folder.write("tabs.yaml", "name: x\nprofessionals:\n\tmidwives: 3\n")),
             Catch::Contains("tabs.yaml:3:") && Catch::Contains("indentation must be spaces, not tabs"));
}

TEST_CASE("byte order marks and CRLF line ends and tabs between tokens are ordinary YAML", "[hostile]") {
  HostileFolder folder;
  CHECK(scenario_error(folder.write("bom.yaml", "\xef\xbb\xbfname: x\nhorizon: 2 years\n")) == "no error");
  CHECK(scenario_error(folder.write("crlf.yaml", "name: x\r\nprofessionals:\r\n  midwives: 3\r\n")) == "no error");
  CHECK(scenario_error(folder.write("tab.yaml", "name: x\nprofessionals:\n  midwives:\t3\n")) == "no error");
}

TEST_CASE("keys in the wrong case get the right key suggested", "[hostile]") {
  HostileFolder folder;
  CHECK_THAT(scenario_error(folder.write("case.yaml", "name: x\nPROFESSIONALS:\n  midwives: 3\n")),
             Catch::Contains("did you mean 'professionals'?"));
  CHECK_THAT(scenario_error(folder.write("case.yaml", "name: x\nprofessionals:\n  Midwives: 3\n")),
             Catch::Contains("did you mean 'professionals.midwives'?"));
  CHECK_THAT(override_error("Horizon=2 years"), Catch::Contains("did you mean 'horizon'?"));
}

TEST_CASE("YAML alias bombs are refused without being expanded", "[hostile]") {
  HostileFolder folder;
  // Under an unknown key, and inside a known list-valued key.
  CHECK_THAT(scenario_error(folder.write("bomb.yaml", "name: x\nbomb:\n" + alias_bomb("  ", "1 day"))),
             Catch::Contains("unknown key 'bomb"));
  const std::string visits = "name: x\nprofessionals:\n  midwife_visits: &v [" + repeat("1 day, ", 8) +
                             "1 day]\n  health_visitor_visits: [" + repeat("*v, ", 8) + "*v]\n";
  CHECK_THAT(scenario_error(folder.write("bomb.yaml", visits)), Catch::Contains("professionals.health_visitor_visits"));
  std::string nested = "name: x\nprofessionals:\n  midwife_visits: [&l0 [" + repeat("1 day, ", 8) + "1 day]";
  for (int level = 1; level < 9; ++level) {
    const std::string below = "*l" + std::to_string(level - 1);
    nested += ", &l" + std::to_string(level) + " [" + repeat(below + ", ", 8) + below + "]";
  }
  nested += "]\n";
  CHECK_THAT(scenario_error(folder.write("bomb.yaml", nested)), Catch::Contains("professionals.midwife_visits"));
  CHECK(experiment_error(folder.write("bomb.yaml", "name: x\nbase: none.yaml\nfactors:\n" + alias_bomb("  ", "0.5"))) !=
        "no error");
}

TEST_CASE("truncated YAML is refused with its position", "[hostile]") {
  HostileFolder folder;
  const auto file = folder.write("cut.yaml", "name: x\nprofessionals:\n  midwife_visits: [1 day, 5 da");
  CHECK_THAT(scenario_error(file), Catch::Contains("cut.yaml:") && Catch::Contains("invalid YAML"));
  CHECK_THAT(experiment_error(folder.write("cut.yaml", "name: x\nfactors: {a: {uniform: [0, ")),
             Catch::Contains("invalid YAML"));
}

TEST_CASE("NaN and infinities and out-of-range numbers are refused while tiny and negative-zero numbers are numbers", "[hostile]") {
  for (const std::string bad : {".nan", "nan", "NaN", ".inf", "inf", "-.inf", "-inf", "1e308", "-1e308", "1e999"})
    CHECK_THAT(override_error("professionals.initial.gatekeeping=" + bad), Catch::Contains("expected a number"));
  for (const std::string bad : {".nan", "nan", ".inf", "inf", "-5", "1e308", "2.5"})
    CHECK_THAT(override_error("professionals.midwives=" + bad), Catch::Contains("expected a whole number"));
  for (const std::string bad : {".nan per day", "inf per day", "1e308 per day", "-3 per day"})
    CHECK_THAT(override_error("population.births=" + bad), Catch::Contains("expected a rate"));
  for (const std::string bad : {"[.nan days]", "[inf days]", "[1e308 days]", "[-1 day]"})
    CHECK_THAT(override_error("professionals.midwife_visits=" + bad), Catch::Contains("expected a list of durations"));
  for (const std::string fine : {"1e-320", "-0", "0"})
    CHECK(override_error("professionals.initial.gatekeeping=" + fine) == "no error");
}

TEST_CASE("a population too large for memory is refused before anything is allocated", "[hostile]") {
  HostileFolder folder;
  const auto file = folder.write("huge.yaml", "name: huge\n");
  const auto message =
      scenario_error(file, {"population.births=10000 per day", "professionals.midwives=1000000"});
  CHECK_THAT(message, Catch::Contains("too large") && Catch::Contains("GB") && Catch::Contains("--max-agents"));
  CHECK(scenario_error(file) == "no error");
  const auto scenario = sim::load_scenario(file, models::parameter_registry(),
                                           {"population.births=10000 per day", "professionals.midwives=1000000"});
  CHECK_NOTHROW(models::check_parameters(scenario.parameters, 10'000'000));
}

// What a strict YAML parser refuses, ppisim refuses (yaml-cpp alone read each of these).
TEST_CASE("text a strict YAML parser refuses is refused, located where the problem is", "[hostile]") {
  const auto error_of = [](const std::string& text) {
    try {
      (void)sim::parse_yaml(text, "f.yaml");
    } catch (const sim::InputError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("name: x\ndescription: \"about\nhorizon: 2 years\n"),
             Catch::StartsWith("f.yaml:2:14: invalid YAML: the quote that opens here is never closed"));
  CHECK_THAT(error_of("name: x\nd: caf\xe9 au lait\n"),
             Catch::StartsWith("f.yaml:2:7: the text is not valid UTF-8 (invalid trailing UTF-8 octet, byte 0xe9)"));
  CHECK_THAT(error_of(std::string("a: 1\nb: 2\nc: x\0y\n", 15)), Catch::StartsWith("f.yaml:3:5: a control character (code 0x00)"));
  CHECK_THAT(error_of("a:\n  b: 1\n  c: [{d: 1, d: 2}]\n"),
             Catch::StartsWith("f.yaml:3:14: key 'a.c.d' appears twice (first at line 3)"));
  CHECK_THAT(error_of("a: 1\n\"a\": 2\n"), Catch::StartsWith("f.yaml:2:1: key 'a' appears twice (first at line 1)"));
  // An alias is one event however far it would expand: an alias bomb costs nothing here.
  CHECK(error_of("x:\n" + alias_bomb("  ", "1")) == "no error");
  // A lone CR ends a line, as LF and CRLF do.
  CHECK(sim::parse_yaml("a: 1\rb: 2\r", "f.yaml")["b"].as<int>() == 2);
  CHECK_THAT(error_of("a: 1\rb: 2\ra: 3\r"), Catch::StartsWith("f.yaml:3:1: key 'a' appears twice"));
}
