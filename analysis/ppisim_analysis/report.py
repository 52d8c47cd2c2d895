"""One self-contained HTML report of one or more ppisim results files.

    /usr/bin/python3 -m ppisim_analysis.report breastfriends.h5 no_peer_support.h5 -o report.html

(run from analysis/, or with PYTHONPATH=analysis from the repository root).
The first file is the reference: every other file is compared with it as
relative risks of having stopped breastfeeding. The report is a single HTML
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
import html
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from . import plots
from .load import Results, load_results
from .stats import ANY_BF_AGES, compare, summarise

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

    def has(self, key: str) -> bool:
        return key in self.results.parameters or key in self.yaml

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
        if key in self.yaml:
            return _yaml_value(self.yaml[key]).replace("_", " ")
        return "–"

    def description(self, key: str) -> str:
        return self.results.descriptions_by_group["parameters"].get(key, "")

    def units(self, key: str) -> str:
        return self.results.units_by_group["parameters"].get(key, "")


# -- sections -------------------------------------------------------------------

def _plain_words(results: Results) -> str:
    p = _Parameters(results)
    s = []
    horizon = p.number("horizon")
    replicates = results.attrs.get("replicates", results.runs)
    if horizon is not None:
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
        mode = p.text("scheme.contact_schedule.mode") if p.has("scheme.contact_schedule.mode") else None
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
    out.append(f"<p>{_e(_plain_words(results))}</p>")
    out.append("<table><tr><th>parameter</th><th>value</th><th>units in the file</th><th>meaning</th></tr>")
    for key in KEY_PARAMETERS:
        if p.has(key):
            out.append(f"<tr><td><code>{_e(key)}</code></td><td>{_e(p.text(key))}</td>"
                       f"<td>{_e(p.units(key) or 'choice')}</td><td>{_e(p.description(key))}</td></tr>")
    out.append("</table>")
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


def _figure(fig, caption: str) -> str:
    data = base64.b64encode(plots.figure_png(fig)).decode("ascii")
    return (f"<figure><img alt='{_e(caption)}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{_e(caption)}</figcaption></figure>")


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

    body.append("<h2>Key outcomes</h2>")
    body.append(_outcomes_section(all_results, labels))

    comparisons = []
    if len(all_results) > 1:
        body.append("<h2>Comparison: risk of having stopped breastfeeding</h2>")
        for r, label in zip(all_results[1:], labels[1:]):
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
        if outcomes:
            fig = plots.plot_outcome_bars(list(all_results), outcomes, title=f"Share of mothers still doing {words}")
            body.append(_figure(fig, f"Share of mothers still doing {words} at each age: replicate means with "
                                     "95% intervals, by scenario."))
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


def write_atomically(path: str | os.PathLike, text: str) -> Path:
    """Writes text to path through a hidden temporary file in the same folder,
    renamed into place when complete; on failure nothing is left behind."""
    path = Path(path)
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


def write_report(results_paths: str | os.PathLike | Sequence[str | os.PathLike], output_html: str | os.PathLike,
                 title: str | None = None) -> Path:
    """Loads the results files (the first is the reference for comparisons) and
    writes one self-contained HTML report to output_html, atomically."""
    if isinstance(results_paths, (str, os.PathLike)):
        results_paths = [results_paths]
    output = Path(output_html)
    if not output.parent.is_dir() and str(output.parent):
        raise ValueError(f"{output}: the output folder '{output.parent}' does not exist")
    all_results = [load_results(p) for p in results_paths]
    return write_atomically(output, render_report(all_results, title))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python3 -m {PROGRAM}",
        description="Write one self-contained HTML report of ppisim results files. The first file is the "
                    "reference; every other file is compared with it (relative risks of having stopped "
                    "breastfeeding).",
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
        all_results = [load_results(path) for path in args.results]
    except (ValueError, OSError) as error:  # bad input: nothing is written
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROGRAM}: interrupted; no report written", file=sys.stderr)
        return 130
    try:
        write_atomically(output, render_report(all_results, args.title))
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
