"""Statistical equivalence of two ways of computing the model (issue 17).

    PYTHONPATH=analysis /usr/bin/python3 -m ppisim_analysis.equivalence EXACT.h5 CANDIDATE.h5 [--margin 0.25]
    PYTHONPATH=analysis /usr/bin/python3 -m ppisim_analysis.equivalence --plan --outcomes 120 [--margin 0.25]

A faster formulation that draws its random numbers differently (event-driven
feeding exits, skipping mothers who have stopped) cannot be checked bit for
bit against the exact path: its runs are other runs of the same model. What
can be checked is that every summary outcome has the same distribution over
replicates. EXACT.h5 and CANDIDATE.h5 are `ppisim run` files of one scenario,
one made the exact way and one the candidate way, with different seeds (so
their runs are independent samples).

Two questions per summary outcome, each with its own error controlled:

- **Is the mean within the margin?** Two one-sided Welch t tests (TOST) that
  the candidate's mean lies within +-margin x the exact path's replicate
  standard deviation of the exact path's mean, each at level alpha. The
  verdict "equivalent" needs every outcome to pass; by the
  intersection-union principle that needs no multiplicity correction, and the
  chance of calling a path equivalent whose mean of some outcome is outside
  the margin is at most alpha.
- **Is anything else different?** The two-sample Kolmogorov-Smirnov test of
  the finite values and, where either path has undefined (non-finite)
  values, Fisher's exact test of their share; all of these tests together
  Holm-corrected at level alpha, so the chance of a false alarm over the
  whole table is at most alpha.

The stated power: at the run counts given, the probability that TOST declares
an outcome equivalent when the paths are identical (normal approximation),
the joint bound over all outcomes (Bonferroni: 1 - m x (1 - each)), and the
location shift, in replicate standard deviations, that the distribution
tests detect with 80% probability (simulated under normality, seeded).
`--plan` gives the runs per path that reach a joint power.

The margin's unit is estimated from the exact path's runs, so the TOST level
is approximate (exact as the run count grows). Exit 0 when equivalent, 1
when not, 2 for bad input.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as _scipy_stats

from .load import load_results
from .stats import welch_se_df

DEFAULT_MARGIN = 0.25          # the equivalence margin, in replicate standard deviations of the exact path
DEFAULT_ALPHA = 0.05
DETECTION_POWER = 0.8          # the power at which the detectable shift is stated
SHIFT_SIMULATIONS = 400        # simulated sample pairs per shift tried
SHIFT_SEED = 17                # the detectable shift is a seeded simulation: the same figure every time

EQUIVALENT = "equivalent"
MEAN_OUTSIDE = "mean not shown within margin"
DISTRIBUTION_DIFFERS = "distribution differs"
MISSING = "missing from one file"


@dataclass(frozen=True)
class Settings:
    margin: float = DEFAULT_MARGIN
    alpha: float = DEFAULT_ALPHA


def welch_tost(a: np.ndarray, b: np.ndarray, half_width: float) -> tuple[float, float, float]:
    """The TOST p-value that mean(b) - mean(a) lies within +-half_width, with
    the difference's 90% interval (TOST at 5% is the 90% interval inside the
    margin). Welch's standard error and degrees of freedom."""
    difference = float(b.mean() - a.mean())
    standard_error, df = welch_se_df(a.var(ddof=1) / len(a), b.var(ddof=1) / len(b), len(a), len(b))
    if standard_error == 0.0:
        inside = abs(difference) < half_width or (difference == 0.0 and half_width == 0.0)
        return (0.0 if inside else 1.0), difference, difference
    p_below = _scipy_stats.t.sf((difference + half_width) / standard_error, df)
    p_above = _scipy_stats.t.sf((half_width - difference) / standard_error, df)
    spread = _scipy_stats.t.ppf(0.95, df) * standard_error
    return float(max(p_below, p_above)), difference - spread, difference + spread


def undefined_share_p(a: np.ndarray, b: np.ndarray) -> float:
    """Fisher's exact test that the shares of undefined values are equal (1.0 when neither has any)."""
    missing_a, missing_b = int((~np.isfinite(a)).sum()), int((~np.isfinite(b)).sum())
    if missing_a == 0 and missing_b == 0:
        return 1.0
    table = [[missing_a, len(a) - missing_a], [missing_b, len(b) - missing_b]]
    return float(_scipy_stats.fisher_exact(table)[1])


def distribution_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov p-value of the finite values (1.0 when both are one and the same constant)."""
    if np.ptp(a) == 0.0 and np.ptp(b) == 0.0 and a[0] == b[0]:
        return 1.0
    return float(_scipy_stats.ks_2samp(a, b).pvalue)


def holm(p_values: Sequence[float], alpha: float) -> np.ndarray:
    """Which hypotheses Holm's step-down procedure rejects at family-wise level alpha."""
    p = np.asarray(p_values, dtype=float)
    rejected = np.zeros(len(p), dtype=bool)
    for rank, index in enumerate(np.argsort(p, kind="stable")):
        if p[index] > alpha / (len(p) - rank):
            break
        rejected[index] = True
    return rejected


def _check_one(name: str, exact: np.ndarray, candidate: np.ndarray, settings: Settings) -> dict:
    finite_a, finite_b = exact[np.isfinite(exact)], candidate[np.isfinite(candidate)]
    row = {"outcome": name, "n_exact": len(finite_a), "n_candidate": len(finite_b),
           "undefined_exact": len(exact) - len(finite_a), "undefined_candidate": len(candidate) - len(finite_b),
           "undefined_p": undefined_share_p(exact, candidate)}
    if len(finite_a) < 2 or len(finite_b) < 2:
        # Undefined in every run of both paths is agreement; too few values on one side shows nothing.
        undefined_in_both = len(finite_a) == 0 and len(finite_b) == 0
        return row | {"mean_exact": math.nan, "mean_candidate": math.nan, "sd_exact": math.nan,
                      "difference": math.nan, "diff_lo90": math.nan, "diff_hi90": math.nan,
                      "margin": math.nan, "tost_p": 0.0 if undefined_in_both else 1.0, "distribution_p": 1.0}
    sd_exact = float(finite_a.std(ddof=1))
    half_width = settings.margin * sd_exact
    tost_p, lo90, hi90 = welch_tost(finite_a, finite_b, half_width)
    return row | {"mean_exact": float(finite_a.mean()), "mean_candidate": float(finite_b.mean()),
                  "sd_exact": sd_exact, "difference": float(finite_b.mean() - finite_a.mean()),
                  "diff_lo90": lo90, "diff_hi90": hi90, "margin": half_width, "tost_p": tost_p,
                  "distribution_p": distribution_p(finite_a, finite_b)}


def compare_samples(exact: Mapping[str, np.ndarray], candidate: Mapping[str, np.ndarray],
                    settings: Settings = Settings()) -> pd.DataFrame:
    """One row per outcome of either path: counts, means, the exact path's sd,
    the difference with its 90% interval, the margin, the TOST and distribution
    p-values, the Holm decisions and the verdict. ``result.attrs``: margin,
    alpha, verdict ("equivalent" or "not equivalent"), failing (their names)."""
    names = list(dict.fromkeys([*exact, *candidate]))
    rows = [_check_one(name, np.asarray(exact[name], dtype=float), np.asarray(candidate[name], dtype=float),
                       settings) if name in exact and name in candidate else {"outcome": name}
            for name in names]
    table = pd.DataFrame(rows)
    compared = table["tost_p"].notna() if "tost_p" in table else pd.Series(False, index=table.index)
    # One Holm family: every compared outcome's KS test, and the undefined-share
    # test of each outcome where either path has undefined values.
    with_undefined = compared & (table.get("undefined_exact", 0) + table.get("undefined_candidate", 0) > 0)
    family = np.concatenate([table.loc[compared, "distribution_p"], table.loc[with_undefined, "undefined_p"]])
    rejected = holm(family, settings.alpha)
    count = int(compared.sum())
    table["distribution_differs"] = False
    table.loc[compared, "distribution_differs"] = rejected[:count]
    table.loc[with_undefined, "distribution_differs"] |= rejected[count:]
    table.attrs["distribution_tests"] = len(family)
    table["mean_within_margin"] = compared & (table.get("tost_p", 1.0) < settings.alpha)
    table["verdict"] = [
        MISSING if not is_compared else DISTRIBUTION_DIFFERS if differs else EQUIVALENT if within else MEAN_OUTSIDE
        for is_compared, differs, within in zip(compared, table["distribution_differs"], table["mean_within_margin"])]
    failing = table.loc[table["verdict"] != EQUIVALENT, "outcome"].tolist()
    table.attrs.update(margin=settings.margin, alpha=settings.alpha, failing=failing,
                       verdict="equivalent" if not failing else "not equivalent")
    return table


# -- power ---------------------------------------------------------------------------------------

def tost_power(margin: float, n_exact: int, n_candidate: int, alpha: float = DEFAULT_ALPHA) -> float:
    """The probability that TOST declares one outcome equivalent when the two
    paths are identical, margin in standard deviations (normal approximation)."""
    z = margin / math.sqrt(1.0 / n_exact + 1.0 / n_candidate) - _scipy_stats.norm.ppf(1.0 - alpha)
    return max(0.0, 2.0 * _scipy_stats.norm.cdf(z) - 1.0)


def joint_tost_power(margin: float, n_exact: int, n_candidate: int, outcomes: int,
                     alpha: float = DEFAULT_ALPHA) -> float:
    """A lower bound on the probability that every one of `outcomes` outcomes
    passes when the paths are identical (Bonferroni: the outcomes are correlated)."""
    return max(0.0, 1.0 - outcomes * (1.0 - tost_power(margin, n_exact, n_candidate, alpha)))


def runs_needed(margin: float, outcomes: int, power: float = 0.95, alpha: float = DEFAULT_ALPHA) -> int:
    """Runs per path (the same for both) for a joint TOST power of at least `power`."""
    per_outcome_failure = (1.0 - power) / outcomes
    z = _scipy_stats.norm.ppf(1.0 - per_outcome_failure / 2.0) + _scipy_stats.norm.ppf(1.0 - alpha)
    n = math.ceil(2.0 * (z / margin) ** 2)
    while joint_tost_power(margin, n, n, outcomes, alpha) < power:  # the closed form rounds; make sure
        n += 1
    return n


def detectable_shift(n_exact: int, n_candidate: int, tests: int, alpha: float = DEFAULT_ALPHA,
                     power: float = DETECTION_POWER) -> float:
    """The location shift (in standard deviations of normal values) that the
    Kolmogorov-Smirnov test detects with probability `power` at the strictest
    Holm level over `tests` tests (alpha / tests): a seeded simulation, the same
    samples for every shift tried so the detection rate rises with the shift."""
    rng = np.random.default_rng(SHIFT_SEED)
    base_a = rng.standard_normal((SHIFT_SIMULATIONS, n_exact))
    base_b = rng.standard_normal((SHIFT_SIMULATIONS, n_candidate))
    level = alpha / max(tests, 1)

    def detection_rate(shift: float) -> float:
        return float(np.mean([_scipy_stats.ks_2samp(a, b + shift).pvalue <= level for a, b in zip(base_a, base_b)]))

    low, high = 0.0, 1.0
    while detection_rate(high) < power:
        low, high = high, 2.0 * high
    for _ in range(12):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if detection_rate(middle) < power else (low, middle)
    return high


# -- results files -------------------------------------------------------------------------------

def _outcome_samples(results) -> dict[str, np.ndarray]:
    return {name: results.summary[name].to_numpy(dtype=float) for name in results.outcomes}


def compare_files(exact_path, candidate_path, settings: Settings = Settings()) -> pd.DataFrame:
    """compare_samples over two `ppisim run` files of one scenario with disjoint
    seeds; ValueError (with what to do) for a sweep, too few runs or shared seeds."""
    exact, candidate = load_results(exact_path), load_results(candidate_path)
    for results in (exact, candidate):
        if results.is_sweep:
            raise ValueError(f"{results.path}: a sweep; compare two `ppisim run` files of one scenario")
        if results.runs < 2:
            raise ValueError(f"{results.path}: {results.runs} run; at least 2 are needed "
                             f"(see --plan for how many give the power wanted)")
    shared = np.intersect1d(exact.seeds, candidate.seeds)
    if len(shared):
        raise ValueError(f"{candidate.path}: {len(shared)} of its runs' seeds are also in {exact.path}; "
                         "the tests need independent runs: make the candidate with another --seed")
    table = compare_samples(_outcome_samples(exact), _outcome_samples(candidate), settings)
    table.attrs.update(exact=str(exact.path), candidate=str(candidate.path),
                       scenarios=(exact.name, candidate.name), runs=(exact.runs, candidate.runs))
    return table


def power_statement(table: pd.DataFrame) -> str:
    n_exact, n_candidate = table.attrs["runs"]
    margin, alpha = table.attrs["margin"], table.attrs["alpha"]
    outcomes = len(table)
    tests = table.attrs["distribution_tests"]
    return (f"power at {n_exact} and {n_candidate} runs: each outcome is declared equivalent with probability "
            f"{tost_power(margin, n_exact, n_candidate, alpha):.4f} if the paths are identical "
            f"(all {outcomes}: at least {joint_tost_power(margin, n_exact, n_candidate, outcomes, alpha):.3f}); "
            f"the distribution tests detect a shift of "
            f"{detectable_shift(n_exact, n_candidate, tests, alpha):.2f} sd with probability {DETECTION_POWER:.0%}")


def format_report(table: pd.DataFrame, show_all: bool = False) -> str:
    exact_name, candidate_name = table.attrs["scenarios"]
    lines = [f"exact:     {table.attrs['exact']} ({exact_name}, {table.attrs['runs'][0]} runs)",
             f"candidate: {table.attrs['candidate']} ({candidate_name}, {table.attrs['runs'][1]} runs)",
             f"margin: +-{table.attrs['margin']:g} x the exact path's replicate sd; alpha {table.attrs['alpha']:g}; "
             "intervals: 90% of the difference in means, replicate noise only",
             power_statement(table), ""]
    shown = table if show_all else table[table["verdict"] != EQUIVALENT]
    if len(shown):
        lines.append(f"{'outcome':<40} {'exact':>12} {'candidate':>12} {'difference [90%]':>34} "
                     f"{'margin':>10} {'TOST p':>8} {'KS p':>8}  verdict")
    for row in shown.itertuples():
        if row.verdict == MISSING:
            lines.append(f"{row.outcome:<40} {'':>12} {'':>12} {'':>34} {'':>10} {'':>8} {'':>8}  {row.verdict}")
            continue
        interval = f"{row.difference:+.4g} [{row.diff_lo90:+.4g}, {row.diff_hi90:+.4g}]"
        lines.append(f"{row.outcome:<40} {row.mean_exact:>12.6g} {row.mean_candidate:>12.6g} {interval:>34} "
                     f"{row.margin:>10.4g} {row.tost_p:>8.2g} {row.distribution_p:>8.2g}  {row.verdict}")
    failing = table.attrs["failing"]
    lines.append(f"verdict: {table.attrs['verdict']} ({len(table) - len(failing)} of {len(table)} outcomes pass"
                 + (f"; failing: {', '.join(failing[:10])}{' ...' if len(failing) > 10 else ''})" if failing else ")"))
    return "\n".join(lines) + "\n"


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a number above 0, got {text}")
        return value
    return parse


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability strictly between 0 and 1, got {text}")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exact", type=Path, nargs="?", help="runs of the exact path (ppisim run ... -o EXACT.h5)")
    parser.add_argument("candidate", type=Path, nargs="?", help="runs of the candidate path, other seeds")
    parser.add_argument("--margin", type=_positive(float), default=DEFAULT_MARGIN,
                        help="equivalence margin in replicate sds of the exact path (default %(default)s)")
    parser.add_argument("--alpha", type=_probability, default=DEFAULT_ALPHA, help="default %(default)s")
    parser.add_argument("--all", action="store_true", help="print every outcome, not only those that fail")
    parser.add_argument("--csv", type=Path, help="also write the whole table as CSV")
    parser.add_argument("--plan", action="store_true", help="print the runs per path needed, and run nothing")
    parser.add_argument("--outcomes", type=_positive(int), help="with --plan: the number of summary outcomes")
    parser.add_argument("--power", type=_probability, default=0.95, help="with --plan: joint power (default 0.95)")
    args = parser.parse_args(argv)
    if args.plan:
        if args.outcomes is None:
            parser.error("--plan needs --outcomes N (ppisim summary FILE --format csv lists a file's outcomes)")
        print(f"{runs_needed(args.margin, args.outcomes, args.power, args.alpha)} runs per path for a joint power "
              f"of {args.power:g} over {args.outcomes} outcomes at margin +-{args.margin:g} sd, alpha {args.alpha:g}")
        return 0
    if args.exact is None or args.candidate is None:
        parser.error("give EXACT.h5 and CANDIDATE.h5 (or --plan)")
    try:
        table = compare_files(args.exact, args.candidate, Settings(args.margin, args.alpha))
    except (ValueError, OSError, KeyError) as error:
        print(f"equivalence: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(format_report(table, args.all))
    if args.csv:
        from .report import write_atomically  # the report's writer: never a half-written file (imported only when needed)
        write_atomically(args.csv, table.to_csv(index=False))
    return 0 if table.attrs["verdict"] == "equivalent" else 1


if __name__ == "__main__":
    sys.exit(main())
