"""Headcounts and costs a year against a comparator (ppisim_analysis.decision),
recomputed by hand from the per-run tables of the results files (h5py, not the
package's loader), on a costed development-process scheme against usual care."""

from __future__ import annotations

import math

import h5py
import numpy as np
import pytest
import yaml
from scipy import stats as scipy_stats

from analysis_support import QUICK, SCENARIOS
from ppisim_analysis import load_results
from ppisim_analysis.decision import decide, joint_meetings

COSTED = f"""\
extends: {SCENARIOS / 'development_process.yaml'}
name: costed_scheme
costs:
  currency: GBP
  price_year: 2023
  coordinator_per_year: {{value: 38000, source: local job description}}
  training_per_trainee: 250
  expenses_per_peer_contact: 6
  professional_per_referral: 4
  professional_per_contact: 40
  per_joint_meeting: 320
  value_per_extra_mother_6w: {{value: 1000, source: "assumption: the council's willingness to pay"}}
"""


@pytest.fixture(scope="session")
def costed_h5(make_results, results_folder):
    path = results_folder / "costed_scheme.yaml"
    path.write_text(COSTED)
    return make_results("costed_scheme", path, *QUICK)


def by_hand(path):
    """Per run, from the file's own datasets: counts a year in the area."""
    with h5py.File(path, "r") as f:
        s = {name: f[f"summary/{name}"][()] for name in f["summary"]}
        p = {name: f[f"parameters/{name}"][()] for name in f["parameters"]}
        series = {name: f[f"timeseries/{name}"][()] for name in ("peer_contacts", "referrals", "professional_contacts",
                                                                 "volunteers_active", "dropouts")}
        seeds = f["runs/seed"][()]
        scenario = yaml.safe_load(f.attrs["scenario_yaml"])
        days = f["time/day"][()]
    births = p["population.births"] * 365.25
    years = len(days) / 365.25  # measurement.from is 0: every day is measured
    counts = {"any6w": s["any_bf_6w"] * births, "excl6w": s["excl_bf_6w"] * births, "any6m": s["any_bf_6m"] * births,
              "reached": s["reached_by_volunteer"] * births,
              "trained": (series["volunteers_active"][:, -1] + series["dropouts"].sum(axis=1)) / years}
    for name in ("peer_contacts", "referrals", "professional_contacts"):
        counts[name] = series[name].sum(axis=1) / years
    return seeds, counts, scenario, days


def test_headcounts_and_costs_recomputed_by_hand(costed_h5, no_peer_support_h5):
    option, comparator = load_results(costed_h5), load_results(no_peer_support_h5)
    decision = decide(option, comparator)
    seeds_o, o, scenario, days = by_hand(costed_h5)
    seeds_c, c, _, _ = by_hand(no_peer_support_h5)
    assert list(seeds_o) == list(seeds_c) and decision.pairs == len(seeds_o) == 5
    for column, key in (("mothers_any_bf_6w", "any6w"), ("mothers_excl_bf_6w", "excl6w"),
                        ("mothers_any_bf_6m", "any6m"), ("mothers_reached", "reached"),
                        ("volunteers_trained", "trained")):
        d = o[key] - c[key]
        got = decision.headcounts[column]
        ci = scipy_stats.ttest_1samp(d, 0.0).confidence_interval(0.95)
        assert got.mean == pytest.approx(d.mean(), rel=1e-9, abs=1e-9), column
        assert (got.lo95, got.hi95) == pytest.approx((ci.low, ci.high), rel=1e-6, abs=1e-6), column
        assert "replicate noise" in got.covers
    assert decision.headcounts["mothers_any_bf_6w"].lo95 > 0  # the scheme adds mothers breastfeeding at 6-8 weeks

    # joint meetings: every 28 days from day 182.625 (rounded) to the end of the one-year horizon
    meetings = len([d for d in range(len(days)) if any(round(182.625 + k * 28) == d for k in range(20))])
    assert joint_meetings(scenario, len(days)) == meetings == 7
    years = len(days) / 365.25
    programme = (38000 + 250 * o["trained"] + 6 * o["peer_contacts"] + 4 * o["referrals"] + 320 * meetings / years)
    total_o = programme + 40 * o["professional_contacts"]
    total_c = 40 * c["professional_contacts"] + 250 * c["trained"] + 6 * c["peer_contacts"] + 4 * c["referrals"]
    incremental = total_o - total_c
    costs = decision.costs
    assert costs["currency"] == "GBP" and costs["price_year"] == 2023
    assert costs["programme"].mean == pytest.approx(programme.mean(), rel=1e-12)
    assert costs["incremental"].mean == pytest.approx(incremental.mean(), rel=1e-12)
    assert costs["per_mother_reached"].mean == pytest.approx(programme.mean() / o["reached"].mean(), rel=1e-12)
    extra = o["any6w"] - c["any6w"]
    assert costs["per_extra_mother_6w"].mean == pytest.approx(incremental.mean() / extra.mean(), rel=1e-12)
    lo, hi = costs["per_extra_mother_6w"].lo95, costs["per_extra_mother_6w"].hi95
    assert lo < costs["per_extra_mother_6w"].mean < hi or math.isnan(lo)
    nmb = costs["net_monetary_benefit"]
    assert nmb["value"] == 1000 and nmb["interval"].mean == pytest.approx((1000 * extra - incremental).mean(), rel=1e-9)
    assert costs["items"]["coordinator_per_year"]["source"] == "local job description"
    assert costs["items"]["training_per_trainee"]["source"] == "assumption (no source given)"


def test_comparator_must_share_seeds(costed_h5, other_seed_h5):
    with pytest.raises(ValueError, match="share 0 run seeds"):
        decide(load_results(costed_h5), load_results(other_seed_h5))


def test_no_costs_block_gives_headcounts_only(breastfriends_h5, no_peer_support_h5):
    decision = decide(load_results(breastfriends_h5), load_results(no_peer_support_h5))
    assert decision.costs is None and any("no costs: block" in note for note in decision.notes)
    assert decision.headcounts["mothers_reached"].mean > 0
