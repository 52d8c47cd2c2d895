"""Reading a ppisim results file (docs/hdf5-layout.md) into pandas.

    from ppisim_analysis import load_results
    r = load_results("breastfriends.h5")
    r.summary                      # one row per run: run, replicate, seed, parameters..., outcomes...
    r.timeseries("any_bf_share")   # long: run, replicate, seed, day, value
    r.units["any_bf_6w"], r.attrs["git_revision"], r.scenario["scheme"]
    r.registry                     # every parameter: type, unit, default, source, reference, description, choices
    r.choices                      # one row per run: each choice parameter's word
    r.ages["any_bf_6w"], r.age_words["any_bf_6w"]   # 42, "6 weeks": the age a checkpoint outcome is measured at

    s = load_results("levers.h5")  # a sweep (attrs["kind"] == "sweep")
    s.design                       # one row per design point: point, one column per factor
    s.sensitivity                  # outcome, factor, index, estimate, lo95, hi95
    s.summary["point"]             # each run's design point

Summary outcomes, parameters, run numbers, the design, the sensitivity table
and provenance are read at once; time series are read from the file when
first asked for (then kept), so a file with many long runs costs memory only
for the series used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import h5py
import numpy as np
import pandas as pd
import yaml

FORMAT = "ppisim-results"
FORMAT_VERSION = 1

# Groups whose datasets carry `units` and `description` attributes.
_DESCRIBED_GROUPS = ("summary", "timeseries", "parameters")
_RUN_COLUMNS = ("run", "replicate", "seed")
SENSITIVITY_COLUMNS = ("outcome", "factor", "index", "estimate", "lo95", "hi95")
# The sensitivity table's pseudo-factor of the replicate-noise rows.
NOISE_FACTOR = "(replicates)"
# /snapshot (a run file's first run on its last day): the social graph's agents and ties.
GRAPH_NODE_COLUMNS = ("vertex", "kind", "role", "locality", "culture", "active", "concern", "gatekeeping",
                      "surveillance", "orientation", "trust", "self_esteem", "autonomy", "felt_surveillance",
                      "commitment")
GRAPH_EDGE_COLUMNS = ("source", "target", "layer", "weight")
# Identifier columns read as integers (never NaN); the rest stay float64 (NaN where a state does not apply).
_GRAPH_INTEGER_COLUMNS = {"vertex", "kind", "locality", "source", "target", "layer"}
GRAPH_LAYERS = {0: "team", 1: "cohort", 2: "working"}
# /registry: one text dataset per column, one row per parameter (docs/hdf5-layout.md).
REGISTRY_COLUMNS = ("path", "type", "unit", "default", "source", "reference", "finding", "description", "choices",
                    "runtime_changeable")


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


class NoTimeSeriesError(ValueError):
    """The file holds no time series at all (a sweep with ``store: summary``)."""


class Results:
    """The contents of one ppisim results file (``kind`` "run" or "sweep").

    Attributes
    ----------
    path : Path
    attrs : dict
        Root attributes (provenance), decoded to str / int.
    summary : pandas.DataFrame
        One row per run: ``run`` (row number in the file), ``replicate``,
        ``seed``, for a sweep ``point`` (its design point, a row of
        ``design``), then every ``/parameters/<dotted.path>`` and every
        ``/summary/<outcome>``, in the order the file stores them. NaN where
        an outcome is undefined.
    design : pandas.DataFrame
        A sweep's design, one row per point: ``point``, then one column per
        factor in factor units (``/design/values``). Word and overlay factors
        are pandas categoricals of their level names (``/design/levels``), in
        level order. A factor that is itself named "point" becomes the column
        "point (factor)". Empty for a run file.
    sensitivity : pandas.DataFrame
        A sweep's sensitivity table (``/sensitivity``): outcome, factor,
        index (S1, ST, mu, mu_star, sigma, noise_share), estimate, lo95, hi95;
        NaN where there is no estimate or interval. The ``noise_share`` rows
        have the factor "(replicates)". Empty for a run file.
    factors : list of str
        A sweep's factor names (``/design/factors``), in design column order.
    factor_levels : dict
        Factor -> list of level names, for word and overlay factors only.
    design_method, design_seed :
        ``/design`` attributes ``method`` ("saltelli", "morris", "grid",
        "latin_hypercube") and ``seed``; None for a run file.
    experiment : dict
        For a sweep, the experiment as given (name, base or model, factors,
        design, analyse, store), parsed from the first part of
        ``scenario_yaml``; empty for a run file.
    units, descriptions : dict
        Name -> text for every summary outcome, time series and parameter
        (plus ``day``). ``units_by_group[group][name]`` is the same split by
        group ("summary", "timeseries", "parameters").
    registry : pandas.DataFrame
        Every parameter of the model that wrote the file (``/registry``), one
        row per parameter in registry order: path, type, unit, default (in
        scenario words), source ("data", "calibrated", "assumption",
        "setting"), reference, finding, description, choices (a list of
        words; empty unless a choice), runtime_changeable (bool). Empty (with
        these columns) for a file written before ppisim stored it.
        ``parameter(path)`` gives one row as a dict.
    choices : pandas.DataFrame
        One row per run (aligned with ``summary``), one column per choice
        parameter (``/choices``): pandas categoricals of the words each run
        used, categories in the registry's order.
    ages, age_words : dict
        Checkpoint outcome -> the child's age it is measured at, in days
        (``age_days``, e.g. 42) and in words (``age``, e.g. "6 weeks").
    outcomes, parameters, series : list of str
        Names in file order.
    days : numpy.ndarray
        ``/time/day``.
    scenario : dict
        The resolved scenario parsed with PyYAML: ``scenario_yaml``, or for a
        sweep its second part, the resolved base scenario (empty for a sweep
        of an analytic test function).
    """

    def __init__(self, path: Path, attrs: dict, summary: pd.DataFrame, units_by_group: dict,
                 descriptions_by_group: dict, outcomes: list, parameters: list, series: list,
                 days: np.ndarray, scenario: dict, design: pd.DataFrame | None = None,
                 sensitivity: pd.DataFrame | None = None, factors: list | None = None,
                 factor_levels: dict | None = None, design_method: str | None = None,
                 design_seed: int | None = None, experiment: dict | None = None,
                 registry: pd.DataFrame | None = None, choices: pd.DataFrame | None = None,
                 ages: dict | None = None, age_words: dict | None = None):
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
        self.design = design if design is not None else pd.DataFrame({"point": np.zeros(0, dtype=np.int64)})
        self.sensitivity = sensitivity if sensitivity is not None else _empty_sensitivity()
        self.factors = list(factors or [])
        self.factor_levels = dict(factor_levels or {})
        self.design_method = design_method
        self.design_seed = design_seed
        self.experiment = dict(experiment or {})
        self.registry = registry if registry is not None else _empty_registry()
        self.choices = choices if choices is not None else pd.DataFrame(index=summary.index)
        self.ages = dict(ages or {})
        self.age_words = dict(age_words or {})
        self._registry_rows = {row["path"]: row for row in self.registry.to_dict("records")}
        self.units = {"day": "days"}
        self.descriptions = {"day": "Simulated day, counted from 0"}
        for group in _DESCRIBED_GROUPS:  # an outcome's unit wins over a same-named series or parameter
            for name, unit in units_by_group[group].items():
                self.units.setdefault(name, unit)
                self.descriptions.setdefault(name, descriptions_by_group[group][name])
        self._series_cache: dict[str, np.ndarray] = {}
        self._graph: tuple[pd.DataFrame, pd.DataFrame] | None = None

    # -- convenience -------------------------------------------------------
    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.attrs.get("scenario_name") or self.scenario.get("name") or self.path.stem)

    @property
    def kind(self) -> str:
        """'run' or 'sweep' (root attribute ``kind``; 'run' when absent)."""
        return str(self.attrs.get("kind") or "run")

    @property
    def is_sweep(self) -> bool:
        return self.kind == "sweep"

    @property
    def runs(self) -> int:
        return len(self.summary)

    @property
    def seeds(self) -> np.ndarray:
        return self.summary["seed"].to_numpy(dtype=np.uint64)

    def parameter(self, path: str) -> dict | None:
        """The registry's row of a parameter (see ``registry``), or None if the file does not know it."""
        row = self._registry_rows.get(path)
        return dict(row) if row is not None else None

    def __repr__(self) -> str:
        sweep = (f", sweep of {len(self.design)} points over {len(self.factors)} factors"
                 if self.is_sweep else "")
        return (f"Results({str(self.path)!r}: scenario {self.name!r}, {self.runs} runs x "
                f"{len(self.days)} days, {len(self.outcomes)} outcomes, {len(self.series)} series{sweep})")

    # -- the social graph (/snapshot) --------------------------------------------
    @property
    def graph(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The social graph at one moment: ``(nodes, edges)`` from ``/snapshot``
        (``ppisim run`` stores its first run on the last day; read once, then kept).

        nodes: one row per professional and volunteer: ``vertex``, ``kind`` (0
        professional, 1 volunteer), ``role``, ``locality``, ``culture``,
        ``active`` and the states (``concern``, ``gatekeeping``,
        ``surveillance``, ``orientation``, ``trust``, ``self_esteem``,
        ``autonomy``, ``felt_surveillance``, ``commitment``; NaN where a state
        does not apply). edges: ``source``, ``target`` (vertices), ``layer`` (0
        team, 1 cohort, 2 working), ``weight`` (trust on working ties). Both
        frames' ``attrs`` hold ``run`` and ``day`` of the snapshot (None when
        absent). A file without ``/snapshot`` (a sweep) gives two empty frames
        with these columns. ValueError (message starting with the path) when
        the snapshot is damaged or an edge names a vertex that is not a node.
        """
        if self._graph is None:
            try:
                with h5py.File(self.path, "r") as f:
                    self._check_unchanged(f)
                    self._graph = _read_graph(f, self.path)
            except (OSError, KeyError, TypeError) as error:
                raise ValueError(f"{self.path}: cannot read the graph snapshot /snapshot: {error}") from error
        nodes, edges = self._graph
        return nodes.copy(), edges.copy()

    # -- time series -------------------------------------------------------
    def timeseries_array(self, name: str) -> np.ndarray:
        """``/timeseries/<name>`` as a runs x days array (read once, then kept).

        KeyError when the file has no such series; NoTimeSeriesError (a
        ValueError) when it holds none at all, as a sweep with ``store: summary``.
        """
        if not self.series:
            what = ("a summary-only sweep (store: summary, an experiment's default)" if self.is_sweep
                    else "a results file without time series")
            raise NoTimeSeriesError(f"{self.path}: no time series {name!r}: the file is {what} and holds "
                                    "no time series at all"
                                    + ("; run the sweep with store: timeseries to keep them" if self.is_sweep else ""))
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
        """``/timeseries/<name>`` in long form: columns run, replicate, seed,
        (for a sweep) point, day, value."""
        values = self.timeseries_array(name)
        runs, days = values.shape
        columns = {
            "run": np.repeat(self.summary["run"].to_numpy(), days),
            "replicate": np.repeat(self.summary["replicate"].to_numpy(), days),
            "seed": np.repeat(self.seeds, days),
        }
        if "point" in self.summary and self.is_sweep:
            columns["point"] = np.repeat(self.summary["point"].to_numpy(), days)
        columns["day"] = np.tile(self.days, runs)
        columns["value"] = values.reshape(-1)
        return pd.DataFrame(columns)

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
        if item.dtype.kind != "f":
            raise ValueError(f"{path}: /{group_name}/{name} holds {item.dtype} values, expected numbers (float64)")
        if days is None:
            values[name] = np.asarray(item[...], dtype=np.float64)
        units[name] = str(_decode(item.attrs.get("units", "")))
        descriptions[name] = str(_decode(item.attrs.get("description", "")))
    return values, units, descriptions


def _graph_table(f: h5py.File, path: Path, name: str, expected: Sequence[str]) -> pd.DataFrame:
    """/snapshot/<name>: one float64 dataset per column, all of one length, as a DataFrame
    (documented columns first, in their documented order, then any others as stored)."""
    if "snapshot" not in f or name not in f["snapshot"]:
        return pd.DataFrame({c: pd.Series([], dtype=np.int64 if c in _GRAPH_INTEGER_COLUMNS else np.float64)
                             for c in expected})
    group = _require(f, path, f"snapshot/{name}", h5py.Group)
    values: dict[str, np.ndarray] = {}
    for column, item in group.items():
        if not isinstance(item, h5py.Dataset) or item.ndim != 1:
            raise ValueError(f"{path}: /snapshot/{name}/{column} is not a one-dimensional dataset")
        values[column] = np.asarray(item[...], dtype=np.float64)
    lengths = {column: len(v) for column, v in values.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{path}: the columns of /snapshot/{name} differ in length: {lengths}")
    missing = [c for c in expected if c in _GRAPH_INTEGER_COLUMNS and c not in values]
    if missing:
        raise ValueError(f"{path}: /snapshot/{name} lacks the column{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(missing)}")
    columns: dict[str, Any] = {}
    for column in [c for c in expected if c in values] + [c for c in values if c not in expected]:
        v = values[column]
        if column in _GRAPH_INTEGER_COLUMNS:
            if not (np.all(np.isfinite(v)) and np.all(v == np.rint(v))):
                raise ValueError(f"{path}: /snapshot/{name}/{column} holds values that are not whole numbers")
            v = v.astype(np.int64)
        columns[column] = v
    return pd.DataFrame(columns)


def _read_graph(f: h5py.File, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = _graph_table(f, path, "graph_nodes", GRAPH_NODE_COLUMNS)
    edges = _graph_table(f, path, "graph_edges", GRAPH_EDGE_COLUMNS)
    if nodes["vertex"].duplicated().any():
        raise ValueError(f"{path}: /snapshot/graph_nodes/vertex names a vertex twice")
    known = set(nodes["vertex"].tolist())
    strangers = sorted({int(v) for v in np.concatenate([edges["source"], edges["target"]]) if v not in known})
    if strangers:
        raise ValueError(f"{path}: /snapshot/graph_edges refers to vertices that are not in /snapshot/graph_nodes: "
                         f"{', '.join(map(str, strangers[:10]))}{' ...' if len(strangers) > 10 else ''}")
    snapshot = f.get("snapshot")
    stamp = {key: (_decode(snapshot.attrs[key]) if isinstance(snapshot, h5py.Group) and key in snapshot.attrs
                   else None) for key in ("run", "day")}
    nodes.attrs.update(stamp)
    edges.attrs.update(stamp)
    return nodes, edges


def _empty_registry() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=bool if c == "runtime_changeable" else object)
                         for c in REGISTRY_COLUMNS})


def _read_registry(f: h5py.File, path: Path) -> pd.DataFrame:
    """/registry as a DataFrame (empty when the file predates it)."""
    if "registry" not in f:
        return _empty_registry()
    group = _require(f, path, "registry", h5py.Group)
    rows = len(_text_dataset(f, path, "registry/path"))
    columns: dict[str, Any] = {c: _text_dataset(f, path, f"registry/{c}", rows) if c in group else [""] * rows
                               for c in REGISTRY_COLUMNS}
    columns["choices"] = [words.split("|") if words else [] for words in columns["choices"]]
    columns["runtime_changeable"] = [flag == "true" for flag in columns["runtime_changeable"]]
    return pd.DataFrame(columns, columns=list(REGISTRY_COLUMNS))


def _read_choices(f: h5py.File, path: Path, runs: int) -> pd.DataFrame:
    """/choices: each run's level number of every choice parameter, as categoricals of its words."""
    columns: dict[str, Any] = {}
    group = f.get("choices")
    for name, item in (group.items() if isinstance(group, h5py.Group) else ()):
        if not isinstance(item, h5py.Dataset) or item.shape != (runs,):
            raise ValueError(f"{path}: /choices/{name} is not a dataset of shape ({runs},)")
        words = str(_decode(item.attrs.get("levels", ""))).split("|")
        levels = np.asarray(item[...], dtype=np.float64)
        codes = np.rint(levels)
        if not (np.all(np.isfinite(levels)) and np.all(codes == levels) and np.all((codes >= 0) & (codes < len(words)))):
            raise ValueError(f"{path}: /choices/{name} holds values that are not level numbers 0..{len(words) - 1}")
        columns[name] = pd.Categorical.from_codes(codes.astype(np.int64), categories=words)
    return pd.DataFrame(columns, index=pd.RangeIndex(runs))


def _read_ages(f: h5py.File) -> tuple[dict, dict]:
    """Checkpoint outcome -> (age in days, age in words), from /summary/<outcome> attributes."""
    days, words = {}, {}
    for name, item in f["summary"].items():
        if "age_days" in item.attrs:
            days[name] = int(_decode(item.attrs["age_days"]))
            words[name] = str(_decode(item.attrs.get("age", f"{days[name]} days")))
    return days, words


def _empty_sensitivity() -> pd.DataFrame:
    return pd.DataFrame({"outcome": pd.Series([], dtype=object), "factor": pd.Series([], dtype=object),
                         "index": pd.Series([], dtype=object), "estimate": pd.Series([], dtype=np.float64),
                         "lo95": pd.Series([], dtype=np.float64), "hi95": pd.Series([], dtype=np.float64)})


def _text_dataset(f: h5py.File, path: Path, name: str, length: int | None = None) -> list[str]:
    """A one-dimensional dataset of text as a list of str."""
    item = _require(f, path, name, h5py.Dataset)
    if item.ndim != 1 or (length is not None and item.shape != (length,)):
        raise ValueError(f"{path}: /{name} has shape {item.shape}, expected ({length if length is not None else 'n'},)")
    return [str(_decode(v)) for v in item[...].tolist()]


def _number_dataset(f: h5py.File, path: Path, name: str, shape: tuple) -> np.ndarray:
    item = _require(f, path, name, h5py.Dataset)
    if item.shape != shape:
        raise ValueError(f"{path}: /{name} has shape {item.shape}, expected {shape}")
    return np.asarray(item[...], dtype=np.float64)


def split_sweep_yaml(text: str) -> tuple[str, str]:
    """A sweep's ``scenario_yaml`` is the experiment as given followed by the
    resolved base scenario, both top-level mappings run together (so keys such
    as ``name`` appear twice). Returns (experiment text, base scenario text);
    the second is empty for an analytic test function (no base scenario)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return text, ""
    if not isinstance(root, yaml.MappingNode):
        return text, ""
    seen: set[str] = set()
    for key, _ in root.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if name in seen:  # the base scenario starts where the first key repeats (its `name`)
            index = key.start_mark.index
            return text[:index], text[index:]
        seen.add(name)
    return text, ""


def _parse_mapping(path: Path, text: str, what: str) -> dict:
    if not text.strip():
        return {}
    try:
        parsed = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        # One line, as every error of ppisim is: PyYAML's own text spans five.
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1} of it" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ValueError(f"{path}: {what} is not valid YAML{where}: {problem}") from error
    if not isinstance(parsed, dict):
        raise ValueError(f"{path}: {what} is not a YAML mapping")
    return parsed


def _read_sweep(f: h5py.File, path: Path, runs: int) -> dict:
    """/runs/point, /design and /sensitivity of a sweep (docs/hdf5-layout.md)."""
    point_item = _require(f, path, "runs/point", h5py.Dataset)
    if point_item.shape != (runs,):
        raise ValueError(f"{path}: /runs/point has shape {point_item.shape}, expected ({runs},)")
    point = np.asarray(point_item[...]).astype(np.int64)
    design_group = _require(f, path, "design", h5py.Group)
    factors = _text_dataset(f, path, "design/factors")
    levels = _text_dataset(f, path, "design/levels", len(factors))
    values_item = _require(f, path, "design/values", h5py.Dataset)
    if values_item.ndim != 2 or values_item.shape[1] != len(factors):
        raise ValueError(f"{path}: /design/values has shape {values_item.shape}, expected (points, {len(factors)})")
    values = np.asarray(values_item[...], dtype=np.float64)
    points = values.shape[0]
    if runs and (point.min() < 0 or point.max() >= points):
        raise ValueError(f"{path}: /runs/point refers to design points outside 0..{points - 1}")

    columns: dict[str, Any] = {"point": np.arange(points, dtype=np.int64)}
    factor_levels = {}
    for k, (factor, joined) in enumerate(zip(factors, levels)):
        column = values[:, k]
        if joined:
            names = joined.split("|")
            codes = np.rint(column)
            if not (np.all(np.isfinite(column)) and np.all(codes == column)
                    and np.all((codes >= 0) & (codes < len(names)))):
                raise ValueError(f"{path}: /design/values of the categorical factor {factor!r} are not level "
                                 f"numbers 0..{len(names) - 1}")
            factor_levels[factor] = names
            column = pd.Categorical.from_codes(codes.astype(np.int64), categories=names)
        columns[f"{factor} (factor)" if factor == "point" else factor] = column
    design = pd.DataFrame(columns)

    rows = _require(f, path, "sensitivity/outcome", h5py.Dataset).shape
    if len(rows) != 1:
        raise ValueError(f"{path}: /sensitivity/outcome must be one-dimensional, not {rows}")
    table: dict[str, Any] = {name: _text_dataset(f, path, f"sensitivity/{name}", rows[0])
                             for name in ("outcome", "factor", "index")}
    for name in ("estimate", "lo95", "hi95"):
        table[name] = _number_dataset(f, path, f"sensitivity/{name}", rows)
    sensitivity = pd.DataFrame(table, columns=list(SENSITIVITY_COLUMNS)) if rows[0] else _empty_sensitivity()

    seed = _decode(design_group.attrs.get("seed"))
    return {"point": point, "design": design, "sensitivity": sensitivity, "factors": factors,
            "factor_levels": factor_levels, "design_method": _decode(design_group.attrs.get("method")),
            "design_seed": seed if isinstance(seed, int) else None}


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
    for name, column in (("seed", seeds), ("replicate", replicates)):
        if column.dtype.kind not in "ui":
            raise ValueError(f"{path}: /runs/{name} holds {column.dtype} values, expected integers")
    if seeds.ndim != 1 or replicates.shape != seeds.shape:
        raise ValueError(f"{path}: /runs/seed {seeds.shape} and /runs/replicate {replicates.shape} "
                         "must be one-dimensional and of the same length")
    if days.ndim != 1:
        raise ValueError(f"{path}: /time/day must be one-dimensional, not {days.shape}")
    runs = len(seeds)
    for key, actual in (("runs", runs), ("days", len(days))):
        if key in attrs and attrs[key] != actual:
            raise ValueError(f"{path}: root attribute {key}={attrs[key]} but the datasets hold {actual}")

    sweep = _read_sweep(f, path, runs) if attrs.get("kind") == "sweep" else None
    run_columns = set(_RUN_COLUMNS) | ({"point"} if sweep else set())

    summary_values, summary_units, summary_descriptions = _read_group(f, path, "summary", runs, None)
    parameter_values, parameter_units, parameter_descriptions = _read_group(f, path, "parameters", runs, None)
    _, series_units, series_descriptions = _read_group(f, path, "timeseries", runs, len(days))

    outcome_names, parameter_names = set(summary_values), set(parameter_values)
    clashes = (outcome_names & parameter_names) | (run_columns & (outcome_names | parameter_names))
    if clashes:
        raise ValueError(f"{path}: names used twice among run columns, parameters and outcomes: {sorted(clashes)}")

    columns: dict[str, Any] = {
        "run": np.arange(runs, dtype=np.int64),
        "replicate": replicates.astype(np.int64),
        "seed": seeds.astype(np.uint64),
    }
    if sweep:
        columns["point"] = sweep.pop("point")
    columns.update(parameter_values)
    columns.update(summary_values)
    summary = pd.DataFrame(columns)
    ages, age_words = _read_ages(f)

    scenario: dict = {}
    experiment: dict = {}
    if "scenario_yaml" in attrs:
        text = str(attrs["scenario_yaml"])
        if sweep and "experiment_yaml" in attrs:
            experiment = _parse_mapping(path, str(attrs["experiment_yaml"]), "the experiment_yaml attribute")
            scenario = _parse_mapping(path, text, "the scenario_yaml attribute")
        elif sweep:  # files written before experiment_yaml had both run together
            experiment_text, scenario_text = split_sweep_yaml(text)
            experiment = _parse_mapping(path, experiment_text, "the experiment in the scenario_yaml attribute")
            scenario = _parse_mapping(path, scenario_text, "the base scenario in the scenario_yaml attribute")
        else:
            scenario = _parse_mapping(path, text, "the scenario_yaml attribute")

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
        experiment=experiment,
        registry=_read_registry(f, path),
        choices=_read_choices(f, path, runs),
        ages=ages,
        age_words=age_words,
        **(sweep or {}),
    )
