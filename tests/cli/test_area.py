"""A scenario's `area:` block: a local area from its published figures (births a
year, initiation, any and optionally exclusive breastfeeding at 6-8 weeks,
workforce), the feeding table derived from the national curve's shape, printed
by `ppisim validate` in the units people use, and bad inputs located."""

from __future__ import annotations

import math
import re

import h5py
import numpy as np
import pytest
import yaml

from cli_support import SCENARIOS, describe

USUAL_CARE = SCENARIOS / "no_peer_support.yaml"


def area_scenario(tmp_path, area: str, name: str = "ours.yaml", extra: str = "") -> str:
    (tmp_path / name).write_text(f"extends: {USUAL_CARE}\nname: ours\n{area}{extra}")
    return name


def resolved(ppisim, scenario: str) -> tuple[str, dict]:
    result = ppisim("validate", scenario)
    assert result.returncode == 0, describe(result)
    return result.stdout, yaml.safe_load(result.stdout)


def test_validate_prints_the_derived_table_in_births_a_year(ppisim, tmp_path):
    scenario = area_scenario(tmp_path, "area:\n  births: 2400 per year\n  initiation: 62.5%\n  any_6_8w: 33.7%\n"
                                       "  exclusive_6_8w: 24.2%\n")
    text, values = resolved(ppisim, scenario)
    assert "# area: (ours.yaml:3:1) derived the values below:" in text
    assert "2,400 births a year (6.57 a day)" in text
    assert re.search(r"6 weeks\s+33\.7%\s+24\.2%\s+<- given", text)
    assert re.search(r"birth\s+62\.5%\s+53\.2%", text)
    assert "72 midwives (scaled with births: 90 per 3,000 a year)" in text
    feeding = values["feeding"]
    assert feeding["initiation"] == pytest.approx(0.625) and feeding["any_6w"] == pytest.approx(0.337)
    assert feeding["exclusive_6w"] == pytest.approx(0.242)
    # the national shape: any breastfeeding among starters survives as the national to the power k
    k = math.log(0.337 / 0.625) / math.log(0.55 / 0.81)
    assert feeding["any_1w"] == pytest.approx(0.625 * (0.69 / 0.81) ** k, rel=1e-12)
    assert feeding["any_6m"] == pytest.approx(0.625 * (0.34 / 0.81) ** k, rel=1e-12)
    k_exclusive = math.log(0.242 / (0.625 * 0.69 / 0.81)) / math.log(0.23 / 0.69)
    assert feeding["exclusive_3m"] == pytest.approx(0.625 * 0.69 / 0.81 * (0.17 / 0.69) ** k_exclusive, rel=1e-12)
    assert values["population"]["births"].startswith("6.570")
    assert values["professionals"]["midwives"] == 72 and values["professionals"]["health_visitors"] == 48
    # the resolved scenario reloads to the same values (the block is kept as comments)
    (tmp_path / "again.yaml").write_text(text)
    again = ppisim("validate", "again.yaml")
    assert again.returncode == 0, describe(again)
    assert yaml.safe_load(again.stdout) == values


def test_national_figures_give_the_national_table(ppisim, tmp_path):
    scenario = area_scenario(tmp_path, "area: {births: 3000 per year, initiation: 81%, any_6_8w: 55%, exclusive_6_8w: 23%}\n")
    _, values = resolved(ppisim, scenario)
    national = {"initiation": 0.81, "exclusive_at_birth": 0.69, "any_1w": 0.69, "any_6w": 0.55, "any_6m": 0.34,
                "exclusive_1w": 0.46, "exclusive_6w": 0.23, "exclusive_3m": 0.17, "exclusive_4m": 0.12,
                "exclusive_6m": 0.01}
    for key, share in national.items():
        assert values["feeding"][key] == pytest.approx(share, rel=1e-12), key


@pytest.mark.parametrize("preset, figures", [("england_lower_quartile", (0.625, 0.337, 0.242)),
                                             ("england_mean", (0.687, 0.397, 0.292)),
                                             ("england_upper_quartile", (0.757, 0.455, 0.332))])
def test_presets_are_oakley_2013(ppisim, tmp_path, preset, figures):
    text, values = resolved(ppisim, area_scenario(tmp_path, f"area: {{preset: {preset}, births: 3000 per year}}\n"))
    assert "Oakley et al., BMJ Open 2013" in text
    got = (values["feeding"]["initiation"], values["feeding"]["any_6w"], values["feeding"]["exclusive_6w"])
    assert got == pytest.approx(figures, rel=1e-12)


def test_the_derived_table_reproduces_the_given_figures_when_run(ppisim, tmp_path):
    scenario = area_scenario(tmp_path, "area: {preset: england_lower_quartile, births: 6000 per year}\n")
    result = ppisim("run", scenario, "-o", "area.h5", "--replicates", "4", "--threads", "2", "--quiet",
                    "--set", "horizon=2 years")
    assert result.returncode == 0, describe(result)
    with h5py.File(tmp_path / "area.h5", "r") as f:
        mean = {name: float(np.mean(f[f"summary/{name}"][()])) for name in ("initiation_rate", "any_bf_6w", "excl_bf_6w")}
    # about 4 x 11,000 mothers: a replicate mean within 1.5 points of the figures (its sd is about 0.3 points)
    assert mean["initiation_rate"] == pytest.approx(0.625, abs=0.015)
    assert mean["any_bf_6w"] == pytest.approx(0.337, abs=0.015)
    assert mean["excl_bf_6w"] == pytest.approx(0.242, abs=0.015)


BAD = [
    ("unknown key", "area: {births: 3000 per year, initation: 60%, any_6_8w: 30%}\n", "ours.yaml:3:",
     ["unknown key 'area.initation'", "initiation"]),
    ("no births", "area: {initiation: 60%, any_6_8w: 30%}\n", "ours.yaml:3:", ["missing 'births'"]),
    ("no initiation", "area: {births: 3000 per year, any_6_8w: 30%}\n", "ours.yaml:3:", ["missing 'initiation'"]),
    ("births in words", "area: {births: many, initiation: 60%, any_6_8w: 30%}\n", "ours.yaml:3:",
     ["area.births"]),
    ("share above 1", "area: {births: 3000 per year, initiation: 160%, any_6_8w: 30%}\n", "ours.yaml:3:",
     ["area.initiation"]),
    ("any above initiation", "area: {births: 3000 per year, initiation: 60%, any_6_8w: 70%}\n", "ours.yaml:3:",
     ["below initiation"]),
    ("exclusive above any", "area: {births: 3000 per year, initiation: 60%, any_6_8w: 30%, exclusive_6_8w: 35%}\n",
     "ours.yaml:3:", ["at most any"]),
    ("unknown preset", "area: {preset: england_median, births: 3000 per year}\n", "ours.yaml:3:",
     ["unknown preset 'england_median'", "england_lower_quartile"]),
    ("workforce word", "area: {births: 3000 per year, initiation: 60%, any_6_8w: 30%, workforce: {nurses: 3}}\n",
     "ours.yaml:3:", ["unknown key 'area.workforce.nurses'", "midwives"]),
    ("area and table", "area: {births: 3000 per year, initiation: 60%, any_6_8w: 30%}\nfeeding: {any_6w: 0.3}\n",
     "ours.yaml:4:", ["feeding.any_6w", "'area' block derives it"]),
    ("table then area", "feeding: {any_6w: 0.3}\narea: {births: 3000 per year, initiation: 60%, any_6_8w: 30%}\n",
     "ours.yaml:4:", ["'area' derives 'feeding.any_6w', which line 3 sets"]),
]


@pytest.mark.parametrize("case, area, where, fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_area_is_one_located_line(ppisim, tmp_path, case, area, where, fragments):
    scenario = area_scenario(tmp_path, area)
    for command in (("validate", scenario), ("run", scenario, "-o", "out.h5", "--quiet")):
        result = ppisim(*command)
        assert result.returncode == 2, describe(result)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, describe(result)
        assert lines[0].startswith(f"ppisim: error: {where}"), lines[0]
        for fragment in fragments:
            assert fragment in lines[0], lines[0]
    assert not (tmp_path / "out.h5").exists()
