"""End-to-end tests of `ppisim discover`: PRIM on a real sweep's design points
(replicate means), the boxes printed and written into /discovery, bad input
refused with exit 2 and one located line.

The sweep is small and quick: a Latin hypercube over initiation at birth and
volunteer capacity, 60 points of two replicates, on a one-year base of 1000
births a year. Mothers who start breastfeeding are drawn with the share
`feeding.initiation`, so "initiation_rate > 0.85" holds where that factor is
high: the box must restrict it from below and leave capacity alone.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from cli_support import SCENARIOS, describe, error_lines, hidden_files

BREASTFRIENDS = SCENARIOS / "breastfriends.yaml"
WHERE = "initiation_rate > 0.85"


def write_sweep(folder: Path, points: int = 60, kind_of_design: str = "lhs") -> Path:
    base = folder / "tiny.yaml"
    base.write_text(f"extends: {BREASTFRIENDS}\nname: tiny\nhorizon: 1 year\npopulation: {{births: 1000 per year}}\n")
    experiment = folder / "discovery.yaml"
    experiment.write_text(
        "name: discovery\n"
        f"base: {base}\n"
        "factors:\n"
        "  feeding.initiation: { uniform: [0.76, 0.94] }\n"
        "  volunteers.capacity: { uniform: [3, 9] }\n"
        f"design: {{ method: {kind_of_design}, points: {points}, replicates: 2, seed: 5 }}\n"
        "analyse: [initiation_rate]\n"
        "store: summary\n")
    return experiment


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory, ppisim_binary):
    from cli_support import run_ppisim
    folder = tmp_path_factory.mktemp("discover")
    experiment = write_sweep(folder)
    output = folder / "discovery.h5"
    result = run_ppisim(ppisim_binary, "sweep", experiment, "-o", output, "--quiet", cwd=folder)
    assert result.returncode == 0, describe(result)
    return output


def discovered(path: Path) -> dict:
    with h5py.File(path, "r") as handle:
        group = handle["discovery"]
        return {
            "attrs": {key: (value.decode() if isinstance(value, bytes) else value) for key, value in group.attrs.items()},
            "factors": [name.decode() for name in group["factors"][:]],
            "case": group["case"][:],
            "box": {name: group["box"][name][()] for name in group["box"]},
            "trajectory": {name: group["trajectory"][name][()] for name in group["trajectory"]},
        }


def replicate_means(path: Path, outcome: str) -> np.ndarray:
    with h5py.File(path, "r") as handle:
        point = handle["runs/point"][:]
        values = handle["summary"][outcome][:]
        return np.array([values[point == p].mean() for p in range(handle["design/values"].shape[0])])


def test_the_box_restricts_the_factor_that_drives_the_condition(ppisim, sweep_file):
    result = ppisim("discover", sweep_file, "--where", WHERE, "--bootstrap", "50")
    assert result.returncode == 0, describe(result)
    found = discovered(sweep_file)
    assert found["factors"] == ["feeding.initiation", "volunteers.capacity"]
    # The cases are the points whose replicate mean meets the condition, recomputed here.
    means = replicate_means(sweep_file, "initiation_rate")
    np.testing.assert_array_equal(found["case"], (means > 0.85).astype(float))
    assert 0 < found["case"].sum() < len(means)
    assert found["attrs"]["where"] == WHERE and found["attrs"]["points"] == 60
    assert found["attrs"]["cases"] == found["case"].sum()
    assert "resampled design points" in found["attrs"]["intervals"]
    box = found["box"]
    restricted = box["restricted"][0]
    assert restricted[0] == 1.0 and restricted[1] == 0.0, describe(result)
    with h5py.File(sweep_file, "r") as handle:
        initiation = handle["design/values"][:, 0]
    lower = box["lower"][0, 0]
    # The limit separates the factor's values of the cases from most of the rest.
    assert initiation[found["case"] == 1].min() >= lower
    assert 0.8 < lower < 0.9
    assert box["density"][0] >= 0.8 and box["coverage"][0] >= 0.5
    assert box["coverage_lo95"][0] <= box["coverage"][0] <= box["coverage_hi95"][0]
    assert box["lower_lo95"][0, 0] <= lower <= box["lower_hi95"][0, 0]
    # The trajectory starts from the whole design: all of it, every case.
    trajectory = found["trajectory"]
    first = np.flatnonzero(trajectory["box"] == 0)[0]
    assert trajectory["mass"][first] == 1.0 and trajectory["coverage"][first] == 1.0
    # What is printed is what is stored.
    assert "feeding.initiation" in result.stdout and "volunteers.capacity" not in result.stdout.split("box 1:")[1]
    assert f"coverage {box['coverage'][0]:.3f}" in result.stdout
    assert "resampled design points" in result.stdout
    assert hidden_files(sweep_file.parent) == []


def test_rerunning_replaces_the_discovery_and_keeps_the_sweep(ppisim, sweep_file, tmp_path):
    copy = tmp_path / "copy.h5"
    copy.write_bytes(sweep_file.read_bytes())
    assert ppisim("discover", copy, "--where", WHERE, "--bootstrap", "10").returncode == 0
    first = discovered(copy)
    result = ppisim("discover", copy, "--where", "initiation_rate <= 0.8 and initiation_rate >= 0", "--bootstrap", "10")
    assert result.returncode == 0, describe(result)
    second = discovered(copy)
    assert second["attrs"]["where"] == "initiation_rate <= 0.8 and initiation_rate >= 0"
    assert not np.array_equal(first["case"], second["case"])
    # Now the cases lie low: the box limits the factor from above.
    assert second["box"]["restricted"][0, 0] == 1.0
    with h5py.File(copy, "r") as handle:
        assert handle["discovery/box/upper"][0, 0] < handle["design/values"][:, 0].max()
        np.testing.assert_array_equal(handle["summary/initiation_rate"][:], h5py.File(sweep_file, "r")["summary/initiation_rate"][:])
    assert hidden_files(tmp_path) == []


def test_a_failed_discovery_leaves_the_file_as_it_was(ppisim, sweep_file, tmp_path):
    copy = tmp_path / "copy.h5"
    copy.write_bytes(sweep_file.read_bytes())
    before = copy.read_bytes()
    result = ppisim("discover", copy, "--where", "initiation_rat > 0.8")
    assert result.returncode == 2
    assert copy.read_bytes() == before and hidden_files(tmp_path) == []


@pytest.mark.parametrize("where, column, message", [
    ("initiation_rat > 0.8", 1, "unknown outcome 'initiation_rat'; did you mean 'initiation_rate'?"),
    ("initiation_rate = 0.8", 17, "expected <, <=, > or >= after 'initiation_rate', got '=' (equality is not offered"),
    ("initiation_rate > high", 19, "expected a finite number after '>', got 'high'"),
    ("initiation_rate > 0.8 or any_bf_6w < 1", 23, "expected 'and' or the end of the condition, got 'or' (only 'and' joins"),
    ("initiation_rate >", 18, "expected a number after '>'"),
    ("", 1, "expected a condition OUTCOME < NUMBER"),
])
def test_a_bad_condition_is_refused_with_its_column(ppisim, sweep_file, where, column, message):
    result = ppisim("discover", sweep_file, "--where", where)
    assert result.returncode == 2 and result.stdout == "", describe(result)
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"ppisim: error: --where:1:{column}: {message}"), lines


def test_a_file_that_is_not_a_sweep_is_refused(ppisim, tmp_path):
    run_file = tmp_path / "run.h5"
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(f"extends: {BREASTFRIENDS}\nname: tiny\nhorizon: 1 year\npopulation: {{births: 500 per year}}\n")
    assert ppisim("run", scenario, "-o", run_file, "--replicates", "1", "--quiet").returncode == 0
    result = ppisim("discover", run_file, "--where", WHERE)
    assert result.returncode == 2, describe(result)
    assert error_lines(result.stderr) == [
        f"ppisim: error: {run_file}: a results file of kind 'run', not a sweep; ppisim discover reads the file of "
        "`ppisim sweep` (merge shards first with `ppisim merge`)"]
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    result = ppisim("discover", text, "--where", WHERE)
    assert result.returncode == 2 and "not an HDF5 file" in result.stderr, describe(result)
    result = ppisim("discover", tmp_path / "missing.h5", "--where", WHERE)
    assert result.returncode == 2 and "no such file" in result.stderr, describe(result)


# --- paired by seed with a comparator ---------------------------------------------

def paired_terms(sweep: Path, comparator: Path, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Each design point's mean paired difference and ratio of means, pairing runs by /runs/seed."""
    with h5py.File(sweep, "r") as s, h5py.File(comparator, "r") as c:
        row_of_seed = {int(seed): row for row, seed in enumerate(c["runs/seed"][:])}
        other = c["summary"][outcome][:]
        mine, point, seeds = s["summary"][outcome][:], s["runs/point"][:], s["runs/seed"][:]
        paired = np.array([other[row_of_seed[int(seed)]] for seed in seeds])
        points = s["design/values"].shape[0]
    diff = np.array([(mine[point == p] - paired[point == p]).mean() for p in range(points)])
    ratio = np.array([mine[point == p].sum() / paired[point == p].sum() for p in range(points)])
    return diff, ratio


@pytest.fixture(scope="module")
def comparator_file(sweep_file, ppisim_binary):
    """The base scenario (initiation 0.81) run with the sweep's seed, and one more replicate than it needs,
    so that pairing must go by seed, not by row."""
    from cli_support import run_ppisim
    folder = sweep_file.parent
    output = folder / "comparator.h5"
    result = run_ppisim(ppisim_binary, "run", folder / "tiny.yaml", "-o", output, "--seed", "5", "--replicates", "3",
                        "--quiet", cwd=folder)
    assert result.returncode == 0, describe(result)
    return output


def test_paired_differences_and_ratios_against_a_comparator(ppisim, sweep_file, comparator_file, tmp_path):
    copy = tmp_path / "copy.h5"
    copy.write_bytes(sweep_file.read_bytes())
    diff, ratio = paired_terms(copy, comparator_file, "initiation_rate")
    result = ppisim("discover", copy, "--where", "diff(initiation_rate) > 0.04", "--comparator", comparator_file,
                    "--bootstrap", "20")
    assert result.returncode == 0, describe(result)
    found = discovered(copy)
    np.testing.assert_array_equal(found["case"], (diff > 0.04).astype(float))
    assert 0 < found["case"].sum() < 60
    assert found["attrs"]["comparator"] == str(comparator_file)
    assert found["box"]["restricted"][0, 0] == 1.0 and 0.8 < found["box"]["lower"][0, 0] < 0.9
    result = ppisim("discover", copy, "--where", "ratio(initiation_rate) < 0.98 and initiation_rate > 0",
                    "--comparator", comparator_file, "--bootstrap", "20")
    assert result.returncode == 0, describe(result)
    found = discovered(copy)
    np.testing.assert_array_equal(found["case"], (ratio < 0.98).astype(float))
    assert 0 < found["case"].sum() < 60
    assert "paired by seed with" in result.stdout


def test_a_comparator_that_does_not_pair_is_refused(ppisim, sweep_file, comparator_file, tmp_path):
    other = tmp_path / "other.h5"
    assert ppisim("run", sweep_file.parent / "tiny.yaml", "-o", other, "--seed", "6", "--replicates", "2",
                  "--quiet").returncode == 0
    result = ppisim("discover", sweep_file, "--where", "diff(initiation_rate) > 0", "--comparator", other)
    assert result.returncode == 2, describe(result)
    [line] = error_lines(result.stderr)
    assert line.startswith(f"ppisim: error: {other}: no run of the comparator has the seed of the sweep's run 0 (")
    assert line.endswith("(ppisim run COMPARATOR.yaml --seed 5 --replicates 2)")
    result = ppisim("discover", sweep_file, "--where", "ratio(initiation_rate) < 1")
    assert result.returncode == 2
    assert error_lines(result.stderr) == ["ppisim: error: --where:1:1: ratio(...) compares with a comparator: add "
                                          "--comparator FILE (the comparator scenario's results, run with the sweep's seed)"]
    result = ppisim("discover", sweep_file, "--where", "diff(initiatio_rate) > 0", "--comparator", comparator_file)
    assert result.returncode == 2
    assert error_lines(result.stderr)[0].startswith("ppisim: error: --where:1:6: unknown outcome 'initiatio_rate'; did "
                                                    "you mean 'initiation_rate'?")


def test_a_word_factor_is_restricted_by_its_level_names(ppisim, tmp_path):
    """An overlay factor enters PRIM as its level number and comes out as its level's name."""
    (tmp_path / "tiny.yaml").write_text(f"extends: {BREASTFRIENDS}\nname: tiny\nhorizon: 1 year\n"
                                        "population: {births: 1000 per year}\n")
    (tmp_path / "words.yaml").write_text(
        "name: words\nbase: tiny.yaml\nfactors:\n"
        "  start:\n    low: { feeding.initiation: 0.78 }\n    high: { feeding.initiation: 0.92 }\n"
        "  volunteers.capacity: { levels: [3, 5, 7, 9] }\n"
        "design: { method: grid, replicates: 2, seed: 5 }\nanalyse: [initiation_rate]\nstore: summary\n")
    assert ppisim("sweep", "words.yaml", "-o", "words.h5", "--quiet").returncode == 0
    result = ppisim("discover", "words.h5", "--where", WHERE, "--bootstrap", "20")
    assert result.returncode == 0, describe(result)
    found = discovered(tmp_path / "words.h5")
    np.testing.assert_array_equal(found["case"], [0, 0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(found["box"]["restricted"][0], [1.0, 0.0])
    assert found["box"]["lower"][0, 0] == 1.0 and found["box"]["density"][0] == 1.0
    assert "  start                >= high [" in result.stdout, result.stdout
