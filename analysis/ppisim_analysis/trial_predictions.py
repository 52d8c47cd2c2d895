"""Trial figures predicted from a calibration's posterior, in-sample and held out.

    PYTHONPATH=analysis /usr/bin/python3 -m ppisim_analysis.trial_predictions            # the shipped posterior
    PYTHONPATH=analysis /usr/bin/python3 -m ppisim_analysis.trial_predictions --posterior ex.h5 --draws 40

The trial arms are the calibration file's own scenarios (read from the
posterior file's calibration, so the arms are those it was fitted on): each
treated arm runs at K posterior draws x R replicates (`ppisim run --posterior`),
the control arm R replicates with the same seeds, and every treated run is
paired with the control run of its seed. For each arm and each risk the model
defines (having stopped any or exclusive breastfeeding by 10 days, 6 weeks,
3 or 6 months, among mothers who started) it prints the relative risk
exp(mean log ratio) with two intervals that say what they cover:

- "95% of runs": where one run's ratio falls, parameter and replicate
  uncertainty together;
- "95% of draws": the 2.5% and 97.5% quantiles of the draws' own ratios
  (each the exp of its R replicates' mean log ratio): parameter uncertainty,
  still holding the replicate noise of a mean of R.

Beside each, the observed figure it is to be judged against: the
calibration's own targets (in-sample: the fit, not a test) and the held-out
figures below, which the calibration never saw.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .load import load_results
from .posterior import load_posterior, run_draws
from .stats import RISK_AGES, RISK_MEASURES, stopped_risk

REPO = Path(__file__).resolve().parents[2]
SHIPPED_POSTERIOR = REPO / "scenarios" / "calibration" / "uk_trials.h5"


@dataclass(frozen=True)
class HeldOut:
    arm: str
    measure: str  # any or exclusive
    age: str      # one of RISK_AGES
    observed: float
    lo95: float   # NaN when the source gives no interval
    hi95: float
    source: str


# Figures the shipped calibration was not fitted on. Cochrane Clinical Answer
# (Cochrane Library, doi 10.1002/cca.4179; breastfeeding-only support vs usual
# care, all settings and providers, so only indicative of a UK peer scheme):
# women who stopped per 1,000, support vs usual care.
COCHRANE_CCA = "Cochrane Clinical Answer doi:10.1002/cca.4179 (all breastfeeding-only support, worldwide): per 1,000, support vs usual care"
HELD_OUT = (
    HeldOut("four_or_more_contacts", "any", "3m", 444 / 512, math.nan, math.nan, COCHRANE_CCA + ", 3-4 months: 444 vs 512"),
    HeldOut("four_or_more_contacts", "any", "6m", 616 / 662, math.nan, math.nan, COCHRANE_CCA + ", 6 months: 616 vs 662"),
    HeldOut("four_or_more_contacts", "exclusive", "3m", 652 / 806, math.nan, math.nan, COCHRANE_CCA + ", 3-4 months: 652 vs 806"),
    HeldOut("four_or_more_contacts", "exclusive", "6m", 838 / 927, math.nan, math.nan, COCHRANE_CCA + ", 6 months: 838 vs 927"),
)


@dataclass(frozen=True)
class Arm:
    name: str
    base: Path
    overrides: tuple[str, ...]


def calibration_arms(posterior_path: Path, folder: Path | None = None) -> tuple[dict, dict[str, Arm]]:
    """The calibration the posterior was fitted on (as its file records it), and its scenarios as runnable arms;
    relative base scenarios are found from `folder` (default scenarios/calibration/, where calibration files live)."""
    posterior = load_posterior(posterior_path)
    calibration = yaml.safe_load(posterior.attrs["calibration_yaml"])
    if "scenarios" not in calibration:
        raise ValueError(f"{posterior_path}: a posterior of a built-in test model has no trial arms")
    folder = folder or REPO / "scenarios" / "calibration"
    arms = {}
    for name, scenario in calibration["scenarios"].items():
        base = Path(scenario["base"])
        base = base if base.is_absolute() else (folder / base).resolve()
        overrides = tuple(f"{path}={value}" for path, value in (scenario.get("set") or {}).items())
        arms[name] = Arm(name, base, overrides)
    return calibration, arms


def run_arm(binary: Path, arm: Arm, output: Path, replicates: int, seed: int, posterior: Path | None, draws: int):
    args = [str(binary), "run", str(arm.base), "-o", str(output), "--quiet", "--force", "--replicates", str(replicates),
            "--seed", str(seed)]
    for override in arm.overrides:
        args += ["--set", override]
    if posterior is not None:
        args += ["--posterior", str(posterior), "--draws", str(draws)]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return load_results(output)


def paired_log_ratios(treated, control, measure: str, age: str) -> tuple[np.ndarray, np.ndarray]:
    """Per treated run: log(risk treated / risk of the control run of the same seed), and the run's draw."""
    control_risk = dict(zip(control.seeds, stopped_risk(control, measure, age)))
    treated_risk = stopped_risk(treated, measure, age)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(treated_risk / np.array([control_risk[s] for s in treated.seeds]))
    draws = run_draws(treated.path)
    return logs, np.zeros(len(logs), dtype=int) if draws is None else draws


def ratio_row(logs: np.ndarray, draws: np.ndarray) -> dict:
    keep = np.isfinite(logs)
    logs, draws = logs[keep], draws[keep]
    by_draw = pd.Series(logs).groupby(draws).mean().to_numpy()
    return dict(predicted=float(np.exp(logs.mean())),
                runs_lo95=float(np.exp(np.quantile(logs, 0.025))), runs_hi95=float(np.exp(np.quantile(logs, 0.975))),
                draws_lo95=float(np.exp(np.quantile(by_draw, 0.025))), draws_hi95=float(np.exp(np.quantile(by_draw, 0.975))))


def observed_figures(calibration: dict) -> dict[tuple[str, str, str], dict]:
    """(arm, measure, age) -> observed figure: the calibration's risk-ratio targets, then the held-out ones."""
    figures = {}
    for name, target in calibration["targets"].items():
        ratio = target.get("risk_ratio")
        if not ratio:
            continue
        measure = "exclusive" if ratio["outcome"].startswith("excl") else "any"
        age = ratio["outcome"].rsplit("_", 1)[1]
        lo, hi = target.get("interval95", [math.nan, math.nan])
        figures[(ratio["treated"], measure, age)] = dict(observed=float(target["observed"]), observed_lo95=float(lo),
                                                        observed_hi95=float(hi), kind="in-sample (fitted)",
                                                        source=f"calibration target {name}")
    for figure in HELD_OUT:
        figures.setdefault((figure.arm, figure.measure, figure.age),
                           dict(observed=figure.observed, observed_lo95=figure.lo95, observed_hi95=figure.hi95,
                                kind="held out", source=figure.source))
    return figures


def predict(binary: Path, posterior: Path, draws: int, replicates: int, seed: int, folder: Path | None = None) -> pd.DataFrame:
    calibration, arms = calibration_arms(posterior, folder)
    controls = {ratio["control"] for t in calibration["targets"].values() if (ratio := t.get("risk_ratio"))}
    treated = {ratio["treated"]: ratio["control"] for t in calibration["targets"].values() if (ratio := t.get("risk_ratio"))}
    figures = observed_figures(calibration)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        control_runs = {name: run_arm(binary, arms[name], folder / f"{name}.h5", replicates, seed, None, 0) for name in controls}
        for arm, control in treated.items():
            runs = run_arm(binary, arms[arm], folder / f"{arm}.h5", replicates, seed, posterior, draws)
            for measure in RISK_MEASURES:
                for age in RISK_AGES:
                    logs, run_draw = paired_log_ratios(runs, control_runs[control], measure, age)
                    row = dict(arm=arm, control=control, measure=measure, age=age, **ratio_row(logs, run_draw))
                    row.update(figures.get((arm, measure, age), dict(observed=math.nan, observed_lo95=math.nan,
                                                                     observed_hi95=math.nan, kind="", source="")))
                    rows.append(row)
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame, draws: int, replicates: int) -> str:
    lines = [f"relative risk of having stopped by the age among starters, treated arm vs control, paired by seed; "
             f"{draws} posterior draws x {replicates} replicates",
             "95% of runs: parameter and replicate uncertainty; 95% of draws: parameter uncertainty "
             f"(each draw's ratio over {replicates} replicates)",
             f"{'arm':<26} {'measure':<9} {'age':<4} {'predicted':>9} {'95% of runs':>17} {'95% of draws':>17}   observed"]

    def interval(lo, hi):
        return f"[{lo:.3f}, {hi:.3f}]"

    for row in table.itertuples():
        observed = ""
        if math.isfinite(row.observed):
            spread = "" if not math.isfinite(row.observed_lo95) else f" ({row.observed_lo95:.2f}-{row.observed_hi95:.2f})"
            observed = f"{row.observed:.3f}{spread} {row.kind}"
        lines.append(f"{row.arm:<26} {row.measure:<9} {row.age:<4} {row.predicted:>9.3f} "
                     f"{interval(row.runs_lo95, row.runs_hi95):>17} {interval(row.draws_lo95, row.draws_hi95):>17}   {observed}")
    sources = sorted({row.source for row in table.itertuples() if row.kind == "held out"})
    if sources:
        lines.append("held-out sources:")
        lines += [f"  {source}" for source in sources]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "ppisim")
    parser.add_argument("--posterior", type=Path, default=SHIPPED_POSTERIOR)
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--replicates", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7001, help="replicate seeds (not the calibration's)")
    parser.add_argument("--scenarios-from", type=Path, help="folder the calibration's relative base scenarios are in "
                        "(default scenarios/calibration/)")
    parser.add_argument("--csv", type=Path, help="also write the table as CSV")
    args = parser.parse_args(argv)
    try:
        table = predict(args.binary, args.posterior, args.draws, args.replicates, args.seed, args.scenarios_from)
    except (RuntimeError, ValueError, OSError) as error:
        print(f"trial_predictions: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(format_table(table, args.draws, args.replicates))
    if args.csv:
        table.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
