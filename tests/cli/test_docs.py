"""`ppisim docs`: the ODD description, parameter and output tables generated from the code.

docs/ODD.md is committed so it can be read without building; these tests keep it
equal to what the code generates, and keep the hand-written narrative
(docs/odd-template.md) from naming parameters the registry no longer has.
"""

from __future__ import annotations

import re
import subprocess

import h5py
import yaml

from cli_support import REPO, describe

ODD = REPO / "docs" / "ODD.md"
TEMPLATE = REPO / "docs" / "odd-template.md"
STALE = "docs/ODD.md is stale: run build/ppisim docs odd --output docs/ODD.md"
PLACEHOLDERS = {"parameter_tables", "daily_plan", "outputs", "interventions", "mechanisms"}

PARAMETER_ROW = re.compile(r"^\| `([^`]+)` \|")
# A dotted name in backticks, e.g. `scheme.referral_policy` (not `file.cpp` paths or `section.*`).
DOTTED_NAME = re.compile(r"`([a-z_]+(?:\.[a-z0-9_]+)+)`")


def docs_bytes(ppisim_binary, *args, cwd) -> bytes:
    """stdout of `ppisim docs ARGS` as bytes, so the comparison is byte for byte."""
    result = subprocess.run([str(ppisim_binary), "docs", *map(str, args)], cwd=str(cwd),
                            capture_output=True, timeout=60)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr.decode(errors='replace')}"
    return result.stdout


def parameter_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if PARAMETER_ROW.match(line)
            and line.replace("\\|", "").count("|") == 10]


def registry(ppisim) -> list[dict]:
    result = ppisim("params", "--format", "yaml")
    assert result.returncode == 0, describe(result)
    return yaml.safe_load(result.stdout)


def output_units(markdown: str) -> dict[str, dict[str, str]]:
    """Unit of each output in `ppisim docs outputs`, by table ("series", "summary") and name."""
    units: dict[str, dict[str, str]] = {"series": {}, "summary": {}}
    table = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            table = "series" if "Daily series" in line else "summary" if "Summary outcomes" in line else None
        elif table and line.startswith("| `"):
            name, unit = (cell.strip() for cell in line.strip("|").split(" | ")[:2])
            units[table][name.strip("`")] = unit
    return units


# --- the committed description ---------------------------------------------------------------------


def test_odd_md_is_what_the_code_generates(ppisim_binary, tmp_path):
    """Run from an empty folder: the template is inside the binary."""
    generated = docs_bytes(ppisim_binary, "odd", cwd=tmp_path)
    assert ODD.is_file(), STALE
    assert generated == ODD.read_bytes(), STALE


def test_odd_names_every_parameter_in_a_table_row(ppisim):
    odd = ODD.read_text(encoding="utf-8")
    listed = {PARAMETER_ROW.match(row).group(1) for row in parameter_rows(odd)}
    missing = [record["path"] for record in registry(ppisim) if record["path"] not in listed]
    assert not missing, f"parameters missing from docs/ODD.md: {missing}"


def test_odd_names_every_output_of_a_results_file(fast_run):
    odd = ODD.read_text(encoding="utf-8")
    with h5py.File(fast_run.output, "r") as handle:
        names = [f"{group}/{name}" for group in ("summary", "timeseries") for name in handle[group]]
    missing = [name for name in names if f"| `{name.split('/')[1]}` |" not in odd]
    assert not missing, f"outputs missing from docs/ODD.md: {missing}"


def test_odd_describes_every_intervention_the_scenarios_use():
    used = set()
    for scenario in sorted((REPO / "scenarios").glob("*.yaml")):
        for item in yaml.safe_load(scenario.read_text(encoding="utf-8")).get("interventions") or []:
            used.update(item)
    odd = ODD.read_text(encoding="utf-8")
    missing = sorted(kind for kind in used if f"| `{kind}` |" not in odd)
    assert not missing, f"interventions missing from docs/ODD.md: {missing}"


def test_odd_has_no_unfilled_placeholder():
    assert "{{" not in ODD.read_text(encoding="utf-8")
    used = set(re.findall(r"\{\{([^}]*)\}\}", TEMPLATE.read_text(encoding="utf-8")))
    assert used <= PLACEHOLDERS, f"docs/odd-template.md uses unknown placeholders {used - PLACEHOLDERS}"


def test_odd_marks_what_is_not_implemented():
    odd = ODD.read_text(encoding="utf-8")
    assert re.search(r"^#+ [\d.]+ Mechanisms of the brief not yet implemented$", odd, flags=re.MULTILINE)


def test_odd_names_every_mechanism_with_its_knock_out(ppisim):
    odd = ODD.read_text(encoding="utf-8")
    names = ppisim("mechanisms", "--format", "names").stdout.split()
    missing = [name for name in names if f"| `{name}` |" not in odd]
    assert names and not missing, f"mechanisms missing from docs/ODD.md section 8 (regenerate it): {missing}"


def test_narrative_names_only_parameters_that_exist(ppisim):
    """A parameter renamed or removed in the code must be renamed or removed in the template too."""
    paths = {record["path"] for record in registry(ppisim)}
    sections = {path.split(".")[0] for path in paths if "." in path}
    named = set(DOTTED_NAME.findall(TEMPLATE.read_text(encoding="utf-8")))
    unknown = sorted(name for name in named if name.split(".")[0] in sections and name not in paths)
    assert not unknown, f"docs/odd-template.md names parameters the registry lacks: {unknown}"


# --- docs parameters and docs outputs ----------------------------------------------------------------


def test_docs_parameters_lists_the_rows_of_params(ppisim):
    grouped = ppisim("docs", "parameters")
    assert grouped.returncode == 0, describe(grouped)
    flat = ppisim("params", "--format", "markdown").stdout
    assert flat.splitlines()[0] in grouped.stdout.splitlines(), "the tables' header differs from `ppisim params`"
    # Grouped by section, so compared as sets of rows; no row is lost or repeated.
    assert sorted(parameter_rows(grouped.stdout)) == sorted(parameter_rows(flat))
    assert len(parameter_rows(flat)) == len(registry(ppisim))


def test_odd_parameter_rows_are_those_of_params(ppisim):
    flat = ppisim("params", "--format", "markdown").stdout
    assert sorted(parameter_rows(ODD.read_text(encoding="utf-8"))) == sorted(parameter_rows(flat))


def test_docs_outputs_units_match_the_results_file(ppisim, fast_run):
    result = ppisim("docs", "outputs")
    assert result.returncode == 0, describe(result)
    documented = output_units(result.stdout)
    with h5py.File(fast_run.output, "r") as handle:
        for group, table in (("summary", "summary"), ("timeseries", "series")):
            for name, dataset in handle[group].items():
                assert name in documented[table], f"{group}/{name} is not in `ppisim docs outputs`"
                unit = dataset.attrs["units"]
                unit = unit.decode() if isinstance(unit, bytes) else str(unit)
                assert documented[table][name] == unit, f"{group}/{name}: {unit!r} in the file, " \
                                                        f"{documented[table][name]!r} in the docs"


# --- writing files ---------------------------------------------------------------------------------------


def test_output_file_equals_stdout_and_leaves_nothing_else(ppisim_binary, ppisim, tmp_path):
    for topic in ("odd", "parameters", "outputs"):
        target = tmp_path / f"{topic}.md"
        result = ppisim("docs", topic, "--output", target.name)
        assert result.returncode == 0, describe(result)
        assert result.stdout == ""
        assert target.read_bytes() == docs_bytes(ppisim_binary, topic, cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.md", "outputs.md", "parameters.md"]


def test_output_file_is_replaced(ppisim_binary, ppisim, tmp_path):
    target = tmp_path / "ODD.md"
    target.write_text("old text\n")
    result = ppisim("docs", "odd", "-o", target)
    assert result.returncode == 0, describe(result)
    assert target.read_bytes() == docs_bytes(ppisim_binary, "odd", cwd=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["ODD.md"]


def test_missing_output_folder_is_bad_input(ppisim, tmp_path):
    result = ppisim("docs", "odd", "--output", tmp_path / "no" / "such" / "ODD.md")
    assert result.returncode == 2, describe(result)
    assert "does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_or_missing_topic_is_a_usage_error(ppisim):
    for args in (("docs", "manual"), ("docs",)):
        result = ppisim(*args)
        assert result.returncode == 2, describe(result)
        assert result.stdout == ""
