"""The statistical-equivalence check of two ways of computing the model
(ppisim_analysis.equivalence): its tests on samples whose truth is known, its
stated power against simulation, and on the real binary, that runs differing
only in their seeds pass and a knocked-out mechanism fails."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis_support import SCENARIOS, describe, run_binary
from ppisim_analysis import equivalence as eq


def normal_samples(seed: int, n: int, shift: float = 0.0, scale: float = 1.0) -> np.ndarray:
    return shift + scale * np.random.default_rng(seed).standard_normal(n)


# -- the tests' parts, on known samples ---------------------------------------------------------

def test_holm_rejects_step_down_as_by_hand():
    # sorted p 0.001 <= 0.05/4, 0.012 <= 0.05/3, 0.03 > 0.05/2: the first two only
    assert eq.holm([0.03, 0.001, 0.5, 0.012], 0.05).tolist() == [False, True, False, True]
    assert not eq.holm([0.02, 0.02, 0.02], 0.05).any()           # 0.02 > 0.05/3
    assert eq.holm([0.01, 0.02, 0.04], 0.05).all()               # 0.01/3, 0.02/2, 0.04/1 all pass


def test_tost_passes_equal_means_and_refuses_a_shift_beyond_the_margin():
    a, b = normal_samples(1, 2000), normal_samples(2, 2000)
    p_same, lo, hi = eq.welch_tost(a, b, 0.25)
    assert p_same < 1e-6 and -0.25 < lo < hi < 0.25
    p_shifted, lo, hi = eq.welch_tost(a, normal_samples(2, 2000, shift=0.35), 0.25)
    assert p_shifted > 0.5 and lo > 0.25 - 0.1


def test_tost_power_formula_matches_simulation():
    """The stated power is what happens: 2,000 simulated pairs of identical
    paths, 40 runs each, margin 0.5 sd (estimated from the exact runs, as the
    check does); the pass rate within 99.9% binomial bounds of the formula,
    widened by 0.02 for the estimated margin."""
    n, margin, trials = 40, 0.5, 2000
    rng = np.random.default_rng(5)
    passes = 0
    for _ in range(trials):
        a, b = rng.standard_normal(n), rng.standard_normal(n)
        passes += eq.welch_tost(a, b, margin * a.std(ddof=1))[0] < eq.DEFAULT_ALPHA
    predicted = eq.tost_power(margin, n, n)
    bound = 3.29 * math.sqrt(predicted * (1 - predicted) / trials) + 0.02
    assert 0.3 < predicted < 0.9  # a power where the check can tell a wrong formula
    assert abs(passes / trials - predicted) < bound, (passes / trials, predicted)


def test_runs_needed_is_the_smallest_that_reaches_the_joint_power():
    n = eq.runs_needed(0.25, outcomes=100, power=0.95)
    assert eq.joint_tost_power(0.25, n, n, 100) >= 0.95 > eq.joint_tost_power(0.25, n - 1, n - 1, 100)
    assert eq.runs_needed(0.5, 100) < n < eq.runs_needed(0.25, 1000)


def test_detectable_shift_sits_just_above_the_t_tests_and_falls_with_runs():
    shift_300 = eq.detectable_shift(300, 300, tests=1)
    t_test = (1.96 + 0.8416) * math.sqrt(2 / 300)  # the same power for a t test of a normal shift
    assert t_test < shift_300 < 1.4 * t_test
    assert eq.detectable_shift(1200, 1200, tests=1) < shift_300 < eq.detectable_shift(300, 300, tests=100)


def test_compare_samples_names_each_kind_of_difference():
    n = 3000
    exact = {"same": normal_samples(1, n), "shifted": normal_samples(2, n), "wider": normal_samples(3, n),
             "more_undefined": normal_samples(4, n), "undefined_in_both": np.full(n, np.nan),
             "constant": np.ones(n), "only_exact": normal_samples(5, n)}
    more_undefined = normal_samples(14, n)
    more_undefined[: n // 5] = np.nan
    candidate = {"same": normal_samples(11, n), "shifted": normal_samples(12, n, shift=0.4),
                 "wider": normal_samples(13, n, scale=1.6), "more_undefined": more_undefined,
                 "undefined_in_both": np.full(n, np.nan), "constant": np.ones(n), "only_candidate": np.zeros(n)}
    table = eq.compare_samples(exact, candidate).set_index("outcome")
    assert table.loc["same", "verdict"] == eq.EQUIVALENT
    assert table.loc["undefined_in_both", "verdict"] == eq.EQUIVALENT
    assert table.loc["constant", "verdict"] == eq.EQUIVALENT
    assert table.loc["shifted", "verdict"] == eq.DISTRIBUTION_DIFFERS and not table.loc["shifted", "mean_within_margin"]
    assert table.loc["wider", "verdict"] == eq.DISTRIBUTION_DIFFERS and table.loc["wider", "mean_within_margin"]
    assert table.loc["more_undefined", "verdict"] == eq.DISTRIBUTION_DIFFERS
    assert table.loc["only_exact", "verdict"] == table.loc["only_candidate", "verdict"] == eq.MISSING
    assert table.attrs["verdict"] == "not equivalent"
    assert set(table.attrs["failing"]) == {"shifted", "wider", "more_undefined", "only_exact", "only_candidate"}


def test_a_constant_that_changes_is_not_equivalent():
    table = eq.compare_samples({"x": np.ones(50)}, {"x": np.full(50, 1.0 + 1e-12)})
    assert table.attrs["verdict"] == "not equivalent"


# -- on the binary ------------------------------------------------------------------------------

RUNS = 300          # per path: at margin 0.5 sd each outcome passes with probability 1 - 1e-5 if identical
MARGIN = "0.5"
TOWN_YEAR = ["--set", "horizon=1year", "--quiet", "--replicates", str(RUNS)]


@pytest.fixture(scope="module")
def town_runs(binary, tmp_path_factory):
    folder = tmp_path_factory.mktemp("equivalence")

    def make(name: str, seed: int, *settings: str):
        path = folder / f"{name}.h5"
        if not path.exists():
            result = run_binary(binary, "run", SCENARIOS / "breastfriends.yaml", *TOWN_YEAR, "--seed", seed,
                                *settings, "-o", path, cwd=folder)
            assert result.returncode == 0, describe(result)
        return path
    return make


def test_runs_that_differ_only_in_their_seeds_are_equivalent(town_runs, capsys):
    code = eq.main([str(town_runs("exact", 101)), str(town_runs("other_seeds", 202)), "--margin", MARGIN])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verdict: equivalent" in out and "replicate noise only" in out and "power at 300 and 300 runs" in out


def test_a_knocked_out_mechanism_is_not_equivalent(town_runs, capsys, tmp_path):
    """Peer contacts that no longer raise a mother's confidence: the scheme's
    effect on breastfeeding is gone, and the check must say so by name."""
    knocked_out = town_runs("no_contact_confidence", 303, "--knockout", "peer_contacts_raise_confidence")
    csv = tmp_path / "table.csv"
    code = eq.main([str(town_runs("exact", 101)), str(knocked_out), "--margin", MARGIN, "--csv", str(csv)])
    out = capsys.readouterr().out
    assert code == 1, out
    failing = out.split("failing: ")[1]
    assert "any_bf_6w" in failing, out
    assert csv.read_text().startswith("outcome,")


def test_shared_seeds_are_refused_with_what_to_do(town_runs, capsys):
    path = town_runs("exact", 101)
    assert eq.main([str(path), str(path)]) == 2
    assert "make the candidate with another --seed" in capsys.readouterr().err


def test_plan_prints_the_runs_needed(capsys):
    assert eq.main(["--plan", "--outcomes", "100", "--margin", "0.25"]) == 0
    assert f"{eq.runs_needed(0.25, 100)} runs per path" in capsys.readouterr().out
