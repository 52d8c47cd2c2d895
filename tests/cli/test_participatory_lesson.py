"""docs/teaching.md's participatory lesson quotes what two scripted classes
did in breastfriends: the figures come from the model, so they are checked
here, played exactly as the guide says (Start, Skip 27 weeks, 30 pupils
join, 8 weeks of decisions)."""

from __future__ import annotations

import re

import pytest

from cli_support import REPO
from serve_support import Server

ROLES = ["midwife"] * 15 + ["health_visitor"] * 8 + ["volunteer"] * 7
GUARDED = {"professional": [{"kind": "refer", "yes": False}, {"kind": "grant_access", "yes": False},
                            {"kind": "report_concern", "yes": True}],
           "volunteer": [{"kind": "take_cases", "yes": False}, {"kind": "act_beyond_role", "yes": True}]}
GENEROUS = {"professional": [{"kind": "refer", "yes": True}, {"kind": "grant_access", "yes": True},
                             {"kind": "report_concern", "yes": False}, {"kind": "attend_meeting", "yes": True}],
            "volunteer": [{"kind": "take_cases", "yes": True}, {"kind": "ask_access", "yes": True},
                          {"kind": "act_beyond_role", "yes": False}, {"kind": "attend_meeting", "yes": True}]}


@pytest.fixture(scope="module")
def server(ppisim_binary):
    running = Server(binary=ppisim_binary)
    yield running
    assert running.stop() == 0


def play(server: Server, strategy: dict) -> dict:
    started = server.ok("POST", "/api/participatory", {"scenario": "breastfriends"})
    teacher = started["teacher"]
    assert server.ok("POST", f"/api/participatory/teacher/{teacher}/advance", {"weeks": 27})["day"] == 189
    pupils = []
    for k, role in enumerate(ROLES):
        joined = server.ok("POST", "/api/participatory/join", {"code": started["code"], "name": f"pupil {k}", "role": role})
        pupils.append((joined["student"], "volunteer" if role == "volunteer" else "professional"))
    for week in range(8):
        day = 189 + 7 * week
        for token, side in pupils:
            server.ok("POST", f"/api/participatory/student/{token}/decide", {"day": day, "decisions": strategy[side]})
    return server.ok("GET", f"/api/participatory/teacher/{teacher}/debrief")


def figures(debrief: dict) -> dict:
    totals, bf = debrief["totals"], debrief["breastfeeding"]
    return {name: (round(totals[name]["class"]), round(totals[name]["shadow"])) for name in totals} | {
        "breastfeeding": (round(bf["class_mothers_today"]), round(bf["shadow_mothers_today"]))}


def test_the_guides_two_classes(server):
    guide = (REPO / "docs" / "teaching.md").read_text()
    lesson = guide[guide.index("## A 20-minute participatory lesson"):]
    guarded, generous = figures(play(server, GUARDED)), figures(play(server, GENEROUS))
    print("guarded", guarded, "\ngenerous", generous)
    number = lambda n: f"{n:,}"  # noqa: E731
    for claim in [
        f"{number(guarded['referrals'][0])} referrals against the model's {number(guarded['referrals'][1])}",
        f"{guarded['real_transgressions'][0]} real\n  transgressions against {guarded['real_transgressions'][1]}",
        f"{guarded['perceived_transgressions'][0]} perceived against {guarded['perceived_transgressions'][1]}",
        f"{guarded['breastfeeding'][0]} mothers breastfeeding against\n  {guarded['breastfeeding'][1]}",
        f"{number(generous['referrals'][0])} referrals against {number(generous['referrals'][1])}",
        f"{number(generous['referrals_withheld'][0])} contacts without a referral against",
    ]:
        assert re.sub(r"\s+", " ", claim) in re.sub(r"\s+", " ", lesson), claim
    # The lesson's point: the interface moves, breastfeeding hardly.
    assert guarded["real_transgressions"][0] > 2 * guarded["real_transgressions"][1]
    assert abs(guarded["breastfeeding"][0] - guarded["breastfeeding"][1]) < 20
