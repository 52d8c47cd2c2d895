"""Participatory mode of `ppisim serve`: a teacher's session, students who
join with its code and decide for one agent each week, the class's run beside
a shadow run of the model's own agents, the debrief and the results file with
the decisions. Inputs are checked as the classroom page's are."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import h5py
import pytest

from cli_support import REPO
from serve_support import Server


@pytest.fixture(scope="module")
def server(ppisim_binary):
    running = Server(binary=ppisim_binary)
    yield running
    assert running.stop() == 0


def start(server: Server, scenario: str = "breastfriends") -> tuple[str, str]:
    data = server.ok("POST", "/api/participatory", {"scenario": scenario})
    assert len(data["code"]) == 6 and data["view"]["day"] == 0
    return data["teacher"], data["code"]


def join(server: Server, code: str, name: str, role: str) -> tuple[str, dict]:
    status, data, _ = server.request("POST", "/api/participatory/join", {"code": code, "name": name, "role": role})
    assert status == 201, data
    return data["student"], data["view"]


def decide(server: Server, student: str, day: int, decisions: list[dict]) -> dict:
    return server.ok("POST", f"/api/participatory/student/{student}/decide", {"day": day, "decisions": decisions})


def teacher(server: Server, token: str) -> dict:
    return server.ok("GET", f"/api/participatory/teacher/{token}")


def test_the_pages_are_served_with_the_servers_policy(server):
    for path, kind in [("/play", "text/html"), ("/play/play.js", "text/javascript"), ("/play/play.css", "text/css"), ("/play/common.js", "text/javascript"),
                       ("/class", "text/html"), ("/class/class.js", "text/javascript")]:
        status, body, headers = server.request("GET", path)
        assert status == 200 and headers["Content-Type"].startswith(kind) and body
        assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_a_student_sees_her_agent_and_the_week_advances_when_all_have_decided(server):
    token, code = start(server)
    midwife, view = join(server, code.lower(), "Asha", "midwife")  # the code is read case-blind
    volunteer, vview = join(server, code, "Ben", "volunteer")
    assert view["role"] == "midwife" and view["locality"] == 1 and view["day"] == 0
    assert set(view["own"]) >= {"gatekeeping", "boundary_concern", "trust_in_volunteers"}
    assert vview["role"] == "volunteer" and set(vview["own"]) >= {"caseload", "trust_in_professionals", "autonomy"}
    # A few weeks in, so the midwife (about one birth a week) has mothers to refer.
    while not view["mothers"]:
        assert server.ok("POST", f"/api/participatory/teacher/{token}/advance")["day"] <= 70
        view = server.ok("GET", f"/api/participatory/student/{midwife}")
    day = view["day"]
    first = view["mothers"][0]["id"]
    after = decide(server, midwife, day, [{"kind": "refer", "subject": first, "yes": True},
                                          {"kind": "refer", "yes": False}, {"kind": "grant_access", "yes": False}])
    assert after["day"] == day and after["decided_this_week"]  # waiting for Ben
    assert teacher(server, token)["decided"] == 1
    after = decide(server, volunteer, day, [{"kind": "act_beyond_role", "yes": True}])
    assert after["day"] == day + 7  # everyone decided: the week moved on
    view = server.ok("GET", f"/api/participatory/student/{midwife}")
    assert not view["decided_this_week"] and view["week"] == day // 7 + 2
    assert any(e["kind"] == "refer" for e in view["last_week"]), view["last_week"]


def test_with_no_decisions_the_class_is_the_shadow_run(server):
    token, code = start(server)
    join(server, code, "Cara", "health_visitor")
    server.ok("POST", f"/api/participatory/teacher/{token}/advance")
    view = server.ok("POST", f"/api/participatory/teacher/{token}/advance", {"weeks": 5})
    assert view["day"] == 42 and len(view["class"]["referrals"]) == 6
    assert view["class"] == view["shadow"]


def test_pause_stops_the_week_from_advancing_by_itself(server):
    token, code = start(server)
    student, _ = join(server, code, "Dev", "midwife")
    assert teacher(server, token)["paused"] is False
    server.ok("POST", f"/api/participatory/teacher/{token}/pause", {"paused": True})
    view = decide(server, student, 0, [])
    assert view["day"] == 0 and view["paused"]
    assert server.ok("POST", f"/api/participatory/teacher/{token}/advance")["day"] == 7
    server.ok("POST", f"/api/participatory/teacher/{token}/pause", {"paused": False})
    assert decide(server, student, 7, [])["day"] == 14


def test_a_class_that_withholds_referrals_refers_less_and_the_debrief_says_so(server, ppisim, tmp_path):
    token, code = start(server)
    students = [join(server, code, f"m{k}", "midwife")[0] for k in range(12)]
    day = 0
    for _ in range(8):
        for s in students:
            day = decide(server, s, day, [{"kind": "refer", "yes": False}])["day"]
    assert day == 56
    view = teacher(server, token)
    assert sum(view["class"]["referrals"]) < sum(view["shadow"]["referrals"])
    debrief = server.ok("GET", f"/api/participatory/teacher/{token}/debrief")
    refer = next(k for k in debrief["decisions"] if k["kind"] == "refer")
    assert refer["class_yes"] == 0 and refer["model_yes"] > 0 and refer["differed"] == refer["model_yes"]
    assert debrief["totals"]["referrals"]["class"] < debrief["totals"]["referrals"]["shadow"]
    assert {"class_mothers_today", "shadow_mothers_today", "difference_mothers_today"} <= set(debrief["breastfeeding"])
    assert all(s["weeks_decided"] == 8 for s in debrief["students"])

    # The results file holds the class's run and every decision and use, and `ppisim replay` reproduces it.
    status, data, headers = server.request("GET", f"/api/participatory/teacher/{token}/results.h5")
    assert status == 200 and "participatory.h5" in headers["Content-Disposition"]
    saved = tmp_path / "class.h5"
    saved.write_bytes(data)
    with h5py.File(saved, "r") as f:
        p = f["participatory"]
        kinds = [k.decode() for k in p["kinds"][()]]
        assert kinds[int(p["decisions/kind"][0])] == "refer"
        assert len(p["decisions/from_day"]) == 12 * 8 and set(p["decisions/yes"][()]) == {0}
        assert (p["applied/student"][()] == 0).all() and p["applied/model"][()].sum() == refer["model_yes"]
        assert len(p["students/agent"]) == 12 and p["students/name"][0].decode() == "m0"
        assert f["timeseries/referrals"].shape == (1, 56)
        assert f["timeseries/referrals"][0].sum() == debrief["totals"]["referrals"]["class"]
    replayed = ppisim("replay", str(saved), "-o", str(tmp_path / "replayed.h5"))
    assert replayed.returncode == 0, replayed.stderr
    assert "96 decisions of 12 students replayed" in replayed.stdout and "identical" in replayed.stdout
    with h5py.File(tmp_path / "replayed.h5", "r") as a, h5py.File(saved, "r") as b:
        assert (a["timeseries/any_bf_share"][()] == b["timeseries/any_bf_share"][()]).all()
        assert (a["participatory/applied/day"][()] == b["participatory/applied/day"][()]).all()
    # One decision changed, and the replay no longer gives the run the file holds.
    with h5py.File(saved, "r+") as f:
        f["participatory/decisions/yes"][:] = 1
    changed = ppisim("replay", str(saved))
    assert changed.returncode == 1 and "do not reproduce the file's run" in changed.stderr, changed.stderr


def test_replay_refuses_a_file_that_is_not_a_sessions(ppisim, tmp_path):
    plain = tmp_path / "plain.h5"
    assert ppisim("run", str(REPO / "scenarios" / "breastfriends.yaml"), "--set", "horizon=1 year", "--replicates", "1",
                  "-o", str(plain), "--quiet").returncode == 0
    refused = ppisim("replay", str(plain))
    assert refused.returncode == 2 and "no /participatory group" in refused.stderr


def test_forty_students_play_at_once(ppisim_binary):
    server = Server(binary=ppisim_binary)
    try:
        token, code = start(server)
        roles = ["midwife"] * 20 + ["health_visitor"] * 13 + ["volunteer"] * 7
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=40) as pool:
            students = list(pool.map(lambda k: join(server, code, f"student {k}", roles[k])[0], range(40)))
        status, data, _ = server.request("POST", "/api/participatory/join",
                                         {"code": code, "name": "late", "role": "midwife"})
        assert status == 400 and "full" in data["error"]

        def play(student: str) -> int:
            day = 0
            for week in range(4):
                view = server.ok("GET", f"/api/participatory/student/{student}")
                while view["day"] < day:  # the others have not all decided yet
                    time.sleep(0.05)
                    view = server.ok("GET", f"/api/participatory/student/{student}")
                day = view["day"]
                kind = "take_cases" if view["role"] == "volunteer" else "report_concern"
                decide(server, student, day, [{"kind": kind, "yes": week % 2 == 0}])
                day += 7
            return day

        with ThreadPoolExecutor(max_workers=40) as pool:
            days = list(pool.map(play, students))
        elapsed = time.monotonic() - started
        assert days == [28] * 40
        view = teacher(server, token)
        assert view["day"] == 28 and len(view["students"]) == 40
        print(f"40 students joined and played 4 weeks: {elapsed:.2f} s")
        assert elapsed < 60
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("body, message", [
    ({"code": "ZZZZZZ", "name": "a", "role": "midwife"}, "no session with this code"),
    ({"name": "a", "role": "midwife"}, "no session with this code"),
])
def test_a_wrong_code_is_refused(server, body, message):
    status, data, _ = server.request("POST", "/api/participatory/join", body)
    assert status == 404 and message in data["error"]


def test_bad_input_gets_clear_refusals(server):
    token, code = start(server)
    for body, status_expected, message in [
        ({"code": code, "name": "", "role": "midwife"}, 400, "a name of 1 to 40"),
        ({"code": code, "name": "x" * 41, "role": "midwife"}, 400, "a name of 1 to 40"),
        ({"code": code, "name": "a\u0007b", "role": "midwife"}, 400, "control characters"),
        ({"code": code, "name": "a", "role": "surgeon"}, 400, "expected midwife, health_visitor or volunteer"),
        ({"code": code, "name": 5, "role": "midwife"}, 400, "'name' must be text"),
    ]:
        status, data, _ = server.request("POST", "/api/participatory/join", body)
        assert (status, message in data["error"]) == (status_expected, True), (body, data)
    status, data, _ = server.request("POST", "/api/participatory/join", raw=b"{not json")
    assert status == 400 and "JSON object" in data["error"]

    student, view = join(server, code, "Eve", "volunteer")
    for decisions, message in [
        ([{"kind": "refer", "yes": True}], "not a decision a volunteer takes"),
        ([{"kind": "fly", "yes": True}], "not a decision a volunteer takes"),
        ([{"kind": "take_cases", "yes": "yes"}], "\"yes\": true or false"),
        ([{"kind": "take_cases", "yes": True}] * 2, "decided twice"),
        ([{"kind": "take_cases", "yes": True, "subject": 3}], "'subject' names a mother to refer"),
        ({"kind": "take_cases"}, "must be a list"),
        ([{"kind": "take_cases", "yes": True}] * 100, "at most"),
    ]:
        status, data, _ = server.request("POST", f"/api/participatory/student/{student}/decide",
                                         {"day": 0, "decisions": decisions})
        assert status == 400 and message in data["error"], (decisions, data)
    status, data, _ = server.request("POST", f"/api/participatory/student/{student}/decide",
                                     {"day": 7, "decisions": []})
    assert status == 400 and "the class is now on day 0" in data["error"]
    midwife, _ = join(server, code, "Fay", "midwife")
    status, data, _ = server.request("POST", f"/api/participatory/student/{midwife}/decide",
                                     {"day": 0, "decisions": [{"kind": "refer", "subject": 10**12, "yes": True}]})
    assert status == 400 and "one of the mothers your view lists" in data["error"]
    for method, path in [("GET", "/api/participatory/student/" + "0" * 32),
                         ("GET", "/api/participatory/teacher/" + "0" * 32),
                         ("POST", "/api/participatory/teacher/" + "0" * 32 + "/advance")]:
        status, data, _ = server.request(method, path)
        assert status == 404 and "error" in data
    for weeks in (0, 53, 1.5, "2"):
        status, data, _ = server.request("POST", f"/api/participatory/teacher/{token}/advance", {"weeks": weeks})
        assert status == 400 and "'weeks' must be a whole number from 1 to 52" in data["error"], weeks
    status, data, _ = server.request("POST", f"/api/participatory/teacher/{token}/pause", {"paused": "yes"})
    assert status == 400 and "paused" in data["error"]
    status, data, _ = server.request("GET", f"/api/participatory/teacher/{token}/results.h5")
    assert status == 400 and "play at least one week" in data["error"]
    # A page on another site cannot steer a session through a pupil's browser.
    status, data, _ = server.request("POST", f"/api/participatory/teacher/{token}/advance",
                                     headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert status == 403
    server.ok("POST", f"/api/participatory/teacher/{token}/close")
    status, data, _ = server.request("GET", f"/api/participatory/student/{student}")
    assert status == 404 and "join again" in data["error"]


def test_volunteers_run_out_with_a_clear_message(server):
    _, code = start(server)
    for k in range(7):  # breastfriends starts with seven volunteers
        join(server, code, f"v{k}", "volunteer")
    status, data, _ = server.request("POST", "/api/participatory/join", {"code": code, "name": "v8", "role": "volunteer"})
    assert status == 400 and "every volunteer of the scenario is already played" in data["error"]


def test_sessions_are_bounded(ppisim_binary):
    server = Server(binary=ppisim_binary)
    try:
        for _ in range(8):
            start(server)
        status, data, _ = server.request("POST", "/api/participatory", {"scenario": "breastfriends"})
        assert status == 503 and "participatory sessions" in data["error"]
        status, data, _ = server.request("POST", "/api/participatory", {"scenario": "../etc/passwd"})
        assert status in (404, 503)
    finally:
        assert server.stop() == 0
