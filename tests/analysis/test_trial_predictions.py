"""The shipped UK calibration (scenarios/calibration/uk_trials.yaml and its
committed posterior uk_trials.h5) used as an analyst would: `--posterior
default` runs, and trial figures predicted from it, in-sample and held out,
with intervals that say what they cover."""

from __future__ import annotations

import math

import h5py
import numpy as np
import pytest
import yaml
from analysis_support import REPO, SCENARIOS, describe, run_binary

from ppisim_analysis import trial_predictions
from ppisim_analysis.posterior import load_posterior

CALIBRATION = SCENARIOS / "calibration" / "uk_trials.yaml"
SHIPPED = SCENARIOS / "calibration" / "uk_trials.h5"


def test_the_shipped_posterior_is_of_the_shipped_calibration_file():
    posterior = load_posterior(SHIPPED)
    fitted = yaml.safe_load(posterior.attrs["calibration_yaml"])
    assert fitted == yaml.safe_load(CALIBRATION.read_text()), "uk_trials.h5 is stale: regenerate it (docs/calibration.md)"
    assert list(posterior.parameters) == list(fitted["parameters"])
    assert abs(posterior.weights.sum() - 1) < 1e-12 and len(posterior.weights) == fitted["abc"]["population"]


def test_posterior_default_runs_at_draws_of_the_shipped_posterior(binary, tmp_path):
    result = run_binary(binary, "run", SCENARIOS / "breastfriends.yaml", "--posterior", "default", "--draws", 3,
                        "--replicates", 2, "--set", "horizon=1 year", "-o", "post.h5", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, describe(result)
    with h5py.File(tmp_path / "post.h5") as f, h5py.File(SHIPPED) as p:
        assert f.attrs["posterior_file"] == str(SHIPPED)
        theta = p["calibration/posterior/theta"][()][f["posterior_draws/particle"][()]]
        assert np.array_equal(f["posterior_draws/theta"][()], theta)
        assert np.array_equal(f["parameters/mothers.confidence.effect"][()], np.repeat(theta[:, 0], 2))


@pytest.fixture(scope="module")
def predictions(binary):
    return trial_predictions.predict(binary, SHIPPED, draws=4, replicates=2, seed=7001)


def test_predictions_cover_every_arm_and_risk_and_set_the_fitted_targets_beside_them(predictions):
    targets = yaml.safe_load(CALIBRATION.read_text())["targets"]
    ratios = {t["risk_ratio"]["treated"] for t in targets.values() if "risk_ratio" in t}
    assert set(predictions["arm"]) == ratios
    assert len(predictions) == len(ratios) * 2 * 4  # any and exclusive, at 10 days, 6 weeks, 3 and 6 months
    in_sample = predictions[predictions["kind"] == "in-sample (fitted)"]
    assert sorted(in_sample["observed"]) == sorted(t["observed"] for t in targets.values() if "risk_ratio" in t)
    assert (predictions["kind"] == "held out").sum() == len(trial_predictions.HELD_OUT)
    for row in predictions.itertuples():
        assert row.runs_lo95 <= row.predicted <= row.runs_hi95, row
        assert row.draws_lo95 <= row.draws_hi95, row


def test_more_contacts_lower_the_predicted_risk_at_six_weeks(predictions):
    at_6w = predictions[predictions["age"] == "6w"].set_index(["arm", "measure"])["predicted"]
    for measure in ("any", "exclusive"):
        assert at_6w[("four_or_more_contacts", measure)] < at_6w[("fewer_than_four_contacts", measure)] < 1.0


def test_the_printed_table_says_what_each_interval_covers(predictions):
    text = trial_predictions.format_table(predictions, 4, 2)
    assert "95% of runs: parameter and replicate uncertainty" in text
    assert "95% of draws: parameter uncertainty" in text
    assert "held-out sources:" in text and "in-sample (fitted)" in text
    assert not any(math.isnan(v) for v in predictions["predicted"])
