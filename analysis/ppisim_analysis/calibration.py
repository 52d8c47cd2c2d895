"""Reproduces ppisim's calibration against the data of the model brief.

    PYTHONPATH=analysis /usr/bin/python3 -m ppisim_analysis.calibration [--replicates 20] [--fit]

Runs the calibration scenarios with the real binary under one seed and
prints each target beside the model's value:

- usual care (scenarios/no_peer_support.yaml) against the Infant Feeding
  Survey 2010 table, within 3 percentage points at every listed age;
- the Doncaster-like area under usual care (scenarios/doncaster.yaml): about 63% initiation
  and 34% any breastfeeding at 6-8 weeks;
- integrated, proactive support (scenarios/integrated.yaml) against usual
  care under common random numbers: relative risk of having stopped any
  breastfeeding by 6 weeks, among mothers who started, of 0.70-0.85 (McFadden
  et al. 2019: 0.77, 95% CI 0.66-0.90).

`--fit` also re-fits `mothers.confidence.effect` to the trials' 0.77 by
bisection and reports it beside the registry's default. Exit code 0 when
every target holds, 1 when one does not, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .load import load_results
from .stats import compare, stopped_risk

REPO = Path(__file__).resolve().parents[2]
SEED = 2010
TRIAL_RELATIVE_RISK = 0.77

IFS_2010 = {"initiation_rate": 0.81, "any_bf_1w": 0.69, "any_bf_6w": 0.55, "any_bf_6m": 0.34,
            "excl_bf_1w": 0.46, "excl_bf_6w": 0.23, "excl_bf_3m": 0.17, "excl_bf_4m": 0.12, "excl_bf_6m": 0.01}


@dataclass
class Check:
    target: str
    expected: str
    model: float
    holds: bool


class Runner:
    """Runs scenarios with the binary into a scratch folder, one seed for all."""

    def __init__(self, binary: Path, replicates: int, folder: Path):
        self.binary, self.replicates, self.folder = binary, replicates, folder
        self.count = 0

    def run(self, scenario: str, *overrides: str):
        self.count += 1
        output = self.folder / f"run{self.count}.h5"
        args = [str(self.binary), "run", str(REPO / "scenarios" / scenario), "-o", str(output), "--quiet",
                "--replicates", str(self.replicates), "--seed", str(SEED)]
        for override in overrides:
            args += ["--set", override]
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
        return load_results(output)


def stop_risk(results) -> np.ndarray:
    """Per run: risk of having stopped any breastfeeding by 6 weeks among mothers who started."""
    return stopped_risk(results, "any", "6w")


def relative_risk(treated, usual) -> float:
    """The model's one relative risk (`compare`): of having stopped any
    breastfeeding by 6 weeks among starters, paired by seed (the same mothers)."""
    return float(compare(usual, treated, "any_bf_6w", pairing="paired")["rr"].iloc[0])


def calibration_checks(runner: Runner) -> list[Check]:
    checks = []
    usual = runner.run("no_peer_support.yaml")
    for outcome, survey in IFS_2010.items():
        model = float(usual.summary[outcome].mean())
        checks.append(Check(f"usual care {outcome}", f"{survey:.2f} +- 0.03", model, abs(model - survey) < 0.03))
    doncaster = runner.run("doncaster.yaml")
    initiation = float(doncaster.summary["initiation_rate"].mean())
    six_weeks = float(doncaster.summary["any_bf_6w"].mean())
    checks.append(Check("Doncaster initiation", "about 0.63", initiation, abs(initiation - 0.63) < 0.02))
    checks.append(Check("Doncaster any_bf_6w", "about 0.34", six_weeks, abs(six_weeks - 0.34) < 0.02))
    ratio = relative_risk(runner.run("integrated.yaml"), usual)
    checks.append(Check("integrated RR of stopping by 6 weeks", "0.70-0.85 (trials 0.77)", ratio, 0.70 < ratio < 0.85))
    control = float(np.mean(stop_risk(usual)))
    checks.append(Check("usual-care risk of stopping by 6 weeks", "about 0.32", control, abs(control - 0.32) < 0.02))
    return checks


def fit_confidence_effect(runner: Runner, low: float = 0.0, high: float = 4.0, steps: int = 10) -> tuple[float, float]:
    """Bisection on mothers.confidence.effect for the trials' relative risk (it falls as the effect grows)."""
    usual = runner.run("no_peer_support.yaml")
    ratio = float("nan")
    for _ in range(steps):
        middle = 0.5 * (low + high)
        ratio = relative_risk(runner.run("integrated.yaml", f"mothers.confidence.effect={middle}"), usual)
        low, high = (middle, high) if ratio > TRIAL_RELATIVE_RISK else (low, middle)
    return 0.5 * (low + high), ratio


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "ppisim")
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--fit", action="store_true", help="re-fit mothers.confidence.effect to RR 0.77")
    args = parser.parse_args(argv)
    if args.replicates < 2:
        parser.error("--replicates must be at least 2")
    with tempfile.TemporaryDirectory(prefix="ppisim-calibration-") as folder:
        runner = Runner(args.binary, args.replicates, Path(folder))
        checks = calibration_checks(runner)
        width = max(len(c.target) for c in checks)
        print(f"{'target':<{width}}  {'expected':<24} {'model':>8}  holds")
        for c in checks:
            print(f"{c.target:<{width}}  {c.expected:<24} {c.model:>8.4f}  {'yes' if c.holds else 'NO'}")
        if args.fit:
            effect, ratio = fit_confidence_effect(runner)
            print(f"\nfitted mothers.confidence.effect = {effect:.3f} (relative risk {ratio:.3f}); "
                  f"the registry's default is calibrated the same way")
    return 0 if all(c.holds for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
