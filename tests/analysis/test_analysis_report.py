"""The HTML report: self-contained, complete, written atomically; and its command line."""

from __future__ import annotations

import base64
import os
import re
import subprocess

import pytest
from analysis_support import ANALYSIS, PNG_SIGNATURE, ReportPage

from ppisim_analysis import load_results
from ppisim_analysis.stats import RISK_OUTCOMES
from ppisim_analysis.report import KEY_OUTCOMES, write_report


def assert_self_contained(html_text: str):
    links = ReportPage(html_text)
    for tag, name, value in links.references:
        assert value.startswith("data:") or value.startswith("#"), f"<{tag} {name}={value[:80]!r}>"
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]*", "", html_text)  # base64 may spell anything
    assert "http" not in text.lower() and "//" not in re.sub(r"<pre>.*?</pre>", "", text, flags=re.S)
    assert not links.tags & {"script", "link", "iframe", "object", "embed"}
    assert "url(" not in text and "@import" not in text  # no CSS fetches either
    return links


def assert_embedded_pngs(links: ReportPage, at_least: int):
    assert len(links.images) >= at_least
    for src in links.images:
        prefix = "data:image/png;base64,"
        assert src.startswith(prefix)
        assert base64.b64decode(src[len(prefix):], validate=True).startswith(PNG_SIGNATURE)


@pytest.fixture(scope="module")
def comparison_report(breastfriends_h5, no_peer_support_h5, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    output = folder / "report.html"
    written = write_report([no_peer_support_h5, breastfriends_h5], output)
    assert written == output
    return output


def test_comparison_report_is_complete_and_self_contained(comparison_report, breastfriends_h5):
    text = comparison_report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    links = assert_self_contained(text)
    assert_embedded_pngs(links, at_least=2)
    for outcome in KEY_OUTCOMES:
        assert outcome in text, outcome
    # the scenarios in words, with their descriptions
    for words in ("no_peer_support", "breastfriends", "Usual professional care",
                  "The peer-support scheme does not run", "3000 per year"):
        assert words in text, words
    # the comparison: relative risks of stopping, paired because the seeds match
    assert "Comparison: risk of having stopped breastfeeding" in text
    assert "Method: paired." in text and "relative risk" in text.lower()
    assert "among mothers who started" in text  # the model's one definition of the risk
    for outcome in RISK_OUTCOMES:
        assert f"<code>{outcome}</code>" in text
    assert "<code>scheme.peer_support</code></td><td>false</td><td>true</td>" in text  # what differs
    # provenance and the resolved scenario
    attrs = load_results(breastfriends_h5).attrs
    for key in ("ppisim_version", "git_revision", "created"):
        assert attrs[key] in text, key
    assert str(attrs["seed"]) in text
    assert "--replicates 5" in text  # the command line
    # a --set variant is named by its change
    assert "<details><summary>breastfriends, horizon=1year: the fully resolved scenario" in text
    assert "referral_policy: professional_judgement" in text


def test_report_is_written_atomically(comparison_report):
    folder = comparison_report.parent
    assert sorted(p.name for p in folder.iterdir()) == ["report.html"]  # no temporary file left
    assert oct(comparison_report.stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode


def test_single_file_report(breastfriends_h5, tmp_path):
    output = write_report(breastfriends_h5, tmp_path / "one.html")
    text = output.read_text(encoding="utf-8")
    links = assert_self_contained(text)
    assert_embedded_pngs(links, at_least=2)
    assert "any_bf_6w" in text and "Comparison" not in text


def run_report_cli(*args, cwd=ANALYSIS):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(["/usr/bin/python3", "-m", "ppisim_analysis.report", *map(str, args)], cwd=str(cwd),
                          capture_output=True, text=True, timeout=120, env=env)


def test_command_line(breastfriends_h5, no_peer_support_h5, tmp_path):
    output = tmp_path / "cli.html"
    output.write_text("an old report")  # replaced
    result = run_report_cli(no_peer_support_h5, breastfriends_h5, "-o", output)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(output)
    text = output.read_text(encoding="utf-8")
    assert "Method: paired." in text and len(re.findall(r"<img ", text)) >= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.html"]


def test_command_line_bad_input(breastfriends_h5, tmp_path):
    not_results = tmp_path / "notes.h5"
    not_results.write_text("hello")
    output = tmp_path / "bad.html"
    result = run_report_cli(breastfriends_h5, not_results, "-o", output)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(not_results) in lines[0] and "not an HDF5 file" in lines[0], result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.h5"]  # nothing written
    result = run_report_cli(breastfriends_h5, "-o", tmp_path / "no_such_folder" / "x.html")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_text_from_the_file_is_escaped(binary, tmp_path):
    """The templates escape everything they are given: a scenario's name and description are text, never markup."""
    from analysis_support import SCENARIOS, describe, run_binary

    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(f"extends: {SCENARIOS / 'breastfriends.yaml'}\nname: \"<b>bold</b>\"\n"
                        "description: \"<script>alert('x')</script> & <img src=x>\"\n")
    output = tmp_path / "hostile.h5"
    done = run_binary(binary, "run", scenario, "-o", output, "--replicates", "2", "--set", "horizon=1year", "--quiet",
                      cwd=tmp_path)
    assert done.returncode == 0, describe(done)
    text = write_report(output, tmp_path / "hostile.html").read_text(encoding="utf-8")
    page = assert_self_contained(text)
    assert "b" not in page.tags and "<script>" not in text and "<img src=x>" not in text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x&gt;" in text
    assert "<h3>&lt;b&gt;bold&lt;/b&gt;, horizon=1year</h3>" in text  # a --set variant is named by its change
