"""A calibration's posterior file (`ppisim calibrate`, layout in
docs/calibration.md): loading, weighted summaries, and figures of the
marginal and pairwise posteriors and of the posterior-predictive checks.

    from ppisim_analysis.posterior import load_posterior, posterior_table
    p = load_posterior("ex.h5")
    posterior_table(p)        # parameter, prior, unit, mean, sd, median, lo95, hi95 (= `ppisim summary ex.h5`)
    p.particles, p.weights    # the last complete generation: one row per particle, one column per parameter
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .load import FORMAT, _decode


@dataclass
class Posterior:
    path: Path
    attrs: dict                # /calibration's attributes (name, stop_reason, calibration_yaml, ...)
    parameters: list[str]
    priors: list[str]
    units: list[str]
    particles: pd.DataFrame    # one row per posterior particle, one column per parameter
    weights: np.ndarray        # normalised
    targets: pd.DataFrame      # target, description, observed, standard_error, lo95, hi95, log_scale
    predictive: pd.DataFrame   # one fresh simulation per particle, one column per target
    generations: pd.DataFrame  # generation, tolerance, acceptance_rate, ess, attempts, replicate_noise, seconds

    @property
    def name(self) -> str:
        return str(self.attrs.get("name", self.path.stem))


def is_posterior_file(path: str | os.PathLike) -> bool:
    """True for a results file that `ppisim calibrate` wrote."""
    try:
        with h5py.File(path, "r") as f:
            return _decode(f.attrs.get("format")) == FORMAT and "calibration" in f
    except OSError:
        return False


def _texts(group, name: str) -> list[str]:
    return [_decode(value) for value in group[name][()]]


def load_posterior(path: str | os.PathLike) -> Posterior:
    """Reads a posterior file; ValueError (its message starting with the path) when it is not one."""
    path = Path(path)
    if not is_posterior_file(path):
        raise ValueError(f"{path}: not a calibration's posterior file (ppisim calibrate writes one)")
    with h5py.File(path, "r") as f:
        group = f["calibration"]
        attrs = {key: _decode(value) for key, value in group.attrs.items()}
        parameters = _texts(group["parameters"], "name")
        targets = _texts(group["targets"], "name")
        theta = np.asarray(group["posterior/theta"][()], dtype=float).reshape(-1, len(parameters))
        predictive = np.asarray(group["posterior/predictive"][()], dtype=float).reshape(-1, len(targets))
        generations = pd.DataFrame({name: group[f"generations/{name}"][()] for name in
                                    ("tolerance", "acceptance_rate", "ess", "attempts", "replicate_noise", "seconds")})
        generations.insert(0, "generation", np.arange(len(generations)))
        return Posterior(
            path=path, attrs=attrs, parameters=parameters, priors=_texts(group["parameters"], "prior"),
            units=_texts(group["parameters"], "unit"), particles=pd.DataFrame(theta, columns=parameters),
            weights=np.asarray(group["posterior/weight"][()], dtype=float),
            targets=pd.DataFrame({"target": targets, "description": _texts(group["targets"], "description"),
                                  **{name: group[f"targets/{name}"][()] for name in
                                     ("observed", "standard_error", "lo95", "hi95", "log_scale")}}),
            predictive=pd.DataFrame(predictive, columns=targets), generations=generations)


def weighted_quantile(values, weights, q: float) -> float:
    """The first value, in increasing order, whose cumulative weight reaches q of the total
    (the definition `ppisim summary` uses, so the numbers agree exactly)."""
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, q * cumulative[-1], side="left"))
    return float(values[order][min(index, len(values) - 1)])


def posterior_table(p: Posterior) -> pd.DataFrame:
    """One row per parameter: its prior and unit, weighted mean and sd, median and 95% credible interval."""
    rows = []
    for name, prior, unit in zip(p.parameters, p.priors, p.units):
        x = p.particles[name].to_numpy()
        mean = float(np.sum(p.weights * x) / np.sum(p.weights))
        rows.append({"parameter": name, "prior": prior, "unit": unit, "mean": mean,
                     "sd": float(np.sqrt(np.sum(p.weights * (x - mean) ** 2) / np.sum(p.weights))),
                     "median": weighted_quantile(x, p.weights, 0.5), "lo95": weighted_quantile(x, p.weights, 0.025),
                     "hi95": weighted_quantile(x, p.weights, 0.975)})
    return pd.DataFrame(rows)


def posterior_correlations(p: Posterior) -> pd.DataFrame:
    """The weighted correlation matrix of the parameters."""
    x = p.particles.to_numpy()
    w = p.weights / np.sum(p.weights)
    centred = x - w @ x
    covariance = centred.T @ (centred * w[:, None])
    sd = np.sqrt(np.diag(covariance))
    return pd.DataFrame(covariance / np.outer(sd, sd), index=p.parameters, columns=p.parameters)


def predictive_table(p: Posterior) -> pd.DataFrame:
    """Each target's observed value and interval beside the posterior predictive median and 95% interval."""
    rows = []
    for _, target in p.targets.iterrows():
        y = p.predictive[target["target"]].to_numpy()
        rows.append({"target": target["target"], "description": target["description"], "observed": target["observed"],
                     "lo95": target["lo95"], "hi95": target["hi95"], "standard_error": target["standard_error"],
                     "log_scale": bool(target["log_scale"]),
                     "predicted_median": weighted_quantile(y, p.weights, 0.5),
                     "predicted_lo95": weighted_quantile(y, p.weights, 0.025),
                     "predicted_hi95": weighted_quantile(y, p.weights, 0.975)})
    return pd.DataFrame(rows)


def plot_marginals(p: Posterior) -> Figure:
    """Weighted histogram of each parameter's posterior, its median and 95% credible interval marked."""
    table = posterior_table(p).set_index("parameter")
    fig = Figure(figsize=(3.2 * len(p.parameters), 2.8), layout="constrained")
    for k, name in enumerate(p.parameters):
        ax = fig.add_subplot(1, len(p.parameters), k + 1)
        ax.hist(p.particles[name], bins=min(30, max(8, len(p.weights) // 10)), weights=p.weights, color="#6a8caf")
        for column, style in (("median", "-"), ("lo95", "--"), ("hi95", "--")):
            ax.axvline(table.loc[name, column], color="#223", linestyle=style, linewidth=1)
        ax.set_xlabel(f"{name}\n({p.units[k]})", fontsize=8)
        ax.set_yticks([])
    fig.suptitle("Posterior of each parameter: median (solid) and 95% credible interval (dashed)", fontsize=9)
    return fig


def plot_pairs(p: Posterior) -> Figure:
    """Every pair of parameters: the posterior particles, darker for larger weights, with their correlation."""
    d = len(p.parameters)
    correlations = posterior_correlations(p)
    fig = Figure(figsize=(2.6 * max(d - 1, 1) + 0.6, 2.6 * max(d - 1, 1)), layout="constrained")
    if d < 2:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, "one parameter: no pairs", ha="center", va="center")
        ax.set_axis_off()
        return fig
    alpha = 0.15 + 0.85 * p.weights / np.max(p.weights)
    for row in range(1, d):
        for column in range(d - 1):
            if column >= row:
                continue
            ax = fig.add_subplot(d - 1, d - 1, (row - 1) * (d - 1) + column + 1)
            x, y = p.parameters[column], p.parameters[row]
            colours = np.zeros((len(alpha), 4))
            colours[:, 2], colours[:, 3] = 0.45, alpha
            ax.scatter(p.particles[x], p.particles[y], s=8, c=colours, linewidths=0)
            ax.set_title(f"r = {correlations.loc[x, y]:.2f}", fontsize=8)
            ax.set_xlabel(x, fontsize=7)
            ax.set_ylabel(y, fontsize=7)
            ax.tick_params(labelsize=7)
    return fig


def plot_predictive(p: Posterior) -> Figure:
    """Each target (a panel each: targets have their own units): the observed value with its 95% interval
    above the posterior predictive median and 95% interval."""
    table = predictive_table(p)
    fig = Figure(figsize=(7.0, 0.5 + 1.0 * len(table)), layout="constrained")
    for k, row in table.iterrows():
        ax = fig.add_subplot(len(table), 1, k + 1)
        lo, hi = row["lo95"], row["hi95"]
        if not np.isfinite(lo):  # a standard error was given: +-1.96 of it, on the log scale for ratios
            half = 1.959964 * row["standard_error"]
            lo, hi = ((row["observed"] * np.exp(-half), row["observed"] * np.exp(half)) if row["log_scale"]
                      else (row["observed"] - half, row["observed"] + half))
        ax.plot([lo, hi], [1, 1], color="#a33", linewidth=2)
        ax.plot(row["observed"], 1, "o", color="#a33")
        ax.plot([row["predicted_lo95"], row["predicted_hi95"]], [0, 0], color="#36a", linewidth=2)
        ax.plot(row["predicted_median"], 0, "s", color="#36a")
        ax.set_yticks([0, 1], ["predicted", "observed"], fontsize=7)
        ax.set_ylim(-0.6, 1.6)
        ax.set_title(f"{row['target']}: {row['description']}", fontsize=8, loc="left")
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle("Posterior-predictive check: observed 95% interval (red) and predicted 95% interval (blue)", fontsize=9)
    return fig


# -- runs over posterior draws (`ppisim run --posterior`) ----------------------------------

def run_draws(path: str | os.PathLike) -> np.ndarray | None:
    """The posterior draw of each run of a run file made with `--posterior`, or None."""
    with h5py.File(path, "r") as f:
        return np.asarray(f["runs/draw"][()]) if "runs/draw" in f else None


def posterior_run_outcome(values, draws) -> dict:
    """One outcome of runs over posterior draws, as `ppisim summary` gives it: the mean, where 95% of runs
    fall (parameter and replicate uncertainty), the 95% range of the draws' replicate means (parameter
    uncertainty) and the shares of one run's variance from each (one-way random-effects ANOVA by the
    method of moments)."""
    values, draws = np.asarray(values, dtype=float), np.asarray(draws)
    keep = np.isfinite(values)
    values, draws = values[keep], draws[keep]
    nan = float("nan")
    if len(values) == 0:
        return dict(mean=nan, lo95=nan, hi95=nan, parameter_lo95=nan, parameter_hi95=nan, parameter_share=nan,
                    replicate_share=nan)
    ones = np.ones(len(values))
    groups = [values[draws == k] for k in np.unique(draws)]
    means = np.array([g.mean() for g in groups])
    counts = np.array([len(g) for g in groups], dtype=float)
    out = dict(mean=float(values.mean()), lo95=weighted_quantile(values, ones, 0.025), hi95=weighted_quantile(values, ones, 0.975),
               parameter_lo95=weighted_quantile(means, np.ones(len(means)), 0.025),
               parameter_hi95=weighted_quantile(means, np.ones(len(means)), 0.975), parameter_share=nan, replicate_share=nan)
    n, k = len(values), len(groups)
    if k >= 2 and n > k:
        within = sum(((g - g.mean()) ** 2).sum() for g in groups) / (n - k)
        between_square = float((counts * (means - values.mean()) ** 2).sum()) / (k - 1)
        n0 = (n - (counts ** 2).sum() / n) / (k - 1)
        between = max(0.0, (between_square - within) / n0)
        if within + between > 0:
            out["replicate_share"] = within / (within + between)
            out["parameter_share"] = 1.0 - out["replicate_share"]
    return out

