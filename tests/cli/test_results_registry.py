"""What a results file says about the model, so analysis never restates it:
/registry (every parameter's type, unit, default, source, reference,
description and choices, as `ppisim params` lists them), /choices (each run's
choice words as level numbers) and the checkpoint ages of the outcomes."""

from __future__ import annotations

import re

import h5py
import numpy as np
import pytest
import yaml

from cli_support import FAST, describe, run_ppisim


def texts(dataset) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in dataset[()]]


def attribute(item, name: str):
    value = item.attrs[name]
    return value.decode() if isinstance(value, bytes) else value


@pytest.fixture(scope="module")
def listing(ppisim) -> list[dict]:
    result = ppisim("params", "--format", "yaml")
    assert result.returncode == 0, describe(result)
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def registry(fast_run) -> dict[str, dict[str, str]]:
    with h5py.File(fast_run.output, "r") as f:
        columns = {name: texts(dataset) for name, dataset in f["registry"].items()}
    return {path: {name: values[row] for name, values in columns.items()} for row, path in enumerate(columns["path"])}


@pytest.fixture(scope="module")
def ppisim(ppisim_binary, tmp_path_factory):  # module-scoped: `params` is asked once
    folder = tmp_path_factory.mktemp("registry")
    return lambda *args: run_ppisim(ppisim_binary, *args, cwd=folder)


def test_the_registry_holds_every_parameter_as_ppisim_params_lists_it(listing, registry):
    assert list(registry) == [p["path"] for p in listing]
    for p in listing:
        row = registry[p["path"]]
        assert row["type"] == p["type"], p["path"]
        assert row["source"] == p["source"] in ("data", "calibrated", "assumption", "setting"), p["path"]
        assert row["reference"] == p.get("reference", ""), p["path"]
        assert row["description"] == p["description"], p["path"]
        assert row["finding"] == p.get("finding", ""), p["path"]
        assert row["unit"] == str(p.get("unit", "")), p["path"]
        # the same text (YAML reads `1`, `true` or `0.5` in the listing as numbers)
        assert row["default"] == p["default"] or yaml.safe_load(row["default"]) == p["default"], p["path"]
        assert row["runtime_changeable"] == ("true" if p["runtime_changeable"] else "false"), p["path"]
        if p["type"] == "choice":
            assert row["choices"].split("|") == [w.strip() for w in p["range"].split("|")], p["path"]
        else:
            assert row["choices"] == "", p["path"]


def test_each_run_stores_its_choices_as_level_numbers(ppisim, breastfriends, tmp_path_factory, registry):
    folder = tmp_path_factory.mktemp("choices")
    output = folder / "opt_out.h5"
    result = ppisim("run", breastfriends, "-o", output, *FAST, "--set", "scheme.referral_policy=opt_out")
    assert result.returncode == 0, describe(result)
    choices = [path for path, row in registry.items() if row["type"] == "choice"]
    assert "scheme.referral_policy" in choices
    with h5py.File(output, "r") as f:
        assert sorted(f["choices"]) == sorted(choices)
        scenario = yaml.safe_load(attribute(f, "scenario_yaml"))
        for path in choices:
            dataset = f["choices"][path]
            levels = attribute(dataset, "levels").split("|")
            assert levels == registry[path]["choices"].split("|")
            assert attribute(dataset, "units") == "level"
            assert attribute(dataset, "description") == registry[path]["description"]
            value = scenario
            for key in path.split("."):
                value = value[key]
            assert [levels[int(level)] for level in dataset[()]] == [value] * f.attrs["runs"], path
        assert levels_of(f, "scheme.referral_policy") == ["opt_out", "opt_out"]


def levels_of(f, path: str) -> list[str]:
    levels = attribute(f["choices"][path], "levels").split("|")
    return [levels[int(v)] for v in f["choices"][path][()]]


def test_checkpoint_outcomes_carry_the_age_they_are_measured_at(fast_run):
    with h5py.File(fast_run.output, "r") as f:
        ages = {name: (int(d.attrs["age_days"]), attribute(d, "age"))
                for name, d in f["summary"].items() if "age_days" in d.attrs}
        for name, d in f["summary"].items():
            stated = re.search(r"\(day (\d+)\)", attribute(d, "description"))
            if stated:  # the description and the attribute agree
                assert ages[name][0] == int(stated.group(1)), name
            if name in ages:
                assert ages[name][1] in attribute(d, "description"), name
    assert ages["any_bf_6w"] == (42, "6 weeks") and ages["excl_bf_6w"] == (42, "6 weeks")
    assert ages["any_bf_1w"] == (7, "1 week") and ages["any_bf_6m"] == (182, "6 months")
    assert ages["any_bf_10d"] == (10, "10 days") and ages["excl_bf_12w"] == (84, "12 weeks")
    assert ages["stopped_any_by_6w_among_starters"] == (42, "6 weeks")
    assert ages["stopped_exclusive_by_6m_among_starters"] == (182, "6 months")
    shares = {f"{kind}_bf_{age}" for kind in ("any", "excl") for age in ("1w", "10d", "6w", "12w", "3m", "4m", "6m")}
    risks = {f"stopped_{kind}_by_{age}_among_starters" for kind in ("any", "exclusive") for age in ("10d", "6w", "3m", "6m")}
    assert {name for name in ages} == shares | risks
    assert "initiation_rate" not in ages  # not measured at an age
    assert np.all(np.array([days for days, _ in ages.values()]) > 0)
