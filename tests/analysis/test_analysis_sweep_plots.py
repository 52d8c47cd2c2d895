"""Charts of a sweep's sensitivity indices: Sobol bars and the Morris chart,
returned as figures (never shown), one bar pair or one point per factor."""

from __future__ import annotations

import math

import pytest
from matplotlib.figure import Figure

from ppisim_analysis import load_results, noise_share, sensitivity_table
from ppisim_analysis import plots


def no_pyplot_figures_made(make):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = make()
    assert plt.get_fignums() == before
    assert isinstance(fig, Figure)
    png = plots.figure_png(fig)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"http" not in png
    return fig


@pytest.mark.parametrize("fixture, outcome", [("ishigami_h5", "y"), ("mixed_sweep_h5", "tension_index"),
                                              ("mixed_sweep_h5", "any_bf_6w")])
def test_sobol_bars(fixture, outcome, request):
    results = load_results(request.getfixturevalue(fixture))
    table = sensitivity_table(results, outcome)
    fig = no_pyplot_figures_made(lambda: plots.plot_sobol(results, outcome))
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * len(results.factors)  # S1 and ST per factor
    # factors sorted by ST, the largest at the top
    by_st = table.sort_values("ST", ascending=False, kind="stable")["factor"].tolist()
    ticks = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())), reverse=True)
    assert [label for _, label in ticks] == by_st
    # S1 bars first, then ST, each as long as its estimate
    widths = [p.get_width() for p in ax.patches]
    expected = table.set_index("factor").loc[by_st]
    assert widths[:len(by_st)] == pytest.approx(expected["S1"].tolist())
    assert widths[len(by_st):] == pytest.approx(expected["ST"].tolist())
    # whiskers: the interval lines
    assert len(ax.collections) >= 2
    title = ax.get_title()
    assert outcome in title and "replicate noise" in title
    share = noise_share(results, outcome)
    if math.isfinite(share):
        assert f"{100 * share:.3g}%" in title
    else:
        assert "not measured" in title


@pytest.mark.parametrize("outcome", ["mean_boundary_concern", "reached_by_volunteer"])
def test_morris_chart(morris_h5, outcome):
    results = load_results(morris_h5)
    table = sensitivity_table(results, outcome)
    fig = no_pyplot_figures_made(lambda: plots.plot_morris(results, outcome))
    ax = fig.axes[0]
    points = ax.collections[0].get_offsets()
    assert len(points) == len(results.factors) == 5
    assert [tuple(p) for p in points] == pytest.approx(list(zip(table["mu_star"], table["sigma"])))
    labels = {t.get_text() for t in ax.texts}
    assert labels == set(results.factors)
    assert "μ*" in ax.get_xlabel() and "σ" in ax.get_ylabel()
    assert "replicate noise" in ax.get_title() and "%" in ax.get_title()


def test_wrong_chart_for_the_design(morris_h5, ishigami_h5):
    with pytest.raises(ValueError, match="no Sobol indices .*use plot_morris"):
        plots.plot_sobol(load_results(morris_h5), "reached_by_volunteer")
    with pytest.raises(ValueError, match="no Morris indices .*use plot_sobol"):
        plots.plot_morris(load_results(ishigami_h5), "y")
    with pytest.raises(ValueError, match="the sweep analysed y"):
        plots.plot_sobol(load_results(ishigami_h5), "z")


def test_as_image_for_jupyter(ishigami_h5):
    display = pytest.importorskip("IPython.display")
    image = plots.as_image(plots.plot_sobol(load_results(ishigami_h5), "y"))
    assert isinstance(image, display.Image) and image.data.startswith(b"\x89PNG")
