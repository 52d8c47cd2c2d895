"""The report leads with the decision: page one holds each option against the
comparator (chosen with --baseline) per year in the area, a --set variant is
named and described by its change, the parameter tables are in the appendix,
and at seven scenarios the page prints to A4 in headless Chromium with nothing
running off the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from analysis_support import QUICK, SCENARIOS

from ppisim_analysis import load_results
from ppisim_analysis.decision import decide
from ppisim_analysis.report import write_report

SEVEN = ("no_peer_support", "breastfriends", "integrated", "reactive", "gatekept", "development_process",
         "teaching_autonomy")
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
A4_TEXT_WIDTH_PX = 703  # 210 mm less two 12 mm margins, at 96 px per inch


@pytest.fixture(scope="module")
def seven(make_results):
    return [make_results(name, f"{name}.yaml", *QUICK) for name in SEVEN]


@pytest.fixture(scope="module")
def seven_report(seven, tmp_path_factory):
    output = tmp_path_factory.mktemp("decision") / "seven.html"
    # the comparator is the first file's usual care, chosen although it is not listed first
    write_report([*seven[1:], seven[0]], output, baseline=seven[0])
    return output


def test_page_one_is_the_decision_against_the_chosen_comparator(seven, seven_report):
    text = seven_report.read_text(encoding="utf-8")
    headings = re.findall(r"<h2>(.*?)</h2>", text)
    assert headings[0] == "The decision: each option against no_peer_support, horizon=1year"
    assert "chosen with --baseline" in text
    decision = text[text.index("<h2>The decision"):text.index("<h2>Scenarios in brief")]
    usual = load_results(seven[0])
    for path in seven[1:]:
        option = load_results(path)
        extra = decide(option, usual).headcounts["mothers_any_bf_6w"]
        assert f"{extra.mean:+,.0f} [{extra.lo95:+,.0f}, {extra.hi95:+,.0f}]" in decision, option.name
    assert "cover replicate noise only" in decision
    assert "no costs: block" in decision  # the library's scenarios carry no costs
    # the parameter tables come after the figures, in the appendix
    assert text.index("Appendix: scenarios and their parameters") > text.index("<h2>Figures</h2>")
    assert text.index("<th>parameter</th><th>value</th>") > text.index("Appendix: scenarios")


def test_a_set_variant_is_named_and_described_by_its_change(make_results, no_peer_support_h5, tmp_path):
    optout = make_results("optout", "breastfriends.yaml", *QUICK, "--set", "scheme.referral_policy=opt_out")
    output = write_report([no_peer_support_h5, optout], tmp_path / "optout.html")
    text = output.read_text(encoding="utf-8")
    assert "<strong>breastfriends, horizon=1year, scheme.referral_policy=opt_out</strong>" in text
    assert "changed with --set horizon=1year, scheme.referral_policy=opt_out" in text
    assert "Differs from the defaults in: <code>horizon</code>" in text or "<code>scheme.referral_policy</code> = opt out" in text


def test_baseline_must_be_a_results_file(seven, tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.h5: no such file"):
        write_report(seven[:2], tmp_path / "x.html", baseline=tmp_path / "missing.h5")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
def test_seven_scenarios_print_to_a4_with_nothing_cut_off(seven_report, tmp_path):
    # The print rules, applied on screen at the A4 text width, with a script that lists what runs off the page.
    probe = tmp_path / "probe.html"
    html = seven_report.read_text(encoding="utf-8").replace("@media print {", "@media all {")
    html = html.replace("</body>", """<script>
addEventListener('load', () => {
  const width = document.documentElement.clientWidth, out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const box = e.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) out.push(e.tagName + ': ' + (e.textContent || '').trim().slice(0, 60));
  }
  document.body.setAttribute('data-overflow', JSON.stringify(out.slice(0, 20)));
  document.body.setAttribute('data-measured', String(width));
});
</script></body>""")
    probe.write_text(html, encoding="utf-8")
    dom = subprocess.run([CHROMIUM, *CHROMIUM_ARGS, f"--window-size={A4_TEXT_WIDTH_PX},1200",
                          "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    measured = re.search(r'data-measured="(\d+)"', dom.stdout)
    assert measured and int(measured.group(1)) <= A4_TEXT_WIDTH_PX, dom.stdout[-500:]
    overflow = re.search(r'data-overflow="([^"]*)"', dom.stdout).group(1)
    assert overflow == "[]", overflow.replace("&quot;", '"')
    # and the PDF itself: A4 pages
    pdf = tmp_path / "seven.pdf"
    printed = subprocess.run([CHROMIUM, *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                              seven_report.as_uri()], capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0 and pdf.is_file(), printed.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595.92) < 2 and abs(float(h) - 842.88) < 2 for w, h in boxes), boxes[:3]
