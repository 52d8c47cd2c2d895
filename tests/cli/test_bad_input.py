"""Bad scenarios and bad command lines: exit code 2, one located line on stderr
(`ppisim: error: FILE:LINE:COL: message`), nothing written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import h5py
import pytest
import yaml

from cli_support import describe, hidden_files


@dataclass(frozen=True)
class Case:
    id: str
    yaml: str                      # contents of bad.yaml
    where: str | None              # expected location after 'ppisim: error: ', e.g. "bad.yaml:2:1"
    fragments: tuple[str, ...]     # substrings the message must contain
    others: dict = field(default_factory=dict)  # more files: name -> contents
    scenario: str = "bad.yaml"     # the file given to `ppisim run`


CASES = [
    Case("unknown_top_level_key", "name: x\nhorizn: 1 year\n", "bad.yaml:2:1",
         ("unknown key 'horizn'", "did you mean 'horizon'?")),
    Case("unknown_nested_key_flow", "name: x\npopulation: {birhts: 3000 per year}\n", "bad.yaml:2:14",
         ("unknown key 'population.birhts'", "did you mean 'population.births'?")),
    Case("unknown_nested_key_block", "name: x\npopulation:\n  birhts: 3000 per year\n", "bad.yaml:3:3",
         ("did you mean 'population.births'?",)),
    Case("wrong_type", "name: x\npopulation: {localities: many}\n", "bad.yaml:2:26",
         ("key 'population.localities'", "expected a whole number", "got 'many'")),
    Case("out_of_range", "name: x\nprofessionals: {initial: {gatekeeping: 1.5}}\n", "bad.yaml:2:40",
         ("key 'professionals.initial.gatekeeping'", "got '1.5'", "out of range")),
    Case("bad_choice", "name: x\nscheme: {referral_policy: opt-out}\n", "bad.yaml:2:27",
         ("key 'scheme.referral_policy'", "did you mean 'opt_out'?")),
    Case("bad_duration_unit", "name: x\nhorizon: 3 fortnights\n", "bad.yaml:2:10",
         ("key 'horizon'", "unknown time unit 'fortnights'")),
    Case("missing_name", "seed: 3\n", "bad.yaml:1:1", ("missing required key 'name'",)),
    Case("empty_file", "", "bad.yaml:1:1", ("missing required key 'name'",)),
    Case("broken_yaml", "name: [unclosed\n", "bad.yaml:2:1", ("invalid YAML",)),
    Case("tab_indentation", "name: x\n\tseed: 1\n", "bad.yaml:2:1", ("invalid YAML",)),
    Case("not_a_map", "- name\n- x\n", "bad.yaml:1:1", ("a scenario must be a map",)),
    Case("extends_missing_file", "extends: nothere.yaml\nname: x\n", "bad.yaml:1:10",
         ("cannot read scenario file", "nothere.yaml", "no such file")),
    Case("extends_not_a_path", "extends: {a: 1}\nname: x\n", "bad.yaml:1:10", ("key 'extends'",)),
    Case("extends_cycle", "", "b.yaml:1:10", ("'extends' makes a cycle", "a.yaml"),
         others={"a.yaml": "extends: b.yaml\nname: a\n", "b.yaml": "extends: a.yaml\nname: b\n"},
         scenario="a.yaml"),
    Case("extends_itself", "extends: bad.yaml\nname: x\n", "bad.yaml:1:10", ("cycle",)),
    Case("duplicate_key", "name: x\nseed: 1\nseed: 2\n", "bad.yaml:3:1", ("key 'seed' appears twice",)),
    Case("duplicate_nested_key", "name: x\npopulation:\n  localities: 3\n  localities: 4\n", "bad.yaml:4:3",
         ("key 'population.localities' appears twice",)),
    Case("shares_not_summing_to_1", "name: x\npopulation: {cultural_groups: {a: 0.5, b: 0.2}}\n", "bad.yaml:2:31",
         ("key 'population.cultural_groups'", "shares must sum to 1", "0.7")),
    Case("share_above_1", "name: x\npopulation: {cultural_groups: {a: 1.5, b: -0.5}}\n", "bad.yaml:2:35",
         ("population.cultural_groups.a", "between 0 and 1")),
    Case("nan", "name: x\npopulation: {births: .nan}\n", "bad.yaml:2:22",
         ("key 'population.births'", "got '.nan'")),
    Case("infinity", "name: x\npopulation: {births: .inf}\n", "bad.yaml:2:22",
         ("key 'population.births'", "got '.inf'")),
    Case("negative_count", "name: x\nvolunteers: {initial: -3}\n", "bad.yaml:2:23",
         ("key 'volunteers.initial'", "got '-3'", "out of range")),
    Case("fractional_count", "name: x\nvolunteers: {initial: 2.5}\n", "bad.yaml:2:23",
         ("key 'volunteers.initial'", "expected a whole number")),
    Case("horizon_too_short", "name: x\nhorizon: 100 days\n", "bad.yaml:2:1",
         ("key 'horizon'", "26 weeks", "at least 183 days")),
    Case("horizon_of_26_weeks", "name: x\nhorizon: 26 weeks\n", "bad.yaml:2:1", ("26 weeks",)),
    Case("section_given_a_scalar", "name: x\npopulation: 5\n", "bad.yaml:2:1",
         ("key 'population' is a section", "population.births")),
    Case("name_given_nothing", "name:\n", "bad.yaml:", ("key 'name'", "expected text")),
]


def write_case(folder, case: Case):
    (folder / "bad.yaml").write_text(case.yaml)
    for name, text in case.others.items():
        (folder / name).write_text(text)


def assert_one_error_line(result, where: str | None, fragments) -> str:
    assert result.returncode == 2, describe(result)
    assert result.stdout == "", describe(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr\n{describe(result)}"
    line = lines[0]
    assert line.startswith("ppisim: error: "), line
    if where is not None:
        # `where` ending in ':' is a prefix ("bad.yaml:" then any line and column); otherwise it is the
        # whole location and ": message" follows it.
        prefix = f"ppisim: error: {where}" + ("" if where.endswith(":") else ": ")
        assert line.startswith(prefix), f"expected location {where!r} in: {line}"
    for fragment in fragments:
        assert fragment in line, f"expected {fragment!r} in: {line}"
    return line


def test_minimal_scenario_needs_only_a_name(ppisim, tmp_path):
    """The baseline the bad cases vary: `name: x` alone is valid and runs with every default."""
    (tmp_path / "bad.yaml").write_text("name: x\n")
    validated = ppisim("validate", "bad.yaml")
    assert validated.returncode == 0, describe(validated)
    result = ppisim("run", "bad.yaml", "-o", "out.h5", "--quiet")
    assert result.returncode == 0, describe(result)
    defaults = {p["path"]: p["default"] for p in yaml.safe_load(ppisim("params", "--format", "yaml").stdout)}
    with h5py.File(tmp_path / "out.h5", "r") as f:
        assert f.attrs["scenario_name"] == "x"
        assert int(f.attrs["replicates"]) == int(defaults["replicates"])
        assert int(f.attrs["seed"]) == int(defaults["seed"])
        assert f["summary/any_bf_6w"].shape == (int(defaults["replicates"]),)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_scenario_is_rejected_with_one_located_line(ppisim, tmp_path, case):
    write_case(tmp_path, case)
    result = ppisim("run", case.scenario, "-o", "out.h5")
    assert_one_error_line(result, case.where, case.fragments)
    assert not (tmp_path / "out.h5").exists()
    assert hidden_files(tmp_path) == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_reports_the_same_error(ppisim, tmp_path, case):
    write_case(tmp_path, case)
    run = ppisim("run", case.scenario, "-o", "out.h5")
    validate = ppisim("validate", case.scenario)
    assert_one_error_line(validate, case.where, case.fragments)
    assert validate.stderr == run.stderr


# --- bad command lines -------------------------------------------------------------------------

CLI_CASES = [
    # id, extra arguments for `ppisim run good.yaml`, expected location, fragments
    ("set_unknown_key", ["-o", "out.h5", "--set", "horizn=1year"], "--set horizn=1year",
     ("unknown key 'horizn'", "did you mean 'horizon'?")),
    ("set_unknown_nested_key", ["-o", "out.h5", "--set", "population.birhts=5"], "--set population.birhts=5",
     ("did you mean 'population.births'?",)),
    ("set_without_equals", ["-o", "out.h5", "--set", "horizon"], "--set horizon", ("expected path=value",)),
    ("set_bad_value", ["-o", "out.h5", "--set", "volunteers.initial=-1"], "--set volunteers.initial=-1",
     ("key 'volunteers.initial'", "out of range")),
    ("set_horizon_too_short", ["-o", "out.h5", "--set", "horizon=100 days"], "--set horizon=100 days",
     ("26 weeks",)),
    ("set_invalid_yaml", ["-o", "out.h5", "--set", "population.cultural_groups={a: 1"],
     "--set population.cultural_groups={a: 1", ("invalid YAML",)),
    ("output_folder_missing", ["-o", "missing/out.h5"], "missing/out.h5",
     ("the output folder 'missing' does not exist",)),
    ("output_is_a_folder", ["-o", "."], ".", ("the output path is a folder",)),
    ("scenario_missing", None, "nothere.yaml", ("cannot read scenario file 'nothere.yaml'", "no such file")),
    ("scenario_is_a_folder", None, None, ("is a folder, not a scenario file",)),
]


@pytest.mark.parametrize("case_id, extra, where, fragments", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_bad_command_line_is_rejected_with_one_line(ppisim, tmp_path, case_id, extra, where, fragments):
    (tmp_path / "good.yaml").write_text("name: x\n")
    if case_id == "scenario_missing":
        args = ["run", "nothere.yaml", "-o", "out.h5"]
    elif case_id == "scenario_is_a_folder":
        (tmp_path / "folder.yaml").mkdir()
        args = ["run", "folder.yaml", "-o", "out.h5"]
    else:
        args = ["run", "good.yaml", *extra]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = ppisim(*args)
    assert_one_error_line(result, where, fragments)
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing may be written"


def test_set_usage_example_is_a_valid_override(ppisim, tmp_path):
    (tmp_path / "good.yaml").write_text("name: x\n")
    message = ppisim("validate", "good.yaml", "--set", "horizon").stderr
    example = re.search(r"e\.g\. --set (\S+)", message)
    assert example, message
    result = ppisim("validate", "good.yaml", "--set", example.group(1))
    assert result.returncode == 0, describe(result)


USAGE_CASES = [
    ("replicates_0", ["--replicates", "0"], "--replicates"),
    ("replicates_not_a_number", ["--replicates", "abc"], "--replicates"),
    ("negative_seed", ["--seed", "-5"], "--seed"),
    ("negative_threads", ["--threads", "-1"], "--threads"),
    ("unknown_option", ["--bogus"], "--bogus"),
]


@pytest.mark.parametrize("case_id, extra, fragment", USAGE_CASES, ids=[c[0] for c in USAGE_CASES])
def test_usage_error_exits_2_and_writes_nothing(ppisim, tmp_path, case_id, extra, fragment):
    (tmp_path / "good.yaml").write_text("name: x\n")
    result = ppisim("run", "good.yaml", "-o", "out.h5", *extra)
    assert result.returncode == 2, describe(result)
    assert fragment in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.yaml"]


@pytest.mark.parametrize("case_id, extra, fragment", USAGE_CASES, ids=[c[0] for c in USAGE_CASES])
def test_usage_error_is_one_ppisim_error_line(ppisim, tmp_path, case_id, extra, fragment):
    (tmp_path / "good.yaml").write_text("name: x\n")
    result = ppisim("run", "good.yaml", "-o", "out.h5", *extra)
    assert_one_error_line(result, None, (fragment,))


def test_no_subcommand_is_a_usage_error(ppisim):
    result = ppisim()
    assert result.returncode == 2, describe(result)
    assert "subcommand" in result.stderr


def test_conflicting_parameters_name_the_value_the_user_set(ppisim, tmp_path):
    (tmp_path / "good.yaml").write_text("name: x\n")
    result = ppisim("run", "good.yaml", "-o", "out.h5", "--set", "feeding.initiation=0")
    line = assert_one_error_line(result, None, ())
    assert "feeding.initiation" in line, line
    assert not (tmp_path / "out.h5").exists()
