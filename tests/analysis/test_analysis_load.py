"""load_results: a round trip from the real binary, and clear errors for other files."""

from __future__ import annotations

import csv
import io
import math
import shutil

import h5py
import numpy as np
import pytest
from analysis_support import describe, run_binary

from ppisim_analysis import load_results


def per_run_csv(binary, path, cwd):
    result = run_binary(binary, "summary", path, "--format", "csv", "--per-run", cwd=cwd)
    assert result.returncode == 0, describe(result)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    return rows[0], rows[1:]


def test_summary_frame_matches_ppisim_summary_per_run(binary, breastfriends_h5, tmp_path):
    results = load_results(breastfriends_h5)
    header, rows = per_run_csv(binary, breastfriends_h5, tmp_path)
    assert list(results.summary.columns) == header
    assert len(results.summary) == len(rows) == 5
    for (_, frame_row), csv_row in zip(results.summary.iterrows(), rows):
        for column, text in zip(header, csv_row):
            value = results.summary.at[frame_row.name, column]
            if column in ("run", "replicate", "seed"):
                assert int(value) == int(text), column
            elif text == "":
                assert math.isnan(value), column
            else:  # the binary prints shortest round-trip numbers: equality is exact
                assert float(value) == float(text), column
    assert results.summary["seed"].dtype == np.uint64  # seeds use all 64 bits


def test_columns_are_run_parameters_outcomes_in_file_order(breastfriends_h5):
    results = load_results(breastfriends_h5)
    with h5py.File(breastfriends_h5, "r") as f:
        parameters, outcomes = list(f["parameters"]), list(f["summary"])
        series = list(f["timeseries"])
        np.testing.assert_array_equal(results.summary["seed"].to_numpy(), f["runs/seed"][:])
        np.testing.assert_array_equal(results.summary["replicate"].to_numpy(), f["runs/replicate"][:])
        for name in outcomes:
            np.testing.assert_array_equal(results.summary[name].to_numpy(), f["summary"][name][:])
        for group in ("summary", "timeseries", "parameters"):
            for name, dataset in f[group].items():
                assert results.units_by_group[group][name] == dataset.attrs["units"]
                assert results.descriptions_by_group[group][name] == dataset.attrs["description"]
                if group == "summary" or name not in f["summary"]:  # an outcome's units win a clash
                    assert results.units[name] == dataset.attrs["units"]
                    assert results.descriptions[name] == dataset.attrs["description"]
    assert list(results.summary.columns) == ["run", "replicate", "seed", *parameters, *outcomes]
    assert results.parameters == parameters and results.outcomes == outcomes and results.series == series
    assert results.units["any_bf_6w"] == "share of mothers"
    assert results.units["horizon"] == "days"
    assert results.units["any_bf_share"] == "share"


def test_attributes_are_decoded_and_scenario_parsed(breastfriends_h5):
    results = load_results(breastfriends_h5)
    attrs = results.attrs
    assert attrs["format"] == "ppisim-results" and attrs["format_version"] == 1
    for key in ("ppisim_version", "git_revision", "created", "command_line", "scenario_name", "scenario_yaml"):
        assert isinstance(attrs[key], str) and attrs[key], key
    for key in ("seed", "replicates", "runs", "days"):
        assert type(attrs[key]) is int, key
    assert attrs["runs"] == attrs["replicates"] == 5 and attrs["days"] == len(results.days) == 365
    scenario = results.scenario
    assert scenario["name"] == attrs["scenario_name"] == results.name == "breastfriends"
    assert scenario["seed"] == attrs["seed"]
    assert scenario["scheme"]["peer_support"] is True
    assert scenario["horizon"] == "365.25 days"  # canonical units, as text


def test_timeseries_long_form(breastfriends_h5):
    results = load_results(breastfriends_h5)
    frame = results.timeseries("any_bf_share")
    assert list(frame.columns) == ["run", "replicate", "seed", "day", "value"]
    with h5py.File(breastfriends_h5, "r") as f:
        values, days, seeds = f["timeseries/any_bf_share"][:], f["time/day"][:], f["runs/seed"][:]
    assert len(frame) == values.size
    for run in (0, 4):
        rows = frame[frame["run"] == run]
        np.testing.assert_array_equal(rows["value"].to_numpy(), values[run])
        np.testing.assert_array_equal(rows["day"].to_numpy(), days)
        assert set(rows["seed"]) == {seeds[run]}
    with pytest.raises(KeyError, match="any_bf_share"):  # the message lists what there is
        results.timeseries("no_such_series")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        load_results(tmp_path / "missing.h5")


def test_text_file_is_not_results(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("name: breastfriends\n")
    with pytest.raises(ValueError, match=f"{path}: not an HDF5 file"):
        load_results(path)


def test_other_hdf5_file_is_not_results(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(ValueError, match=f"{path}: an HDF5 file, but not a ppisim results file"):
        load_results(path)


def test_newer_format_version_is_refused(breastfriends_h5, tmp_path):
    path = tmp_path / "future.h5"
    shutil.copy(breastfriends_h5, path)
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.uint64(2)
    with pytest.raises(ValueError, match=f"{path}: written in results format version 2"):
        load_results(path)


def test_incomplete_results_file(breastfriends_h5, tmp_path):
    path = tmp_path / "incomplete.h5"
    shutil.copy(breastfriends_h5, path)
    with h5py.File(path, "r+") as f:
        del f["runs/seed"]
    with pytest.raises(ValueError, match=f"{path}: .*/runs/seed"):
        load_results(path)


@pytest.mark.parametrize("name,values,message", [
    ("runs/seed", [1.5, 2.5], "/runs/seed holds float64 values, expected integers"),
    ("summary/any_bf_6w", ["a", "b"], "/summary/any_bf_6w holds object values, expected numbers"),
])
def test_a_dataset_of_the_wrong_type_is_refused(breastfriends_h5, tmp_path, name, values, message):
    path = tmp_path / "edited.h5"
    shutil.copy(breastfriends_h5, path)
    with h5py.File(path, "r+") as f:
        runs = f[name].shape[0]
        del f[name]
        f[name] = (values * runs)[:runs]
    with pytest.raises(ValueError, match=message):
        load_results(path)


def test_a_flipped_byte_is_a_checksum_error_not_a_different_number(breastfriends_h5, tmp_path):
    path = tmp_path / "damaged.h5"
    with h5py.File(breastfriends_h5, "r") as f:
        offset = f["summary/any_bf_6w"].id.get_chunk_info(0).byte_offset
    data = bytearray(breastfriends_h5.read_bytes())
    data[offset + 1] ^= 0x08
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=f"{path}: not a readable ppisim results file .*Fletcher32 checksum"):
        load_results(path)


def test_truncated_file(breastfriends_h5, tmp_path):
    path = tmp_path / "truncated.h5"
    data = breastfriends_h5.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=str(path)):
        load_results(path)


def test_replaced_file_is_not_mixed(breastfriends_h5, no_peer_support_h5, tmp_path):
    """Time series are read lazily; a file replaced since loading is refused."""
    path = tmp_path / "changing.h5"
    shutil.copy(breastfriends_h5, path)
    results = load_results(path)
    shutil.copy(no_peer_support_h5, path)
    with pytest.raises(ValueError, match="replaced since it was loaded"):
        results.timeseries("any_bf_share")


# --- what the file says about the model: /registry, /choices, checkpoint ages ---------------------------

def test_registry_choices_and_ages_come_from_the_file(binary, breastfriends_h5, tmp_path):
    import yaml

    r = load_results(breastfriends_h5)
    listing = yaml.safe_load(run_binary(binary, "params", "--format", "yaml", cwd=tmp_path).stdout)
    assert r.registry["path"].tolist() == [p["path"] for p in listing]
    assert r.registry["source"].tolist() == [p["source"] for p in listing]
    policy = r.parameter("scheme.referral_policy")
    assert policy["choices"] == ["professional_judgement", "opt_out"] and policy["type"] == "choice"
    assert policy["runtime_changeable"] is True and policy["source"] == "setting"
    assert r.parameter("feeding.initiation")["source"] == "data" and r.parameter("no.such") is None
    # each run's choices, as words, as the resolved scenario says
    assert set(r.choices.columns) == {p["path"] for p in listing if p["type"] == "choice"}
    assert len(r.choices) == r.runs
    assert r.choices["scheme.referral_policy"].tolist() == [r.scenario["scheme"]["referral_policy"]] * r.runs
    assert list(r.choices["scheme.referral_policy"].cat.categories) == policy["choices"]
    # checkpoint ages
    assert (r.ages["any_bf_6w"], r.age_words["any_bf_6w"]) == (42, "6 weeks")
    assert r.ages["excl_bf_3m"] == 91 and r.age_words["any_bf_6m"] == "6 months"
    assert "initiation_rate" not in r.ages and set(r.ages) <= set(r.outcomes)


def test_a_sweep_records_each_runs_choice(mixed_sweep_h5):
    s = load_results(mixed_sweep_h5)
    by_run = s.summary[["point"]].join(s.choices).merge(s.design, on="point", suffixes=("", " (design)"))
    assert by_run["scheme.contact_schedule.mode"].nunique() == 2  # a word factor
    assert (by_run["scheme.contact_schedule.mode"].astype(str)
            == by_run["scheme.contact_schedule.mode (design)"].astype(str)).all()
    opt_out = by_run["policy"].astype(str) == "opt_out_referral"  # an overlay factor sets the choice
    assert opt_out.any() and (~opt_out).any()
    assert (by_run.loc[opt_out, "scheme.referral_policy"].astype(str) == "opt_out").all()
    assert (by_run.loc[~opt_out, "scheme.referral_policy"].astype(str) == "professional_judgement").all()


def test_files_without_registry_choices_or_ages_still_load(breastfriends_h5, tmp_path):
    older = tmp_path / "older.h5"  # as ppisim wrote them before it stored these
    shutil.copy(breastfriends_h5, older)
    with h5py.File(older, "r+") as f:
        del f["registry"], f["choices"]
        for dataset in f["summary"].values():
            for name in ("age_days", "age"):
                if name in dataset.attrs:
                    del dataset.attrs[name]
    r = load_results(older)
    assert r.registry.empty and r.choices.empty and r.ages == {} and r.parameter("horizon") is None
    assert len(r.choices) == r.runs


def test_a_choice_outside_its_levels_is_refused(breastfriends_h5, tmp_path):
    damaged = tmp_path / "damaged.h5"
    shutil.copy(breastfriends_h5, damaged)
    with h5py.File(damaged, "r+") as f:
        f["choices/scheme.referral_policy"][0] = 7
    with pytest.raises(ValueError, match="choices/scheme.referral_policy.*level numbers 0..1"):
        load_results(damaged)
