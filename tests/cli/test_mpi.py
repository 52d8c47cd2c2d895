"""`mpirun -np 3 ppisim sweep` writes the same results as one threaded process;
a signal to mpirun or to any rank stops every rank, keeps the journal and
prints the resume command; `mpirun ppisim run` splits its replicates with
rank 0 writing; other commands refuse to run on every rank.

./dev installs Open MPI (libopenmpi-dev, openmpi-bin) and builds with it, so
CI runs this; where mpirun is missing the test is skipped, not passed."""
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from cli_support import REPEATS_SANITIZED_PATHS, REPO, SANITIZED, describe
from test_sweep import JOURNAL_HEADER_BYTES, assert_same_datasets, wait_for, write_model_experiment

EXPERIMENT = REPO / "scenarios" / "experiments" / "quick_morris.yaml"


def datasets(path):
    found = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, item: found.__setitem__(name, item[()]) if isinstance(item, h5py.Dataset) else None)
    return found


@pytest.mark.skipif(shutil.which("mpirun") is None, reason="Open MPI is not installed")
def test_mpirun_sweep_equals_threaded_sweep(ppisim_binary, tmp_path):
    threaded = subprocess.run([str(ppisim_binary), "sweep", str(EXPERIMENT), "-o", "threads.h5", "--threads", "2", "--quiet"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert threaded.returncode == 0, describe(threaded)
    environment = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                       OMPI_MCA_rmaps_base_oversubscribe="1")
    ranks = subprocess.run(["mpirun", "--oversubscribe", "-np", "3", str(ppisim_binary), "sweep", str(EXPERIMENT),
                            "-o", "mpi.h5", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                           env=environment)
    assert ranks.returncode == 0, describe(ranks)
    a, b = datasets(tmp_path / "threads.h5"), datasets(tmp_path / "mpi.h5")
    assert sorted(a) == sorted(b)
    for name in a:
        same = np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f")
        assert same, f"{name} differs between mpirun and threads"
    assert not list(tmp_path.glob("*.journal")), "the journal is removed once the results file is in place"


# --- what ppisim does under mpirun besides a sweep, signals, progress ----------------

# 2,000 runs: about 5 s on three ranks of a quiet machine, so a signal always lands while runs remain
# (400 runs took about a second, and a quiet machine finished some sweeps before the signal arrived).
# The sanitized build runs each about four times slower: 500 last as long.
KILL_RUNS = 500 if SANITIZED else 2000
KILL_DESIGN = f"method: lhs, points: {KILL_RUNS // 2}, replicates: 2"
needs_mpirun = pytest.mark.skipif(shutil.which("mpirun") is None, reason="Open MPI is not installed")
MPI_ENVIRONMENT = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                       OMPI_MCA_rmaps_base_oversubscribe="1")


def mpirun(*args, ranks=3):
    return ["mpirun", "--oversubscribe", "--allow-run-as-root", "-np", str(ranks), *map(str, args)]


def ppisim_lines(stderr):
    """ppisim's own lines, without mpirun's boxed notices."""
    return [line for line in stderr.splitlines() if line.startswith(("ppisim:", "progress:"))]


@needs_mpirun
def test_run_under_mpirun_splits_replicates_and_rank_0_alone_writes(ppisim_binary, tmp_path):
    scenario = REPO / "scenarios" / "breastfriends.yaml"
    fast = ["--replicates", "5", "--set", "horizon=1year"]
    threaded = subprocess.run([str(ppisim_binary), "run", str(scenario), "-o", "threads.h5", "--threads", "2",
                               "--quiet", *fast], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert threaded.returncode == 0, describe(threaded)
    ranks = subprocess.run(mpirun(ppisim_binary, "run", scenario, "-o", "mpi.h5", *fast), cwd=tmp_path,
                           capture_output=True, text=True, timeout=120, env=MPI_ENVIRONMENT)
    assert ranks.returncode == 0, describe(ranks)
    assert ranks.stdout.count("5 replicates of 365 days") == 1, describe(ranks)  # rank 0's table, once
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mpi.h5", "threads.h5"], "no partial file left by any rank"
    assert_same_datasets(tmp_path / "threads.h5", tmp_path / "mpi.h5")  # the snapshot of replicate 0 included
    with h5py.File(tmp_path / "mpi.h5", "r") as handle:
        assert "snapshot" in handle and handle["runs/replicate"][()].tolist() == [0, 1, 2, 3, 4]


@needs_mpirun
def test_run_under_mpirun_stops_every_rank_on_a_signal_and_leaves_no_file(ppisim_binary, tmp_path):
    scenario = REPO / "scenarios" / "breastfriends.yaml"
    process = subprocess.Popen(mpirun(ppisim_binary, "run", scenario, "-o", "r.h5", "--replicates", "40"),
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=MPI_ENVIRONMENT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(p.name.startswith(".r.h5.partial") for p in tmp_path.iterdir()):
        time.sleep(0.01)
    time.sleep(0.2)
    assert process.poll() is None, "the run ended before it could be signalled"
    os.kill(rank_processes(process.pid)[2], signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, f"exit {process.returncode}\n{stderr}"
    assert [line for line in ppisim_lines(stderr) if "interrupted" in line] == [
        "ppisim: interrupted; no results file was written"], stderr
    assert not list(tmp_path.iterdir()), "no results file, no partial file"


@needs_mpirun
def test_commands_that_do_not_spread_over_ranks_refuse_under_mpirun(ppisim_binary, tmp_path):
    result = subprocess.run(mpirun(ppisim_binary, "docs", "parameters", "-o", "p.md"), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=MPI_ENVIRONMENT)
    assert result.returncode == 2, describe(result)
    lines = ppisim_lines(result.stderr)
    assert len(lines) == 1 and "does not spread over MPI ranks" in lines[0], describe(result)  # rank 0 alone says it
    assert not list(tmp_path.iterdir()), "nothing is written, not even a partial file"


@needs_mpirun
def test_a_sweep_under_mpirun_shows_progress_on_rank_0_only(ppisim_binary, tmp_path):
    experiment = write_model_experiment(tmp_path, "morris", "method: morris, trajectories: 4, levels: 4, replicates: 2")
    result = subprocess.run(["mpirun", "--oversubscribe", "--allow-run-as-root", "--tag-output", "-np", "3",
                             str(ppisim_binary), "sweep", str(experiment), "-o", "out.h5"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=MPI_ENVIRONMENT)
    assert result.returncode == 0, describe(result)
    progress = [line for line in result.stderr.splitlines() if "progress:" in line]
    assert progress, describe(result)
    assert all(re.match(r"\[\d+,0\]<stderr>:progress: \d+%, \d+/40 runs", line) for line in progress), progress
    assert any("40/40 runs" in line for line in progress), progress


@needs_mpirun
def test_a_shard_under_mpirun_equals_the_same_shard_on_threads(ppisim_binary, tmp_path):
    experiment = write_model_experiment(tmp_path, "morris", "method: morris, trajectories: 4, levels: 4, replicates: 2")
    threads = subprocess.run([str(ppisim_binary), "sweep", str(experiment), "--shard", "2/3", "-o", "threads.h5",
                              "--threads", "2", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert threads.returncode == 0, describe(threads)
    ranks = subprocess.run(mpirun(ppisim_binary, "sweep", experiment, "--shard", "2/3", "-o", "mpi.h5", "--quiet"),
                           cwd=tmp_path, capture_output=True, text=True, timeout=120, env=MPI_ENVIRONMENT)
    assert ranks.returncode == 0, describe(ranks)
    assert_same_datasets(tmp_path / "threads.h5", tmp_path / "mpi.h5")


def rank_processes(mpirun_pid):
    """{rank: pid} of the ranks mpirun started on this machine."""
    ranks = {}
    for child in Path(f"/proc/{mpirun_pid}/task/{mpirun_pid}/children").read_text().split():
        try:
            environment = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for entry in environment:
            if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                ranks[int(entry.split(b"=")[1])] = int(child)
    return ranks


@pytest.fixture(scope="module")
def threaded_reference(ppisim_binary, tmp_path_factory):
    folder = tmp_path_factory.mktemp("threaded")
    experiment = write_model_experiment(folder, "killme", KILL_DESIGN, seed=17)
    result = subprocess.run([str(ppisim_binary), "sweep", str(experiment), "-o", "killme.h5", "--threads", "2",
                             "--quiet"], cwd=folder, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, describe(result)
    return folder / "killme.h5"


@needs_mpirun
@pytest.mark.parametrize("target,stop_signal", [
    pytest.param("mpirun", signal.SIGINT, id="SIGINT-mpirun", marks=REPEATS_SANITIZED_PATHS),
    pytest.param("mpirun", signal.SIGTERM, id="SIGTERM-mpirun", marks=REPEATS_SANITIZED_PATHS),
    pytest.param(0, signal.SIGTERM, id="SIGTERM-rank0", marks=REPEATS_SANITIZED_PATHS),
    pytest.param(1, signal.SIGTERM, id="SIGTERM-worker"),  # the one the sanitized build runs
    pytest.param(2, signal.SIGINT, id="SIGINT-worker", marks=REPEATS_SANITIZED_PATHS),
    pytest.param(1, signal.SIGKILL, id="SIGKILL-worker", marks=REPEATS_SANITIZED_PATHS)])
def test_a_signal_to_mpirun_or_any_rank_stops_every_rank_and_keeps_the_journal(ppisim_binary, tmp_path,
                                                                               threaded_reference, target, stop_signal):
    experiment = write_model_experiment(tmp_path, "killme", KILL_DESIGN, seed=17)
    output, journal = tmp_path / "killme.h5", tmp_path / "killme.h5.journal"
    process = subprocess.Popen(mpirun(ppisim_binary, "sweep", experiment, "-o", output), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=MPI_ENVIRONMENT)
    wait_for(journal, process, JOURNAL_HEADER_BYTES + 1)
    assert process.poll() is None, "the sweep ended before it could be signalled"
    pid = process.pid if target == "mpirun" else rank_processes(process.pid)[target]
    started = time.monotonic()
    os.kill(pid, stop_signal)
    stdout, stderr = process.communicate(timeout=60)
    seconds = time.monotonic() - started
    assert seconds < 10, f"took {seconds:.1f} s to stop"
    assert journal.exists() and not output.exists(), stderr
    done = None
    if stop_signal == signal.SIGKILL:
        # mpirun ends the other ranks at once: nothing can be said, but every finished run is in the journal.
        assert process.returncode == 128 + signal.SIGKILL, f"exit {process.returncode}\n{stderr}"
    else:
        # mpirun itself, when signalled, exits 1 (Open MPI's choice); signalled ranks end with 130.
        assert process.returncode == (1 if target == "mpirun" else 130), f"exit {process.returncode}\n{stderr}"
        # Rank 0 says at once how to resume (mpirun kills its ranks a second after passing a signal on) ...
        stopping = [line for line in ppisim_lines(stderr) if "stopping every rank" in line]
        assert len(stopping) == 1 and "--resume" in stopping[0], stderr
        # ... and, once every rank has stopped, how many runs the journal keeps.
        interrupted = [line for line in ppisim_lines(stderr) if "interrupted after" in line]
        assert len(interrupted) == 1 or (target == "mpirun" and not interrupted), stderr
        if interrupted:
            assert "--resume" in interrupted[0], interrupted
            done = int(re.search(rf"after (\d+) of {KILL_RUNS} runs", interrupted[0]).group(1))
            assert 0 < done < KILL_RUNS, interrupted
    # Resumed (under mpirun, or on one machine's threads), it equals the threaded sweep.
    resume = [str(ppisim_binary), "sweep", str(experiment), "-o", str(output), "--resume"]
    resumed = subprocess.run(mpirun(*resume) if target != 2 else resume + ["--threads", "2"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120, env=MPI_ENVIRONMENT)
    assert resumed.returncode == 0, describe(resumed)
    already = re.search(rf"resuming: (\d+) of {KILL_RUNS} runs already done", resumed.stderr)
    assert already and (done is None or int(already.group(1)) == done), describe(resumed)
    assert output.exists() and not journal.exists()
    assert_same_datasets(threaded_reference, output)
