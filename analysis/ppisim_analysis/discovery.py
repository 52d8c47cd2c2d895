"""A sweep's scenario discovery (`ppisim discover`, the `/discovery` group of
docs/hdf5-layout.md): the PRIM boxes where design points meet a condition,
read back, and the coverage-density trade-off drawn.

    d = read_discovery("levers.h5")     # None when the file holds no discovery
    d["where"], d["boxes"][0]["coverage"], d["boxes"][0]["limits"]
"""

from __future__ import annotations

import math
import os

import h5py
import numpy as np
from matplotlib.figure import Figure

from .plots import _new_figure


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _limit(value: float, levels: list[str], lower: bool) -> str:
    """A limit as people read it: a word factor's level name, else the number."""
    if levels and math.isfinite(value):
        index = math.ceil(value) if lower else math.floor(value)
        if 0 <= index < len(levels):
            return levels[index]
    return f"{value:.4g}"


def read_discovery(path: str | os.PathLike) -> dict | None:
    """The discovery of a sweep's results file, or None when it has none."""
    with h5py.File(path, "r") as f:
        if "discovery" not in f:
            return None
        group = f["discovery"]
        factors = [_text(name) for name in group["factors"][:]]
        joined = [_text(words) for words in f["design/levels"][:]] if "design/levels" in f else [""] * len(factors)
        levels = [words.split("|") if words else [] for words in joined]
        values = f["design/values"][()]
        low, high = values.min(axis=0), values.max(axis=0)
        box = {name: group["box"][name][()] for name in group["box"]}
        trajectory = {name: group["trajectory"][name][()] for name in group["trajectory"]}
        attrs = {key: _text(value) if isinstance(value, (bytes, str)) else int(value) for key, value in group.attrs.items()}
    boxes = []
    for k in range(len(box["coverage"])):
        limits = []
        for j, factor in enumerate(factors):
            if box["restricted"][k, j] != 1.0:
                continue
            limits.append({"factor": factor,
                           "lower": _limit(box["lower"][k, j], levels[j], True),
                           "lower_interval": (box["lower_lo95"][k, j], box["lower_hi95"][k, j]),
                           "upper": _limit(box["upper"][k, j], levels[j], False),
                           "upper_interval": (box["upper_lo95"][k, j], box["upper_hi95"][k, j]),
                           "lower_restricted": bool(box["lower"][k, j] > low[j]),
                           "upper_restricted": bool(box["upper"][k, j] < high[j])})
        steps = trajectory["box"] == k
        boxes.append({"number": k + 1,
                      "coverage": float(box["coverage"][k]), "density": float(box["density"][k]), "mass": float(box["mass"][k]),
                      "coverage_interval": (float(box["coverage_lo95"][k]), float(box["coverage_hi95"][k])),
                      "density_interval": (float(box["density_lo95"][k]), float(box["density_hi95"][k])),
                      "chosen_step": int(box["chosen_step"][k]), "bootstrap_found": int(box["bootstrap_found"][k]),
                      "limits": limits,
                      "trajectory": {"coverage": trajectory["coverage"][steps], "density": trajectory["density"][steps],
                                     "restricted": trajectory["restricted"][steps]}})
    return {"where": attrs.get("where", ""), "points": attrs.get("points", 0), "cases": attrs.get("cases", 0),
            "intervals": attrs.get("intervals", ""), "options": attrs.get("options", ""), "factors": factors,
            "boxes": boxes}


def plot_tradeoff(discovery: dict) -> Figure:
    """Each box's peeling trajectory: coverage (share of the cases inside)
    against density (share of the box that are cases), from the whole design
    (coverage 1) inwards; the chosen box marked before pasting. One line per
    box, in `ax.lines`."""
    fig = _new_figure(7.0, 4.2)
    ax = fig.add_subplot()
    for box in discovery["boxes"]:
        t = box["trajectory"]
        line, = ax.plot(t["coverage"], t["density"], marker=".", ms=4, lw=1.2, label=f"box {box['number']}")
        chosen = box["chosen_step"]
        if chosen < len(t["coverage"]):
            ax.plot([t["coverage"][chosen]], [t["density"][chosen]], marker="o", ms=9, mfc="none",
                    color=line.get_color())
    share = discovery["cases"] / discovery["points"] if discovery["points"] else np.nan
    ax.axhline(share, color="grey", lw=0.9, ls="--", label=f"all points: density {share:.2f}")
    ax.set_xlabel("coverage: share of all cases inside the box", fontsize=9)
    ax.set_ylabel("density: share of the box's points that are cases", fontsize=9)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.invert_xaxis()  # peeling goes from coverage 1 to less
    ax.set_title(f"PRIM trade-off for: {discovery['where']}\n(circled: the box chosen, before pasting)", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, alpha=0.3)
    return fig
