"""Figures of ppisim results (matplotlib).

Every function returns a `matplotlib.figure.Figure` drawn on the Agg canvas.
Nothing here touches pyplot, so importing this module does not change the
backend of a notebook or a script, nothing is shown, and figures are freed
when no longer referenced. Save one with `fig.savefig("x.png")`.

In Jupyter, such a figure is not shown by itself: Debian's ipykernel only
knows how to draw a Figure as an image once the inline backend is active, so
`display(fig)` alone prints a line of text (`<Figure size 700x380 with 1 Axes>`).
Either run `%matplotlib inline` once in the notebook (then `display(fig)`, or
`fig` as the last line of a cell, shows the image), or, with no magic, use
`display(as_image(fig))` (an `IPython.display.Image` of `figure_png(fig)`).
"""

from __future__ import annotations

import io
import math
from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from .load import GRAPH_LAYERS, Results
from .stats import COMPARED_OUTCOMES, quantile_bands, sensitivity_table, summarise

SHARE_UNITS = {"share", "share of mothers"}

# One drawing style for the report and the classroom page (web/app.js PALETTE, VIRIDIS, SHAPES;
# tests/analysis/test_analysis_style.py holds them equal): the Okabe-Ito palette, which
# colour-blind readers can tell apart, for lines and categories; viridis for scores 0-1;
# professionals as squares and volunteers as circles.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
PALETTE = {"live": "#D55E00", "baseline": "#555555", "usual": "#56B4E9", "waiting": "#E69F00", "supported": "#009E73"}
SCORE_COLOURS = "viridis"
GRAPH_MARKERS = {"professional": "s", "volunteer": "o"}


def is_share(units: str) -> bool:
    """Whether a unit is a share (0..1), shown as a percentage."""
    units = units.strip()
    return units in SHARE_UNITS or units.startswith("share of ")


def _as_list(results) -> list[Results]:
    return [results] if isinstance(results, Results) else list(results)


class _StyledFigure(Figure):
    """A figure whose axes cycle through the Okabe-Ito palette (Figure.subplots adds through add_subplot)."""

    def add_subplot(self, *args, **kwargs):
        ax = super().add_subplot(*args, **kwargs)
        ax.set_prop_cycle(color=OKABE_ITO)
        return ax


def _new_figure(width: float = 7.0, height: float = 3.8) -> Figure:
    fig = _StyledFigure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def set_overrides(r: Results) -> list[str]:
    """The `--set path=value` changes the file's command line made to its scenario, in order."""
    import shlex
    try:
        words = shlex.split(str(r.attrs.get("command_line", "")))
    except ValueError:
        return []
    found = []
    for k, word in enumerate(words):
        if word == "--set" and k + 1 < len(words):
            found.append(words[k + 1])
        elif word.startswith("--set="):
            found.append(word.removeprefix("--set="))
    return found


def _labels(results: list[Results]) -> list[str]:
    """Each file's name; a `--set` variant is named by its change ("breastfriends, scheme.referral_policy=opt_out"),
    and names still alike get their file's name."""
    names = [", ".join([r.name, *set_overrides(r)]) for r in results]
    if len(set(names)) == len(names):
        return names
    return [f"{name} ({r.path.name})" for name, r in zip(names, results)]


def plot_ceac(curve: pd.DataFrame, label: str, currency: str) -> Figure:
    """A cost-effectiveness acceptability curve: the probability that an option's cost per extra
    mother breastfeeding at 6-8 weeks is below each threshold, over posterior draws (from `ceac` in decision.py)."""
    fig = _new_figure(6.5, 3.2)
    ax = fig.add_subplot()
    ax.plot(curve["threshold"], curve["probability"], lw=1.6)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(f"threshold: {currency} a year per extra mother breastfeeding at 6-8 weeks")
    ax.set_ylabel("probability cost-effective")
    ax.set_title(f"{label}: cost-effectiveness acceptability over posterior draws", fontsize=10)
    ax.grid(True, alpha=0.3)
    return fig


def plot_timeseries(results: Results | Sequence[Results], name: str,
                    q: Sequence[float] = (0.05, 0.5, 0.95), title: str | None = None) -> Figure:
    """A daily series over replicates: the middle quantile as a line and the band
    between the lowest and highest quantile shaded, one colour per results file."""
    results = _as_list(results)
    if not results:
        raise ValueError("plot_timeseries needs at least one Results")
    q = sorted(float(x) for x in q)
    middle = min(q, key=lambda x: abs(x - 0.5))
    fig = _new_figure()
    ax = fig.add_subplot()
    for r, label in zip(results, _labels(results)):
        bands = quantile_bands(r.timeseries(name), q)
        line, = ax.plot(bands["day"], bands[f"q{100 * middle:g}"],
                        label=f"{label} ({'median' if middle == 0.5 else f'{100 * middle:g}th centile'})", lw=1.4)
        if len(q) >= 2 and r.runs > 1:
            ax.fill_between(bands["day"], bands[f"q{100 * q[0]:g}"], bands[f"q{100 * q[-1]:g}"],
                            color=line.get_color(), alpha=0.25, lw=0,
                            label=f"{label}: {100 * q[0]:g}-{100 * q[-1]:g}% of {r.runs} runs")
    units = results[0].units_by_group["timeseries"].get(name, "")
    ax.set_xlabel("day of the simulation")
    ax.set_ylabel(f"{name} ({'%' if is_share(units) else units})" if units else name)
    if is_share(units):
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_title(title or results[0].descriptions_by_group["timeseries"].get(name, name), fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return fig


def plot_outcome_bars(results: Results | Sequence[Results], outcomes: Sequence[str] | None = None,
                      title: str | None = None) -> Figure:
    """Replicate means of summary outcomes as grouped bars, one colour per
    scenario, with 95% Student t intervals as error bars."""
    results = _as_list(results)
    if not results:
        raise ValueError("plot_outcome_bars needs at least one Results")
    if outcomes is None:
        outcomes = [o for o in COMPARED_OUTCOMES if o in results[0].outcomes]
    outcomes = list(outcomes)
    units = results[0].units_by_group["summary"].get(outcomes[0], "") if outcomes else ""
    fig = _new_figure(max(6.0, 1.1 * len(outcomes) * max(1, len(results)) ** 0.5 + 2), 4.0)
    ax = fig.add_subplot()
    x = np.arange(len(outcomes))
    width = 0.8 / len(results)
    for k, (r, label) in enumerate(zip(results, _labels(results))):
        estimates = [summarise(r.summary[o]) if o in r.outcomes else summarise([]) for o in outcomes]
        means = np.array([e.mean for e in estimates])
        lower = np.array([e.mean - e.lo95 if math.isfinite(e.lo95) else 0.0 for e in estimates])
        upper = np.array([e.hi95 - e.mean if math.isfinite(e.hi95) else 0.0 for e in estimates])
        ax.bar(x + (k - (len(results) - 1) / 2) * width, means, width * 0.95, yerr=[lower, upper],
               capsize=3, label=label, error_kw={"lw": 1})
    ax.set_xticks(x)
    ax.set_xticklabels([_outcome_label(o, results) for o in outcomes], fontsize=8,
                       rotation=0 if len(outcomes) <= 6 else 30, ha="center" if len(outcomes) <= 6 else "right")
    if is_share(units):
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        ax.set_ylabel("% of mothers")
    elif units:
        ax.set_ylabel(units)
    ax.set_title(title or "Replicate means with 95% intervals", fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def plot_relative_risks(comparison: pd.DataFrame, title: str | None = None) -> Figure:
    """Relative risks of having stopped breastfeeding (rows of `compare`), as
    points with 95% intervals on a log scale, with the line of no effect."""
    fig = _new_figure(6.5, 0.5 * len(comparison) + 1.8)
    ax = fig.add_subplot()
    y = np.arange(len(comparison))[::-1]
    rr = comparison["rr"].to_numpy(dtype=float)
    lo = comparison["rr_lo95"].to_numpy(dtype=float)
    hi = comparison["rr_hi95"].to_numpy(dtype=float)
    finite = np.isfinite(lo) & np.isfinite(hi)
    shown = np.isfinite(rr)
    if shown.any():
        below, above = np.where(finite, rr - lo, 0), np.where(finite, hi - rr, 0)
        ax.errorbar(rr[shown], y[shown], xerr=[below[shown], above[shown]], fmt="o", capsize=4, color=OKABE_ITO[0])
    for k in np.flatnonzero(~shown):
        ax.annotate("undefined", (1.0, y[k]), ha="center", va="center", fontsize=8, color="grey")
    ax.axvline(1.0, color="grey", lw=1, ls="--")
    ax.set_yticks(y)
    measures = comparison["measure"] if "measure" in comparison else ["any"] * len(comparison)
    ax.set_yticklabels([f"stopped {'exclusive' if m == 'exclusive' else 'any'} by {age}"
                        for m, age in zip(measures, comparison["age"])], fontsize=8)
    values = np.concatenate([rr[np.isfinite(rr)], lo[finite], hi[finite], [1.0]])
    if len(values) and np.all(values > 0) and values.max() / values.min() > 3:
        ax.set_xscale("log")  # wide ranges: ratios and their inverses equally far from 1
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.3g}")
        ax.xaxis.set_minor_formatter(lambda v, _: "")
    elif len(values):
        span = max(values.max() - 1.0, 1.0 - values.min(), 0.005) * 1.25
        ax.set_xlim(1.0 - span, 1.0 + span)
    method = comparison.attrs.get("method", "")
    ax.set_xlabel(f"relative risk, {comparison.attrs.get('b', 'b')} vs {comparison.attrs.get('a', 'a')}"
                  + (f" ({method} runs)" if method else ""))
    ax.set_title(title or "Risk of having stopped breastfeeding among mothers who started:\n"
                 "relative risk with 95% interval", fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def noise_words(share: float, replicates: int) -> str:
    """The replicate-noise share of an outcome in a few words, for titles."""
    if math.isfinite(share):
        return f"replicate noise: {100 * share:.3g}% of one run's variance"
    if replicates <= 1:
        return "replicate noise: not measured (one run per design point)"
    return "replicate noise: undefined (the outcome hardly varies or is often undefined)"


def _sensitivity(results: Results, outcome: str, method: str) -> pd.DataFrame:
    table = sensitivity_table(results, outcome)
    if table.attrs["method"] != method:
        other = {"sobol": "plot_sobol", "morris": "plot_morris"}.get(table.attrs["method"])
        raise ValueError(f"{results.path}: the sweep has no {method.capitalize()} indices of {outcome!r} "
                         f"(design method {results.design_method!r})" + (f"; use {other}" if other else ""))
    return table


def _whiskers(ax, centres, lo, hi, y, color) -> None:
    """95% intervals as horizontal lines with end caps, where both ends are finite
    (drawn directly: a bootstrap interval need not contain its estimate)."""
    ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(y)
    if ok.any():
        ax.hlines(y[ok], lo[ok], hi[ok], color=color, lw=1.1)
        ax.vlines(np.concatenate([lo[ok], hi[ok]]), np.concatenate([y[ok] - 0.08] * 2),
                  np.concatenate([y[ok] + 0.08] * 2), color=color, lw=1.1)


def plot_sobol(results: Results, outcome: str, title: str | None = None) -> Figure:
    """First-order (S1) and total (ST) Sobol indices of one outcome of a sweep,
    as grouped horizontal bars per factor with their bootstrap 95% intervals as
    whiskers; factors sorted by ST, the largest at the top. The title says what
    share of one run's variance is replicate noise. Two bars per factor (S1
    first), in the order of `ax.patches`."""
    table = _sensitivity(results, outcome, "sobol")
    order = np.argsort(-np.nan_to_num(table["ST"].to_numpy(dtype=float), nan=-np.inf), kind="stable")
    table = table.iloc[order].reset_index(drop=True)
    n = len(table)
    fig = _new_figure(7.0, 0.55 * n + 1.9)
    ax = fig.add_subplot()
    y = np.arange(n)[::-1].astype(float)  # the first (largest ST) at the top
    height = 0.38
    for index, offset, color, label in (("S1", height / 2, OKABE_ITO[0], "S1: first order (the factor alone)"),
                                         ("ST", -height / 2, OKABE_ITO[1], "ST: total (with its interactions)")):
        estimate = table[index].to_numpy(dtype=float)
        ax.barh(y + offset, np.nan_to_num(estimate, nan=0.0), height * 0.95, color=color, label=label)
        _whiskers(ax, estimate, table[f"{index}_lo95"].to_numpy(dtype=float),
                  table[f"{index}_hi95"].to_numpy(dtype=float), y + offset, "black")
        for k in np.flatnonzero(~np.isfinite(estimate)):
            ax.annotate("undefined", (0.0, y[k] + offset), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7, color="grey")
    values = table[["S1", "S1_lo95", "S1_hi95", "ST", "ST_lo95", "ST_hi95"]].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    low = min(0.0, values.min()) if len(values) else 0.0
    high = max(1.0, values.max()) if len(values) else 1.0
    pad = 0.04 * (high - low)
    ax.set_xlim(low - pad, high + pad)
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_yticks(y)
    ax.set_yticklabels(table["factor"], fontsize=8)
    ax.set_xlabel(f"share of the variance of {outcome} (design points' replicate means)", fontsize=9)
    ax.set_title(title or f"Sobol indices of {outcome} with bootstrap 95% intervals\n"
                 f"{noise_words(table.attrs['noise_share'], table.attrs['replicates'])}", fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_morris(results: Results, outcome: str, title: str | None = None) -> Figure:
    """The classic Morris chart of one outcome of a sweep: each factor a point
    at (mu*, sigma), labelled with its name. mu* is the mean absolute change in
    the outcome when the factor moves across its whole range one step at a
    time; sigma the spread of those changes (non-linearity or interactions:
    above the dashed line sigma = mu* they dominate). Blue points raise the
    outcome on average (mu > 0), red ones lower it. The title gives the
    replicate-noise share. One point per factor, in `ax.collections[0]`."""
    table = _sensitivity(results, outcome, "morris")
    mu_star = table["mu_star"].to_numpy(dtype=float)
    sigma = table["sigma"].to_numpy(dtype=float)
    mu = table["mu"].to_numpy(dtype=float)
    fig = _new_figure(7.0, 5.0)
    ax = fig.add_subplot()
    colors = [OKABE_ITO[1] if m < 0 else OKABE_ITO[0] for m in np.nan_to_num(mu)]
    ax.scatter(mu_star, sigma, c=colors, s=36, zorder=3)
    finite = np.concatenate([mu_star[np.isfinite(mu_star)], sigma[np.isfinite(sigma)]])
    top = float(finite.max()) * 1.15 if len(finite) and finite.max() > 0 else 1.0
    for name, x, v in zip(table["factor"], mu_star, sigma):
        if math.isfinite(x) and math.isfinite(v):
            right_half = x > 0.55 * top  # label on the side with room
            ax.annotate(name, (x, v), xytext=(-5 if right_half else 5, 4), textcoords="offset points",
                        fontsize=8, ha="right" if right_half else "left")
    ax.plot([0, top], [0, top], color="grey", lw=0.9, ls="--")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    from matplotlib.lines import Line2D
    ax.legend(handles=[Line2D([], [], ls="", marker="o", color=OKABE_ITO[0], label="raises it on average (μ > 0)"),
                       Line2D([], [], ls="", marker="o", color=OKABE_ITO[1], label="lowers it on average (μ < 0)"),
                       Line2D([], [], ls="--", color="grey", label="σ = μ*: above it, effects vary")],
              fontsize=8, loc="upper left")
    units = results.units_by_group["summary"].get(outcome, "")
    unit_text = f", {units}" if units else ""
    ax.set_xlabel(f"μ*: mean |change in {outcome}| across a factor's range{unit_text}", fontsize=9)
    ax.set_ylabel(f"σ: spread of those changes{unit_text}", fontsize=9)
    ax.set_title(title or f"Morris screening of {outcome}\n"
                 f"{noise_words(table.attrs['noise_share'], table.attrs['replicates'])}", fontsize=10)
    ax.grid(True, alpha=0.3)
    return fig


# Node columns that are not states (identifiers and flags); every other node column can colour the graph.
_GRAPH_ID_COLUMNS = ("vertex", "kind", "role", "locality", "culture", "active")
GRAPH_LAYOUT_SEED = 20240601


def graph_states(nodes: pd.DataFrame) -> list[str]:
    """The state columns of a graph snapshot's nodes (those plot_graph can colour by)."""
    return [c for c in nodes.columns if c not in _GRAPH_ID_COLUMNS]


def _ring_layout(nodes: pd.DataFrame) -> dict[int, tuple[float, float]]:
    """A deterministic layout without networkx: localities around a circle, each with its
    professionals on an inner ring and its volunteers on an outer ring."""
    localities = sorted(nodes["locality"].unique().tolist())
    n_localities = max(len(localities), 1)
    cluster = 0.0 if n_localities == 1 else 3.0
    positions = {}
    for k, locality in enumerate(localities):
        angle = 2 * math.pi * k / n_localities
        cx, cy = cluster * math.cos(angle), cluster * math.sin(angle)
        here = nodes[nodes["locality"] == locality]
        for kind, radius in ((0, 0.6), (1, 1.2)):
            vertices = here.loc[here["kind"] == kind, "vertex"].tolist()
            for j, v in enumerate(vertices):
                a = 2 * math.pi * j / max(len(vertices), 1) + (0.5 if kind else 0.0)
                positions[int(v)] = (cx + radius * math.cos(a), cy + radius * math.sin(a))
    return positions


def graph_layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> dict[int, tuple[float, float]]:
    """Vertex -> (x, y), the same for the same snapshot: a spring layout of every tie
    (all layers, so the picture does not move when layers are left out) with a fixed
    seed when networkx (python3-networkx) is installed, else `_ring_layout`."""
    try:
        import networkx as nx
    except ImportError:
        return _ring_layout(nodes)
    graph = nx.Graph()
    graph.add_nodes_from(int(v) for v in nodes["vertex"])
    graph.add_edges_from(zip(edges["source"].tolist(), edges["target"].tolist()))
    if graph.number_of_nodes() == 0:
        return {}
    positions = nx.spring_layout(graph, seed=GRAPH_LAYOUT_SEED, weight=None,
                                 k=1.5 / math.sqrt(graph.number_of_nodes()), iterations=100)
    return {int(v): (float(xy[0]), float(xy[1])) for v, xy in positions.items()}


def plot_graph(results: Results, colour_by: str = "trust", layers: Sequence[int] = (0, 1, 2),
               title: str | None = None) -> Figure:
    """The social graph at one moment (``results.graph``: a run file's first run on
    its last day). Professionals are squares, volunteers circles, coloured by the
    state `colour_by` (a node column such as trust, concern, self_esteem,
    surveillance; hollow where that state does not apply to the agent);
    inactive volunteers are grey whatever their state. Ties of the chosen
    `layers` (0 team, 1 cohort, 2 working) are thin lines, team grey, cohort
    dashed blue and working ties coloured by their trust weight, each with its
    colour bar. One marker per node, over the PathCollections in
    ``ax.collections``; ties are LineCollections.

    ValueError when the file holds no snapshot (a sweep), `colour_by` is not a
    state column (the message lists them) or a layer is not 0, 1 or 2."""
    nodes, edges = results.graph
    if nodes.empty:
        raise ValueError(f"{results.path}: no social graph snapshot (/snapshot) in this file; "
                         "`ppisim run` stores one, a sweep does not")
    states = graph_states(nodes)
    if colour_by not in states:
        raise ValueError(f"plot_graph: cannot colour by {colour_by!r}: not a state of the graph's nodes; "
                         f"known: {', '.join(states)}")
    layers = [int(layer) for layer in layers]
    unknown = [layer for layer in layers if layer not in GRAPH_LAYERS]
    if unknown:
        raise ValueError(f"plot_graph: unknown layer(s) {unknown}; the layers are "
                         + ", ".join(f"{k} ({name})" for k, name in GRAPH_LAYERS.items()))
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D
    from matplotlib import colormaps

    positions = graph_layout(nodes, edges)
    xy = np.array([positions[int(v)] for v in nodes["vertex"]], dtype=float).reshape(-1, 2)
    fig = _new_figure(8.0, 6.6)
    ax = fig.add_subplot()
    legend = []

    def segments(part: pd.DataFrame) -> np.ndarray:
        return np.array([[positions[int(a)], positions[int(b)]] for a, b in zip(part["source"], part["target"])],
                        dtype=float).reshape(-1, 2, 2)

    edge_styles = {0: dict(colors="0.6", linewidths=0.5, linestyles="solid", alpha=0.6),
                   1: dict(colors=OKABE_ITO[0], linewidths=0.6, linestyles="dashed", alpha=0.6)}
    tie_norm, tie_cmap = Normalize(0.0, 1.0), colormaps[SCORE_COLOURS]
    working_lines = None
    for layer in sorted(set(layers)):
        part = edges[edges["layer"] == layer]
        name = GRAPH_LAYERS[layer]
        if layer in edge_styles:
            lines = LineCollection(segments(part), zorder=1, **edge_styles[layer])
            sample = Line2D([], [], color=edge_styles[layer]["colors"], lw=1,
                            ls="--" if layer == 1 else "-")
        else:
            lines = LineCollection(segments(part), zorder=1, linewidths=0.5, alpha=0.7, cmap=tie_cmap,
                                   norm=tie_norm)
            lines.set_array(part["weight"].to_numpy(dtype=float))
            working_lines = lines
            sample = Line2D([], [], color=tie_cmap(0.75), lw=1)
        ax.add_collection(lines)
        sample.set_label(f"{name} ties ({len(part)})")
        legend.append(sample)

    values = nodes[colour_by].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if len(finite) and finite.min() >= 0.0 and finite.max() <= 1.0:
        node_norm = Normalize(0.0, 1.0)  # scores 0-1: the same colours mean the same values across figures
    elif len(finite):
        node_norm = Normalize(float(finite.min()), float(finite.max()) if finite.max() > finite.min()
                              else float(finite.min()) + 1.0)
    else:
        node_norm = Normalize(0.0, 1.0)
    node_cmap = colormaps[SCORE_COLOURS]
    kind = nodes["kind"].to_numpy()
    active = nodes["active"].to_numpy(dtype=float) if "active" in nodes else np.ones(len(nodes))
    inactive = (kind == 1) & (active == 0)
    coloured_any = None
    for k, size, word in ((0, 26, "professional"), (1, 34, "volunteer")):
        marker = GRAPH_MARKERS[word]
        mine = kind == k
        groups = (("coloured", mine & ~inactive & np.isfinite(values)),
                  ("no state", mine & ~inactive & ~np.isfinite(values)),
                  ("inactive", mine & inactive))
        for what, mask in groups:
            if not mask.any():
                continue
            if what == "coloured":
                coloured_any = ax.scatter(xy[mask, 0], xy[mask, 1], c=values[mask], cmap=node_cmap, norm=node_norm,
                                          marker=marker, s=size, edgecolors="black", linewidths=0.4, zorder=3)
                legend.append(Line2D([], [], ls="", marker=marker, markerfacecolor=node_cmap(0.6),
                                     markeredgecolor="black", label=f"{word}s ({int(mask.sum())})"))
            elif what == "no state":
                ax.scatter(xy[mask, 0], xy[mask, 1], marker=marker, s=size, facecolors="white",
                           edgecolors="0.35", linewidths=0.7, zorder=2)
                legend.append(Line2D([], [], ls="", marker=marker, markerfacecolor="white", markeredgecolor="0.35",
                                     label=f"{word}s: no {colour_by} ({int(mask.sum())})"))
            else:
                ax.scatter(xy[mask, 0], xy[mask, 1], marker=marker, s=size, color="0.8", edgecolors="0.55",
                           linewidths=0.4, zorder=2)
                legend.append(Line2D([], [], ls="", marker=marker, markerfacecolor="0.8", markeredgecolor="0.55",
                                     label=f"inactive {word}s ({int(mask.sum())})"))

    if len(xy):
        pad = 0.05 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9)
        ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
        ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    from matplotlib.cm import ScalarMappable
    units = "score 0-1" if node_norm.vmin == 0.0 and node_norm.vmax == 1.0 else ""
    bar = fig.colorbar(coloured_any if coloured_any is not None else ScalarMappable(node_norm, node_cmap),
                       ax=ax, shrink=0.75, pad=0.01)
    bar.set_label(f"{colour_by}" + (f" ({units})" if units else ""), fontsize=9)
    if working_lines is not None:
        tie_bar = fig.colorbar(working_lines, ax=ax, shrink=0.75, pad=0.01)
        tie_bar.set_label("trust on working ties (score 0-1)", fontsize=9)
    ax.legend(handles=legend, fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.01), ncol=3, frameon=False)
    day, run = nodes.attrs.get("day"), nodes.attrs.get("run")
    when = (f"day {day}" if day is not None else "the last day") + (f" of run {run}" if run is not None else "")
    ax.set_title(title or f"{results.name}: the social graph on {when}, coloured by {colour_by}", fontsize=10)
    return fig


def _outcome_label(outcome: str, results: Sequence[Results]) -> str:
    """'any BF' or 'exclusive BF' over the age a checkpoint outcome is measured at (from the file)."""
    age = next((r.age_words[outcome] for r in results if outcome in r.age_words), None)
    for prefix, words in (("any_bf_", "any BF"), ("excl_bf_", "exclusive BF")):
        if outcome.startswith(prefix) and age:
            return f"{words}\n{age}"
    return outcome.replace("_", " ")


def as_image(fig: Figure, dpi: int = 100):
    """The figure as an `IPython.display.Image` (PNG): shows in Jupyter with
    `display(...)` or as a cell's last line, with no `%matplotlib` magic."""
    from IPython.display import Image  # only where IPython is installed
    return Image(data=figure_png(fig, dpi), format="png")


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes, without the software/URL metadata matplotlib adds."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


# -- differences from a comparator (the report's figures when it compares options) -------

WARM_UP_DAYS = 182  # 26 weeks: until then the mothers followed (babies under 26 weeks) are still arriving


def paired_runs(comparator: Results, option: Results) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (option, comparator) of the runs that share a seed (each option run with the
    comparator run of its seed); empty when none do."""
    by_seed = {int(s): k for k, s in enumerate(comparator.seeds.tolist())}
    rows = [(k, by_seed[int(s)]) for k, s in enumerate(option.seeds.tolist()) if int(s) in by_seed]
    if not rows:
        return np.array([], dtype=int), np.array([], dtype=int)
    option_rows, comparator_rows = zip(*rows)
    return np.array(option_rows), np.array(comparator_rows)


def warm_up_days(results: Results) -> float:
    """The days drawn as warm-up: before measurement.from, and at least the first 26 weeks."""
    start = results.summary["measurement.from"].max() if "measurement.from" in results.summary else 0.0
    return max(float(start), float(WARM_UP_DAYS))


def plot_series_differences(comparator: Results, options: Sequence[Results], name: str,
                            labels: Sequence[str] | None = None) -> Figure:
    """Small multiples, one panel per option: the daily series of the option minus the comparator's,
    run by run on shared seeds (median and the band of the middle 90% of pairs), in percentage points
    for shares, on one y axis; the warm-up is shaded and labelled, not drawn as data."""
    options = list(options)
    labels = list(labels) if labels is not None else _labels(options)
    units = comparator.units_by_group["timeseries"].get(name, "")
    scale = 100.0 if is_share(units) else 1.0
    columns = min(len(options), 3)
    rows = math.ceil(len(options) / columns)
    fig = _new_figure(7.0, 1.9 * rows + 0.9)
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    base = comparator.timeseries_array(name)
    days = np.asarray(comparator.days, dtype=float)
    for ax, option, label in zip(axes, options, labels):
        mine, theirs = paired_runs(comparator, option)
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.axvspan(days[0], warm_up_days(comparator), color="#ddd", lw=0, label="warm-up")
        ax.set_title(label, fontsize=8)
        if len(mine) == 0 or option.timeseries_array(name).shape[1] != base.shape[1]:
            ax.text(0.5, 0.5, "no runs share seeds", ha="center", transform=ax.transAxes, fontsize=8, color="grey")
            continue
        diff = scale * (option.timeseries_array(name)[mine] - base[theirs])
        with np.errstate(all="ignore"):
            low, middle, high = np.nanquantile(diff, [0.05, 0.5, 0.95], axis=0)
        ax.fill_between(days, low, high, alpha=0.3, lw=0)
        ax.plot(days, middle, lw=1.2)
        ax.grid(True, alpha=0.3)
    for ax in axes[len(options):]:
        ax.set_visible(False)
    fig.supxlabel("simulated day (grey: warm-up, while the mothers followed are still arriving)", fontsize=8)
    fig.supylabel(("percentage points" if scale == 100.0 else units) + " vs comparator", fontsize=8)
    fig.suptitle(f"{name}: option minus {comparator.name}, median and middle 90% of seed-paired runs", fontsize=9)
    return fig


def plot_outcome_differences(comparator: Results, options: Sequence[Results], outcomes: Sequence[str],
                             labels: Sequence[str] | None = None) -> Figure:
    """Small multiples, one panel per outcome: each option's paired difference from the comparator
    (percentage points for shares) with its 95% Student t interval over the pairs, on an axis around
    the differences (with 0 marked), so that a 1-point difference is as visible as it is."""
    options = list(options)
    labels = list(labels) if labels is not None else _labels(options)
    fig = _new_figure(7.0, 0.32 * len(options) * 1 + 1.6)
    axes = fig.subplots(1, len(outcomes), sharey=True, squeeze=False).ravel()
    y = np.arange(len(options))[::-1]
    for ax, outcome in zip(axes, outcomes):
        units = comparator.units_by_group["summary"].get(outcome, "")
        scale = 100.0 if is_share(units) else 1.0
        for k, option in enumerate(options):
            mine, theirs = paired_runs(comparator, option)
            if outcome not in option.outcomes or len(mine) == 0:
                continue
            d = summarise(scale * (option.summary[outcome].to_numpy(dtype=float)[mine]
                                   - comparator.summary[outcome].to_numpy(dtype=float)[theirs]))
            if math.isfinite(d.lo95):
                ax.errorbar([d.mean], [y[k]], xerr=[[d.mean - d.lo95], [d.hi95 - d.mean]], fmt="o", capsize=3,
                            color=OKABE_ITO[0], ms=4)
            else:
                ax.plot([d.mean], [y[k]], "o", color=OKABE_ITO[0], ms=4)
        ax.axvline(0.0, color="grey", lw=0.8, ls="--")
        ax.set_title(_outcome_label(outcome, [comparator]), fontsize=7)
        ax.set_xlabel("points" if scale == 100.0 else units, fontsize=8)
        ax.grid(True, axis="x", alpha=0.3)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(labels, fontsize=7)
    fig.suptitle(f"Difference from {comparator.name} (seed-paired runs, 95% intervals: replicate noise)", fontsize=9)
    return fig
