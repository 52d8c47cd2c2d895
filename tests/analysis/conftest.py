"""Fixtures for the tests of the Python analysis package (analysis/ppisim_analysis).

Run from the repository root with Debian's interpreter:

    PYTHONDONTWRITEBYTECODE=1 PPISIM_BINARY=$PWD/build/ppisim /usr/bin/python3 -m pytest -q -p no:cacheprovider tests

The results files come from the real binary, made once per session, small and
quick (a few replicates of one year), under pytest's temporary folder; the
binary always runs with that folder as its working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis_support import QUICK, SCENARIOS, binary_path, describe, run_binary


@pytest.fixture(scope="session")
def binary() -> Path:
    """The ppisim binary: $PPISIM_BINARY, or <repo>/build/ppisim."""
    path = binary_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"ppisim binary not found or not executable at {path}; "
                    "build it with `./dev build` or set PPISIM_BINARY", pytrace=False)
    return path


@pytest.fixture(scope="session")
def results_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("analysis_runs")


def made_once(binary: Path, folder: Path, *command: str):
    """make(name, *arguments) -> the results file of `ppisim COMMAND arguments -o folder/name.h5`,
    run the first time a name is asked for, shared after that."""
    made: dict[str, Path] = {}

    def make(name: str, *arguments) -> Path:
        if name not in made:
            output = folder / f"{name}.h5"
            result = run_binary(binary, *command, *arguments, "-o", output, cwd=folder)
            assert result.returncode == 0, describe(result)
            assert output.is_file(), describe(result)
            made[name] = output
        return made[name]

    return make


@pytest.fixture(scope="session")
def make_results(binary, results_folder):
    """make_results(name, scenario_file_name, *extra_args) -> Path of a finished results file."""
    make = made_once(binary, results_folder, "run")
    return lambda name, scenario, *args: make(name, SCENARIOS / scenario, *args)


@pytest.fixture(scope="session")
def breastfriends_h5(make_results) -> Path:
    """breastfriends.yaml, 5 replicates of one year, the scenario's own seed."""
    return make_results("breastfriends", "breastfriends.yaml", *QUICK)


@pytest.fixture(scope="session")
def no_peer_support_h5(make_results) -> Path:
    """no_peer_support.yaml with the same seed: run r shares births and draws with breastfriends run r."""
    return make_results("no_peer_support", "no_peer_support.yaml", *QUICK)


@pytest.fixture(scope="session")
def other_seed_h5(make_results) -> Path:
    """no_peer_support.yaml with another base seed: its runs do not pair with breastfriends'."""
    return make_results("no_peer_support_seed7", "no_peer_support.yaml", *QUICK, "--seed", "7")


@pytest.fixture(scope="session")
def sparse_h5(make_results) -> Path:
    """Few mothers in the measured window, so some runs have undefined (NaN) outcomes; 41 runs,
    because scipy 1.10's t.ppf is least accurate near 40 degrees of freedom."""
    return make_results("sparse", "breastfriends.yaml", "--replicates", "41", "--set", "horizon=183days",
                        "--set", "population.births=300 per year", "--quiet")


@pytest.fixture(scope="session")
def single_run_h5(make_results) -> Path:
    """One replicate: means without intervals."""
    return make_results("single", "breastfriends.yaml", "--replicates", "1", "--set", "horizon=1year", "--quiet")


# -- sweeps (ppisim sweep) ---------------------------------------------------------

EXPERIMENTS = SCENARIOS / "experiments"

# A small Sobol sweep of the model with every kind of factor (a word choice,
# numeric levels, a range and named overlays), two replicates and stored time
# series, on a one-year version of breastfriends.yaml; about two seconds.
MIXED_BASE = """\
extends: {breastfriends}
name: breastfriends_1y
horizon: 1 year
"""
MIXED_EXPERIMENT = """\
name: mixed_factors
description: A tiny Sobol sweep over a word factor, numeric levels, a range and named overlays.
base: base_1y.yaml
factors:
  scheme.contact_schedule.mode: {{ levels: [proactive, reactive] }}
  volunteers.capacity: {{ levels: [4, 8] }}
  concern.jump: {{ uniform: [0.05, 0.4] }}
  policy:
    professional_judgement: {{}}
    opt_out_referral: {{ scheme.referral_policy: opt_out }}
design:
  method: sobol
  base_samples: {base_samples}
  replicates: 2
  seed: 5
analyse: [any_bf_6w, tension_index]
store: timeseries
"""


@pytest.fixture(scope="session")
def make_sweep(binary, results_folder):
    """make_sweep(name, experiment_path) -> Path of a finished sweep results file."""
    return made_once(binary, results_folder, "sweep", "--quiet")


@pytest.fixture(scope="session")
def ishigami_h5(make_sweep) -> Path:
    """scenarios/experiments/ishigami.yaml: Sobol indices of the Ishigami function (analytic,
    one replicate, summary only; 20480 runs in under a second)."""
    return make_sweep("ishigami", EXPERIMENTS / "ishigami.yaml")


@pytest.fixture(scope="session")
def morris_h5(make_sweep) -> Path:
    """scenarios/experiments/quick_morris.yaml: Morris screening of the model (two
    replicates, summary only; 120 runs of three years)."""
    return make_sweep("quick_morris", EXPERIMENTS / "quick_morris.yaml")


@pytest.fixture(scope="session")
def mixed_sweep_h5(make_sweep, tmp_path_factory) -> Path:
    """MIXED_EXPERIMENT: Sobol over categorical and numeric factors, time series stored."""
    folder = tmp_path_factory.mktemp("mixed_experiment")
    (folder / "base_1y.yaml").write_text(MIXED_BASE.format(breastfriends=SCENARIOS / "breastfriends.yaml"))
    experiment = folder / "mixed_factors.yaml"
    experiment.write_text(MIXED_EXPERIMENT.format(base_samples=8))
    return make_sweep("mixed_factors", experiment)
