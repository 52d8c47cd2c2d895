"""The decision an analyst faces: per year in the area, how many more mothers
breastfeeding, at what cost, against a named comparator (paired by seed).

- `per_year(r)`: one row per run of the counts a year in the area: births,
  mothers breastfeeding (any, exclusive) at 6-8 weeks (the model's 6 weeks)
  and at 6 months, mothers reached by a volunteer, mothers waiting,
  volunteers trained and active, peer contacts, referrals, professional
  contacts and joint meetings.
- `run_costs(r, costs)`: one row per run of the cost a year of each item
  (the `costs:` block's unit costs times the run's counts).
- `decide(option, comparator)`: each headcount and cost as the option minus
  the comparator, run by run on shared seeds, with what each interval covers;
  cost per mother reached, incremental cost per extra mother breastfeeding at
  6-8 weeks, net monetary benefit at the block's stated value, and, when the
  option's runs come from a calibration's posterior, a cost-effectiveness
  acceptability curve over the draws.

Counts a year are shares of the mothers measured times births a year
(`population.births` x 365.25): the expected number among a year's births.
Event counts a year (peer contacts, referrals, professional contacts) are the
daily series summed over the measured days (from `measurement.from`) divided
by the measured years. Volunteers trained a year are every volunteer the run
ever had (active on the last day plus all who dropped out, the first ones
included) over the horizon in years. Joint meetings are counted from the
scenario's `development_process` interventions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .load import Results
from .stats import summarise

DAYS_PER_YEAR = 365.25
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20130  # fixed: the same file gives the same interval every time

# Published costs per extra mother breastfeeding, to read a result beside; their
# currencies and price years are the studies' own (not adjusted).
PUBLISHED_COMPARATORS = (
    {"study": "NOSH financial incentives", "value": 974.0, "currency": "GBP",
     "what": "per additional baby breastfed at 6-8 weeks",
     "reference": "Anokye et al., Arch Dis Child 2020;105:155-9"},
    {"study": "FEST proactive telephone support", "value": 87.0, "currency": "GBP",
     "what": "per additional woman breastfeeding at 6-8 weeks",
     "reference": "Hoddinott et al., BMJ Open 2012;2:e000652"},
    {"study": "NICE postnatal care model", "value": 84.0, "currency": "GBP",
     "what": "per woman for breastfeeding support (and GBP 51,946 per QALY)",
     "reference": "Mavranezouli et al., BMC Public Health 2022"},
)

HEADCOUNTS = {  # per_year column: words
    "mothers_any_bf_6w": "mothers breastfeeding at 6-8 weeks",
    "mothers_excl_bf_6w": "mothers breastfeeding exclusively at 6-8 weeks",
    "mothers_any_bf_6m": "mothers breastfeeding at 6 months",
    "mothers_excl_bf_6m": "mothers breastfeeding exclusively at 6 months",
    "mothers_reached": "mothers reached by a volunteer",
    "mothers_waiting": "mothers waiting for a volunteer (mean at any time)",
    "volunteers_trained": "volunteers trained",
    "volunteers_active": "volunteers active (mean over the measured days)",
}
SHARES = {"mothers_any_bf_6w": "any_bf_6w", "mothers_excl_bf_6w": "excl_bf_6w", "mothers_any_bf_6m": "any_bf_6m",
          "mothers_excl_bf_6m": "excl_bf_6m", "mothers_reached": "reached_by_volunteer"}
EVENT_SERIES = {"peer_contacts": "peer_contacts", "referrals": "referrals",
                "professional_contacts": "professional_contacts"}
# costs: item -> the per_year column it multiplies (coordinator: a year of a running scheme)
COST_DRIVERS = {"coordinator_per_year": "scheme_years", "training_per_trainee": "volunteers_trained",
                "expenses_per_peer_contact": "peer_contacts", "professional_per_referral": "referrals",
                "professional_per_contact": "professional_contacts", "per_joint_meeting": "joint_meetings"}
PROGRAMME_ITEMS = ("coordinator_per_year", "training_per_trainee", "expenses_per_peer_contact",
                   "professional_per_referral", "per_joint_meeting")


def _days(text) -> float:
    """'182.625 days' (as the resolved scenario writes durations) -> 182.625."""
    return float(str(text).split()[0])


def joint_meetings(scenario: dict, days: int) -> int:
    """Joint meetings the scenario's development_process interventions hold on days 0..days-1
    (on day round(start + k every), as models/interventions.cpp schedules them)."""
    count = 0
    for item in scenario.get("interventions") or []:
        fields = item.get("development_process") if isinstance(item, dict) else None
        if not fields:
            continue
        start, every = _days(fields["start"]), _days(fields.get("every", "28 days"))
        end = _days(fields["end"]) if "end" in fields else math.inf
        k = 0
        while (day := round(start + k * every)) < min(days, end):
            count += 1
            k += 1
    return count


def per_year(r: Results) -> pd.DataFrame:
    """One row per run (run, seed, draw when from a posterior): counts a year in the area."""
    s = r.summary
    births = s["population.births"].to_numpy(dtype=float) * DAYS_PER_YEAR
    out = pd.DataFrame({"run": s["run"].to_numpy(), "seed": s["seed"].to_numpy()})
    draws = _draws(r)
    if draws is not None:
        out["draw"] = draws
    out["births"] = births
    for column, share in SHARES.items():
        out[column] = s[share].to_numpy(dtype=float) * births
    out["mothers_waiting"] = s["mean_mothers_waiting"].to_numpy(dtype=float)
    days = np.asarray(r.days, dtype=float)
    horizon_years = len(days) / DAYS_PER_YEAR
    measured = days >= s["measurement.from"].to_numpy(dtype=float)[:, None]
    measured_years = measured.sum(axis=1) / DAYS_PER_YEAR
    for column, series in EVENT_SERIES.items():
        values = np.nan_to_num(r.timeseries_array(series))
        out[column] = (values * measured).sum(axis=1) / measured_years
    active = r.timeseries_array("volunteers_active")
    out["volunteers_active"] = np.where(measured, active, 0).sum(axis=1) / measured.sum(axis=1)
    ever = active[:, -1] + np.nan_to_num(r.timeseries_array("dropouts")).sum(axis=1)
    out["volunteers_trained"] = ever / horizon_years
    scheme_runs = bool((r.scenario.get("scheme") or {}).get("peer_support", False))
    out["scheme_years"] = 1.0 if scheme_runs else 0.0
    out["joint_meetings"] = joint_meetings(r.scenario, len(days)) / horizon_years
    return out


def _draws(r: Results):
    from .posterior import run_draws  # a run file made with --posterior, or None
    return run_draws(r.path)


def unit_costs(r: Results) -> dict | None:
    """The option's `costs:` block as the resolved scenario keeps it, or None."""
    costs = r.scenario.get("costs")
    return costs if isinstance(costs, dict) else None


def run_costs(counts: pd.DataFrame, costs: dict) -> pd.DataFrame:
    """Cost a year of each item, per run: unit cost x the run's count a year; `programme` is the
    scheme's own items, `total` adds professional contacts (the comparator has them too)."""
    out = pd.DataFrame({"run": counts["run"], "seed": counts["seed"]})
    for item, driver in COST_DRIVERS.items():
        out[item] = float(costs[item]["value"]) * counts[driver].to_numpy(dtype=float)
    out["programme"] = out[list(PROGRAMME_ITEMS)].sum(axis=1)
    out["total"] = out["programme"] + out["professional_per_contact"]
    return out


@dataclass
class Interval:
    mean: float
    lo95: float
    hi95: float
    covers: str  # what the interval covers, in words

    def as_dict(self) -> dict:
        return {"mean": self.mean, "lo95": self.lo95, "hi95": self.hi95, "covers": self.covers}


REPLICATE_NOISE = "replicate noise only (Student t over seed-paired runs); not what is unknown about the parameters"
PARAMETER_UNCERTAINTY = "parameter uncertainty: 95% of the posterior draws' means of the paired differences"


@dataclass
class Decision:
    option: str
    comparator: str
    pairs: int
    posterior: bool
    differences: pd.DataFrame  # per pair: each headcount and cost, option - comparator
    headcounts: dict = field(default_factory=dict)  # column -> Interval of the difference a year
    levels: dict = field(default_factory=dict)      # column -> (option mean, comparator mean)
    costs: dict | None = None                       # None without a costs: block
    notes: list = field(default_factory=list)


def _interval(values: np.ndarray, draws: np.ndarray | None) -> Interval:
    if draws is None:
        e = summarise(values)
        return Interval(e.mean, e.lo95, e.hi95, REPLICATE_NOISE)
    means = pd.Series(values).groupby(draws).mean().to_numpy()
    return Interval(float(np.mean(values)), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975)),
                    PARAMETER_UNCERTAINTY)


def _paired(option: pd.DataFrame, comparator: pd.DataFrame) -> pd.DataFrame:
    """The comparator's run of the same seed beside each option run (comparator seeds are unique)."""
    if comparator["seed"].duplicated().any():
        raise ValueError("the comparator repeats a run seed: it must be a plain run file (not over posterior draws)")
    merged = option.merge(comparator, on="seed", suffixes=("", "_comparator"))
    if len(merged) < 2:
        raise ValueError(f"the option and the comparator share {len(merged)} run seeds (need 2): run both with the "
                         "same --seed and --replicates so that run r of each shares its births and random numbers")
    return merged


def ratio_interval(numerators: np.ndarray, denominators: np.ndarray) -> tuple[float, float, float]:
    """Ratio of means with a percentile bootstrap interval over the pairs (fixed seed); the interval is
    undefined (NaN) when the denominator's resampled mean changes sign (the ratio is unbounded)."""
    ratio = float(np.mean(numerators) / np.mean(denominators)) if np.mean(denominators) != 0 else math.nan
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, len(numerators), size=(BOOTSTRAP_RESAMPLES, len(numerators)))
    den = denominators[picks].mean(axis=1)
    if np.any(den <= 0) and np.any(den >= 0):
        return ratio, math.nan, math.nan
    samples = numerators[picks].mean(axis=1) / den
    return ratio, float(np.quantile(samples, 0.025)), float(np.quantile(samples, 0.975))


def draw_ratio_interval(numerators: np.ndarray, denominators: np.ndarray, draws: np.ndarray) -> tuple[float, float, float]:
    """Ratio of means over all runs, with the 95% range of the posterior draws' own ratios of means; the
    range is undefined (NaN) when some draw's mean denominator is not above 0 (the ratio is unbounded)."""
    frame = pd.DataFrame({"draw": draws, "n": numerators, "d": denominators}).groupby("draw").mean()
    ratio = float(np.mean(numerators) / np.mean(denominators)) if np.mean(denominators) != 0 else math.nan
    if not (frame["d"] > 0).all():
        return ratio, math.nan, math.nan
    by_draw = (frame["n"] / frame["d"]).to_numpy()
    return ratio, float(np.quantile(by_draw, 0.025)), float(np.quantile(by_draw, 0.975))


def ceac(extra_mothers: np.ndarray, extra_cost: np.ndarray, draws: np.ndarray, thresholds) -> pd.DataFrame:
    """Cost-effectiveness acceptability curve over posterior draws: per threshold (cost a year per extra
    mother breastfeeding at 6-8 weeks), the share of draws whose net monetary benefit at it is positive
    (threshold x extra mothers - extra cost > 0, which handles negative effects too)."""
    by_draw = pd.DataFrame({"draw": draws, "m": extra_mothers, "c": extra_cost}).groupby("draw").mean()
    return pd.DataFrame({"threshold": list(thresholds),
                         "probability": [float(np.mean(t * by_draw["m"] - by_draw["c"] > 0)) for t in thresholds]})


def decide(option: Results, comparator: Results) -> Decision:
    counts_o, counts_c = per_year(option), per_year(comparator)
    pairs = _paired(counts_o, counts_c)
    draws = pairs["draw"].to_numpy() if "draw" in pairs else None
    diff = pd.DataFrame({"seed": pairs["seed"]})
    if draws is not None:
        diff["draw"] = draws
    decision = Decision(option.name, comparator.name, len(pairs), draws is not None, diff)
    for column in HEADCOUNTS:
        d = pairs[column].to_numpy(dtype=float) - pairs[f"{column}_comparator"].to_numpy(dtype=float)
        diff[column] = d
        decision.headcounts[column] = _interval(d, draws)
        decision.levels[column] = (float(pairs[column].mean()), float(pairs[f"{column}_comparator"].mean()))
    births = set(np.round(pairs["births"], 9)) | set(np.round(pairs["births_comparator"], 9))
    if len(births) > 1:
        decision.notes.append("the option and the comparator have different births a year: the headcounts compare "
                              "different areas")
    costs = unit_costs(option)
    if costs is None:
        decision.notes.append(f"{option.name} has no costs: block, so no costs are shown (add one to the scenario)")
        return decision
    cost_o = run_costs(pairs[[c for c in counts_o.columns]], costs)
    renamed = pairs[[f"{c}_comparator" if c != "seed" else c for c in counts_c.columns]]
    renamed.columns = list(counts_c.columns)
    cost_c = run_costs(renamed, costs)  # the comparator's resources at the option's unit costs
    programme = cost_o["programme"].to_numpy()
    extra_cost = cost_o["total"].to_numpy() - cost_c["total"].to_numpy()
    extra_mothers = diff["mothers_any_bf_6w"].to_numpy()
    reached = pairs["mothers_reached"].to_numpy(dtype=float)
    diff["programme_cost"] = programme
    diff["incremental_cost"] = extra_cost
    result = {"currency": costs["currency"], "price_year": costs["price_year"],
              "items": {item: {"value": float(costs[item]["value"]), "per": costs[item].get("per", ""),
                               "source": costs[item].get("source", ""),
                               "per_year": _interval(cost_o[item].to_numpy(), draws)} for item in COST_DRIVERS},
              "programme": _interval(programme, draws), "incremental": _interval(extra_cost, draws)}
    if draws is None:
        per_reached, per_extra = ratio_interval(programme, reached), ratio_interval(extra_cost, extra_mothers)
        covers = "replicate noise (bootstrap over seed-paired runs)"
    else:
        per_reached, per_extra = draw_ratio_interval(programme, reached, draws), \
            draw_ratio_interval(extra_cost, extra_mothers, draws)
        covers = "parameter uncertainty (95% of the posterior draws' ratios of mean cost to mean count)"
    result["per_mother_reached"] = Interval(*per_reached, covers)
    result["per_extra_mother_6w"] = Interval(*per_extra, covers + "; undefined when the extra mothers can be 0")
    worth = costs.get("value_per_extra_mother_6w")
    if worth:
        value = float(worth["value"])
        nmb = value * extra_mothers - extra_cost
        diff["net_monetary_benefit"] = nmb
        result["net_monetary_benefit"] = {"value": value, "source": worth.get("source", ""),
                                          "interval": _interval(nmb, draws)}
    if draws is not None:
        top = max(2000.0, 2 * abs(per_extra[0]) if math.isfinite(per_extra[0]) else 2000.0)
        result["ceac"] = ceac(extra_mothers, extra_cost, draws, np.linspace(0, top, 41))
    decision.costs = result
    return decision
