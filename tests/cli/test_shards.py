"""`ppisim sweep --shard I/N` and `ppisim merge`: a sweep split into shards
(as a Slurm job array runs it) and merged gives, dataset by dataset, the
file of one threaded sweep, design and sensitivity table included; shards of
another experiment, split or binary, a shard twice and a missing shard are
refused by name."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess

import h5py
import numpy as np
import pytest

from cli_support import binary_path, describe
from test_sweep import JOURNAL_HEADER_BYTES, assert_same_datasets, wait_for, write_model_experiment

MORRIS = "method: morris, trajectories: 4, levels: 4, replicates: 2"  # 20 points x 2 = 40 runs


def ppisim_env(*args, cwd, env=None, timeout=120):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    environment.update(env or {})
    return subprocess.run([str(binary_path()), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=environment)


def run_ok(*args, cwd, env=None):
    result = ppisim_env(*args, cwd=cwd, env=env)
    assert result.returncode == 0, describe(result)
    return result


def make_shards(experiment, folder, count, *extra):
    parts = []
    for index in range(1, count + 1):
        part = folder / f"part-{index}.h5"
        run_ok("sweep", experiment, "--shard", f"{index}/{count}", "-o", part, "--quiet", "--threads", 2, *extra, cwd=folder)
        parts.append(part)
    return parts


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """A Morris sweep run once threaded and once as three shards."""
    folder = tmp_path_factory.mktemp("split")
    experiment = write_model_experiment(folder, "morris", MORRIS)
    threaded = folder / "threaded.h5"
    run_ok("sweep", experiment, "-o", threaded, "--threads", 2, "--quiet", cwd=folder)
    return folder, experiment, threaded, make_shards(experiment, folder, 3)


def test_three_shards_merge_to_the_threaded_sweep_dataset_by_dataset(split):
    folder, _, threaded, parts = split
    merged = folder / "merged.h5"
    result = run_ok("merge", *reversed(parts), "-o", merged, cwd=folder)  # any order
    assert "3 shards, 40 runs" in result.stdout, describe(result)
    assert_same_datasets(threaded, merged)
    with h5py.File(merged, "r") as handle:
        assert handle.attrs["kind"] == "sweep" and int(handle.attrs["runs"]) == 40
        # Not trivially equal: the sensitivity table is there and not empty.
        assert len(handle["sensitivity/estimate"]) > 0 and np.isfinite(handle["sensitivity/estimate"][()]).any()
    assert not list(folder.glob("*.journal"))


def test_a_shard_holds_its_runs_strided_and_says_what_it_is(split):
    folder, experiment, _, parts = split
    with h5py.File(parts[1], "r") as handle:
        assert handle.attrs["kind"] == "shard" and handle.attrs["shard"] == "2/3"
        assert int(handle.attrs["shard_index"]) == 2 and int(handle.attrs["shard_count"]) == 3
        assert int(handle.attrs["sweep_runs"]) == 40
        assert handle.attrs["experiment_file"] == str(experiment)
        assert handle.attrs["git_revision"] and handle.attrs["ppisim_version"]
        assert int(handle.attrs["experiment_fingerprint"]) != 0
        assert handle["runs/run"][()].tolist() == list(range(1, 40, 3))
        assert handle["runs/point"][()].tolist() == [run // 2 for run in range(1, 40, 3)]
    with h5py.File(parts[0], "r") as one, h5py.File(parts[1], "r") as two:
        assert one.attrs["experiment_fingerprint"] == two.attrs["experiment_fingerprint"]


def test_timeseries_and_an_uneven_split_merge_exactly(tmp_path):
    # 5 points x 2 replicates = 10 runs in 4 shards of 3, 3, 2 and 2, with daily series.
    experiment = write_model_experiment(tmp_path, "lhs", "method: lhs, points: 5, replicates: 2")
    experiment.write_text(experiment.read_text().replace("store: summary", "store: timeseries"))
    threaded = tmp_path / "threaded.h5"
    run_ok("sweep", experiment, "-o", threaded, "--threads", 2, "--quiet", cwd=tmp_path)
    parts = make_shards(experiment, tmp_path, 4)
    run_ok("merge", *parts, "-o", tmp_path / "merged.h5", "--quiet", cwd=tmp_path)
    assert_same_datasets(threaded, tmp_path / "merged.h5")
    with h5py.File(tmp_path / "merged.h5", "r") as handle:
        assert handle["timeseries/any_bf_share"].shape[0] == 10


def test_an_analytic_sweep_in_shards_merges_to_the_same_sobol_indices(tmp_path):
    experiment = tmp_path / "g.yaml"
    experiment.write_text("name: g\nmodel: {g_function: {coefficients: [0, 1, 9]}}\n"
                          "factors: {x1: {uniform: [0, 1]}, x2: {uniform: [0, 1]}, x3: {uniform: [0, 1]}}\n"
                          "design: {method: sobol, base_samples: 64, replicates: 1, seed: 5}\n")
    run_ok("sweep", experiment, "-o", tmp_path / "one.h5", "--quiet", cwd=tmp_path)
    parts = make_shards(experiment, tmp_path, 2)
    run_ok("merge", *parts, "-o", tmp_path / "merged.h5", "--quiet", cwd=tmp_path)
    assert_same_datasets(tmp_path / "one.h5", tmp_path / "merged.h5")


def test_slurm_array_variables_choose_the_shard(split, tmp_path):
    _, experiment, _, parts = split
    slurm = {"SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "11", "SLURM_ARRAY_TASK_MAX": "13",
             "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_STEP": "1"}
    result = run_ok("sweep", experiment, "-o", tmp_path / "task.h5", "--threads", 2, cwd=tmp_path, env=slurm)
    assert "shard 2/3 (from Slurm's SLURM_ARRAY_TASK_*)" in result.stderr, describe(result)
    assert_same_datasets(parts[1], tmp_path / "task.h5")
    # Without -o, a shard is named after the experiment and its number.
    run_ok("sweep", experiment, "--quiet", "--threads", 2, cwd=tmp_path, env=slurm)
    assert (tmp_path / "morris.part-2.h5").exists()
    # --shard none ignores Slurm: the whole sweep.
    run_ok("sweep", experiment, "--shard", "none", "-o", tmp_path / "whole.h5", "--quiet", "--threads", 2,
           cwd=tmp_path, env=slurm)
    with h5py.File(tmp_path / "whole.h5", "r") as handle:
        assert handle.attrs["kind"] == "sweep" and int(handle.attrs["runs"]) == 40
    # --array=1-5:2 runs tasks 1, 3 and 5: task 5 is the third of three.
    stepped = {"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "5",
               "SLURM_ARRAY_TASK_STEP": "2"}
    result = run_ok("sweep", experiment, "-o", tmp_path / "stepped.h5", "--threads", 2, cwd=tmp_path, env=stepped)
    assert "shard 3/3" in result.stderr, describe(result)
    assert_same_datasets(parts[2], tmp_path / "stepped.h5")
    bad = ppisim_env("sweep", experiment, "-o", tmp_path / "bad.h5", cwd=tmp_path,
                     env=dict(slurm, SLURM_ARRAY_TASK_ID="x"))
    assert bad.returncode == 2 and "SLURM_ARRAY_TASK_ID" in bad.stderr and "--shard" in bad.stderr, describe(bad)


@pytest.mark.parametrize("text", ["0/3", "4/3", "2", "a/b", "1/0", "-1/3", "1/3/2", ""])
def test_a_malformed_shard_is_refused(split, tmp_path, text):
    _, experiment, _, _ = split
    result = ppisim_env("sweep", experiment, "--shard", text, "-o", tmp_path / "x.h5", cwd=tmp_path)
    assert result.returncode == 2, describe(result)
    assert "I/N" in result.stderr and len(result.stderr.strip().splitlines()) == 1, describe(result)
    assert not list(tmp_path.iterdir())


def refusal(folder, *parts, **kwargs):
    result = ppisim_env("merge", *parts, "-o", folder / "out.h5", cwd=folder, **kwargs)
    assert result.returncode == 2, describe(result)
    assert len(result.stderr.strip().splitlines()) == 1, describe(result)
    assert not (folder / "out.h5").exists()
    return result.stderr


def test_merge_names_a_missing_shard_and_refuses_duplicates(split, tmp_path):
    folder, _, _, parts = split
    assert "shard 2/3 missing" in refusal(tmp_path, parts[0], parts[2])
    assert "shards 1/3, 3/3 missing" in refusal(tmp_path, parts[1])
    copy = tmp_path / "copy-of-1.h5"
    shutil.copy(parts[0], copy)
    stderr = refusal(tmp_path, parts[0], copy, parts[1], parts[2])
    assert "shard 1/3 is given twice" in stderr and "copy-of-1.h5" in stderr, stderr
    assert "given twice" in refusal(tmp_path, parts[0], parts[0], parts[1], parts[2])


def test_merge_refuses_shards_of_another_experiment_split_or_binary(split, tmp_path):
    folder, experiment, threaded, parts = split
    other = tmp_path / "other.yaml"
    other.write_text(experiment.read_text().replace("seed: 3", "seed: 4"))
    run_ok("sweep", other, "--shard", "2/3", "-o", tmp_path / "other-2.h5", "--quiet", "--threads", 2, cwd=tmp_path)
    assert "different experiment" in refusal(tmp_path, parts[0], tmp_path / "other-2.h5", parts[2])
    run_ok("sweep", experiment, "--shard", "2/4", "-o", tmp_path / "quarter-2.h5", "--quiet", "--threads", 2, cwd=tmp_path)
    assert "split" in refusal(tmp_path, parts[0], tmp_path / "quarter-2.h5", parts[2])
    assert "not a shard" in refusal(tmp_path, parts[0], threaded, parts[2])
    # A shard from another binary: its provenance says so.
    odd = tmp_path / "odd-3.h5"
    shutil.copy(parts[2], odd)
    with h5py.File(odd, "r+") as handle:
        handle.attrs["git_revision"] = "0000000"
    assert "one binary" in refusal(tmp_path, parts[0], parts[1], odd)
    assert "binary that made" in refusal(tmp_path, odd)


def test_merge_refuses_a_changed_experiment_and_damaged_rows(split, tmp_path):
    folder, experiment, _, parts = split
    moved = tmp_path / "morris.yaml"
    shutil.copy(experiment, moved)
    copies = []
    for part in parts:
        shutil.copy(part, tmp_path / part.name)
        copies.append(tmp_path / part.name)
    # The copy is the same experiment: --experiment names it when the original moved.
    run_ok("merge", *copies, "-o", tmp_path / "via-copy.h5", "--experiment", moved, "--quiet", cwd=tmp_path)
    moved.write_text(moved.read_text().replace("levels: 4", "levels: 6"))
    assert "changed" in refusal(tmp_path, *copies, "--experiment", moved)
    with h5py.File(copies[1], "r+") as handle:
        runs = handle["runs/run"][()]
        runs[0] = 0
        handle["runs/run"][...] = runs
    assert "not shard 2/3's" in refusal(tmp_path, *copies)


def test_an_interrupted_shard_resumes_to_the_same_shard(split, tmp_path):
    _, experiment, _, parts = split
    output, journal = tmp_path / "part-3.h5", tmp_path / "part-3.h5.journal"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    process = subprocess.Popen([str(binary_path()), "sweep", str(experiment), "--shard", "3/3", "-o", str(output),
                                "--threads", "1"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment)
    wait_for(journal, process, JOURNAL_HEADER_BYTES + 1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    command = re.search(r"finish it with: ppisim (.*)$", stderr, re.MULTILINE)
    assert command and "--shard 3/3 --resume" in command.group(1), stderr
    # Resuming as another shard is refused; as itself, it finishes the shard.
    wrong = ppisim_env("sweep", experiment, "--shard", "2/3", "-o", output, "--resume", cwd=tmp_path)
    assert wrong.returncode == 2 and "different experiment" in wrong.stderr, describe(wrong)
    resumed = run_ok(*command.group(1).split(), cwd=tmp_path)
    assert re.search(r"resuming: [1-9]\d* of 13 runs already done", resumed.stderr), describe(resumed)
    assert_same_datasets(parts[2], output)
