"""Runs `bench` over examples and backends, one process each (a process holds one backend), and
lays out what they measured: per backend, the package beside the bare `model.fit` baseline, and
what `--backend auto` picks against the best baseline. Never imports keras.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from keras_classics import autotable
from keras_classics.tables import markdown, table

JSON_MARK = "BENCH-JSON "


def child_command(name: str, backend: str, args: dict[str, Any]) -> list[str]:
    """The command line of one measuring process."""
    command = [sys.executable, "-m", "keras_classics", "bench", name, "--backend", backend]
    if args.get("steps"):
        command += ["--steps", str(args["steps"])]
    command += ["--repeats", str(args["repeats"]), "--json"]
    if args.get("baseline"):
        command.append("--baseline")
    if args.get("preset"):
        command += ["--preset", args["preset"]]
    for item in args.get("sets", ()):
        command += ["--set", item]
    if args.get("distribute"):
        command += ["--distribute", args["distribute"]]
    if args.get("devices"):
        command += ["--devices", str(args["devices"])]
    return command


def run_one(name: str, backend: str, args: dict[str, Any], timeout: float) -> list[dict]:
    """Measures one example on one backend in a fresh process; failures become rows too."""
    try:
        completed = subprocess.run(
            child_command(name, backend, args),
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return [{"example": name, "backend": backend, "path": "package",
                 "error": f"timeout after {timeout:.0f} s"}]  # fmt: skip
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(JSON_MARK):
            return json.loads(line[len(JSON_MARK) :])
    error = (completed.stderr.strip().splitlines() or ["failed"])[-1]
    return [{"example": name, "backend": backend, "path": "package", "error": error}]


def run_all(
    names: Sequence[str],
    backends: Sequence[str],
    args: dict[str, Any],
    timeout: float,
    progress: bool = True,
) -> list[dict]:
    """Every (example, backend) pair, examples in order; prints a line per pair when asked."""
    rows: list[dict] = []
    for name in names:
        for backend in backends:
            start = time.perf_counter()
            measured = run_one(name, backend, args, timeout)
            rows += measured
            if progress:
                print(
                    f"  {name} on {backend}: {_brief(measured)} "
                    f"({time.perf_counter() - start:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    return rows


def _brief(rows: list[dict]) -> str:
    return ", ".join(
        f"{row['path']} " + (row["error"] if "error" in row else f"{row['samples_per_s']:,.0f}/s")
        for row in rows
    )


def _speed(rows: list[dict], example: str, backend: str, path: str) -> float | None:
    value = _row_of(rows, example, backend, path).get("samples_per_s")
    return float(value) if isinstance(value, (int, float)) else None


def _cell(value: float | None, spread: float | None = None) -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    return text + (f" ±{100 * spread / 2:.0f}%" if spread else "")


def _row_of(rows: list[dict], example: str, backend: str, path: str) -> dict:
    for row in rows:
        if (row.get("example"), row.get("backend"), row.get("path")) == (example, backend, path):
            return row
    return {}


def summary(rows: list[dict], backends: Sequence[str], kind: str) -> list[dict[str, str]]:
    """One line per example: each backend's package and baseline speeds, what auto picks
    (from the shipped table) and auto / best baseline, and the worst package / baseline."""
    lines = []
    for example in dict.fromkeys(row["example"] for row in rows):
        line: dict[str, str] = {"example": example}
        batch = next((r.get("batch_size") for r in rows if r["example"] == example), None)
        line["batch"] = str(batch or "-")
        baselines, ratios = {}, []
        for backend in backends:
            package = _row_of(rows, example, backend, "package")
            base = _speed(rows, example, backend, "baseline")
            short = {"tensorflow": "tf"}.get(backend, backend)
            line[f"{short}"] = package.get("error", "")[:24] or _cell(
                package.get("samples_per_s"), package.get("spread")
            )
            line[f"{short} bare"] = _cell(base)
            if base:
                baselines[backend] = base
                speed = _speed(rows, example, backend, "package")
                if speed:
                    ratios.append(speed / base)
        installed = [b for b in backends if _speed(rows, example, b, "package")]
        auto, _ = autotable.choose(example, installed, kind)
        auto_speed = _speed(rows, example, auto, "package")
        line["auto"] = auto
        best = max(baselines, key=baselines.get) if baselines else None
        line["auto/best bare"] = (
            f"{auto_speed / baselines[best]:.2f} ({best})" if best and auto_speed else "-"
        )
        line["min pkg/bare"] = f"{min(ratios):.2f}" if ratios else "-"
        first = _row_of(rows, example, auto, "package").get("first_step_s")
        line["first step s"] = f"{first:.1f}" if isinstance(first, (int, float)) else "-"
        lines.append(line)
    return lines


def per_backend(rows: list[dict]) -> list[dict[str, str]]:
    """For one example: a line per backend, package beside baseline."""
    lines = []
    for backend in dict.fromkeys(row["backend"] for row in rows):
        package = _row_of(rows, rows[0]["example"], backend, "package")
        base = _row_of(rows, rows[0]["example"], backend, "baseline")
        if "error" in package:
            lines.append({"backend": backend, "package samples/s": "error: " + package["error"]})
            continue
        ratio = (
            f"{package['samples_per_s'] / base['samples_per_s']:.2f}"
            if base.get("samples_per_s")
            else "-"
        )
        lines.append(
            {
                "backend": backend,
                "package samples/s": _cell(package["samples_per_s"], package.get("spread")),
                "baseline samples/s": _cell(base.get("samples_per_s"), base.get("spread")),
                "package/baseline": ratio,
                "first step s": f"{package['first_step_s']:.2f}",
                "batch": str(package["batch_size"]),
                "device": package.get("device", "?"),
            }
        )
    return lines


def machine() -> str:
    """A short description of this machine for the auto table."""
    return f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or 'cpu'}"


def _backends(value: str) -> list[str]:
    from keras_classics import backend

    if value in ("all", "auto"):
        found = backend.installed()
        if not found:
            from keras_classics.errors import UserError

            raise UserError("no backend installed: pip install 'keras-classics[all]'")
        return found
    names = [b.strip() for b in value.split(",") if b.strip()]
    return [backend.resolve(name) for name in names]


def bench(args) -> str:
    """`keras-classics bench NAME|--all`: measures in child processes and returns the table."""
    from keras_classics import registry

    backends = _backends(args.backend)
    names = registry.names() if args.all else [args.name]
    settings = {
        "steps": args.steps,
        "repeats": args.repeats,
        "baseline": args.baseline or args.update_auto_table,
        "preset": args.preset,
        "sets": list(args.sets),
        "distribute": args.distribute,
        "devices": args.devices,
    }
    rows = run_all(names, backends, settings, args.timeout, progress=True)
    kind = autotable.device_kind()
    measured = time.strftime("%Y-%m-%d")
    if args.save:
        from keras_classics.runs import write_json

        write_json(args.save, {"measured": measured, "device": kind, "machine": machine(),
                               "settings": settings, "rows": rows})  # fmt: skip
    parts = []
    if args.update_auto_table:
        path = autotable.update(rows, kind, measured, machine())
        parts.append(f"auto table for {kind} written to {path}")
    if args.all:
        lines = summary(rows, backends, kind)
        title = (
            f"training samples/s on {kind}, synthetic data, {args.repeats} timed epochs per path; "
            "'±' half the spread; bare = a plain model.fit on arrays"
        )
    else:
        lines = per_backend(rows)
        installed = [b for b in backends if _speed(rows, args.name, b, "package")]
        auto, reason = autotable.choose(args.name, installed, kind)
        title = f"{args.name}: training samples/s ({kind}, synthetic data); {reason}"
        if args.distribute or args.devices:  # one backend, chosen by the flags, not by auto
            devices = (
                f"{args.devices} device{'s' if args.devices > 1 else ''}"
                if args.devices
                else "every visible device"
            )
            how = f"--distribute {args.distribute}" if args.distribute else "not distributed"
            title = (
                f"{args.name}: training samples/s ({kind}, synthetic data) on {devices} "
                f"({how}); the batch is the global batch"
            )
    parts.insert(0, title + "\n" + (markdown(lines) if args.markdown else table(lines)))
    return "\n".join(parts)
