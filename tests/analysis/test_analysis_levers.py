"""The lever table's generator (analysis/ppisim_analysis/levers.py), on a tiny screen."""

from __future__ import annotations

import re

import yaml

from analysis_support import SCENARIOS
from ppisim_analysis import levers


def test_every_assumption_gets_a_relative_range_or_a_reason():
    made = levers.parameter_factor({"path": "x.rate", "type": "rate", "default": "0.2 per day", "range": "0 to 1 per day",
                                    "source": "assumption"})
    assert made == ("x.rate", {"uniform": ["0.1 per day", "0.3 per day"]})
    clipped = levers.parameter_factor({"path": "x.share", "type": "real", "default": 0.8, "range": "0 to 1",
                                       "source": "assumption"})
    assert clipped == ("x.share", {"uniform": ["0.4", "1"]})
    assert levers.parameter_factor({"path": "n", "type": "integer", "default": 4, "range": "1 to 10000",
                                    "source": "assumption"}) == ("n", {"levels": [2, 4, 6]})
    assert levers.parameter_factor({"path": "z", "type": "real", "default": 0, "range": "0 to 1",
                                    "source": "assumption"}) == "default 0: no relative range"
    assert "not one number" in levers.parameter_factor({"path": "s", "type": "shares", "default": {}, "source": "assumption"})
    assert levers.parameter_factor({"path": "d", "type": "real", "default": 0.5, "range": "0 to 1",
                                    "source": "data"}) == "not an assumption"


def test_a_small_screen_ranks_parameters_and_knock_outs(binary, tmp_path):
    output = tmp_path / "levers.md"
    assert levers.main(["--binary", str(binary), "--scenarios", str(SCENARIOS), "--base", "breastfriends",
                        "--trajectories", "2", "--replicates", "1", "--only", "concern.", "--only",
                        "mechanisms.transgressions_raise_concern", "-o", str(output)]) == 0
    text = output.read_text()
    for outcome in levers.OUTCOMES:
        assert f"(`{outcome}`)" in text
    rows = re.findall(r"^\| \d+ \| `([^`]+)` \| ([0-9.]+) \| ([+0-]) \|", text, flags=re.MULTILINE)
    factors = {factor for factor, _, _ in rows}
    assert factors == {"concern.jump", "concern.spread", "concern.decay", "mechanisms.transgressions_raise_concern"}
    # Within each table the rows are ranked by typical effect.
    for table in text.split("### ")[1:]:
        effects = [float(e) for e in re.findall(r"^\| \d+ \| `[^`]+` \| ([0-9.]+) \|", table, flags=re.MULTILINE)]
        assert effects == sorted(effects, reverse=True)
    # Perceived transgressions raise concern and so tension: on, the tension index is higher.
    tension = text.split("(`tension_index`)")[1]
    assert re.search(r"`mechanisms.transgressions_raise_concern` \| [0-9.]+ \| \+ \|", tension)
    assert not list(tmp_path.glob("*.tmp"))
