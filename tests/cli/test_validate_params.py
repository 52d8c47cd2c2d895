"""`ppisim validate` (resolved scenario) and `ppisim params` (the parameter registry)."""

from __future__ import annotations

import re

import yaml

from cli_support import describe

HEADER = re.compile(r"^# Resolved scenario: ")


def resolved_body(stdout: str) -> str:
    """The resolved YAML without its first line, a comment naming the file(s)."""
    first, _, body = stdout.partition("\n")
    assert HEADER.match(first), f"expected a '# Resolved scenario:' first line, got {first!r}"
    return body


def validate(ppisim, scenario, *extra):
    result = ppisim("validate", scenario, *extra)
    assert result.returncode == 0, describe(result)
    return result


# --- validate ------------------------------------------------------------------------------------


def test_validate_prints_the_resolved_scenario(ppisim, breastfriends):
    result = validate(ppisim, breastfriends)
    assert result.stdout.splitlines()[0] == f"# Resolved scenario: {breastfriends}"
    source = yaml.safe_load(breastfriends.read_text())
    scenario = yaml.safe_load(result.stdout)
    assert scenario["name"] == source["name"] == "breastfriends"
    # Plain values written in the file come through unchanged ...
    assert scenario["population"]["localities"] == source["population"]["localities"]
    assert scenario["population"]["cultural_groups"] == source["population"]["cultural_groups"]
    assert scenario["volunteers"]["initial"] == source["volunteers"]["initial"]
    assert scenario["professionals"]["initial"]["gatekeeping"] == source["professionals"]["initial"]["gatekeeping"]
    assert scenario["scheme"]["referral_policy"] == source["scheme"]["referral_policy"]
    # ... quantities in canonical units ...
    assert re.fullmatch(r"\d+(\.\d+)? days", scenario["horizon"]), scenario["horizon"]
    assert re.fullmatch(r"\d+(\.\d+)? per day", scenario["population"]["births"]), scenario["population"]["births"]
    # ... and defaults the file does not mention are filled in.
    assert "measurement" not in source and "measurement" in scenario
    assert f"{breastfriends}: valid" in result.stderr


def test_validate_output_revalidates_to_the_same_output(ppisim, breastfriends, tmp_path):
    first = validate(ppisim, breastfriends)
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(first.stdout)
    second = validate(ppisim, resolved)
    assert second.stdout.splitlines()[0] == f"# Resolved scenario: {resolved}"
    assert resolved_body(second.stdout) == resolved_body(first.stdout)
    # And a third generation is stable too.
    again = tmp_path / "again.yaml"
    again.write_text(second.stdout)
    assert resolved_body(validate(ppisim, again).stdout) == resolved_body(first.stdout)


def test_validate_shows_set_overrides(ppisim, breastfriends, tmp_path):
    plain = yaml.safe_load(validate(ppisim, breastfriends).stdout)
    result = validate(ppisim, breastfriends, "--set", "volunteers.initial=11",
                      "--set", "scheme.referral_policy=opt_out", "--set", "horizon=2 years",
                      "--set", "name=renamed")
    scenario = yaml.safe_load(result.stdout)
    assert scenario["volunteers"]["initial"] == 11
    assert scenario["scheme"]["referral_policy"] == "opt_out"
    assert scenario["horizon"] == "730.5 days"
    assert scenario["name"] == "renamed"
    # Nothing else changes.
    for key, value in (("volunteers", "initial"), ("scheme", "referral_policy")):
        plain[key][value] = scenario[key][value]
    plain["horizon"], plain["name"] = scenario["horizon"], scenario["name"]
    assert scenario == plain
    # The overrides survive a round trip through a file.
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(result.stdout)
    assert resolved_body(validate(ppisim, resolved).stdout) == resolved_body(result.stdout)


def test_validate_follows_extends(ppisim, no_peer_support, breastfriends):
    result = validate(ppisim, no_peer_support)
    assert result.stdout.splitlines()[0] == f"# Resolved scenario: {no_peer_support} <- {breastfriends}"
    assert re.search(r"^  peer_support: false$", result.stdout, flags=re.MULTILINE), result.stdout
    child = yaml.safe_load(result.stdout)
    parent = yaml.safe_load(validate(ppisim, breastfriends).stdout)
    assert child["scheme"]["peer_support"] is False and parent["scheme"]["peer_support"] is True
    assert child["name"] == "no_peer_support"
    # Everything else is inherited from breastfriends.yaml.
    for scenario in (child, parent):
        del scenario["name"], scenario["description"], scenario["scheme"]["peer_support"]
    assert child == parent


def test_validate_writes_no_file(ppisim, breastfriends, tmp_path):
    validate(ppisim, breastfriends)
    assert list(tmp_path.iterdir()) == []


# --- params ------------------------------------------------------------------------------------


def test_params_markdown_has_header_and_births_row(ppisim):
    result = ppisim("params")
    assert result.returncode == 0, describe(result)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| parameter |"), lines[0]
    assert re.fullmatch(r"\|(-{3,}\|)+", lines[1]), lines[1]
    columns = lines[0].count("|")
    births = [line for line in lines if line.startswith("| `population.births` |")]
    assert len(births) == 1, "expected exactly one row for population.births"
    assert "per day" in births[0]
    # Every row has the header's number of cells (pipes inside cells are escaped).
    for line in lines[2:]:
        assert line.replace("\\|", "").count("|") == columns, line


def test_params_default_format_is_markdown(ppisim):
    assert ppisim("params").stdout == ppisim("params", "--format", "markdown").stdout


def test_params_yaml_is_a_list_of_parameter_records(ppisim):
    result = ppisim("params", "--format", "yaml")
    assert result.returncode == 0, describe(result)
    records = yaml.safe_load(result.stdout)
    assert isinstance(records, list) and records
    for record in records:
        assert isinstance(record, dict), record
        missing = {"path", "type", "default", "source", "description"} - set(record)
        assert not missing, f"{record.get('path')}: missing {missing}"
    paths = [record["path"] for record in records]
    assert len(paths) == len(set(paths)), "duplicate parameter paths"
    by_path = {record["path"]: record for record in records}
    assert by_path["population.births"]["type"] == "rate"
    assert by_path["name"]["default"] == "(required)"


def test_params_yaml_and_markdown_list_the_same_parameters(ppisim):
    markdown = ppisim("params").stdout
    listed = re.findall(r"^\| `([^`]+)` \|", markdown, flags=re.MULTILINE)
    records = yaml.safe_load(ppisim("params", "--format", "yaml").stdout)
    assert listed == [record["path"] for record in records]


def test_params_defaults_can_be_written_back(ppisim, tmp_path):
    """Every default `params` prints is itself a valid value: setting them all changes nothing."""
    (tmp_path / "minimal.yaml").write_text("name: x\n")
    records = yaml.safe_load(ppisim("params", "--format", "yaml").stdout)
    overrides = []
    for record in records:
        default = record["default"]
        if default == "(required)":
            continue
        text = str(default).lower() if isinstance(default, bool) else str(default)
        overrides += ["--set", f"{record['path']}={text or chr(34) * 2}"]  # an empty text as ""
    assert len(overrides) // 2 == len(records) - 1
    plain = validate(ppisim, "minimal.yaml")
    written_back = validate(ppisim, "minimal.yaml", *overrides)
    assert written_back.stdout == plain.stdout


def test_params_rejects_unknown_format(ppisim):
    result = ppisim("params", "--format", "xml")
    assert result.returncode == 2, describe(result)
    assert result.stdout == ""


def test_an_empty_duration_list_is_stored_as_one_and_validates_again(ppisim, breastfriends, tmp_path):
    # It was stored as `~` (nothing), which validate then refused.
    first = ppisim("validate", breastfriends, "--set", "professionals.midwife_visits=[]")
    assert first.returncode == 0, describe(first)
    stored = tmp_path / "stored.yaml"
    stored.write_text(first.stdout.split("\n", 1)[1])
    again = ppisim("validate", stored)
    assert again.returncode == 0, describe(again)
    assert yaml.safe_load(again.stdout.split("\n", 1)[1])["professionals"]["midwife_visits"] == []
