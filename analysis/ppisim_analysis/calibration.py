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
  et al. 2019: 0.77, 95% CI 0.66-0.90, >= 4 postnatal contacts), and of
  having stopped exclusive breastfeeding, 0.72-0.87 (McFadden et al. 2019:
  0.79, 95% CI 0.72-0.87 at 4-6 weeks over all counselling; the >= 4 contact
  subgroup for exclusive breastfeeding is not in the model brief).

`--fit` also re-fits the two support effects, `mothers.confidence.effect`
(stopping altogether) to the any RR 0.77 and
`mothers.confidence.exclusive_effect` (exclusive -> partial) to the exclusive
RR 0.79, by alternating bisections (each effect lowers both RRs, the own one
most), and prints them beside the registry's defaults, which are fitted this
way. Exit code 0 when every target holds, 1 when one does not, 2 for bad
arguments.
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
TRIAL_RELATIVE_RISK = 0.77            # any breastfeeding, >= 4 contacts (McFadden et al. 2019)
TRIAL_EXCLUSIVE_RELATIVE_RISK = 0.79  # exclusive breastfeeding at 4-6 weeks (McFadden et al. 2019)

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


def stop_risk(results, column: str = "any_bf_6w") -> np.ndarray:
    """Per run: risk of having stopped (any, or with column excl_bf_6w exclusive) breastfeeding by 6 weeks among
    mothers who started."""
    return stopped_risk(results, "exclusive" if column.startswith("excl") else "any", "6w")


def relative_risk(treated, usual, column: str = "any_bf_6w") -> float:
    """The model's one relative risk (`compare`): of having stopped (any, or with column excl_bf_6w exclusive)
    breastfeeding by 6 weeks among starters, paired by seed (the same mothers)."""
    return float(compare(usual, treated, column, pairing="paired")["rr"].iloc[0])


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
    integrated = runner.run("integrated.yaml")
    ratio = relative_risk(integrated, usual)
    checks.append(Check("integrated RR of stopping by 6 weeks", "0.70-0.85 (trials 0.77)", ratio, 0.70 < ratio < 0.85))
    exclusive = relative_risk(integrated, usual, "excl_bf_6w")
    checks.append(Check("integrated RR of stopping exclusive by 6 weeks", "0.72-0.87 (trials 0.79)", exclusive,
                        0.72 < exclusive < 0.87))
    control = float(np.mean(stop_risk(usual)))
    checks.append(Check("usual-care risk of stopping by 6 weeks", "about 0.32", control, abs(control - 0.32) < 0.02))
    return checks


@dataclass
class Fit:
    effect: float            # mothers.confidence.effect
    exclusive_effect: float  # mothers.confidence.exclusive_effect
    any_ratio: float
    exclusive_ratio: float


def fit_support_effects(runner: Runner, rounds: int = 3, steps: int = 10, high: float = 6.0) -> Fit:
    """Alternating bisections: the any effect for the any RR at the current exclusive effect, then the exclusive
    effect for the exclusive RR at the new any effect (each RR falls as either effect grows)."""
    usual = runner.run("no_peer_support.yaml")

    def ratios(effect: float, exclusive: float) -> tuple[float, float]:
        treated = runner.run("integrated.yaml", f"mothers.confidence.effect={effect}",
                             f"mothers.confidence.exclusive_effect={exclusive}")
        return relative_risk(treated, usual), relative_risk(treated, usual, "excl_bf_6w")

    def bisect(ratio_of, target: float) -> float:
        low, top = 0.0, high
        for _ in range(steps):
            middle = 0.5 * (low + top)
            low, top = (middle, top) if ratio_of(middle) > target else (low, middle)
        return 0.5 * (low + top)

    effect, exclusive = 0.5, 1.0
    for _ in range(rounds):
        effect = bisect(lambda e: ratios(e, exclusive)[0], TRIAL_RELATIVE_RISK)
        exclusive = bisect(lambda x: ratios(effect, x)[1], TRIAL_EXCLUSIVE_RELATIVE_RISK)
    any_ratio, exclusive_ratio = ratios(effect, exclusive)
    return Fit(effect, exclusive, any_ratio, exclusive_ratio)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "ppisim")
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--fit", action="store_true",
                        help="re-fit mothers.confidence.effect and .exclusive_effect to the RRs 0.77 (any) and 0.79 "
                             "(exclusive)")
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
            fit = fit_support_effects(runner)
            print(f"\nfitted mothers.confidence.effect = {fit.effect:.3f}, "
                  f"mothers.confidence.exclusive_effect = {fit.exclusive_effect:.3f} "
                  f"(relative risks: any {fit.any_ratio:.3f}, exclusive {fit.exclusive_ratio:.3f}); "
                  f"the registry's defaults are calibrated the same way")
    return 0 if all(c.holds for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
