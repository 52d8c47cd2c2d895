#!/usr/bin/python3
"""The fingerprint of ppisim's numbers: every summary outcome of every run,
and a hash of every daily series, parameter column and snapshot column, for
every scenario in scenarios/, the quick Morris sweep and each numerical
variant (VARIANTS), at a fixed seed.

    tests/fingerprint/fingerprint.py            # compare with the committed baseline; exit 1 and a per-key diff if it moved
    tests/fingerprint/fingerprint.py --update   # rewrite the baseline (then paste the diff into the commit message)

A refactoring leaves the fingerprint unchanged. A change that moves numbers
updates it on purpose, with the printed per-key diff in its commit message.
Summary values are written exactly (shortest text that reads back as the same
double); series are hashed, since a day-by-day listing would be unreadable.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("fingerprint.yaml")
SEED = 2026
REPLICATES = 4
SWEEPS = ["scenarios/experiments/quick_morris.yaml"]
# Numerical options whose numbers differ from the default path's (other draws, the same model): each
# pinned on a scenario of its own, so that a change to the option's code shows here too. The defaults
# are thinned exits with scheduled episodes; the reference (a draw every day for both) and each
# formulation alone are the variants.
VARIANTS = {
    "breastfriends_reference_daily_draws": ["scenarios/breastfriends.yaml", "--set", "numerics.feeding_exits=daily_draws",
                                            "--set", "numerics.difficulty_course=daily_draws"],
    "breastfriends_thinned_feeding_exits": ["scenarios/breastfriends.yaml", "--set", "numerics.feeding_exits=thinned",
                                            "--set", "numerics.difficulty_course=daily_draws"],
    "breastfriends_scheduled_difficulty_course": ["scenarios/breastfriends.yaml", "--set",
                                                  "numerics.difficulty_course=scheduled", "--set",
                                                  "numerics.feeding_exits=daily_draws"],
}


def binary() -> str:
    return os.environ.get("PPISIM_BINARY", str(ROOT / "build" / "ppisim"))


def scenarios() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml"))


def exact(value: float) -> float | str:
    """A number as YAML keeps it exactly; NaN and infinities as words."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def digest(dataset: h5py.Dataset) -> str:
    """First 16 hex digits of the SHA-256 of the values as little-endian bytes."""
    values = dataset[()]
    if values.dtype.kind in "SOU":
        data = "\x1f".join(v.decode() if isinstance(v, bytes) else str(v) for v in values.ravel()).encode()
    else:
        data = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<")).tobytes()
    return f"{list(values.shape)} {hashlib.sha256(data).hexdigest()[:16]}"


def describe(path: Path) -> dict:
    with h5py.File(path, "r") as f:
        entry: dict = {"runs": int(f.attrs["runs"]), "days": int(f.attrs["days"])}
        entry["seeds"] = [int(s) for s in f["runs/seed"][()]]
        entry["summary"] = {name: [exact(v) for v in f["summary"][name][()]] for name in sorted(f["summary"])}
        for group in ("timeseries", "parameters"):
            if group in f and len(f[group]):
                entry[group] = {name: digest(f[group][name]) for name in sorted(f[group])}
        if "snapshot" in f:
            entry["snapshot"] = {
                f"{table}/{name}": digest(f["snapshot"][table][name])
                for table in sorted(f["snapshot"])
                for name in sorted(f["snapshot"][table])
            }
        for group in ("design", "sensitivity"):
            if group in f:
                entry[group] = {name: digest(f[group][name]) for name in sorted(f[group])}
    return entry


def run(arguments: list[str]) -> None:
    completed = subprocess.run([binary(), *arguments], cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"fingerprint: `ppisim {' '.join(arguments)}` failed ({completed.returncode}):\n{completed.stderr}")


def measure() -> dict:
    result: dict = {"seed": SEED, "replicates": REPLICATES, "scenarios": {}, "sweeps": {}, "variants": {}}
    runs = {Path(scenario).stem: [scenario] for scenario in scenarios()}
    with tempfile.TemporaryDirectory() as directory:
        for group, named in (("scenarios", runs), ("variants", VARIANTS)):
            for name, (scenario, *options) in named.items():
                out = Path(directory) / (name + ".h5")
                run(["run", scenario, *options, "-o", str(out), "--seed", str(SEED), "--replicates", str(REPLICATES),
                     "--threads", "2", "--quiet", "--force"])
                result[group][name] = describe(out)
        for sweep in SWEEPS:
            out = Path(directory) / (Path(sweep).stem + ".h5")
            run(["sweep", sweep, "-o", str(out), "--threads", "2", "--quiet", "--force"])
            result["sweeps"][Path(sweep).stem] = describe(out)
    return result


def flatten(tree, prefix: str = "") -> dict[str, object]:
    """Nested keys joined with dots; lists (a value per run) stay whole."""
    if isinstance(tree, dict) and tree:
        flat: dict[str, object] = {}
        for key, value in tree.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: tree}


def differences(old: dict, new: dict) -> list[str]:
    """One line per key that moved, appeared or disappeared."""
    before, after = flatten(old), flatten(new)
    lines = []
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            lines.append(f"- {key}: {before[key]}")
        elif key not in before:
            lines.append(f"+ {key}: {after[key]}")
        elif before[key] != after[key]:
            lines.append(f"~ {key}: {before[key]} -> {after[key]}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="rewrite the committed baseline with today's numbers")
    arguments = parser.parse_args()
    new = measure()
    old = yaml.safe_load(BASELINE.read_text()) if BASELINE.exists() else {}
    lines = differences(old, new)
    if arguments.update:
        header = "# ppisim's fingerprint: regenerate with tests/fingerprint/fingerprint.py --update (see its docstring).\n"
        BASELINE.write_text(header + yaml.safe_dump(new, sort_keys=False, width=200, default_flow_style=None))
        print(f"fingerprint: baseline rewritten, {len(lines)} keys changed")
        print("\n".join(lines))
        return 0
    if lines:
        print(f"fingerprint: {len(lines)} keys differ from {BASELINE.relative_to(ROOT)}:")
        print("\n".join(lines))
        return 1
    print("fingerprint: identical to the committed baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
