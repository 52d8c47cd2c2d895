"""End-to-end tests of `ppisim calibrate` and of `ppisim summary` on its
posterior file: the built-in closed-form models recover their posteriors,
a small calibration of the simulator is the same bits at one and two
threads and after `kill -9` and `--resume`, every dataset describes itself,
and bad calibration files are refused with one located line and exit 2.

Simulator calibrations use tiny towns (one year, 500 births a year), so a
particle's runs take a few milliseconds.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from cli_support import SCENARIOS, assert_same_datasets, binary_path, describe

CHECKS = SCENARIOS / "calibration"
TIMINGS = frozenset({"calibration/generations/seconds"})  # wall-clock: the only thing allowed to differ
TINY = "{horizon: 1 year, population.births: 500 per year}"


def write_calibration(folder: Path, name: str = "tiny", population: int = 12, generations: int = 3,
                      seed: int = 5, parameters: str | None = None, targets: str | None = None, abc: str | None = None) -> Path:
    """A small calibration of the simulator: two parameters, a risk ratio and a prevalence."""
    parameters = parameters or ("  mothers.confidence.effect: {uniform: [0, 4]}\n"
                                "  peer_support.confidence_gain: {beta: [2, 2]}\n")
    targets = targets or ("  rr: {risk_ratio: {treated: proactive, control: usual_care, outcome: any_bf_6w}, "
                          "observed: 0.77, interval95: [0.66, 0.90]}\n"
                          "  usual: {scenario: usual_care, outcome: any_bf_6w, observed: 0.55, se: 0.03}\n")
    abc = abc or (f"{{population: {population}, replicates: 2, seed: {seed}, "
                  f"stop: {{tolerance: 0.5, max_generations: {generations}, min_acceptance: 0.02}}}}")
    path = folder / f"{name}.yaml"
    path.write_text(
        f"name: {name}\n"
        "scenarios:\n"
        f"  usual_care: {{base: {SCENARIOS / 'no_peer_support.yaml'}, set: {TINY}}}\n"
        f"  proactive: {{base: {SCENARIOS / 'integrated.yaml'}, set: {TINY}}}\n"
        f"parameters:\n{parameters}"
        f"targets:\n{targets}"
        f"abc: {abc}\n")
    return path


def calibrate_args(calibration: Path, output: Path, *extra) -> list[str]:
    return [str(binary_path()), "calibrate", str(calibration), "-o", str(output), *map(str, extra)]


def assert_same_posterior(expected: Path, actual: Path) -> None:
    """Every dataset of two posterior files: same names, shapes and bits, timings aside."""
    assert_same_datasets(expected, actual, ignore=TIMINGS)


def posterior_json(ppisim, output: Path) -> dict:
    result = ppisim("summary", output, "--format", "json")
    assert result.returncode == 0, describe(result)
    return json.loads(result.stdout)


# --- closed forms ------------------------------------------------------------------

def test_normal_mean_check_recovers_the_closed_form(ppisim, tmp_path):
    result = ppisim("calibrate", CHECKS / "normal_mean.yaml", "-o", "nm.h5", "--quiet")
    assert result.returncode == 0, describe(result)
    summary = posterior_json(ppisim, tmp_path / "nm.h5")
    theta = summary["parameters"][0]
    # Posterior N(0.96, 0.447^2): median 0.96, 95% interval [0.084, 1.836]; 1000 particles.
    assert abs(theta["median"] - 0.96) < 0.06, theta
    assert abs(theta["lo95"] - 0.084) < 0.12 and abs(theta["hi95"] - 1.836) < 0.12, theta
    assert summary["generations"][-1]["tolerance"] == 0.05
    assert summary["stop_reason"] == "reached the final tolerance"


def test_linear_gaussian_check_recovers_the_correlation(ppisim, tmp_path):
    result = ppisim("calibrate", CHECKS / "linear_gaussian.yaml", "-o", "lg.h5", "--quiet", "--threads", 2)
    assert result.returncode == 0, describe(result)
    summary = posterior_json(ppisim, tmp_path / "lg.h5")
    intercept, slope = summary["parameters"]
    assert abs(intercept["correlation"]["slope"] - (-4 / 45 ** 0.5)) < 0.06, intercept
    assert abs(intercept["median"] - 0.359) < 0.06 and abs(slope["median"] - 0.593) < 0.08, summary["parameters"]


def test_beta_binomial_check_recovers_the_closed_form(ppisim, tmp_path):
    result = ppisim("calibrate", CHECKS / "beta_binomial.yaml", "-o", "bb.h5", "--quiet")
    assert result.returncode == 0, describe(result)
    p = posterior_json(ppisim, tmp_path / "bb.h5")["parameters"][0]
    # Beta(9, 16): median 0.356, 95% interval [0.188, 0.553]; 1000 particles.
    assert abs(p["median"] - 0.356) < 0.02 and abs(p["lo95"] - 0.188) < 0.03 and abs(p["hi95"] - 0.553) < 0.03, p


def test_a_test_model_prior_outside_its_parameter_range_is_refused(ppisim, tmp_path):
    path = tmp_path / "bb.yaml"
    path.write_text((CHECKS / "beta_binomial.yaml").read_text().replace("p: {beta: [2, 3]}", "p: {uniform: [0, 2]}"))
    result = ppisim("calibrate", path, "-o", "out.h5")
    assert result.returncode == 2, describe(result)
    assert re.search(r"bb\.yaml:\d+:\d+: parameter 'p' of the beta_binomial model lies in \[0, 1\]", result.stderr), result.stderr


# --- the simulator: output, determinism, resume -------------------------------------

@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny calibration at one thread, and how long it took."""
    folder = tmp_path_factory.mktemp("reference")
    output = folder / "tiny.h5"
    start = time.monotonic()
    result = subprocess.run(calibrate_args(write_calibration(folder), output, "--threads", 1), cwd=folder,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe(result)
    return output, time.monotonic() - start, result.stdout


def test_posterior_file_describes_itself_and_holds_every_generation(reference):
    output, _, _ = reference
    with h5py.File(output, "r") as handle:
        assert handle.attrs["kind"] == "calibration"
        group = handle["calibration"]
        assert "calibration_yaml" in group.attrs and "resolved_yaml" in group.attrs
        assert "mothers.confidence.effect" in group.attrs["resolved_yaml"]
        undescribed = []  # numbers need units and a description; text columns (names) say what they are
        group.visititems(lambda name, item: undescribed.append(name) if isinstance(item, h5py.Dataset)
                         and item.dtype.kind not in "OS" and not {"units", "description"} <= set(item.attrs) else None)
        assert not undescribed, f"datasets without units and description: {undescribed}"
        tolerances = group["generations/tolerance"][()]
        assert np.isinf(tolerances[0]) and np.all(np.diff(tolerances[1:]) < 0), tolerances
        assert len(group["generations"]) - 6 == len(tolerances)  # one group per generation beside six datasets
        theta = group["posterior/theta"][()]
        assert theta.shape == (12, 2) and np.all((theta[:, 1] > 0) & (theta[:, 1] < 1))
        assert abs(group["posterior/weight"][()].sum() - 1) < 1e-12
        assert group["posterior/predictive"].shape == (12, 2)
        assert np.all(np.isfinite(group["generations/replicate_noise"][()]))  # two replicates: noise measured


def test_summary_prints_intervals_correlations_and_predictive_checks(ppisim, reference):
    output, _, printed = reference
    result = ppisim("summary", output)
    assert result.returncode == 0, describe(result)
    assert result.stdout == printed  # calibrate prints the same summary when it finishes
    for expected in ("mothers.confidence.effect", "peer_support.confidence_gain", "posterior correlations",
                     "posterior predictive check", "replicate noise of the distance", "[0.66, 0.9]"):
        assert expected in result.stdout, result.stdout
    csv = ppisim("summary", output, "--format", "csv")
    assert csv.stdout.splitlines()[0] == "parameter,median,lo95,hi95" and len(csv.stdout.splitlines()) == 3
    per_run = ppisim("summary", output, "--per-run", "--format", "csv")
    assert per_run.returncode == 2 and "no runs" in per_run.stderr


def test_posterior_is_identical_at_two_threads(tmp_path, reference):
    output = tmp_path / "tiny.h5"
    result = subprocess.run(calibrate_args(write_calibration(tmp_path), output, "--threads", 2, "--quiet"), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe(result)
    assert_same_posterior(reference[0], output)


def test_seed_option_changes_the_posterior(tmp_path, reference):
    output = tmp_path / "tiny.h5"
    result = subprocess.run(calibrate_args(write_calibration(tmp_path), output, "--seed", 6, "--quiet"), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe(result)
    with h5py.File(reference[0]) as a, h5py.File(output) as b:
        assert not np.array_equal(a["calibration/posterior/theta"][()], b["calibration/posterior/theta"][()])
        assert b["calibration"].attrs["seed"] == 6


def wait_for(path: Path, process: subprocess.Popen, minimum_bytes: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.stat().st_size >= minimum_bytes:
            return
        time.sleep(0.002)


def test_sigkill_then_resume_gives_the_uninterrupted_posterior(tmp_path, reference):
    expected, seconds, _ = reference
    rng = random.Random(14)  # fixed: the same kill moments every time
    fractions = [rng.uniform(0.1, 0.45), rng.uniform(0.45, 0.8)]
    interrupted = 0
    for attempt, fraction in enumerate(fractions):
        folder = tmp_path / f"attempt{attempt}"
        folder.mkdir()
        calibration = write_calibration(folder)
        output, journal = folder / "tiny.h5", folder / "tiny.h5.journal"
        process = subprocess.Popen(calibrate_args(calibration, output, "--threads", 2, "--quiet"), cwd=folder,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for(journal, process, 32)
        time.sleep(fraction * seconds / 2)  # two threads: about half the reference's time
        process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
        if process.returncode == 0 or output.exists():
            assert_same_posterior(expected, output)
            continue
        assert process.returncode == -signal.SIGKILL, stderr
        assert journal.exists()
        interrupted += 1
        # Resume at another thread count: still the same bits.
        result = subprocess.run(calibrate_args(calibration, output, "--threads", 1, "--resume"), cwd=folder,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, describe(result)
        assert re.search(r"resuming: \d+ particles already done", result.stderr), result.stderr
        assert not journal.exists()
        assert_same_posterior(expected, output)
    assert interrupted >= 1, f"no kill landed mid-calibration ({fractions}, {seconds:.1f} s)"


def test_sigint_stops_with_130_keeps_the_journal_and_resumes(tmp_path, reference):
    calibration = write_calibration(tmp_path)
    output, journal = tmp_path / "tiny.h5", tmp_path / "tiny.h5.journal"
    process = subprocess.Popen(calibrate_args(calibration, output, "--threads", 2), cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(journal, process, 32 + 8 * 200)  # a few particles in
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("finished before the signal")
    assert process.returncode == 130, stderr
    assert "--resume" in stderr and journal.exists() and not output.exists()
    again = subprocess.run(calibrate_args(calibration, output, "--quiet"), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "--resume" in again.stderr, describe(again)  # the journal is not overwritten silently
    result = subprocess.run(calibrate_args(calibration, output, "--resume", "--quiet"), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe(result)
    assert_same_posterior(reference[0], output)


def test_resume_with_another_seed_is_refused(tmp_path):
    calibration = write_calibration(tmp_path)
    output, journal = tmp_path / "tiny.h5", tmp_path / "tiny.h5.journal"
    process = subprocess.Popen(calibrate_args(calibration, output, "--threads", 1, "--quiet"), cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(journal, process, 32 + 8 * 200)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    if not journal.exists():
        pytest.skip("finished before the kill")
    result = subprocess.run(calibrate_args(calibration, output, "--resume", "--seed", 99), cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "different experiment" in result.stderr, describe(result)


# --- bad calibration files ------------------------------------------------------------

BAD = [
    ("data parameter", {"parameters": "  feeding.any_6w: {uniform: [0.4, 0.6]}\n"},
     r"tiny\.yaml:\d+:\d+: .*parameter 'feeding.any_6w' is fixed by data \(.+\); only parameters whose source is calibrated or assumption"),
    ("unknown parameter", {"parameters": "  mothers.confidence.efect: {uniform: [0, 4]}\n"},
     r"tiny\.yaml:\d+:\d+: .*unknown parameter 'mothers.confidence.efect'; did you mean 'mothers.confidence.effect'\?"),
    ("setting", {"parameters": "  horizon: {uniform: [200, 400]}\n"}, r"'horizon' is a run setting"),
    ("prior outside range", {"parameters": "  mothers.confidence.effect: {uniform: [0, 40]}\n"}, r"tiny\.yaml:\d+:\d+: .*out of range"),
    ("bad prior kind", {"parameters": "  mothers.confidence.effect: {gamma: [1, 2]}\n"},
     r"tiny\.yaml:\d+:\d+: .*unknown key 'parameters\.mothers\.confidence\.effect\.gamma'"),
    ("impossible prior", {"parameters": "  mothers.confidence.effect: {log_uniform: [0, 4]}\n"},
     r"tiny\.yaml:\d+:\d+: .*log_uniform prior needs 0 < low < high"),
    ("unknown scenario", {"targets": "  usual: {scenario: usual_cares, outcome: any_bf_6w, observed: 0.55, se: 0.03}\n"},
     r"tiny\.yaml:\d+:\d+: .*no scenario named 'usual_cares'; did you mean 'usual_care'\?"),
    ("unknown outcome", {"targets": "  usual: {scenario: usual_care, outcome: any_bf_6wk, observed: 0.55, se: 0.03}\n"},
     r"unknown outcome 'any_bf_6wk'; did you mean 'any_bf_6w'\?"),
    ("outcome not a name", {"targets": "  usual: {scenario: usual_care, outcome: [any_bf_6w], observed: 0.55, se: 0.03}\n"},
     r"key 'targets\.usual\.outcome': expected the name of an outcome"),
    ("risk of a non-feeding outcome", {"targets": "  rr: {risk_ratio: {treated: proactive, control: usual_care, "
                                                  "outcome: reached_by_volunteer}, observed: 0.77, se: 0.05}\n"},
     r"'targets\.rr\.risk_ratio\.outcome': a risk ratio takes one of any_bf_1w, .*excl_bf_12w, got 'reached_by_volunteer'"),
    ("no uncertainty", {"targets": "  usual: {scenario: usual_care, outcome: any_bf_6w, observed: 0.55}\n"},
     r"give exactly one of interval95: \[low, high\] or se:"),
    ("interval not around", {"targets": "  rr: {risk_ratio: {treated: proactive, control: usual_care, outcome: any_bf_6w}, "
                                        "observed: 0.77, interval95: [0.80, 0.90]}\n"}, r"expected low < observed < high"),
    ("same scenarios", {"targets": "  rr: {risk_ratio: {treated: proactive, control: proactive, outcome: any_bf_6w}, "
                                   "observed: 0.77, se: 0.05}\n"}, r"treated and control must differ"),
    ("unknown abc key", {"abc": "{population: 12, stop: {tolerance: 1}, seeds: 3}"}, r"unknown key 'abc\.seeds'; did you mean 'abc\.seed'\?"),
    ("no stop", {"abc": "{population: 12, stop: {min_acceptance: 0.1}}"}, r"give a final tolerance, a maximum number of generations"),
    ("population of one", {"abc": "{population: 1, stop: {tolerance: 1}}"}, r"'abc\.population': expected a whole number from 2"),
]


@pytest.mark.parametrize("change,pattern", [(c, p) for _, c, p in BAD], ids=[name for name, _, _ in BAD])
def test_bad_calibration_files_are_refused_with_a_located_line(ppisim, tmp_path, change, pattern):
    calibration = write_calibration(tmp_path, **change)
    result = ppisim("calibrate", calibration, "-o", "out.h5")
    assert result.returncode == 2, describe(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and re.search(pattern, lines[0]), lines
    assert not any(tmp_path.glob("out.h5*")), list(tmp_path.iterdir())


def test_overlay_setting_a_calibrated_parameter_is_refused(ppisim, tmp_path):
    path = tmp_path / "clash.yaml"
    path.write_text(write_calibration(tmp_path).read_text().replace(
        "population.births: 500 per year}}\nparameters", "population.births: 500 per year, mothers.confidence.effect: 2}}\nparameters"))
    result = ppisim("calibrate", path, "-o", "out.h5")
    assert result.returncode == 2 and "scenario 'proactive' cannot also set it" in result.stderr, describe(result)


def test_test_model_needs_a_prior_for_each_of_its_parameters(ppisim, tmp_path):
    path = tmp_path / "lg.yaml"
    path.write_text((CHECKS / "linear_gaussian.yaml").read_text().replace("  slope: {truncated_normal: {mean: 0, sd: 1}}\n", ""))
    result = ppisim("calibrate", path, "-o", "out.h5")
    assert result.returncode == 2 and "has parameters intercept, slope; give a prior for each" in result.stderr, describe(result)


# --- runs over posterior draws ----------------------------------------------------------

def posterior_run(tmp_path, posterior: Path, *extra, births: int = 500) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary_path()), "run", str(SCENARIOS / "integrated.yaml"), "--set", "horizon=1 year",
                           "--set", f"population.births={births} per year", "--replicates", "3", "--posterior", str(posterior),
                           *map(str, extra)], cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_run_over_posterior_draws_uses_each_draw_with_shared_replicate_seeds(tmp_path, reference):
    # A larger town than the calibration's, so that the parameters' share of the variance shows through replicate noise,
    # with volunteers enough to reach most of its mothers through the year's attrition (volunteers.dropout_rate).
    result = posterior_run(tmp_path, reference[0], "--draws", 5, "-o", "draws.h5", "--threads", 2,
                           "--set", "volunteers.initial=100", births=4000)
    assert result.returncode == 0, describe(result)
    assert "95% of runs" in result.stdout and "param" in result.stdout
    with h5py.File(tmp_path / "draws.h5") as f, h5py.File(reference[0]) as p:
        draw = f["runs/draw"][()]
        assert list(draw) == [k for k in range(5) for _ in range(3)]
        seeds = f["runs/seed"][()].reshape(5, 3)
        assert np.all(seeds == seeds[0])  # common random numbers across draws
        particles = f["posterior_draws/particle"][()]
        theta = p["calibration/posterior/theta"][()][particles]
        assert np.array_equal(f["posterior_draws/theta"][()], theta)
        assert np.array_equal(f["parameters/mothers.confidence.effect"][()], np.repeat(theta[:, 0], 3))
        assert f.attrs["posterior_draws"] == 5 and f.attrs["posterior_file"] == str(reference[0])
    csv = subprocess.run([str(binary_path()), "summary", "draws.h5", "--format", "csv"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    lines = csv.stdout.splitlines()
    assert lines[0] == "outcome,mean,lo95,hi95,parameter_lo95,parameter_hi95,parameter_share,replicate_share,draws,runs"
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    any_6w = [float(x) for x in rows["any_bf_6w"][1:8]]
    assert any_6w[1] <= any_6w[3] <= any_6w[4] <= any_6w[2]  # draw means lie inside where runs fall
    assert any_6w[5] > 0 and abs(any_6w[5] + any_6w[6] - 1) < 1e-12  # the support effect moves it
    # Initiation happens before any support: the calibrated parameters cannot move it.
    assert float(rows["initiation_rate"][6]) == 0.0


def test_run_over_posterior_draws_is_identical_at_one_and_two_threads(tmp_path, reference):
    for threads in (1, 2):
        result = posterior_run(tmp_path, reference[0], "--draws", 4, "-o", f"t{threads}.h5", "--threads", threads, "--quiet")
        assert result.returncode == 0, describe(result)
    assert_same_datasets(tmp_path / "t1.h5", tmp_path / "t2.h5")


def test_posterior_runs_refuse_what_is_not_a_simulator_posterior(ppisim, tmp_path):
    assert ppisim("calibrate", CHECKS / "normal_mean.yaml", "-o", "nm.h5", "--quiet").returncode == 0
    refused = posterior_run(tmp_path, tmp_path / "nm.h5", "-o", "x.h5")
    assert refused.returncode == 2 and "built-in test model 'normal_mean'" in refused.stderr, describe(refused)
    plain = ppisim("run", SCENARIOS / "integrated.yaml", "--set", "horizon=1 year", "--replicates", "1", "-o", "plain.h5", "--quiet")
    assert plain.returncode == 0, describe(plain)
    refused = posterior_run(tmp_path, tmp_path / "plain.h5", "-o", "x.h5")
    assert refused.returncode == 2 and "not a calibration's posterior file" in refused.stderr, describe(refused)
    refused = posterior_run(tmp_path, tmp_path / "missing.h5", "-o", "x.h5")
    assert refused.returncode == 2 and "no such file" in refused.stderr, describe(refused)
    draws_alone = ppisim("run", SCENARIOS / "integrated.yaml", "--draws", "3", "-o", "x.h5")
    assert draws_alone.returncode == 2 and "--draws needs --posterior" in draws_alone.stderr
    assert not (tmp_path / "x.h5").exists()


# --- sweeps over posterior draws (an experiment's posterior: block) ----------------------

def write_posterior_experiment(folder: Path, posterior: str, factor: str = "scheme.boundary_clarity: {levels: [0.2, 0.8]}",
                               draws: int = 3) -> Path:
    base = folder / "tiny_integrated.yaml"
    base.write_text(f"extends: {SCENARIOS / 'integrated.yaml'}\nhorizon: 1 year\npopulation: {{births: 500 per year}}\n")
    path = folder / "posterior_sweep.yaml"
    path.write_text("name: posterior_sweep\n"
                    f"base: {base.name}\n"
                    f"factors:\n  {factor}\n"
                    "design: {method: grid, replicates: 2, seed: 4}\n"
                    f"posterior: {{file: {posterior}, draws: {draws}}}\n"
                    "analyse: [any_bf_6w]\n")
    return path


def test_sweep_over_posterior_draws_runs_every_point_at_every_draw_with_shared_seeds(ppisim, tmp_path, reference):
    experiment = write_posterior_experiment(tmp_path, str(reference[0]))
    for threads in (1, 2):
        result = ppisim("sweep", experiment, "-o", f"s{threads}.h5", "--threads", threads, "--quiet")
        assert result.returncode == 0, describe(result)
    assert_same_datasets(tmp_path / "s1.h5", tmp_path / "s2.h5")
    with h5py.File(tmp_path / "s1.h5") as f, h5py.File(reference[0]) as p:
        assert list(f["runs/point"][()]) == [0] * 6 + [1] * 6          # 2 points x 3 draws x 2 replicates
        assert list(f["runs/draw"][()]) == [0, 0, 1, 1, 2, 2] * 2
        assert np.all(f["runs/seed"][()].reshape(6, 2) == f["runs/seed"][()][:2])  # the same seeds at every point and draw
        theta = p["calibration/posterior/theta"][()][f["posterior_draws/particle"][()]]
        assert np.array_equal(f["parameters/mothers.confidence.effect"][()], np.tile(np.repeat(theta[:, 0], 2), 2))
        assert np.array_equal(f["parameters/scheme.boundary_clarity"][()], np.repeat([0.2, 0.8], 6))
        assert f.attrs["posterior_draws"] == 3 and f.attrs["posterior_file"] == str(reference[0])
    dry = ppisim("sweep", experiment, "--dry-run")
    assert dry.returncode == 0 and "2 points x 3 posterior draws x 2 replicates = 12 runs" in dry.stdout, describe(dry)


def test_sweep_refuses_a_factor_the_posterior_calibrates_and_a_missing_posterior(ppisim, tmp_path, reference):
    clash = write_posterior_experiment(tmp_path, str(reference[0]), factor="mothers.confidence.effect: {levels: [0.1, 0.5]}")
    result = ppisim("sweep", clash, "-o", "x.h5")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1, describe(result)
    assert re.search(r"posterior_sweep\.yaml:4:\d+: factor 'mothers.confidence.effect' sets 'mothers.confidence.effect', "
                     r"which the posterior calibrates", lines[0]), lines
    missing = write_posterior_experiment(tmp_path, "nowhere.h5")
    result = ppisim("sweep", missing, "-o", "x.h5")
    assert result.returncode == 2 and re.search(r"posterior_sweep\.yaml:6:\d+: posterior .*nowhere\.h5: no such file", result.stderr), \
        describe(result)
    assert not (tmp_path / "x.h5").exists()


def test_shards_over_posterior_draws_merge_to_the_sweep_and_a_changed_posterior_is_another_experiment(ppisim, tmp_path, reference):
    shutil.copy(reference[0], tmp_path / "post.h5")
    experiment = write_posterior_experiment(tmp_path, "post.h5")
    assert ppisim("sweep", experiment, "-o", "whole.h5", "--quiet").returncode == 0
    for index in (1, 2):
        result = ppisim("sweep", experiment, "--shard", f"{index}/2", "-o", f"part{index}.h5", "--quiet")
        assert result.returncode == 0, describe(result)
    merged = ppisim("merge", "part1.h5", "part2.h5", "-o", "merged.h5", "--quiet")
    assert merged.returncode == 0, describe(merged)
    with h5py.File(tmp_path / "whole.h5") as whole, h5py.File(tmp_path / "merged.h5") as joined:
        assert np.array_equal(whole["runs/draw"][()], joined["runs/draw"][()])
        assert np.array_equal(whole["summary/any_bf_6w"][()], joined["summary/any_bf_6w"][()])
    with h5py.File(tmp_path / "post.h5", "r+") as f:  # the same file name, another posterior
        f["calibration/posterior/theta"][:, 0] += 0.01
    assert ppisim("sweep", experiment, "--shard", "2/2", "-o", "other2.h5", "--quiet").returncode == 0
    refused = ppisim("merge", "part1.h5", "other2.h5", "-o", "bad.h5")
    assert refused.returncode == 2 and "different experiment" in refused.stderr, describe(refused)


# --- MPI ---------------------------------------------------------------------------------

MPI_ENVIRONMENT = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"}


@pytest.mark.skipif(shutil.which("mpirun") is None, reason="Open MPI is not installed")
def test_mpirun_calibration_equals_the_threaded_one(tmp_path, reference):
    result = subprocess.run(["mpirun", "--oversubscribe", "-np", "3", *calibrate_args(write_calibration(tmp_path), tmp_path / "mpi.h5",
                                                                                      "--quiet")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, env=dict(os.environ, **MPI_ENVIRONMENT))
    assert result.returncode == 0, describe(result)
    assert_same_posterior(reference[0], tmp_path / "mpi.h5")
    assert not list(tmp_path.glob("*.journal"))


@pytest.mark.skipif(shutil.which("mpirun") is None, reason="Open MPI is not installed")
def test_mpirun_calibration_refusing_its_output_ends_every_rank(tmp_path):
    (tmp_path / "exists.h5").write_text("")
    result = subprocess.run(["mpirun", "--oversubscribe", "-np", "3", *calibrate_args(write_calibration(tmp_path), tmp_path / "exists.h5")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60, env=dict(os.environ, **MPI_ENVIRONMENT))
    assert result.returncode == 2 and "the output file exists" in result.stderr, describe(result)


def test_dry_run_prints_the_distance_scales_and_the_cost_and_writes_nothing(tmp_path):
    calibration = write_calibration(tmp_path)
    result = subprocess.run(calibrate_args(calibration, tmp_path / "out.h5", "--dry-run"), cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, describe(result)
    assert "2 scenarios x 2 replicates per simulation" in result.stdout
    assert "s = 0.07912 (of the log)" in result.stdout  # McFadden's 0.77 (0.66-0.90)
    assert "s = 0.03" in result.stdout
    assert re.search(r"one simulation at the prior medians: [0-9.e-]+ s", result.stdout), result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]
