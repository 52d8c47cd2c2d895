"""The report's scenario discovery: `ppisim discover`'s /discovery group read
back (ppisim_analysis.discovery), its trade-off curve, and the boxes' limits
in the Sensitivity section; nothing of it in the report of a sweep without one."""

from __future__ import annotations

import html
import re
import shutil

import numpy as np
import pytest
from analysis_support import SCENARIOS, describe, run_binary

from ppisim_analysis.discovery import plot_tradeoff, read_discovery
from ppisim_analysis.report import write_report

WHERE = "initiation_rate > 0.85"


@pytest.fixture(scope="module")
def swept(binary, tmp_path_factory):
    """A 60-point Latin hypercube over initiation and capacity, before and after `ppisim discover`."""
    folder = tmp_path_factory.mktemp("discovery")
    (folder / "tiny.yaml").write_text(f"extends: {SCENARIOS / 'breastfriends.yaml'}\nname: tiny\nhorizon: 1 year\n"
                                      "population: {births: 1000 per year}\n")
    (folder / "found.yaml").write_text(
        "name: found\nbase: tiny.yaml\nfactors:\n"
        "  feeding.initiation: { uniform: [0.76, 0.94] }\n"
        "  volunteers.capacity: { uniform: [3, 9] }\n"
        "design: { method: lhs, points: 60, replicates: 2, seed: 5 }\n"
        "analyse: [initiation_rate]\nstore: summary\n")
    result = run_binary(binary, "sweep", "found.yaml", "-o", "plain.h5", "--quiet", cwd=folder)
    assert result.returncode == 0, describe(result)
    shutil.copy(folder / "plain.h5", folder / "found.h5")
    result = run_binary(binary, "discover", "found.h5", "--where", WHERE, "--bootstrap", "40", cwd=folder)
    assert result.returncode == 0, describe(result)
    return folder


def test_the_discovery_read_back(swept):
    assert read_discovery(swept / "plain.h5") is None
    found = read_discovery(swept / "found.h5")
    assert found["where"] == WHERE and found["points"] == 60 and 0 < found["cases"] < 60
    assert "resampled design points" in found["intervals"] and "bootstrap=40" in found["options"]
    first = found["boxes"][0]
    assert [limit["factor"] for limit in first["limits"]] == ["feeding.initiation"]
    limit = first["limits"][0]
    assert limit["lower_restricted"] and not limit["upper_restricted"]
    assert 0.8 < float(limit["lower"]) < 0.9
    lo, hi = limit["lower_interval"]
    assert lo <= float(limit["lower"]) <= hi
    assert first["trajectory"]["coverage"][0] == 1.0


def test_the_tradeoff_curve(swept):
    found = read_discovery(swept / "found.h5")
    fig = plot_tradeoff(found)
    ax = fig.axes[0]
    curve = ax.lines[0]
    trajectory = found["boxes"][0]["trajectory"]
    np.testing.assert_array_equal(curve.get_xdata(), trajectory["coverage"])
    np.testing.assert_array_equal(curve.get_ydata(), trajectory["density"])
    chosen = ax.lines[1]
    step = found["boxes"][0]["chosen_step"]
    assert chosen.get_xdata()[0] == trajectory["coverage"][step]
    assert ax.get_xlim()[0] > ax.get_xlim()[1]  # inverted: peeling runs from coverage 1 on the left


def test_the_report_shows_the_boxes(swept):
    text = write_report(swept / "found.h5", swept / "found.html").read_text(encoding="utf-8")
    words = html.unescape(re.sub(r"<[^>]+>", "", text))
    found = read_discovery(swept / "found.h5")
    box = found["boxes"][0]
    assert f"Scenario discovery: where {WHERE}" in words
    assert f"{found['cases']} of 60 design points meet the condition" in words
    assert f"coverage {box['coverage']:.3f}" in words and f"density {box['density']:.3f}" in words
    assert f"feeding.initiation≥ {box['limits'][0]['lower']}" in words
    assert "PRIM's coverage–density trade-off" in html.unescape(text)
    plain = write_report(swept / "plain.h5", swept / "plain.html").read_text(encoding="utf-8")
    assert "Scenario discovery" not in plain
