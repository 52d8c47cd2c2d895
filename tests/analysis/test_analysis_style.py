"""The report and the classroom page draw alike: one colour-blind-safe palette
(Okabe-Ito), viridis for scores 0-1, professionals as squares and volunteers
as circles. The page's constants (web/app.js) are read here and compared with
the report's (ppisim_analysis.plots), so neither can drift alone."""

from __future__ import annotations

import json
import re

from matplotlib import colormaps
from matplotlib.colors import to_hex, to_rgb

from analysis_support import REPO
from ppisim_analysis import plots

APP = (REPO / "web" / "app.js").read_text()


def page_constant(name: str):
    """A `const NAME = {...};` or `[...]` of web/app.js, as JSON (keys quoted)."""
    found = re.search(rf"^const {name} = ([\[{{].*?[\]}}]);", APP, re.S | re.M)
    assert found, f"web/app.js has no const {name}"
    return json.loads(re.sub(r"(\w+):", r'"\1":', found.group(1)).replace(",\n}", "\n}").replace(", }", " }"))


def test_the_page_and_the_report_share_one_palette():
    assert page_constant("PALETTE") == plots.PALETTE
    assert set(plots.PALETTE.values()) - {"#555555"} <= set(plots.OKABE_ITO), "categories are Okabe-Ito colours"


def test_the_page_and_the_report_colour_scores_with_viridis():
    stops = page_constant("VIRIDIS")
    cmap = colormaps[plots.SCORE_COLOURS]
    assert plots.SCORE_COLOURS == "viridis"
    for k, stop in enumerate(stops):
        expected = to_rgb(cmap(k / (len(stops) - 1)))
        assert max(abs(a - b) for a, b in zip(to_rgb(stop), expected)) < 3 / 255, (k, stop, to_hex(expected))


def test_professionals_are_squares_and_volunteers_circles_in_both():
    shapes = page_constant("SHAPES")
    marker_shape = {"s": "square", "o": "circle"}
    assert {who: marker_shape[m] for who, m in plots.GRAPH_MARKERS.items()} == shapes


def test_report_figures_cycle_through_okabe_ito():
    fig = plots._new_figure()
    axes = fig.subplots(1, 2)
    for ax in axes:
        line, = ax.plot([0, 1], [0, 1])
        assert to_hex(line.get_color()).upper() == plots.OKABE_ITO[0].upper()
