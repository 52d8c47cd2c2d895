"""Every number ppisim produces, at a fixed seed, equals the committed
baseline (tests/fingerprint/fingerprint.yaml). When a change moves numbers on
purpose, `tests/fingerprint/fingerprint.py --update` rewrites the baseline and
prints the per-key diff for the commit message."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("fingerprint.py")


def test_numbers_equal_the_committed_fingerprint():
    completed = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
