"""`ppisim serve`: the classroom page's server, from outside. The live run
must be the real model (its saved scenario and results file reproduce it
bit for bit), the baseline the scenario as written, every input checked like
a scenario file's, and hostile or crowded use refused cleanly."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml

from cli_support import SCENARIOS, describe
from serve_support import Server


@pytest.fixture(scope="module")
def server(ppisim_binary):
    running = Server(binary=ppisim_binary)
    yield running
    assert running.stop() == 0


def all_series(server: Server) -> list[str]:
    return [s["name"] for s in server.ok("GET", "/api/model")["series"]]


def test_the_page_and_its_assets_are_served_with_a_strict_policy(server):
    status, page, headers = server.request("GET", "/")
    assert status == 200 and b'<script src="/app.js"' in page
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for asset in ("/app.js", "/style.css"):
        status, body, _ = server.request("GET", asset)
        assert status == 200 and len(body) > 1000


def test_the_controls_come_from_the_parameter_registry(server, ppisim):
    model = server.ok("GET", "/api/model")
    listed = ppisim("params", "--format", "yaml")
    assert listed.returncode == 0, describe(listed)
    registry = yaml.safe_load(listed.stdout)
    paths = {p["path"] for p in model["parameters"]}
    assert paths == set(registry if isinstance(registry, dict) else [p["path"] for p in registry])
    assert set(model["levers"]) <= paths
    assert {"scheme.boundary_clarity", "professionals.initial.gatekeeping", "scheme.referral_policy",
            "scheme.ward_access", "professionals.surveillance_max"} <= set(model["levers"])
    clarity = next(p for p in model["parameters"] if p["path"] == "scheme.boundary_clarity")
    assert clarity["changes_while_running"] and (clarity["min"], clarity["max"]) == (0, 1)
    names = {s["name"] for s in model["scenarios"]}
    assert {"breastfriends", "teaching_tension_loop"} <= names
    assert not any("/" in name for name in names)  # experiments/ is a subfolder: not offered


def test_without_changes_the_live_run_is_its_baseline(server):
    session = server.open_session()
    names = all_series(server)
    reply = server.advance(session, 120, names)
    assert reply["state"]["day"] == 120
    for name in names:
        assert reply["series"]["live"][name] == reply["series"]["baseline"][name], name


def test_a_live_change_acts_from_the_next_day_only(server):
    session = server.open_session()
    series = ["boundary_clarity", "referrals", "any_bf_share"]
    server.advance(session, 100, series)
    reply = server.change(session, "scheme.boundary_clarity", "0.95")
    assert reply["applies"] == "now" and reply["state"]["values"]["scheme.boundary_clarity"] == 0.95
    server.change(session, "scheme.referral_policy", "opt_out")
    server.change(session, "scheme.opt_out_decline", "0")  # no mother declines: the contrast is the policy alone
    out = server.advance(session, 150, series)["series"]
    live, base = out["live"], out["baseline"]
    assert live["boundary_clarity"][:100] == base["boundary_clarity"][:100]
    assert live["boundary_clarity"][100] == pytest.approx(0.95, abs=1e-12)
    assert base["boundary_clarity"][100] < 0.5
    assert sum(live["referrals"][100:]) > 1.2 * sum(base["referrals"][100:])  # opt-out: every breastfeeding mother referred


def test_the_saved_scenario_and_results_file_reproduce_the_live_run(server, ppisim, tmp_path):
    session = server.open_session()
    names = all_series(server)
    server.advance(session, 30, names)
    server.change(session, "professionals.surveillance_max", "0.1")
    server.advance(session, 30, names)
    server.ok("POST", f"/api/sessions/{session}/development", {"on": True})
    server.advance(session, 40, names)
    server.change(session, "scheme.ward_access", "guaranteed")
    live = server.advance(session, 150, names)["series"]["live"]
    live = {name: np.array(values) for name, values in live.items()}

    status, text, headers = server.request("GET", f"/api/sessions/{session}/scenario.yaml")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    saved = tmp_path / "saved.yaml"
    saved.write_bytes(text)
    rerun = ppisim("run", saved, "-o", "rerun.h5", "--replicates", "1", "--quiet")
    assert rerun.returncode == 0, describe(rerun)
    with h5py.File(tmp_path / "rerun.h5") as handle:
        for name in names:
            assert np.array_equal(handle["timeseries"][name][0, :250], live[name][:250]), name

    status, data, headers = server.request("GET", f"/api/sessions/{session}/results.h5")
    assert status == 200 and headers["Content-Type"] == "application/x-hdf5"
    (tmp_path / "live.h5").write_bytes(data)
    with h5py.File(tmp_path / "live.h5") as handle:
        assert handle["timeseries"]["any_bf_share"].shape == (1, 250)
        for name in names:
            assert np.array_equal(handle["timeseries"][name][0], live[name]), name
        assert "graph_nodes" in handle["snapshot"]
    summary = ppisim("summary", tmp_path / "live.h5")
    assert summary.returncode == 0, describe(summary)


def test_settings_that_shape_the_start_wait_for_a_reset(server):
    session = server.open_session()
    server.advance(session, 50, ["prof_gatekeeping"])
    reply = server.change(session, "professionals.initial.gatekeeping", "0.9")
    assert reply["applies"] == "at_reset"
    assert reply["state"]["waiting_for_reset"] == ["professionals.initial.gatekeeping"]
    state = server.ok("POST", f"/api/sessions/{session}/reset")
    assert state["day"] == 0 and state["waiting_for_reset"] == []
    assert state["values"]["professionals.initial.gatekeeping"] == 0.9
    out = server.advance(session, 1, ["prof_gatekeeping"])["series"]
    assert out["live"]["prof_gatekeeping"][0] > out["baseline"]["prof_gatekeeping"][0] + 0.3


def test_the_graph_is_a_sample_of_whole_localities(server):
    session = server.open_session()
    server.advance(session, 200, [])
    graph = server.ok("GET", f"/api/sessions/{session}/graph?max_nodes=60")
    nodes, edges = graph["nodes"], graph["edges"]
    assert 0 < len(nodes["vertex"]) <= 60 or graph["localities_shown"] == 1
    assert graph["localities_shown"] < graph["localities"]
    shown = set(nodes["vertex"])
    assert set(edges["source"]) <= shown and set(edges["target"]) <= shown
    assert all(0 <= w <= 1 for w in edges["weight"])
    full = server.ok("GET", f"/api/sessions/{session}/graph?max_nodes=2000")
    assert full["localities_shown"] == full["localities"]


HOSTILE = [
    ("GET", "/../../etc/passwd", None, None, 404),
    ("GET", "/api/sessions/0123456789abcdef0123456789abcdef", None, None, 404),
    ("POST", "/api/sessions", None, b"{not json", 400),
    ("POST", "/api/sessions", None, b"[1, 2]", 400),
    ("POST", "/api/sessions", {"scenario": "../../etc/passwd"}, None, 404),
    ("POST", "/api/sessions", {"scenario": "experiments/ishigami"}, None, 404),
    ("POST", "/api/sessions", {"scenario": 42}, None, 400),
    ("POST", "/api/sessions", None, b"{" + b'"a":' * 0 + b'"x": "' + b"y" * 70_000 + b'"}', 413),
]


@pytest.mark.parametrize("method,path,body,raw,expected", HOSTILE)
def test_hostile_requests_get_clear_refusals(server, method, path, body, raw, expected):
    status, data, _ = server.request(method, path, body, raw=raw)
    assert status == expected, data
    if isinstance(data, dict):
        assert data["error"]


@pytest.mark.parametrize("path,value,message", [
    ("scheme.boundary_clarity", "1.5", "between 0 and 1"),
    ("scheme.boundary_clarity", "NaN", "number"),
    ("scheme.referral_policy", "everyone", "opt_out"),
    ("scheme.boundary_clarty", "0.5", "did you mean 'scheme.boundary_clarity'"),
    ("population.births", "600000 per year", "agents"),
    ("name", "x", "cannot be changed"),
    ("horizon", "10 days", "horizon"),
    ("professionals.midwives", "1,20", "numbers take no commas"),
    ("population.births", "3,00 per day", "numbers take no commas"),
    ("seed", "9007199254740993", "above 2^53"),
])
def test_bad_values_are_refused_with_the_scenario_files_rules(server, path, value, message):
    session = server.open_session()
    status, data, _ = server.request("POST", f"/api/sessions/{session}/change", {"path": path, "value": value})
    assert status == 400 and message in data["error"], data
    state = server.ok("GET", f"/api/sessions/{session}")
    assert state["waiting_for_reset"] == [] and state["live_changes"] == 0


@pytest.mark.parametrize("body,message", [
    ({"days": 0}, "days"), ({"days": 10**9}, "days"), ({"days": "7"}, "whole number"), ({"days": 1.5}, "whole number"),
    ({"days": 2**32 + 5}, "whole number"), ({"days": 2**64 + 5}, "whole number"), ({"days": 1, "since": -1}, "since"),
    ({"days": 1, "series": ["no_such_series"]}, "no daily series"), ({"days": 1, "series": ["x"] * 65}, "too many"),
])
def test_bad_advance_requests_are_refused(server, body, message):
    session = server.open_session()
    status, data, _ = server.request("POST", f"/api/sessions/{session}/advance", body)
    assert status == 400 and message in data["error"], data


@pytest.mark.parametrize("headers,path,expected", [
    ({}, "/" + "a" * 20_000, 431),
    ({"X-Padding": "a" * 20_000}, "/api/model", 431),
    ({f"X-Line-{i}": "a" for i in range(101)}, "/api/model", 431),
], ids=["long-url", "long-header", "many-header-lines"])
def test_oversized_requests_are_refused(server, headers, path, expected):
    status, _, _ = server.request("GET", path, headers=headers)
    assert status == expected


def test_a_chunked_body_is_refused_before_it_is_read(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(b"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b" " * 10_000
        try:
            for _ in range(20):
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may stop reading as soon as the limit is passed
        assert connection.recv(100).startswith(b"HTTP/1.1 411")


def test_text_that_is_not_utf8_or_carries_control_characters_is_refused(server):
    session = server.open_session()
    status, data, _ = server.request("POST", f"/api/sessions/{session}/change",
                                     raw=b'{"path": "scheme.boundary_clarity", "value": "\xff\xfe"}')
    assert status == 400
    status, data, _ = server.request("POST", f"/api/sessions/{session}/change",
                                     {"path": "scheme.\u001b[2J", "value": "1"})
    assert status == 400 and "unknown key" in data["error"]


def test_requests_through_a_foreign_host_name_are_refused(server):
    status, data, _ = server.request("GET", "/api/model", headers={"Host": f"evil.example:{server.port}"})
    assert status == 403 and "Host" in data["error"]


# --- safe on a classroom network -----------------------------------------------------------

def _raw_request(server: Server, head: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as connection:
        connection.sendall(head)
        return connection.recv(65536)


@pytest.mark.parametrize("duplicate", [b"Host: 127.0.0.1\r\n", b"Content-Length: 0\r\n",
                                       b"Origin: http://127.0.0.1\r\n"], ids=["Host", "Content-Length", "Origin"])
def test_a_critical_header_twice_is_refused(server, duplicate):
    head = (b"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 0\r\n"
            b"Origin: http://127.0.0.1:%d\r\n" % (server.port, server.port)) + duplicate + b"\r\n"
    reply = _raw_request(server, head)
    assert reply.startswith(b"HTTP/1.1 400") and b"appears twice" in reply, reply


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}],
                         ids=["foreign-origin", "null-origin", "cross-site", "same-site"])
def test_a_cross_site_request_cannot_change_anything(server, headers):
    # Any page a pupil opens could POST text/plain here and fill --max-sessions, or drive a session.
    for path in ("/api/sessions", f"/api/sessions/{server.open_session()}/reset"):
        status, data, _ = server.request("POST", path, raw=b"{}", headers={"Content-Type": "text/plain", **headers})
        assert status == 403 and "Origin refused" in data["error"], (path, data)


def test_the_pages_own_origin_is_answered(server):
    own = {"Origin": f"http://127.0.0.1:{server.port}", "Sec-Fetch-Site": "same-origin"}
    status, data, _ = server.request("POST", "/api/sessions", {"scenario": "breastfriends"}, headers=own)
    assert status == 201, data


def test_session_ids_are_128_unpredictable_bits(server):
    ids = [server.open_session() for _ in range(64)]
    for session in ids:
        server.ok("DELETE", f"/api/sessions/{session}")
    assert len(set(ids)) == len(ids) and all(len(i) == 32 for i in ids)
    bits = [[(int(i, 16) >> b) & 1 for i in ids] for b in range(128)]
    assert all(8 <= sum(column) <= 56 for column in bits)  # every bit varies (a 1-in-10^7 chance of failing)


def test_a_slowloris_client_is_dropped_and_others_are_answered(server):
    # One header byte every second: the library restarted its read timeout at every byte, so such a
    # client was never dropped, and 300 of them starved every legitimate request for 50 s.
    slow = [socket.create_connection(("127.0.0.1", server.port), timeout=15) for _ in range(40)]
    try:
        started = time.monotonic()
        for connection in slow:
            connection.sendall(b"GET /api/model HTTP/1.1\r\nX-Slow: ")
        while time.monotonic() - started < 3:
            for connection in slow:
                connection.sendall(b"a")
            answered = time.monotonic()
            assert server.request("GET", "/api/model", timeout=5)[0] == 200
            assert time.monotonic() - answered < 2
            time.sleep(0.5)
        reply = slow[0].recv(1000)  # dropped within the 5 s the whole head may take
        assert reply.startswith(b"HTTP/1.1 408") or reply == b"", reply
        assert time.monotonic() - started < 8
    finally:
        for connection in slow:
            connection.close()


def test_results_before_any_day_and_live_change_limit(server):
    session = server.open_session()
    status, data, _ = server.request("GET", f"/api/sessions/{session}/results.h5")
    assert status == 400 and "at least one day" in data["error"]


def test_sessions_are_bounded(ppisim_binary):
    small = Server("--max-sessions", "2", binary=ppisim_binary)
    try:
        small.open_session()
        second = small.open_session()
        status, data, _ = small.request("POST", "/api/sessions", {"scenario": "breastfriends"})
        assert status == 503 and "--max-sessions" in data["error"]
        small.ok("DELETE", f"/api/sessions/{second}")
        small.open_session()
    finally:
        assert small.stop() == 0


def test_only_the_scenarios_folders_own_valid_files_can_start(ppisim_binary, tmp_path):
    shutil.copy(SCENARIOS / "breastfriends.yaml", tmp_path / "good.yaml")
    (tmp_path / "broken.yaml").write_text("name: broken\nseed: [\n")
    (tmp_path / "sub").mkdir()
    shutil.copy(SCENARIOS / "breastfriends.yaml", tmp_path / "sub" / "hidden.yaml")
    (tmp_path / "secret.yaml").symlink_to("/etc/passwd")
    # A link to a valid scenario outside the folder was listed, started, and its values shown.
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("name: outside\nprofessionals:\n  midwives: 7\n")
    (tmp_path / "linked.yaml").symlink_to(outside)
    folder = Server("--scenarios", str(tmp_path), binary=ppisim_binary)
    try:
        scenarios = {s["name"]: s for s in folder.ok("GET", "/api/model")["scenarios"]}
        assert set(scenarios) == {"good", "broken"}
        assert scenarios["good"]["problem"] == "" and scenarios["broken"]["problem"]
        for name in ("secret", "linked"):
            status, _, _ = folder.request("POST", "/api/sessions", {"scenario": name})
            assert status == 404
        status, data, _ = folder.request("POST", "/api/sessions", {"scenario": "broken"})
        assert status == 400 and "cannot start" in data["error"]
        status, _, _ = folder.request("POST", "/api/sessions", {"scenario": "sub/hidden"})
        assert status == 404
        folder.open_session("good")
    finally:
        assert folder.stop() == 0


def test_thirty_browsers_at_once(ppisim_binary):
    """A classroom: 30 pages open sessions, play 10 ticks of a week, draw the graph and save a scenario."""
    server = Server(binary=ppisim_binary)
    series = ["any_bf_share", "referrals", "volunteers_active", "prof_boundary_concern",
              "prof_trust_in_volunteers", "tension_index"]

    def pupil(k: int) -> int:
        session = server.open_session("teaching_tension_loop" if k % 2 else "breastfriends")
        server.change(session, "scheme.boundary_clarity", str(k / 30))
        since = 0
        for _ in range(10):
            reply = server.advance(session, 7, series, since)
            assert len(reply["series"]["live"]["referrals"]) == 7
            since = reply["state"]["day"]
        server.ok("GET", f"/api/sessions/{session}/graph")
        status, text, _ = server.request("GET", f"/api/sessions/{session}/scenario.yaml")
        assert status == 200 and b"scheme.boundary_clarity" in text
        server.ok("POST", f"/api/sessions/{session}/close")
        return since

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=30) as pool:
        days = list(pool.map(pupil, range(30)))
    elapsed = time.monotonic() - started
    assert days == [70] * 30
    print(f"30 concurrent classroom sessions, 10 ticks each: {elapsed:.2f} s")
    assert server.ok("GET", "/api/model")["levers"]
    assert server.stop() == 0


def test_sigterm_stops_the_server_and_removes_its_scratch_folder(ppisim_binary):
    scratch = Path(tempfile.gettempdir())
    before = set(scratch.glob("ppisim-serve-*"))
    running = Server(binary=ppisim_binary)
    session = running.open_session()
    running.advance(session, 10, [])
    running.ok("GET", f"/api/sessions/{session}/results.h5")
    assert running.stop() == 0
    assert set(scratch.glob("ppisim-serve-*")) == before


def test_a_busy_port_is_a_clear_failure(ppisim_binary, server):
    import subprocess
    result = subprocess.run([str(ppisim_binary), "serve", "--port", str(server.port)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and "--port 0" in result.stderr, describe(result)


def test_serve_refuses_a_missing_scenarios_folder(ppisim, tmp_path):
    result = ppisim("serve", "--scenarios", str(tmp_path / "nowhere"), "--port", "0")
    assert result.returncode == 2 and "scenarios folder" in result.stderr, describe(result)
    assert not os.path.exists(tmp_path / "nowhere")


def test_a_named_starting_scenario_must_exist_and_be_valid(ppisim, tmp_path):
    missing = ppisim("serve", SCENARIOS / "no_such.yaml", "--port", "0")
    assert missing.returncode == 2 and "not a scenario of the folder" in missing.stderr, describe(missing)
    (tmp_path / "broken.yaml").write_text("name: broken\nhorizon: -1 days\n")
    broken = ppisim("serve", tmp_path / "broken.yaml", "--port", "0")
    assert broken.returncode == 2 and "horizon" in broken.stderr, describe(broken)


def test_live_changes_are_bounded_until_a_reset(server):
    session = server.open_session()
    limit = server.ok("GET", "/api/model")["limits"]["max_live_changes"]
    for k in range(limit):
        server.change(session, "scheme.boundary_clarity", str(k % 10 / 10))
    status, data, _ = server.request("POST", f"/api/sessions/{session}/change",
                                     {"path": "scheme.boundary_clarity", "value": "0.5"})
    assert status == 400 and "press reset" in data["error"]
    state = server.ok("POST", f"/api/sessions/{session}/reset")
    assert state["live_changes"] == 0 and state["values"]["scheme.boundary_clarity"] == 0.9
    server.change(session, "scheme.boundary_clarity", "0.5")


def summary_quantile(runs, q: float):
    """Per day, the q-quantile of the finite runs as `ppisim summary` takes "95% of runs": the smallest value whose
    share of runs at or below it reaches q (lab::weighted_quantile with equal weights); NaN where none is finite."""
    out = []
    for day in runs.T:
        finite = np.sort(day[np.isfinite(day)])
        out.append(finite[max(0, int(np.ceil(q * len(finite))) - 1)] if len(finite) else np.nan)
    return np.array(out)


def test_the_grey_band_is_the_scenario_over_the_shipped_posterior_as_ppisim_run_gives_it(server, ppisim, tmp_path):
    """The band behind the charts: the scenario as loaded at the shipped posterior's draws x replicates, per day
    the 2.5% and 97.5% quantiles of those runs, the same runs `ppisim run --posterior default` makes."""
    session = server.open_session()
    band = server.ok("GET", f"/api/sessions/{session}/uncertainty?series=any_bf_share,tension_index")
    assert band["calibration"] == "uk_trials" and band["posterior"] == "uk_trials.h5"
    assert "parameter uncertainty and replicate noise" in band["covers"]
    draws, replicates = band["draws"], band["replicates"]
    result = ppisim("run", SCENARIOS / "breastfriends.yaml", "--posterior", "default", "--draws", draws,
                    "--replicates", replicates, "-o", "band.h5", "--quiet")
    assert result.returncode == 0, result.stderr
    with h5py.File(tmp_path / "band.h5") as f:
        for name in ("any_bf_share", "tension_index"):
            runs = f[f"timeseries/{name}"][()]
            assert runs.shape[0] == draws * replicates
            lo, hi = summary_quantile(runs, 0.025), summary_quantile(runs, 0.975)
            served_lo = np.array([np.nan if v is None else v for v in band["lo95"][name]])  # JSON has no NaN: null
            served_hi = np.array([np.nan if v is None else v for v in band["hi95"][name]])
            assert served_lo.shape == lo.shape
            assert np.allclose(served_lo, lo, rtol=1e-12, atol=1e-15, equal_nan=True)
            assert np.allclose(served_hi, hi, rtol=1e-12, atol=1e-15, equal_nan=True)
            assert np.all((served_lo <= served_hi) | np.isnan(served_lo))
    status, reply, _ = server.request("GET", f"/api/sessions/{session}/uncertainty?series=no_such_series")
    assert status == 400 and "no daily series named 'no_such_series'" in reply["error"]
    status, reply, _ = server.request("GET", f"/api/sessions/{session}/uncertainty")
    assert status == 400 and "give the series" in reply["error"]
