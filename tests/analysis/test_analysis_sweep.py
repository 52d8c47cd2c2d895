"""Sweep files (`ppisim sweep`): the design, the sensitivity table and each run's
design point, loaded from the real binary's files; and run files stay as they were."""

from __future__ import annotations

import csv
import io
import math
import shutil

import h5py
import numpy as np
import pandas as pd
import pytest
from analysis_support import describe, run_binary

from ppisim_analysis import (NoTimeSeriesError, analysed_outcomes, load_results, noise_share, sensitivity_method,
                             sensitivity_table)
from ppisim_analysis.load import SENSITIVITY_COLUMNS, split_sweep_yaml


def summary_csv(binary, path, cwd, *extra):
    result = run_binary(binary, "summary", path, "--format", "csv", *extra, cwd=cwd)
    assert result.returncode == 0, describe(result)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    return rows[0], rows[1:]


def assert_frame_equals_csv(frame: pd.DataFrame, header, rows):
    """Every cell equal to the binary's text: shortest round-trip numbers, so exactly; '' is NaN."""
    assert list(frame.columns) == header
    assert len(frame) == len(rows)
    for (_, row), csv_row in zip(frame.iterrows(), rows):
        for column, text in zip(header, csv_row):
            value = row[column]
            if isinstance(value, str):
                assert value == text, column
            elif text == "":
                assert math.isnan(value), column
            else:
                assert float(value) == float(text), (column, value, text)


@pytest.mark.parametrize("fixture", ["ishigami_h5", "mixed_sweep_h5", "morris_h5"])
def test_sensitivity_table_equals_ppisim_summary(fixture, binary, tmp_path, request):
    path = request.getfixturevalue(fixture)
    results = load_results(path)
    header, rows = summary_csv(binary, path, tmp_path)
    assert header == list(SENSITIVITY_COLUMNS)
    assert_frame_equals_csv(results.sensitivity, header, rows)
    assert results.sensitivity["estimate"].dtype == np.float64


def test_ishigami_sobol_indices(ishigami_h5):
    results = load_results(ishigami_h5)
    assert results.kind == "sweep" and results.is_sweep
    assert results.factors == ["x1", "x2", "x3"] and results.factor_levels == {}
    assert results.design_method == "saltelli" and results.design_seed == 7
    assert analysed_outcomes(results) == ["y"] and sensitivity_method(results) == "sobol"
    table = sensitivity_table(results, "y")
    assert list(table.columns) == ["factor", "S1", "S1_lo95", "S1_hi95", "ST", "ST_lo95", "ST_hi95"]
    assert table["factor"].tolist() == ["x1", "x2", "x3"]
    # the closed form for a = 7, b = 0.1 (scenarios/experiments/ishigami.yaml)
    np.testing.assert_allclose(table["S1"], [0.314, 0.442, 0.0], atol=0.03)
    np.testing.assert_allclose(table["ST"], [0.558, 0.442, 0.244], atol=0.03)
    assert (table["S1_lo95"] <= table["S1_hi95"]).all() and (table["ST_lo95"] <= table["ST_hi95"]).all()
    assert math.isnan(noise_share(results, "y"))  # one replicate: not measured
    assert table.attrs == {"outcome": "y", "method": "sobol", "noise_share": table.attrs["noise_share"],
                           "replicates": 1}
    with pytest.raises(ValueError, match="no sensitivity indices for 'any_bf_6w'; the sweep analysed y"):
        sensitivity_table(results, "any_bf_6w")


def test_design_and_run_points(ishigami_h5):
    results = load_results(ishigami_h5)
    with h5py.File(ishigami_h5, "r") as f:
        values, point = f["design/values"][...], f["runs/point"][...]
    assert list(results.design.columns) == ["point", "x1", "x2", "x3"]
    assert results.design["point"].tolist() == list(range(len(values)))
    np.testing.assert_array_equal(results.design[["x1", "x2", "x3"]].to_numpy(), values)
    assert list(results.summary.columns[:4]) == ["run", "replicate", "seed", "point"]
    np.testing.assert_array_equal(results.summary["point"].to_numpy(), point)
    # each run used its design point's values
    merged = results.summary[["point", "x1", "x2", "x3"]].merge(results.design, on="point", suffixes=("", "_design"))
    for factor in ("x1", "x2", "x3"):
        np.testing.assert_array_equal(merged[factor].to_numpy(), merged[f"{factor}_design"].to_numpy())
    # an analytic sweep: the experiment, and no base scenario
    assert results.experiment["name"] == results.name == "ishigami_check"
    assert results.experiment["model"] == {"ishigami": {"a": 7, "b": 0.1}}
    assert results.scenario == {}
    assert "sweep of 20480 points over 3 factors" in repr(results)


def test_categorical_factors_are_level_names(mixed_sweep_h5, binary, tmp_path):
    results = load_results(mixed_sweep_h5)
    design = results.design
    assert list(design.columns) == ["point", "scheme.contact_schedule.mode", "volunteers.capacity",
                                    "concern.jump", "policy"]
    assert results.factor_levels == {"scheme.contact_schedule.mode": ["proactive", "reactive"],
                                     "policy": ["professional_judgement", "opt_out_referral"]}
    with h5py.File(mixed_sweep_h5, "r") as f:
        values = f["design/values"][...]
    for k, factor in enumerate(design.columns[1:]):
        if factor in results.factor_levels:
            assert isinstance(design[factor].dtype, pd.CategoricalDtype)
            assert list(design[factor].cat.categories) == results.factor_levels[factor]
            np.testing.assert_array_equal(design[factor].cat.codes.to_numpy(), values[:, k])
        else:
            np.testing.assert_array_equal(design[factor].to_numpy(), values[:, k])
    assert set(design["volunteers.capacity"]) == {4.0, 8.0}  # numeric levels stay numbers
    assert len(design) == 8 * (4 + 2) and results.runs == 2 * len(design)
    # run = point x replicates + replicate; numeric factors reach the runs' parameters
    summary = results.summary
    np.testing.assert_array_equal(summary["run"], summary["point"] * 2 + summary["replicate"])
    by_run = design.set_index("point").loc[summary["point"]]
    np.testing.assert_array_equal(summary["concern.jump"].to_numpy(), by_run["concern.jump"].to_numpy())
    np.testing.assert_array_equal(summary["volunteers.capacity"].to_numpy(), by_run["volunteers.capacity"].to_numpy())
    # the per-run table is the binary's, plus the design point
    header, rows = summary_csv(binary, mixed_sweep_h5, tmp_path, "--per-run")
    assert_frame_equals_csv(summary.drop(columns="point"), header, rows)
    # the experiment and the resolved base scenario, split
    assert results.experiment["name"] == results.name == "mixed_factors"
    assert results.experiment["factors"]["policy"]["opt_out_referral"] == {"scheme.referral_policy": "opt_out"}
    assert results.scenario["name"] == "breastfriends_1y" and results.scenario["horizon"] == "365.25 days"
    assert "factors" not in results.scenario


def test_timeseries_of_a_sweep(mixed_sweep_h5):
    results = load_results(mixed_sweep_h5)
    assert "any_bf_share" in results.series
    frame = results.timeseries("any_bf_share")
    assert list(frame.columns) == ["run", "replicate", "seed", "point", "day", "value"]
    assert len(frame) == results.runs * len(results.days)
    last = frame[frame["run"] == results.runs - 1]
    assert set(last["point"]) == {results.summary["point"].iloc[-1]}


def test_summary_only_sweeps_have_no_time_series(morris_h5, ishigami_h5):
    for path in (morris_h5, ishigami_h5):
        results = load_results(path)
        assert results.series == []
        with pytest.raises(NoTimeSeriesError, match="summary-only sweep .*store: timeseries"):
            results.timeseries("any_bf_share")
        with pytest.raises(ValueError):  # NoTimeSeriesError is a ValueError
            results.timeseries_array("any_bf_share")


def test_morris_effects(morris_h5):
    results = load_results(morris_h5)
    assert results.design_method == "morris" and results.design_seed == 3
    assert sensitivity_method(results) == "morris"
    assert analysed_outcomes(results) == ["mean_boundary_concern", "reached_by_volunteer"]
    assert len(results.design) == 10 * (5 + 1) and results.runs == 2 * len(results.design)
    for outcome in analysed_outcomes(results):
        table = sensitivity_table(results, outcome)
        assert table["factor"].tolist() == results.factors
        assert {"mu", "mu_star", "sigma"} <= set(table.columns)
        np.testing.assert_array_equal(table["mu_star"] >= table["mu"].abs() - 1e-12, True)
        assert table["mu_star_lo95"].isna().all()  # Morris gives no intervals
        share = noise_share(results, outcome)
        assert 0.0 <= share <= 1.0 and table.attrs["noise_share"] == share
    # a choice parameter the experiment's base sets, and the sweep's own replicate count
    assert results.scenario["name"] == "breastfriends" and results.attrs["replicates"] == 2


def test_run_files_have_empty_sweep_parts(breastfriends_h5):
    results = load_results(breastfriends_h5)
    assert results.kind == "run" and not results.is_sweep
    assert results.design.empty and list(results.design.columns) == ["point"]
    assert results.sensitivity.empty and list(results.sensitivity.columns) == list(SENSITIVITY_COLUMNS)
    assert results.factors == [] and results.factor_levels == {} and results.experiment == {}
    assert results.design_method is None and "point" not in results.summary
    assert list(results.timeseries("any_bf_share").columns) == ["run", "replicate", "seed", "day", "value"]
    assert analysed_outcomes(results) == [] and sensitivity_method(results) is None
    with pytest.raises(ValueError, match="no sensitivity table"):
        sensitivity_table(results, "any_bf_6w")


@pytest.mark.parametrize("damage, message", [
    (lambda f: f.__delitem__("design/levels"), "/design/levels"),
    (lambda f: f.__delitem__("runs/point"), "/runs/point"),
    (lambda f: f.__delitem__("sensitivity/lo95"), "/sensitivity/lo95"),
])
def test_incomplete_sweep_file(ishigami_h5, tmp_path, damage, message):
    path = tmp_path / "damaged.h5"
    shutil.copy(ishigami_h5, path)
    with h5py.File(path, "r+") as f:
        damage(f)
    with pytest.raises(ValueError, match=f"{path}: .*{message}"):
        load_results(path)


def test_split_sweep_yaml():
    experiment = "name: e\nbase: b.yaml\nfactors:\n  name: {levels: [1]}\n"
    scenario = "name: b\nseed: 3\nscheme:\n  name: x\n"
    assert split_sweep_yaml(experiment + scenario) == (experiment, scenario)
    assert split_sweep_yaml("name: e\nmodel: ishigami\n") == ("name: e\nmodel: ishigami\n", "")
