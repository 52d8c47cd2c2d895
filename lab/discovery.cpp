#include "lab/discovery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "results/hdf5.hpp"
#include "results/results_file.hpp"
#include "sim/errors.hpp"
#include "sim/text.hpp"

namespace lab {

namespace hdf5 = results::hdf5;
namespace fs = std::filesystem;

namespace {

// A token of a condition and the 1-based column where it starts.
struct Token {
  std::string text;
  int column = 0;
};

std::vector<Token> tokens_of(const std::string& text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (c == '<' || c == '>' || c == '=' || c == '!') {
      ++i;
      if (i < text.size() && text[i] == '=') ++i;
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '<' && text[i] != '>' &&
             text[i] != '=' && text[i] != '!')
        ++i;
    }
    tokens.push_back({text.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return tokens;
}

[[noreturn]] void bad_condition(int column, const std::string& message) {
  throw sim::InputError(sim::SourceLocation{"--where", 1, column}, message);
}

std::string listed(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

bool is_comparison(const std::string& word) { return word == "<" || word == "<=" || word == ">" || word == ">="; }

}  // namespace

std::vector<Comparison> parse_condition(const std::string& text, const std::vector<std::string>& outcomes,
                                        bool has_comparator) {
  const std::string example = " (e.g. \"any_bf_6w >= 0.45 and reached < 500\")";
  const auto tokens = tokens_of(text);
  if (tokens.empty()) bad_condition(1, "expected a condition OUTCOME < NUMBER (or <=, >, >=), joined by 'and'" + example);
  std::vector<Comparison> condition;
  std::size_t i = 0;
  const auto end_column = static_cast<int>(text.size()) + 1;
  while (true) {
    if (i >= tokens.size()) bad_condition(end_column, "expected an outcome after 'and'" + example);
    const Token& name = tokens[i];
    std::string contrast, outcome = name.text;
    int outcome_column = name.column;
    for (const std::string word : {"diff", "ratio"})
      if (outcome.starts_with(word + "(")) {
        if (!outcome.ends_with(")")) bad_condition(name.column, "expected " + word + "(OUTCOME), with no spaces, got '" +
                                                                    sim::printable_line(outcome) + "'");
        if (!has_comparator)
          bad_condition(name.column, word + "(...) compares with a comparator: add --comparator FILE (the comparator "
                                            "scenario's results, run with the sweep's seed)");
        contrast = word;
        outcome = outcome.substr(word.size() + 1, outcome.size() - word.size() - 2);
        outcome_column += static_cast<int>(word.size()) + 1;
      }
    if (std::find(outcomes.begin(), outcomes.end(), outcome) == outcomes.end()) {
      const auto suggestion = sim::closest_match(outcome, outcomes);
      bad_condition(outcome_column, "unknown outcome '" + sim::printable_line(outcome) + "'" +
                                     (suggestion ? "; did you mean '" + *suggestion + "'?"
                                                 : "; the file's outcomes are " + listed(outcomes)));
    }
    if (i + 1 >= tokens.size()) bad_condition(end_column, "expected <, <=, > or >= after '" + name.text + "'" + example);
    const Token& op = tokens[i + 1];
    if (!is_comparison(op.text))
      bad_condition(op.column, "expected <, <=, > or >= after '" + name.text + "', got '" + sim::printable_line(op.text) +
                                   "'" + (op.text == "=" || op.text == "==" || op.text == "!=" ? " (equality is not offered: "
                                                                                                 "outcomes are means; use a range "
                                                                                                 "such as 'x >= 1 and x <= 2')"
                                                                                               : ""));
    if (i + 2 >= tokens.size()) bad_condition(end_column, "expected a number after '" + op.text + "'" + example);
    const Token& number = tokens[i + 2];
    char* stop = nullptr;
    const double threshold = std::strtod(number.text.c_str(), &stop);
    if (number.text.empty() || stop != number.text.c_str() + number.text.size() || !std::isfinite(threshold))
      bad_condition(number.column, "expected a finite number after '" + op.text + "', got '" +
                                       sim::printable_line(number.text) + "'");
    condition.push_back({contrast, outcome, op.text, threshold});
    i += 3;
    if (i == tokens.size()) return condition;
    if (tokens[i].text != "and")
      bad_condition(tokens[i].column, "expected 'and' or the end of the condition, got '" +
                                          sim::printable_line(tokens[i].text) + "'" +
                                          (tokens[i].text == "or" || tokens[i].text == "&&" ? " (only 'and' joins comparisons)" : ""));
    ++i;
  }
}

static SweepPoints read_points(const fs::path& path, const results::ResultsContents& contents);

SweepPoints read_sweep_points(const fs::path& path) {
  const auto contents = results::read_results(path);  // refuses what is not a readable results file
  try {
    return read_points(path, contents);
  } catch (const sim::RuntimeFailure& failure) {
    results::refuse_damaged_file(path, failure);
  }
}

static SweepPoints read_points(const fs::path& path, const results::ResultsContents& contents) {
  const sim::SourceLocation where{path.string(), 0, 0};
  const auto file = hdf5::open_file_read_only(path.string());
  const hid_t root = file.id();
  const std::string kind = hdf5::has_attribute(root, "kind") ? hdf5::read_string_attribute(root, "kind") : "run";
  if (kind != "sweep")
    throw sim::InputError(where, "a results file of kind '" + kind + "', not a sweep; ppisim discover reads the file of "
                                 "`ppisim sweep` (merge shards first with `ppisim merge`)");
  SweepPoints points;
  const auto design = hdf5::open_group(root, "design");
  points.factors = hdf5::read_strings(design.id(), "factors");
  points.levels = hdf5::read_strings(design.id(), "levels");
  if (points.levels.size() != points.factors.size())
    throw sim::RuntimeFailure("/design/levels: one entry per factor expected");
  const auto values = hdf5::Dataset::open(design.id(), "values");
  if (values.shape().size() != 2 || values.shape()[1] != points.factors.size())
    throw sim::RuntimeFailure("/design/values: expected [points, " + std::to_string(points.factors.size()) + "]");
  const auto point_count = static_cast<Eigen::Index>(values.shape()[0]);
  const auto factor_count = static_cast<Eigen::Index>(points.factors.size());
  values.require("/design/values", values.shape(), H5T_FLOAT);
  const auto flat = values.read_doubles();
  points.values = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      flat.data(), point_count, factor_count);
  const auto point_of_run = [&] {
    const auto dataset = hdf5::Dataset::open(root, "runs/point");
    dataset.require("/runs/point", {static_cast<hsize_t>(contents.runs())}, H5T_INTEGER);
    return dataset.read_uint64s();
  }();
  points.replicates.assign(static_cast<std::size_t>(point_count), 0);
  for (const auto point : point_of_run) {
    if (point >= static_cast<std::uint64_t>(point_count))
      throw sim::RuntimeFailure("/runs/point: design point " + std::to_string(point) + " beyond /design/values");
    ++points.replicates[point];
  }
  for (const auto& spec : contents.summary_specs) points.outcomes.push_back(spec.name);
  points.run_values = contents.summary_values;
  points.run_point = point_of_run;
  points.run_seed = contents.seeds;
  if (hdf5::has_attribute(root, "seed")) points.base_seed = hdf5::read_uint64_attribute(root, "seed");
  return points;
}

ComparatorRuns read_comparator(const fs::path& path, const SweepPoints& sweep) {
  const auto contents = results::read_results(path);
  ComparatorRuns comparator{path.string(), {}, contents.summary_values, {}};
  for (const auto& spec : contents.summary_specs) comparator.outcomes.push_back(spec.name);
  if (comparator.outcomes != sweep.outcomes)
    throw sim::InputError(sim::SourceLocation{path.string(), 0, 0},
                          "the comparator's outcomes are not the sweep's (made by another ppisim?); run the comparator "
                          "scenario again with this ppisim");
  for (std::size_t run = 0; run < contents.seeds.size(); ++run) comparator.run_of_seed.emplace(contents.seeds[run], run);
  for (std::size_t run = 0; run < sweep.run_seed.size(); ++run)
    if (!comparator.run_of_seed.contains(sweep.run_seed[run])) {
      std::size_t replicates = 0;
      for (const auto count : sweep.replicates) replicates = std::max(replicates, count);
      throw sim::InputError(sim::SourceLocation{path.string(), 0, 0},
                            fmt::format("no run of the comparator has the seed of the sweep's run {} ({}): pairing by "
                                        "seed needs the comparator run with the sweep's seed and at least its {} "
                                        "replicates (ppisim run COMPARATOR.yaml --seed {} --replicates {})",
                                        run, sweep.run_seed[run], replicates, sweep.base_seed, replicates));
    }
  return comparator;
}

Eigen::VectorXd term_values(const SweepPoints& points, const Comparison& comparison, const ComparatorRuns* comparator) {
  const auto k = static_cast<std::size_t>(std::find(points.outcomes.begin(), points.outcomes.end(), comparison.outcome) -
                                          points.outcomes.begin());
  Eigen::VectorXd own = Eigen::VectorXd::Zero(points.size()), other = own, count = own;
  for (std::size_t run = 0; run < points.run_point.size(); ++run) {
    const double value = points.run_values[k][run];
    const double paired = comparison.contrast.empty() ? 0.0
                                                      : comparator->run_values[k][comparator->run_of_seed.at(points.run_seed[run])];
    if (!std::isfinite(value) || !std::isfinite(paired)) continue;  // a pair counts only when both have a value
    const auto point = static_cast<Eigen::Index>(points.run_point[run]);
    own(point) += value;
    other(point) += paired;
    count(point) += 1.0;
  }
  Eigen::VectorXd terms(points.size());
  for (Eigen::Index p = 0; p < points.size(); ++p)
    terms(p) = !(count(p) > 0)                   ? std::nan("")
               : comparison.contrast == "ratio" ? own(p) / other(p)
                                                : (own(p) - other(p)) / count(p);
  return terms;
}

Eigen::VectorXd cases_of(const SweepPoints& points, const std::vector<Comparison>& condition,
                         const ComparatorRuns* comparator) {
  Eigen::VectorXd cases = Eigen::VectorXd::Ones(points.size());
  for (const auto& comparison : condition) {
    const Eigen::VectorXd terms = term_values(points, comparison, comparator);
    for (Eigen::Index p = 0; p < points.size(); ++p) {
      const double term = terms(p), t = comparison.threshold;
      const bool meets = comparison.op == "<" ? term < t : comparison.op == "<=" ? term <= t : comparison.op == ">" ? term > t
                                                                                                                  : term >= t;
      if (!meets) cases(p) = 0.0;  // NaN meets no comparison
    }
  }
  return cases;
}

Discovery discover(const SweepPoints& points, const std::string& where, const PrimOptions& options,
                   const ComparatorRuns* comparator) {
  Discovery discovery{where, comparator ? comparator->path : std::string(), options,
                      cases_of(points, parse_condition(where, points.outcomes, comparator != nullptr), comparator), {}};
  if (points.values.rows() < 2)
    throw sim::InputError("the sweep has " + std::to_string(points.values.rows()) +
                          " design point(s); PRIM needs at least two (and many more to be useful)");
  discovery.boxes = prim(points.values, discovery.cases, options);
  return discovery;
}

namespace {

// A factor's limit: inside the design's range, or not restricting it.
bool restricts(const SweepPoints& points, const PrimBox& box, Eigen::Index factor) {
  return box.box.lower(factor) > points.values.col(factor).minCoeff() ||
         box.box.upper(factor) < points.values.col(factor).maxCoeff();
}

void write_column(hid_t group, const std::string& name, const std::vector<double>& values, const std::string& units,
                  const std::string& description) {
  auto dataset = hdf5::Dataset::create_doubles(group, name, {static_cast<hsize_t>(values.size())});
  if (!values.empty()) dataset.write_all(values.data());
  dataset.describe(units, description);
}

void write_table(hid_t group, const std::string& name, const std::vector<double>& row_major, std::size_t rows,
                 std::size_t columns, const std::string& description) {
  auto dataset = hdf5::Dataset::create_doubles(group, name, {static_cast<hsize_t>(rows), static_cast<hsize_t>(columns)});
  if (rows && columns) dataset.write_all(row_major.data());
  dataset.describe("factor units", description);
}

std::string options_text(const PrimOptions& o) {
  return fmt::format("peel_alpha={} paste_alpha={} min_mass={} min_coverage={} density_tolerance={} max_restricted={} "
                     "max_boxes={} bootstrap={} seed={}",
                     o.peel_alpha, o.paste_alpha, o.min_mass, o.min_coverage, o.density_tolerance,
                     o.max_restricted == std::numeric_limits<std::size_t>::max() ? std::string("all")
                                                                                 : std::to_string(o.max_restricted),
                     o.max_boxes, o.bootstrap, o.seed);
}

}  // namespace

constexpr const char* kIntervalsCover =
    "bootstrap 95% percentile intervals over resampled design points (points drawn with replacement, PRIM rerun on "
    "each resample); replicate noise enters only through each point's replicate mean";

void write_discovery(hid_t root, const SweepPoints& points, const Discovery& discovery) {
  if (hdf5::exists(root, "discovery")) hdf5::check(H5Ldelete(root, "discovery", H5P_DEFAULT), "cannot remove /discovery");
  const auto group = hdf5::create_group(root, "discovery");
  hdf5::write_string_attribute(group.id(), "where", discovery.where);
  hdf5::write_string_attribute(group.id(), "aggregation",
                               "OUTCOME: mean over each design point's replicates (those with a value); diff(OUTCOME), "
                               "ratio(OUTCOME): paired by seed with the comparator's runs (pairs where both have a value)");
  hdf5::write_string_attribute(group.id(), "comparator", discovery.comparator);
  hdf5::write_string_attribute(group.id(), "intervals", kIntervalsCover);
  hdf5::write_string_attribute(group.id(), "options", options_text(discovery.options));
  hdf5::write_uint64_attribute(group.id(), "points", static_cast<std::uint64_t>(discovery.cases.size()));
  hdf5::write_uint64_attribute(group.id(), "cases", static_cast<std::uint64_t>(discovery.cases.sum()));
  hdf5::write_strings(group.id(), "factors", points.factors);
  write_column(group.id(), "case", {discovery.cases.data(), discovery.cases.data() + discovery.cases.size()}, "1",
               "1 where the design point's replicate means meet the condition (attribute where), else 0");

  const auto boxes = hdf5::create_group(group.id(), "box");
  const std::size_t count = discovery.boxes.size(), factors = points.factors.size();
  std::map<std::string, std::vector<double>> column, table;
  for (const auto& box : discovery.boxes) {
    column["coverage"].push_back(box.box.coverage);
    column["coverage_lo95"].push_back(box.coverage.lo95);
    column["coverage_hi95"].push_back(box.coverage.hi95);
    column["density"].push_back(box.box.density);
    column["density_lo95"].push_back(box.density.lo95);
    column["density_hi95"].push_back(box.density.hi95);
    column["mass"].push_back(box.box.mass);
    column["chosen_step"].push_back(static_cast<double>(box.chosen));
    column["bootstrap_found"].push_back(static_cast<double>(box.bootstrap_found));
    for (std::size_t j = 0; j < factors; ++j) {
      const auto f = static_cast<Eigen::Index>(j);
      table["lower"].push_back(box.box.lower(f));
      table["upper"].push_back(box.box.upper(f));
      table["lower_lo95"].push_back(box.lower[j].lo95);
      table["lower_hi95"].push_back(box.lower[j].hi95);
      table["upper_lo95"].push_back(box.upper[j].lo95);
      table["upper_hi95"].push_back(box.upper[j].hi95);
      table["restricted"].push_back(restricts(points, box, f) ? 1.0 : 0.0);
    }
  }
  for (const char* name : {"coverage", "coverage_lo95", "coverage_hi95", "density", "density_lo95", "density_hi95", "mass",
                           "chosen_step", "bootstrap_found"})
    write_column(boxes.id(), name, column[name], "1",
                 std::string("Each box's ") + name + " (coverage: its cases / all cases; density: its cases / its points; "
                 "mass: its points / all points; chosen_step: its row in the trajectory before pasting)");
  for (const char* name : {"lower", "upper", "lower_lo95", "lower_hi95", "upper_lo95", "upper_hi95", "restricted"})
    write_table(boxes.id(), name, table[name], count, factors,
                std::string("[box, factor] ") + name + " (restricted: 1 where the limits lie inside the design's range)");

  const auto trajectory = hdf5::create_group(group.id(), "trajectory");
  std::map<std::string, std::vector<double>> steps;
  for (std::size_t k = 0; k < count; ++k)
    for (std::size_t s = 0; s < discovery.boxes[k].trajectory.size(); ++s) {
      const auto& step = discovery.boxes[k].trajectory[s];
      steps["box"].push_back(static_cast<double>(k));
      steps["step"].push_back(static_cast<double>(s));
      steps["coverage"].push_back(step.coverage);
      steps["density"].push_back(step.density);
      steps["mass"].push_back(step.mass);
      steps["restricted"].push_back(static_cast<double>(step.restricted));
    }
  for (const char* name : {"box", "step", "coverage", "density", "mass", "restricted"})
    write_column(trajectory.id(), name, steps[name], "1",
                 std::string("Peeling trajectories, one row per step of each box: ") + name);
}

namespace {

std::vector<std::string> split_levels(const std::string& joined) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (!joined.empty()) {
    const auto bar = joined.find('|', start);
    words.push_back(joined.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return words;
}

// A limit as people read it: a word factor's level name, else the number.
std::string limit_text(const std::vector<std::string>& levels, double value, bool is_lower) {
  if (levels.empty() || !std::isfinite(value)) return fmt::format("{:.4g}", value);
  const double index = is_lower ? std::ceil(value) : std::floor(value);
  if (index < 0 || index >= static_cast<double>(levels.size())) return fmt::format("{:.4g}", value);
  return levels[static_cast<std::size_t>(index)];
}

std::string interval_text(const PrimInterval& interval, int digits = 3) {
  if (!std::isfinite(interval.lo95)) return "[-]";
  return fmt::format("[{:.{}f}, {:.{}f}]", interval.lo95, digits, interval.hi95, digits);
}

}  // namespace

std::string format_discovery(const SweepPoints& points, const Discovery& discovery) {
  const auto n = discovery.cases.size();
  const double cases = discovery.cases.sum();
  std::string text = fmt::format("Scenario discovery: design points where {} (each point: the mean over its replicates{})\n",
                                 sim::printable_line(discovery.where),
                                 discovery.comparator.empty() ? ""
                                                              : "; diff() and ratio() paired by seed with " +
                                                                    sim::printable_line(discovery.comparator));
  text += fmt::format("{} design points, {} meet the condition ({:.1f}%)\n", n, cases, n ? 100.0 * cases / static_cast<double>(n) : 0.0);
  if (discovery.boxes.empty()) return text + "No box: no design point meets the condition.\n";
  text += fmt::format("Intervals: {}; {} resamples.\n", kIntervalsCover, discovery.options.bootstrap);
  std::size_t width = 6;
  for (const auto& factor : points.factors) width = std::max(width, factor.size());
  for (std::size_t k = 0; k < discovery.boxes.size(); ++k) {
    const auto& box = discovery.boxes[k];
    text += fmt::format("\nbox {}: coverage {:.3f} {}  density {:.3f} {}  mass {:.3f}  (found in {} of {} resamples)\n",
                        k + 1, box.box.coverage, interval_text(box.coverage), box.box.density, interval_text(box.density),
                        box.box.mass, box.bootstrap_found, discovery.options.bootstrap);
    bool any = false;
    for (std::size_t j = 0; j < points.factors.size(); ++j) {
      const auto f = static_cast<Eigen::Index>(j);
      if (!restricts(points, box, f)) continue;
      any = true;
      const auto levels = split_levels(points.levels[j]);
      const double low = points.values.col(f).minCoeff(), high = points.values.col(f).maxCoeff();
      const std::string lower = box.box.lower(f) > low ? ">= " + limit_text(levels, box.box.lower(f), true) + " " +
                                                             interval_text(box.lower[j], 4)
                                                       : "(not restricted)";
      const std::string upper = box.box.upper(f) < high ? "<= " + limit_text(levels, box.box.upper(f), false) + " " +
                                                              interval_text(box.upper[j], 4)
                                                        : "(not restricted)";
      text += fmt::format("  {:<{}}  {:<32} {}\n", sim::printable_line(points.factors[j]), width, lower, upper);
    }
    if (!any) text += "  (restricts no factor: the cases are spread over the whole design)\n";
  }
  return text;
}

}  // namespace lab
