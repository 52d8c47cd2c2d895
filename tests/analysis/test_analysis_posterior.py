"""A calibration's posterior file in the analysis package: loaded into pandas,
summarised exactly as `ppisim summary` does, and reported on its own with the
marginal and pairwise posteriors and the posterior-predictive checks."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from analysis_support import PNG_SIGNATURE, REPO, ReportPage, describe, run_binary

from ppisim_analysis import posterior
from ppisim_analysis.report import main as report_main
from ppisim_analysis.report import write_report

CHECK = REPO / "scenarios" / "calibration" / "linear_gaussian.yaml"


@pytest.fixture(scope="module")
def calibrated(binary, tmp_path_factory):
    """The linear-Gaussian check's posterior file, and `ppisim summary --format json` of it."""
    folder = tmp_path_factory.mktemp("posterior")
    output = folder / "lg.h5"
    result = run_binary(binary, "calibrate", CHECK, "-o", output, "--quiet", "--threads", "2", cwd=folder)
    assert result.returncode == 0, describe(result)
    summary = run_binary(binary, "summary", output, "--format", "json", cwd=folder)
    assert summary.returncode == 0, describe(summary)
    return output, json.loads(summary.stdout)


def test_posterior_loads_and_summarises_as_ppisim_summary(calibrated):
    path, summary = calibrated
    p = posterior.load_posterior(path)
    assert p.parameters == ["intercept", "slope"] and p.name == "linear_gaussian_check"
    assert p.particles.shape == (1000, 2) and abs(p.weights.sum() - 1) < 1e-12
    assert list(p.targets["target"]) == ["y1", "y2"] and p.predictive.shape == (1000, 2)
    assert np.isinf(p.generations["tolerance"].iloc[0]) and p.generations["tolerance"].iloc[-1] == 0.15
    table = posterior.posterior_table(p).set_index("parameter")
    for row in summary["parameters"]:
        for column in ("median", "lo95", "hi95"):
            assert table.loc[row["parameter"], column] == row[column], (row["parameter"], column)
    correlations = posterior.posterior_correlations(p)
    assert abs(correlations.loc["intercept", "slope"] - summary["parameters"][0]["correlation"]["slope"]) < 1e-12
    assert abs(correlations.loc["intercept", "slope"] - (-4 / 45 ** 0.5)) < 0.06  # the closed form
    predictive = posterior.predictive_table(p).set_index("target")
    for row in summary["targets"]:
        assert predictive.loc[row["target"], "predicted_median"] == row["predicted_median"]


def test_weighted_quantile_is_the_first_value_reaching_the_share():
    assert posterior.weighted_quantile([3, 1, 2], [1, 1, 1], 0.5) == 2
    assert posterior.weighted_quantile([3, 1, 2], [0.8, 0.1, 0.1], 0.5) == 3
    assert posterior.weighted_quantile([1, 2], [1, 1], 0.5) == 1


def test_posterior_report_shows_parameters_correlations_predictive_checks_and_generations(calibrated, tmp_path):
    path, summary = calibrated
    output = write_report(path, tmp_path / "posterior.html")
    text = output.read_text(encoding="utf-8")
    page = ReportPage(text)
    assert {"Parameters", "Correlations", "Posterior-predictive check", "Generations", "Calibration file"} <= set(page.headings)
    assert len(page.images) == 3  # marginals, pairs, predictive checks
    for src in page.images:
        prefix = "data:image/png;base64,"
        assert src.startswith(prefix) and base64.b64decode(src[len(prefix):], validate=True).startswith(PNG_SIGNATURE)
    assert not page.tags & {"script", "link", "iframe"}
    median = posterior.posterior_table(posterior.load_posterior(path))["median"].iloc[0]
    assert f"{median:.4g}" in text


def test_a_posterior_is_reported_on_its_own_and_other_files_are_not_posteriors(calibrated, make_results, tmp_path, capsys):
    path, _ = calibrated
    run = make_results("posterior_neighbour", "breastfriends.yaml", "--replicates", "2", "--set", "horizon=1year", "--quiet")
    assert report_main([str(path), str(run), "-o", str(tmp_path / "mixed.html")]) == 2
    assert "reported on its own" in capsys.readouterr().err
    assert not (tmp_path / "mixed.html").exists()
    assert not posterior.is_posterior_file(run)
    with pytest.raises(ValueError, match="not a calibration's posterior file"):
        posterior.load_posterior(run)
