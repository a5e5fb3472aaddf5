"""The results table: each example's original recipe, run here on real data, beside the result
the original documented. Shipped with the package (`results.json`), shown by `list`, the README
and `keras-classics results`.

Every row comes from a run: `keras-classics reproduce NAME` trains the original's recipe (the
config's defaults) on the real data found here and records in the run's config.json the command
and a fingerprint of the data it trained on; `keras-classics results --update` turns the newest
finished reproduce run of each example (and data variant) into a row. An example whose original
data is not on this machine gets a row saying so, found by the same `locate` the loaders use.
Never imports keras.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import shlex
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from keras_classics import registry, reports, runs
from keras_classics.datasets import DataSource, catalog
from keras_classics.errors import UserError
from keras_classics.tables import markdown, table

RESULTS_FILE = Path(__file__).with_name("results.json")
REGENERATE = "keras-classics results --update --runs-dir RUNS"


# -- what a reproduce run records ---------------------------------------------------------------
def _arrays(value: Any) -> Iterable[np.ndarray]:
    """Every array inside `value` (dataclasses, tuples, lists, dicts), in a fixed order."""
    if isinstance(value, np.ndarray):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _arrays(getattr(value, field.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, Mapping):
        for key in sorted(value, key=str):
            yield from _arrays(value[key])


def _count(split: Any) -> int | None:
    first = next(iter(_arrays(split)), None)
    return None if first is None or first.ndim == 0 else int(first.shape[0])


def fingerprint(data: Any) -> dict[str, Any]:
    """What identifies the data a run trained on: a SHA-256 over every array the example
    loaded (shapes, dtypes and bytes), and the training and test sample counts."""
    digest = hashlib.sha256()
    total = 0
    for array in _arrays(data):
        array = np.ascontiguousarray(array)
        digest.update(f"{array.shape}{array.dtype.str}".encode())
        if array.dtype != object:
            digest.update(array.tobytes())
        total += array.nbytes
    return {
        "sha256": digest.hexdigest(),
        "bytes": total,
        "train_samples": _count(getattr(data, "train", None)),
        "test_samples": _count(getattr(data, "test", None)),
    }


def record(
    example: registry.Example, sets: Sequence[str], data_dir: str | None, backend: str, data: Any
) -> dict[str, Any]:
    """What a reproduce run keeps in its config.json for its results row: the command that
    reproduces it, as a user types it, and the data it trained on."""
    parts = ["keras-classics", "reproduce", example.name, "--backend", backend]
    for item in sets:
        parts += ["--set", item]
    if data_dir and not example.builtin_data:  # a generator's data needs no folder
        parts += ["--data-dir", data_dir]
    found = fingerprint(data)
    counts = " / ".join(
        f"{found[key]:,} {key.split('_')[0]}" for key in ("train_samples", "test_samples")
        if found[key] is not None
    )  # fmt: skip
    where = "built in" if example.builtin_data else (data_dir or "Keras cache")
    return {
        "command": shlex.join(parts),
        "sets": list(sets),
        "data": f"{counts} samples, sha256 {found['sha256'][:12]} ({where})",
        "fingerprint": found,
    }


# -- rows ---------------------------------------------------------------------------------------
def row_of(run: runs.Run) -> dict[str, Any] | None:
    """The results row of a reproduce run: finished ("measured": its test metrics), or stopped
    after at least one epoch (`--time-limit`, Ctrl-C: "partial", its last epoch's validation
    metrics); None for any other run."""
    saved = run.read_json("config.json")
    recorded = saved.get("reproduce")
    if not recorded or run.status not in ("finished", "interrupted"):
        return None
    info = reports.summary(run)
    if run.status == "finished":
        measured = {k: v for k, v in info["final"].items() if k.startswith("test_")}
        key, prefix = info["key"], ""
    elif info["metrics"]:
        last = info["metrics"][-1]
        measured = {k: float(v) for k, v in last.items() if k.startswith("val_") and v != ""}
        key = reports.key_metric({"test_" + k[4:]: v for k, v in measured.items()})
        prefix = "val_"
        if key is None and last.get("loss"):  # no validation data: the training loss
            measured, key, prefix = {"loss": float(last["loss"])}, ("loss", float(last["loss"])), ""
    else:
        return None
    text = f"{prefix}{key[0]} {_number(key[1])}" if key else ""
    chosen = _headline(info["example"], measured, prefix)
    return {
        "example": info["example"],
        "variant": " ".join(recorded.get("sets", [])),
        "status": "measured" if run.status == "finished" else "partial",
        "documented": info["documented"],
        "measured": {k: round(v, 4) for k, v in measured.items()},
        "key": chosen or text,
        "data": recorded["data"],
        "epochs": f"{info['epochs']}/{info['epochs_planned']}",
        "wall": _wall(run, info),
        "backend": info["backend"].replace(" (auto)", ""),
        "device": info["device"],
        "date": info["started"][:10],
        "command": recorded["command"],
        "run": run.path.name,
    }


def _wall(run: runs.Run, info: Mapping[str, Any]) -> str:
    """The run's wall time; for a run resumed later (`env-resume-*.json`), whose start and end
    also enclose the pause, the sum of its epochs' times instead, said so."""
    if not any(run.path.glob("env-resume-*.json")):
        return info["wall"]
    seconds = sum(float(row.get("epoch_time_s") or 0) for row in info["metrics"])
    return f"{reports.duration(seconds)} (epochs only: resumed)"


def _headline(name: str, measured: Mapping[str, float], prefix: str) -> str:
    """The example's `headline` metrics as 'a 0.1234, b 0.5678', when the run has them all."""
    try:
        names = registry.spec(name).headline
    except UserError:
        return ""
    stem = "test_" if prefix == "" else prefix
    values = [measured.get(stem + metric) for metric in names]
    if not names or any(value is None for value in values):
        return ""
    return ", ".join(
        f"{prefix}{metric} {_number(value)}" for metric, value in zip(names, values, strict=True)
    )


def _number(value: float) -> str:
    """Four decimals, or four significant digits for a small value (an MSE of 2.3e-05)."""
    return f"{value:.4f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4g}"


def absent_row(example: registry.Example, source: DataSource) -> dict[str, Any] | None:
    """A row saying that the example's original data is not here (None when it is)."""
    if not example.data:
        return None
    missing = [
        where.remote.fname
        for where in catalog.DATASETS[example.data](source)
        if where.path is None and where.unpacked is None
    ]
    if not missing:
        return None
    return {
        "example": example.name,
        "variant": "",
        "status": "no data",
        "documented": example.documented,
        "key": "",
        "note": f"the original's data is not on this machine: {', '.join(missing)}",
        "date": datetime.date.today().isoformat(),
    }


def load(path: Path = RESULTS_FILE) -> list[dict[str, Any]]:
    """The shipped rows (an empty list before the first `--update`)."""
    if not path.is_file():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"{path}: unreadable results table ({runs.first_line(error)})") from None
    return rows


def update(runs_dir: Path, source: DataSource, path: Path = RESULTS_FILE) -> list[dict[str, Any]]:
    """Rewrites the shipped table: the newest finished reproduce run of each (example, variant)
    under `runs_dir` replaces that row; rows of examples without a run there are kept; an
    example with neither a row nor its data here gets a "no data" row.

    Returns:
        The new rows.
    """
    # "no data" rows are facts about this machine: found afresh below.
    rows = {(r["example"], r["variant"]): r for r in load(path) if r["status"] != "no data"}
    found, _ = reports.collect(runs_dir)
    newest: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for info in found:
        row = row_of(runs.Run(Path(info["run"])))
        if row is None:
            continue
        key = (row["example"], row["variant"])
        if key not in newest or info["started"] > newest[key][0]:
            newest[key] = (info["started"], row)
    for key, (_, row) in newest.items():
        rows[key] = row
    for example in registry.EXAMPLES:
        if (example.name, "") in rows:
            continue
        absent = absent_row(example, source)
        if absent is not None:
            rows[(example.name, "")] = absent
    order = {name: index for index, name in enumerate(registry.names())}
    ordered = sorted(rows.values(), key=lambda row: (order.get(row["example"], 99), row["variant"]))
    runs.write_json(path, {"regenerate_with": REGENERATE, "rows": ordered})
    return ordered


def headline(name: str, rows: Sequence[Mapping[str, Any]] | None = None) -> str:
    """What `list` shows as the measured result of an example: its rows' key metrics."""
    rows = load() if rows is None else rows
    shown = []
    for row in rows:
        if row["example"] != name:
            continue
        if row["status"] == "no data":
            shown.append("no data here")
        elif row["status"] == "partial":
            variant = f" ({row['variant']})" if row["variant"] else ""
            shown.append(f"{row['key']}{variant} after {row['epochs']} epochs (stopped)")
        else:
            variant = f" ({row['variant']})" if row["variant"] else ""
            shown.append(f"{row['key']}{variant}, {row['epochs'].split('/')[0]} epochs")
    return "; ".join(shown) or "not measured yet"


def text(form: str = "text", rows: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The whole table (`form`: text, markdown or json)."""
    rows = load() if rows is None else rows
    if form == "json":
        return json.dumps(rows, indent=2)
    if not rows:
        return f"no results yet: run `keras-classics reproduce NAME`, then `{REGENERATE}`"
    full = form == "markdown"
    lines = [
        {
            "example": row["example"] + (f" ({row['variant']})" if row["variant"] else ""),
            "documented": _cell(row["documented"], full),
            "measured here": row["key"] or _cell(row.get("note", ""), full),
            "data": _cell(row.get("data", ""), full),
            "epochs": row.get("epochs", ""),
            "wall": row.get("wall", ""),
            "backend": row.get("backend", ""),
            "date": row["date"],
        }
        | ({"command": f"`{row['command']}`" if row.get("command") else ""} if full else {})
        for row in rows
    ]
    if full:
        return markdown(lines)
    return table(lines) + "\n(the commands: keras-classics results --markdown or --json)"


def _cell(text: str, full: bool) -> str:
    return text if full or len(text) <= reports.CELL else text[: reports.CELL - 1] + "…"
