"""Hostile input and faults, end to end: every case ends in one error line
with the documented exit code (2 bad input, 1 runtime failure, 130
interrupted), leaves no partial file and never loses an existing results
file. Every process is bounded by a timeout."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import time
from pathlib import Path

import h5py
import pytest

from cli_support import FAST, REPO, SANITIZED, describe, error_lines, hidden_files

IS_ROOT = os.geteuid() == 0
QUICK = ["--replicates", "1", "--set", "horizon=1year", "--quiet"]
LIMIT = 60  # seconds, for any one process
TOO_DEEP = "nesting deeper than 32 levels of lists and maps"


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _assert_refused(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, describe(result)
    lines = error_lines(result.stderr)
    assert len(lines) == 1, describe(result)
    assert lines[0].startswith("ppisim: "), describe(result)
    for fragment in fragments:
        assert fragment in lines[0], describe(result)


def _repeat_alias_bomb(indent: str, leaf: str) -> str:
    """Nine aliases of the level below, nine levels deep: 9^9 leaves if expanded."""
    text = f"{indent}l0: &l0 [{', '.join([leaf] * 9)}]\n"
    for level in range(1, 9):
        text += f"{indent}l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]\n"
    return text


def _nested_alias_bomb() -> str:
    items = [f"&l0 [{', '.join(['1 day'] * 9)}]"]
    items += [f"&l{level} [{', '.join([f'*l{level - 1}'] * 9)}]" for level in range(1, 9)]
    return "name: x\nprofessionals:\n  midwife_visits: [" + ", ".join(items) + "]\n"


BAD_SCENARIOS = {
    "truncated": ("name: x\nprofessionals:\n  midwife_visits: [1 day, 5 da", "invalid YAML"),
    "truncated_mid_key": ("name: x\nprofessionals:\n  midwi", "scenario.yaml:"),
    # Was "invalid YAML: bad file", yaml-cpp's own guard, with no line worth reading.
    "deep_lists": ("name: x\nprofessionals:\n  midwife_visits: " + "[" * 10_000 + "]" * 10_000 + "\n",
                   "scenario.yaml:3:49: " + TOO_DEEP),
    "deep_lists_100k": ("name: x\na: " + "[" * 100_000 + "]" * 100_000 + "\n", "scenario.yaml:2:35: " + TOO_DEEP),
    "deep_maps": ("name: x\nunknown: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n", "scenario.yaml:2:" ),
    "deep_unclosed": ("[" * 100_000, "scenario.yaml:1:"),
    "deep_block_maps": ("name: x\n" + "".join(" " * level + "a:\n" for level in range(1_000)),
                        "scenario.yaml:34:33: " + TOO_DEEP),
    "deep_block_lists": ("name: x\na:\n" + "- " * 100_000 + "1\n", "scenario.yaml:3:63: " + TOO_DEEP),
    "second_document": ("name: x\n---\nname: y\n", "scenario.yaml:2:1: a second YAML document starts here"),
    "tab_indentation": ("name: x\nprofessionals:\n\tmidwives: 3\n", "indentation must be spaces, not tabs"),
    "section_in_capitals": ("name: x\nPROFESSIONALS:\n  midwives: 3\n", "did you mean 'professionals'?"),
    "key_in_capitals": ("name: x\nHorizon: 2 years\n", "did you mean 'horizon'?"),
    "duplicate_key": ("name: x\nhorizon: 2 years\nhorizon: 3 years\n", "scenario.yaml:3:1: key 'horizon' appears twice"),
    "duplicate_nested_key": ("name: x\nprofessionals:\n  midwives: 3\n  midwives: 4\n",
                             "key 'professionals.midwives' appears twice"),
    # A quoted key may hold a newline or a terminal escape sequence: still one line, escaped.
    "control_characters_in_key": ('name: x\n"a\\nb\\e[2J": 1\n', "unknown key 'a\\nb\\x1b[2J'"),
    "alias_bomb_unknown_key": ("name: x\nbomb:\n" + _repeat_alias_bomb("  ", "1 day"), "unknown key 'bomb"),
    "alias_bomb_known_list": (_nested_alias_bomb(), "professionals.midwife_visits"),
    "huge_number": ("name: x\nprofessionals:\n  initial:\n    gatekeeping: 1e308\n", "out of range"),
    "overflowing_number": ("name: x\nprofessionals:\n  midwives: 1e999\n", "professionals.midwives"),
    "dot_nan": ("name: x\nprofessionals:\n  initial:\n    gatekeeping: .nan\n", "gatekeeping"),
    "nan": ("name: x\nprofessionals:\n  initial:\n    gatekeeping: nan\n", "gatekeeping"),
    "dot_inf": ("name: x\nhorizon: .inf\n", "horizon"),
    "inf": ("name: x\npopulation:\n  births: inf per day\n", "population.births"),
    "minus_inf": ("name: x\nprofessionals:\n  initial:\n    gatekeeping: -.inf\n", "gatekeeping"),
    "negative_count": ("name: x\nprofessionals:\n  midwives: -5\n", "out of range"),
    "negative_volunteers": ("name: x\nvolunteers:\n  initial: -1\n", "volunteers.initial"),
    "nan_in_list": ("name: x\nprofessionals:\n  midwife_visits: [.nan days]\n", "midwife_visits"),
    # A decimal comma was read as a thousands separator: 1,20 gave 120 midwives.
    "decimal_comma": ("name: x\nprofessionals:\n  midwives: 1,20\n", "scenario.yaml:3:13: key 'professionals.midwives'"),
    "decimal_comma_rate": ("name: x\npopulation:\n  births: 3,00 per day\n", "numbers take no commas"),
    "thousands_separator": ("name: x\npopulation:\n  births: 3,000 per year\n", "numbers take no commas"),
    # 2^53 + 1 ran as 2^53.
    "seed_above_2_53": ("name: x\nseed: 9007199254740993\n", "scenario.yaml:2:7: key 'seed'"),
    # Accepted, and never acted.
    "intervention_after_horizon": ("name: x\nhorizon: 3 years\ninterventions:\n"
                                   "  - boundary_protocol: {start: 50 years, clarity: 0.8}\n",
                                   "intervention 'boundary_protocol' starts on day 18262.5, after the horizon (day 365)"),
    # 15 cohorts of 100,000 volunteers ran past 40 s and 500 MB, still growing.
    "cohorts_past_max_agents": ("name: x\ninterventions:\n" + "  - extra_training_cohort: {start: 1 day, size: 100000}\n" * 15,
                                "the population is too large: about 1"),
    "binary_garbage": ("name: x\n\x00\x01\x02\xff", "scenario.yaml"),
    # An unclosed quote swallowed every setting after it, and the horizon stayed at its default.
    "unclosed_quote": ('name: x\ndescription: "about\nhorizon: 2 years\n',
                       "scenario.yaml:2:14: invalid YAML: the quote that opens here is never closed"),
    "unclosed_single_quote": ("name: x\ndescription: 'about\nhorizon: 2 years\n", "scenario.yaml:2:14:"),
    "invalid_utf8": ("name: x\ndescription: caf\udce9 au lait\n",
                     "scenario.yaml:2:17: the text is not valid UTF-8 (invalid trailing UTF-8 octet, byte 0xe9)"),
    "overlong_utf8": ("name: x\ndescription: \udcc0\udcaf\n", "scenario.yaml:2:14: the text is not valid UTF-8"),
    # NUL used to give "unknown escape character" on another line.
    "nul_byte": ("name: x\nhorizon: 2 years\nprofessionals:\n  midwives: 3\x00\n",
                 "scenario.yaml:4:14: a control character (code 0x00) is not allowed"),
    "escape_byte": ("name: x\x1b[2J\n", "scenario.yaml:1:8: a control character (code 0x1b)"),
    "dotted_beside_nested": ('name: x\nprofessionals:\n  midwives: 3\n"professionals.midwives": 4\n',
                             "scenario.yaml:4:1: key 'professionals.midwives' appears twice (first at line 3)"),
    "nested_beside_dotted": ('name: x\nprofessionals.midwives: 4\nprofessionals: {midwives: 3}\n',
                             "scenario.yaml:3:17: key 'professionals.midwives' appears twice (first at line 2)"),
    "quoted_beside_plain": ('name: x\nhorizon: 2 years\n"horizon": 3 years\n', "scenario.yaml:3:1: key 'horizon' appears twice"),
    "duplicate_deep_in_a_list": ("name: x\ninterventions:\n  - boundary_protocol: {start: 1 year, clarity: 0.8, clarity: 0.9}\n",
                                 "key 'interventions.boundary_protocol.clarity' appears twice"),
    "duplicate_in_set_values": ("name: x\ninterventions:\n  - set: {start: 1 year, values: "
                                "{scheme.boundary_clarity: 0.2, scheme.boundary_clarity: 0.3}}\n",
                                "key 'interventions.set.values.scheme.boundary_clarity' appears twice"),
    "set_values_dotted_twice": ("name: x\ninterventions:\n  - set:\n      start: 1 year\n      values:\n"
                                "        scheme.boundary_clarity: 0.2\n        scheme: {boundary_clarity: 0.3}\n",
                                "scenario.yaml:7:9: 'scheme' is a section, not a parameter"),
}


@pytest.mark.parametrize("case", BAD_SCENARIOS, ids=list(BAD_SCENARIOS))
def test_hostile_scenario_is_refused_in_one_line_and_writes_nothing(ppisim, tmp_path, case):
    text, fragment = BAD_SCENARIOS[case]
    (tmp_path / "scenario.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    started = time.monotonic()
    result = ppisim("run", "scenario.yaml", "-o", "out.h5", *QUICK, timeout=LIMIT)
    _assert_refused(result, 2, fragment)
    assert time.monotonic() - started < 20, "refusing bad input should be quick"
    assert _files(tmp_path) == ["scenario.yaml"]


def _special_input(tmp_path: Path, kind: str) -> Path:
    if kind == "fifo":  # nobody writes to it: opening it for reading used to wait forever
        os.mkfifo(tmp_path / "pipe.yaml")
        return tmp_path / "pipe.yaml"
    if kind == "folder":
        (tmp_path / "folder.yaml").mkdir()
        return tmp_path / "folder.yaml"
    if kind == "huge":  # sparse: 200 MB on paper, nothing on disk
        with open(tmp_path / "huge.yaml", "wb") as handle:
            handle.write(b"name: x\n")
            handle.truncate(200_000_000)
        return tmp_path / "huge.yaml"
    return Path(kind)


SPECIAL_INPUTS = {"fifo": "named pipe (FIFO), not a regular file", "folder": "is a folder, not",
                  "/dev/zero": "character device", "/dev/urandom": "character device",
                  "huge": "is 200.0 MB; {kind} files are limited to 1 MB"}


@pytest.mark.parametrize("command, kind", [("run", "scenario"), ("sweep", "experiment"), ("calibrate", "calibration")])
@pytest.mark.parametrize("special", SPECIAL_INPUTS, ids=list(SPECIAL_INPUTS))
def test_input_that_is_not_a_small_regular_file_is_refused_at_once(ppisim_binary, tmp_path, special, command, kind):
    path = _special_input(tmp_path, special)
    before = _files(tmp_path)
    result = subprocess.run([str(ppisim_binary), command, str(path), "-o", "out.h5", "--quiet"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=LIMIT, preexec_fn=_limit_memory)
    _assert_refused(result, 2, str(path), SPECIAL_INPUTS[special].format(kind=kind))
    assert _files(tmp_path) == before


def test_a_nul_in_extends_is_refused_not_cut_short(ppisim, tmp_path):
    (tmp_path / "p.yaml").write_text("name: parent\n")
    (tmp_path / "child.yaml").write_text('name: x\nextends: "p.yaml\\0junk"\n')
    _assert_refused(ppisim("validate", "child.yaml", timeout=LIMIT), 2, "child.yaml:2:10: key 'extends': a file path "
                                                                        "cannot hold a NUL character")


def test_extends_naming_a_fifo_is_refused_where_it_is_named(ppisim, tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "child.yaml").write_text("name: x\nextends: pipe.yaml\n")
    result = ppisim("validate", "child.yaml", timeout=LIMIT)
    _assert_refused(result, 2, "child.yaml:2:10:", "named pipe")


@pytest.mark.parametrize("value, fragment", [
    ("[" * 10_000, "nesting deeper than 32 levels"),  # one argument may hold at most 128 kB
    ("{a: " * 10_000, "nesting deeper than 32 levels"),
    ("x\n---\ny", "unexpected text after the value"),
], ids=["deep_lists", "deep_maps", "second_document"])
def test_hostile_set_value_is_refused_in_one_short_line(ppisim, breastfriends, value, fragment):
    result = ppisim("validate", breastfriends, "--set", "professionals.midwife_visits=" + value, timeout=LIMIT)
    _assert_refused(result, 2, "--set professionals.midwife_visits=", fragment)
    assert len(result.stderr) < 500, "the value is shortened in the message"


def test_a_megabyte_key_gives_a_short_message_quickly(ppisim, tmp_path):
    # An explicit key ("? ") escapes yaml-cpp's 1024-character limit on plain keys. The suggestion
    # search took 17 s and the message was the whole key.
    (tmp_path / "scenario.yaml").write_text("name: x\n? " + "k" * 900_000 + "\n: 1\n")
    result = ppisim("validate", "scenario.yaml", timeout=LIMIT)
    _assert_refused(result, 2, "scenario.yaml:2:3: unknown key 'kkk", "characters left out")
    assert len(result.stderr) < 2_500


@pytest.mark.parametrize("text", ["\ufeffname: x\nhorizon: 2 years\nprofessionals:\n  midwives: 4\n",
                                  "name: x\r\nhorizon: 2 years\r\nprofessionals:\r\n  midwives: 4\r\n",
                                  "name: x\rhorizon: 2 years\rprofessionals:\r  midwives: 4\r",
                                  "name: x\nhorizon:\t2 years\nprofessionals:\n  midwives:\t4\n"],
                         ids=["BOM", "CRLF", "CR_only", "tab_before_value"])
def test_bom_crlf_cr_and_tabs_between_tokens_are_read(ppisim, tmp_path, text):
    (tmp_path / "scenario.yaml").write_bytes(text.encode("utf-8"))
    result = ppisim("validate", "scenario.yaml", timeout=LIMIT)
    assert result.returncode == 0, describe(result)
    assert "horizon: 730.5 days" in result.stdout and "  midwives: 4\n" in result.stdout


def test_a_cr_only_file_is_located_by_its_lines(ppisim, tmp_path):
    (tmp_path / "scenario.yaml").write_bytes(b"name: x\rhorizon: 2 years\rhorizon: 3 years\r")
    _assert_refused(ppisim("validate", "scenario.yaml", timeout=LIMIT), 2, "scenario.yaml:3:1: key 'horizon' appears twice")


@pytest.mark.parametrize("value, fragment", [
    ("caf\udce9", "the text is not valid UTF-8"),
    ("a\x01b", "a control character (code 0x01)"),
    ("'unclosed", "invalid YAML"),
])
def test_a_set_value_is_read_as_strictly_as_a_file(ppisim_binary, breastfriends, value, fragment):
    result = subprocess.run([str(ppisim_binary), "validate", str(breastfriends), "--set", ("description=" + value).encode("utf-8", "surrogateescape")],
                            capture_output=True, timeout=LIMIT)
    assert result.returncode == 2, result
    lines = result.stderr.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("ppisim: error: --set description=") and fragment in lines[0], lines


@pytest.mark.parametrize("value", ["1e-320", "-0", "0.0"])
def test_tiny_and_negative_zero_numbers_are_numbers(ppisim, tmp_path, breastfriends, value):
    result = ppisim("validate", breastfriends, "--set", f"professionals.initial.gatekeeping={value}", timeout=LIMIT)
    assert result.returncode == 0, describe(result)


def _limit_memory() -> None:
    # 2 GB of address space: the refusal must come before any allocation of the population.
    # Not under AddressSanitizer (./dev sanitize), whose shadow memory alone reserves terabytes.
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_absurd_population_is_refused_before_allocating(ppisim_binary, breastfriends, tmp_path):
    result = subprocess.run(
        [str(ppisim_binary), "run", str(breastfriends), "-o", "out.h5", "--set", "population.births=10000 per day",
         "--set", "professionals.midwives=1000000", "--quiet"],
        cwd=tmp_path, capture_output=True, text=True, timeout=LIMIT, preexec_fn=_limit_memory)
    _assert_refused(result, 2, "too large", "GB", "--max-agents")
    assert _files(tmp_path) == []


def test_max_agents_lowers_the_limit(ppisim, breastfriends, tmp_path):
    result = ppisim("run", breastfriends, "-o", "out.h5", *QUICK, "--max-agents", "100", timeout=LIMIT)
    _assert_refused(result, 2, "too large", "the limit is 100 agents")
    assert _files(tmp_path) == []


def test_missing_scenario_is_bad_input(ppisim, tmp_path):
    result = ppisim("run", "nowhere.yaml", "-o", "out.h5", *QUICK, timeout=LIMIT)
    _assert_refused(result, 2, "nowhere.yaml", "no such file")
    assert _files(tmp_path) == []


@pytest.mark.skipif(IS_ROOT, reason="root reads any file whatever its mode")
def test_unreadable_scenario_is_bad_input(ppisim, breastfriends, tmp_path):
    scenario = tmp_path / "secret.yaml"
    scenario.write_text(breastfriends.read_text())
    scenario.chmod(0)
    try:
        result = ppisim("run", scenario, "-o", "out.h5", *QUICK, timeout=LIMIT)
    finally:
        scenario.chmod(0o644)
    _assert_refused(result, 2, "secret.yaml", "cannot read")
    assert _files(tmp_path) == ["secret.yaml"]


def test_output_folder_that_is_a_file_is_refused(ppisim, breastfriends, tmp_path):
    (tmp_path / "folder").write_text("a file where the folder should be\n")
    result = ppisim("run", breastfriends, "-o", "folder/out.h5", *QUICK, timeout=LIMIT)
    assert result.returncode in (1, 2), describe(result)
    assert len(error_lines(result.stderr)) == 1, describe(result)
    assert "folder" in result.stderr
    assert (tmp_path / "folder").read_text() == "a file where the folder should be\n"
    assert _files(tmp_path) == ["folder"]


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, timeout=30).returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def test_non_writable_output_folder_is_refused(ppisim, breastfriends, tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    (folder / "out.h5").write_bytes(b"previous results\n")
    if IS_ROOT:
        if not (_mount("--bind", str(folder), str(folder)) and _mount("-o", "remount,ro,bind", str(folder))):
            _umount(folder)
            pytest.skip("cannot make a read-only bind mount here")
    else:
        folder.chmod(0o555)
    try:
        result = ppisim("run", breastfriends, "-o", folder / "out.h5", *QUICK, "--force", timeout=LIMIT)
        assert result.returncode in (1, 2), describe(result)
        assert len(error_lines(result.stderr)) == 1, describe(result)
        assert "readonly" in result.stderr
        assert (folder / "out.h5").read_bytes() == b"previous results\n"
        assert _files(folder) == ["out.h5"]
    finally:
        if IS_ROOT:
            _umount(folder)
        else:
            folder.chmod(0o755)


@pytest.fixture
def full_disk(tmp_path):
    """A 64 kB tmpfs: too small for a results file (root only)."""
    if not IS_ROOT:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "full"
    folder.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a tmpfs here")
    yield folder
    _umount(folder)


def test_full_disk_fails_with_exit_1_and_leaves_nothing(ppisim, breastfriends, full_disk):
    result = ppisim("run", breastfriends, "-o", full_disk / "out.h5", *QUICK, timeout=LIMIT)
    _assert_refused(result, 1, "No space left on device")  # exit 139 before: HDF5 crashed at exit
    assert _files(full_disk) == []


def test_full_disk_never_loses_the_existing_file(ppisim, breastfriends, full_disk):
    (full_disk / "out.h5").write_bytes(b"previous results\n")
    result = ppisim("run", breastfriends, "-o", full_disk / "out.h5", *QUICK, "--force", timeout=LIMIT)
    _assert_refused(result, 1, "No space left on device")
    assert (full_disk / "out.h5").read_bytes() == b"previous results\n"
    assert _files(full_disk) == ["out.h5"]


def _start(binary: Path, scenario: Path, folder: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(binary), "run", str(scenario), *map(str, args)], cwd=folder, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(process: subprocess.Popen, timeout: float = LIMIT) -> tuple[str, str]:
    try:
        return process.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its own group (start_new_session)
        except ProcessLookupError:
            pass
        process.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_run_exits_130_and_leaves_nothing(ppisim_binary, breastfriends, tmp_path, sig):
    process = _start(ppisim_binary, breastfriends, tmp_path, "-o", "out.h5", "--replicates", "5000", "--quiet")
    try:
        deadline = time.monotonic() + 20
        while not any(".partial" in name for name in hidden_files(tmp_path)):
            assert process.poll() is None, "ppisim ended before it could be interrupted"
            assert time.monotonic() < deadline, "no partial results file appeared"
            time.sleep(0.01)
        time.sleep(0.5)
        process.send_signal(sig)
    finally:
        _, stderr = _finish(process)
    assert process.returncode == 130, (process.returncode, stderr)
    assert len(error_lines(stderr)) == 1 and "interrupted" in stderr, stderr
    assert _files(tmp_path) == []


def test_two_runs_writing_one_file_at_once(ppisim_binary, breastfriends, tmp_path):
    processes = [_start(ppisim_binary, breastfriends, tmp_path, "-o", "out.h5", *FAST, "--seed", str(seed), "--quiet",
                        "--threads", "1")
                 for seed in (1, 2)]
    outcomes = [(_finish(process), process.returncode) for process in processes]
    codes = sorted(code for _, code in outcomes)
    output = tmp_path / "out.h5"
    assert output.is_file()
    with h5py.File(output, "r") as handle:  # the winner's file is a whole results file
        assert handle.attrs["format"] is not None
        assert handle["summary"]["any_bf_6w"].shape == (2,)
    if codes == [0, 0]:
        pytest.fail("both runs claimed the same output file")
    if codes == [0, 2]:  # the loser started after the winner finished: refused up front
        (_, stderr), = [streams for streams, code in outcomes if code == 2]
        assert len(error_lines(stderr)) == 1 and "out.h5" in stderr
        assert _files(tmp_path) == ["out.h5"]
        return
    assert codes == [0, 1], outcomes
    (_, stderr), = [streams for streams, code in outcomes if code == 1]
    lines = error_lines(stderr)
    winner = [process.pid for process in processes if process.returncode == 0][0]
    if f"out.h5 is being written by PID {winner}" in stderr:  # the usual case: refused at once by the lock
        assert len(lines) == 1 and _files(tmp_path) == ["out.h5"], stderr
        return
    assert len(lines) == 1 and "out.h5" in lines[0] and "kept in" in lines[0], stderr
    # The loser's finished results are kept under its partial name, as documented; it names it.
    kept = [name for name in hidden_files(tmp_path) if ".partial" in name]
    assert len(kept) == 1 and kept[0] in lines[0]
    with h5py.File(tmp_path / kept[0], "r") as handle:
        assert handle["summary"]["any_bf_6w"].shape == (2,)


def _not_a_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "out.h5"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":  # a private /dev/null: with --force it was replaced by the results file
        if not IS_ROOT:
            pytest.skip("making a device node needs root")
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return path


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_output_path_that_is_a_device_or_pipe_is_never_replaced(ppisim, breastfriends, tmp_path, kind):
    path = _not_a_file(tmp_path, kind)
    result = ppisim("run", breastfriends, "-o", path, *QUICK, "--force", timeout=LIMIT)
    _assert_refused(result, 2, "out.h5", "not a results file", "even with --force")
    mode = path.lstat().st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode)
    assert _files(tmp_path) == ["out.h5"]


def test_an_output_symlink_is_replaced_only_with_force_and_its_target_is_left_alone(ppisim, breastfriends, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.h5").write_bytes(b"someone else's file\n")
    (tmp_path / "out.h5").symlink_to(elsewhere / "precious.h5")
    (tmp_path / "dangling.h5").symlink_to(tmp_path / "nowhere.h5")
    for name in ("out.h5", "dangling.h5"):
        refused = ppisim("run", breastfriends, "-o", name, *QUICK, timeout=LIMIT)
        _assert_refused(refused, 2, f"{name}: the output path is a symbolic link to", "add --force")
        assert (tmp_path / name).is_symlink()
    result = ppisim("run", breastfriends, "-o", "out.h5", *QUICK, "--force", timeout=LIMIT)
    assert result.returncode == 0, describe(result)
    assert not (tmp_path / "out.h5").is_symlink()
    with h5py.File(tmp_path / "out.h5", "r") as handle:
        assert handle["summary"]["any_bf_6w"].shape == (1,)
    assert (elsewhere / "precious.h5").read_bytes() == b"someone else's file\n"


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_resume_refuses_a_journal_that_is_not_its_own_file(ppisim, tmp_path, kind):
    experiment = REPO / "scenarios" / "experiments" / "ishigami.yaml"
    journal = tmp_path / "out.h5.journal"
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"short\n")  # shorter than a journal header: resuming would have rewritten it
    if kind == "symlink":
        journal.symlink_to(precious)
    else:
        os.mkfifo(journal)
    result = ppisim("sweep", experiment, "-o", "out.h5", "--resume", "--quiet", timeout=LIMIT)
    _assert_refused(result, 2, "out.h5.journal", "symbolic link" if kind == "symlink" else "not a regular file")
    assert precious.read_bytes() == b"short\n"
    assert sorted(_files(tmp_path)) == ["out.h5.journal", "precious.txt"]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_report_is_never_written_over_a_device_or_pipe(ppisim, breastfriends, tmp_path, kind):
    results = tmp_path / "results.h5"
    assert ppisim("run", breastfriends, "-o", results, *QUICK, timeout=LIMIT).returncode == 0
    path = _not_a_file(tmp_path, kind)
    result = ppisim("report", results, "-o", path, timeout=LIMIT)
    assert result.returncode == 2, describe(result)
    assert len(error_lines(result.stderr)) == 1 and "not a report file" in result.stderr, describe(result)
    mode = path.lstat().st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode)
    assert _files(tmp_path) == ["out.h5", "results.h5"]


@pytest.mark.parametrize("command", [["run", "SCENARIO"], ["sweep", "EXPERIMENT"], ["calibrate", "CALIBRATION"], ["report", "RESULTS"],
                                     ["docs", "odd"]])
def test_an_empty_output_name_is_refused_not_replaced_by_the_default(ppisim, tmp_path, breastfriends, command):
    substitutes = {"SCENARIO": str(breastfriends), "EXPERIMENT": str(breastfriends.parent / "experiments" / "ishigami.yaml"),
                   "CALIBRATION": str(breastfriends.parent / "calibration" / "normal_mean.yaml"),
                   "RESULTS": str(tmp_path / "missing.h5")}
    result = ppisim(*[substitutes.get(word, word) for word in command], "-o", "", timeout=LIMIT)
    assert result.returncode == 2 and "expected a file name, got an empty one" in result.stderr, describe(result)
    assert list(tmp_path.iterdir()) == []


# --- one writer per output ---------------------------------------------------------------------
def _long_sweep(folder: Path) -> Path:
    """An analytic sweep of a few seconds: long enough to meet it while it runs."""
    experiment = folder / "long.yaml"
    experiment.write_text("name: long\nmodel: ishigami\nfactors:\n  x1: {uniform: [-3.14, 3.14]}\n"
                          "  x2: {uniform: [-3.14, 3.14]}\n  x3: {uniform: [-3.14, 3.14]}\n"
                          "design: {method: lhs, points: 600000, seed: 5}\n")
    return experiment


def test_a_second_writer_is_refused_while_a_sweep_holds_its_journal(ppisim_binary, tmp_path):
    experiment = _long_sweep(tmp_path)
    journal = tmp_path / "out.h5.journal"
    first = subprocess.Popen([str(ppisim_binary), "sweep", str(experiment), "-o", "out.h5", "--quiet"], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (journal.exists() and journal.stat().st_size > 1000):
            time.sleep(0.01)
        assert first.poll() is None, "the first sweep ended too soon to be met"
        for extra in ([], ["--resume"], ["--force"]):
            second = subprocess.run([str(ppisim_binary), "sweep", str(experiment), "-o", "out.h5", "--quiet", *extra],
                                    cwd=tmp_path, capture_output=True, text=True, timeout=LIMIT)
            _assert_refused(second, 1, f"out.h5 is being written by PID {first.pid} (another ppisim run or sweep)")
        assert first.poll() is None, "the refusals must come while the first sweep holds its journal"
    finally:
        first.communicate(timeout=120)
    assert first.returncode == 0  # undisturbed by the refused writers
    assert _files(tmp_path) == ["long.yaml", "out.h5"]


def test_a_second_run_is_refused_while_another_writes_the_output(ppisim_binary, breastfriends, tmp_path):
    first = subprocess.Popen([str(ppisim_binary), "run", str(breastfriends), "-o", "out.h5", "--replicates", "400",
                              "--threads", "1", "--quiet"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not hidden_files(tmp_path):
            time.sleep(0.01)
        for extra in ([], ["--force"]):
            second = subprocess.run([str(ppisim_binary), "run", str(breastfriends), "-o", "out.h5", *QUICK, *extra],
                                    cwd=tmp_path, capture_output=True, text=True, timeout=LIMIT)
            _assert_refused(second, 1, f"out.h5 is being written by PID {first.pid}")
        assert first.poll() is None, "the refusals must come while the first run writes"
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=LIMIT)
    assert first.returncode == 130
    assert _files(tmp_path) == []  # its partial file and its lock file are gone


def test_resume_refuses_a_journal_that_is_a_hard_link(ppisim, tmp_path):
    experiment = REPO / "scenarios" / "experiments" / "ishigami.yaml"
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"my notes, longer than a journal header of thirty-two bytes\n")
    os.link(notes, tmp_path / "out.h5.journal")
    result = ppisim("sweep", experiment, "-o", "out.h5", "--resume", "--quiet", timeout=LIMIT)
    _assert_refused(result, 2, "out.h5.journal", "has 2 names (hard links)")
    assert notes.read_bytes() == b"my notes, longer than a journal header of thirty-two bytes\n"


def test_a_full_disk_while_creating_the_journal_leaves_no_journal(ppisim, full_disk):
    experiment = REPO / "scenarios" / "experiments" / "ishigami.yaml"
    filler = full_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096) > 0:
            pass
    except OSError:
        pass  # the disk is full
    finally:
        os.close(fd)
    result = ppisim("sweep", experiment, "-o", full_disk / "out.h5", "--quiet", timeout=LIMIT)
    _assert_refused(result, 1, "No space left on device")
    assert _files(full_disk) == ["filler"]
    filler.unlink()
    again = ppisim("sweep", experiment, "-o", full_disk / "out.h5", "--quiet", timeout=LIMIT)
    assert "--resume" not in again.stderr, describe(again)


# --- messages ------------------------------------------------------------------------------------
def test_terminal_escapes_in_a_name_are_neutralised_when_printed(ppisim, tmp_path):
    (tmp_path / "scenario.yaml").write_text('name: "evil\\e[2J\\e]0;pwned\\a"\n')
    done = ppisim("run", "scenario.yaml", "-o", "out.h5", "--replicates", "1", "--set", "horizon=1year", timeout=LIMIT)
    assert done.returncode == 0, describe(done)
    assert "\x1b" not in done.stdout and "\a" not in done.stdout
    assert done.stdout.startswith("evil\\x1b[2J\\x1b]0;pwned\\x07: 1 replicate")
    summary = ppisim("summary", "out.h5", timeout=LIMIT)
    assert summary.returncode == 0 and "\x1b" not in summary.stdout, describe(summary)


def test_terminal_escapes_in_factor_and_level_names_are_neutralised(ppisim, tmp_path, breastfriends):
    (tmp_path / "e.yaml").write_text(f"name: e\nbase: {breastfriends}\nfactors:\n  \"pol\\e[2J\":\n    a: {{}}\n"
                                     "    \"b\\e]0;x\\a\": {scheme.referral_policy: opt_out}\n"
                                     "design: {method: grid}\nanalyse: [any_bf_6w]\n")
    done = ppisim("sweep", "e.yaml", "--dry-run", timeout=LIMIT)
    assert done.returncode == 0, describe(done)
    assert "\x1b" not in done.stdout and "pol\\x1b[2J: one of a, b\\x1b]0;x\\x07" in done.stdout, done.stdout


@pytest.mark.parametrize("where", ["file", "set"])
def test_a_section_where_a_parameter_belongs_is_named_as_one_not_suggested_as_itself(ppisim, tmp_path, breastfriends,
                                                                                   where):
    if where == "file":
        (tmp_path / "scenario.yaml").write_text("name: x\ninterventions:\n"
                                                "  - set: {start: 1 year, values: {professionals: 3}}\n")
        result = ppisim("validate", "scenario.yaml", timeout=LIMIT)
    else:
        result = ppisim("validate", breastfriends, "--set", "professionals=3", timeout=LIMIT)
    _assert_refused(result, 2, "'professionals' is a section, not a parameter; name one beneath it, such as "
                               "'professionals.")
    assert "did you mean 'professionals'" not in result.stderr
