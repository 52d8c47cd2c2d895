"""The lever table (docs/levers.md): a Morris screen of every assumption
parameter and every mechanism knock-out, on named base scenarios, ranking
what moves breastfeeding, reach, retention and tension.

    /usr/bin/python3 -m ppisim_analysis.levers --binary build/ppisim -o docs/levers.md   (./dev levers)

What is screened, and over what:
- every numeric parameter whose source is "assumption" (`ppisim params`),
  from half to one and a half times its default, within its declared range
  (whole numbers as three levels); parameters of other kinds (shares of
  cultural groups, visit schedules) and defaults of 0 are left out and listed;
- every mechanism (`ppisim mechanisms`) as a two-level factor, on or off.

The sweep is ppisim's own (`ppisim sweep`, Morris elementary effects with
replicates); this module writes the experiment files, runs them and turns the
sensitivity tables into Markdown. "Typical effect" is mu* times the Morris
step: the mean absolute change in the outcome when the factor moves one step,
two thirds of its screened range, or on/off for a knock-out.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .load import load_results
from .stats import sensitivity_table

OUTCOMES = ("any_bf_6w", "reached_by_volunteer", "volunteer_retention_1y", "tension_index")
OUTCOME_WORDS = {
    "any_bf_6w": "any breastfeeding at 6 weeks (share)",
    "reached_by_volunteer": "mothers reached by a volunteer (share)",
    "volunteer_retention_1y": "volunteers still active a year after joining (share)",
    "tension_index": "tension index (0-1)",
}
SCREENED_KINDS = {"real", "rate", "duration", "integer"}
# The interface itself: boundaries and concern (F5), gate-keeping (F6), surveillance (F7).
INTERFACE_FINDINGS = ("F5", "F6", "F7")
UNITS = {"rate": " per day", "duration": " days"}


@dataclass
class Screen:
    scenarios: tuple[str, ...] = ("breastfriends", "integrated")
    trajectories: int = 10
    levels: int = 4
    replicates: int = 2
    seed: int = 13
    only: tuple[str, ...] = ()  # factor name prefixes to keep (tests); empty: all

    @property
    def step(self) -> float:
        """The Morris step in the unit cube, levels / (2 (levels - 1))."""
        return self.levels / (2.0 * (self.levels - 1))


def _ppisim(binary: Path, *args: str) -> str:
    result = subprocess.run([str(binary), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"ppisim {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def _range_numbers(text: str) -> tuple[float, float]:
    low, _, high = text.partition(" to ")
    return float(low), float(high)


def parameter_factor(spec: dict) -> tuple[str, dict] | str:
    """The factor screening one parameter, or why it is left out."""
    if spec["source"] != "assumption":
        return "not an assumption"
    if spec["type"] not in SCREENED_KINDS:
        return f"a {spec['type']}, not one number"
    default = float(str(spec["default"]).split()[0])
    if default == 0:
        return "default 0: no relative range"
    low_bound, high_bound = _range_numbers(spec["range"].split(" days")[0].split(" per day")[0]) \
        if "range" in spec else (-math.inf, math.inf)
    low, high = max(low_bound, 0.5 * default), min(high_bound, 1.5 * default)
    if spec["type"] == "integer":
        levels = sorted({int(round(low)), int(round(default)), int(round(high))})
        if len(levels) < 2:
            return "a whole number too small to vary by half"
        return spec["path"], {"levels": levels}
    if not low < high:
        return "no room in its declared range"
    unit = UNITS.get(spec["type"], "")
    return spec["path"], {"uniform": [f"{low:.6g}{unit}", f"{high:.6g}{unit}"]}


def experiment(base: Path, factors: dict, screen: Screen, name: str) -> dict:
    return {
        "name": name,
        "base": str(base),
        "factors": factors,
        "design": {"method": "morris", "trajectories": screen.trajectories, "levels": screen.levels,
                   "replicates": screen.replicates, "seed": screen.seed},
        "analyse": list(OUTCOMES),
        "store": "summary",
    }


def factors_of(binary: Path, screen: Screen) -> tuple[dict, dict, list[tuple[str, str]], set[str]]:
    """Factors to screen, what each is (for the table), the parameters left out with why, and the
    factors that trace to the interface's findings (F5-F7)."""
    specs = yaml.safe_load(_ppisim(binary, "params", "--format", "yaml"))
    mechanisms = yaml.safe_load(_ppisim(binary, "mechanisms", "--format", "yaml")) or []
    factors, described, left_out, interface = {}, {}, [], set()
    keep = (lambda name: any(name.startswith(p) for p in screen.only)) if screen.only else (lambda name: True)
    for spec in specs:
        if spec["path"].startswith("mechanisms.") or not keep(spec["path"]):
            continue
        made = parameter_factor(spec)
        if isinstance(made, str):
            if spec["source"] == "assumption":
                left_out.append((spec["path"], made))
            continue
        path, factor = made
        factors[path] = factor
        range_words = factor.get("levels") or " to ".join(factor["uniform"])
        described[path] = f"assumption, {range_words} (default {spec['default']}): {spec['description']}"
        if any(f in (spec.get("finding") or "") for f in INTERFACE_FINDINGS):
            interface.add(path)
    for mechanism in mechanisms:
        path = mechanism["switch"]
        if not keep(path):
            continue
        factors[path] = {"levels": [True, False]}
        described[path] = f"knock-out ({mechanism['finding']}): {mechanism['what']}"
        if any(f in mechanism["finding"] for f in INTERFACE_FINDINGS):
            interface.add(path)
    return factors, described, left_out, interface


def run_screen(binary: Path, scenarios_dir: Path, screen: Screen, factors: dict, work: Path) -> dict[str, Path]:
    files = {}
    for scenario in screen.scenarios:
        spec = work / f"levers_{scenario}.yaml"
        spec.write_text(yaml.safe_dump(experiment((scenarios_dir / f"{scenario}.yaml").resolve(), factors, screen,
                                                  f"levers_{scenario}"), sort_keys=False))
        output = work / f"levers_{scenario}.h5"
        _ppisim(binary, "sweep", str(spec), "-o", str(output), "--force", "--quiet")
        files[scenario] = output
    return files


def ranking(results_file: Path, outcome: str, step: float, top: int | None) -> list[tuple[str, float, float, float]]:
    """(factor, typical effect, mu (signed, per step), sigma per step), largest typical effect first."""
    table = sensitivity_table(load_results(results_file), outcome)
    rows = [(row.factor, row.mu_star * step, row.mu * step, row.sigma * step) for row in table.itertuples()
            if math.isfinite(row.mu_star)]
    rows.sort(key=lambda r: -r[1])
    return rows if top is None else rows[:top]


def interface_summary(path: Path, step: float, interface: set[str]) -> list[str]:
    """Where the interface's own levers (F5-F7) rank, per outcome, against the largest factor."""
    lines = ["| outcome | factors | largest typical effect | interface levers in the top 10 | largest interface lever |",
             "|---|---|---|---|---|"]
    for outcome in OUTCOMES:
        rows = ranking(path, outcome, step, None)
        if not rows:
            continue
        ranked = [(rank, row) for rank, row in enumerate(rows, start=1) if row[0] in interface]
        in_top = sum(1 for rank, _ in ranked if rank <= 10)
        best = f"`{ranked[0][1][0]}` (rank {ranked[0][0]}, {ranked[0][1][1]:.4f})" if ranked else "-"
        lines.append(f"| `{outcome}` | {len(rows)} | `{rows[0][0]}` ({rows[0][1]:.4f}) | {in_top} | {best} |")
    return lines


def markdown(files: dict[str, Path], described: dict, left_out: list, interface: set[str], screen: Screen,
             revision: str, command: str, top: int) -> str:
    lines = [
        "# Which levers move the model (a Morris screen)",
        "",
        f"Generated by `{command}` (revision {revision}, {_dt.date.today().isoformat()}); do not edit by hand.",
        "",
        f"A Morris screen (elementary effects; {screen.trajectories} trajectories, {screen.levels} levels, "
        f"{screen.replicates} replicates per point, seed {screen.seed}) of every numeric assumption parameter, "
        "from half to one and a half times its default within its declared range, and of every mechanism "
        "knocked out (two levels: on, off), on each base scenario. **Typical effect** is mu* times the Morris "
        "step: the mean absolute change in the outcome when the factor moves one step (two thirds of its "
        "screened range, or on/off for a knock-out); **direction** is the sign of mu (+: the outcome rises as the "
        "factor rises, or when the mechanism is on); **sigma** (per step) large against the typical effect means "
        "the effect depends on the other factors (interactions, non-linearity). Intervals: none; the effects "
        "include replicate noise, so effects below about the replicate spread mean nothing. "
        "Parameter ranges are a screening choice, not the parameters' uncertainty.",
        "",
    ]
    for scenario, path in files.items():
        lines += [f"## `{scenario}`", "",
                  "How much the interface itself matters: the factors that trace to findings F5-F7 (boundaries and "
                  "concern, gate-keeping, surveillance), parameters and knock-outs, against everything screened.", "",
                  *interface_summary(path, screen.step, interface), ""]
        for outcome in OUTCOMES:
            lines += [f"### {OUTCOME_WORDS[outcome]} (`{outcome}`)", "",
                      "| rank | factor | typical effect | direction | sigma | what it is |", "|---|---|---|---|---|---|"]
            for rank, (factor, effect, mu, sigma) in enumerate(ranking(path, outcome, screen.step, top), start=1):
                direction = "+" if mu > 0 else "-" if mu < 0 else "0"
                if factor.startswith("mechanisms."):
                    # The design's levels are [true, false]: a step up is switching the mechanism off.
                    direction = {"+": "-", "-": "+"}.get(direction, direction)
                what = described.get(factor, "").replace("|", "\\|")
                lines.append(f"| {rank} | `{factor}` | {effect:.4f} | {direction} | {sigma:.4f} | {what} |")
            lines.append("")
    if left_out:
        lines += ["## Assumptions not screened", "", "| parameter | why |", "|---|---|"]
        lines += [f"| `{path}` | {why} |" for path, why in left_out]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=Path("build/ppisim"))
    parser.add_argument("--scenarios", type=Path, default=Path("scenarios"))
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/levers.md"))
    parser.add_argument("--base", action="append", help="base scenario name (repeatable; default breastfriends, integrated)")
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--replicates", type=int, default=2)
    parser.add_argument("--only", action="append", default=[], help="keep only factors starting with this (repeatable)")
    parser.add_argument("--top", type=int, default=15, help="rows per outcome")
    args = parser.parse_args(argv)
    screen = Screen(scenarios=tuple(args.base or Screen.scenarios), trajectories=args.trajectories,
                    replicates=args.replicates, only=tuple(args.only))
    revision = _ppisim(args.binary, "--version").split("revision ")[-1].rstrip(")\n")
    factors, described, left_out, interface = factors_of(args.binary, screen)  # once: the screen and its table agree
    with tempfile.TemporaryDirectory() as work:
        files = run_screen(args.binary, args.scenarios, screen, factors, Path(work))
        command = "./dev levers" if argv is None and not args.only else "python3 -m ppisim_analysis.levers " + " ".join(sys.argv[1:] if argv is None else argv)
        text = markdown(files, described, left_out, interface, screen, revision, command, args.top)
    partial = args.output.with_suffix(args.output.suffix + ".tmp")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
