"""analysis/ and notebooks/ name only parameters and outputs the binary knows.

The analysis package reads the model from the results file; where it still
names a parameter (`scheme.referral_policy`) or an outcome (`any_bf_6w`), the
name must exist: a renamed or removed parameter would otherwise make every
guarded lookup come back empty and a report silently lose its rows. The
known names come from the binary (`ppisim params --format yaml`, `ppisim
docs outputs`); the names used are read from every string in the Python
files and the notebooks' cells.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from analysis_support import ANALYSIS, REPO, describe, run_binary

NOTEBOOKS = REPO / "notebooks"

# A dotted word in a string: a parameter path, unless it is a file, a module or code.
DOTTED = re.compile(r"(?<![\w./-])([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)(?![\w(/-])")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
FILE_SUFFIXES = {"h5", "yaml", "yml", "html", "png", "svg", "pdf", "csv", "md", "py", "ipynb", "json", "txt",
                 "cpp", "hpp", "j2", "css"}
# Dotted words that are neither parameters nor files nor modules, and why.
NOT_PARAMETERS = {
    "design.base_samples": "a key of an experiment file (ppisim sweep), not of a scenario",
    "dotted.path": "the placeholder in /parameters/<dotted.path>",
    "results.graph": "an attribute of Results",
    "result.attrs": "an attribute of a pandas DataFrame",
}
# Names of calls whose string arguments are outputs (series or outcomes).
OUTPUT_CALLS = {"timeseries", "timeseries_array", "plot_timeseries", "sensitivity_table", "noise_share"}
# Mappings whose string keys are outputs: results.summary[...], results.units[...], ...
OUTPUT_MAPPINGS = {"summary", "units", "descriptions", "outcomes", "series", "ages", "age_words"}


@dataclass(frozen=True)
class Use:
    name: str
    where: str  # file:line

    def __str__(self) -> str:
        return f"{self.where}: {self.name}"


@dataclass(frozen=True)
class Known:
    parameters: frozenset
    sections: frozenset
    outputs: frozenset

    @property
    def families(self) -> frozenset:
        """First two words of every output name (any_bf, excl_bf, network_team, ...)."""
        return frozenset("_".join(name.split("_")[:2]) for name in self.outputs if name.count("_") >= 1)


@pytest.fixture(scope="module")
def known(binary, tmp_path_factory) -> Known:
    folder = tmp_path_factory.mktemp("names")
    params = run_binary(binary, "params", "--format", "yaml", cwd=folder)
    assert params.returncode == 0, describe(params)
    paths = [entry["path"] for entry in yaml.safe_load(params.stdout)]
    outputs = run_binary(binary, "docs", "outputs", cwd=folder)
    assert outputs.returncode == 0, describe(outputs)
    names = re.findall(r"^\| `([a-z0-9_]+)` \|", outputs.stdout, re.M)
    assert "any_bf_6w" in names and "any_bf_share" in names and "scheme.referral_policy" in paths
    sections = {".".join(p.split(".")[:i]) for p in paths for i in range(1, p.count(".") + 1)}
    return Known(frozenset(paths), frozenset(sections), frozenset(names))


def _strings(tree: ast.AST, where: str):
    """(text, line) of every string in a module, f-strings' literal parts included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value, f"{where}:{node.lineno}"


def _output_strings(tree: ast.AST, where: str):
    """Strings used where an output's name goes: `r.summary["x"]`, `"x" in r.outcomes`,
    `r.timeseries("x")`, and every string in a constant named ..._OUTCOMES or ..._SERIES."""
    def constants(node):
        return [(n.value, f"{where}:{n.lineno}") for n in ast.walk(node)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)]

    def named(node) -> str:
        return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""

    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and named(node.value) in OUTPUT_MAPPINGS:
            yield from constants(node.slice)
        elif isinstance(node, ast.Compare) and any(named(c) in OUTPUT_MAPPINGS for c in node.comparators):
            yield from constants(node.left)
        elif isinstance(node, ast.Call) and named(node.func) in OUTPUT_CALLS:
            for argument in node.args:
                yield from constants(argument)
        elif isinstance(node, ast.Assign) and any(re.search(r"OUTCOMES|SERIES|PANELS", named(t)) for t in node.targets):
            yield from constants(node.value)


def _text(text: str) -> ast.Module:
    """Prose or a template as a module of one string."""
    return ast.Module(body=[ast.Expr(ast.Constant(text, lineno=1))], type_ignores=[])


def _template_text(path: Path) -> ast.Module:
    """A Jinja template's literal text (not its code: `row.name` there is a variable), line by line."""
    import jinja2

    lexed = jinja2.Environment().lex(path.read_text(encoding="utf-8"))
    return ast.Module(body=[ast.Expr(ast.Constant(value, lineno=line)) for line, kind, value in lexed if kind == "data"],
                      type_ignores=[])


def sources() -> list[tuple[str, ast.AST]]:
    """(where, parsed code) of every Python file and template in analysis/ and every notebook's cells."""
    parsed = [(str(path.relative_to(REPO)), ast.parse(path.read_text(encoding="utf-8")))
              for path in sorted(ANALYSIS.rglob("*.py"))]
    parsed += [(str(path.relative_to(REPO)), _template_text(path)) for path in sorted(ANALYSIS.rglob("*.j2"))]
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        for number, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
            text = "".join(cell["source"])
            where = f"{notebook.relative_to(REPO)} cell {number}"
            if cell["cell_type"] == "code":  # IPython magics and shell lines are not Python
                parsed.append((where, ast.parse(re.sub(r"^\s*[%!].*$", "", text, flags=re.M))))
            else:  # markdown: its text, as one string
                parsed.append((where, _text(text)))
    return parsed


def _is_module(first: str) -> bool:
    try:
        return importlib.util.find_spec(first) is not None
    except (ImportError, ValueError):
        return False


def unknown_names(code: list[tuple[str, ast.AST]], known: Known) -> tuple[list[Use], list[Use]]:
    """(parameter paths, output names) that the binary does not know."""
    parameters, outputs = [], []
    for where, tree in code:
        for text, line in _strings(tree, where):
            for word in DOTTED.findall(text):
                first, last = word.split(".")[0], word.split(".")[-1]
                if (word in known.parameters or word in known.sections or last in FILE_SUFFIXES
                        or len(first) <= 2 or word in NOT_PARAMETERS or _is_module(first)):
                    continue
                parameters.append(Use(word, line))
            # e.g. any_bf_2w: a family the binary has, a member it has not (also `quoted` in prose)
            for word in [text] + re.findall(r"`([a-z][a-z0-9_]*)`", text):
                if SNAKE.match(word) and word not in known.outputs and "_".join(word.split("_")[:2]) in known.families:
                    outputs.append(Use(word, line))
        for text, line in _output_strings(tree, where):
            if SNAKE.match(text) and text not in known.outputs and Use(text, line) not in outputs:
                outputs.append(Use(text, line))
    return parameters, outputs


def test_the_checker_finds_stale_names(known):
    """The checker itself: stale names in each place it looks are found, and files, modules and
    code are not taken for parameters."""
    code = '''
KEY_PARAMETERS = ("support.protection", "professionals.contact_hazard_ratio", "scheme.referral_policy")
KEY_OUTCOMES = ("initiation_rate", "breastfed_at_birth")
note = "`any_bf_9m` in prose; write report.html from breastfriends.h5 with ppisim_analysis.report; see r.summary and e.g. numpy.ndarray"
value = r.summary["peer_visits"] + r.units["any_bf_6w"]
present = "excl_bf_2w" in r.outcomes
figure = plot_timeseries(r, "any_bf_share") or r.timeseries("tension_idx")
'''
    parameters, outputs = unknown_names([("example.py", ast.parse(code))], known)
    assert [u.name for u in parameters] == ["support.protection", "professionals.contact_hazard_ratio"]
    assert sorted(u.name for u in outputs) == ["any_bf_9m", "breastfed_at_birth", "excl_bf_2w", "peer_visits",
                                                 "tension_idx"]
    assert str(parameters[0]) == "example.py:2: support.protection"


def test_analysis_and_notebooks_name_only_what_the_binary_knows(known):
    code = sources()
    assert any(where.endswith("report.py") for where, _ in code) and any("notebooks" in w for w, _ in code)
    assert any(where.endswith("report.html.j2") for where, _ in code)
    parameters, outputs = unknown_names(code, known)
    message = []
    if parameters:
        message.append("parameters that `ppisim params` does not list:\n  " + "\n  ".join(map(str, parameters)))
    if outputs:
        message.append("outputs that `ppisim docs outputs` does not list:\n  " + "\n  ".join(map(str, outputs)))
    assert not message, "\n".join(message)
