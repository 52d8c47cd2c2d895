"""The social graph snapshot (/snapshot): Results.graph, plots.plot_graph and its place in the report."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from analysis_support import ReportPage
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

from ppisim_analysis import load_results, plots
from ppisim_analysis.load import GRAPH_EDGE_COLUMNS, GRAPH_NODE_COLUMNS, Results
from ppisim_analysis.report import GRAPH_CAPTION, render_report


def markers(fig: Figure) -> int:
    return sum(len(c.get_offsets()) for c in fig.axes[0].collections if isinstance(c, PathCollection))


def test_graph_snapshot_is_consistent(breastfriends_h5):
    r = load_results(breastfriends_h5)
    nodes, edges = r.graph
    assert list(nodes.columns[:len(GRAPH_NODE_COLUMNS)]) == list(GRAPH_NODE_COLUMNS)
    assert list(edges.columns[:len(GRAPH_EDGE_COLUMNS)]) == list(GRAPH_EDGE_COLUMNS)
    assert len(nodes) > 0 and len(edges) > 0
    assert nodes["vertex"].is_unique
    assert set(nodes["kind"]) <= {0, 1} and (nodes["kind"] == 0).any() and (nodes["kind"] == 1).any()
    assert set(edges["source"]) | set(edges["target"]) <= set(nodes["vertex"])  # every endpoint is a node
    assert set(edges["layer"]) <= {0, 1, 2}
    working = edges[edges["layer"] == 2]["weight"]
    assert ((working >= 0) & (working <= 1)).all()
    assert nodes.attrs["run"] == 0 and nodes.attrs["day"] == r.days[-1]
    # professionals: no volunteer states; volunteers: no professional states
    assert nodes.loc[nodes["kind"] == 0, "self_esteem"].isna().all()
    assert nodes.loc[nodes["kind"] == 1, "concern"].isna().all()
    # the network summary matches the snapshot's layers
    professionals = (nodes["kind"] == 0).sum()
    team_degree = 2 * (edges["layer"] == 0).sum() / professionals
    assert team_degree == pytest.approx(r.summary["network_team_mean_degree"].iloc[0])
    nodes.loc[:, "trust"] = -1.0  # the frames are copies: the cached snapshot is untouched
    assert (r.graph[0]["trust"] >= 0).all()


def test_sweep_has_an_empty_graph(ishigami_h5):
    nodes, edges = load_results(ishigami_h5).graph
    assert nodes.empty and edges.empty
    assert list(nodes.columns) == list(GRAPH_NODE_COLUMNS) and list(edges.columns) == list(GRAPH_EDGE_COLUMNS)
    with pytest.raises(ValueError, match="no social graph snapshot"):
        plots.plot_graph(load_results(ishigami_h5))


def test_plot_graph_draws_one_marker_per_node(breastfriends_h5):
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    r = load_results(breastfriends_h5)
    nodes, edges = r.graph
    fig = plots.plot_graph(r)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == open_before
    assert markers(fig) == len(nodes)
    lines = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert sum(len(c.get_segments()) for c in lines) == len(edges)
    assert len(fig.axes) == 3  # the graph, the nodes' colour bar, the working ties' colour bar
    assert fig.axes[0].get_legend() is not None
    assert "trust" in fig.axes[0].get_title()
    assert plots.figure_png(fig).startswith(b"\x89PNG")
    for state in ("concern", "self_esteem", "surveillance"):
        other = plots.plot_graph(r, colour_by=state, layers=(0,))
        assert markers(other) == len(nodes)
        drawn = [c for c in other.axes[0].collections if isinstance(c, LineCollection)]
        assert sum(len(c.get_segments()) for c in drawn) == (edges["layer"] == 0).sum()
        assert len(other.axes) == 2  # no working ties, no second colour bar


def test_plot_graph_layout_is_deterministic_with_and_without_networkx(breastfriends_h5, monkeypatch):
    nodes, edges = load_results(breastfriends_h5).graph
    first, second = plots.graph_layout(nodes, edges), plots.graph_layout(nodes, edges)
    assert first == second and set(first) == set(nodes["vertex"])
    monkeypatch.setitem(sys.modules, "networkx", None)  # as if python3-networkx were not installed
    ring = plots.graph_layout(nodes, edges)
    assert ring == plots.graph_layout(nodes, edges) and set(ring) == set(nodes["vertex"])
    assert len(set(ring.values())) == len(nodes)  # no two agents on one spot
    assert markers(plots.plot_graph(load_results(breastfriends_h5))) == len(nodes)


def test_plot_graph_rejects_unknown_columns_and_layers(breastfriends_h5):
    r = load_results(breastfriends_h5)
    with pytest.raises(ValueError) as error:
        plots.plot_graph(r, colour_by="happiness")
    message = str(error.value)
    assert "happiness" in message
    for known in ("trust", "concern", "self_esteem", "surveillance", "commitment"):
        assert known in message
    with pytest.raises(ValueError, match="layer"):
        plots.plot_graph(r, layers=(3,))


def test_report_of_a_run_file_embeds_the_graph(breastfriends_h5, ishigami_h5, monkeypatch):
    r = load_results(breastfriends_h5)
    with_graph = render_report([r])
    assert GRAPH_CAPTION in with_graph
    empty = (pd.DataFrame({c: [] for c in GRAPH_NODE_COLUMNS}), pd.DataFrame({c: [] for c in GRAPH_EDGE_COLUMNS}))
    monkeypatch.setattr(Results, "graph", property(lambda self: empty))
    without = render_report([load_results(breastfriends_h5)])
    assert GRAPH_CAPTION not in without
    assert len(ReportPage(with_graph).images) == len(ReportPage(without).images) + 1
    monkeypatch.undo()
    assert GRAPH_CAPTION not in render_report([load_results(ishigami_h5)])  # sweeps: unaffected
