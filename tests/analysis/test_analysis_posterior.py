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


TINY = "{horizon: 1 year, population.births: 500 per year}"


@pytest.fixture(scope="module")
def posterior_run(binary, tmp_path_factory):
    """A tiny simulator calibration, then a scenario run at 6 of its posterior draws."""
    folder = tmp_path_factory.mktemp("posterior_run")
    scenarios = REPO / "scenarios"
    (folder / "tiny.yaml").write_text(
        "name: tiny\nscenarios:\n"
        f"  usual_care: {{base: {scenarios / 'no_peer_support.yaml'}, set: {TINY}}}\n"
        f"  proactive: {{base: {scenarios / 'integrated.yaml'}, set: {TINY}}}\n"
        "parameters: {mothers.confidence.effect: {uniform: [0, 4]}}\n"
        "targets: {rr: {risk_ratio: {treated: proactive, control: usual_care, outcome: any_bf_6w}, observed: 0.77, "
        "interval95: [0.66, 0.90]}}\n"
        "abc: {population: 12, replicates: 2, seed: 3, stop: {max_generations: 2}}\n")
    result = run_binary(binary, "calibrate", "tiny.yaml", "-o", "tiny.h5", "--quiet", cwd=folder)
    assert result.returncode == 0, describe(result)
    result = run_binary(binary, "run", scenarios / "integrated.yaml", "--set", "horizon=1year", "--set", "population.births=3000 per year",
                        "--replicates", "3", "--posterior", "tiny.h5", "--draws", "6", "-o", "draws.h5", "--quiet", cwd=folder)
    assert result.returncode == 0, describe(result)
    summary = run_binary(binary, "summary", "draws.h5", "--format", "json", cwd=folder)
    assert summary.returncode == 0, describe(summary)
    return folder / "draws.h5", {row["outcome"]: row for row in json.loads(summary.stdout)}


def test_posterior_run_outcomes_match_ppisim_summary(posterior_run):
    path, summary = posterior_run
    from ppisim_analysis import load_results
    results, draws = load_results(path), posterior.run_draws(path)
    assert list(draws) == [k for k in range(6) for _ in range(3)]
    for name in ("any_bf_6w", "initiation_rate", "excl_bf_6w"):
        ours = posterior.posterior_run_outcome(results.summary[name], draws)
        for key in ("mean", "lo95", "hi95", "parameter_lo95", "parameter_hi95", "parameter_share", "replicate_share"):
            assert ours[key] == pytest.approx(summary[name][key], rel=1e-12, abs=1e-15), (name, key)


def test_report_of_a_posterior_run_says_what_its_intervals_cover(posterior_run, tmp_path):
    path, summary = posterior_run
    text = write_report(path, tmp_path / "draws.html").read_text(encoding="utf-8")
    page = ReportPage(text)
    assert "integrated, horizon=1year, population.births=3000 per year: parameter and replicate uncertainty" in page.headings
    assert "ran at 6 draws of a calibration's posterior" in text
    assert f"{100 * summary['any_bf_6w']['parameter_share']:.0f}%" in text


def test_decision_over_posterior_draws_covers_parameter_uncertainty_and_gives_a_ceac(posterior_run, binary, tmp_path):
    """Runs over posterior draws against a plain usual-care run of the same seeds: each headcount's interval
    is the 95% range of the draws' mean paired differences, and the CEAC is the share of draws whose net
    monetary benefit at each threshold is positive, both by hand."""
    import numpy as np
    from ppisim_analysis import load_results
    from ppisim_analysis.decision import decide
    path, _ = posterior_run
    folder = path.parent
    costed = folder / "costed_draws.h5"
    # the same draws with a costs: block (it moves no number): the option's costs come from its scenario
    (folder / "costed.yaml").write_text(f"extends: {REPO / 'scenarios' / 'integrated.yaml'}\nname: integrated\n"
                                        "costs: {currency: GBP, price_year: 2023}\n")
    for args in (["run", folder / "costed.yaml", "-o", costed, "--posterior", "tiny.h5", "--draws", "6"],
                 ["run", REPO / "scenarios" / "no_peer_support.yaml", "-o", folder / "care.h5"]):
        done = run_binary(binary, *args, "--set", "horizon=1year", "--set", "population.births=3000 per year",
                          "--replicates", "3", "--quiet", "--force", cwd=folder)
        assert done.returncode == 0, describe(done)
    option, care = load_results(costed), load_results(folder / "care.h5")
    decision = decide(option, care)
    assert decision.posterior and decision.pairs == 18
    draws = posterior.run_draws(costed)
    by_seed = dict(zip(care.seeds.tolist(), care.summary["any_bf_6w"].to_numpy() * care.summary["population.births"] * 365.25))
    extra = option.summary["any_bf_6w"].to_numpy() * option.summary["population.births"].to_numpy() * 365.25 \
        - np.array([by_seed[s] for s in option.seeds.tolist()])
    draw_means = [extra[draws == d].mean() for d in np.unique(draws)]
    got = decision.headcounts["mothers_any_bf_6w"]
    assert got.mean == pytest.approx(extra.mean(), rel=1e-9)
    assert (got.lo95, got.hi95) == pytest.approx(tuple(np.quantile(draw_means, [0.025, 0.975])), rel=1e-9)
    assert "parameter uncertainty" in got.covers
    curve = decision.costs["ceac"]
    cost, pair_draws = decision.differences["incremental_cost"].to_numpy(), decision.differences["draw"].to_numpy()
    cost_means = np.array([cost[pair_draws == d].mean() for d in np.unique(draws)])
    for threshold, probability in zip(curve["threshold"], curve["probability"]):
        assert probability == pytest.approx(np.mean(threshold * np.array(draw_means) - cost_means > 0))
    assert list(curve["probability"]) == sorted(curve["probability"]) or min(draw_means) < 0  # rises when effects are positive
    per = decision.costs["per_extra_mother_6w"]
    assert "parameter uncertainty" in per.covers
    if min(draw_means) > 0:
        ratios = cost_means / np.array(draw_means)
        assert (per.lo95, per.hi95) == pytest.approx(tuple(np.quantile(ratios, [0.025, 0.975])), rel=1e-9)
