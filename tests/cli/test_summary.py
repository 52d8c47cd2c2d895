"""`ppisim summary`: table, CSV and JSON, replicate means and per-run rows,
checked against the HDF5 file read with h5py."""

from __future__ import annotations

import csv
import io
import json
import math

import h5py
import numpy as np
import pytest

from cli_support import KEY_OUTCOMES, describe, error_lines


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


@pytest.fixture(scope="module")
def stored(fast_run):
    """Summary, runs and parameters datasets of the shared results file."""
    with h5py.File(fast_run.output, "r") as f:
        return {
            "summary": {name: d[()] for name, d in f["summary"].items()},
            "parameters": {name: d[()] for name, d in f["parameters"].items()},
            "seeds": f["runs/seed"][()],
            "replicates": f["runs/replicate"][()],
        }


def summary(ppisim, fast_run, *args):
    result = ppisim("summary", fast_run.output, *args)
    assert result.returncode == 0, describe(result)
    return result.stdout


# --- table, CSV and JSON ------------------------------------------------------------------------


def test_summary_table_lists_outcomes(ppisim, fast_run):
    out = summary(ppisim, fast_run)
    assert out.splitlines()[0].startswith("breastfriends (2 runs; ppisim ")
    first_words = {line.split()[0] for line in out.splitlines() if line.strip()}
    missing = [name for name in KEY_OUTCOMES if name not in first_words]
    assert not missing, f"table lacks rows for {missing}"


def test_summary_csv_header_and_rows(ppisim, fast_run, stored):
    out = summary(ppisim, fast_run, "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == "outcome,mean,lo95,hi95,n"
    rows = list(csv.DictReader(io.StringIO(out)))
    names = [row["outcome"] for row in rows]
    assert len(names) == len(set(names)), "an outcome appears twice"
    missing = [name for name in KEY_OUTCOMES if name not in names]
    assert not missing, f"CSV lacks rows for {missing}"
    assert set(names) == set(stored["summary"]), "CSV rows should be exactly the /summary datasets"


def test_summary_csv_mean_matches_hdf5(ppisim, fast_run, stored):
    rows = {row["outcome"]: row for row in csv.DictReader(io.StringIO(summary(ppisim, fast_run, "--format", "csv")))}
    for name in KEY_OUTCOMES:
        values = stored["summary"][name]
        assert np.all(np.isfinite(values)), name
        row = rows[name]
        mean = float(row["mean"])
        assert close(mean, float(np.mean(values))), (name, mean, np.mean(values))
        assert int(row["n"]) == len(values)
        lo, hi = float(row["lo95"]), float(row["hi95"])
        assert lo <= mean <= hi, (name, row)
        # Student-t interval with n - 1 = 1 degree of freedom: mean -/+ 12.706 * sd / sqrt(n).
        half = 12.706204736174698 * np.std(values, ddof=1) / math.sqrt(len(values))
        assert abs((hi - lo) / 2 - half) <= 1e-9 * max(1.0, half), (name, row, half)


def test_summary_json_matches_csv(ppisim, fast_run):
    rows = {row["outcome"]: row for row in csv.DictReader(io.StringIO(summary(ppisim, fast_run, "--format", "csv")))}
    records = json.loads(summary(ppisim, fast_run, "--format", "json"))
    assert isinstance(records, list)
    assert [r["outcome"] for r in records] == list(rows)
    for record in records:
        assert {"outcome", "unit", "mean", "lo95", "hi95", "n"} <= set(record), record
        row = rows[record["outcome"]]
        if record["mean"] is None:  # undefined in every run (e.g. retention over a horizon under a year)
            assert row["mean"] == "" and record["n"] == 0, record
        else:
            assert close(record["mean"], float(row["mean"])), record
        assert record["n"] == int(row["n"])


# --- per run -----------------------------------------------------------------------------------


def per_run_rows(ppisim, fast_run):
    out = summary(ppisim, fast_run, "--format", "csv", "--per-run")
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0], rows[1:]


def test_per_run_csv_has_one_row_per_run_with_its_seed(ppisim, fast_run, stored):
    header, rows = per_run_rows(ppisim, fast_run)
    assert header[:3] == ["run", "replicate", "seed"], header[:5]
    assert len(rows) == len(stored["seeds"])
    for index, row in enumerate(rows):
        assert len(row) == len(header), row
        assert int(row[0]) == index
        assert int(row[1]) == int(stored["replicates"][index])
        assert int(row[2]) == int(stored["seeds"][index])


def test_per_run_csv_values_match_hdf5(ppisim, fast_run, stored):
    header, rows = per_run_rows(ppisim, fast_run)
    parameters, outcomes = stored["parameters"], stored["summary"]
    # Columns after run,replicate,seed: the parameters, then the outcomes.
    assert header[3:3 + len(parameters)] and set(header[3:3 + len(parameters)]) == set(parameters)
    assert header[3 + len(parameters):] and set(header[3 + len(parameters):]) == set(outcomes)
    for index, row in enumerate(rows):
        for position in range(3, len(header)):
            column, text = header[position], row[position]
            source = parameters if position < 3 + len(parameters) else outcomes
            # Shortest round-trip formatting: the text reads back as the stored double.
            stored_value = float(source[column][index])
            if math.isnan(stored_value):  # undefined values are blank cells
                assert text == "", (index, column, text)
            else:
                assert float(text) == stored_value, (index, column, text)


def test_per_run_csv_column_names_are_unique(ppisim, fast_run, stored):
    header, _ = per_run_rows(ppisim, fast_run)
    duplicates = sorted({name for name in header if header.count(name) > 1})
    assert not duplicates, f"repeated column names: {duplicates}"
    out = summary(ppisim, fast_run, "--format", "csv", "--per-run")
    seeds = [int(row["seed"]) for row in csv.DictReader(io.StringIO(out))]
    assert seeds == [int(s) for s in stored["seeds"]]


def test_per_run_json_matches_hdf5(ppisim, fast_run, stored):
    records = json.loads(summary(ppisim, fast_run, "--format", "json", "--per-run"))
    assert len(records) == len(stored["seeds"])
    for index, record in enumerate(records):
        assert record["run"] == index
        assert record["replicate"] == int(stored["replicates"][index])
        assert record["seed"] == int(stored["seeds"][index])  # exact, even above 2**53
        assert set(record["outcomes"]) == set(stored["summary"])
        assert set(record["parameters"]) == set(stored["parameters"])
        for name, value in record["outcomes"].items():
            stored_value = float(stored["summary"][name][index])
            assert (value is None) if math.isnan(stored_value) else value == stored_value, name


def test_per_run_needs_csv_or_json(ppisim, fast_run):
    result = ppisim("summary", fast_run.output, "--per-run")
    assert result.returncode == 2, describe(result)
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("ppisim: error:") and "--per-run" in lines[0]


def test_summary_of_empty_outcomes_leaves_cells_blank(ppisim, tmp_path):
    """No births: the share outcomes are undefined; CSV leaves them empty with n = 0."""
    scenario = tmp_path / "nobirths.yaml"
    scenario.write_text("name: nobirths\npopulation: {births: 0 per year}\n")
    output = tmp_path / "nobirths.h5"
    result = ppisim("run", scenario, "-o", output, "--replicates", "2", "--set", "horizon=1year", "--quiet")
    assert result.returncode == 0, describe(result)
    rows = {row["outcome"]: row for row in csv.DictReader(io.StringIO(
        ppisim("summary", output, "--format", "csv").stdout))}
    assert rows["any_bf_6w"] == {"outcome": "any_bf_6w", "mean": "", "lo95": "", "hi95": "", "n": "0"}
    records = {r["outcome"]: r for r in json.loads(ppisim("summary", output, "--format", "json").stdout)}
    assert records["any_bf_6w"]["mean"] is None and records["any_bf_6w"]["n"] == 0


# --- bad files ---------------------------------------------------------------------------------


def _assert_input_error(result, *fragments):
    assert result.returncode == 2, describe(result)
    lines = error_lines(result.stderr)
    assert len(lines) == 1, describe(result)
    assert lines[0].startswith("ppisim: error:"), describe(result)
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert result.stdout == ""


def test_summary_of_non_hdf5_file_is_bad_input(ppisim, tmp_path):
    bogus = tmp_path / "bogus.h5"
    bogus.write_text("this is not HDF5\n")
    _assert_input_error(ppisim("summary", bogus, "--format", "csv"), "bogus.h5", "not an HDF5 file")


def test_summary_of_missing_file_is_bad_input(ppisim, tmp_path):
    _assert_input_error(ppisim("summary", tmp_path / "missing.h5"), "missing.h5", "no such file")


def test_summary_of_foreign_hdf5_file_is_bad_input(ppisim, tmp_path):
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    _assert_input_error(ppisim("summary", foreign), "foreign.h5", "not a ppisim results file")


def test_summary_of_truncated_results_file_is_bad_input(ppisim, fast_run, tmp_path):
    truncated = tmp_path / "truncated.h5"
    data = fast_run.output.read_bytes()
    truncated.write_bytes(data[: len(data) // 4])
    _assert_input_error(ppisim("summary", truncated, "--format", "csv"), "truncated.h5")


# --- integrity: checksums and consistency ------------------------------------------------------
def _datasets(f: h5py.File):
    found = []
    f.visititems(lambda name, item: found.append((name, item)) if isinstance(item, h5py.Dataset) else None)
    return found


def test_every_dataset_with_values_carries_a_fletcher32_checksum(fast_run):
    with h5py.File(fast_run.output, "r") as f:
        unchecked = [name for name, item in _datasets(f) if item.size and not item.fletcher32]
        assert len(_datasets(f)) > 50
    assert unchecked == []


def _first_chunk_offset(path, name: str) -> int:
    with h5py.File(path, "r") as f:
        return f[name].id.get_chunk_info(0).byte_offset


@pytest.mark.parametrize("name", ["summary/any_bf_6w", "runs/seed", "parameters/professionals.midwives"])
def test_one_flipped_byte_is_an_error_not_a_different_number(ppisim, fast_run, tmp_path, name):
    damaged = tmp_path / "damaged.h5"
    data = bytearray(fast_run.output.read_bytes())
    data[_first_chunk_offset(fast_run.output, name) + 3] ^= 0x40
    damaged.write_bytes(bytes(data))
    for extra in ([], ["--per-run"]):
        _assert_input_error(ppisim("summary", damaged, "--format", "csv", *extra), "damaged.h5", "Fletcher32 checksum")


@pytest.mark.parametrize("name,rows", [("runs/seed", 20_000), ("runs/replicate", 1), ("summary/any_bf_6w", 20_000),
                                       ("parameters/professionals.midwives", 0)])
def test_a_per_run_dataset_of_the_wrong_length_is_refused_not_read_past(ppisim, fast_run, tmp_path, name, rows):
    edited = tmp_path / "edited.h5"
    edited.write_bytes(fast_run.output.read_bytes())
    with h5py.File(edited, "a") as f:
        dtype = f[name].dtype
        del f[name]
        f.create_dataset(name, data=np.arange(rows).astype(dtype))
    for args in (["--format", "json", "--per-run"], ["--format", "csv", "--per-run"], ["--format", "csv"]):
        _assert_input_error(ppisim("summary", edited, *args), "edited.h5", f"/{name} has shape {rows} where the file needs 2")


def test_per_run_text_where_numbers_belong_is_refused(ppisim, fast_run, tmp_path):
    edited = tmp_path / "edited.h5"
    edited.write_bytes(fast_run.output.read_bytes())
    with h5py.File(edited, "a") as f:
        del f["runs/seed"]
        f.create_dataset("runs/seed", data=[1.5, 2.5])
    _assert_input_error(ppisim("summary", edited, "--format", "csv", "--per-run"), "/runs/seed holds non-integers")
