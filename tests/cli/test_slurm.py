"""A sweep as a real Slurm job array: Debian's slurm-wlm and munge started
on this machine (tests/cli/slurm_localhost.sh: one controller, one node,
in namespaces of their own so the only network is a private loopback and
every daemon ends with the test), the script of `ppisim sweep
--slurm-script` submitted with sbatch, its three shards and their dependent
merge compared with a threaded sweep, dataset by dataset. Skipped, saying
why, where Slurm cannot start here (not root, packages missing, no
namespaces); ./dev installs slurm-wlm and munge, so CI runs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from cli_support import binary_path, describe
from test_sweep import assert_same_datasets, write_model_experiment

HERE = Path(__file__).resolve().parent
DAEMONS = ["munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "unshare", "ip"]
NAMESPACES = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL"]


def why_slurm_cannot_start() -> str | None:
    missing = [name for name in DAEMONS if shutil.which(name) is None]
    if missing:
        return f"Slurm cannot start here: {', '.join(missing)} not installed (./dev installs slurm-wlm, munge, iproute2)"
    if os.geteuid() != 0:
        return "Slurm cannot start here: slurmd must run as root to start jobs"
    probe = subprocess.run([*NAMESPACES, "true"], capture_output=True, text=True, timeout=10)
    if probe.returncode != 0:
        return f"Slurm cannot start here: no private PID and network namespaces ({probe.stderr.strip()})"
    return None


def test_slurm_script_sizes_the_array_from_the_estimate(tmp_path):
    experiment = write_model_experiment(tmp_path, "morris", "method: morris, trajectories: 4, levels: 4, replicates: 2")
    result = subprocess.run([str(binary_path()), "sweep", str(experiment), "--slurm-script", "-o", "out.h5"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, describe(result)
    script = result.stdout
    # 40 runs of milliseconds: one task of about an hour is plenty.
    assert "#SBATCH --array=1-1\n" in script, script
    assert re.search(r"#SBATCH --time=0-00:1\d:\d\d\n", script), script  # twice the estimate + 10 minutes
    assert re.search(r"#SBATCH --mem=\d+M\n", script), script
    assert "--dependency=afterok:\"$SLURM_ARRAY_JOB_ID\"" in script
    assert f"export PPISIM_OUTPUT={tmp_path / 'out.h5'}" in script
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
    assert not list(tmp_path.glob("*.h5"))  # it runs nothing

    sized = subprocess.run([str(binary_path()), "sweep", str(experiment), "--slurm-script", "--slurm-tasks", "7",
                            "--threads", "4"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert sized.returncode == 0, describe(sized)
    assert "#SBATCH --array=1-7\n" in sized.stdout and "#SBATCH --cpus-per-task=4\n" in sized.stdout
    assert '"$PPISIM_PARTS"-{1..7}.h5' in sized.stdout
    too_many = subprocess.run([str(binary_path()), "sweep", str(experiment), "--slurm-script", "--slurm-tasks", "41"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert too_many.returncode == 2 and "at most 40" in too_many.stderr, describe(too_many)


def test_a_slurm_job_array_and_its_merge_equal_a_threaded_sweep(tmp_path):
    reason = why_slurm_cannot_start()
    if reason:
        pytest.skip(reason)
    experiment = write_model_experiment(tmp_path, "morris", "method: morris, trajectories: 4, levels: 4, replicates: 2")
    threaded = tmp_path / "threaded.h5"
    result = subprocess.run([str(binary_path()), "sweep", str(experiment), "-o", str(threaded), "--threads", "2",
                             "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe(result)
    script = tmp_path / "morris.sbatch"
    result = subprocess.run([str(binary_path()), "sweep", str(experiment), "--slurm-script", "--slurm-tasks", "3",
                             "-o", "merged.h5"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, describe(result)
    script.write_text(result.stdout)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    # Outside pytest's folders, which only root may enter: munged wants every folder above its socket open to all.
    state = Path(tempfile.mkdtemp(prefix="ppisim-slurm."))
    try:
        state.chmod(0o755)
        # On a timeout the unshare process is killed, and with it (--kill-child) every daemon and job.
        cluster = subprocess.run([*NAMESPACES, str(HERE / "slurm_localhost.sh"), str(state), str(tmp_path), str(script)],
                                 capture_output=True, text=True, timeout=100, env=environment)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    logs = "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in sorted(tmp_path.glob("*.log")))
    assert cluster.returncode == 0, describe(cluster) + logs
    assert cluster.stdout.count("JobState=COMPLETED") == 4, describe(cluster) + logs  # three tasks and the merge
    for index in (1, 2, 3):
        assert (tmp_path / f"merged.part-{index}.h5").exists(), logs
    assert (tmp_path / "merged.h5").exists(), describe(cluster) + logs
    assert_same_datasets(threaded, tmp_path / "merged.h5")
