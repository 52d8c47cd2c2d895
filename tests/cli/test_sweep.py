"""End-to-end tests of `ppisim sweep`: experiments over designs, journaled
so that a killed sweep resumes to the same results, with Sobol indices that
match the closed forms of analytic test functions.

Model sweeps use a tiny base scenario (one year, 1000 births a year) that
extends scenarios/breastfriends.yaml, so a run takes a few milliseconds.
"""

from __future__ import annotations

import csv
import io
import math
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

from cli_support import (REPEATS_SANITIZED_PATHS, SANITIZED, SCENARIOS, assert_same_datasets, binary_path, describe,
                         error_lines, read_datasets, release_only)

BREASTFRIENDS = SCENARIOS / "breastfriends.yaml"
PI = "3.141592653589793"
SENSITIVITY_COLUMNS = ["outcome", "factor", "index", "estimate", "lo95", "hi95"]


# --- helpers -----------------------------------------------------------------

def write_base(folder: Path) -> Path:
    """A tiny base scenario: one year (the least that measures 26 weeks), 1000 births a year."""
    path = folder / "tiny.yaml"
    path.write_text(f"extends: {BREASTFRIENDS}\nname: tiny\nhorizon: 1 year\n"
                    "population: {births: 1000 per year}\n")
    return path


def write_model_experiment(folder: Path, name: str, design: str, seed: int = 3) -> Path:
    """A sweep of the tiny base over a real, a whole-number and an overlay factor."""
    base = write_base(folder)
    path = folder / f"{name}.yaml"
    path.write_text(
        f"name: {name}\n"
        f"base: {base}\n"
        "factors:\n"
        "  scheme.boundary_clarity: { uniform: [0.1, 0.9] }\n"
        "  concern.jump: { uniform: [0.05, 0.4] }\n"
        "  volunteers.capacity: { uniform: [3, 9] }\n"
        "  policy:\n"
        "    judgement: {}\n"
        "    opt_out: { scheme.referral_policy: opt_out }\n"
        f"design: {{ {design}, seed: {seed} }}\n"
        "analyse: [mean_boundary_concern, reached_by_volunteer, any_bf_6w]\n"
        "store: summary\n")
    return path


def sweep_args(experiment: Path, output: Path, *extra) -> list[str]:
    return [str(binary_path()), "sweep", str(experiment), "-o", str(output), *map(str, extra)]


def sensitivity_rows(ppisim, results: Path) -> list[dict]:
    result = ppisim("summary", results, "--format", "csv")
    assert result.returncode == 0, describe(result)
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == SENSITIVITY_COLUMNS, reader.fieldnames
    return list(reader)


def wait_for(path: Path, process: subprocess.Popen, minimum_bytes: int = 0, timeout: float = 30.0) -> None:
    """Until `path` holds at least `minimum_bytes`, or the process ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.stat().st_size >= minimum_bytes:
            return
        time.sleep(0.002)


JOURNAL_HEADER_BYTES = 32  # magic and three 64-bit words (lab/journal.cpp)


# --- thread counts -------------------------------------------------------------

def test_sweep_results_are_identical_at_one_and_two_threads(ppisim, tmp_path):
    # Morris, 4 factors, 4 trajectories: 20 points x 2 replicates = 40 runs.
    experiment = write_model_experiment(tmp_path, "morris",
                                        "method: morris, trajectories: 4, levels: 4, replicates: 2")
    one, two = tmp_path / "one.h5", tmp_path / "two.h5"
    for output, threads in ((one, 1), (two, 2)):
        result = ppisim("sweep", experiment, "-o", output, "--threads", threads, "--quiet")
        assert result.returncode == 0, describe(result)
    assert_same_datasets(one, two)
    with h5py.File(one, "r") as handle:
        assert handle["runs/seed"].shape == (40,)
        # Not trivially equal: the runs differ from one another.
        assert np.ptp(handle["summary/reached_by_volunteer"][()]) > 0
        assert np.ptp(handle["summary/mean_boundary_concern"][()]) > 0


# --- the results file ------------------------------------------------------------

def test_sweep_results_file_holds_design_runs_and_sensitivity(ppisim, tmp_path):
    experiment = write_model_experiment(tmp_path, "morris",
                                        "method: morris, trajectories: 4, levels: 4, replicates: 2")
    output = tmp_path / "morris.h5"
    result = ppisim("sweep", experiment, "-o", output, "--threads", 2)
    assert result.returncode == 0, describe(result)
    assert "40 runs (20 design points x 2 replicates)" in result.stdout
    assert not (tmp_path / "morris.h5.journal").exists()
    points, replicates, factors = 20, 2, ["scheme.boundary_clarity", "concern.jump", "volunteers.capacity", "policy"]
    outcomes = ["mean_boundary_concern", "reached_by_volunteer", "any_bf_6w"]
    with h5py.File(output, "r") as handle:
        assert handle.attrs["kind"] == "sweep"
        assert int(handle.attrs["runs"]) == points * replicates
        assert int(handle.attrs["replicates"]) == replicates
        assert handle["design"].attrs["method"] == "morris"
        assert [f.decode() for f in handle["design/factors"][()]] == factors
        assert handle["design/levels"][()][3].decode() == "judgement|opt_out"
        values, unit = handle["design/values"][()], handle["design/unit"][()]
        assert values.shape == (points, len(factors)) and unit.shape == values.shape
        assert ((unit >= 0) & (unit <= 1)).all()
        assert ((values[:, 0] >= 0.1) & (values[:, 0] <= 0.9)).all()
        assert set(values[:, 3]) <= {0.0, 1.0}
        run_points = handle["runs/point"][()]
        assert run_points.tolist() == [run // replicates for run in range(points * replicates)]
        assert handle["runs/replicate"][()].tolist() == [run % replicates for run in range(points * replicates)]
        # The parameters of each run are its design point's (capacity rounded to whole mothers).
        assert np.array_equal(handle["parameters/scheme.boundary_clarity"][()], values[run_points, 0])
        assert np.array_equal(handle["parameters/volunteers.capacity"][()], np.round(values[run_points, 2]))
        for name in outcomes:
            summary = handle[f"summary/{name}"][()]
            assert summary.shape == (points * replicates,) and np.isfinite(summary).all(), name
        sensitivity = {name: handle[f"sensitivity/{name}"][()] for name in SENSITIVITY_COLUMNS}
    lengths = {len(column) for column in sensitivity.values()}
    assert lengths == {len(outcomes) * (3 * len(factors) + 1)}, lengths
    estimates = {(o.decode(), f.decode(), i.decode()): e for o, f, i, e in
                 zip(sensitivity["outcome"], sensitivity["factor"], sensitivity["index"], sensitivity["estimate"])}
    assert len(estimates) == lengths.pop()  # no row twice
    for outcome in outcomes:
        for factor in factors:
            for index in ("mu", "mu_star", "sigma"):
                assert np.isfinite(estimates[(outcome, factor, index)]), (outcome, factor, index)
            # mu* is the mean of |effects|, so never below |mu|.
            assert estimates[(outcome, factor, "mu_star")] >= abs(estimates[(outcome, factor, "mu")]) - 1e-12
        assert 0 <= estimates[(outcome, "(replicates)", "noise_share")] <= 1
    # Morris indices have no intervals.
    assert np.isnan(sensitivity["lo95"]).all() and np.isnan(sensitivity["hi95"]).all()

    rows = sensitivity_rows(ppisim, output)
    assert len(rows) == len(sensitivity["estimate"])
    with h5py.File(output, "r") as handle:
        unchecked = []
        handle.visititems(lambda name, item: unchecked.append(name) if isinstance(item, h5py.Dataset)
                          and item.size and not item.fletcher32 else None)
    assert unchecked == []  # the design and sensitivity text too

    per_run = ppisim("summary", output, "--per-run", "--format", "csv")
    assert per_run.returncode == 0, describe(per_run)
    table = list(csv.DictReader(io.StringIO(per_run.stdout)))
    assert len(table) == points * replicates
    assert [int(row["run"]) for row in table] == list(range(points * replicates))
    assert {"replicate", "seed", "scheme.boundary_clarity", "any_bf_6w"} <= set(table[0])


def test_a_damaged_sensitivity_table_is_refused_not_read_past(ppisim, tmp_path):
    experiment = write_model_experiment(tmp_path, "morris", "method: morris, trajectories: 2, levels: 4, replicates: 1")
    output = tmp_path / "morris.h5"
    assert ppisim("sweep", experiment, "-o", output, "--quiet").returncode == 0
    with h5py.File(output, "a") as handle:
        rows = handle["sensitivity/estimate"].shape[0]
        del handle["sensitivity/lo95"]
        handle["sensitivity/lo95"] = np.zeros(3)
    result = ppisim("summary", output, "--format", "csv")
    assert result.returncode == 2 and result.stdout == "", describe(result)
    assert error_lines(result.stderr) == [f"ppisim: error: {output}: not a readable ppisim results file (truncated or "
                                          f"damaged?): /sensitivity/lo95 has shape 3 where the file needs {rows}"]


# --- admission: every point checked, sizes refused before allocation ------------

def _admission_experiment(folder: Path, factors: str, design: str) -> Path:
    path = folder / "admission.yaml"
    path.write_text(f"name: admission\nbase: {write_base(folder)}\nfactors:\n{factors}design: {{{design}}}\n"
                    "analyse: [any_bf_6w]\nstore: summary\n")
    return path


ADMISSION_CASES = {
    # 100 days cannot follow a mother to 26 weeks: 2 of 4 runs gave NaN outcomes, exit 0.
    "short_horizon": ("  horizon: {levels: [100 days, 1 year]}\n  concern.jump: {uniform: [0.1, 0.2]}\n",
                      "method: grid, points_per_factor: 2",
                      "admission.yaml:4:3: design point 0 (horizon = 100, concern.jump = 0.1): key 'horizon': no mother"),
    "births_past_max_agents": ("  population.births: {levels: [1000 per year, 3000000 per year]}\n", "method: grid",
                               "design point 1 (population.births = 8213.55"),
    "missing_locality": ("  population.localities: {levels: [1, 4]}\n  cohort:\n    none: {}\n", "method: grid",
                         "design point 0 (population.localities = 1, cohort = none): intervention 'opt_out_referral' "
                         "targets locality 3, but there are only 1"),
    "two_factors_one_parameter": ("  scheme.referral_policy: {levels: [opt_out, professional_judgement]}\n"
                                  "  policy:\n    a: {}\n    b: {scheme.referral_policy: opt_out}\n", "method: grid",
                                  "admission.yaml:5:3: factors 'scheme.referral_policy' and 'policy' both set "
                                  "'scheme.referral_policy'"),
    "huge_lhs": ("  concern.jump: {uniform: [0.1, 0.2]}\n", "method: lhs, points: 100000000",
                 "the Latin hypercube would have 100000000 points x 1 factors = 100000000 values (about 1.6 GB); "
                 "a design holds at most 10000000 values"),
    "billion_runs": ("  concern.jump: {uniform: [0.1, 0.2]}\n", "method: lhs, points: 1000000, replicates: 1000",
                     "1000000 design points x 1000 replicates = 1000000000 runs; a sweep runs at most 10000000"),
    "huge_grid": ("  concern.jump: {uniform: [0.1, 0.2]}\n  scheme.boundary_clarity: {uniform: [0.1, 0.2]}\n",
                  "method: grid, points_per_factor: 10000", "the grid would have 100000000 points x 2 factors"),
}


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry_run", "sweep"])
@pytest.mark.parametrize("case", ADMISSION_CASES, ids=list(ADMISSION_CASES))
def test_a_sweep_is_admitted_only_if_every_point_and_its_size_pass(ppisim, tmp_path, case, dry_run):
    factors, design, fragment = ADMISSION_CASES[case]
    experiment = _admission_experiment(tmp_path, factors, design)
    if case == "missing_locality":  # the base targets locality 3 (of four by default)
        base = tmp_path / "tiny.yaml"
        base.write_text(base.read_text() + "interventions:\n  - opt_out_referral: {start: 1 day, targets: [3]}\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    started = time.monotonic()
    result = ppisim("sweep", experiment, "-o", "out.h5", "--quiet", *(["--dry-run"] if dry_run else []))
    assert result.returncode == 2 and result.stdout == "", describe(result)
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and fragment in lines[0], describe(result)
    assert time.monotonic() - started < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no journal, no partial file


def test_max_agents_applies_to_every_design_point(ppisim, tmp_path):
    experiment = _admission_experiment(tmp_path, "  population.births: {levels: [1000 per year, 2000 per year]}\n",
                                       "method: grid")
    refused = ppisim("sweep", experiment, "--dry-run", "--max-agents", "900")
    assert refused.returncode == 2 and "design point 1 (population.births = 5.47" in refused.stderr, describe(refused)
    assert ppisim("sweep", experiment, "--dry-run", "--max-agents", "2000").returncode == 0


# --- dry run --------------------------------------------------------------------

def test_dry_run_prints_run_count_and_time_and_writes_nothing(ppisim, tmp_path):
    experiment = write_model_experiment(tmp_path, "lhs", "method: lhs, points: 30, replicates: 3")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = ppisim("sweep", experiment, "--dry-run", "--threads", 1)
    assert result.returncode == 0, describe(result)
    assert "30 points x 3 replicates = 90 runs" in result.stdout
    assert re.search(r"estimated time on 1 thread: \d+ s \(\d+\.\d h\)", result.stdout), result.stdout
    assert "volunteers.capacity: uniform on [3, 9]" in result.stdout
    assert "policy: one of judgement, opt_out" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no results, no journal, no partial file

    analytic = tmp_path / "g.yaml"
    analytic.write_text("name: g\nmodel: {g_function: {coefficients: [0, 1, 2]}}\n"
                        "factors: {x1: {uniform: [0, 1]}, x2: {uniform: [0, 1]}, x3: {uniform: [0, 1]}}\n"
                        "design: {method: sobol, base_samples: 64, replicates: 2}\n")
    result = ppisim("sweep", analytic, "-o", tmp_path / "g.h5", "--dry-run")
    assert result.returncode == 0, describe(result)
    assert "320 points x 2 replicates = 640 runs" in result.stdout  # 64 x (3 + 2) points
    assert not (tmp_path / "g.h5").exists() and not (tmp_path / "g.h5.journal").exists()


# --- analytic checks against closed forms -------------------------------------------

def ishigami_indices(a: float, b: float) -> dict[tuple[str, str], float]:
    """Ishigami & Homma (1990); variance terms from Sobol' & Levitan (1999)."""
    v1 = (1 + b * math.pi ** 4 / 5) ** 2 / 2
    v2 = a ** 2 / 8
    v13 = 8 * b ** 2 * math.pi ** 8 / 225
    v = a ** 2 / 8 + b * math.pi ** 4 / 5 + b ** 2 * math.pi ** 8 / 18 + 0.5
    assert math.isclose(v1 + v2 + v13, v)  # the terms add up to the variance
    return {("x1", "S1"): v1 / v, ("x2", "S1"): v2 / v, ("x3", "S1"): 0.0,
            ("x1", "ST"): (v1 + v13) / v, ("x2", "ST"): v2 / v, ("x3", "ST"): v13 / v}


def g_function_indices(coefficients: list[float]) -> dict[tuple[str, str], float]:
    """Saltelli & Sobol' (1995): V_i = 1/(3(1+a_i)^2), V = prod(1+V_i) - 1."""
    partial = [1 / (3 * (1 + a) ** 2) for a in coefficients]
    v = math.prod(1 + vi for vi in partial) - 1
    indices = {}
    for i, vi in enumerate(partial):
        others = math.prod(1 + vj for j, vj in enumerate(partial) if j != i)
        indices[(f"x{i + 1}", "S1")] = vi / v
        indices[(f"x{i + 1}", "ST")] = vi * others / v
    return indices


# With N = 4096 base samples of a randomised Sobol sequence the estimators'
# errors are far below the bootstrap's i.i.d. standard errors (about 0.02 for
# Ishigami S1): over seeds 1-12 the largest error was 0.0052 (Ishigami, a=5,
# b=0.3) and 0.0039 (G-function below). 0.01 is twice that, and still tells a
# wrong estimator (or a swapped column) from a right one, since the indices
# differ by far more. The closed form must also lie in the reported 95%
# interval, which the bootstrap makes conservative on a Sobol design.
ANALYTIC_TOLERANCE = 0.01


@pytest.mark.parametrize("model, factors, expected", [
    ("{ishigami: {a: 5, b: 0.3}}",
     {f"x{i}": f"[-{PI}, {PI}]" for i in (1, 2, 3)},
     ishigami_indices(5.0, 0.3)),
    ("{g_function: {coefficients: [0.5, 1, 2, 6, 30]}}",
     {f"x{i}": "[0, 1]" for i in range(1, 6)},
     g_function_indices([0.5, 1, 2, 6, 30])),
], ids=["ishigami_a5_b0.3", "g_function_5"])
def test_sobol_indices_of_analytic_models_match_closed_forms(ppisim, tmp_path, model, factors, expected):
    experiment = tmp_path / "analytic.yaml"
    experiment.write_text("name: analytic\n"
                          f"model: {model}\n"
                          "factors:\n" + "".join(f"  {name}: {{uniform: {rng}}}\n" for name, rng in factors.items()) +
                          "design: {method: sobol, base_samples: 4096, seed: 21}\n")
    output = tmp_path / "analytic.h5"
    result = ppisim("sweep", experiment, "-o", output, "--quiet")
    assert result.returncode == 0, describe(result)
    rows = sensitivity_rows(ppisim, output)
    found = {(row["factor"], row["index"]): row for row in rows if row["outcome"] == "y"}
    assert set(expected) <= set(found), sorted(found)
    for key, truth in expected.items():
        row = found[key]
        estimate, lo, hi = float(row["estimate"]), float(row["lo95"]), float(row["hi95"])
        assert abs(estimate - truth) < ANALYTIC_TOLERANCE, f"{key}: {estimate} vs closed form {truth}"
        assert lo <= truth <= hi, f"{key}: closed form {truth} outside [{lo}, {hi}]"
    # One replicate of a deterministic model: no replicate noise can be told (NaN, an empty cell).
    assert found[("(replicates)", "noise_share")]["estimate"] == ""


# --- killed, interrupted and restarted sweeps ----------------------------------------

# Sized so that a signal lands while runs remain: 800 runs take about 2 s on two threads of the
# release build; the sanitized build runs each about four times slower, so a quarter suffice.
KILL_RUNS = 200 if SANITIZED else 800
KILL_DESIGN = f"method: lhs, points: {KILL_RUNS // 2}, replicates: 2"


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The kill experiment run once without interruption, and how long it took."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    experiment = write_model_experiment(folder, "killme", KILL_DESIGN, seed=17)
    output = folder / "killme.h5"
    start = time.monotonic()
    result = subprocess.run(sweep_args(experiment, output, "--threads", 2, "--quiet"), cwd=folder,
                            capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - start
    assert result.returncode == 0, describe(result)
    return output, seconds


# Under the sanitizer, test_a_signal_during_resume_keeps_every_finished_run and the
# calibration's SIGKILL-and-resume test run the same journal and resume code.
@REPEATS_SANITIZED_PATHS
def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_results(tmp_path, uninterrupted):
    reference, seconds = uninterrupted
    rng = random.Random(20240607)  # fixed: the same kill moments every time
    # One random moment in each sixth of [0, 1.1] sweep durations, so kills land
    # early, late, and (the last) sometimes while the results are assembled or after.
    fractions = [rng.uniform(i, i + 1) * 1.1 / 6 for i in range(6)]
    rng.shuffle(fractions)
    interrupted, resumed_with_work_done = 0, 0
    for attempt, fraction in enumerate(fractions):
        folder = tmp_path / f"attempt{attempt}"
        folder.mkdir()
        experiment = write_model_experiment(folder, "killme", KILL_DESIGN, seed=17)
        output, journal = folder / "killme.h5", folder / "killme.h5.journal"
        process = subprocess.Popen(sweep_args(experiment, output, "--threads", 2, "--quiet"), cwd=folder,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for(journal, process, JOURNAL_HEADER_BYTES)
        time.sleep(fraction * seconds)
        process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
        if process.returncode == 0:  # it finished before the kill
            assert output.exists(), stderr
            assert_same_datasets(reference, output)
            continue
        assert process.returncode == -signal.SIGKILL, stderr
        if output.exists():  # killed after the results were in place, before the journal went
            assert_same_datasets(reference, output)
            continue
        interrupted += 1
        assert journal.exists(), f"attempt {attempt}: killed, but no journal to resume from"
        # Resuming on another thread count changes nothing either.
        result = subprocess.run(sweep_args(experiment, output, "--threads", 1 + attempt % 2, "--resume"), cwd=folder,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, describe(result)
        match = re.search(rf"resuming: (\d+) of {KILL_RUNS} runs already done", result.stderr)
        if match and int(match.group(1)) > 0:
            resumed_with_work_done += 1
        assert output.exists() and not journal.exists(), describe(result)
        assert_same_datasets(reference, output)
    # The random moments must have caught sweeps mid-way, or nothing was tested
    # (loose bounds: the first three moments fall in the first 55% of a sweep,
    # so these hold even if the machine runs twice as fast as for the reference).
    assert interrupted >= 2, f"only {interrupted} of 6 kills landed mid-sweep ({fractions})"
    assert resumed_with_work_done >= 1, "no resumed sweep had finished runs to keep"


@pytest.mark.parametrize("stop_signal", [pytest.param(signal.SIGINT, id="SIGINT"),
                                         pytest.param(signal.SIGTERM, id="SIGTERM", marks=REPEATS_SANITIZED_PATHS)])
def test_sigint_and_sigterm_stop_with_130_and_keep_the_journal(tmp_path, uninterrupted, stop_signal):
    reference, seconds = uninterrupted
    experiment = write_model_experiment(tmp_path, "killme", KILL_DESIGN, seed=17)
    output, journal = tmp_path / "killme.h5", tmp_path / "killme.h5.journal"
    process = subprocess.Popen(sweep_args(experiment, output, "--threads", 2), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(journal, process, JOURNAL_HEADER_BYTES)
    time.sleep(0.3 * seconds)
    process.send_signal(stop_signal)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, f"exit {process.returncode}\n{stdout}\n{stderr}"
    assert "--resume" in stderr and "interrupted" in stderr, stderr
    assert journal.exists() and journal.stat().st_size > JOURNAL_HEADER_BYTES
    assert not output.exists()
    assert not [p.name for p in tmp_path.iterdir() if ".partial" in p.name]

    # Without --resume, an existing journal is refused: nothing is lost by accident.
    again = subprocess.run(sweep_args(experiment, output, "--threads", 2), cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 2, describe(again)
    assert "--resume" in again.stderr, describe(again)
    assert journal.exists() and not output.exists()

    if stop_signal == signal.SIGINT:
        # A changed experiment cannot resume another's journal.
        changed = tmp_path / "changed.yaml"
        changed.write_text(experiment.read_text().replace("seed: 17", "seed: 18"))
        refused = subprocess.run(sweep_args(changed, output, "--resume"), cwd=tmp_path,
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2, describe(refused)
        assert "different experiment" in refused.stderr, describe(refused)
        # --force starts again from nothing.
        forced = subprocess.run(sweep_args(experiment, output, "--threads", 2, "--force"), cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert forced.returncode == 0, describe(forced)
        assert "resuming" not in forced.stderr, describe(forced)
    else:
        resumed = subprocess.run(sweep_args(experiment, output, "--threads", 2, "--resume"), cwd=tmp_path,
                                 capture_output=True, text=True, timeout=120)
        assert resumed.returncode == 0, describe(resumed)
        assert re.search(rf"resuming: [1-9]\d* of {KILL_RUNS} runs already done", resumed.stderr), describe(resumed)
    assert output.exists() and not journal.exists()
    assert_same_datasets(reference, output)


# --- memory -----------------------------------------------------------------------

TIME = shutil.which("time", path="/usr/bin")


def peak_rss_kib(*args, cwd: Path) -> int:
    """Peak resident memory of one ppisim command, from GNU time -v (the `time` package)."""
    result = subprocess.run([TIME, "-v", str(binary_path()), *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe(result)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    assert match, result.stderr[-2000:]
    return int(match.group(1))


needs_time = pytest.mark.skipif(TIME is None, reason="GNU time not installed (./dev installs the time package)")
# AddressSanitizer holds freed memory in quarantine, so peak memory measures it, not ppisim.
not_sanitized = release_only("memory figures are meaningless under AddressSanitizer")


@needs_time
@not_sanitized
def test_memory_of_a_model_sweep_does_not_grow_with_its_runs(tmp_path):
    peaks = {}
    for points in (20, 200):  # x 2 replicates: 40 and 400 runs
        experiment = write_model_experiment(tmp_path, f"mem{points}", f"method: lhs, points: {points}, replicates: 2")
        peaks[points] = peak_rss_kib("sweep", experiment, "-o", tmp_path / f"mem{points}.h5", "--threads", 2,
                                     "--quiet", cwd=tmp_path)
    assert peaks[200] < 1.5 * peaks[20], f"peak RSS: 40 runs {peaks[20]} KiB, 400 runs {peaks[200]} KiB"


# A regression test: until 3cebfbe, /design/unit and /design/values were
# chunked one row per chunk, and writing them made HDF5 keep ~2 KB of state
# per design point and dataset: 420 MB peak for this sweep instead of ~37 MB.
@needs_time
@not_sanitized
def test_memory_of_a_large_analytic_sweep_stays_flat(tmp_path):
    peaks = {}
    for points in (1_000, 100_000):
        experiment = tmp_path / f"g{points}.yaml"
        experiment.write_text(
            "name: g\nmodel: {g_function: {coefficients: [0, 1, 4.5, 9, 99]}}\n"
            "factors: {" + ", ".join(f"x{i}: {{uniform: [0, 1]}}" for i in range(1, 6)) + "}\n"
            f"design: {{method: lhs, points: {points}, seed: 5}}\nstore: summary\n")
        peaks[points] = peak_rss_kib("sweep", experiment, "-o", tmp_path / f"g{points}.h5", "--quiet", cwd=tmp_path)
    # The design itself must be held (unit, values and a row-major copy: 3 x 5
    # doubles = 120 bytes a point), plus a few numbers per run (point, journal
    # flag, the analysed outcome): about 150 bytes a run in all. 512 bytes a
    # run leaves room for allocator slack; per-run results held in memory, or
    # per-row HDF5 bookkeeping, would exceed it.
    extra_bytes_per_run = (peaks[100_000] - peaks[1_000]) * 1024 / 99_000
    assert extra_bytes_per_run < 512, (f"peak RSS: 1,000 runs {peaks[1_000]} KiB, 100,000 runs {peaks[100_000]} KiB "
                                       f"({extra_bytes_per_run:.0f} bytes a run)")


def _interrupt_when_journal_grows(args: list[str], folder: Path, journal: Path, stop_signal) -> subprocess.Popen:
    """Starts a sweep and sends it `stop_signal` once it has added a record to its journal."""
    before = journal.stat().st_size if journal.exists() else 0
    process = subprocess.Popen(args, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(journal, process, max(before, JOURNAL_HEADER_BYTES) + 1)
    process.send_signal(stop_signal)
    process.communicate(timeout=60)
    return process


@pytest.mark.parametrize("stop_signal", [pytest.param(signal.SIGINT, id="SIGINT"),
                                         pytest.param(signal.SIGTERM, id="SIGTERM", marks=REPEATS_SANITIZED_PATHS)])
def test_a_signal_during_resume_keeps_every_finished_run(tmp_path, uninterrupted, stop_signal):
    reference, _ = uninterrupted
    experiment = write_model_experiment(tmp_path, "killme", KILL_DESIGN, seed=17)
    output, journal = tmp_path / "killme.h5", tmp_path / "killme.h5.journal"
    first = _interrupt_when_journal_grows(sweep_args(experiment, output, "--threads", 2), tmp_path, journal,
                                          stop_signal)
    if first.returncode == 0:
        pytest.skip("the sweep finished before the signal reached it")
    assert first.returncode == 130
    kept = journal.stat().st_size
    resumed = _interrupt_when_journal_grows(sweep_args(experiment, output, "--threads", 2, "--resume"), tmp_path,
                                            journal, stop_signal)
    if resumed.returncode == 130:  # interrupted in turn: what both runs finished is still there
        assert journal.stat().st_size >= kept and not output.exists()
        assert not [p.name for p in tmp_path.iterdir() if ".partial" in p.name]
    else:
        assert resumed.returncode == 0
    if not output.exists():
        last = subprocess.run(sweep_args(experiment, output, "--threads", 1, "--resume"), cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert last.returncode == 0, describe(last)
    assert not journal.exists()
    assert_same_datasets(reference, output)
