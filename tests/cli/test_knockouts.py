"""Mechanisms and knock-outs: `ppisim mechanisms`, `--knockout NAME`, a scenario's `knockouts:`."""

from __future__ import annotations

import h5py
import yaml

from cli_support import describe, error_lines


def mechanism_names(ppisim) -> list[str]:
    result = ppisim("mechanisms", "--format", "names")
    assert result.returncode == 0, describe(result)
    return result.stdout.split()


def test_mechanisms_are_listed_with_their_findings_and_knock_outs(ppisim):
    names = mechanism_names(ppisim)
    assert "concern_spread" in names and len(names) == len(set(names))
    listed = yaml.safe_load(ppisim("mechanisms", "--format", "yaml").stdout)
    assert [m["name"] for m in listed] == names
    for mechanism in listed:
        assert mechanism["finding"].startswith("F"), mechanism
        assert mechanism["what"] and mechanism["knocked_out"] and mechanism["module"]
        assert mechanism["switch"] == "mechanisms." + mechanism["name"]
    table = ppisim("mechanisms").stdout
    assert table.startswith("| mechanism | module | finding |") and "`concern_spread`" in table


def test_a_knock_out_is_recorded_and_changes_the_run(ppisim, tmp_path, breastfriends):
    common = ["--replicates", "1", "--seed", "5", "--quiet", "--set", "horizon=1 year"]
    on, off = tmp_path / "on.h5", tmp_path / "off.h5"
    assert ppisim("run", breastfriends, "-o", on, *common).returncode == 0
    result = ppisim("run", breastfriends, "-o", off, *common, "--knockout", "attitudes_steer_control")
    assert result.returncode == 0, describe(result)
    with h5py.File(on) as a, h5py.File(off) as b:
        assert bool(a["parameters/mechanisms.attitudes_steer_control"][0]) is True
        assert bool(b["parameters/mechanisms.attitudes_steer_control"][0]) is False
        gatekeeping = b["timeseries/prof_gatekeeping"][0]
        assert gatekeeping.min() == gatekeeping.max(), "gate-keeping frozen without the mechanism"
        assert a["timeseries/prof_gatekeeping"][0].max() != a["timeseries/prof_gatekeeping"][0].min()


def test_a_scenario_may_list_its_knock_outs(ppisim, tmp_path, breastfriends):
    scenario = tmp_path / "ablation.yaml"
    scenario.write_text(f"extends: {breastfriends}\nknockouts: [concern_spread, false_alarms]\n")
    resolved = yaml.safe_load(ppisim("validate", scenario).stdout)
    assert resolved["mechanisms"]["concern_spread"] is False and resolved["mechanisms"]["false_alarms"] is False
    assert resolved["mechanisms"]["cultural_learning"] is True


def test_an_unknown_mechanism_is_bad_input_with_a_suggestion(ppisim, tmp_path, breastfriends):
    result = ppisim("run", breastfriends, "-o", tmp_path / "x.h5", "--knockout", "concern_sprad")
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        "ppisim: error: --knockout concern_sprad: unknown mechanism 'concern_sprad'; did you mean 'concern_spread'? "
        "('ppisim mechanisms' lists them)"]
    assert not (tmp_path / "x.h5").exists()
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(f"extends: {breastfriends}\nknockouts: [concern_spread, concern_spread]\n")
    result = ppisim("validate", scenario)
    assert result.returncode == 2 and "bad.yaml:2:" in result.stderr and "switched twice" in result.stderr
    scenario.write_text(f"extends: {breastfriends}\nknockouts: concern_spread\n")
    result = ppisim("validate", scenario)
    assert result.returncode == 2 and "expected a list of mechanism names" in result.stderr
