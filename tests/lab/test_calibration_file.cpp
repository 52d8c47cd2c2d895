// Calibration files (lab/calibration_file.hpp): good ones resolve to priors,
// targets with their distance scales, and per-scenario parameters with the
// particle's values applied; targets are computed from summary outcomes as
// documented (means over replicates; risk ratios paired by replicate).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/calibration_file.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"
#include "tests/lab/scratch_folder.hpp"

namespace fs = std::filesystem;

namespace {

struct CalibrationFolder : testing_support::ScratchFolder {
  CalibrationFolder() : ScratchFolder("ppisim-calibrations") {}
  [[nodiscard]] fs::path write(const std::string& text) const { return ScratchFolder::write("calibration.yaml", text); }
};

lab::CalibrationContext context() {
  lab::CalibrationContext context;
  context.registry = &models::parameter_registry();
  for (const auto& spec : models::output_catalog().summaries()) context.outputs.push_back(spec.name);
  context.risk_among = "initiation_rate";
  return context;
}

const std::string kScenarios = std::string("scenarios:\n  usual: {base: ") + PPISIM_SOURCE_DIR +
                               "/scenarios/no_peer_support.yaml}\n  support: {base: " + PPISIM_SOURCE_DIR +
                               "/scenarios/integrated.yaml, set: {horizon: 2 years}}\n";

std::vector<double> summary_with(const lab::Calibration& calibration, double initiation, double any_6w) {
  std::vector<double> summary(context().outputs.size(), 0.0);
  summary[calibration.targets[0].among_index] = initiation;
  summary[calibration.targets[0].outcome_index] = any_6w;
  return summary;
}

}  // namespace

TEST_CASE("calibration file: priors in the parameter's units, targets with their scales, overlays applied") {
  const CalibrationFolder folder;
  const auto calibration = lab::load_calibration(
      folder.write("name: c\n" + kScenarios +
                   "parameters:\n"
                   "  mothers.confidence.effect: {truncated_normal: {mean: 1, sd: 0.5}}\n"
                   "  mothers.confidence.decay: {log_uniform: [0.01 per day, 1 per week]}\n"
                   "  peer_support.confidence_gain: {beta: {alpha: 2, beta: 5}}\n"
                   "targets:\n"
                   "  rr: {risk_ratio: {treated: support, control: usual, outcome: any_bf_6w}, observed: 0.77, interval95: [0.66, 0.90]}\n"
                   "  prevalence: {scenario: usual, outcome: any_bf_6w, observed: 0.55, interval95: [0.53, 0.57]}\n"
                   "  rr_se: {risk_ratio: {treated: support, control: usual, outcome: any_bf_6w}, observed: 0.8, se: 0.04}\n"
                   "abc: {population: 50, replicates: 3, stop: {tolerance: 0.5}}\n"),
      context());
  REQUIRE(calibration.parameters.size() == 3);
  // A truncated normal without bounds is truncated to the registry's range (0 to 20).
  CHECK(calibration.parameters[0].prior.low == 0.0);
  CHECK(calibration.parameters[0].prior.high == 20.0);
  CHECK(calibration.parameters[1].prior.high == Approx(1.0 / 7.0));  // 1 per week, in per day
  CHECK(calibration.parameters[2].prior.kind == lab::PriorKind::beta);
  // 95% intervals become standard errors: of the logs for ratios, as given otherwise; a ratio's se by the delta method.
  CHECK(calibration.targets[0].standard_error == Approx((std::log(0.90) - std::log(0.66)) / 3.919927969));
  CHECK(calibration.targets[0].log_scale());
  CHECK(calibration.targets[1].standard_error == Approx(0.04 / 3.919927969));
  CHECK(calibration.targets[2].standard_error == Approx(0.04 / 0.8));
  CHECK(calibration.stop.max_generations == 20);
  const auto parameters = calibration.parameters_of(1, {2.5, 0.1, 0.3});
  CHECK(parameters.real("mothers.confidence.effect") == 2.5);
  CHECK(parameters.real("horizon") == Approx(2 * 365.25));  // the overlay
  CHECK(calibration.parameters_of(0, {2.5, 0.1, 0.3}).real("horizon") != parameters.real("horizon"));
}

TEST_CASE("calibration targets: prevalence is the replicate mean, a risk ratio the geometric mean of paired replicate ratios") {
  const CalibrationFolder folder;
  const auto calibration = lab::load_calibration(
      folder.write("name: c\n" + kScenarios +
                   "parameters: {mothers.confidence.effect: {uniform: [0, 3]}}\n"
                   "targets:\n"
                   "  rr: {risk_ratio: {treated: support, control: usual, outcome: any_bf_6w}, observed: 0.77, se: 0.05}\n"
                   "  prevalence: {scenario: usual, outcome: any_bf_6w, observed: 0.55, se: 0.02}\n"
                   "abc: {replicates: 2, stop: {tolerance: 0.5}}\n"),
      context());
  // Replicate 0: risks 1 - 0.6/0.8 = 0.25 (support) and 1 - 0.4/0.8 = 0.5 (usual): ratio 0.5.
  // Replicate 1: risks 1 - 0.45/0.9 = 0.5 and 1 - 0.36/0.9 = 0.6: ratio 5/6.
  const std::vector<std::vector<std::vector<double>>> summaries{
      {summary_with(calibration, 0.8, 0.4), summary_with(calibration, 0.9, 0.36)},
      {summary_with(calibration, 0.8, 0.6), summary_with(calibration, 0.9, 0.45)}};
  const auto simulated = calibration.evaluate(summaries);
  // The model's one relative risk: the geometric mean of the paired ratios (not their mean, 2/3).
  const double geometric = std::sqrt(0.5 * 5.0 / 6.0);
  CHECK(simulated.values[0] == Approx(geometric));
  // On the log scale sd / sqrt(2) with two values, back by the delta method: se(RR) = RR se(log RR).
  CHECK(simulated.standard_errors[0] == Approx(geometric * std::abs(std::log(0.5) - std::log(5.0 / 6.0)) / 2.0));
  CHECK(simulated.values[1] == Approx(0.38));
  // A replicate where no mother started leaves the ratio undefined: the particle is never accepted.
  const auto undefined = calibration.evaluate({{summary_with(calibration, 0.0, 0.0), summary_with(calibration, 0.9, 0.36)},
                                               {summary_with(calibration, 0.8, 0.6), summary_with(calibration, 0.9, 0.45)}});
  CHECK(std::isnan(undefined.values[0]));
  CHECK(std::isinf(lab::abc_distance(calibration.abc_targets(), undefined.values)));
}

TEST_CASE("calibration file: a parameter fixed by data is refused with the reason") {
  const CalibrationFolder folder;
  const auto file = folder.write("name: c\n" + kScenarios +
                                 "parameters: {feeding.any_6w: {uniform: [0.4, 0.6]}}\n"
                                 "targets: {p: {scenario: usual, outcome: any_bf_6w, observed: 0.55, se: 0.02}}\n"
                                 "abc: {stop: {tolerance: 0.5}}\n");
  try {
    (void)lab::load_calibration(file, context());
    FAIL("no error");
  } catch (const sim::InputError& error) {
    const std::string message = error.what();
    CHECK(message.find("calibration.yaml:5:") != std::string::npos);
    CHECK(message.find("is fixed by data (") != std::string::npos);
    CHECK(message.find(models::parameter_registry().find("feeding.any_6w")->source.reference) != std::string::npos);
  }
}
