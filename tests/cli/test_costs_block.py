"""A scenario's `costs:` block: currency, price year and unit costs with their
sources (defaults labelled assumptions), kept in the resolved scenario (which
reloads to the same block), bad input located; it moves no simulated number."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import yaml

from cli_support import SCENARIOS, describe

BASE = SCENARIOS / "integrated.yaml"


def costed(tmp_path, costs: str, name: str = "costed.yaml") -> str:
    (tmp_path / name).write_text(f"extends: {BASE}\nname: costed\n{costs}")
    return name


def test_costs_resolve_with_sources_and_reload(ppisim, tmp_path):
    scenario = costed(tmp_path, "costs:\n  currency: GBP\n  price_year: 2023\n"
                                "  coordinator_per_year: {value: 38000, source: local job description}\n"
                                "  training_per_trainee: 250\n")
    result = ppisim("validate", scenario)
    assert result.returncode == 0, describe(result)
    costs = yaml.safe_load(result.stdout)["costs"]
    assert costs["currency"] == "GBP" and costs["price_year"] == 2023
    assert costs["coordinator_per_year"] == {"value": 38000, "source": "local job description", "per": "year of the scheme"}
    assert costs["training_per_trainee"]["source"] == "assumption (no source given)"
    # items not given take the defaults, each an assumption with its basis
    assert costs["per_joint_meeting"]["source"].startswith("assumption: ")
    (tmp_path / "again.yaml").write_text(result.stdout)
    again = ppisim("validate", "again.yaml")
    assert again.returncode == 0, describe(again)
    assert yaml.safe_load(again.stdout) == yaml.safe_load(result.stdout)


def test_costs_move_no_simulated_number(ppisim, tmp_path):
    scenario = costed(tmp_path, "costs: {currency: GBP, price_year: 2023}\n")
    (tmp_path / "plain.yaml").write_text(f"extends: {BASE}\nname: costed\n")
    for name, out in ((scenario, "a.h5"), ("plain.yaml", "b.h5")):
        result = ppisim("run", name, "-o", out, "--replicates", "2", "--set", "horizon=1 year", "--quiet")
        assert result.returncode == 0, describe(result)
    with h5py.File(tmp_path / "a.h5") as a, h5py.File(tmp_path / "b.h5") as b:
        for name in a["summary"]:
            assert np.array_equal(a[f"summary/{name}"][()], b[f"summary/{name}"][()], equal_nan=True), name
        assert "costs:" in a.attrs["scenario_yaml"]


BAD = [
    ("no currency", "costs: {price_year: 2023}\n", "costed.yaml:3:", ["costs.currency"]),
    ("bad year", "costs: {currency: GBP, price_year: soon}\n", "costed.yaml:3:", ["costs.price_year", "2023"]),
    ("unknown item", "costs: {currency: GBP, price_year: 2023, coordinater_per_year: 1}\n", "costed.yaml:3:",
     ["unknown key 'costs.coordinater_per_year'", "coordinator_per_year"]),
    ("negative", "costs: {currency: GBP, price_year: 2023, training_per_trainee: -5}\n", "costed.yaml:3:",
     ["costs.training_per_trainee", "0 or more"]),
    ("words", "costs: {currency: GBP, price_year: 2023, training_per_trainee: cheap}\n", "costed.yaml:3:",
     ["costs.training_per_trainee", "'cheap'"]),
    ("item key", "costs: {currency: GBP, price_year: 2023, training_per_trainee: {value: 5, sauce: x}}\n",
     "costed.yaml:3:", ["unknown key 'costs.training_per_trainee.sauce'"]),
    ("no value", "costs: {currency: GBP, price_year: 2023, training_per_trainee: {source: x}}\n", "costed.yaml:3:",
     ["missing 'value'"]),
]


@pytest.mark.parametrize("case, costs, where, fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_costs_are_one_located_line(ppisim, tmp_path, case, costs, where, fragments):
    result = ppisim("validate", costed(tmp_path, costs))
    assert result.returncode == 2, describe(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"ppisim: error: {where}"), describe(result)
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
