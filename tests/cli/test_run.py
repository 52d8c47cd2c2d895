"""`ppisim run`: the results file, its provenance, overwrite rules, determinism,
--print-plan and interruption."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml

from cli_support import DESCRIBED_GROUPS, FAST, describe, hidden_files, read_datasets, run_ppisim

H5DUMP = Path("/usr/bin/h5dump")

EXPECTED_DAYS = 365  # horizon=1year is 365.25 days: 365 whole simulated days
EXPECTED_RUNS = 2


# --- the results file ---------------------------------------------------------------------------


def test_run_writes_results_with_expected_shapes(fast_run):
    assert fast_run.output.is_file(), describe(fast_run.result)
    with h5py.File(fast_run.output, "r") as f:
        runs, days = int(f.attrs["runs"]), int(f.attrs["days"])
        assert (runs, days) == (EXPECTED_RUNS, EXPECTED_DAYS)
        for group in ("time", "runs", "summary", "timeseries", "parameters"):
            assert group in f, f"group /{group} missing"

        day = f["time/day"]
        assert day.shape == (days,)
        np.testing.assert_array_equal(day[()], np.arange(days, dtype=float))

        for name in ("seed", "replicate"):
            dataset = f["runs"][name]
            assert dataset.shape == (runs,), name
            assert dataset.dtype == np.uint64, (name, dataset.dtype)
        np.testing.assert_array_equal(f["runs/replicate"][()], np.arange(runs))
        assert len(set(f["runs/seed"][()].tolist())) == runs, "each replicate needs its own seed"

        assert len(f["timeseries"]) > 0 and len(f["summary"]) > 0 and len(f["parameters"]) > 0
        for name, dataset in f["timeseries"].items():
            assert dataset.shape == (runs, days), name
            assert dataset.dtype == np.float64, name
            # docs/hdf5-layout.md: whole runs of about 8,192 values per chunk, shuffle + deflate level 1.
            expected_rows = max(1, min(runs, 8192 // days))
            assert dataset.chunks == (expected_rows, days), f"/timeseries/{name} chunks {dataset.chunks}"
            assert dataset.compression == "gzip" and dataset.compression_opts == 1, f"/timeseries/{name}"
            assert dataset.shuffle, f"/timeseries/{name} has no shuffle filter"
        for group in ("summary", "parameters"):
            for name, dataset in f[group].items():
                assert dataset.shape == (runs,), f"/{group}/{name}"
                assert dataset.dtype == np.float64, f"/{group}/{name}"


def test_run_root_attributes(fast_run, breastfriends):
    with h5py.File(fast_run.output, "r") as f:
        attrs = dict(f.attrs)
    expected = {"format", "format_version", "ppisim_version", "git_revision", "created", "command_line",
                "scenario_name", "scenario_yaml", "seed", "replicates", "runs", "days"}
    assert expected <= set(attrs), f"missing root attributes: {sorted(expected - set(attrs))}"

    assert attrs["format"] == "ppisim-results"
    assert int(attrs["format_version"]) >= 1
    assert attrs["ppisim_version"] and attrs["git_revision"]
    created = dt.datetime.strptime(attrs["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert abs(dt.datetime.now(dt.timezone.utc) - created) < dt.timedelta(hours=1), attrs["created"]
    assert "run" in attrs["command_line"] and str(breastfriends) in attrs["command_line"]
    assert "--seed 42" in attrs["command_line"]
    assert attrs["scenario_name"] == "breastfriends"
    assert int(attrs["seed"]) == 42
    assert int(attrs["replicates"]) == EXPECTED_RUNS
    assert int(attrs["runs"]) == EXPECTED_RUNS
    assert int(attrs["days"]) == EXPECTED_DAYS


def test_every_dataset_has_units_and_description(fast_run):
    undocumented = []
    with h5py.File(fast_run.output, "r") as f:
        for group in DESCRIBED_GROUPS:
            for name, dataset in f[group].items():
                for attribute in ("units", "description"):
                    value = dataset.attrs.get(attribute)
                    if isinstance(value, bytes):
                        value = value.decode()
                    if not isinstance(value, str) or not value.strip():
                        undocumented.append(f"/{group}/{name}@{attribute}")
    assert not undocumented, f"datasets without units/description: {undocumented}"


def test_scenario_yaml_attribute_is_the_resolved_scenario(fast_run):
    with h5py.File(fast_run.output, "r") as f:
        text = f.attrs["scenario_yaml"]
        stored_seed = f.attrs["seed"]  # the plan of runs lives in root attributes, not /parameters
        stored_replicates = f.attrs["replicates"]
        stored_horizon = f["parameters/horizon"][()]
    scenario = yaml.safe_load(text)
    assert isinstance(scenario, dict), text
    assert scenario["name"] == "breastfriends"
    # The command-line overrides are part of the recorded scenario.
    assert int(scenario["seed"]) == 42
    assert int(scenario["replicates"]) == EXPECTED_RUNS
    assert scenario["horizon"] == "365.25 days"
    np.testing.assert_array_equal(stored_seed, [42, 42])
    np.testing.assert_array_equal(stored_replicates, [2, 2])
    np.testing.assert_array_equal(stored_horizon, [365.25, 365.25])


def test_scenario_yaml_attribute_revalidates_to_itself(fast_run, ppisim, tmp_path):
    """docs/hdf5-layout.md: `ppisim validate` on scenario_yaml reproduces the same values."""
    with h5py.File(fast_run.output, "r") as f:
        text = f.attrs["scenario_yaml"]
    stored = tmp_path / "stored.yaml"
    stored.write_text(text)
    result = ppisim("validate", stored)
    assert result.returncode == 0, describe(result)
    assert result.stdout.partition("\n")[2] == text


def _shell_words(command_line: str) -> list[str]:
    """The words bash makes of `command_line` (after expansions), without running it."""
    result = subprocess.run(["bash", "-c", 'printf "%s\\0" ' + command_line], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\0")[:-1]


def test_command_line_attribute_is_shell_quoted(ppisim_binary, ppisim, breastfriends, tmp_path):
    output = tmp_path / "it's a file.h5"
    args = ["run", str(breastfriends), "-o", str(output), "--replicates", "2", "--set", "horizon=1 year",
            "--set", 'description=say "hi" $HOME `x` a;b', "--quiet"]
    result = ppisim(*args)
    assert result.returncode == 0, describe(result)
    with h5py.File(output, "r") as f:
        command_line = f.attrs["command_line"]
    assert _shell_words(command_line) == [str(ppisim_binary), *args]


def test_command_line_attribute_quotes_brace_and_tilde_words(ppisim_binary, ppisim, breastfriends, tmp_path):
    output = "r{1,2}.h5"
    args = ["run", str(breastfriends), "-o", output, *FAST, "--set", "description=~root", "--quiet"]
    result = ppisim(*args)
    assert result.returncode == 0, describe(result)
    with h5py.File(tmp_path / output, "r") as f:
        command_line = f.attrs["command_line"]
    assert _shell_words(command_line) == [str(ppisim_binary), *args]


def test_parameters_group_holds_every_numeric_parameter(fast_run, ppisim):
    result = ppisim("params", "--format", "yaml")
    assert result.returncode == 0, describe(result)
    numeric = {p["path"] for p in yaml.safe_load(result.stdout)
               if p["type"] in ("integer", "real", "duration", "rate", "boolean")}
    numeric -= {"seed", "replicates"}  # describe the plan of runs: root attributes and /runs
    with h5py.File(fast_run.output, "r") as f:
        stored = set(f["parameters"])
    assert stored == numeric


def test_run_prints_summary_table(fast_run):
    out = fast_run.result.stdout
    assert "any_bf_6w" in out, describe(fast_run.result)
    assert re.search(r"^breastfriends: 2 replicates\b.*\bseed 42\b", out, flags=re.MULTILINE), out
    row = next(line for line in out.splitlines() if line.startswith("any_bf_6w"))
    assert re.search(r"\d+(\.\d+)?%", row), row
    assert "ppisim summary" in out


def test_quiet_prints_nothing_on_stdout(ppisim, breastfriends, tmp_path):
    output = tmp_path / "quiet.h5"
    result = ppisim("run", breastfriends, "-o", output, *FAST, "--quiet")
    assert result.returncode == 0, describe(result)
    assert result.stdout == ""
    assert output.is_file()


def test_no_hidden_partial_files_left(fast_run):
    assert hidden_files(fast_run.folder) == []
    assert sorted(p.name for p in fast_run.folder.iterdir()) == ["results.h5"]


def test_default_output_is_named_after_the_scenario_file_in_the_working_folder(ppisim, breastfriends, tmp_path):
    result = ppisim("run", breastfriends, *FAST, "--quiet")
    assert result.returncode == 0, describe(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["breastfriends.h5"]
    assert not (breastfriends.parent / "breastfriends.h5").exists()


# --- overwriting ------------------------------------------------------------------------------


def test_existing_output_is_not_overwritten_without_force(ppisim, breastfriends, tmp_path):
    output = tmp_path / "out.h5"
    output.write_bytes(b"precious results\n")
    before = output.read_bytes()
    result = ppisim("run", breastfriends, "-o", output, *FAST)
    assert result.returncode == 2, describe(result)
    assert output.read_bytes() == before
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ppisim: error:"), describe(result)
    assert "--force" in lines[0] and "out.h5" in lines[0]
    assert result.stdout == ""
    assert hidden_files(tmp_path) == []


def test_force_replaces_existing_output(ppisim, breastfriends, tmp_path):
    output = tmp_path / "out.h5"
    output.write_bytes(b"old contents\n")
    result = ppisim("run", breastfriends, "-o", output, *FAST, "--force", "--quiet")
    assert result.returncode == 0, describe(result)
    with h5py.File(output, "r") as f:
        assert f.attrs["format"] == "ppisim-results"
        assert f["summary/any_bf_6w"].shape == (EXPECTED_RUNS,)
    assert hidden_files(tmp_path) == []


# --- determinism --------------------------------------------------------------------------------


def _run_to(ppisim, scenario, output, *extra):
    result = ppisim("run", scenario, "-o", output, "--replicates", "4", "--set", "horizon=1year", "--quiet", *extra)
    assert result.returncode == 0, describe(result)
    return read_datasets(output)


def test_same_seed_gives_identical_results_on_1_and_2_threads(ppisim, breastfriends, tmp_path):
    one = _run_to(ppisim, breastfriends, tmp_path / "t1.h5", "--seed", "7", "--threads", "1")
    two = _run_to(ppisim, breastfriends, tmp_path / "t2.h5", "--seed", "7", "--threads", "2")
    compared = [name for name in one if name.split("/")[0] in ("timeseries", "summary", "runs", "parameters")]
    assert {n.split("/")[0] for n in compared} == {"timeseries", "summary", "runs", "parameters"}
    assert set(one) == set(two)
    differing = [name for name in compared if not np.array_equal(one[name], two[name], equal_nan=True)]
    assert not differing, f"datasets differ between --threads 1 and --threads 2: {differing}"


def test_different_seed_gives_different_summary(ppisim, breastfriends, tmp_path):
    a = _run_to(ppisim, breastfriends, tmp_path / "a.h5", "--seed", "7")
    b = _run_to(ppisim, breastfriends, tmp_path / "b.h5", "--seed", "8")
    assert not np.array_equal(a["runs/seed"], b["runs/seed"])
    summaries = [name for name in a if name.startswith("summary/")]
    assert summaries
    assert any(not np.array_equal(a[n], b[n], equal_nan=True) for n in summaries)
    assert not np.array_equal(a["summary/any_bf_6w"], b["summary/any_bf_6w"])


def test_common_random_numbers_across_scenarios(ppisim, breastfriends, no_peer_support, tmp_path):
    """README: two scenarios run with the same seed share their random numbers, so births and
    initiation match exactly and only what peer support changes differs."""
    with_support = _run_to(ppisim, breastfriends, tmp_path / "with.h5", "--seed", "5")
    usual_care = _run_to(ppisim, no_peer_support, tmp_path / "usual.h5", "--seed", "5")
    for name in ("runs/seed", "timeseries/births", "timeseries/mothers_followed", "summary/mothers_measured",
                 "summary/initiation_rate"):
        assert np.array_equal(with_support[name], usual_care[name]), name
    assert np.all(usual_care["summary/reached_by_volunteer"] == 0)
    assert np.all(usual_care["timeseries/peer_contacts"] == 0)
    assert np.all(with_support["summary/reached_by_volunteer"] > 0)
    assert not np.array_equal(with_support["summary/any_bf_6m"], usual_care["summary/any_bf_6m"])


# --- interoperability ---------------------------------------------------------------------------


def test_h5dump_reads_a_summary_dataset(fast_run):
    if not H5DUMP.exists():
        pytest.fail(f"{H5DUMP} is missing: install Debian's hdf5-tools", pytrace=False)
    result = subprocess.run([str(H5DUMP), "-d", "/summary/any_bf_6w", str(fast_run.output)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, describe(result)
    assert "DATASET" in result.stdout and "/summary/any_bf_6w" in result.stdout
    assert 'ATTRIBUTE "units"' in result.stdout and 'ATTRIBUTE "description"' in result.stdout


# --- --print-plan ------------------------------------------------------------------------------


def test_print_plan_lists_modules_in_order_and_writes_nothing(ppisim, breastfriends, tmp_path):
    result = ppisim("run", breastfriends, "-o", tmp_path / "plan.h5", "--print-plan")
    assert result.returncode == 0, describe(result)
    steps = re.findall(r"^\s*(\d+)\.\s+(\w+)", result.stdout, flags=re.MULTILINE)
    assert len(steps) >= 3, result.stdout
    numbers = [int(n) for n, _ in steps]
    modules = [m for _, m in steps]
    assert numbers == list(range(1, len(steps) + 1)), result.stdout
    assert modules[0] == "interventions" and modules[1] == "demography" and modules[-2:] == ["outcomes", "tension"], modules
    assert len(set(modules)) == len(modules)
    assert list(tmp_path.iterdir()) == [], "--print-plan must not write any file"


# --- interruption ------------------------------------------------------------------------------


def _start_long_run(binary: Path, scenario: Path, folder: Path, output: Path) -> subprocess.Popen:
    """A run long enough to be interrupted (a minute or more if left alone)."""
    return subprocess.Popen([str(binary), "run", str(scenario), "-o", str(output), "--replicates", "5000",
                             "--force", "--quiet"],
                            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group, so cleanup reaches any child


def _wait_for_partial_file(process: subprocess.Popen, folder: Path, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not any(".partial" in name for name in hidden_files(folder)):
        assert process.poll() is None, "ppisim ended before it could be interrupted"
        assert time.monotonic() < deadline, "no partial results file appeared"


def _finish(process: subprocess.Popen, timeout: float = 30.0) -> tuple[str, str]:
    try:
        return process.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the group is ours alone (start_new_session)
        except ProcessLookupError:
            pass
        process.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_exits_130_and_keeps_the_old_file(ppisim_binary, breastfriends, tmp_path, sig):
    output = tmp_path / "out.h5"
    output.write_bytes(b"previous results\n")
    process = _start_long_run(ppisim_binary, breastfriends, tmp_path, output)
    try:
        _wait_for_partial_file(process, tmp_path)
        time.sleep(1.0)  # well into the runs (see the next test for the first moments)
        assert process.poll() is None, "ppisim ended before it could be interrupted"
        process.send_signal(sig)
    finally:
        stdout, stderr = _finish(process)
    assert process.returncode == 130, (process.returncode, stderr)
    assert "interrupted" in stderr
    assert stdout == ""
    assert output.read_bytes() == b"previous results\n"
    assert hidden_files(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_as_soon_as_the_partial_file_exists_leaves_nothing(ppisim_binary, breastfriends, tmp_path, sig):
    # The window is short, so try repeatedly; each clean attempt takes a fraction of a second.
    for attempt in range(40):
        folder = tmp_path / f"attempt{attempt}"
        folder.mkdir()
        process = _start_long_run(ppisim_binary, breastfriends, folder, folder / "out.h5")
        try:
            _wait_for_partial_file(process, folder)
            process.send_signal(sig)
        finally:
            _, stderr = _finish(process)
        assert process.returncode == 130, f"attempt {attempt}: exit {process.returncode}, stderr {stderr!r}"
        assert sorted(p.name for p in folder.iterdir()) == [], f"attempt {attempt}: files left behind"


def test_first_run_keeps_a_snapshot_of_the_social_graph(fast_run):
    with h5py.File(fast_run.output, "r") as f:
        nodes, edges = f["snapshot/graph_nodes"], f["snapshot/graph_edges"]
        kind = nodes["kind"][:]
        assert set(np.unique(kind)) <= {0.0, 1.0} and (kind == 0).sum() > 0
        vertices = nodes["vertex"][:]
        assert np.array_equal(vertices, np.arange(len(vertices)))
        for end in ("source", "target"):
            assert edges[end][:].max() < len(vertices)
        assert set(np.unique(edges["layer"][:])) <= {0.0, 1.0, 2.0}
        working = edges["layer"][:] == 2
        assert ((edges["weight"][:][working] >= 0) & (edges["weight"][:][working] <= 1)).all()
        assert f["snapshot"].attrs["run"] == 0


def test_the_portable_random_path_gives_the_same_bits_as_the_vector_one(ppisim_binary, breastfriends, tmp_path):
    """The feeding step draws through AVX-512 or AVX2 where the CPU has them; PPISIM_NO_AVX512=1 forces AVX2 and
    PPISIM_NO_SIMD=1 the portable loop, which other machines take. The results must not depend on which."""
    files = {}
    for label, extra in (("vector", {}), ("avx2", {"PPISIM_NO_AVX512": "1"}), ("portable", {"PPISIM_NO_SIMD": "1"})):
        files[label] = tmp_path / f"{label}.h5"
        result = run_ppisim(ppisim_binary, "run", breastfriends, "-o", files[label], *FAST, "--quiet",
                            cwd=tmp_path, env={**os.environ, **extra})
        assert result.returncode == 0, describe(result)
    vector, avx2, portable = (read_datasets(files[label]) for label in ("vector", "avx2", "portable"))
    for name in vector:
        if name.startswith(("timeseries/", "summary/")):
            assert np.array_equal(vector[name], portable[name], equal_nan=True), name
            assert np.array_equal(avx2[name], portable[name], equal_nan=True), name
