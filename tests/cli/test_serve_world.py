"""The classroom page's world view, reset to the scenario as loaded, and the
Info tab (`ppisim serve`): the agents the page draws are the live run's, a
bounded sample says how big it is, and the Info text is the one `ppisim docs
info` builds from the ODD."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from serve_support import Server


@pytest.fixture(scope="module")
def server(ppisim_binary):
    running = Server(binary=ppisim_binary)
    yield running
    assert running.stop() == 0


def test_the_world_counts_every_mother_and_draws_a_bounded_sample(server):
    session = server.open_session()
    server.advance(session, 120, [])
    world = server.ok("GET", f"/api/sessions/{session}/world?mothers=20")
    counts, sample = world["mothers"]["per_locality"], world["mothers"]["sample"]
    assert [c["locality"] for c in counts] == world["shown_localities"]
    assert all(c["drawn"] == min(20, c["mothers"]) for c in counts)
    assert len(sample["id"]) == sum(c["drawn"] for c in counts)
    assert sum(c["mothers"] for c in counts) > 4 * 20, "breastfriends follows hundreds of mothers per locality"
    # The sample's states are those of the counts' kind: feeding 0-2, every mother born by today.
    assert set(sample["feeding"]) <= {0, 1, 2}
    assert max(sample["birth_day"]) < 120 and min(sample["birth_day"]) >= 120 - 183
    # Her volunteer and professionals are agents of the graph drawn beside her.
    vertices = set(world["nodes"]["vertex"])
    tied = [v for v in sample["volunteer"] + sample["midwife"] + sample["health_visitor"] if v is not None]
    assert tied and set(tied) <= vertices
    # The counts agree with the daily series the charts show (mothers waiting for a volunteer).
    waiting = server.advance(session, 1, ["mothers_waiting"], since=120)["series"]["live"]["mothers_waiting"][0]
    world = server.ok("GET", f"/api/sessions/{session}/world?mothers=1000")
    assert sum(c["waiting"] for c in world["mothers"]["per_locality"]) == waiting


def test_the_world_refuses_an_unbounded_sample(server):
    session = server.open_session()
    for bad in ("0", "1001", "-1", "ten"):
        status, data, _ = server.request("GET", f"/api/sessions/{session}/world?mothers={bad}")
        assert status == 400 and "whole number from 1 to 1000" in data["error"]


def test_reset_to_the_scenario_undoes_every_change(server):
    session = server.open_session()
    server.advance(session, 30, [])
    server.change(session, "scheme.boundary_clarity", "0.9")
    server.change(session, "professionals.initial.gatekeeping", "0.9")
    server.ok("POST", f"/api/sessions/{session}/development", {"on": True})
    shown = server.ok("POST", f"/api/sessions/{session}/reset")
    assert shown["values"]["scheme.boundary_clarity"] == 0.9 and shown["development_process"]
    loaded = server.ok("POST", f"/api/sessions/{session}/reset", {"settings": "scenario"})
    assert loaded["day"] == 0 and loaded["waiting_for_reset"] == []
    assert loaded["values"]["scheme.boundary_clarity"] == 0.3
    assert loaded["values"]["professionals.initial.gatekeeping"] == 0.5
    assert not loaded["development_process"]
    # The run after it is the baseline again, day for day.
    out = server.advance(session, 60, ["prof_boundary_concern"])["series"]
    assert np.array_equal(out["live"]["prof_boundary_concern"], out["baseline"]["prof_boundary_concern"])
    status, data, _ = server.request("POST", f"/api/sessions/{session}/reset", {"settings": "everything"})
    assert status == 400 and "'settings'" in data["error"]


def test_the_info_tab_is_docs_info_in_netlogo_sections(server, ppisim_binary):
    served = server.ok("GET", "/api/info")["markdown"]
    printed = subprocess.run([str(ppisim_binary), "docs", "info"], capture_output=True, text=True, check=True).stdout
    assert served == printed
    headings = [line for line in served.splitlines() if line.startswith("## ")]
    assert headings == ["## What is it?", "## How it works", "## How to use it", "## Things to notice",
                        "## Things to try", "## Extending the model", "## Credits and citation"]
    assert "**scheme.boundary_clarity** (live)" in served  # from the registry's levers
    assert "`concern_spread` (F5): without it" in served   # from the declared mechanisms
    assert "### 4.2" not in served and "F9 | An ongoing development process" in served
