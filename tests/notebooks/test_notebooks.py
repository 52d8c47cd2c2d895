"""The notebooks in notebooks/: stored without outputs, and each runs headlessly without error.

Run from the repository root with Debian's interpreter (as ./dev test does):

    PYTHONDONTWRITEBYTECODE=1 PPISIM_BINARY=$PWD/build/ppisim /usr/bin/python3 -m pytest -q -p no:cacheprovider tests

Each notebook is executed with nbclient in Debian's `python3` Jupyter kernel
(python3-nbclient, python3-ipykernel), with notebooks/ as the working directory
(as Jupyter opens it) and a time limit per cell. The notebooks run the real
binary ($PPISIM_BINARY, else build/ppisim) and write only into temporary folders;
the test checks that no file appears in the repository.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = {"01_quick_start.ipynb", "02_teaching_tension_loop.ipynb", "03_sensitivity.ipynb"}
CELL_TIMEOUT_SECONDS = 120
KERNEL = "python3"


def test_the_issue_notebooks_are_there():
    assert EXPECTED <= {path.name for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    """Outputs belong to whoever runs the notebook, not to the repository: no outputs,
    no execution counts, no execution timings, and the python3 kernel."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == KERNEL
    dirty = []
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None or "execution" in cell.get("metadata", {}):
            dirty.append(number)
    assert not dirty, (f"{path.name}: code cells {dirty} hold outputs or execution counts; clear them "
                       "(Jupyter: Edit > Clear All Outputs) before committing")


@pytest.fixture(scope="module")
def nbclient():
    try:
        import nbclient
        import nbformat  # noqa: F401
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError as error:
        pytest.fail(f"cannot execute notebooks: {error}; install python3-nbclient python3-nbformat "
                    "python3-ipykernel (./dev does)", pytrace=False)
    if KERNEL not in KernelSpecManager().find_kernel_specs():
        pytest.fail(f"no Jupyter kernel {KERNEL!r}; install python3-ipykernel (./dev does)", pytrace=False)
    return nbclient


@pytest.fixture(scope="module")
def binary() -> Path:
    path = Path(os.environ.get("PPISIM_BINARY", str(REPO / "build" / "ppisim"))).resolve()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"ppisim binary not found or not executable at {path}; "
                    "build it with `./dev build` or set PPISIM_BINARY", pytrace=False)
    return path


def repository_files() -> set[str]:
    """Every path in the work tree except .git and the build folders."""
    found = set()
    for folder, subfolders, files in os.walk(REPO):
        relative = Path(folder).relative_to(REPO)
        if relative == Path("."):
            subfolders[:] = [d for d in subfolders if d != ".git" and not d.startswith("build")]
        found.update(str(relative / name) for name in files + subfolders)
    return found


def execute(nbclient, path: Path, working_directory: Path) -> float:
    """Runs every cell of the notebook; fails on the first cell that raises,
    and on anything written to stderr (warnings included). Returns the seconds taken."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT_SECONDS, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(working_directory)}})
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as error:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # the kernel colours its tracebacks
        pytest.fail(f"{path.name} (run in {working_directory}): a cell failed\n{plain}", pytrace=False)
    seconds = time.monotonic() - start
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                pytest.fail(f"{path.name}: cell {number} wrote to stderr:\n{output.get('text', '')}", pytrace=False)
    return seconds


@pytest.fixture
def kernel_environment(monkeypatch, binary):
    """The kernel inherits this process's environment."""
    monkeypatch.setenv("PPISIM_BINARY", str(binary))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel's debugger warns about frozen modules


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_from_the_notebooks_folder(path, nbclient, kernel_environment):
    before = repository_files()
    seconds = execute(nbclient, path, NOTEBOOKS_DIR)
    new = sorted(repository_files() - before)
    assert not new, f"{path.name} wrote into the repository: {new}"
    print(f"{path.name}: {seconds:.1f} s")


def test_quick_start_runs_from_the_repository_root(nbclient, kernel_environment):
    before = repository_files()
    execute(nbclient, NOTEBOOKS_DIR / "01_quick_start.ipynb", REPO)
    assert not sorted(repository_files() - before)
