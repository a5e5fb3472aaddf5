"""What a user sees of runs: one summary per run (the text `report`, `--json`, `--markdown`), a
self-contained `report.html` per run, and a gallery of every run (`report --html OUT`).

Reads run directories only (never keras): a report can be rebuilt at any time, and a damaged
run becomes one line saying what is wrong instead of stopping the others.
"""

from __future__ import annotations

import base64
import csv
import datetime
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from keras_classics import registry, runs
from keras_classics.errors import UserError
from keras_classics.tables import markdown, table

REPORT_FILE = "report.html"
CURVES = "curves.png"
IMAGES = {".png": "image/png", ".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
TEXTS = (".txt", ".json", ".csv", ".md")
TEXT_LINES = 200  # of a text artifact shown inline
CELL = 48  # characters of a text-table cell


# -- one run, summarised ------------------------------------------------------------------------
def _time(value: float | None) -> str:
    if value is None:
        return ""
    return datetime.datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M:%S")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, second = divmod(int(round(seconds)), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}h{minute:02d}m" if hours else f"{minute}m{second:02d}s"


def _optional_json(run: runs.Run, name: str) -> dict:
    return run.read_json(name) if (run.path / name).is_file() else {}


def key_metric(final: Mapping[str, float]) -> tuple[str, float] | None:
    """The number a card shows: test accuracy when there is one, else the first test metric."""
    tests = {k: v for k, v in final.items() if k.startswith("test_")}
    for name in ("test_accuracy", "test_acc"):
        if name in tests:
            return name[5:], tests[name]
    return next(((k[5:], v) for k, v in tests.items()), None)


def summary(run: runs.Run) -> dict[str, Any]:
    """Everything the reports show about one run.

    Raises:
        UserError: when the run's own files are damaged (one line saying which).
    """
    saved = run.read_json("config.json")
    env = _optional_json(run, "env.json")
    status = _optional_json(run, runs.STATUS_FILE)
    final = _optional_json(run, "final.json")
    name = str(saved.get("example", run.example))
    try:
        example = registry.spec(name)
    except UserError:
        example = None
    data = saved.get("data", "real")
    started = saved.get("started") or (run.path / "config.json").stat().st_mtime
    state = status.get("status", "unknown")
    reason = status.get("reason", "")
    ended = status.get("time") if state != "running" else None
    if state == "running" and not run.is_live():
        # Nobody holds the run's lock: its process ended without recording how (SIGKILL, power).
        state = "killed"
        reason = f"its process ended without recording how; continue with: {resume_command(run)}"
        # When it was last heard of: its newest record (an epoch's row, or the start).
        ended = max(
            (run.path / name).stat().st_mtime
            for name in ("config.json", runs.STATUS_FILE, "metrics.csv")
            if (run.path / name).is_file()
        )
    choice = str(env.get("backend_choice", ""))
    backend = str(env.get("backend", "?")) + (" (auto)" if choice.startswith("auto") else "")
    metrics = run.read_metrics()
    return {
        "run": str(run.path),
        "example": name,
        "task": example.task if example else "",
        "dataset": example.dataset if example else "",
        "documented": example.documented if example else "",
        "data": data,
        "data_dir": saved.get("data_dir") or "",
        "preset": saved.get("preset") or "default",
        "config": saved.get("config", {}),
        "backend": backend,
        "backend_choice": choice,
        "device": env.get("device", ""),
        "keras": env.get("keras", ""),
        "status": state,
        "reason": reason,
        "started": _time(started),
        "ended": _time(ended),
        "wall": duration(ended - started if ended else None),
        "epochs": len(metrics),
        "epochs_planned": saved.get("config", {}).get("epochs", ""),
        "final": final,
        "key": key_metric(final),
        "metrics": metrics,
    }


def resume_command(run: runs.Run) -> str:
    return f"keras-classics train --resume {run.path}"


def _short(text: str) -> str:
    return text if len(text) <= CELL else text[: CELL - 1] + "…"


def row(info: Mapping[str, Any]) -> dict[str, str]:
    """One line of the text report."""
    shown = {k: v for k, v in info["final"].items() if k.startswith("test_")}
    return {
        "run": info["run"],
        "status": info["status"],
        "data": info["data"],
        "dataset": _short(info["dataset"]),
        "preset": info["preset"],
        "backend": info["backend"],
        "epochs": f"{info['epochs']}/{info['epochs_planned']}",
        "wall": info["wall"],
        "final": _short("  ".join(f"{k[5:]} {v:.4g}" for k, v in shown.items())),
    }


def collect(runs_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Summaries of every run under `runs_dir`, and one line per damaged run."""
    found, damaged = [], []
    for config_path in sorted(Path(runs_dir).glob("*/*/config.json")):
        run = runs.Run(config_path.parent)
        try:
            found.append(summary(run))
        except (UserError, OSError, ValueError, KeyError, AttributeError, csv.Error) as error:
            damaged.append(f"{run.path}: damaged ({runs.first_line(error)})")
    return found, damaged


def listing(runs_dir: Path, form: str = "text") -> str:
    """The runs under `runs_dir` as a table (`form`: text, markdown or json), then one line per
    damaged run."""
    found, damaged = collect(runs_dir)
    if form == "json":
        rows = [{k: v for k, v in info.items() if k not in ("config", "metrics")} for info in found]
        return json.dumps({"runs": rows, "damaged": damaged}, indent=2)
    if not found and not damaged:
        return f"no runs under {runs_dir}"
    rows = [row(info) for info in found]
    text = (markdown(rows) if form == "markdown" else table(rows)) if rows else ""
    return "\n".join([text, *damaged]).strip()


# -- HTML ---------------------------------------------------------------------------------------
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("keras_classics", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


def _data_uri(path: Path) -> str:
    mime = IMAGES[path.suffix.lower()]
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _artifacts(run: runs.Run) -> list[dict[str, str]]:
    folder = run.path / "artifacts"
    items = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_file() or path.name.startswith(".") or path.name == CURVES:
            continue
        suffix = path.suffix.lower()
        if suffix in IMAGES:
            items.append({"name": path.name, "kind": "image", "src": _data_uri(path)})
        elif suffix in TEXTS:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            text = "\n".join(lines[:TEXT_LINES])
            if len(lines) > TEXT_LINES:
                text += f"\n… ({len(lines) - TEXT_LINES} more lines in {path.name})"
            items.append({"name": path.name, "kind": "text", "text": text})
        else:
            items.append({"name": path.name, "kind": "file", "href": f"artifacts/{path.name}"})
    return items


def _cell(value: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):  # a diverged custom loop's row: nan, inf
        return str(number)
    return f"{number:.4g}" if number != int(number) or abs(number) >= 1e6 else str(int(number))


def write_run_report(run: runs.Run) -> Path:
    """Writes the run's self-contained report.html (images embedded) and returns its path."""
    info = summary(run)
    curves = run.path / "artifacts" / CURVES
    columns = list(info["metrics"][0]) if info["metrics"] else []
    html = _ENV.get_template("run.html").render(
        info=info,
        curves=_data_uri(curves) if curves.is_file() else "",
        columns=columns,
        rows=[[_cell(r.get(c, "")) for c in columns] for r in info["metrics"]],
        artifacts=_artifacts(run),
    )
    path = run.path / REPORT_FILE
    runs.write_atomic(path, html)
    return path


def _thumbnail(run_path: Path, out: Path) -> str:
    folder = run_path / "artifacts"
    candidates = [folder / CURVES] + sorted(
        p for p in folder.glob("*") if p.suffix.lower() in IMAGES and p.name != CURVES
    )
    found = next((p for p in candidates if p.is_file()), None)
    return os.path.relpath(found, out) if found else ""


def write_gallery(runs_dir: Path, out: Path) -> Path:
    """Writes `out/index.html`: one card per run (thumbnail, key metric, status, link to its
    report, rebuilt here), grouped by example; damaged runs listed with what is wrong."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"--html {out}: cannot create it ({error})") from None
    found, damaged = collect(runs_dir)
    groups: dict[str, list[dict[str, Any]]] = {}
    for info in found:
        run_path = Path(info["run"])
        try:
            write_run_report(runs.Run(run_path))
        except (UserError, OSError) as error:
            damaged.append(f"{run_path}: report not written ({runs.first_line(error)})")
            continue
        card = dict(info)
        card["href"] = os.path.relpath(run_path / REPORT_FILE, out)
        card["thumbnail"] = _thumbnail(run_path, out)
        groups.setdefault(info["example"], []).append(card)
    html = _ENV.get_template("gallery.html").render(
        groups=groups, damaged=damaged, runs_dir=str(runs_dir), count=len(found)
    )
    path = out / "index.html"
    runs.write_atomic(path, html)
    return path
