"""The HTML report of sweep files: a Sensitivity section (the design in words,
the indices with intervals, the replicate-noise share, a chart per outcome),
the note on which parameters come from data, and still nothing from outside."""

from __future__ import annotations

import base64
import html
import re

import pytest
from analysis_support import PNG_SIGNATURE, ReportPage, describe, run_binary

from ppisim_analysis import load_results, sensitivity_table
from ppisim_analysis.report import write_report


def read_page(path) -> tuple[str, ReportPage]:
    text = path.read_text(encoding="utf-8")
    page = ReportPage(text)
    # self-contained: nothing fetched, no http anywhere outside the embedded images
    for tag, name, value in page.references:
        assert value.startswith("data:") or value.startswith("#"), f"<{tag} {name}={value[:80]!r}>"
        assert "http" not in value[:40].lower()
    assert not page.tags & {"script", "link", "iframe", "object", "embed"}
    assert "http" not in re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]*", "", text).lower()
    for src in page.images:
        prefix = "data:image/png;base64,"
        assert src.startswith(prefix) and base64.b64decode(src[len(prefix):], validate=True).startswith(PNG_SIGNATURE)
    return text, page


def section(text: str, heading: str) -> str:
    """The HTML from an <h2> to the next <h2>."""
    start = text.index(f"<h2>{heading}</h2>")
    end = text.find("<h2>", start + 1)
    return text[start:end if end >= 0 else len(text)]


@pytest.fixture(scope="module")
def mixed_report(mixed_sweep_h5, tmp_path_factory):
    return write_report(mixed_sweep_h5, tmp_path_factory.mktemp("sweep_report") / "mixed.html")


def test_sobol_sweep_report(mixed_report, mixed_sweep_h5):
    text, page = read_page(mixed_report)
    results = load_results(mixed_sweep_h5)
    assert "Sensitivity" in page.headings
    sensitivity = section(text, "Sensitivity")
    words = html.unescape(re.sub(r"<[^>]+>", "", sensitivity))
    # the design in words
    assert "Saltelli design for Sobol indices" in words
    assert "8 base samples × (4 factors + 2) = 48 design points" in words
    assert "each run 2 times" in words and "96 runs in all" in words
    # the factors, with ranges and levels
    for factor in results.factors:
        assert f"<code>{factor}</code>" in sensitivity, factor
    assert "uniform from 0.05 to 0.4" in words and "levels: 4, 8" in words and "levels: proactive, reactive" in words
    assert "opt_out_referral (scheme.referral_policy = opt_out)" in words
    # a table, a noise sentence and a chart per analysed outcome
    for outcome in ("any_bf_6w", "tension_index"):
        table = sensitivity_table(results, outcome)
        part = sensitivity[sensitivity.index(f"<h4><code>{outcome}</code>"):]
        part = part[:part.find("<h4>", 1) if "<h4>" in part[1:] else len(part)]
        for _, row in table.iterrows():
            assert f"{row['ST']:.3f} [{row['ST_lo95']:.3f}, {row['ST_hi95']:.3f}]" in part, row["factor"]
            assert f"{row['S1']:.3f} [{row['S1_lo95']:.3f}, {row['S1_hi95']:.3f}]" in part, row["factor"]
        assert "is chance" in part  # the replicate-noise share in a sentence
        assert len(re.findall(r"<img ", part)) == 1
    assert len(page.images) >= 2
    # time series were stored, so the usual figures are there too
    assert "any_bf_share" in text


def test_which_numbers_come_from_data(mixed_report):
    text, page = read_page(mixed_report)
    assert "Which numbers come from data" in page.headings
    note = section(text, "Which numbers come from data")
    data_row = re.search(r"<th>From data \(\d+\)</th><td>(.*?)</td>", note).group(1)
    assumption_row = re.search(r"<th>Assumptions \(\d+\)</th><td>(.*?)</td>", note).group(1)
    assert "<code>population.births</code>" in data_row and "<code>feeding.any_6w</code>" in data_row
    assert "<code>volunteers.capacity</code> (varied in the sweep)" in data_row
    assert "<code>concern.jump</code> (varied in the sweep)" in assumption_row
    assert "<code>professionals.initial.gatekeeping</code>" in assumption_row
    assert "ppisim params" in note


def test_morris_sweep_report(morris_h5, tmp_path):
    text, page = read_page(write_report(morris_h5, tmp_path / "morris.html"))
    sensitivity = section(text, "Sensitivity")
    assert "Morris design" in sensitivity and "10 trajectories × (5 factors + 1) = 60 design points" in sensitivity
    results = load_results(morris_h5)
    for factor in results.factors:
        assert f"<code>{factor}</code>" in sensitivity
    assert "μ*" in sensitivity and "σ" in sensitivity
    assert sensitivity.count("<img ") == 2  # one Morris chart per analysed outcome
    assert sensitivity.count("is chance") == 2


def test_analytic_sweep_report_and_a_mixed_report(ishigami_h5, breastfriends_h5, tmp_path):
    text, page = read_page(write_report(ishigami_h5, tmp_path / "ishigami.html"))
    assert "Sensitivity" in page.headings and "analytic test function" in text
    assert "Which numbers come from data" not in page.headings  # a test function has no model parameters
    assert "Each design point ran once" in text
    # a run file and a sweep of a test function: no comparison to make, and no failure
    text, page = read_page(write_report([breastfriends_h5, ishigami_h5], tmp_path / "both.html"))
    assert "Not compared" in text and "Sensitivity" in page.headings
    assert "Which numbers come from data" in page.headings


def test_report_needs_no_binary_for_parameter_sources(mixed_sweep_h5, tmp_path, monkeypatch):
    """Sources come from the file's /registry: no binary is asked."""
    monkeypatch.setenv("PPISIM_BINARY", str(tmp_path / "no_such_ppisim"))
    monkeypatch.setenv("PATH", str(tmp_path))
    text, page = read_page(write_report(mixed_sweep_h5, tmp_path / "no_binary.html"))
    assert "Which numbers come from data" in page.headings and "Sensitivity" in page.headings
    note = section(text, "Which numbers come from data")
    assert "<code>population.births</code>" in re.search(r"<th>From data \(\d+\)</th><td>(.*?)</td>", note).group(1)


def test_a_file_without_a_registry_leaves_the_note_out(mixed_sweep_h5, tmp_path):
    import h5py
    import shutil

    older = tmp_path / "older.h5"  # as written before ppisim stored its registry
    shutil.copy(mixed_sweep_h5, older)
    with h5py.File(older, "r+") as f:
        del f["registry"]
    text, page = read_page(write_report(older, tmp_path / "older.html"))
    assert "Which numbers come from data" not in page.headings and "Sensitivity" in page.headings
    assert "<!-- parameter sources left out: the results files do not record them" in text


def test_ppisim_report_command_on_a_sweep(binary, morris_h5, tmp_path):
    result = run_binary(binary, "report", morris_h5, "-o", tmp_path / "cli.html", cwd=tmp_path)
    assert result.returncode == 0, describe(result)
    text, page = read_page(tmp_path / "cli.html")
    assert "Sensitivity" in page.headings and len(page.images) >= 2


def test_data_parameters_a_scenario_changes_are_named(make_results, tmp_path):
    from analysis_support import QUICK

    doncaster = make_results("doncaster", "doncaster.yaml", *QUICK)
    text, page = read_page(write_report(doncaster, tmp_path / "doncaster.html"))
    note = section(text, "Which numbers come from data")
    assert "<code>feeding.initiation</code> (default 0.81; changed in doncaster)" in note
    assert "population.births</code> (default" not in note  # kept at its data value


def test_a_sweeps_pooled_figures_describe_the_designs_spread(mixed_report, mixed_sweep_h5):
    """The outcome cell of a sweep: the mean of the design points' replicate means and where 95% of those
    point means fall, by hand; not the Student t interval of the pooled mean."""
    import numpy as np
    from ppisim_analysis.stats import summarise
    s = load_results(mixed_sweep_h5)
    means = s.summary.groupby("point")["any_bf_6w"].mean().to_numpy()
    lo, hi = np.quantile(means, [0.025, 0.975])
    text = html.unescape(mixed_report.read_text(encoding="utf-8"))
    cell = f"{100 * means.mean():.1f}%; 95% of {len(means)} design points in [{100 * lo:.1f}%, {100 * hi:.1f}%]"
    assert cell in text
    pooled = summarise(s.summary["any_bf_6w"])  # the precision of the design's average: not what the cell gives
    assert f"[{100 * pooled.lo95:.1f}%, {100 * pooled.hi95:.1f}%]" not in text.split("any_bf_6w", 1)[1].split("</tr>", 1)[0]
    assert "not an interval of a mean" in text
