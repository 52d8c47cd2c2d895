"""summarise against `ppisim summary`, quantile bands, and scenario comparisons."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from analysis_support import describe, run_binary
from scipy import stats as scipy_stats

from ppisim_analysis import RISK_AGES, compare, load_results, quantile_bands, summarise
from ppisim_analysis.stats import t975

TOLERANCE = 1e-12


def binary_summary(binary, path, cwd) -> dict[str, dict[str, str]]:
    result = run_binary(binary, "summary", path, "--format", "csv", cwd=cwd)
    assert result.returncode == 0, describe(result)
    return {row["outcome"]: row for row in csv.DictReader(io.StringIO(result.stdout))}


def assert_same_number(ours: float, text: str, what: str):
    if text == "":  # the binary prints undefined values as empty fields
        assert math.isnan(ours), f"{what}: binary says undefined, we say {ours}"
    else:
        assert math.isclose(ours, float(text), rel_tol=TOLERANCE, abs_tol=TOLERANCE), f"{what}: {ours} vs {text}"


@pytest.mark.parametrize("fixture", ["breastfriends_h5", "sparse_h5", "single_run_h5"])
def test_summarise_matches_ppisim_summary(binary, fixture, request, tmp_path):
    path = request.getfixturevalue(fixture)
    results = load_results(path)
    expected = binary_summary(binary, path, tmp_path)
    assert list(expected) == results.outcomes
    for outcome, row in expected.items():
        estimate = summarise(results.summary[outcome])
        assert estimate.n == int(row["n"]), outcome
        for field in ("mean", "lo95", "hi95"):
            assert_same_number(getattr(estimate, field), row[field], f"{fixture} {outcome} {field}")
    counts = {int(row["n"]) for row in expected.values()}
    if fixture == "sparse_h5":  # the test means something only if some runs have undefined outcomes
        assert any(0 < n < results.runs for n in counts), counts
    if fixture == "single_run_h5":
        assert 1 in counts and counts <= {0, 1}


def test_summarise_edge_cases():
    assert all(math.isnan(x) for x in summarise([])[:3]) and summarise([]).n == 0
    assert all(math.isnan(x) for x in summarise([math.nan, math.inf])[:3])
    one = summarise([0.25, math.nan])
    assert (one.mean, one.n) == (0.25, 1) and math.isnan(one.lo95) and math.isnan(one.hi95)
    assert summarise([5.0, 7.0]).hi95 == pytest.approx(6.0 + 12.706204736174705, rel=1e-15)  # t(0.975, 1)
    flat = summarise(iter([0.5, 0.5, 0.5]))
    assert (flat.mean, flat.lo95, flat.hi95, flat.n) == (0.5, 0.5, 0.5, 3)
    mean, lo95, hi95, n = summarise([1.0, 2.0, 3.5])
    reference = scipy_stats.ttest_1samp([1.0, 2.0, 3.5], 0.0).confidence_interval(0.95)
    assert n == 3 and mean == pytest.approx(6.5 / 3, abs=1e-15)
    assert (lo95, hi95) == pytest.approx((reference.low, reference.high), rel=1e-9)


def test_t_quantile_is_exact():
    """Exact quantiles (40-digit arithmetic, rounded), as Boost gives the binary; scipy
    1.10's t.ppf alone is off by up to 4e-9 relative at some of these (7, 40)."""
    exact = {1: 12.706204736174705, 4: 2.7764451051977943, 7: 2.3646242515927853,
             40: 2.0210753903062733, 1000: 1.9623390808264085}
    for df, value in exact.items():
        assert t975(df) == pytest.approx(value, rel=2e-15), df


def test_quantile_bands(breastfriends_h5):
    results = load_results(breastfriends_h5)
    frame = results.timeseries("any_bf_share")
    bands = quantile_bands(frame)
    assert list(bands.columns) == ["day", "n", "mean", "q5", "q50", "q95"]
    np.testing.assert_array_equal(bands["day"].to_numpy(), results.days)
    assert (bands["n"] == results.runs).all()
    assert (bands["q5"] <= bands["q50"]).all() and (bands["q50"] <= bands["q95"]).all()
    matrix = results.timeseries_array("any_bf_share")
    for day in (0, 100, 364):
        np.testing.assert_allclose(bands.loc[day, ["q5", "q50", "q95"]].to_numpy(dtype=float),
                                   np.quantile(matrix[:, day], [0.05, 0.5, 0.95]), rtol=0, atol=1e-15)
        assert bands.loc[day, "mean"] == pytest.approx(matrix[:, day].mean(), abs=1e-15)
    custom = quantile_bands(frame, q=(0.025, 0.975))
    assert list(custom.columns) == ["day", "n", "mean", "q2.5", "q97.5"]
    with pytest.raises(ValueError):
        quantile_bands(frame, q=(1.5,))


def risks(results, outcome):
    """By hand: the risk of having stopped by the age among mothers who started, from the shares."""
    measure, _, age = outcome.removeprefix("stopped_").removesuffix("_among_starters").partition("_by_")
    share = {"any": "any_bf_", "exclusive": "excl_bf_"}[measure] + age
    return 1.0 - results.summary[share].to_numpy(dtype=float) / results.summary["initiation_rate"].to_numpy(dtype=float)


def test_same_seed_runs_are_paired(breastfriends_h5, no_peer_support_h5):
    a, b = load_results(breastfriends_h5), load_results(no_peer_support_h5)
    assert list(a.seeds) == list(b.seeds)
    result = compare(a, b)
    assert result.attrs["method"] == "paired"
    assert list(result["method"]) == ["paired"] * 8
    # the model's one definition: the risk among mothers who started, any and exclusive, at its stored ages
    assert list(result["outcome"]) == [f"stopped_{m}_by_{age}_among_starters"
                                       for m in ("any", "exclusive") for age in RISK_AGES]
    assert list(result["measure"]) == ["any"] * 4 + ["exclusive"] * 4
    assert (result["n_pairs"] == 5).all()
    for _, row in result.iterrows():  # by hand: per-pair differences and log ratios (scipy's t: 1e-9)
        ra, rb = risks(a, row["outcome"]), risks(b, row["outcome"])
        d = scipy_stats.ttest_1samp(rb - ra, 0.0).confidence_interval(0.95)
        assert row["difference"] == pytest.approx((rb - ra).mean(), abs=1e-14)
        assert row["difference_hi95"] - row["difference_lo95"] == pytest.approx(d.high - d.low, rel=1e-8)
        assert row["difference_hi95"] + row["difference_lo95"] == pytest.approx(d.high + d.low, abs=1e-14)
        # the model's stored risk (from the counts) is the risk from the shares
        assert np.allclose(ra, a.summary[row["outcome"]], rtol=1e-12, atol=0)
        logs = np.log(rb / ra)
        l = scipy_stats.ttest_1samp(logs, 0.0).confidence_interval(0.95)
        assert row["rr"] == pytest.approx(math.exp(logs.mean()), rel=1e-12)
        assert (row["rr_lo95"], row["rr_hi95"]) == pytest.approx((math.exp(l.low), math.exp(l.high)), rel=1e-9)
        assert row["risk_a"] == pytest.approx(ra.mean(), abs=1e-12)
        assert row["risk_b"] == pytest.approx(rb.mean(), abs=1e-12)
        assert row["rr_lo95"] <= row["rr"] <= row["rr_hi95"]
    # not the risk among all mothers (1 - share), which counts mothers who never started as having stopped
    all_mothers = np.log((1 - b.summary["any_bf_6w"]) / (1 - a.summary["any_bf_6w"])).mean()
    assert abs(result["rr"].iloc[1] - math.exp(all_mothers)) > 1e-3


def test_other_seed_runs_are_unpaired(breastfriends_h5, other_seed_h5):
    a, b = load_results(breastfriends_h5), load_results(other_seed_h5)
    assert not set(a.seeds.tolist()) & set(b.seeds.tolist())
    result = compare(a, b, outcome_age=["any_bf_6w", "any_bf_6m"])
    assert result.attrs["method"] == "unpaired" and list(result["method"]) == ["unpaired"] * 2
    assert list(result["outcome"]) == ["stopped_any_by_6w_among_starters", "stopped_any_by_6m_among_starters"]
    for _, row in result.iterrows():  # by hand: Welch, and the delta method on log RR (t975 is tested above)
        ra, rb = risks(a, row["outcome"]), risks(b, row["outcome"])
        va, vb = ra.var(ddof=1) / len(ra), rb.var(ddof=1) / len(rb)
        df = (va + vb) ** 2 / (va ** 2 / (len(ra) - 1) + vb ** 2 / (len(rb) - 1))
        half = t975(df) * math.sqrt(va + vb)
        difference = rb.mean() - ra.mean()
        assert row["difference"] == pytest.approx(difference, abs=1e-12)
        assert (row["difference_lo95"], row["difference_hi95"]) == pytest.approx(
            (difference - half, difference + half), abs=1e-12)
        ua, ub = va / ra.mean() ** 2, vb / rb.mean() ** 2
        df = (ua + ub) ** 2 / (ua ** 2 / (len(ra) - 1) + ub ** 2 / (len(rb) - 1))
        half = t975(df) * math.sqrt(ua + ub)
        log_rr = math.log(rb.mean() / ra.mean())
        assert row["rr"] == pytest.approx(math.exp(log_rr), rel=1e-10)
        assert (row["rr_lo95"], row["rr_hi95"]) == pytest.approx((math.exp(log_rr - half), math.exp(log_rr + half)),
                                                                 rel=1e-10)
    with pytest.raises(ValueError, match="share 0 run seeds"):
        compare(a, b, pairing="paired")


def test_identical_files_give_relative_risk_exactly_one(breastfriends_h5):
    a, b = load_results(breastfriends_h5), load_results(breastfriends_h5)
    result = compare(a, b)
    assert result.attrs["method"] == "paired"
    assert (result["rr"] == 1.0).all()
    assert (result["rr_lo95"] == 1.0).all() and (result["rr_hi95"] == 1.0).all()
    assert (result["difference"] == 0.0).all()
    assert (result["difference_lo95"] == 0.0).all() and (result["difference_hi95"] == 0.0).all()


def test_outcome_age_is_checked(breastfriends_h5):
    a = load_results(breastfriends_h5)
    assert list(compare(a, a, "3m")["age"]) == ["3 months"] * 2  # any and exclusive
    assert list(compare(a, a, "3m", measures="exclusive")["outcome"]) == ["stopped_exclusive_by_3m_among_starters"]
    # ages in words and days come from the file, for any checkpoint it holds (12 weeks: from the shares)
    ten_days = compare(a, a, ["any_bf_10d", "excl_bf_12w"])
    assert list(ten_days["age"]) == ["10 days", "12 weeks"] and list(ten_days["age_days"]) == [10, 84]
    assert list(ten_days["measure"]) == ["any", "exclusive"]
    twelve = compare(a, load_results(a.path), "excl_bf_12w")
    assert twelve["risk_a"].iloc[0] == pytest.approx(risks(a, "stopped_exclusive_by_12w_among_starters").mean())
    with pytest.raises(ValueError, match="2w"):
        compare(a, a, "2w")


def test_one_run_each_pairs_without_intervals(single_run_h5):
    a = load_results(single_run_h5)
    result = compare(a, a)
    assert result.attrs["method"] == "paired" and (result["n_pairs"] == 1).all()
    assert (result["rr"] == 1.0).all() and result["rr_lo95"].isna().all() and result["difference_lo95"].isna().all()
