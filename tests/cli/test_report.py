"""`ppisim report` writes the analysis package's self-contained HTML report."""
import os
import re

import h5py
import pytest

from cli_support import FAST, describe, error_lines


def test_report_from_the_command_line(ppisim, breastfriends, no_peer_support, tmp_path):
    for name, scenario in (("care.h5", no_peer_support), ("scheme.h5", breastfriends)):
        done = ppisim("run", scenario, "-o", name, *FAST, "--quiet")
        assert done.returncode == 0, describe(done)
    done = ppisim("report", "care.h5", "scheme.h5", "-o", "report.html", "--title", "Scheme against usual care")
    assert done.returncode == 0, describe(done)
    html = (tmp_path / "report.html").read_text()
    assert "Scheme against usual care" in html and "any_bf_6w" in html
    assert len(re.findall(r"data:image/png;base64", html)) >= 2
    assert not re.search(r"(src|href)=[\"']https?:", html), "the report must open with no network"


def test_report_of_a_missing_file_is_bad_input(ppisim, tmp_path):
    done = ppisim("report", "missing.h5", "-o", "report.html")
    assert done.returncode == 2, describe(done)
    assert "missing.h5" in done.stderr
    assert not (tmp_path / "report.html").exists()


@pytest.fixture
def results_file(ppisim, breastfriends, tmp_path):
    done = ppisim("run", breastfriends, "-o", "r.h5", "--replicates", "1", "--set", "horizon=1year", "--quiet")
    assert done.returncode == 0, describe(done)
    return tmp_path / "r.h5"


@pytest.mark.parametrize("how", ["same path", "hard link"])
def test_a_report_never_replaces_a_results_file_it_reads(ppisim, results_file, tmp_path, how):
    output = results_file if how == "same path" else tmp_path / "link.html"
    if how == "hard link":
        os.link(results_file, output)
    before = results_file.read_bytes()
    done = ppisim("report", results_file, "-o", output)
    assert done.returncode == 2, describe(done)
    lines = error_lines(done.stderr)
    assert len(lines) == 1 and "which the report reads" in lines[0], describe(done)
    assert results_file.read_bytes() == before


def test_a_bad_scenario_yaml_is_one_line_with_its_place(ppisim, results_file):
    with h5py.File(results_file, "a") as f:
        f.attrs["scenario_yaml"] = "name: [unclosed\nhorizon: : :"
    done = ppisim("report", results_file, "-o", "report.html")
    assert done.returncode == 2, describe(done)
    assert error_lines(done.stderr) == [
        f"ppisim_analysis.report: error: {results_file}: the scenario_yaml attribute is not valid YAML at line 2, column 8 "
        "of it: expected ',' or ']', but got ':'"]


def test_a_damaged_results_file_is_refused_by_the_report(ppisim, results_file):
    with h5py.File(results_file, "r") as f:
        offset = f["summary/any_bf_6w"].id.get_chunk_info(0).byte_offset
    data = bytearray(results_file.read_bytes())
    data[offset + 2] ^= 0x10
    results_file.write_bytes(bytes(data))
    done = ppisim("report", results_file, "-o", "report.html")
    assert done.returncode == 2, describe(done)
    lines = error_lines(done.stderr)
    assert len(lines) == 1 and "Fletcher32 checksum" in lines[0], describe(done)
