"""`ppisim report` writes the analysis package's self-contained HTML report."""
import re

from cli_support import FAST, describe


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
