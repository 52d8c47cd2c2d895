"""The calibration script reproduces every calibration target with the real binary."""
import subprocess
import sys

from analysis_support import ANALYSIS, REPO, binary_path


def test_calibration_script_meets_every_target():
    done = subprocess.run([sys.executable, "-m", "ppisim_analysis.calibration", "--binary", str(binary_path()),
                           "--replicates", "10"], cwd=str(ANALYSIS), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["target", "expected", "model", "holds"]
    assert len(lines) == 15 and all(line.endswith("yes") for line in lines[1:]), done.stdout
    assert "integrated RR of stopping by 6 weeks" in done.stdout
    assert "integrated RR of stopping exclusive by 6 weeks" in done.stdout
