#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "models/parameters.hpp"
#include "results/results_file.hpp"

namespace fs = std::filesystem;

namespace {

struct Fixture {
  fs::path folder = fs::temp_directory_path() / ("ppisim-results-" + std::to_string(::getpid()));
  sim::OutputCatalog catalog;
  sim::ParameterSet parameters{models::parameter_registry()};
  Fixture() {
    fs::create_directories(folder);
    catalog.add_series({"alpha", "mothers", "A daily series"});
    catalog.add_summary({"beta", "share of mothers", "A summary"});
    parameters.set("name", std::string("fixture"), {});
  }
  ~Fixture() { fs::remove_all(folder); }

  sim::RunResult result(std::uint64_t run) const {
    sim::RunResult r;
    r.run_index = run;
    r.replicate = run;
    r.seed = 100 + run;
    r.days = 3;
    r.series = {static_cast<double>(run), 2.0, 3.5};
    r.summary = {0.25 * static_cast<double>(run)};
    return r;
  }
  std::size_t files_in_folder() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
  }
};

sim::Source source(sim::Provenance kind, std::string reference) { return {kind, std::move(reference)}; }

}  // namespace

TEST_CASE("results round-trip through the HDF5 file") {
  Fixture f;
  const auto path = f.folder / "out.h5";
  {
    results::ResultsWriter writer(path, false, f.catalog, models::parameter_registry(), 2, 3, {"ppisim run x", "fixture", "name: fixture\n", 7, 2});
    writer.write(f.result(1), f.parameters);  // any order
    writer.write(f.result(0), f.parameters);
    CHECK_FALSE(fs::exists(path));  // nothing visible before commit
    writer.commit();
  }
  REQUIRE(fs::exists(path));
  CHECK(f.files_in_folder() == 1);
  const auto contents = results::read_results(path);
  CHECK(contents.seeds == std::vector<std::uint64_t>{100, 101});
  CHECK(contents.summary_specs.at(0).name == "beta");
  CHECK(contents.summary_specs.at(0).unit == "share of mothers");
  CHECK(contents.summary_values.at(0) == std::vector<double>{0.0, 0.25});
  CHECK(contents.attributes.at("command_line") == "ppisim run x");
  CHECK(contents.attributes.at("scenario_name") == "fixture");
}

TEST_CASE("an abandoned writer leaves no file behind") {
  Fixture f;
  const auto path = f.folder / "out.h5";
  {
    results::ResultsWriter writer(path, false, f.catalog, models::parameter_registry(), 1, 3, {});
    CHECK(fs::exists(writer.partial_path()));
  }
  CHECK(f.files_in_folder() == 0);
}

TEST_CASE("an existing file is never replaced without permission") {
  Fixture f;
  const auto path = f.folder / "out.h5";
  std::ofstream(path) << "precious";
  CHECK_THROWS_WITH(results::check_output_path(path, false), Catch::Contains("exists; add --force"));
  CHECK_THROWS_AS(results::ResultsWriter(path, false, f.catalog, models::parameter_registry(), 1, 3, {}), sim::InputError);
  std::ifstream kept(path);
  std::string text;
  kept >> text;
  CHECK(text == "precious");
  CHECK(f.files_in_folder() == 1);
}

TEST_CASE("a file that appears during a run is kept, and so are the results") {
  Fixture f;
  const auto path = f.folder / "out.h5";
  results::ResultsWriter writer(path, false, f.catalog, models::parameter_registry(), 1, 3, {});
  writer.write(f.result(0), f.parameters);
  std::ofstream(path) << "someone else's";
  CHECK_THROWS_WITH(writer.commit(), Catch::Contains("they are kept in"));
  CHECK(fs::exists(writer.partial_path()));
  CHECK(fs::file_size(path) == std::string("someone else's").size());
}

TEST_CASE("reading something that is not a results file is bad input") {
  Fixture f;
  const auto text_file = f.folder / "notes.h5";
  std::ofstream(text_file) << "not hdf5";
  CHECK_THROWS_WITH(results::read_results(text_file), Catch::Contains("not an HDF5 file"));
  CHECK_THROWS_WITH(results::read_results(f.folder / "missing.h5"), Catch::Contains("no such file"));
}

TEST_CASE("a results file of a newer format version is refused, not misread") {
  Fixture f;
  const auto path = f.folder / "new.h5";
  {
    results::ResultsWriter writer(path, false, f.catalog, models::parameter_registry(), 1, 3, {});
    writer.write(f.result(0), f.parameters);
    writer.commit();
  }
  {
    const auto file = results::hdf5::Handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open");
    const std::uint64_t newer = results::kResultsFormatVersion + 1;
    const auto attribute = results::hdf5::Handle(H5Aopen(file.id(), "format_version", H5P_DEFAULT), H5Aclose, "attr");
    REQUIRE(H5Awrite(attribute.id(), H5T_NATIVE_UINT64, &newer) >= 0);
  }
  CHECK_THROWS_WITH(results::read_results(path), Catch::Contains("format version 2 is not one this ppisim reads"));
}

TEST_CASE("partial files of writers that no longer exist are cleared and live ones kept") {
  Fixture f;
  const auto path = f.folder / "out.h5";
  const auto dead = f.folder / ".out.h5.partial-999999999";  // beyond any pid on Linux
  const auto alive = f.folder / (".out.h5.partial-" + std::to_string(::getppid()));
  std::ofstream(dead) << "left by a killed sweep";
  std::ofstream(alive) << "someone still writing";
  {
    results::ResultsWriter writer(path, false, f.catalog, models::parameter_registry(), 1, 3, {});
    CHECK_FALSE(std::filesystem::exists(dead));
    CHECK(std::filesystem::exists(alive));
  }
}

TEST_CASE("per-run values land in their rows whatever the order and across blocks of rows") {
  Fixture f;
  const auto path = f.folder / "many.h5";
  // More than two blocks of buffered rows (the last one short) and, with 3
  // days a run, three chunks of /timeseries rows; a run order that hops
  // between chunks makes the one-chunk cache write chunks half-filled.
  constexpr std::uint64_t runs = 6'000;
  {
    results::ResultsWriter writer(path, false, f.catalog, models::parameter_registry(), runs, 3, {});
    for (std::uint64_t k = 0; k < runs; ++k) writer.write(f.result(k * 7'919 % runs), f.parameters);
    auto again = f.result(5);
    again.summary = {-1.0};
    writer.write(again, f.parameters);  // a run written twice keeps its last values
    writer.commit();
  }
  const auto contents = results::read_results(path);
  REQUIRE(contents.runs() == runs);
  const auto file = results::hdf5::open_file_read_only(path.string());
  const auto series = results::hdf5::Dataset::open(file.id(), "timeseries/alpha").read_doubles();
  REQUIRE(series.size() == runs * 3);
  for (std::uint64_t run = 0; run < runs; ++run) {
    REQUIRE(contents.seeds[run] == 100 + run);
    REQUIRE(contents.summary_values.at(0)[run] == (run == 5 ? -1.0 : 0.25 * static_cast<double>(run)));
    REQUIRE(series[run * 3] == static_cast<double>(run));
    REQUIRE(series[run * 3 + 2] == 3.5);
  }
}

TEST_CASE("the file says what analysis needs: the registry, each run's choices and checkpoint ages") {
  Fixture f;
  sim::ParameterRegistry registry;
  registry.add({.path = "rate", .kind = sim::ParameterKind::real, .default_value = 0.5, .unit = "share", .max = 1.0,
                .description = "A measured rate", .source = source(sim::Provenance::data, "Survey 2010, table 3"),
                .finding = "F1"});
  registry.add({.path = "policy", .kind = sim::ParameterKind::choice, .default_value = std::string("ask"),
                .choices = {"ask", "tell"}, .description = "A policy", .source = source(sim::Provenance::setting, "lever"),
                .runtime_changeable = true});
  registry.add({.path = "label", .kind = sim::ParameterKind::text, .default_value = std::string(""),
                .description = "Free text", .source = source(sim::Provenance::assumption, "none")});
  sim::OutputCatalog catalog;
  catalog.add_series({"alpha", "mothers", "A daily series"});
  catalog.add_summary({"at_6w", "share of mothers", "Measured at 6 weeks", 42, "6 weeks"});
  catalog.add_summary({"overall", "share of mothers", "Not measured at an age"});
  sim::ParameterSet told(registry), asked(registry);
  told.set("policy", std::string("tell"), {});
  const auto path = f.folder / "registry.h5";
  {
    results::ResultsWriter writer(path, false, catalog, registry, 2, 3, {});
    auto run = f.result(0);
    run.summary = {0.1, 0.2};
    writer.write(run, told);
    run = f.result(1);
    run.summary = {0.1, 0.2};
    writer.write(run, asked);
    writer.commit();
  }
  namespace h = results::hdf5;
  const auto file = h::open_file_read_only(path.string());
  const auto registry_group = h::open_group(file.id(), "registry");
  CHECK(h::read_strings(registry_group.id(), "path") == std::vector<std::string>{"rate", "policy", "label"});
  CHECK(h::read_strings(registry_group.id(), "source") == std::vector<std::string>{"data", "setting", "assumption"});
  CHECK(h::read_strings(registry_group.id(), "reference").at(0) == "Survey 2010, table 3");
  CHECK(h::read_strings(registry_group.id(), "default") == std::vector<std::string>{"0.5", "ask", ""});
  CHECK(h::read_strings(registry_group.id(), "choices") == std::vector<std::string>{"", "ask|tell", ""});
  CHECK(h::read_strings(registry_group.id(), "runtime_changeable") == std::vector<std::string>{"false", "true", "false"});
  CHECK(h::read_strings(registry_group.id(), "unit").at(0) == "share");
  CHECK(h::read_strings(registry_group.id(), "finding").at(0) == "F1");
  // each run's choice as its level number; the choice is not among the numeric parameters
  const auto policy = h::Dataset::open(file.id(), "choices/policy");
  CHECK(policy.read_doubles() == std::vector<double>{1.0, 0.0});
  CHECK(h::read_string_attribute(policy.id(), "levels") == "ask|tell");
  CHECK(h::list_members(h::open_group(file.id(), "parameters").id()) == std::vector<std::string>{"rate"});
  CHECK(h::list_members(h::open_group(file.id(), "choices").id()) == std::vector<std::string>{"policy"});
  // the checkpoint's age, and none on an outcome not measured at an age
  const auto at_6w = h::Dataset::open(file.id(), "summary/at_6w");
  CHECK(h::read_uint64_attribute(at_6w.id(), "age_days") == 42);
  CHECK(h::read_string_attribute(at_6w.id(), "age") == "6 weeks");
  CHECK_FALSE(h::has_attribute(h::Dataset::open(file.id(), "summary/overall").id(), "age_days"));
}
