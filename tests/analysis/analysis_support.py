"""Helpers shared by the analysis tests (a uniquely named module: tests/cli has
its own conftest.py, and two modules both imported as `conftest` would clash)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ANALYSIS = REPO / "analysis"
SCENARIOS = REPO / "scenarios"
TIMEOUT_SECONDS = 120

if str(ANALYSIS) not in sys.path:
    sys.path.insert(0, str(ANALYSIS))

# Small and quick; the horizon must exceed 182 days for mothers to be followed to 26 weeks.
QUICK = ["--replicates", "5", "--set", "horizon=1year", "--quiet"]


def binary_path() -> Path:
    return Path(os.environ.get("PPISIM_BINARY", str(REPO / "build" / "ppisim")))


def run_binary(binary: Path, *args, cwd: Path) -> subprocess.CompletedProcess:
    """Runs `binary args...` in cwd, capturing stdout and stderr as text."""
    return subprocess.run([str(binary), *map(str, args)], cwd=str(cwd), capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS)


def describe(result: subprocess.CompletedProcess) -> str:
    return (f"command: {result.args}\nexit code: {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ReportPage(HTMLParser):
    """What a report page holds: every link-like attribute, every image, every
    heading (h1-h4), every tag and the visible text."""

    def __init__(self, html_text: str = ""):
        super().__init__()
        self.references: list[tuple[str, str, str]] = []
        self.images: list[str] = []
        self.headings: list[str] = []
        self.tags: set[str] = set()
        self._heading: list[str] | None = None
        self.text: list[str] = []
        self.feed(html_text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href"):
                self.references.append((tag, name, value or ""))
        if tag == "img":
            self.images.append(dict(attrs).get("src", ""))
        if re.fullmatch(r"h[1-4]", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-4]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)
