"""Shared fixtures for the end-to-end tests of the `ppisim` command line.

Run from the repository root with Debian's interpreter:

    PPISIM_BINARY=$PWD/build/ppisim /usr/bin/python3 -m pytest -q tests

Every test writes only under pytest's tmp_path; the binary is always started
with that folder as its working directory, so nothing lands in the checkout.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pytest

from cli_support import (REPO, SCENARIOS, TIMEOUT_SECONDS, FAST, KEY_OUTCOMES, DESCRIBED_GROUPS, binary_path, run_ppisim, describe, error_lines, read_datasets, hidden_files)  # noqa: F401 (fixtures below use them)


@pytest.fixture(scope="session")
def ppisim_binary() -> Path:
    """Path of the ppisim binary: $PPISIM_BINARY, or <repo>/build/ppisim."""
    path = binary_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"ppisim binary not found or not executable at {path}; "
                    "build it with `./dev build` or set PPISIM_BINARY", pytrace=False)
    return path


@pytest.fixture
def ppisim(ppisim_binary, tmp_path):
    """Callable running ppisim with tmp_path (or cwd=...) as working directory."""
    def call(*args, cwd: Path | None = None, timeout: float = TIMEOUT_SECONDS):
        return run_ppisim(ppisim_binary, *args, cwd=cwd or tmp_path, timeout=timeout)
    return call


@pytest.fixture(scope="session")
def breastfriends() -> Path:
    path = SCENARIOS / "breastfriends.yaml"
    assert path.is_file(), path
    return path


@pytest.fixture(scope="session")
def no_peer_support() -> Path:
    path = SCENARIOS / "no_peer_support.yaml"
    assert path.is_file(), path
    return path


@dataclass(frozen=True)
class FinishedRun:
    folder: Path
    output: Path
    result: subprocess.CompletedProcess


@pytest.fixture(scope="session")
def fast_run(ppisim_binary, breastfriends, tmp_path_factory) -> FinishedRun:
    """One quick run of breastfriends.yaml, shared by read-only tests."""
    folder = tmp_path_factory.mktemp("fast_run")
    output = folder / "results.h5"
    result = run_ppisim(ppisim_binary, "run", breastfriends, "-o", output, *FAST, "--seed", "42", cwd=folder)
    assert result.returncode == 0, describe(result)
    return FinishedRun(folder, output, result)
