"""Replicate statistics: means with Student t intervals, daily quantile bands,
scenario comparisons as risks of having stopped breastfeeding, and a sweep's
sensitivity indices one row per factor (`sensitivity_table`, `noise_share`).

`summarise` computes exactly what `ppisim summary` prints (sim/statistics.cpp):
non-finite values are left out, the interval is mean +- t(0.975, n-1) * s/sqrt(n),
and it is undefined (NaN) for fewer than two values.
"""

from __future__ import annotations

import functools
import math
from typing import Iterable, NamedTuple, Sequence

import numpy as np
import pandas as pd
from scipy import stats as _scipy_stats

from .load import Results

# The checkpoints `compare` uses unless told: the ages of the Infant Feeding
# Survey. The day and the words of each come from the file (Results.ages,
# Results.age_words); ANY_BF_AGES are their names' suffixes, as `compare` accepts them.
COMPARED_OUTCOMES = ("any_bf_1w", "any_bf_6w", "any_bf_3m", "any_bf_4m", "any_bf_6m")
ANY_BF_PREFIX = "any_bf_"
ANY_BF_AGES = tuple(name.removeprefix(ANY_BF_PREFIX) for name in COMPARED_OUTCOMES)


class Estimate(NamedTuple):
    """A replicate mean with its 95% Student t interval over n finite values
    (a tuple: ``mean, lo95, hi95, n = summarise(values)``)."""

    mean: float
    lo95: float
    hi95: float
    n: int


@functools.lru_cache(maxsize=1024)
def t975(df: float) -> float:
    """The 97.5% quantile of Student's t with df degrees of freedom, to ~1e-15.

    scipy 1.10's t.ppf (Debian 12) is off by up to ~4e-9 relative for some df
    (e.g. 7, 39-60), while the binary uses Boost's exact quantile; a few Newton
    steps on t.sf (accurate: regularised incomplete beta) close the gap.
    """
    df = float(df)
    x = float(_scipy_stats.t.ppf(0.975, df))
    for _ in range(3):
        density = float(_scipy_stats.t.pdf(x, df))
        if not density > 0.0:
            break
        step = (float(_scipy_stats.t.sf(x, df)) - 0.025) / density
        x += step
        if abs(step) <= 1e-16 * abs(x):
            break
    return x


def summarise(values: Iterable[float]) -> Estimate:
    """Mean and 95% Student t interval of the finite values, as `ppisim summary`.

    n = 0 gives NaN throughout; n = 1 gives the value with a NaN interval.
    """
    if not isinstance(values, (np.ndarray, pd.Series, list, tuple)):
        values = list(values)  # a generator or other iterable
    finite = [v for v in np.asarray(values, dtype=np.float64).ravel().tolist() if math.isfinite(v)]
    n = len(finite)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    total = 0.0
    for v in finite:  # summed in order, as the binary does, so the mean matches to the last bit
        total += v
    mean = total / n
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    squares = 0.0
    for v in finite:
        squares += (v - mean) * (v - mean)
    standard_error = math.sqrt(squares / (n - 1.0) / n)
    half_width = t975(n - 1.0) * standard_error
    return Estimate(mean, mean - half_width, mean + half_width, n)


def summary_table(results: Results, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """`summarise` of every (or the given) summary outcome: outcome, mean, lo95, hi95, n, units."""
    rows = []
    for name in outcomes if outcomes is not None else results.outcomes:
        estimate = summarise(results.summary[name].to_numpy())
        rows.append({"outcome": name, "mean": estimate.mean, "lo95": estimate.lo95, "hi95": estimate.hi95,
                     "n": estimate.n, "units": results.units_by_group["summary"].get(name, "")})
    return pd.DataFrame(rows, columns=["outcome", "mean", "lo95", "hi95", "n", "units"])


def _quantile_label(q: float) -> str:
    return f"q{100 * q:g}"


def quantile_bands(ts_df: pd.DataFrame, q: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Per day, the mean and the given quantiles of a long time series over runs.

    `ts_df` is what `Results.timeseries(name)` returns (columns day and value at
    least). Returns columns day, n (finite values that day), mean, and one
    column per quantile named q5, q50, q95 (``f"q{100*q:g}"``), computed with
    numpy's default linear interpolation, leaving NaN out.
    """
    q = [float(x) for x in q]
    if not q or any(not 0.0 <= x <= 1.0 for x in q):
        raise ValueError(f"quantiles must lie in [0, 1], got {q}")
    labels = [_quantile_label(x) for x in q]
    if len(set(labels)) != len(labels):
        raise ValueError(f"quantiles repeat: {q}")
    missing = {"day", "value"} - set(ts_df.columns)
    if missing:
        raise ValueError(f"the time-series frame needs columns day and value; missing {sorted(missing)}")
    rows = []
    for day, values in ts_df.groupby("day", sort=True)["value"]:
        v = values.to_numpy(dtype=np.float64)
        v = v[np.isfinite(v)]
        row = {"day": day, "n": len(v), "mean": v.mean() if len(v) else math.nan}
        quantiles = np.quantile(v, q) if len(v) else [math.nan] * len(q)
        row.update(zip(labels, (float(x) for x in quantiles)))
        rows.append(row)
    return pd.DataFrame(rows, columns=["day", "n", "mean", *labels])


def checkpoint_outcomes(results: Results, prefix: str = ANY_BF_PREFIX) -> list[str]:
    """The file's outcomes measured at an age (``age_days``) whose names start
    with prefix, youngest first: any_bf_1w, any_bf_10d, any_bf_6w, ..."""
    named = [o for o in results.outcomes if o.startswith(prefix) and o in results.ages]
    return sorted(named, key=lambda o: results.ages[o])


# The model's one definition of the risk a relative risk compares (docs/ODD.md,
# 4.11): having stopped any (or exclusive) breastfeeding by an age, among
# mothers who started, as trials report it; a relative risk is that risk in
# the option over the comparator, paired by seed. The model stores the risk per
# run at RISK_AGES (stopped_<measure>_by_<age>_among_starters); at another
# checkpoint, or in a file written before the model stored it, it is
# 1 - share at that age / initiation_rate: the same quantity, from the shares.
RISK_MEASURES = ("any", "exclusive")
RISK_AGES = ("10d", "6w", "3m", "6m")
SHARE_PREFIX = {"any": ANY_BF_PREFIX, "exclusive": "excl_bf_"}
RISK_DEFINITION = ("risk of having stopped breastfeeding (any, or exclusive) by the age among mothers who "
                   "started breastfeeding")


def risk_outcome(measure: str, age: str) -> str:
    """The model's name of the risk of having stopped `measure` ('any' or
    'exclusive') breastfeeding by `age` ('6w') among mothers who started."""
    return f"stopped_{measure}_by_{age}_among_starters"


RISK_OUTCOMES = tuple(risk_outcome(m, a) for m in RISK_MEASURES for a in RISK_AGES)


def stopped_risk(results: Results, measure: str, age: str) -> np.ndarray:
    """Per run, in the file's run order: the risk of having stopped `measure`
    breastfeeding by `age` among mothers who started (the model's definition),
    read from the model's own outcome where the file holds it, else computed
    from the shares as 1 - share / initiation_rate (NaN where none started)."""
    stored = risk_outcome(measure, age)
    if stored in results.summary:
        return results.summary[stored].to_numpy(dtype=np.float64)
    share = SHARE_PREFIX[measure] + age
    for name in (share, "initiation_rate"):
        if name not in results.summary:
            raise ValueError(f"{results.path}: no summary outcome {stored!r}, nor {name!r} to compute it from")
    started = results.summary["initiation_rate"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        risk = 1.0 - results.summary[share].to_numpy(dtype=np.float64) / started
    return np.where(started > 0, risk, math.nan)


def _parse_risk(item: str, measures: Sequence[str]) -> list[tuple[str, str]]:
    """'6w' -> each of measures at 6w; 'any_bf_6w', 'excl_bf_6w' or
    'stopped_any_by_6w_among_starters' -> that one measure."""
    if item.startswith("stopped_") and item.endswith("_among_starters"):
        measure, _, age = item.removeprefix("stopped_").removesuffix("_among_starters").partition("_by_")
        return [(measure, age)] if measure in RISK_MEASURES else []
    for measure, prefix in SHARE_PREFIX.items():
        if item.startswith(prefix):
            return [(measure, item.removeprefix(prefix))]
    return [(measure, item) for measure in measures]


def _compared_risks(a: Results, b: Results, outcome_age, measures: Sequence[str]) -> list[tuple[str, str]]:
    if outcome_age is None:
        return [(m, age) for m in measures for age in RISK_AGES]
    if isinstance(outcome_age, str):
        outcome_age = [outcome_age]
    known = [o.removeprefix(ANY_BF_PREFIX) for o in checkpoint_outcomes(a) if o in b.ages] \
        or list(ANY_BF_AGES)  # older files: no ages
    risks = []
    for item in outcome_age:
        parsed = _parse_risk(str(item), measures)
        if not parsed or any(age not in known for _, age in parsed):
            raise ValueError(f"outcome age {str(item)!r}: expected one of {', '.join(known)} (or a name such as "
                             f"any_bf_6w, excl_bf_6w or {risk_outcome('any', '6w')})")
        risks += parsed
    return risks


def pairing_of(a: Results, b: Results) -> str:
    """'paired' when both files hold exactly the same run seeds (common random
    numbers: run r of each shares births and draws), else 'unpaired'."""
    sa, sb = a.seeds, b.seeds
    if len(sa) and len(np.unique(sa)) == len(sa) and len(np.unique(sb)) == len(sb) \
            and set(sa.tolist()) == set(sb.tolist()):
        return "paired"
    return "unpaired"


def welch_se_df(ua: float, ub: float, n_a: int, n_b: int) -> tuple[float, float]:
    """The standard error of a difference of two independent means, from each
    mean's variance ua, ub (a sample variance / n), and its Welch-Satterthwaite
    degrees of freedom (NaN when the standard error is 0)."""
    se = math.sqrt(ua + ub)
    if se == 0.0:
        return se, math.nan
    return se, (ua + ub) ** 2 / (ua ** 2 / (n_a - 1) + ub ** 2 / (n_b - 1))


def _welch(mean_a, var_a, n_a, mean_b, var_b, n_b):
    """Difference b - a with Welch's t interval; variances are sample variances."""
    diff = mean_b - mean_a
    se, df = welch_se_df(var_a / n_a, var_b / n_b, n_a, n_b)
    if se == 0.0:
        return diff, diff, diff
    half = t975(df) * se
    return diff, diff - half, diff + half


def _log_rr_unpaired(mean_a, var_a, n_a, mean_b, var_b, n_b):
    """Ratio of mean risks b / a; interval by the delta method on log RR,
    var(log mean) ~ var / (n mean^2), with Welch-Satterthwaite degrees of freedom."""
    if not (mean_a > 0 and mean_b > 0):
        return math.nan, math.nan, math.nan
    log_rr = math.log(mean_b) - math.log(mean_a)
    se, df = welch_se_df(var_a / (n_a * mean_a ** 2), var_b / (n_b * mean_b ** 2), n_a, n_b)
    if se == 0.0:
        rr = math.exp(log_rr)
        return rr, rr, rr
    half = t975(df) * se
    return math.exp(log_rr), math.exp(log_rr - half), math.exp(log_rr + half)


def compare(a: Results, b: Results, outcome_age=None, pairing: str = "auto",
            measures: Sequence[str] = RISK_MEASURES) -> pd.DataFrame:
    """Risk of having STOPPED breastfeeding among mothers who started (the
    model's one definition, `stopped_risk`) in b (the option) against a (the
    comparator).

    outcome_age: "6w" (each of `measures` at 6 weeks), "any_bf_6w",
    "excl_bf_6w" or "stopped_any_by_6w_among_starters" (that measure), a
    list of them (any checkpoint both files hold, see `checkpoint_outcomes`),
    or None for every measure at RISK_AGES (10d, 6w, 3m, 6m, where the model
    stores the risk). measures: "any", "exclusive" or both (the default).
    pairing: "auto" (paired when both files hold the same
    run seeds, see `pairing_of`), "paired" (pairs runs on the seeds they share;
    at least two needed) or "unpaired".

    Paired: the difference is the mean of per-seed differences risk_b - risk_a
    and the relative risk is exp(mean of per-seed log(risk_b / risk_a)), each
    with a Student t interval over the pairs. Unpaired: the difference of mean
    risks with Welch's interval, and the ratio of mean risks with a delta-method
    interval on log RR (Welch-Satterthwaite degrees of freedom). Runs whose
    outcome is undefined (NaN) are left out (in pairs: both runs).

    One row per measure and age (any first): outcome (the model's name of the
    risk), measure, age (in words, from the file), age_days, method, risk_a (+ lo95/hi95, n_a),
    risk_b (+ lo95/hi95, n_b), n_pairs, difference (+ lo95/hi95),
    rr (+ lo95/hi95). ``result.attrs`` holds method, names of a and b and notes.
    """
    if pairing not in ("auto", "paired", "unpaired"):
        raise ValueError(f"pairing must be 'auto', 'paired' or 'unpaired', not {pairing!r}")
    if isinstance(measures, str):
        measures = (measures,)
    if not measures or any(m not in RISK_MEASURES for m in measures):
        raise ValueError(f"measures must be among {', '.join(RISK_MEASURES)}, not {list(measures)!r}")
    method = pairing_of(a, b) if pairing == "auto" else pairing
    notes = []
    sa, sb = a.seeds, b.seeds
    shared = set(sa.tolist()) & set(sb.tolist())
    if method == "unpaired" and shared and pairing == "auto":
        notes.append(f"{len(shared)} run seeds appear in both files but the seed sets differ, so the runs "
                     "are compared unpaired; pass pairing='paired' to pair the shared seeds")
    if method == "paired":
        if len(np.unique(sa)) != len(sa) or len(np.unique(sb)) != len(sb):
            raise ValueError("cannot pair runs by seed: a file repeats a run seed")
        if pairing == "paired" and len(shared) < 2:
            raise ValueError(f"cannot pair runs by seed: the files share {len(shared)} run seeds (need 2)")
    for key in ("horizon", "measurement.from"):
        if key in a.summary and key in b.summary:
            va, vb = set(a.summary[key].tolist()), set(b.summary[key].tolist())
            if va != vb:
                notes.append(f"{key} differs ({sorted(va)} vs {sorted(vb)} {a.units.get(key, '')}): "
                             "the outcomes are measured on different cohorts of mothers")

    rows = []
    for measure, age in _compared_risks(a, b, outcome_age, measures):
        outcome = risk_outcome(measure, age)
        share = SHARE_PREFIX[measure] + age
        risk_a, risk_b = stopped_risk(a, measure, age), stopped_risk(b, measure, age)
        ea, eb = summarise(risk_a), summarise(risk_b)
        row = {"outcome": outcome, "measure": measure,
               "age": a.age_words.get(outcome, a.age_words.get(share, age)),
               "age_days": a.ages.get(outcome, a.ages.get(share, math.nan)), "method": method,
               "risk_a": ea.mean, "risk_a_lo95": ea.lo95, "risk_a_hi95": ea.hi95, "n_a": ea.n,
               "risk_b": eb.mean, "risk_b_lo95": eb.lo95, "risk_b_hi95": eb.hi95, "n_b": eb.n}
        if method == "paired":
            by_seed_a = dict(zip(sa.tolist(), risk_a))
            by_seed_b = dict(zip(sb.tolist(), risk_b))
            order = [s for s in sa.tolist() if s in shared]  # a's run order
            pa = np.array([by_seed_a[s] for s in order])
            pb = np.array([by_seed_b[s] for s in order])
            ok = np.isfinite(pa) & np.isfinite(pb)
            pa, pb = pa[ok], pb[ok]
            d = summarise(pb - pa)
            if np.all((pa > 0) & (pb > 0)):
                lr = summarise(np.log(pb / pa))
            else:
                lr = Estimate(math.nan, math.nan, math.nan, 0)
                notes.append(f"{outcome}: no relative risk, because in some runs no mother had stopped "
                             "(a risk of 0 has no log ratio)")
            row.update({"n_pairs": d.n, "difference": d.mean, "difference_lo95": d.lo95,
                        "difference_hi95": d.hi95, "rr": math.exp(lr.mean), "rr_lo95": math.exp(lr.lo95),
                        "rr_hi95": math.exp(lr.hi95)})
        else:
            fa, fb = risk_a[np.isfinite(risk_a)], risk_b[np.isfinite(risk_b)]
            if len(fa) >= 2 and len(fb) >= 2:
                args = (ea.mean, fa.var(ddof=1), ea.n, eb.mean, fb.var(ddof=1), eb.n)
                diff = _welch(*args)
                rr = _log_rr_unpaired(*args)
            else:
                diff = (eb.mean - ea.mean, math.nan, math.nan)
                rr = (eb.mean / ea.mean if ea.mean > 0 else math.nan, math.nan, math.nan)
            row.update({"n_pairs": 0, "difference": diff[0], "difference_lo95": diff[1],
                        "difference_hi95": diff[2], "rr": rr[0], "rr_lo95": rr[1], "rr_hi95": rr[2]})
        rows.append(row)
    result = pd.DataFrame(rows)
    result.attrs.update({"method": method, "a": a.name, "b": b.name, "a_path": str(a.path),
                         "b_path": str(b.path), "notes": notes,
                         "definition": RISK_DEFINITION})
    return result


# -- sweeps: the sensitivity table --------------------------------------------------

SOBOL_INDICES = ("S1", "ST")
MORRIS_INDICES = ("mu", "mu_star", "sigma")
NOISE_INDEX = "noise_share"


def analysed_outcomes(results: Results) -> list[str]:
    """The outcomes of a sweep's sensitivity table, in the order the file stores them."""
    return list(dict.fromkeys(results.sensitivity["outcome"].tolist()))


def sensitivity_method(results: Results) -> str | None:
    """'sobol' (S1 and ST, from a Saltelli design), 'morris' (mu, mu_star,
    sigma) or None (no indices: a run file, or a grid or Latin hypercube sweep)."""
    indices = set(results.sensitivity["index"].tolist())
    if indices & set(SOBOL_INDICES):
        return "sobol"
    if indices & set(MORRIS_INDICES):
        return "morris"
    return None


def _outcome_rows(results: Results, outcome: str) -> pd.DataFrame:
    rows = results.sensitivity[results.sensitivity["outcome"] == outcome]
    if rows.empty:
        analysed = analysed_outcomes(results)
        raise ValueError(f"{results.path}: no sensitivity indices for {outcome!r}; "
                         + (f"the sweep analysed {', '.join(analysed)}" if analysed else
                            "the file holds no sensitivity table (not a sweep?)"))
    return rows


def noise_share(results: Results, outcome: str) -> float:
    """The share of one run's variance of `outcome` that is replicate noise
    (runs at the same design point differ only in their random numbers); NaN
    when it cannot be measured (one replicate per point, or no variation)."""
    rows = _outcome_rows(results, outcome)
    rows = rows[rows["index"] == NOISE_INDEX]
    return float(rows["estimate"].iloc[0]) if len(rows) else math.nan


def sensitivity_table(results: Results, outcome: str) -> pd.DataFrame:
    """One outcome's indices, one row per factor (in design order): factor,
    then per index (S1, ST for Sobol; mu, mu_star, sigma for Morris) the
    estimate and its bootstrap 95% interval as ``<index>``, ``<index>_lo95``,
    ``<index>_hi95`` (NaN where none). ``result.attrs``: outcome, method,
    noise_share, replicates."""
    rows = _outcome_rows(results, outcome)
    rows = rows[rows["index"] != NOISE_INDEX]
    indices = [i for i in (*SOBOL_INDICES, *MORRIS_INDICES) if i in set(rows["index"])]
    indices += [i for i in dict.fromkeys(rows["index"]) if i not in indices]  # any the reader does not know
    factors = [f for f in results.factors if f in set(rows["factor"])]
    factors += [f for f in dict.fromkeys(rows["factor"]) if f not in factors]
    table = pd.DataFrame({"factor": factors})
    for index in indices:
        by_factor = rows[rows["index"] == index].set_index("factor")
        for column, suffix in (("estimate", ""), ("lo95", "_lo95"), ("hi95", "_hi95")):
            table[index + suffix] = [float(by_factor[column].get(f, math.nan)) for f in factors]
    table.attrs.update({"outcome": outcome, "method": sensitivity_method(results),
                        "noise_share": noise_share(results, outcome),
                        "replicates": int(results.attrs.get("replicates", 1))})
    return table
