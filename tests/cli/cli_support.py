"""Helpers shared by the end-to-end tests of the command line (a uniquely
named module: tests/analysis has a conftest.py too, and `from conftest import`
would pick whichever was imported first)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
TIMEOUT_SECONDS = 120

# `./dev sanitize` runs these tests against the AddressSanitizer build.
SANITIZED = os.environ.get("PPISIM_SANITIZED") == "1"


def release_only(reason: str):
    """Skips a test against the sanitized build, saying why it runs only against the release one."""
    return pytest.mark.skipif(SANITIZED, reason=reason)


# The variations of a signal-and-resume test beyond its first repeat the sanitized
# build's code paths (the same journal, stop and resume code) at several times the
# release build's cost: under ./dev sanitize one variation of each stands for them.
REPEATS_SANITIZED_PATHS = release_only("repeats code paths another variation runs under the sanitizer")

# Small and quick: two replicates of one year (the horizon must exceed 182 days
# so that mothers can be followed to 26 weeks).
FAST = ["--replicates", "2", "--set", "horizon=1year"]

# Outcomes that `ppisim summary` must report (there may be more).
KEY_OUTCOMES = [
    "initiation_rate",
    "any_bf_1w",
    "any_bf_6w",
    "any_bf_3m",
    "any_bf_4m",
    "any_bf_6m",
    "excl_bf_1w",
    "excl_bf_6w",
    "excl_bf_3m",
    "excl_bf_4m",
    "excl_bf_6m",
    "reached_by_volunteer",
    "peer_contacts_per_mother",
]

# Groups whose datasets must carry `units` and `description` attributes.
DESCRIBED_GROUPS = ("summary", "timeseries", "parameters")


def binary_path() -> Path:
    return Path(os.environ.get("PPISIM_BINARY", str(REPO / "build" / "ppisim")))


def run_ppisim(binary: Path, *args, cwd: Path, timeout: float = TIMEOUT_SECONDS,
               env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs `binary args...` in `cwd`, capturing stdout and stderr as text."""
    return subprocess.run(
        [str(binary), *map(str, args)],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def describe(result: subprocess.CompletedProcess) -> str:
    """Context for assertion messages."""
    return (f"command: {result.args}\nexit code: {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}")


def error_lines(stderr: str) -> list[str]:
    """The non-empty lines of stderr."""
    return [line for line in stderr.splitlines() if line.strip()]


def read_datasets(path: Path) -> dict[str, np.ndarray]:
    """Every dataset of an HDF5 file, by its full path without the leading '/'."""
    arrays: dict[str, np.ndarray] = {}
    with h5py.File(path, "r") as handle:
        def visit(name, item):
            if isinstance(item, h5py.Dataset):
                arrays[name] = item[()]
        handle.visititems(visit)
    return arrays


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def assert_same_datasets(expected: Path, actual: Path, ignore: frozenset[str] = frozenset()) -> None:
    """Every dataset of two files: same names, types, shapes and values (NaN equals NaN), but those in `ignore`."""
    a, b = read_datasets(expected), read_datasets(actual)
    assert sorted(a) == sorted(b), f"datasets differ: {sorted(set(a) ^ set(b))}"
    for name in sorted(set(a) - ignore):
        x, y = a[name], b[name]
        assert x.dtype == y.dtype and x.shape == y.shape, f"{name}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}"
        same = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
        assert same, f"dataset {name} differs between {expected} and {actual}"
