#include "cli/participatory_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <memory>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "results/hdf5.hpp"
#include "results/results_file.hpp"
#include "sim/errors.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace cli {
namespace {

namespace hdf5 = results::hdf5;
namespace fs = std::filesystem;
using models::AppliedDecision;
using models::Decision;

// Whole numbers are stored as float64 (exact to 2^53), so they carry the file's checksums like every other column.
void write_column(hid_t parent, const std::string& name, const std::vector<double>& values, const std::string& units,
                  const std::string& description) {
  auto set = hdf5::Dataset::create_doubles(parent, name, {values.size()});
  if (!values.empty()) set.write_all(values.data());
  set.describe(units, description);
}

std::vector<double> read_column(hid_t parent, const std::string& group, const std::string& name, std::size_t rows) {
  const auto set = hdf5::Dataset::open(parent, name);
  set.require("/participatory/" + group + "/" + name, {rows}, H5T_FLOAT);
  return set.read_doubles();
}

// A table's columns: name, units, description, and how a row gives its value and takes it back.
template <typename Row>
struct Column {
  const char* name;
  const char* units;
  const char* description;
  std::function<double(const Row&)> get;
  std::function<void(Row&, double)> set;
};

template <typename Row>
void write_table(hid_t group, const char* name, const std::vector<Row>& rows, const std::vector<Column<Row>>& columns) {
  const auto table = hdf5::create_group(group, name);
  for (const auto& column : columns) {
    std::vector<double> values;
    values.reserve(rows.size());
    for (const auto& row : rows) values.push_back(column.get(row));
    write_column(table.id(), column.name, values, column.units, column.description);
  }
}

template <typename Row>
std::vector<Row> read_table(hid_t group, const char* name, const std::vector<Column<Row>>& columns) {
  const auto table = hdf5::open_group(group, name);
  const auto rows = hdf5::Dataset::open(table.id(), columns.front().name).shape().at(0);
  std::vector<Row> out(rows);
  for (const auto& column : columns) {
    const auto values = read_column(table.id(), name, column.name, rows);
    for (std::size_t r = 0; r < rows; ++r) column.set(out[r], values[r]);
  }
  return out;
}

template <typename T>
T whole(double value) {
  return static_cast<T>(value);
}

const std::vector<Column<Decision>>& decision_columns() {
  static const std::vector<Column<Decision>> columns{
      {"from_day", "day", "first day the decision holds", [](const Decision& d) { return double(d.from_day); },
       [](Decision& d, double v) { d.from_day = whole<std::int32_t>(v); }},
      {"until_day", "day", "day it no longer holds (exclusive)", [](const Decision& d) { return double(d.until_day); },
       [](Decision& d, double v) { d.until_day = whole<std::int32_t>(v); }},
      {"side", "code", "index into /participatory/sides", [](const Decision& d) { return double(static_cast<int>(d.side)); },
       [](Decision& d, double v) { d.side = static_cast<models::Side>(whole<int>(v)); }},
      {"agent", "id", "professional or volunteer id (by side)", [](const Decision& d) { return double(d.agent); },
       [](Decision& d, double v) { d.agent = whole<std::int32_t>(v); }},
      {"kind", "code", "index into /participatory/kinds", [](const Decision& d) { return double(static_cast<int>(d.kind)); },
       [](Decision& d, double v) { d.kind = static_cast<models::DecisionKind>(whole<int>(v)); }},
      {"subject", "id", "the mother a refer decision names; -1: every other mother, or about no one",
       [](const Decision& d) { return double(d.subject); }, [](Decision& d, double v) { d.subject = whole<std::int64_t>(v); }},
      {"yes", "0/1", "1 yes, 0 no", [](const Decision& d) { return d.yes ? 1.0 : 0.0; },
       [](Decision& d, double v) { d.yes = v != 0.0; }}};
  return columns;
}

const std::vector<Column<AppliedDecision>>& applied_columns() {
  using A = AppliedDecision;
  static const std::vector<Column<A>> columns{
      {"day", "day", "day of the use", [](const A& a) { return double(a.day); }, [](A& a, double v) { a.day = whole<std::int32_t>(v); }},
      {"side", "code", "index into /participatory/sides", [](const A& a) { return double(static_cast<int>(a.side)); },
       [](A& a, double v) { a.side = static_cast<models::Side>(whole<int>(v)); }},
      {"agent", "id", "professional or volunteer id (by side)", [](const A& a) { return double(a.agent); },
       [](A& a, double v) { a.agent = whole<std::int32_t>(v); }},
      {"kind", "code", "index into /participatory/kinds", [](const A& a) { return double(static_cast<int>(a.kind)); },
       [](A& a, double v) { a.kind = static_cast<models::DecisionKind>(whole<int>(v)); }},
      {"subject", "id", "the mother (refer, report_concern, act_beyond_role) or the volunteer asking (grant_access); -1: none",
       [](const A& a) { return double(a.subject); }, [](A& a, double v) { a.subject = whole<std::int64_t>(v); }},
      {"student", "0/1", "what the student's decision did: 1 yes, 0 no", [](const A& a) { return a.student ? 1.0 : 0.0; },
       [](A& a, double v) { a.student = v != 0.0; }},
      {"model", "0/1", "what the model's rule would have done at the same point with the same draws: 1 yes, 0 no",
       [](const A& a) { return a.model ? 1.0 : 0.0; }, [](A& a, double v) { a.model = v != 0.0; }}};
  return columns;
}

bool same_bits(const double* a, const double* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(double)) == 0; }

// A resolved scenario held as text: loaded through a private temporary file, with every check a file gets.
sim::Scenario scenario_from_text(const std::string& yaml, const std::string& origin) {
  std::string path = (fs::temp_directory_path() / "ppisim-replay-XXXXXX.yaml").string();
  const int fd = ::mkstemps(path.data(), 5);
  if (fd < 0) throw sim::RuntimeFailure("cannot create a temporary file in " + fs::temp_directory_path().string());
  ::close(fd);
  struct Remove {
    std::string path;
    ~Remove() {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  } remove{path};
  std::ofstream(path) << yaml;
  try {
    return sim::load_scenario(path, models::parameter_registry());
  } catch (const sim::InputError& error) {
    throw sim::InputError(origin + ": its scenario_yaml does not load: " + error.what());
  }
}

}  // namespace

void write_participatory_group(hid_t root, const ParticipatoryRecord& record) {
  const auto group = hdf5::create_group(root, "participatory");
  hdf5::write_string_attribute(group.id(), "description",
                               "Decisions students took for their agents in a participatory session; replayed on this "
                               "file's scenario and seed they reproduce /timeseries and /summary (`ppisim replay`)");
  std::vector<std::string> kinds;
  for (int k = 0; k < models::kDecisionKinds; ++k) kinds.emplace_back(models::to_string(static_cast<models::DecisionKind>(k)));
  hdf5::write_strings(group.id(), "kinds", kinds);
  hdf5::write_strings(group.id(), "sides", {"professional", "volunteer"});
  write_table(group.id(), "decisions", record.decisions, decision_columns());
  write_table(group.id(), "applied", record.applied, applied_columns());
  const auto roster = hdf5::create_group(group.id(), "students");
  std::vector<std::string> names, roles;
  std::vector<double> agents, weeks;
  for (const auto& s : record.students) {
    names.push_back(s.name);
    roles.push_back(s.role);
    agents.push_back(static_cast<double>(s.agent));
    weeks.push_back(static_cast<double>(s.weeks_decided));
  }
  hdf5::write_strings(roster.id(), "name", names);
  hdf5::write_strings(roster.id(), "role", roles);
  write_column(roster.id(), "agent", agents, "id", "the agent each student played (a volunteer id for volunteers, else a professional id)");
  write_column(roster.id(), "weeks_decided", weeks, "weeks", "weeks in which the student's decisions took effect");
}

ParticipatoryRecord read_participatory_group(hid_t root) {
  if (!hdf5::exists(root, "participatory"))
    throw sim::InputError("this results file has no /participatory group: it was not saved from a participatory session");
  const auto group = hdf5::open_group(root, "participatory");
  if (hdf5::read_strings(group.id(), "kinds").size() != models::kDecisionKinds)
    throw sim::RuntimeFailure("/participatory/kinds does not name this version's decisions");
  ParticipatoryRecord record{read_table(group.id(), "decisions", decision_columns()),
                             read_table(group.id(), "applied", applied_columns()),
                             {}};
  for (const auto& d : record.decisions)
    if (static_cast<int>(d.kind) >= models::kDecisionKinds || static_cast<int>(d.side) > 1 ||
        !models::applies_to(d.kind, d.side) || d.from_day > d.until_day)
      throw sim::RuntimeFailure("/participatory/decisions holds a decision no student could take");
  const auto roster = hdf5::open_group(group.id(), "students");
  const auto names = hdf5::read_strings(roster.id(), "name");
  const auto roles = hdf5::read_strings(roster.id(), "role");
  const auto agents = read_column(roster.id(), "students", "agent", names.size());
  const auto weeks = read_column(roster.id(), "students", "weeks_decided", names.size());
  if (roles.size() != names.size()) throw sim::RuntimeFailure("/participatory/students/role: one per student expected");
  for (std::size_t i = 0; i < names.size(); ++i)
    record.students.push_back({names[i], roles[i], whole<std::int64_t>(agents[i]), whole<std::int64_t>(weeks[i])});
  return record;
}

int replay_command(const ReplayOptions& options) {
  if (!options.output.empty()) results::check_output_path(options.output, options.force);
  hdf5::silence_library_errors();
  const auto file = hdf5::open_file_read_only(options.file);
  const auto record = read_participatory_group(file.id());
  auto scenario = scenario_from_text(hdf5::read_string_attribute(file.id(), "scenario_yaml"), options.file);
  // Not models::check_parameters: a session saved before its 26th week has a horizon too short to measure
  // anyone, which a new run would be refused for; only the population's size is checked, before anything is allocated.
  if (models::estimated_agents(scenario.parameters) > static_cast<double>(models::kDefaultMaxAgents))
    throw sim::InputError(options.file + ": its scenario's population is larger than a replay runs");
  const auto seed = hdf5::Dataset::open(file.id(), "runs/seed").read_uint64s().at(0);
  const int days = models::simulated_days(scenario.parameters);
  const auto& catalog = models::output_catalog();

  auto choices = std::make_shared<models::StudentChoices>(record.decisions);
  auto result = sim::run_one(models::plan_with_students(choices), catalog, scenario.parameters, seed, days, nullptr,
                             nullptr, true);
  // Every daily series, every summary outcome and every use of a decision, bit for bit.
  std::string difference;
  for (std::size_t s = 0; s < catalog.series().size() && difference.empty(); ++s) {
    const auto& name = catalog.series()[s].name;
    const auto stored = hdf5::Dataset::open(file.id(), "timeseries/" + name).read_doubles();
    if (stored.size() != static_cast<std::size_t>(days) ||
        !same_bits(stored.data(), result.series.data() + s * static_cast<std::size_t>(days), stored.size()))
      difference = "daily series " + name;
  }
  for (std::size_t s = 0; s < catalog.summaries().size() && difference.empty(); ++s) {
    const auto& name = catalog.summaries()[s].name;
    const auto stored = hdf5::Dataset::open(file.id(), "summary/" + name).read_doubles();
    if (stored.size() != 1 || !same_bits(stored.data(), &result.summary[s], 1)) difference = "summary outcome " + name;
  }
  if (difference.empty() && choices->applied() != record.applied) difference = "the uses of the decisions (/participatory/applied)";

  if (!options.output.empty()) {
    const results::RunProvenance provenance{"ppisim replay " + options.file, scenario.parameters.text("name"),
                                            scenario.resolved_yaml(),
                                            static_cast<std::uint64_t>(scenario.parameters.integer("seed")), 1};
    results::ResultsWriter writer(options.output, options.force, catalog, models::parameter_registry(), 1, days, provenance);
    writer.write(result, scenario.parameters);
    write_participatory_group(writer.root(), {choices->decisions(), choices->applied(), record.students});
    writer.commit();
  }
  if (!difference.empty()) {
    fmt::print(stderr, "ppisim replay: {}: the {} decisions, replayed, do not reproduce the file's run: {} differs\n",
               options.file, record.decisions.size(), difference);
    return 1;
  }
  fmt::print("{}: {} decisions of {} students replayed on its scenario and seed ({} days): every daily series, summary "
             "outcome and use of a decision ({}) identical\n",
             options.file, record.decisions.size(), record.students.size(), days, record.applied.size());
  return 0;
}

}  // namespace cli
