"""Helpers shared by the analysis tests (a uniquely named module: tests/cli has
its own conftest.py, and two modules both imported as `conftest` would clash)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ANALYSIS = REPO / "analysis"
SCENARIOS = REPO / "scenarios"
TIMEOUT_SECONDS = 120

if str(ANALYSIS) not in sys.path:
    sys.path.insert(0, str(ANALYSIS))

# Small and quick; the horizon must exceed 182 days for mothers to be followed to 26 weeks.
QUICK = ["--replicates", "5", "--set", "horizon=1year", "--quiet"]


def binary_path() -> Path:
    return Path(os.environ.get("PPISIM_BINARY", str(REPO / "build" / "ppisim")))


def run_binary(binary: Path, *args, cwd: Path) -> subprocess.CompletedProcess:
    """Runs `binary args...` in cwd, capturing stdout and stderr as text."""
    return subprocess.run([str(binary), *map(str, args)], cwd=str(cwd), capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS)


def describe(result: subprocess.CompletedProcess) -> str:
    return (f"command: {result.args}\nexit code: {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}")
