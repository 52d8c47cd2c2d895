"""Reading a ppisim results file (docs/hdf5-layout.md) into pandas.

    from ppisim_analysis import load_results
    r = load_results("breastfriends.h5")
    r.summary                      # one row per run: run, replicate, seed, parameters..., outcomes...
    r.timeseries("any_bf_share")   # long: run, replicate, seed, day, value
    r.units["any_bf_6w"], r.attrs["git_revision"], r.scenario["scheme"]

Summary outcomes, parameters, run numbers and provenance are read at once;
time series are read from the file when first asked for (then kept), so a
file with many long runs costs memory only for the series used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pandas as pd
import yaml

FORMAT = "ppisim-results"
FORMAT_VERSION = 1

# Groups whose datasets carry `units` and `description` attributes.
_DESCRIBED_GROUPS = ("summary", "timeseries", "parameters")
_RUN_COLUMNS = ("run", "replicate", "seed")


def _decode(value: Any) -> Any:
    """An HDF5 attribute value as a plain Python value (str, int, float, list)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return _decode(value[()])
        return [_decode(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


class Results:
    """The contents of one ppisim results file.

    Attributes
    ----------
    path : Path
    attrs : dict
        Root attributes (provenance), decoded to str / int.
    summary : pandas.DataFrame
        One row per run: ``run`` (row number in the file), ``replicate``,
        ``seed``, then every ``/parameters/<dotted.path>`` and every
        ``/summary/<outcome>``, in the order the file stores them. NaN where
        an outcome is undefined.
    units, descriptions : dict
        Name -> text for every summary outcome, time series and parameter
        (plus ``day``). ``units_by_group[group][name]`` is the same split by
        group ("summary", "timeseries", "parameters").
    outcomes, parameters, series : list of str
        Names in file order.
    days : numpy.ndarray
        ``/time/day``.
    scenario : dict
        The resolved scenario (``scenario_yaml``) parsed with PyYAML.
    """

    def __init__(self, path: Path, attrs: dict, summary: pd.DataFrame, units_by_group: dict,
                 descriptions_by_group: dict, outcomes: list, parameters: list, series: list,
                 days: np.ndarray, scenario: dict):
        self.path = path
        self.attrs = attrs
        self.summary = summary
        self.units_by_group = units_by_group
        self.descriptions_by_group = descriptions_by_group
        self.outcomes = outcomes
        self.parameters = parameters
        self.series = series
        self.days = days
        self.scenario = scenario
        self.units = {"day": "days"}
        self.descriptions = {"day": "Simulated day, counted from 0"}
        for group in _DESCRIBED_GROUPS:  # an outcome's unit wins over a same-named series or parameter
            for name, unit in units_by_group[group].items():
                self.units.setdefault(name, unit)
                self.descriptions.setdefault(name, descriptions_by_group[group][name])
        self._series_cache: dict[str, np.ndarray] = {}

    # -- convenience -------------------------------------------------------
    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.attrs.get("scenario_name") or self.scenario.get("name") or self.path.stem)

    @property
    def runs(self) -> int:
        return len(self.summary)

    @property
    def seeds(self) -> np.ndarray:
        return self.summary["seed"].to_numpy(dtype=np.uint64)

    def __repr__(self) -> str:
        return (f"Results({str(self.path)!r}: scenario {self.name!r}, {self.runs} runs x "
                f"{len(self.days)} days, {len(self.outcomes)} outcomes, {len(self.series)} series)")

    # -- time series -------------------------------------------------------
    def timeseries_array(self, name: str) -> np.ndarray:
        """``/timeseries/<name>`` as a runs x days array (read once, then kept)."""
        if name not in self.series:
            raise KeyError(f"{self.path}: no time series {name!r}; the file has: {', '.join(self.series)}")
        if name not in self._series_cache:
            try:
                with h5py.File(self.path, "r") as f:
                    self._check_unchanged(f)
                    values = np.asarray(f["timeseries"][name][...], dtype=np.float64)
            except OSError as error:
                raise ValueError(f"{self.path}: cannot read time series {name!r}: {error}") from error
            if values.shape != (self.runs, len(self.days)):
                raise ValueError(f"{self.path}: /timeseries/{name} has shape {values.shape}, "
                                 f"expected (runs, days) = ({self.runs}, {len(self.days)})")
            values.setflags(write=False)
            self._series_cache[name] = values
        return self._series_cache[name]

    def timeseries(self, name: str) -> pd.DataFrame:
        """``/timeseries/<name>`` in long form: columns run, replicate, seed, day, value."""
        values = self.timeseries_array(name)
        runs, days = values.shape
        return pd.DataFrame({
            "run": np.repeat(self.summary["run"].to_numpy(), days),
            "replicate": np.repeat(self.summary["replicate"].to_numpy(), days),
            "seed": np.repeat(self.seeds, days),
            "day": np.tile(self.days, runs),
            "value": values.reshape(-1),
        })

    def _check_unchanged(self, f: h5py.File) -> None:
        """Time series are read lazily: refuse to mix them with another file's runs."""
        for key in ("created", "command_line", "runs", "days"):
            if key in self.attrs and _decode(f.attrs.get(key)) != self.attrs[key]:
                raise ValueError(f"{self.path}: the file has been replaced since it was loaded "
                                 f"(attribute {key!r} differs); load it again")


def _require(f: h5py.File, path: Path, name: str, kind: type) -> Any:
    item = f.get(name)
    if not isinstance(item, kind):
        what = "group" if kind is h5py.Group else "dataset"
        raise ValueError(f"{path}: not a complete ppisim results file: no {what} /{name}")
    return item


def _read_group(f: h5py.File, path: Path, group_name: str, runs: int, days: int | None):
    """Values, units and descriptions of every dataset in a group, in stored order."""
    group = _require(f, path, group_name, h5py.Group)
    values, units, descriptions = {}, {}, {}
    expected = (runs,) if days is None else (runs, days)
    for name, item in group.items():
        if not isinstance(item, h5py.Dataset):
            raise ValueError(f"{path}: /{group_name}/{name} is not a dataset")
        if item.shape != expected:
            raise ValueError(f"{path}: /{group_name}/{name} has shape {item.shape}, expected {expected}")
        if days is None:
            values[name] = np.asarray(item[...], dtype=np.float64)
        units[name] = str(_decode(item.attrs.get("units", "")))
        descriptions[name] = str(_decode(item.attrs.get("description", "")))
    return values, units, descriptions


def load_results(path: str | os.PathLike) -> Results:
    """Reads a ppisim results file.

    Raises FileNotFoundError when there is no such file, and ValueError
    (whose message starts with the path) when the file is not HDF5, not a
    ppisim results file, of a newer format version, or damaged.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ValueError(f"{path}: is a directory, not a ppisim results file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as error:
        raise ValueError(f"{path}: cannot read it: {error}") from error
    if not is_hdf5:
        raise ValueError(f"{path}: not an HDF5 file (expected a ppisim results file)")
    try:
        with h5py.File(path, "r") as f:
            return _load_open_file(f, path)
    except (OSError, KeyError, TypeError) as error:  # truncated or damaged
        raise ValueError(f"{path}: not a readable ppisim results file (truncated or damaged?): {error}") from error


def _load_open_file(f: h5py.File, path: Path) -> Results:
    attrs = {key: _decode(value) for key, value in f.attrs.items()}
    if attrs.get("format") != FORMAT:
        raise ValueError(f"{path}: an HDF5 file, but not a ppisim results file "
                         f"(root attribute format is {attrs.get('format')!r}, expected {FORMAT!r})")
    version = attrs.get("format_version")
    if not isinstance(version, int):
        raise ValueError(f"{path}: ppisim results file without an integer format_version attribute")
    if version > FORMAT_VERSION:
        raise ValueError(f"{path}: written in results format version {version} by a newer ppisim "
                         f"(ppisim {attrs.get('ppisim_version', '?')}); this reader knows version {FORMAT_VERSION}")

    seeds = np.asarray(_require(f, path, "runs/seed", h5py.Dataset)[...])
    replicates = np.asarray(_require(f, path, "runs/replicate", h5py.Dataset)[...])
    days = np.asarray(_require(f, path, "time/day", h5py.Dataset)[...], dtype=np.float64)
    if seeds.ndim != 1 or replicates.shape != seeds.shape:
        raise ValueError(f"{path}: /runs/seed {seeds.shape} and /runs/replicate {replicates.shape} "
                         "must be one-dimensional and of the same length")
    if days.ndim != 1:
        raise ValueError(f"{path}: /time/day must be one-dimensional, not {days.shape}")
    runs = len(seeds)
    for key, actual in (("runs", runs), ("days", len(days))):
        if key in attrs and attrs[key] != actual:
            raise ValueError(f"{path}: root attribute {key}={attrs[key]} but the datasets hold {actual}")

    summary_values, summary_units, summary_descriptions = _read_group(f, path, "summary", runs, None)
    parameter_values, parameter_units, parameter_descriptions = _read_group(f, path, "parameters", runs, None)
    _, series_units, series_descriptions = _read_group(f, path, "timeseries", runs, len(days))

    outcome_names, parameter_names = set(summary_values), set(parameter_values)
    clashes = (outcome_names & parameter_names) | (set(_RUN_COLUMNS) & (outcome_names | parameter_names))
    if clashes:
        raise ValueError(f"{path}: names used twice among run columns, parameters and outcomes: {sorted(clashes)}")

    columns: dict[str, Any] = {
        "run": np.arange(runs, dtype=np.int64),
        "replicate": replicates.astype(np.int64),
        "seed": seeds.astype(np.uint64),
    }
    columns.update(parameter_values)
    columns.update(summary_values)
    summary = pd.DataFrame(columns)

    scenario: dict = {}
    if "scenario_yaml" in attrs:
        try:
            scenario = yaml.safe_load(attrs["scenario_yaml"]) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"{path}: the scenario_yaml attribute is not valid YAML: {error}") from error
        if not isinstance(scenario, dict):
            raise ValueError(f"{path}: the scenario_yaml attribute is not a YAML mapping")

    return Results(
        path=path,
        attrs=attrs,
        summary=summary,
        units_by_group={"summary": summary_units, "timeseries": series_units, "parameters": parameter_units},
        descriptions_by_group={"summary": summary_descriptions, "timeseries": series_descriptions,
                               "parameters": parameter_descriptions},
        outcomes=list(summary_values),
        parameters=list(parameter_values),
        series=list(series_units),
        days=days,
        scenario=scenario,
    )
