"""The thinned feeding exits (`numerics.feeding_exits: thinned`,
models/feeding.cpp) draw other random numbers than the reference path (a draw
for every breastfeeding mother every day) for the same process. Issue 17
allows such a formulation only with a statistical-equivalence test against
the exact path; this is it. On breastfriends, one year, 1,000 runs a path
with independent seeds, every summary outcome's mean must be within +-0.25
of the reference's replicate standard deviation (TOST; at these run counts
each outcome passes with probability 0.9999 if the paths are identical, all
79 with at least 0.99), and no distribution test (Kolmogorov-Smirnov, Fisher
on the undefined share; Holm at 5%) may reject. With the episode ratio left
out of the thinning bound (a wrong bound: fewer exits in episodes) the check
fails 36 of the 79 outcomes."""

from __future__ import annotations

from analysis_support import SCENARIOS, describe, run_binary
from ppisim_analysis import equivalence as eq

RUNS = 1000
MARGIN = "0.25"


def test_thinned_feeding_exits_are_equivalent_to_a_draw_every_day(binary, tmp_path, capsys):
    files = {}
    for exits, seed in (("daily_draws", 11), ("thinned", 12)):
        files[exits] = tmp_path / f"{exits}.h5"
        result = run_binary(binary, "run", SCENARIOS / "breastfriends.yaml", "--set", "horizon=1year",
                            "--set", f"numerics.feeding_exits={exits}", "--replicates", RUNS, "--seed", seed,
                            "--threads", 2, "--quiet", "-o", files[exits], cwd=tmp_path)
        assert result.returncode == 0, describe(result)
    code = eq.main([str(files["daily_draws"]), str(files["thinned"]), "--margin", MARGIN])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verdict: equivalent" in out and f"power at {RUNS} and {RUNS} runs" in out, out
