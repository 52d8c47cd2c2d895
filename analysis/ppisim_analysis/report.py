"""One self-contained HTML report of one or more ppisim results files.

    /usr/bin/python3 -m ppisim_analysis.report breastfriends.h5 no_peer_support.h5 -o report.html

(run from analysis/, or with PYTHONPATH=analysis from the repository root).
The first file is the reference: every other file is compared with it as
relative risks of having stopped breastfeeding. A sweep (`ppisim sweep`) gets
a Sensitivity section: the design in words, the Sobol or Morris indices of
each analysed outcome with their intervals, how much of the outcome is
replicate noise, and a chart. A calibration's posterior file (`ppisim
calibrate`), given alone, gets its own report: each parameter's posterior,
their correlations, the posterior-predictive checks and the generations; a run
over posterior draws (`ppisim run --posterior`) gets a table of intervals that
say what they cover. A note says which parameters come from data
and which are assumptions, as the results files record them (/registry: the
same as `ppisim params` lists; the note is left out for files written before
ppisim stored it). The report is a single HTML
file with inline CSS and the figures embedded as base64 PNG; it refers to
nothing outside itself. This module gathers what the page says (plain data,
no markup); the page itself is the Jinja templates in templates/ (Debian's
python3-jinja2), rendered with HTML escaping on. It is written under a
hidden temporary name beside the target and renamed into place when complete.

Exit codes, as ppisim's: 0 success, 1 runtime failure (cannot write),
2 bad input or usage (a one-line message on stderr), 130 interrupted.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import math
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

import jinja2
import numpy as np
import yaml

from . import decision as decision_module
from . import discovery as discovery_module
from . import plots, posterior
from .load import Results, load_results
from .stats import (analysed_outcomes, compare, noise_share,
                    sensitivity_method, sensitivity_table, summarise)

PROGRAM = "ppisim_analysis.report"

KEY_OUTCOMES = (
    "initiation_rate",
    "any_bf_1w", "any_bf_6w", "any_bf_3m", "any_bf_4m", "any_bf_6m",
    "excl_bf_1w", "excl_bf_6w", "excl_bf_3m", "excl_bf_4m", "excl_bf_6m",
    "stopped_any_by_6w_among_starters", "stopped_exclusive_by_6w_among_starters",  # the risks trials report
    "reached_by_volunteer",
    "peer_contacts_per_mother",
    "referrals_per_mother",
    "mothers_measured",
)

KEY_PARAMETERS = (
    "horizon",
    "measurement.from",
    "population.births",
    "population.localities",
    "professionals.midwives",
    "professionals.health_visitors",
    "professionals.initial.gatekeeping",
    "professionals.referral_probability",
    "professionals.confidence_gain",
    "scheme.peer_support",
    "scheme.referral_policy",
    "scheme.contact_schedule.mode",
    "scheme.contact_schedule.contacts",
    "scheme.contact_schedule.first_within",
    "scheme.contact_schedule.interval",
    "volunteers.initial",
    "volunteers.capacity",
    "volunteers.training.every",
    "volunteers.training.size",
    "volunteers.training.first",
    "peer_support.confidence_gain",
    "mothers.confidence.effect",
    "mothers.confidence.decay",
)

PLOTTED_SERIES = ("any_bf_share", "exclusive_bf_share", "volunteers_active", "peer_contacts")

DAYS_PER_YEAR = 365.25

TEMPLATES = Path(__file__).resolve().parent / "templates"


# -- formatting -----------------------------------------------------------------

def _g(value: float, digits: int = 4) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def _pct(value: float, decimals: int = 1) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.{decimals}f}%"


def design_spread(r: Results, name: str) -> tuple[float, float, float, int]:
    """A sweep's outcome over its design: the mean of the design points' replicate means, and the range
    where the middle 95% of those point means fall (2.5th to 97.5th centile), with the number of points.
    This describes how the outcome varies over the design; a Student t interval of the pooled mean would
    only say how precisely the design's average is known."""
    means = r.summary.groupby("point")[name].mean().dropna().to_numpy(dtype=float)
    if len(means) == 0:
        return math.nan, math.nan, math.nan, 0
    return float(means.mean()), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975)), len(means)


def _design_spread_text(r: Results, name: str, share: bool) -> str:
    fmt = _pct if share else _g
    mean, lo, hi, points = design_spread(r, name)
    if points == 0:
        return "undefined"
    return f"{fmt(mean)}; 95% of {points} design points in [{fmt(lo)}, {fmt(hi)}]"


def _estimate_text(values, share: bool) -> str:
    e = summarise(values)
    fmt = _pct if share else _g
    if e.n == 0:
        return "undefined"
    interval = f" [{fmt(e.lo95)}, {fmt(e.hi95)}]" if math.isfinite(e.lo95) else " (one run: no interval)"
    return f"{fmt(e.mean)}{interval}"


def _duration(days: float) -> str:
    """Days in the words people use: 3 years, 6 months, 2 weeks, 10 days."""
    if not math.isfinite(days):
        return "–"
    for unit, length in (("year", DAYS_PER_YEAR), ("month", DAYS_PER_YEAR / 12), ("week", 7.0)):
        count = days / length
        if count >= 1 and abs(count - round(count)) < 1e-9:
            n = int(round(count))
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{_g(days, 8)} day{'s' if days != 1 else ''}"


def _every(days: float) -> str:
    """'week' rather than '1 week' after 'every'."""
    words = _duration(days)
    return words[2:] if words.startswith("1 ") else words


def _format_parameter(value: float, units: str) -> str:
    units = units.strip()
    if not math.isfinite(value):
        return "–"
    if units == "days":
        words = _duration(value)
        return words if words.endswith(" days") or words.endswith(" day") else f"{words} ({_g(value, 8)} days)"
    if units == "per day":
        return f"{_g(value * DAYS_PER_YEAR)} per year" if value >= 1 else f"{_g(value)} per day"
    if units == "1 = true":
        return "yes" if value else "no"
    if units == "share":
        return f"{_g(100 * value)}%"
    if units in ("ratio", "1", ""):
        return _g(value)
    return f"{_g(value)} {units}"


def _flatten(mapping, prefix: str = "") -> dict:
    flat = {}
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict) and value:
                flat.update(_flatten(value, path))
            else:
                flat[path] = value
    return flat


def _yaml_value(value) -> str:
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, default_flow_style=True, sort_keys=False).strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Parameters:
    """A results file's parameters: numeric ones from /parameters, the rest from the YAML."""

    def __init__(self, results: Results):
        self.results = results
        self.yaml = _flatten(results.scenario)
        # choices a sweep varies: by a word factor, or by the overlays of a named factor
        self.varied_choices: dict[str, str] = {}
        if results.is_sweep:
            given = results.experiment.get("factors", {})
            for factor, levels in results.factor_levels.items():
                if factor in self.yaml:
                    self.varied_choices[factor] = "varies: " + ", ".join(levels).replace("_", " ")
                spec = given.get(factor) if isinstance(given, dict) else None
                if isinstance(spec, dict):
                    for overlay in spec.values():
                        for key in _flatten(overlay) if isinstance(overlay, dict) else {}:
                            if key not in results.parameters:
                                self.varied_choices.setdefault(key, f"varies with the factor {factor}")

    def has(self, key: str) -> bool:
        return key in self.results.parameters or key in self.results.choices or key in self.yaml

    def varies(self, key: str) -> bool:
        if key in self.results.choices:
            return self.results.choices[key].nunique() > 1
        if key in self.varied_choices:
            return True
        return key in self.results.parameters and self.results.summary[key].dropna().nunique() > 1

    def number(self, key: str) -> float | None:
        if key not in self.results.parameters:
            return None
        values = self.results.summary[key].dropna().unique()
        return float(values[0]) if len(values) == 1 else None

    def text(self, key: str) -> str:
        if key in self.results.parameters:
            column = self.results.summary[key].dropna()
            units = self.results.units_by_group["parameters"].get(key, "")
            if column.nunique() <= 1:
                return _format_parameter(float(column.iloc[0]), units) if len(column) else "–"
            return (f"varies: {_format_parameter(float(column.min()), units)} to "
                    f"{_format_parameter(float(column.max()), units)}")
        if key in self.results.choices:
            used = [str(word) for word in self.results.choices[key].unique()]
            return ("varies: " if len(used) > 1 else "") + ", ".join(used).replace("_", " ")
        if key in self.varied_choices:
            return self.varied_choices[key]
        if key in self.yaml:
            return _yaml_value(self.yaml[key]).replace("_", " ")
        return "–"

    def description(self, key: str) -> str:
        spec = self.results.parameter(key)
        return spec["description"] if spec else self.results.descriptions_by_group["parameters"].get(key, "")

    def units(self, key: str) -> str:
        return self.results.units_by_group["parameters"].get(key, "")


# -- sections -------------------------------------------------------------------

def _plain_words(results: Results) -> str:
    p = _Parameters(results)
    s = []
    horizon = p.number("horizon")
    replicates = results.attrs.get("replicates", results.runs)
    if horizon is not None and results.is_sweep:
        s.append(f"The scheme is simulated for {_duration(horizon)} from its start; each design point is run "
                 f"{replicates} time{'s' if replicates != 1 else ''}.")
    elif horizon is not None:
        s.append(f"The scheme is simulated for {_duration(horizon)} from its start, in {replicates} "
                 f"replicate run{'s' if replicates != 1 else ''} (base seed {results.attrs.get('seed', '–')}).")
    start = p.number("measurement.from")
    oldest = max(results.ages, key=results.ages.get, default=None)  # the last checkpoint, from the file
    if start is not None and oldest is not None:
        s.append(f"Outcomes are measured on mothers born from day {_g(start)} until "
                 f"{_duration(results.ages[oldest])} before the end, so that each is followed to "
                 f"{results.age_words[oldest]}.")
    births, localities = p.number("population.births"), p.number("population.localities")
    if births is not None:
        where = f" in {_g(localities)} localities" if localities is not None else ""
        s.append(f"About {_g(births * DAYS_PER_YEAR, 4)} babies are born a year{where}.")
    midwives, visitors = p.number("professionals.midwives"), p.number("professionals.health_visitors")
    if midwives is not None and visitors is not None:
        sentence = f"Mothers see {_g(midwives)} community midwives and {_g(visitors)} health visitors"
        gate, refer = p.number("professionals.initial.gatekeeping"), p.number("professionals.referral_probability")
        if gate is not None and refer is not None:
            sentence += (f"; professionals start with a gate-keeping propensity of {_g(gate)} (0 refers freely, "
                         f"1 never refers), and one who does not gate-keep refers a breastfeeding mother to a "
                         f"volunteer at a scheduled contact with chance {_g(100 * refer)}%")
        s.append(sentence + ".")
    peer = p.number("scheme.peer_support")
    if peer is not None and not peer:
        s.append("The peer-support scheme does not run: usual professional care only.")
    elif peer is not None:
        sentence = "The peer-support scheme runs"
        initial, capacity = p.number("volunteers.initial"), p.number("volunteers.capacity")
        if initial is not None:
            sentence += f" with {_g(initial)} trained volunteers at the start"
            if capacity is not None:
                sentence += f", each supporting up to {_g(capacity)} mothers at a time"
        size, every, first = (p.number("volunteers.training.size"), p.number("volunteers.training.every"),
                              p.number("volunteers.training.first"))
        if size is not None and every is not None:
            sentence += f"; {_g(size)} more finish training every {_every(every)}"
            if first is not None:
                sentence += f", the first after {_duration(first)}"
        s.append(sentence + ".")
        if p.has("scheme.referral_policy"):
            s.append(f"Referral policy: {p.text('scheme.referral_policy')}.")
        mode = (p.text("scheme.contact_schedule.mode")
                if p.has("scheme.contact_schedule.mode") and not p.varies("scheme.contact_schedule.mode") else None)
        contacts = p.number("scheme.contact_schedule.contacts")
        if mode and contacts is not None:
            sentence = f"Peer contacts are {mode}: up to {_g(contacts)} per supported mother"
            first_within, interval = (p.number("scheme.contact_schedule.first_within"),
                                      p.number("scheme.contact_schedule.interval"))
            if mode == "proactive" and first_within is not None and interval is not None:
                sentence += f", the first within {_duration(first_within)} of referral, then every {_every(interval)}"
            s.append(sentence + ".")
        gain, effect = p.number("peer_support.confidence_gain"), p.number("mothers.confidence.effect")
        exclusive = p.number("mothers.confidence.exclusive_effect")
        if gain is not None and effect is not None:
            sentence = (f"Support works through the mother's breastfeeding confidence: a contact by a fully skilled "
                        f"volunteer closes {_g(100 * gain)}% of the gap to full confidence (0 under usual care), and "
                        f"confidence q multiplies the hazards of stopping altogether by exp(−{_g(effect)} × q)")
            if exclusive is not None:
                sentence += f" and of leaving exclusive breastfeeding by exp(−{_g(exclusive)} × q)"
            s.append(sentence + ".")
    return " ".join(s)


def _same_text(value, default) -> bool:
    """A value as the resolved scenario writes it ('[1 days, 5 days]') against the registry's default text
    ('[1, 5] days'): the same numbers and the same words, units aside."""
    import re
    def parts(text):
        text = str(text).replace("True", "true").replace("False", "false")
        words = {w for w in re.findall(r"[A-Za-z_]+", text) if w not in ("day", "days")}
        return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)], words
    return parts(value) == parts(default)


def _changed_from_defaults(results: Results, p: "_Parameters") -> list[dict]:
    """The parameters a scenario sets to other values than the registry's defaults (the run settings left out)."""
    rows = []
    for spec in results.registry.to_dict("records") if len(results.registry) else []:
        key, default = spec["path"], spec.get("default")
        if key in ("name", "description", "seed", "replicates") or not p.has(key):
            continue
        if key in results.parameters:
            expected = _default_number(default)
            values = results.summary[key].dropna().unique()
            same = expected is not None and len(values) and all(
                math.isclose(float(v), expected, rel_tol=1e-9, abs_tol=1e-12) for v in values)
        elif key in results.choices:
            same = all(str(word) == str(default) for word in results.choices[key].unique())
        else:
            same = default is None or _same_text(p.yaml.get(key), default)
        if not same:
            rows.append({"key": key, "value": p.text(key)})
    return rows


def _scenario_section(results: Results, label: str) -> dict:
    """One scenario: its description, in words, its key parameters and all numeric ones."""
    p = _Parameters(results)
    key_rows = [{"key": key, "value": p.text(key), "units": p.units(key) or "choice", "meaning": p.description(key)}
                for key in KEY_PARAMETERS if p.has(key)]
    all_rows = []
    for key in results.parameters:
        raw = results.summary[key].dropna().unique()
        all_rows.append({"key": key, "value": p.text(key), "units": p.units(key), "meaning": p.description(key),
                         "stored": _g(float(raw[0]), 10) if len(raw) == 1 else f"{len(raw)} values"})
    description = str(results.scenario.get("description", "") or "").strip()
    overrides = plots.set_overrides(results)
    if overrides:  # a --set variant: described by its change, not only by its base scenario's words
        description = (f"The scenario {results.name} changed with --set " + ", ".join(overrides)
                       + (f". Its base scenario: {description}" if description else "."))
    return {
        "label": label,
        "changed_rows": _changed_from_defaults(results, p),
        "description": description,
        "sweep": {"name": results.name, "factors": _plural(len(results.factors), "factor"),
                  "model": _model(results)} if results.is_sweep else None,
        "words": _plain_words(results),
        "key_rows": key_rows,  # none for an analytic test function
        "all_rows": all_rows,
    }


def _outcome_rows(all_results: Sequence[Results], outcomes: Iterable[str]) -> list[dict]:
    rows = []
    for name in outcomes:
        units = next((r.units_by_group["summary"].get(name) for r in all_results
                      if name in r.units_by_group["summary"]), "")
        description = next((r.descriptions_by_group["summary"].get(name) for r in all_results
                            if name in r.descriptions_by_group["summary"]), "")
        share = plots.is_share(units)
        cells = [{"estimate": _design_spread_text(r, name, share) if r.is_sweep else _estimate_text(r.summary[name], share),
                  "n": summarise(r.summary[name]).n} if name in r.outcomes else None for r in all_results]
        rows.append({"name": name, "description": description, "units": "%" if share else units, "cells": cells})
    return rows


def _posterior_run_section(r: Results, label: str, draws) -> dict:
    """Runs over posterior draws: intervals that say what they cover, and the variance shares."""
    k = len(np.unique(draws))
    rows = []
    for name in [o for o in KEY_OUTCOMES if o in r.outcomes]:
        number = _pct if plots.is_share(r.units_by_group["summary"].get(name, "")) else _g
        o = posterior.posterior_run_outcome(r.summary[name], draws)
        rows.append({"name": name, "mean": number(o["mean"]), "runs": f"[{number(o['lo95'])}, {number(o['hi95'])}]",
                     "draw_means": f"[{number(o['parameter_lo95'])}, {number(o['parameter_hi95'])}]",
                     "parameter_share": _pct(o["parameter_share"], 0), "replicate_share": _pct(o["replicate_share"], 0)})
    return {"label": label, "draws": k, "replicates": len(draws) // k, "file": r.attrs.get("posterior_file", "?"),
            "rows": rows}


def _outcomes_section(all_results: Sequence[Results], labels: Sequence[str]) -> dict:
    present = [o for o in KEY_OUTCOMES if any(o in r.outcomes for r in all_results)]
    others = []
    for r in all_results:
        others += [o for o in r.outcomes if o not in KEY_OUTCOMES and o not in others]
    posterior_runs = []
    for r, label in zip(all_results, labels):
        draws = posterior.run_draws(r.path)
        if draws is not None:
            posterior_runs.append(_posterior_run_section(r, label, draws))
    return {"sweeps": [label for r, label in zip(all_results, labels) if r.is_sweep],
            "rows": _outcome_rows(all_results, present), "others": _outcome_rows(all_results, others),
            "posterior_runs": posterior_runs}


def _points(v: float) -> str:
    return "–" if not math.isfinite(v) else f"{100 * v:+.2f}"


def _ratio(v: float) -> str:
    return "–" if not math.isfinite(v) else f"{v:.3f}"


def _with_interval(value: float, lo: float, hi: float, fmt) -> str:
    """'value [lo, hi]', or the value alone when there is no interval."""
    return fmt(value) + (f" [{fmt(lo)}, {fmt(hi)}]" if math.isfinite(lo) and math.isfinite(hi) else "")


def _comparison_section(a: Results, b: Results, label_a: str, label_b: str) -> tuple[dict, object]:
    cmp = compare(a, b)
    method = cmp.attrs["method"]
    if method == "paired":
        how = (f"The runs pair by seed (both files hold the same {int(cmp['n_pairs'].max())} run seeds, so run r of "
               "each shares its births and random draws: common random numbers). Differences and log risk ratios "
               "are taken within each pair and given Student t intervals over the pairs; the relative risk is "
               "the exponential of the mean log ratio.")
    else:
        how = ("The runs do not pair by seed, so the scenarios are compared as independent samples: Welch's "
               "interval for the difference of mean risks, and a delta-method interval on the log of the ratio "
               "of mean risks.")

    def cell(row, column, fmt):
        return _with_interval(row[column], row[f"{column}_lo95"], row[f"{column}_hi95"], fmt)

    rows = [{"age": row["age"], "measure": row["measure"], "outcome": row["outcome"],
             "risk_a": cell(row, "risk_a", _pct),
             "risk_b": cell(row, "risk_b", _pct), "difference": cell(row, "difference", _points),
             "rr": cell(row, "rr", _ratio),
             "runs": f"{row['n_pairs']} pairs" if method == "paired" else f"{row['n_a']} and {row['n_b']}"}
            for _, row in cmp.iterrows()]
    ya, yb = _flatten(a.scenario), _flatten(b.scenario)
    differing = [{"key": k, "a": _yaml_value(ya.get(k, "–")), "b": _yaml_value(yb.get(k, "–"))}
                 for k in dict.fromkeys([*ya, *yb]) if k not in ("name", "description") and ya.get(k) != yb.get(k)]
    return {"label_a": label_a, "label_b": label_b, "method": method, "how": how,
            "notes": list(cmp.attrs.get("notes", [])), "rows": rows, "differing": differing}, cmp


GRAPH_CAPTION = "The social graph at the end of the first run"


def _figure(fig, caption: str) -> dict:
    return {"png": base64.b64encode(plots.figure_png(fig)).decode("ascii"), "caption": caption}


# -- sweeps: the Sensitivity section ---------------------------------------------------

DESIGN_WORDS = {
    "saltelli": "a Saltelli design for Sobol indices",
    "morris": "a Morris design (elementary effects: one factor changed at a time)",
    "grid": "a full grid",
    "latin_hypercube": "a Latin hypercube",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _is_test_function(results: Results) -> bool:
    """A sweep of an analytic test function (Ishigami, ...), not of the simulation model."""
    return results.is_sweep and results.experiment.get("model") is not None


def _model(results: Results) -> dict:
    """What a sweep varies: {"function": the analytic test function} or {"scenario": the base scenario's name}."""
    model = results.experiment.get("model")
    if model is not None:
        if isinstance(model, dict) and len(model) == 1:
            kind, settings = next(iter(model.items()))
            if isinstance(settings, dict) and settings:
                kind = f"{kind} (" + ", ".join(f"{k} = {_yaml_value(v)}" for k, v in settings.items()) + ")"
        else:
            kind = _yaml_value(model)
        return {"function": str(kind)}
    return {"scenario": str(results.scenario.get("name") or results.experiment.get("base") or "the base scenario")}


def _design(results: Results) -> dict:
    """The design in words: method, size, replicates, runs and seed."""
    design = results.experiment.get("design") if isinstance(results.experiment.get("design"), dict) else {}
    method = str(results.design_method or design.get("method") or "unknown")
    k, points, runs = len(results.factors), len(results.design), results.runs
    replicates = _as_int(results.attrs.get("replicates")) or 1
    if method == "saltelli":
        base = _as_int(design.get("base_samples")) or (points // (k + 2) if k else points)
        size = f"{base} base samples × ({_plural(k, 'factor')} + 2) = {points} design points"
    elif method == "morris":
        trajectories = _as_int(design.get("trajectories")) or (points // (k + 1) if k else points)
        levels = _as_int(design.get("levels"))
        size = (f"{trajectories} trajectories × ({_plural(k, 'factor')} + 1) = {points} design points"
                + (f" on a grid of {levels} levels per factor" if levels else ""))
    elif method == "grid" and _as_int(design.get("points_per_factor")):
        size = f"{_as_int(design.get('points_per_factor'))} values per numeric factor, {points} design points"
    else:
        size = f"{points} design points"
    each = (f"each run {_plural(replicates, 'time')} (replicate r uses the same random seed at every point: "
            "common random numbers)" if replicates > 1 else "each run once")
    seed = results.design_seed if results.design_seed is not None else results.attrs.get("seed", "–")
    return {"name": results.name, "factors": _plural(k, "factor"), "model": _model(results),
            "method": DESIGN_WORDS.get(method, method + " design"), "size": size, "each": each, "runs": runs,
            "seed": seed}


def _factor_range(results: Results, factor: str) -> str:
    """How a factor is varied, as the experiment gives it (or as the design holds it)."""
    given = results.experiment.get("factors", {})
    spec = given.get(factor) if isinstance(given, dict) else None
    if isinstance(spec, dict) and "uniform" in spec and isinstance(spec["uniform"], list) and len(spec["uniform"]) == 2:
        low, high = spec["uniform"]
        return f"uniform from {_yaml_value(low)} to {_yaml_value(high)}"
    if isinstance(spec, dict) and "levels" in spec and isinstance(spec["levels"], list):
        return "levels: " + ", ".join(_yaml_value(v) for v in spec["levels"])
    if isinstance(spec, dict) and factor in results.factor_levels:  # named overlays
        parts = []
        for level in results.factor_levels[factor]:
            overlay = spec.get(level)
            changes = (", ".join(f"{k} = {_yaml_value(v)}" for k, v in overlay.items())
                       if isinstance(overlay, dict) else "")
            parts.append(f"{level} ({changes or 'nothing changed'})")
        return "scenario overlays: " + "; ".join(parts)
    column = f"{factor} (factor)" if factor == "point" else factor
    if factor in results.factor_levels:
        return "levels: " + ", ".join(results.factor_levels[factor])
    if column in results.design:
        values = results.design[column].to_numpy(dtype=float)
        return f"from {_g(float(values.min()))} to {_g(float(values.max()))} in the design"
    return "–"


def _factor_rows(results: Results) -> list[dict]:
    rows = []
    for factor in results.factors:
        if factor in results.parameters:
            units = results.units_by_group["parameters"].get(factor, "")
            meaning = results.descriptions_by_group["parameters"].get(factor, "")
        elif factor in results.factor_levels:
            spec = results.parameter(factor)
            units, meaning = "choice", (spec["description"] if spec else "a named set of scenario changes"
                                        if "." not in factor else "a choice parameter (see the resolved scenario)")
        else:
            units, meaning = "", ""
        rows.append({"factor": factor, "range": _factor_range(results, factor), "units": units, "meaning": meaning})
    return rows


def _noise_sentence(outcome: str, share: float, replicates: int) -> str:
    """The replicate-noise share of an outcome in one plain sentence."""
    if math.isfinite(share) and share >= 0.995:
        return (f"Practically all the variation in {outcome} from one run to another is chance (runs at the same "
                "design point differ only in their random numbers): at this design size the factors move it less "
                "than replicate noise does, so its indices are mostly noise.")
    if math.isfinite(share):
        sentence = (f"Of the variation in {outcome} from one run to another, {_pct(share, 1 if share >= 0.001 else 3)} "
                    "is chance (runs at the same design point differ only in their random numbers) and the rest "
                    f"comes from the factors; the indices use each point's mean over its {replicates} replicates, "
                    f"which carries {_ordinal_fraction(replicates)} of that chance variance.")
        if share >= 0.5:
            sentence += (" With this much noise the indices are rough: more replicates or a larger design would "
                         "sharpen them.")
        return sentence
    if replicates <= 1:
        return (f"Each design point ran once, so the chance part of the variation in {outcome} cannot be told apart "
                "from the factors' effects here (a deterministic test function has none).")
    return (f"The chance share of the variation in {outcome} is undefined: the outcome does not vary, or is "
            "undefined at too many design points.")


def _ordinal_fraction(count: int) -> str:
    if count == 2:
        return "half"
    if count == 4:
        return "a quarter"
    return f"1/{count}"


def _sobol_rows(table) -> tuple[list[dict], bool]:
    """The rows (largest ST first) and whether the estimates look unstable."""
    def fmt(v):
        return "–" if not math.isfinite(v) else f"{v:.3f}"
    order = table["ST"].fillna(-math.inf).sort_values(ascending=False, kind="stable").index
    rows, unstable = [], False
    for i in order:
        row = table.loc[i]
        s1, st = float(row["S1"]), float(row["ST"])
        for v in (s1, st):
            if math.isfinite(v) and not -0.05 <= v <= 1.05:
                unstable = True
        if math.isfinite(s1) and math.isfinite(st) and s1 > st + 0.05:
            unstable = True
        rows.append({"factor": row["factor"], "S1": _with_interval(s1, float(row["S1_lo95"]), float(row["S1_hi95"]), fmt),
                     "ST": _with_interval(st, float(row["ST_lo95"]), float(row["ST_hi95"]), fmt),
                     "interactions": fmt(st - s1)})
    return rows, unstable


def _morris_rows(table) -> list[dict]:
    def fmt(v):
        return "–" if not math.isfinite(v) else _g(v, 3)
    order = table["mu_star"].fillna(-math.inf).sort_values(ascending=False, kind="stable").index
    rows = []
    for i in order:
        row = table.loc[i]
        mu_star, sigma = float(row["mu_star"]), float(row["sigma"])
        ratio = sigma / mu_star if math.isfinite(sigma) and mu_star > 0 else math.nan
        rows.append({"factor": row["factor"],
                     "mu_star": _with_interval(mu_star, float(row["mu_star_lo95"]), float(row["mu_star_hi95"]), fmt),
                     "mu": _with_interval(float(row["mu"]), float(row["mu_lo95"]), float(row["mu_hi95"]), fmt),
                     "sigma": _with_interval(sigma, float(row["sigma_lo95"]), float(row["sigma_hi95"]), fmt),
                     "ratio": fmt(ratio)})
    return rows


SOBOL_GUIDE = ("How to read it: S1 is the share of the outcome's variance over the design (of each point's "
               "replicate mean) that a factor explains alone; ST adds its interactions with the other factors, so "
               "ST − S1 measures interaction, and a factor whose ST is near 0 could be fixed anywhere in its range "
               "without changing the outcome. Intervals are bootstrap 95% intervals over the base samples.")
MORRIS_GUIDE = ("How to read it: μ* is the mean absolute change in the outcome when one factor moves across its "
                "whole range (measured one grid step at a time and scaled to the whole range, so factors with "
                "different units compare); μ is the same with signs (positive: raising the factor raises the "
                "outcome); σ is how much that change varies from one place in the design to another: σ near or "
                "above μ* means the effect is non-linear or depends on the other factors. Morris screens factors "
                "(ranks them) with few runs; it gives no intervals.")


def _sensitivity_section(results: Results, label: str | None) -> dict:
    method = sensitivity_method(results)
    replicates = _as_int(results.attrs.get("replicates")) or 1
    outcomes = []
    for outcome in analysed_outcomes(results):
        part = {"name": outcome, "description": results.descriptions_by_group["summary"].get(outcome, ""),
                "units": results.units_by_group["summary"].get(outcome, ""), "sobol": None, "morris": None,
                "unstable": False,
                "noise": _noise_sentence(outcome, noise_share(results, outcome), replicates), "figure": None}
        if method == "sobol":
            part["sobol"], part["unstable"] = _sobol_rows(sensitivity_table(results, outcome))
            part["figure"] = _figure(plots.plot_sobol(results, outcome),
                                     f"Sobol indices of {outcome}: first-order (S1) and total (ST) with bootstrap 95% "
                                     "intervals, factors sorted by ST.")
        elif method == "morris":
            part["morris"] = _morris_rows(sensitivity_table(results, outcome))
            part["figure"] = _figure(plots.plot_morris(results, outcome),
                                     f"Morris screening of {outcome}: each factor at its μ* (mean absolute effect) "
                                     "and σ (spread of its effects); above the dashed line the effect varies more "
                                     "than it averages.")
        outcomes.append(part)
    return {"label": label, "description": str(results.experiment.get("description", "") or "").strip(),
            "design": _design(results), "factors": _factor_rows(results), "method": method,
            "design_method": results.design_method or "grid",
            "guide": SOBOL_GUIDE if method == "sobol" else MORRIS_GUIDE if method == "morris" else None,
            "outcomes": outcomes, "discovery": _discovery_part(results)}


def _interval_text(interval, digits: int = 3) -> str:
    lo, hi = interval
    return f"[{lo:.{digits}f}, {hi:.{digits}f}]" if np.isfinite(lo) and np.isfinite(hi) else "(no interval)"


def _discovery_part(results: Results) -> dict | None:
    """The file's `ppisim discover` boxes: what they cover, their limits, the trade-off curve."""
    found = discovery_module.read_discovery(results.path)
    if found is None:
        return None
    boxes = []
    for box in found["boxes"]:
        limits = [{"factor": limit["factor"],
                   "lower": f"≥ {limit['lower']} {_interval_text(limit['lower_interval'], 4)}"
                   if limit["lower_restricted"] else "(not restricted)",
                   "upper": f"≤ {limit['upper']} {_interval_text(limit['upper_interval'], 4)}"
                   if limit["upper_restricted"] else "(not restricted)"}
                  for limit in box["limits"]]
        boxes.append({"number": box["number"],
                      "coverage": f"{box['coverage']:.3f} {_interval_text(box['coverage_interval'])}",
                      "density": f"{box['density']:.3f} {_interval_text(box['density_interval'])}",
                      "mass": f"{box['mass']:.3f}", "found": box["bootstrap_found"], "limits": limits})
    figure = (_figure(discovery_module.plot_tradeoff(found),
                      "PRIM's coverage–density trade-off: each box peeled from the whole design (coverage 1, left) inwards; "
                      "circled, the box chosen before pasting; dashed, the share of all points that meet the condition.")
              if found["boxes"] else None)
    return {"where": found["where"], "points": found["points"], "cases": found["cases"],
            "intervals": found["intervals"], "options": found["options"], "boxes": boxes, "figure": figure}


# -- which numbers come from data ---------------------------------------------------------

SOURCE_WORDS = {
    "data": "From data",
    "calibrated": "Calibrated to data",
    "assumption": "Assumptions",
    "setting": "Settings of the simulation",
}


def parameter_sources(all_results: Sequence[Results]) -> dict[str, dict]:
    """Path -> the registry's row (source, reference, default, description, ...)
    of every parameter the files record (``/registry``); the first file that
    knows a parameter says where it comes from. Empty when no file records
    it (written before ppisim stored its registry in results files)."""
    sources: dict[str, dict] = {}
    for r in all_results:
        for row in r.registry.to_dict("records"):
            sources.setdefault(row["path"], row)
    return sources


def _default_number(default) -> float | None:
    """A registry default ("0.81", "1095.75 days", "true") as the number /parameters stores."""
    if default in ("true", "false"):
        return 1.0 if default == "true" else 0.0
    if isinstance(default, bool):
        return 1.0 if default else 0.0
    if isinstance(default, (int, float)):
        return float(default)
    if isinstance(default, str) and default.split():
        try:
            return float(default.split()[0])
        except ValueError:
            return None
    return None


def _varied_in_sweep(results: Results) -> set[str]:
    """A sweep's factors and the parameters its overlay factors set."""
    varied = set(results.factors)
    given = results.experiment.get("factors", {})
    for factor in results.factor_levels:
        spec = given.get(factor) if isinstance(given, dict) else None
        if isinstance(spec, dict):
            for overlay in spec.values():
                if isinstance(overlay, dict):
                    varied.update(_flatten(overlay))
                    varied.update(str(k) for k in overlay)
    return varied


def _departures(spec: dict, all_results: Sequence[Results]) -> list[str]:
    """Files whose scenario sets a parameter to another value than its default."""
    key, default = spec["path"], spec.get("default")
    expected = _default_number(default)
    changed = []
    for r in all_results:
        if key in _varied_in_sweep(r):
            continue
        if key in r.parameters and expected is not None:
            values = r.summary[key].dropna().unique()
            if len(values) and not all(math.isclose(float(v), expected, rel_tol=1e-9, abs_tol=1e-12) for v in values):
                changed.append(r.name)
        elif key in r.choices:
            if any(str(word) != default for word in r.choices[key].unique()):
                changed.append(r.name)
        elif key not in r.parameters:
            flat = _flatten(r.scenario)
            if key in flat and isinstance(flat[key], str) and isinstance(default, str) and flat[key] != default:
                changed.append(r.name)
    return changed


def _versions(all_results: Sequence[Results]) -> str:
    return ", ".join(sorted({str(r.attrs.get("ppisim_version", "?")) for r in all_results}))


def _sources_section(all_results: Sequence[Results]) -> dict | None:
    """The 'Which numbers come from data' note: {"left_out": why} when the files do not record
    sources, None when there are no model parameters (an analytic test function)."""
    models = [r for r in all_results if not _is_test_function(r)]  # a test function's x1, x2 are no model's
    used = set()
    for r in models:
        used.update(r.parameters)
        used.update(r.choices)
        used.update(_flatten(r.scenario))
    listing = parameter_sources(models)
    if not listing:
        return {"left_out": "the results files do not record them (written before ppisim stored its registry "
                            "in /registry)"}
    specs = [p for p in listing.values() if p["path"] in used and p.get("source") in SOURCE_WORDS]
    if not specs:
        return None
    factors = {f for r in all_results if r.is_sweep for f in _varied_in_sweep(r)}
    by_source: dict[str, list[dict]] = {source: [] for source in SOURCE_WORDS}
    for spec in specs:
        by_source[spec["source"]].append(spec)
    counts = ", ".join(f"{len(v)} {w}" for w, v in (("from data", by_source["data"]),
                                                     ("calibrated to data", by_source["calibrated"]),
                                                     ("assumptions", by_source["assumption"]),
                                                     ("settings", by_source["setting"])))
    departures = []
    for spec in by_source["data"] + by_source["calibrated"]:
        changed = _departures(spec, all_results)
        if changed:
            departures.append({"path": spec["path"], "default": spec["default"], "changed": ", ".join(changed)})
    return {"count": len(specs), "scope": "these scenarios use" if len(all_results) > 1 else "the scenario uses",
            "counts": counts, "versions": _versions(all_results),
            "rows": [{"title": SOURCE_WORDS[source],
                      "names": [{"path": spec["path"], "varied": spec["path"] in factors} for spec in by_source[source]]}
                     for source in ("data", "calibrated", "assumption")],
            "departures": departures}


PROVENANCE = (("file", "file"), ("scenario_name", "scenario"), ("ppisim_version", "ppisim version"),
              ("git_revision", "git revision"), ("seed", "base seed"), ("replicates", "replicates"),
              ("runs", "runs"), ("days", "days"), ("created", "created (UTC)"),
              ("format_version", "format version"), ("command_line", "command line"))
PROVENANCE_AS_CODE = {"file", "command_line", "git_revision"}


def _provenance_section(all_results: Sequence[Results], labels: Sequence[str]) -> dict:
    rows = [{"title": title, "code": key in PROVENANCE_AS_CODE,
             "cells": [str(r.path.resolve()) if key == "file" else r.attrs.get(key, "–") for r in all_results]}
            for key, title in PROVENANCE]
    dirty = [label for r, label in zip(all_results, labels) if str(r.attrs.get("git_revision", "")).endswith("-dirty")]
    return {"rows": rows, "dirty": ", ".join(dirty)}


def _comparisons(all_results: Sequence[Results], labels: Sequence[str]) -> list[dict]:
    """Each file after the first against the first (the reference)."""
    comparisons = []
    for r, label in zip(all_results[1:], labels[1:]):
        missing = [o for o in ("initiation_rate", "any_bf_6w") if o not in all_results[0].outcomes or o not in r.outcomes]
        if missing:
            comparisons.append({"label_a": labels[0], "label_b": label, "missing": ", ".join(missing)})
            continue
        section, cmp = _comparison_section(all_results[0], r, labels[0], label)
        section["sweep"] = r.is_sweep or all_results[0].is_sweep
        section["figure"] = _figure(plots.plot_relative_risks(cmp),
                                    f"Relative risk of having stopped breastfeeding, {label} vs {labels[0]} "
                                    f"({cmp.attrs['method']} runs), with 95% intervals; left of 1 favours {label}.")
        comparisons.append(section)
    return comparisons


def _figures(all_results: Sequence[Results], labels: Sequence[str]) -> list[dict]:
    """Time series, outcome bars and each run file's social graph (the relative risks are with each comparison)."""
    figures = []
    options = [(r, label) for r, label in zip(all_results[1:], labels[1:]) if not r.is_sweep]
    comparator = all_results[0]
    if options and not comparator.is_sweep and all(len(plots.paired_runs(comparator, r)[0]) for r, _ in options):
        return _difference_figures(comparator, options, labels[0]) + _graph_figures(all_results, labels)
    for name in [s for s in PLOTTED_SERIES if all(s in r.series for r in all_results)]:
        description = all_results[0].descriptions_by_group["timeseries"].get(name, name)
        figures.append(_figure(plots.plot_timeseries(list(all_results), name),
                               f"{description} ({name}): median over runs with the band holding the middle 90% "
                               "of runs, by simulated day."))
    for prefix, words in (("any_bf_", "any breastfeeding"), ("excl_bf_", "exclusive breastfeeding")):
        outcomes = [o for o in KEY_OUTCOMES if o.startswith(prefix) and any(o in r.outcomes for r in all_results)]
        having = [r for r in all_results if any(o in r.outcomes for o in outcomes)]  # not a test function's file
        if outcomes:
            figures.append(_figure(plots.plot_outcome_bars(having, outcomes, title=f"Share of mothers still doing {words}"),
                                   f"Share of mothers still doing {words} at each age: replicate means with "
                                   "95% intervals, by scenario."))
    return figures + _graph_figures(all_results, labels)


DIFFERENCE_OUTCOMES = ("any_bf_6w", "excl_bf_6w", "any_bf_6m", "reached_by_volunteer")


def _difference_figures(comparator: Results, options: Sequence[tuple[Results, str]], comparator_label: str) -> list[dict]:
    """The options as differences from the comparator: key outcomes, then the daily series (warm-up marked)."""
    results, names = [r for r, _ in options], [label for _, label in options]
    outcomes = [o for o in DIFFERENCE_OUTCOMES if o in comparator.outcomes]
    figures = [_figure(plots.plot_outcome_differences(comparator, results, outcomes, names),
                       f"Each option minus {comparator_label}, in percentage points of mothers, run by run on shared "
                       "seeds, with 95% intervals over the pairs (replicate noise only); the axis is drawn around the "
                       "differences, so a 1-point difference shows as one.")]
    for name in [s for s in PLOTTED_SERIES if s in comparator.series and all(s in r.series for r in results)]:
        description = comparator.descriptions_by_group["timeseries"].get(name, name)
        figures.append(_figure(plots.plot_series_differences(comparator, results, name, names),
                               f"{description} ({name}): each option minus {comparator_label} by simulated day, the "
                               "median of the seed-paired differences with the band of the middle 90%; the grey "
                               f"stretch (the first {plots.WARM_UP_DAYS} days, or to measurement.from if later) is "
                               "warm-up, while the mothers followed are still arriving, not a result."))
    return figures


def _graph_figures(all_results: Sequence[Results], labels: Sequence[str]) -> list[dict]:
    figures = []
    for r, label in zip(all_results, labels):
        nodes, _ = r.graph if not r.is_sweep else (None, None)
        if nodes is None or nodes.empty:
            continue
        figures.append(_figure(plots.plot_graph(r, "trust"),
                               f"{GRAPH_CAPTION}{' (' + label + ')' if len(all_results) > 1 else ''}: "
                               f"professionals (squares) and volunteers (circles) on day {nodes.attrs.get('day')} "
                               f"of run {nodes.attrs.get('run')}, coloured by their trust, with team, cohort "
                               "and working ties (working ties coloured by trust; inactive volunteers grey)."))
    return figures


def _environment() -> jinja2.Environment:
    """The report's templates (templates/ beside this file), HTML-escaped unless marked safe."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def _money(value: float, currency: str) -> str:
    if not math.isfinite(value):
        return "–"
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return ("−" if value < 0 else "") + f"{symbol}{abs(value):,.0f}"


def _count_with_interval(e: decision_module.Interval, signed: bool = True) -> str:
    fmt = (lambda v: f"{v:+,.0f}") if signed else (lambda v: f"{v:,.0f}")
    return _with_interval(e.mean, e.lo95, e.hi95, fmt)


def _levers(option: Results, comparator: Results, limit: int = 5) -> str:
    """What the option changes from the comparator, in setting = value words (the first few)."""
    yo, yc = _flatten(option.scenario), _flatten(comparator.scenario)
    changed = [f"{k} = {_yaml_value(yo.get(k, '–'))}" for k in dict.fromkeys([*yo, *yc])
               if k not in ("name", "description") and not k.startswith("costs") and yo.get(k) != yc.get(k)]
    if not changed:
        return "nothing (the same scenario)"
    return "; ".join(changed[:limit]) + (f"; and {len(changed) - limit} more (see the comparison)" if len(changed) > limit else "")


def _decision_section(all_results: Sequence[Results], labels: Sequence[str], chosen: bool) -> dict | None:
    """Page one: each run file after the first (the comparator) against it, per year in the area."""
    comparator = all_results[0]
    if comparator.is_sweep or len(all_results) < 2:
        return None
    rows, notes, figures, costed, unit_costs, nmb, posterior_runs = [], [], [], [], [], False, False
    for r, label in zip(all_results[1:], labels[1:]):
        if r.is_sweep:
            notes.append(f"{label} is a sweep: its pooled runs are not one option, so it has no row here.")
            continue
        try:
            d = decision_module.decide(r, comparator)
        except (ValueError, KeyError) as why:
            notes.append(f"{label}: no headcounts ({why}).")
            continue
        posterior_runs = posterior_runs or d.posterior
        notes += [f"{label}: {note}." for note in d.notes]
        row = {"option": label, "levers": _levers(r, comparator),
               "extra_any": _count_with_interval(d.headcounts["mothers_any_bf_6w"]),
               "extra_excl": _count_with_interval(d.headcounts["mothers_excl_bf_6w"]),
               "extra_6m": _count_with_interval(d.headcounts["mothers_any_bf_6m"]),
               "reached": f"{d.levels['mothers_reached'][0]:,.0f}", "programme": "no costs: block", "per_extra": "–",
               "nmb": "–"}
        if d.costs:
            c, currency = d.costs, d.costs["currency"]
            costed.append(f"{currency} at {c['price_year']} prices")
            unit_costs.append({"option": label, "currency": currency, "price_year": c["price_year"],
                               "items": [{"item": item, "value": _money(v["value"], currency) if v["value"] >= 1
                                          else f"{v['value']:g}", "per": v["per"], "source": v["source"],
                                          "per_year": _money(v["per_year"].mean, currency)}
                                         for item, v in c["items"].items()],
                               "incremental": _with_interval(c["incremental"].mean, c["incremental"].lo95,
                                                             c["incremental"].hi95, lambda v: _money(v, currency))})
            money = lambda v: _money(v, currency)  # noqa: E731
            row["programme"] = _with_interval(c["programme"].mean, c["programme"].lo95, c["programme"].hi95, money)
            per = c["per_extra_mother_6w"]
            row["per_extra"] = (_with_interval(per.mean, per.lo95, per.hi95, money) if math.isfinite(per.lo95)
                                else money(per.mean) + " (interval unbounded: the extra mothers' interval reaches 0)")
            if "net_monetary_benefit" in c:
                nmb = True
                v = c["net_monetary_benefit"]
                row["nmb"] = (_with_interval(v["interval"].mean, v["interval"].lo95, v["interval"].hi95, money)
                              + f" at {money(v['value'])} per extra mother")
            if "ceac" in c:
                figures.append(_figure(plots.plot_ceac(c["ceac"], label, currency),
                                       f"Cost-effectiveness acceptability, {label} vs {labels[0]}: the share of posterior "
                                       "draws in which the cost per extra mother breastfeeding at 6-8 weeks is below each "
                                       "threshold."))
        rows.append(row)
    if not rows:
        return None
    births = comparator.summary["population.births"].dropna().unique() * decision_module.DAYS_PER_YEAR
    covers = ("Intervals are 95%: over posterior draws where an option's runs come from a calibration's posterior "
              "(parameter uncertainty), otherwise Student t over the seed-paired runs, so they cover replicate noise "
              "only, not what is unknown about the parameters; a cost per extra mother's interval is a bootstrap over "
              "the pairs." if posterior_runs else
              "Intervals are 95% and cover replicate noise only (Student t over the seed-paired runs; a bootstrap for a "
              "cost per extra mother), not what is unknown about the parameters: run the options with "
              "ppisim run --posterior for that.")
    return {"comparator": labels[0], "chosen": " chosen with --baseline" if chosen else ", the first file",
            "births": ", ".join(f"{b:,.0f}" for b in births), "covers": covers, "rows": rows, "notes": notes,
            "costed": bool(costed), "currency_words": ", ".join(dict.fromkeys(costed)), "nmb": nmb, "figures": figures,
            "unit_costs": unit_costs,
            "published": [{"study": p["study"], "cost": f"{_money(p['value'], p['currency'])} {p['what']}",
                           "reference": p["reference"]} for p in decision_module.PUBLISHED_COMPARATORS]}


def render_report(all_results: Sequence[Results], title: str | None = None, baseline: int | None = None) -> str:
    """The report as one HTML string (see the module docstring); `baseline` is the index of the
    comparator among the files (default: the first)."""
    if not all_results:
        raise ValueError("a report needs at least one results file")
    all_results = list(all_results)
    if baseline is not None:
        all_results.insert(0, all_results.pop(baseline))
    labels = plots._labels(list(all_results))
    if title is None:
        title = "ppisim report: " + (labels[0] if len(labels) == 1 else f"{labels[0]} and " + ", ".join(labels[1:]))
    several = len(all_results) > 1
    comparisons = _comparisons(all_results, labels) if several else []
    page = {
        "title": title,
        "written": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "program": PROGRAM,
        "files": _plural(len(all_results), "results file"),
        "reference": labels[0] if several else None,
        "several": several,
        "decision": _decision_section(all_results, labels, baseline is not None) if several else None,
        "scenarios": [_scenario_section(r, label) for r, label in zip(all_results, labels)],
        "sources": _sources_section(all_results),
        "outcomes": _outcomes_section(all_results, labels),
        "sensitivity": [_sensitivity_section(r, label if several else None)
                        for r, label in zip(all_results, labels) if r.is_sweep],
        "comparisons": comparisons,
        "figures": _figures(all_results, labels) + [c["figure"] for c in comparisons if "figure" in c],
        "provenance": _provenance_section(all_results, labels),
        "resolved": [{"label": label, "yaml": r.attrs.get("scenario_yaml", "(not stored)")}
                     for r, label in zip(all_results, labels)],
    }
    return _environment().get_template("report.html.j2").render(page=page)


def _umask() -> int:
    try:  # read without changing it (os.umask would, briefly, for every thread)
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def check_replaceable(path: str | os.PathLike) -> None:
    """Raises ValueError if something other than a regular file or a symbolic
    link is at path: a rename would replace a device such as /dev/null."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device"
        raise ValueError(f"{path}: the output path is {kind}, not a report file; only regular files are replaced")


def check_not_an_input(output: str | os.PathLike, inputs: Sequence[str | os.PathLike]) -> None:
    """Raises ValueError if writing the report to output would replace one of
    the results files it reads (the same file, or a hard link to it)."""
    try:
        target = os.lstat(output)
    except FileNotFoundError:
        return
    for given in inputs:
        for look in (os.stat, os.lstat):
            try:
                source = look(given)
            except OSError:
                continue
            if (source.st_dev, source.st_ino) == (target.st_dev, target.st_ino):
                raise ValueError(f"{output}: the output is the results file {given}, which the report reads; "
                                 "name another file, such as report.html")


def write_atomically(path: str | os.PathLike, text: str) -> Path:
    """Writes text to path through a hidden temporary file in the same folder,
    renamed into place when complete; on failure nothing is left behind."""
    path = Path(path)
    check_replaceable(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    try:
        directory_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)
    except OSError:
        pass
    return path


# -- a calibration's posterior ----------------------------------------------------------

def render_posterior_report(p: posterior.Posterior, title: str | None = None) -> str:
    """The report of a calibration's posterior file as one HTML string: the posterior of each parameter
    (median and 95% credible interval), their correlations, the posterior-predictive check of each target
    and how the generations went, with the figures (templates/posterior_report.html.j2)."""
    generations = p.generations
    last = generations.iloc[-1]
    parameters = [{"name": row["parameter"], "median": _g(row["median"]), "interval": f"[{_g(row['lo95'])}, {_g(row['hi95'])}]",
                   "mean": _g(row["mean"]), "sd": _g(row["sd"]), "prior": row["prior"], "unit": row["unit"]}
                  for _, row in posterior.posterior_table(p).iterrows()]
    correlations = None
    if len(p.parameters) > 1:
        table = posterior.posterior_correlations(p)
        correlations = {"names": list(p.parameters),
                        "rows": [{"name": name, "cells": [f"{table.loc[name, other]:.3f}" for other in p.parameters]}
                                 for name in p.parameters],
                        "figure": _figure(posterior.plot_pairs(p), "Pairwise posteriors: each particle, darker for a larger weight.")}
    checks = []
    for _, row in posterior.predictive_table(p).iterrows():
        observed = (f"[{_g(row['lo95'])}, {_g(row['hi95'])}]" if math.isfinite(row["lo95"])
                    else f"se {_g(row['standard_error'] * (row['observed'] if row['log_scale'] else 1.0))}")
        checks.append({"target": row["target"], "description": row["description"], "observed": _g(row["observed"]),
                       "observed_interval": observed, "median": _g(row["predicted_median"]),
                       "interval": f"[{_g(row['predicted_lo95'])}, {_g(row['predicted_hi95'])}]"})
    page = {
        "title": title or f"ppisim calibration report: {p.name}",
        "written": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "program": PROGRAM, "path": str(p.path), "description": p.attrs.get("description", ""),
        "method": p.attrs.get("method", "ABC-SMC"), "model": p.attrs.get("model", "?"),
        "stop_reason": p.attrs.get("stop_reason", "?"), "generations_count": len(generations),
        "particles": len(p.weights), "tolerance": _g(last["tolerance"]), "acceptance": _g(last["acceptance_rate"], 3),
        "ess": f"{last['ess']:.0f}",
        "replicate_noise": _g(last["replicate_noise"], 3) if math.isfinite(last["replicate_noise"]) else None,
        "parameters": parameters,
        "marginals": _figure(posterior.plot_marginals(p), "Posterior of each parameter (weighted histogram of the particles)."),
        "correlations": correlations,
        "checks": checks,
        "predictive": _figure(posterior.plot_predictive(p), "Observed values and intervals beside the posterior predictive intervals."),
        "generations": [{"generation": int(row["generation"]), "tolerance": _g(row["tolerance"]),
                         "acceptance": _g(row["acceptance_rate"], 3), "ess": f"{row['ess']:.0f}",
                         "attempts": int(row["attempts"]), "noise": _g(row["replicate_noise"], 3),
                         "seconds": f"{row['seconds']:.1f}"} for _, row in generations.iterrows()],
        "calibration_yaml": p.attrs.get("calibration_yaml", ""),
    }
    return _environment().get_template("posterior_report.html.j2").render(page=page)


def _baseline_index(paths: Sequence[str | os.PathLike], baseline) -> int | None:
    """The index of --baseline FILE among the results files (it is added when not among them)."""
    if baseline is None:
        return None
    for k, path in enumerate(paths):
        if Path(path).resolve() == Path(baseline).resolve():
            return k
    raise ValueError(f"--baseline {baseline}: not one of the results files given ({', '.join(map(str, paths))})")


def _render_any(paths: Sequence[str | os.PathLike], title: str | None, baseline=None) -> str:
    """A posterior file's report, or the report of results files; raises ValueError for a mixture."""
    posteriors = [path for path in paths if posterior.is_posterior_file(path)]
    if posteriors:
        if len(paths) != 1:
            raise ValueError(f"{posteriors[0]}: a calibration's posterior file is reported on its own")
        return render_posterior_report(posterior.load_posterior(posteriors[0]), title)
    if baseline is not None and not any(Path(p).resolve() == Path(baseline).resolve() for p in paths):
        paths = [baseline, *paths]
    return render_report([load_results(path) for path in paths], title, _baseline_index(paths, baseline))


def write_report(results_paths: str | os.PathLike | Sequence[str | os.PathLike], output_html: str | os.PathLike,
                 title: str | None = None, baseline: str | os.PathLike | None = None) -> Path:
    """Loads the results files (the first, or `baseline`, is the comparator) and
    writes one self-contained HTML report to output_html, atomically."""
    if isinstance(results_paths, (str, os.PathLike)):
        results_paths = [results_paths]
    output = Path(output_html)
    if not output.parent.is_dir() and str(output.parent):
        raise ValueError(f"{output}: the output folder '{output.parent}' does not exist")
    check_not_an_input(output, results_paths)
    return write_atomically(output, _render_any(list(results_paths), title, baseline))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python3 -m {PROGRAM}",
        description="Write one self-contained HTML report of ppisim results files. The first file is the "
                    "reference; every other file is compared with it (relative risks of having stopped "
                    "breastfeeding); a sweep file gets a Sensitivity section.",
        epilog="Exit codes: 0 success, 1 runtime failure, 2 bad input or usage, 130 interrupted.")
    parser.add_argument("results", nargs="+", help="ppisim results files (.h5)")
    parser.add_argument("-o", "--output", help="HTML file to write (default: the first results file with "
                                                "the suffix .html); replaced if it exists")
    parser.add_argument("--title", help="report title")
    parser.add_argument("--baseline", metavar="FILE", help="the comparator every other file is compared with "
                                                            "(default: the first results file)")
    args = parser.parse_args(argv)
    output = Path(args.output) if args.output else Path(args.results[0]).with_suffix(".html")
    try:
        if str(output.parent) and not output.parent.is_dir():
            raise ValueError(f"{output}: the output folder '{output.parent}' does not exist")
        check_replaceable(output)
        check_not_an_input(output, args.results)
        text = _render_any(args.results, args.title, args.baseline)
    except (ValueError, OSError) as error:  # bad input: nothing is written
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROGRAM}: interrupted; no report written", file=sys.stderr)
        return 130
    try:
        write_atomically(output, text)
    except KeyboardInterrupt:
        print(f"{PROGRAM}: interrupted; no report written", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"{PROGRAM}: error: cannot write {output}: {error}", file=sys.stderr)
        return 1
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
