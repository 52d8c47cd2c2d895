"""One self-contained HTML report of one or more ppisim results files.

    /usr/bin/python3 -m ppisim_analysis.report breastfriends.h5 no_peer_support.h5 -o report.html

(run from analysis/, or with PYTHONPATH=analysis from the repository root).
The first file is the reference: every other file is compared with it as
relative risks of having stopped breastfeeding. A sweep (`ppisim sweep`) gets
a Sensitivity section: the design in words, the Sobol or Morris indices of
each analysed outcome with their intervals, how much of the outcome is
replicate noise, and a chart. A calibration's posterior file (`ppisim
calibrate`), given alone, gets its own report: each parameter's posterior,
their correlations, the posterior-predictive checks and the generations. A note says which parameters come from data
and which are assumptions (as `ppisim params` lists them; the binary is
$PPISIM_BINARY or the repository's build/ppisim, and the note is left out
when neither runs). The report is a single HTML
file with inline CSS and the figures embedded as base64 PNG; it refers to
nothing outside itself. It is written under a hidden temporary name beside
the target and renamed into place when complete.

Exit codes, as ppisim's: 0 success, 1 runtime failure (cannot write),
2 bad input or usage (a one-line message on stderr), 130 interrupted.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import functools
import html
import math
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import yaml

from . import plots, posterior
from .load import Results, load_results
from .stats import (ANY_BF_AGES, analysed_outcomes, compare, noise_share, sensitivity_method,
                    sensitivity_table, summarise)

PROGRAM = "ppisim_analysis.report"

KEY_OUTCOMES = (
    "initiation_rate",
    *(f"any_bf_{age}" for age in ANY_BF_AGES),
    *(f"excl_bf_{age}" for age in ANY_BF_AGES),
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
    "professionals.contact_hazard_ratio",
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
    "peer_support.hazard_ratio",
    "support.protection",
)

PLOTTED_SERIES = ("any_bf_share", "exclusive_bf_share", "volunteers_active", "peer_contacts")

DAYS_PER_YEAR = 365.25

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 62em; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 2px solid #446; padding-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #ccd; }
h3 { font-size: 1.1em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .92em; }
th, td { border: 1px solid #ccd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #eef; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: #666; font-size: .9em; }
.note { background: #fff8e0; border-left: 4px solid #e0b000; padding: .4em .8em; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #444; }
pre { background: #f6f6f8; padding: .8em; overflow-x: auto; font-size: .85em; }
details { margin: .6em 0; }
summary { cursor: pointer; font-weight: 600; }
code { background: #f2f2f5; padding: 0 .2em; }
"""


# -- formatting -----------------------------------------------------------------

def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _g(value: float, digits: int = 4) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def _pct(value: float, decimals: int = 1) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.{decimals}f}%"


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
        return key in self.results.parameters or key in self.yaml

    def varies(self, key: str) -> bool:
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
        if key in self.varied_choices:
            return self.varied_choices[key]
        if key in self.yaml:
            return _yaml_value(self.yaml[key]).replace("_", " ")
        return "–"

    def description(self, key: str) -> str:
        described = self.results.descriptions_by_group["parameters"].get(key, "")
        if not described and key not in self.results.parameters:  # a choice: the file has no description
            listing, _ = parameter_sources()
            described = next((str(p.get("description", "")) for p in listing or [] if p.get("path") == key), "")
        return described

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
    if start is not None:
        s.append(f"Outcomes are measured on mothers born from day {_g(start)} until 26 weeks before the end, "
                 "so that each is followed to 6 months.")
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
        hazard, protection = p.number("peer_support.hazard_ratio"), p.number("support.protection")
        if hazard is not None and protection is not None:
            s.append(f"After a peer contact the hazard of stopping breastfeeding is multiplied by {_g(hazard)} "
                     f"for {_duration(protection)}.")
    return " ".join(s)


def _scenario_section(results: Results, label: str) -> str:
    p = _Parameters(results)
    description = str(results.scenario.get("description", "") or "").strip()
    out = [f"<h3>{_e(label)}</h3>"]
    if description:
        out.append(f"<p><em>{_e(description)}</em></p>")
    if results.is_sweep:
        out.append(f"<p>A sweep: experiment <strong>{_e(results.name)}</strong> over "
                   f"{_plural(len(results.factors), 'factor')} of {_model_words(results)} (see Sensitivity); "
                   "values that vary between runs are given as ranges.</p>")
    words = _plain_words(results)
    if words:
        out.append(f"<p>{_e(words)}</p>")
    out.append("<table><tr><th>parameter</th><th>value</th><th>units in the file</th><th>meaning</th></tr>")
    key_rows = [f"<tr><td><code>{_e(key)}</code></td><td>{_e(p.text(key))}</td>"
                f"<td>{_e(p.units(key) or 'choice')}</td><td>{_e(p.description(key))}</td></tr>"
                for key in KEY_PARAMETERS if p.has(key)]
    if key_rows:
        out += key_rows + ["</table>"]
    else:
        out.pop()  # no model parameters (an analytic test function)
    out.append(f"<details><summary>All {len(results.parameters)} numeric parameters</summary><table>"
               "<tr><th>parameter</th><th>value</th><th>as stored</th><th>units</th><th>meaning</th></tr>")
    for key in results.parameters:
        raw = results.summary[key].dropna().unique()
        stored = _g(float(raw[0]), 10) if len(raw) == 1 else f"{len(raw)} values"
        out.append(f"<tr><td><code>{_e(key)}</code></td><td>{_e(p.text(key))}</td><td class='num'>{_e(stored)}</td>"
                   f"<td>{_e(p.units(key))}</td><td>{_e(p.description(key))}</td></tr>")
    out.append("</table></details>")
    return "\n".join(out)


def _outcome_rows(all_results: Sequence[Results], outcomes: Iterable[str]) -> str:
    rows = []
    for name in outcomes:
        units = next((r.units_by_group["summary"].get(name) for r in all_results
                      if name in r.units_by_group["summary"]), "")
        description = next((r.descriptions_by_group["summary"].get(name) for r in all_results
                            if name in r.descriptions_by_group["summary"]), "")
        share = plots.is_share(units)
        cells = []
        for r in all_results:
            if name in r.outcomes:
                n = summarise(r.summary[name]).n
                cells.append(f"<td class='num'>{_e(_estimate_text(r.summary[name], share))}"
                             f"<br><span class='muted'>n = {n}</span></td>")
            else:
                cells.append("<td class='muted'>not in this file</td>")
        rows.append(f"<tr><td><code>{_e(name)}</code><br><span class='muted'>{_e(description)}</span></td>"
                    f"<td>{_e('%' if share else units)}</td>{''.join(cells)}</tr>")
    return "\n".join(rows)


def _posterior_run_section(r: Results, label: str, draws) -> str:
    """Runs over posterior draws: intervals that say what they cover, and the variance shares."""
    k = len(np.unique(draws))
    rows = [f"<h3>{_e(label)}: parameter and replicate uncertainty</h3>",
            f"<p>{_e(label)} ran each of {len(draws) // k} replicates at each of {k} posterior draws "
            f"({_e(r.attrs.get('posterior_file', '?'))}), the same replicate seeds at every draw. <em>95% of runs</em>: where "
            "one run's outcome falls, parameter and replicate uncertainty together; <em>95% of draw means</em>: the "
            "parameter uncertainty of the replicate mean; <em>parameters / replicates</em>: the shares of one run's "
            "variance from each (one-way ANOVA over draws), as <code>ppisim summary</code> gives them.</p>",
            "<table><tr><th>outcome</th><th>mean</th><th>95% of runs</th><th>95% of draw means</th>"
            "<th>parameters</th><th>replicates</th></tr>"]
    for name in [o for o in KEY_OUTCOMES if o in r.outcomes]:
        share = plots.is_share(r.units_by_group["summary"].get(name, ""))
        number = _pct if share else _g
        o = posterior.posterior_run_outcome(r.summary[name], draws)
        rows.append(f"<tr><td><code>{_e(name)}</code></td><td class='num'>{number(o['mean'])}</td>"
                    f"<td class='num'>[{number(o['lo95'])}, {number(o['hi95'])}]</td>"
                    f"<td class='num'>[{number(o['parameter_lo95'])}, {number(o['parameter_hi95'])}]</td>"
                    f"<td class='num'>{_pct(o['parameter_share'], 0)}</td><td class='num'>{_pct(o['replicate_share'], 0)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _outcomes_section(all_results: Sequence[Results], labels: Sequence[str]) -> str:
    present = [o for o in KEY_OUTCOMES if any(o in r.outcomes for r in all_results)]
    others = []
    for r in all_results:
        others += [o for o in r.outcomes if o not in KEY_OUTCOMES and o not in others]
    header = ("<tr><th>outcome</th><th>units</th>"
              + "".join(f"<th>{_e(label)}<br><span class='muted'>mean [95% interval]</span></th>" for label in labels)
              + "</tr>")
    out = ["<p>Replicate means of the per-run outcomes with 95% Student t intervals over runs "
           "(as <code>ppisim summary</code>); shares are of all mothers born in the measured window. "
           "n is the number of runs in which the outcome is defined.</p>",
           f"<table>{header}\n{_outcome_rows(all_results, present)}</table>"]
    sweeps = [label for r, label in zip(all_results, labels) if r.is_sweep]
    if sweeps:
        out.insert(1, f"<p class='note'>{_e(', '.join(sweeps))}: a sweep, so its means pool every design point "
                      "and its intervals reflect the spread over the design as well as chance; the Sensitivity "
                      "section says which factors drive it.</p>")
    for r, label in zip(all_results, labels):
        draws = posterior.run_draws(r.path)
        if draws is not None:
            out.insert(1, f"<p class='note'>{_e(label)} ran at {len(np.unique(draws))} draws of a calibration's posterior: "
                          "the interval in this table is of the mean over all its runs. What covers parameter and "
                          "replicate uncertainty is in the table after it.</p>")
            out.append(_posterior_run_section(r, label, draws))
    if others:
        out.append(f"<details><summary>Other outcomes ({len(others)})</summary>"
                   f"<table>{header}\n{_outcome_rows(all_results, others)}</table></details>")
    return "\n".join(out)


def _comparison_section(a: Results, b: Results, label_a: str, label_b: str) -> tuple[str, object]:
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
    out = [f"<h3>{_e(label_b)} compared with {_e(label_a)}</h3>",
           "<p>Risk = share of mothers who have <strong>stopped</strong> breastfeeding (any breastfeeding) by each "
           f"age = 1 − share still breastfeeding. Relative risk below 1: fewer mothers stopped in "
           f"<em>{_e(label_b)}</em> than in <em>{_e(label_a)}</em>.</p>",
           f"<p><strong>Method: {_e(method)}.</strong> {_e(how)}</p>"]
    for note in cmp.attrs.get("notes", []):
        out.append(f"<p class='note'>{_e(note)}</p>")
    out.append("<table><tr><th>stopped by</th>"
               f"<th>risk in {_e(label_a)}</th><th>risk in {_e(label_b)}</th>"
               "<th>difference (percentage points)</th><th>relative risk</th><th>runs</th></tr>")
    def points(v):
        return "–" if not math.isfinite(v) else f"{100 * v:+.2f}"

    def ratio(v):
        return "–" if not math.isfinite(v) else f"{v:.3f}"

    def cell(row, column, fmt):
        lo, hi = row[f"{column}_lo95"], row[f"{column}_hi95"]
        interval = f" [{fmt(lo)}, {fmt(hi)}]" if math.isfinite(lo) and math.isfinite(hi) else ""
        return f"<td class='num'>{_e(fmt(row[column]) + interval)}</td>"

    for _, row in cmp.iterrows():
        runs = f"{row['n_pairs']} pairs" if method == "paired" else f"{row['n_a']} and {row['n_b']}"
        out.append(f"<tr><td>{_e(row['age'])}<br>"
                   f"<span class='muted'><code>1 − {_e(row['outcome'])}</code></span></td>"
                   + cell(row, "risk_a", _pct) + cell(row, "risk_b", _pct) + cell(row, "difference", points)
                   + cell(row, "rr", ratio) + f"<td class='num'>{_e(runs)}</td></tr>")
    out.append("</table>")
    ya, yb = _flatten(a.scenario), _flatten(b.scenario)
    differing = [k for k in dict.fromkeys([*ya, *yb]) if k not in ("name", "description") and ya.get(k) != yb.get(k)]
    if differing:
        out.append("<p>What differs between the two resolved scenarios:</p><table><tr><th>setting</th>"
                   f"<th>{_e(label_a)}</th><th>{_e(label_b)}</th></tr>")
        for key in differing:
            out.append(f"<tr><td><code>{_e(key)}</code></td><td>{_e(_yaml_value(ya.get(key, '–')))}</td>"
                       f"<td>{_e(_yaml_value(yb.get(key, '–')))}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>The two resolved scenarios are identical apart from their name and description.</p>")
    return "\n".join(out), cmp


GRAPH_CAPTION = "The social graph at the end of the first run"


def _figure(fig, caption: str) -> str:
    data = base64.b64encode(plots.figure_png(fig)).decode("ascii")
    return (f"<figure><img alt='{_e(caption)}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{_e(caption)}</figcaption></figure>")


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


def _model_words(results: Results) -> str:
    """What the sweep varies: the base scenario, or an analytic test function (HTML)."""
    model = results.experiment.get("model")
    if model is not None:
        if isinstance(model, dict) and len(model) == 1:
            kind, settings = next(iter(model.items()))
            if isinstance(settings, dict) and settings:
                kind = f"{kind} (" + ", ".join(f"{k} = {_yaml_value(v)}" for k, v in settings.items()) + ")"
        else:
            kind = _yaml_value(model)
        return (f"the analytic test function <strong>{_e(kind)}</strong> (a check of the estimators against "
                "known indices, not the simulation model)")
    name = results.scenario.get("name") or results.experiment.get("base") or "the base scenario"
    return f"the scenario <strong>{_e(name)}</strong>"


def _design_sentence(results: Results) -> str:
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
    return (f"The experiment <strong>{_e(results.name)}</strong> varies {_plural(k, 'factor')} of "
            f"{_model_words(results)} over {_e(DESIGN_WORDS.get(method, method + ' design'))}: {_e(size)}, "
            f"{_e(each)}; {runs} runs in all (design seed {_e(seed)}).")


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


def _factor_table(results: Results) -> str:
    rows = ["<table><tr><th>factor</th><th>varied over</th><th>units</th><th>meaning</th></tr>"]
    for factor in results.factors:
        if factor in results.parameters:
            units = results.units_by_group["parameters"].get(factor, "")
            meaning = results.descriptions_by_group["parameters"].get(factor, "")
        elif factor in results.factor_levels:
            units, meaning = "choice", ("a named set of scenario changes" if "." not in factor
                                        else "a choice parameter (see the resolved scenario)")
        else:
            units, meaning = "", ""
        rows.append(f"<tr><td><code>{_e(factor)}</code></td><td>{_e(_factor_range(results, factor))}</td>"
                    f"<td>{_e(units)}</td><td>{_e(meaning)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


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


def _interval_cell(value: float, lo: float, hi: float, fmt) -> str:
    text = fmt(value)
    if math.isfinite(lo) and math.isfinite(hi):
        text += f" [{fmt(lo)}, {fmt(hi)}]"
    return f"<td class='num'>{_e(text)}</td>"


def _sobol_outcome_table(table) -> tuple[str, bool]:
    """The table (largest ST first) and whether the estimates look unstable."""
    def fmt(v):
        return "–" if not math.isfinite(v) else f"{v:.3f}"
    order = table["ST"].fillna(-math.inf).sort_values(ascending=False, kind="stable").index
    rows = ["<table><tr><th>factor</th><th>S1, first order [95% interval]</th>"
            "<th>ST, total [95% interval]</th><th>ST − S1 (interactions)</th></tr>"]
    unstable = False
    for i in order:
        row = table.loc[i]
        s1, st = float(row["S1"]), float(row["ST"])
        for v in (s1, st):
            if math.isfinite(v) and not -0.05 <= v <= 1.05:
                unstable = True
        if math.isfinite(s1) and math.isfinite(st) and s1 > st + 0.05:
            unstable = True
        rows.append(f"<tr><td><code>{_e(row['factor'])}</code></td>"
                    + _interval_cell(s1, float(row["S1_lo95"]), float(row["S1_hi95"]), fmt)
                    + _interval_cell(st, float(row["ST_lo95"]), float(row["ST_hi95"]), fmt)
                    + f"<td class='num'>{_e(fmt(st - s1))}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows), unstable


def _morris_outcome_table(table) -> str:
    def fmt(v):
        return "–" if not math.isfinite(v) else _g(v, 3)
    order = table["mu_star"].fillna(-math.inf).sort_values(ascending=False, kind="stable").index
    rows = ["<table><tr><th>factor</th><th>μ*, mean |effect|</th><th>μ, mean effect</th>"
            "<th>σ, spread of the effects</th><th>σ / μ*</th></tr>"]
    for i in order:
        row = table.loc[i]
        mu_star, sigma = float(row["mu_star"]), float(row["sigma"])
        ratio = sigma / mu_star if math.isfinite(sigma) and mu_star > 0 else math.nan
        rows.append(f"<tr><td><code>{_e(row['factor'])}</code></td>"
                    + _interval_cell(mu_star, float(row["mu_star_lo95"]), float(row["mu_star_hi95"]), fmt)
                    + _interval_cell(float(row["mu"]), float(row["mu_lo95"]), float(row["mu_hi95"]), fmt)
                    + _interval_cell(sigma, float(row["sigma_lo95"]), float(row["sigma_hi95"]), fmt)
                    + f"<td class='num'>{_e(fmt(ratio))}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


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


def _sensitivity_section(results: Results, label: str | None) -> str:
    out = [f"<h3>{_e(label)}</h3>"] if label else []
    description = str(results.experiment.get("description", "") or "").strip()
    if description:
        out.append(f"<p><em>{_e(description)}</em></p>")
    out.append(f"<p>{_design_sentence(results)}</p>")
    out.append(_factor_table(results))
    method = sensitivity_method(results)
    outcomes = analysed_outcomes(results)
    replicates = _as_int(results.attrs.get("replicates")) or 1
    if method == "sobol":
        out.append(f"<p class='muted'>{_e(SOBOL_GUIDE)}</p>")
    elif method == "morris":
        out.append(f"<p class='muted'>{_e(MORRIS_GUIDE)}</p>")
    elif outcomes:
        out.append(f"<p>A {_e(results.design_method or 'grid')} design gives no sensitivity indices here; "
                   "the file holds each run's parameters and design point (<code>summary</code>, "
                   "<code>design</code>) for an analysis of its own.</p>")
    if not outcomes:
        out.append("<p>The file holds no sensitivity table.</p>")
    for outcome in outcomes:
        units = results.units_by_group["summary"].get(outcome, "")
        description = results.descriptions_by_group["summary"].get(outcome, "")
        subtitle = (f" <span class='muted'>{_e(description)}" + (f" ({_e(units)})" if units else "") + "</span>"
                    if description else "")
        out.append(f"<h4><code>{_e(outcome)}</code>{subtitle}</h4>")
        share = noise_share(results, outcome)
        if method in ("sobol", "morris"):
            table = sensitivity_table(results, outcome)
            if method == "sobol":
                text, unstable = _sobol_outcome_table(table)
                out.append(text)
                if unstable:
                    out.append("<p class='note'>Some indices lie outside 0 to 1, or a first-order index exceeds "
                               "its total: with this few base samples the estimates are unstable; a larger "
                               "<code>design.base_samples</code> would settle them.</p>")
            else:
                out.append(_morris_outcome_table(table))
        out.append(f"<p>{_e(_noise_sentence(outcome, share, replicates))}</p>")
        if method == "sobol":
            out.append(_figure(plots.plot_sobol(results, outcome),
                               f"Sobol indices of {outcome}: first-order (S1) and total (ST) with bootstrap 95% "
                               "intervals, factors sorted by ST."))
        elif method == "morris":
            out.append(_figure(plots.plot_morris(results, outcome),
                               f"Morris screening of {outcome}: each factor at its μ* (mean absolute effect) and σ "
                               "(spread of its effects); above the dashed line the effect varies more than it "
                               "averages."))
    return "\n".join(out)


# -- which numbers come from data ---------------------------------------------------------

SOURCE_WORDS = {
    "data": "From data",
    "calibrated": "Calibrated to data",
    "assumption": "Assumptions",
    "setting": "Settings of the simulation",
}


def find_binary() -> Path | None:
    """The ppisim binary to ask for parameter sources: $PPISIM_BINARY when set,
    else build/ppisim in the repository this package lives in; None if neither
    is an executable file."""
    configured = os.environ.get("PPISIM_BINARY")
    candidate = Path(configured) if configured else Path(__file__).resolve().parent.parent.parent / "build" / "ppisim"
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


@functools.lru_cache(maxsize=4)
def _params_listing(binary: str, stamp: tuple) -> tuple[tuple, str]:
    listing = subprocess.run([binary, "params", "--format", "yaml"], capture_output=True, text=True, timeout=30,
                             stdin=subprocess.DEVNULL)
    if listing.returncode != 0:
        raise ValueError(f"ppisim params exited with {listing.returncode}")
    parsed = yaml.safe_load(listing.stdout)
    if not isinstance(parsed, list) or not all(isinstance(p, dict) and "path" in p for p in parsed):
        raise ValueError("ppisim params --format yaml did not give a list of parameters")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30,
                             stdin=subprocess.DEVNULL).stdout.strip()
    return tuple(parsed), version


def parameter_sources() -> tuple[list[dict] | None, str]:
    """(`ppisim params --format yaml` as a list of dicts, the binary's version),
    or (None, why not): the results files do not store where parameters come from."""
    binary = find_binary()
    if binary is None:
        where = os.environ.get("PPISIM_BINARY") or "build/ppisim"
        return None, f"no executable ppisim at {where} (set PPISIM_BINARY)"
    try:
        info = binary.stat()
        parameters, version = _params_listing(str(binary), (info.st_mtime_ns, info.st_size))
    except (OSError, subprocess.SubprocessError, yaml.YAMLError, ValueError) as error:
        return None, f"ppisim params failed: {error}"
    return [dict(p) for p in parameters], version


def _default_number(default) -> float | None:
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
        elif key not in r.parameters:
            flat = _flatten(r.scenario)
            if key in flat and isinstance(flat[key], str) and isinstance(default, str) and flat[key] != default:
                changed.append(r.name)
    return changed


def _sources_section(all_results: Sequence[Results]) -> str:
    """The 'Which numbers come from data' note, or an HTML comment saying why it is left out."""
    used = set()
    for r in all_results:
        used.update(r.parameters)
        used.update(_flatten(r.scenario))
    listing, version = parameter_sources()
    if listing is None:
        return f"<!-- parameter sources left out: {_e(version).replace('--', '- -')} -->"
    specs = [p for p in listing if p["path"] in used and p.get("source") in SOURCE_WORDS]
    if not specs:
        return ""  # an analytic test function: no model parameters
    factors = {f for r in all_results if r.is_sweep for f in _varied_in_sweep(r)}
    by_source: dict[str, list[dict]] = {source: [] for source in SOURCE_WORDS}
    for spec in specs:
        by_source[spec["source"]].append(spec)
    counts = ", ".join(f"{len(v)} {w}" for w, v in (("from data", by_source["data"]),
                                                     ("calibrated to data", by_source["calibrated"]),
                                                     ("assumptions", by_source["assumption"]),
                                                     ("settings", by_source["setting"])))
    out = ["<h2>Which numbers come from data</h2>",
           f"<p>Of the {len(specs)} model parameters "
           f"{'these scenarios use' if len(all_results) > 1 else 'the scenario uses'}: "
           f"{_e(counts)}. <strong>Data</strong>: a published figure or statistic; <strong>calibrated</strong>: fitted "
           "so that the model reproduces data; <strong>assumption</strong>: the modellers' judgement, with no direct "
           "data, so results that hinge on it are only as good as the assumption (a sweep over it shows how much "
           "it matters); <strong>setting</strong>: a choice of what to simulate. The results files do not store "
           f"sources; these are as listed by <code>{_e(version or 'ppisim')}</code> (<code>ppisim params</code>).</p>"]
    file_versions = {str(r.attrs.get("ppisim_version", "")) for r in all_results}
    if version and not any(v and v in version for v in file_versions):
        out.append(f"<p class='note'>The results were written by ppisim {_e(', '.join(sorted(file_versions)))}; "
                   "sources may have changed since.</p>")
    out.append("<table><tr><th>source</th><th>parameters</th></tr>")
    for source in ("data", "calibrated", "assumption"):
        names = []
        for spec in by_source[source]:
            name = f"<code>{_e(spec['path'])}</code>"
            if spec["path"] in factors:
                name += " (varied in the sweep)"
            names.append(name)
        out.append(f"<tr><th>{_e(SOURCE_WORDS[source])} ({len(names)})</th>"
                   f"<td>{', '.join(names) if names else '–'}</td></tr>")
    out.append("</table>")
    departures = []
    for spec in by_source["data"] + by_source["calibrated"]:
        changed = _departures(spec, all_results)
        if changed:
            departures.append(f"<code>{_e(spec['path'])}</code> (default {_e(_yaml_value(spec.get('default')))}; "
                              f"changed in {_e(', '.join(changed))})")
    if departures:
        out.append("<p>Set by a scenario to another value than its data-based default, so the scenario's own "
                   "source applies (see its comments): " + "; ".join(departures) + ".</p>")
    return "\n".join(out)


def _provenance_section(all_results: Sequence[Results], labels: Sequence[str]) -> str:
    keys = [("file", None), ("scenario_name", "scenario"), ("ppisim_version", "ppisim version"),
            ("git_revision", "git revision"), ("seed", "base seed"), ("replicates", "replicates"),
            ("runs", "runs"), ("days", "days"), ("created", "created (UTC)"),
            ("format_version", "format version"), ("command_line", "command line")]
    out = ["<table><tr><th></th>" + "".join(f"<th>{_e(label)}</th>" for label in labels) + "</tr>"]
    for key, title in keys:
        cells = []
        for r in all_results:
            value = str(r.path.resolve()) if key == "file" else r.attrs.get(key, "–")
            cells.append(f"<td><code>{_e(value)}</code></td>" if key in ("file", "command_line", "git_revision")
                         else f"<td>{_e(value)}</td>")
        out.append(f"<tr><th>{_e(title or key)}</th>{''.join(cells)}</tr>")
    out.append("</table>")
    dirty = [label for r, label in zip(all_results, labels) if str(r.attrs.get("git_revision", "")).endswith("-dirty")]
    if dirty:
        out.append(f"<p class='note'>Built from uncommitted changes (<code>-dirty</code>): {_e(', '.join(dirty))}. "
                   "The revision alone does not identify the code that produced these results.</p>")
    return "\n".join(out)


def render_report(all_results: Sequence[Results], title: str | None = None) -> str:
    """The report as one HTML string (see the module docstring)."""
    if not all_results:
        raise ValueError("a report needs at least one results file")
    labels = plots._labels(list(all_results))
    if title is None:
        title = "ppisim report: " + (labels[0] if len(labels) == 1 else f"{labels[0]} and " + ", ".join(labels[1:]))
    body = [f"<h1>{_e(title)}</h1>",
            f"<p class='muted'>Report written {_e(_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))} "
            f"by <code>{_e(PROGRAM)}</code> from {len(all_results)} results file{'s' if len(all_results) != 1 else ''}"
            + (f"; <strong>{_e(labels[0])}</strong> is the reference for comparisons" if len(all_results) > 1 else "")
            + ".</p>"]

    body.append("<h2>Scenario" + ("s" if len(all_results) > 1 else "") + "</h2>")
    for r, label in zip(all_results, labels):
        body.append(_scenario_section(r, label))

    body.append(_sources_section(all_results))

    body.append("<h2>Key outcomes</h2>")
    body.append(_outcomes_section(all_results, labels))

    sweeps = [(r, label) for r, label in zip(all_results, labels) if r.is_sweep]
    if sweeps:
        body.append("<h2>Sensitivity</h2>")
        for r, label in sweeps:
            body.append(_sensitivity_section(r, label if len(all_results) > 1 else None))

    comparisons = []
    if len(all_results) > 1:
        body.append("<h2>Comparison: risk of having stopped breastfeeding</h2>")
        needed = [f"any_bf_{age}" for age in ANY_BF_AGES]
        for r, label in zip(all_results[1:], labels[1:]):
            missing = [o for o in needed if o not in all_results[0].outcomes or o not in r.outcomes]
            if missing:
                body.append(f"<h3>{_e(label)} compared with {_e(labels[0])}</h3><p class='note'>Not compared: "
                            f"{_e(', '.join(missing))} missing from a file (an analytic test function?).</p>")
                continue
            if r.is_sweep or all_results[0].is_sweep:
                body.append(f"<p class='note'>{_e(label)} or {_e(labels[0])} is a sweep: its runs pool many "
                            "parameter values, so this comparison is of averages over a design.</p>")
            section, cmp = _comparison_section(all_results[0], r, labels[0], label)
            body.append(section)
            comparisons.append((label, cmp))

    body.append("<h2>Figures</h2>")
    series = [s for s in PLOTTED_SERIES if all(s in r.series for r in all_results)]
    for name in series:
        fig = plots.plot_timeseries(list(all_results), name)
        description = all_results[0].descriptions_by_group["timeseries"].get(name, name)
        body.append(_figure(fig, f"{description} ({name}): median over runs with the band holding the middle 90% "
                                 "of runs, by simulated day."))
    for prefix, words in (("any_bf_", "any breastfeeding"), ("excl_bf_", "exclusive breastfeeding")):
        outcomes = [f"{prefix}{age}" for age in ANY_BF_AGES if any(f"{prefix}{age}" in r.outcomes for r in all_results)]
        having = [r for r in all_results if any(o in r.outcomes for o in outcomes)]  # not a test function's file
        if outcomes:
            fig = plots.plot_outcome_bars(having, outcomes, title=f"Share of mothers still doing {words}")
            body.append(_figure(fig, f"Share of mothers still doing {words} at each age: replicate means with "
                                     "95% intervals, by scenario."))
    for r, label in zip(all_results, labels):
        if r.is_sweep:
            continue
        nodes, _ = r.graph
        if nodes.empty:
            continue
        fig = plots.plot_graph(r, "trust")
        body.append(_figure(fig, f"{GRAPH_CAPTION}{' (' + label + ')' if len(all_results) > 1 else ''}: "
                                 f"professionals (squares) and volunteers (circles) on day {nodes.attrs.get('day')} "
                                 f"of run {nodes.attrs.get('run')}, coloured by their trust, with team, cohort "
                                 "and working ties (working ties coloured by trust; inactive volunteers grey)."))
    for label, cmp in comparisons:
        fig = plots.plot_relative_risks(cmp)
        body.append(_figure(fig, f"Relative risk of having stopped breastfeeding, {label} vs {labels[0]} "
                                 f"({cmp.attrs['method']} runs), with 95% intervals; left of 1 favours {label}."))

    body.append("<h2>Provenance</h2>")
    body.append(_provenance_section(all_results, labels))

    body.append("<h2>Resolved scenario" + ("s" if len(all_results) > 1 else "") + "</h2>")
    for r, label in zip(all_results, labels):
        body.append(f"<details><summary>{_e(label)}: the fully resolved scenario stored in the file "
                    "(<code>scenario_yaml</code>)</summary>"
                    f"<pre>{_e(r.attrs.get('scenario_yaml', '(not stored)'))}</pre></details>")

    return ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


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
    and how the generations went, with the figures."""
    title = title or f"ppisim calibration report: {p.name}"
    generations = p.generations
    last = generations.iloc[-1]
    body = [f"<h1>{_e(title)}</h1>",
            f"<p class='muted'>Report written {_e(_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))} "
            f"by <code>{_e(PROGRAM)}</code> from the posterior file <code>{_e(p.path)}</code>.</p>",
            f"<p>{_e(p.attrs.get('description', ''))}</p>",
            f"<p>{_e(p.attrs.get('method', 'ABC-SMC'))} on {_e(p.attrs.get('model', '?'))}: {len(generations)} generations of "
            f"{len(p.weights)} particles; stopped: {_e(p.attrs.get('stop_reason', '?'))}. The posterior is the last generation: "
            f"tolerance {_g(last['tolerance'])} target standard errors, acceptance rate {_g(last['acceptance_rate'], 3)}, "
            f"effective sample size {last['ess']:.0f}"
            + (f", replicate noise of the distance {_g(last['replicate_noise'], 3)}" if math.isfinite(last['replicate_noise']) else "")
            + ".</p>"]
    body.append("<h2>Parameters</h2><table><tr><th>parameter</th><th>median</th><th>95% credible interval</th>"
                "<th>mean</th><th>sd</th><th>prior</th><th>unit</th></tr>")
    for _, row in posterior.posterior_table(p).iterrows():
        body.append(f"<tr><td><code>{_e(row['parameter'])}</code></td><td class='num'>{_g(row['median'])}</td>"
                    f"<td class='num'>[{_g(row['lo95'])}, {_g(row['hi95'])}]</td><td class='num'>{_g(row['mean'])}</td>"
                    f"<td class='num'>{_g(row['sd'])}</td><td>{_e(row['prior'])}</td><td>{_e(row['unit'])}</td></tr>")
    body.append("</table><p class='muted'>Weighted quantiles of the posterior particles: what the targets, their "
                "uncertainty and the priors together say about each parameter.</p>")
    body.append(_figure(posterior.plot_marginals(p), "Posterior of each parameter (weighted histogram of the particles)."))
    if len(p.parameters) > 1:
        correlations = posterior.posterior_correlations(p)
        body.append("<h3>Correlations</h3><table><tr><th></th>"
                    + "".join(f"<th><code>{_e(name)}</code></th>" for name in p.parameters) + "</tr>")
        for name in p.parameters:
            body.append(f"<tr><th><code>{_e(name)}</code></th>"
                        + "".join(f"<td class='num'>{correlations.loc[name, other]:.3f}</td>" for other in p.parameters) + "</tr>")
        body.append("</table><p class='muted'>A strong correlation means the targets fix a combination of the two "
                    "parameters, not each one.</p>")
        body.append(_figure(posterior.plot_pairs(p), "Pairwise posteriors: each particle, darker for a larger weight."))
    body.append("<h2>Posterior-predictive check</h2><table><tr><th>target</th><th>what</th><th>observed</th>"
                "<th>observed 95%</th><th>predicted median</th><th>predicted 95%</th></tr>")
    for _, row in posterior.predictive_table(p).iterrows():
        observed = (f"[{_g(row['lo95'])}, {_g(row['hi95'])}]" if math.isfinite(row["lo95"])
                    else f"se {_g(row['standard_error'] * (row['observed'] if row['log_scale'] else 1.0))}")
        body.append(f"<tr><td><code>{_e(row['target'])}</code></td><td>{_e(row['description'])}</td>"
                    f"<td class='num'>{_g(row['observed'])}</td><td class='num'>{observed}</td>"
                    f"<td class='num'>{_g(row['predicted_median'])}</td>"
                    f"<td class='num'>[{_g(row['predicted_lo95'])}, {_g(row['predicted_hi95'])}]</td></tr>")
    body.append("</table><p class='muted'>Predicted: one fresh simulation of each posterior particle, weighted; the "
                "interval covers parameter and replicate uncertainty together.</p>")
    body.append(_figure(posterior.plot_predictive(p), "Observed values and intervals beside the posterior predictive intervals."))
    body.append("<h2>Generations</h2><table><tr><th>generation</th><th>tolerance</th><th>acceptance rate</th><th>ESS</th>"
                "<th>proposals</th><th>replicate noise</th><th>seconds</th></tr>")
    for _, row in generations.iterrows():
        body.append(f"<tr><td class='num'>{int(row['generation'])}</td><td class='num'>{_g(row['tolerance'])}</td>"
                    f"<td class='num'>{_g(row['acceptance_rate'], 3)}</td><td class='num'>{row['ess']:.0f}</td>"
                    f"<td class='num'>{int(row['attempts'])}</td><td class='num'>{_g(row['replicate_noise'], 3)}</td>"
                    f"<td class='num'>{row['seconds']:.1f}</td></tr>")
    body.append("</table>")
    body.append("<h2>Calibration file</h2><details><summary>as given (<code>calibration_yaml</code>)</summary>"
                f"<pre>{_e(p.attrs.get('calibration_yaml', ''))}</pre></details>")
    return ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _render_any(paths: Sequence[str | os.PathLike], title: str | None) -> str:
    """A posterior file's report, or the report of results files; raises ValueError for a mixture."""
    posteriors = [path for path in paths if posterior.is_posterior_file(path)]
    if posteriors:
        if len(paths) != 1:
            raise ValueError(f"{posteriors[0]}: a calibration's posterior file is reported on its own")
        return render_posterior_report(posterior.load_posterior(posteriors[0]), title)
    return render_report([load_results(path) for path in paths], title)


def write_report(results_paths: str | os.PathLike | Sequence[str | os.PathLike], output_html: str | os.PathLike,
                 title: str | None = None) -> Path:
    """Loads the results files (the first is the reference for comparisons) and
    writes one self-contained HTML report to output_html, atomically."""
    if isinstance(results_paths, (str, os.PathLike)):
        results_paths = [results_paths]
    output = Path(output_html)
    if not output.parent.is_dir() and str(output.parent):
        raise ValueError(f"{output}: the output folder '{output.parent}' does not exist")
    return write_atomically(output, _render_any(list(results_paths), title))


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
    args = parser.parse_args(argv)
    output = Path(args.output) if args.output else Path(args.results[0]).with_suffix(".html")
    try:
        if str(output.parent) and not output.parent.is_dir():
            raise ValueError(f"{output}: the output folder '{output.parent}' does not exist")
        check_replaceable(output)
        text = _render_any(args.results, args.title)
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
