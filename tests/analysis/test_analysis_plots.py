"""Figures: returned, not shown, and free of URLs in their PNG metadata."""

from __future__ import annotations

from matplotlib.figure import Figure

from ppisim_analysis import compare, load_results
from ppisim_analysis import plots


def test_figures_are_returned_not_shown(breastfriends_h5, no_peer_support_h5):
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    a, b = load_results(breastfriends_h5), load_results(no_peer_support_h5)
    figures = [
        plots.plot_timeseries(a, "any_bf_share"),
        plots.plot_timeseries([a, b], "volunteers_active", q=(0.1, 0.5, 0.9)),
        plots.plot_outcome_bars([a, b]),
        plots.plot_relative_risks(compare(a, b)),
    ]
    assert all(isinstance(fig, Figure) for fig in figures)
    assert plt.get_fignums() == open_before  # nothing registered with pyplot, nothing to show
    legend = [text.get_text() for text in figures[1].axes[0].get_legend().get_texts()]
    assert any("breastfriends" in t for t in legend) and any("no_peer_support" in t for t in legend)
    assert "%" in figures[0].axes[0].get_ylabel()  # shares are shown as percentages
    bars = figures[2].axes[0].patches
    assert len(bars) == 2 * 5  # two scenarios x five ages
    for fig in figures:
        png = plots.figure_png(fig)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert b"http" not in png and b"matplotlib.org" not in png


def test_differences_from_the_comparator_are_paired_and_the_warm_up_is_marked(breastfriends_h5, no_peer_support_h5):
    import pytest
    import numpy as np
    from ppisim_analysis.plots import WARM_UP_DAYS, plot_outcome_differences, plot_series_differences
    care, scheme = load_results(no_peer_support_h5), load_results(breastfriends_h5)
    fig = plot_outcome_differences(care, [scheme], ["any_bf_6w"], ["scheme"])
    point = fig.axes[0].lines[0].get_xdata()[0]  # the errorbar's marker
    by_hand = 100 * (scheme.summary["any_bf_6w"].to_numpy() - care.summary["any_bf_6w"].to_numpy()).mean()
    assert point == pytest.approx(by_hand, rel=1e-12)
    fig = plot_series_differences(care, [scheme], "any_bf_share", ["scheme"])
    ax = fig.axes[0]
    spans = [p for p in ax.patches if p.get_label() == "warm-up"]
    assert len(spans) == 1 and spans[0].get_xy()[:, 0].max() == pytest.approx(WARM_UP_DAYS)
    median = ax.lines[-1].get_ydata()
    diff = 100 * (scheme.timeseries_array("any_bf_share") - care.timeseries_array("any_bf_share"))
    assert np.allclose(median, np.nanmedian(diff, axis=0), equal_nan=True)
