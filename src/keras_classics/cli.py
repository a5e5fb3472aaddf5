"""The `keras-classics` command line: parsing and dispatch only.

keras is imported only after `--backend` has set KERAS_BACKEND (see `backend.activate`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from keras_classics import __version__, backend, distribute, example_info, registry
from keras_classics.errors import TimeLimitReached, UserError, out_of_memory
from keras_classics.tables import table

COMMANDS = (
    "list", "info", "summary", "train", "reproduce", "results", "evaluate", "sample", "explain",
    "report", "data", "bench",
)  # fmt: skip


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see {self.prog} --help)")


def _common(parser: argparse.ArgumentParser, *, backend_list: bool = False) -> None:
    parser.add_argument("--preset", help="a named set of values (every example has `tiny`)")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one config value (typed; repeatable)",
    )
    parser.add_argument(
        "--backend",
        default="auto",
        help=(
            "jax, torch, tensorflow, comma-separated, or all (every installed one)"
            if backend_list
            else "jax, torch, tensorflow or auto (the fastest for the example, see bench)"
        ),
    )
    parser.add_argument(
        "--data", choices=("real", "synthetic"), help="real files or the synthetic twin"
    )
    parser.add_argument(
        "--data-dir", help="folder searched first for data files (and for downloads)"
    )
    parser.add_argument("--offline", action="store_true", help="never try to download")
    parser.add_argument("--runs-dir", default="runs", type=Path, help="where run directories go")
    parser.add_argument("--seed", type=int, help="random seed (default: the config's, 1337)")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the whole command line."""
    parser = _Parser(
        prog="keras-classics",
        description="The classic Keras examples on Keras 3 (JAX, PyTorch, TensorFlow).",
    )
    parser.add_argument("--version", action="version", version=f"keras-classics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    command = sub.add_parser(
        "list", help="every example with its dataset, task and documented result"
    )
    command.add_argument("--markdown", action="store_true", help="as the README's Markdown table")
    command = sub.add_parser(
        "info", help="an example's config keys, presets, documented result and differences"
    )
    command.add_argument("name")
    for name, help_text in (
        ("summary", "print the default model's summary and parameter counts (no data needed)"),
        ("explain", "walk through the example's data and model, step by step"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("name")
        _common(command)
        if name == "summary":
            _devices(command)
        if name == "explain":
            command.add_argument("--lang", choices=("en", "zh"), default="en")
            _weights(command)
    command = sub.add_parser("train", help="train an example in a new run directory")
    command.add_argument("name", nargs="?")
    _common(command)
    command.add_argument(
        "--resume", type=Path, metavar="RUN_DIR", help="continue an unfinished run"
    )
    command.add_argument(
        "--quiet", action="store_true", help="no per-epoch or progress lines (train.log still)"
    )
    _time_limit(command)
    _devices(command)
    command = sub.add_parser(
        "reproduce",
        help="train the original's recipe on real data, as a row of the results table",
    )
    command.add_argument("name")
    _common(command)
    command.add_argument("--quiet", action="store_true", help="no per-epoch or progress lines")
    _time_limit(command)
    command = sub.add_parser(
        "results", help="each original's documented result beside the one measured here"
    )
    command.add_argument(
        "--update",
        action="store_true",
        help="rewrite the shipped table from the reproduce runs under --runs-dir",
    )
    command.add_argument("--runs-dir", default="runs", type=Path)
    command.add_argument("--data-dir", help="where the original data is looked for first")
    form = command.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="every row as JSON")
    form.add_argument("--markdown", action="store_true", help="as a Markdown table")
    command = sub.add_parser("evaluate", help="evaluate a run's model on its test data")
    command.add_argument("run_dir", type=Path)
    _common(command)
    command = sub.add_parser("sample", help="run an example's generation/inspection step")
    command.add_argument("target", metavar="NAME|RUN_DIR")
    _common(command)
    command.add_argument(
        "--output", type=Path, metavar="DIR", help="where to write (default: the run's artifacts)"
    )
    _weights(command)
    command = sub.add_parser(
        "report", help="a table of the runs under --runs-dir, a run's report.html, or a gallery"
    )
    command.add_argument(
        "run_dir", nargs="?", type=Path, metavar="RUN_DIR", help="rebuild this run's report.html"
    )
    command.add_argument("--runs-dir", default="runs", type=Path)
    form = command.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="every run's summary as JSON")
    form.add_argument("--markdown", action="store_true", help="as a Markdown table")
    form.add_argument(
        "--html", type=Path, metavar="OUT", help="write a gallery of every run to OUT/index.html"
    )
    command = sub.add_parser(
        "data", help="where each dataset is looked for, and whether it is there"
    )
    command.add_argument("--data-dir")
    command = sub.add_parser(
        "bench", help="training samples/s per backend, beside a bare model.fit (--baseline)"
    )
    command.add_argument("name", nargs="?")
    _common(command, backend_list=True)
    command.set_defaults(backend="all")
    command.add_argument("--all", action="store_true", help="every example (in registry order)")
    command.add_argument(
        "--baseline", action="store_true", help="also time a bare model.fit(x, y) of the model"
    )
    command.add_argument(
        "--steps", type=int, help="steps per timed epoch (default: about 2 s of steps)"
    )
    command.add_argument("--repeats", type=int, default=3, help="timed epochs per path")
    command.add_argument(
        "--timeout", type=float, default=900, help="seconds per example and backend"
    )
    command.add_argument("--markdown", action="store_true", help="print a Markdown table")
    command.add_argument("--save", type=Path, metavar="FILE", help="write every row as JSON")
    command.add_argument(
        "--update-auto-table",
        action="store_true",
        help="write the fastest backend per example into the shipped auto table",
    )
    command.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    _devices(command)
    return parser


def _time_limit(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--time-limit",
        type=float,
        metavar="MINUTES",
        help="stop after the first epoch that ends past this many minutes (resumable)",
    )


def _devices(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--distribute",
        choices=("data", "model"),
        help="train over every visible device with keras.distribution (JAX): data parallel, or "
        "model parallel where the example has a layout map (imdb_fasttext)",
    )
    command.add_argument(
        "--devices",
        type=int,
        metavar="N",
        help="N virtual CPU devices for JAX (try --distribute on one machine)",
    )


def _weights(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--weights",
        default="",
        metavar="FILE",
        help="ImageNet weight file for deep_dream / class_activation_maps (default: looked up)",
    )


def markdown_table() -> str:
    """The README's table of examples, generated from the registry so it cannot rot."""
    from keras_classics import results

    rows = results.load()
    lines = [
        "| example | dataset | task | documented result of the original | measured here |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{e.name}` | {e.dataset} | {e.task} | {e.documented} | "
        f"{results.headline(e.name, rows)} |"
        for e in registry.EXAMPLES
    ]
    return "\n".join(lines)


def _list(markdown: bool) -> str:
    if markdown:
        return markdown_table()
    from keras_classics import results

    measured = results.load()
    rows = [
        {
            "example": e.name,
            "dataset": e.dataset,
            "task": e.task,
            "documented result": e.documented,
            "measured here (keras-classics results)": results.headline(e.name, measured),
        }
        for e in registry.EXAMPLES
    ]
    return table(rows)


def _options(args: argparse.Namespace, backend_name: str, reason: str = ""):
    from keras_classics.commands import Options

    return Options(
        backend_choice=reason,
        preset=getattr(args, "preset", None),
        sets=tuple(getattr(args, "sets", ())),
        seed=getattr(args, "seed", None),
        backend=backend_name,
        data=getattr(args, "data", None),
        data_dir=getattr(args, "data_dir", None),
        runs_dir=getattr(args, "runs_dir", Path("runs")),
        resume=getattr(args, "resume", None),
        offline=getattr(args, "offline", False),
        output=getattr(args, "output", None),
        quiet=getattr(args, "quiet", False),
        weights=getattr(args, "weights", ""),
        distribute=getattr(args, "distribute", None),
        time_limit=getattr(args, "time_limit", None),
    )


def _run_backend(args: argparse.Namespace) -> str:
    """The backend a command runs on: a run's own backend for evaluate/sample with auto."""
    requested = getattr(args, "backend", "auto")
    run_dir = getattr(args, "run_dir", None) or getattr(args, "resume", None)
    if (
        run_dir is None
        and getattr(args, "target", None)
        and (Path(args.target) / "env.json").is_file()
    ):
        run_dir = Path(args.target)
    if requested == "auto" and run_dir is not None and (Path(run_dir) / "env.json").is_file():
        try:
            requested = json.loads((Path(run_dir) / "env.json").read_text())["backend"]
        except (OSError, ValueError, KeyError):
            pass
    return requested


def dispatch(args: argparse.Namespace) -> int:
    """Runs the parsed command; returns the exit code."""
    if args.command == "list":
        print(_list(args.markdown))
        return 0
    if args.command == "report":  # reads run directories only: no keras
        print(_report(args))
        return 0
    if args.command == "info":
        print(example_info.text(args.name))
        return 0
    if args.command == "results":  # reads run directories and data files only: no keras
        print(_results(args))
        return 0
    _check_example_args(args)
    _check_paths(args)
    limit = getattr(args, "time_limit", None)
    if limit is not None and not (math.isfinite(limit) and limit > 0):
        raise UserError(f"--time-limit {limit}: give a positive number of minutes")
    if args.command == "bench":
        _check_bench(args)
        if not args.json:
            from keras_classics import bench_runner

            print(bench_runner.bench(args))
            return 0
    requested = _run_backend(args)
    distributing = getattr(args, "distribute", None) or getattr(args, "devices", None)
    if distributing and requested == "auto" and not os.environ.get("KERAS_BACKEND"):
        backend_name, reason = "jax", "auto: keras.distribution runs on jax"
    else:
        backend_name, reason = backend.choose(requested, _example_of(args))
    if requested != getattr(args, "backend", "auto"):
        reason = "auto: the backend the run trained on"
    example = _example_of(args) or _example_of_run(args)
    distribute.prepare(
        getattr(args, "distribute", None),
        getattr(args, "devices", None),
        backend_name,
        registry.spec(example) if example else None,
    )
    backend.activate(backend_name, quick_compile=args.command == "explain")
    backend.import_keras_quietly()
    distribute.join_hosts(getattr(args, "distribute", None))
    from keras_classics import commands

    options = _options(args, backend_name, reason)
    if args.command == "summary":
        print(commands.summary(args.name, options))
    elif args.command == "explain":
        print(commands.explain(args.name, options, args.lang))
    elif args.command == "train":
        commands.train(args.name, options)
    elif args.command == "reproduce":
        commands.reproduce(args.name, options)
    elif args.command == "evaluate":
        metrics = commands.evaluate(args.run_dir, options)
        print("  ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    elif args.command == "sample":
        commands.sample(args.target, options)
    elif args.command == "data":
        print(commands.data_status(options))
    elif args.command == "bench":
        from keras_classics import bench_runner, benchmark

        config = commands.resolve_config(registry.load(args.name), options)
        rows = benchmark.measure(
            args.name, config, backend_name, args.steps, args.repeats, args.baseline,
            distribute=args.distribute,
        )  # fmt: skip
        print(bench_runner.JSON_MARK + json.dumps(rows))
    return 0


def _example_of_run(args: argparse.Namespace) -> str | None:
    """The example of `train --resume RUN_DIR` (from its config.json), for the --distribute
    checks."""
    resume = getattr(args, "resume", None)
    try:
        return json.loads((Path(resume) / "config.json").read_text())["example"] if resume else None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # `train` itself says what is wrong with the run directory


def _results(args: argparse.Namespace) -> str:
    from keras_classics import results
    from keras_classics.datasets import DataSource

    rows = None
    if args.update:
        rows = results.update(
            args.runs_dir, DataSource.from_env("real", args.data_dir, offline=True)
        )
    form = "json" if args.json else "markdown" if args.markdown else "text"
    text = results.text(form, rows)
    return f"{text}\n(wrote {results.RESULTS_FILE})" if args.update and form == "text" else text


def _report(args: argparse.Namespace) -> str:
    from keras_classics import reports, runs

    if args.run_dir is not None:
        return f"wrote {reports.write_run_report(runs.Run.open(args.run_dir))}"
    if args.html is not None:
        return f"wrote {reports.write_gallery(args.runs_dir, args.html)}"
    return reports.listing(
        args.runs_dir, "json" if args.json else "markdown" if args.markdown else "text"
    )


def _writable_folder(path: Path, flag: str) -> None:
    """`path` is a folder we can write in, or can be created as one."""
    if path.exists():
        if not path.is_dir():
            raise UserError(f"{flag} {path}: is a file, not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise UserError(f"{flag} {path}: this folder is not writable")
        return
    parent = next((p for p in path.absolute().parents if p.exists()), None)
    if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"{flag} {path}: cannot be created ({parent} is not a writable folder)")


def _check_paths(args: argparse.Namespace) -> None:
    """Every path the user gives, checked for what it must be, before anything is loaded."""
    if (
        args.command in ("train", "reproduce", "sample")
        and getattr(args, "runs_dir", None) is not None
    ):
        _writable_folder(Path(args.runs_dir), "--runs-dir")
    if getattr(args, "output", None) is not None:
        _writable_folder(Path(args.output), "--output")
    data_dir = getattr(args, "data_dir", None)
    if data_dir and not Path(data_dir).expanduser().is_dir():
        what = (
            "is a file, not a folder" if Path(data_dir).expanduser().exists() else "no such folder"
        )
        raise UserError(f"--data-dir {data_dir}: {what}")
    weights = getattr(args, "weights", "")
    if weights and not Path(weights).expanduser().is_file():
        raise UserError(f"--weights {weights}: no such file")
    if weights and not os.access(Path(weights).expanduser(), os.R_OK):
        raise UserError(f"--weights {weights}: not readable")


def _check_example_args(args: argparse.Namespace) -> None:
    """The example name, preset and --set values, checked from the example's source before
    keras is imported (a mistake costs well under a second); names match case-insensitively."""
    name = _example_of(args)
    if name is None:
        return
    name = registry.spec(name).name
    if getattr(args, "name", None):
        args.name = name
    elif args.command == "sample":
        args.target = name
    example_info.check(name, getattr(args, "preset", None), getattr(args, "sets", ()))


def _check_bench(args: argparse.Namespace) -> None:
    if args.distribute or args.devices:
        if args.update_auto_table:
            raise UserError("--update-auto-table measures one device: drop --distribute/--devices")
        if args.backend == "all":
            args.backend = "jax"  # the one backend keras.distribution runs on
        for name in args.backend.split(","):
            distribute.prepare(
                args.distribute, args.devices, name, registry.spec(args.name) if args.name else None
            )
    if (args.steps is not None and args.steps < 1) or args.repeats < 1:
        raise UserError("--steps and --repeats must be at least 1")
    if args.timeout <= 0:
        raise UserError("--timeout must be a positive number of seconds")
    if bool(args.name) == bool(args.all):
        raise UserError("bench needs an example name or --all, not both")
    if args.name:
        registry.spec(args.name)


def _example_of(args: argparse.Namespace) -> str | None:
    """The example a command is about, for `--backend auto` (None for a run directory)."""
    name = getattr(args, "name", None)
    if args.command == "sample" and not (Path(args.target) / "config.json").is_file():
        name = args.target
    if args.command in ("train", "reproduce", "bench", "summary", "explain", "sample") and name:
        return name
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: `keras-classics ...` and `python -m keras_classics ...`.

    Returns:
        0 on success, 2 for a user error (one line on stderr), 1 for a failing disk or file
        system or memory running out (one line), 130 when interrupted.
    """
    try:
        args = build_parser().parse_args(argv)
        return dispatch(args)
    except UserError as error:
        print(f"keras-classics: error: {error}", file=sys.stderr)
        return 2
    except TimeLimitReached:
        return 0  # the run said where it stopped and how to continue
    except KeyboardInterrupt:
        print("keras-classics: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `keras-classics list | head`: the reader left; say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:  # disk full, permissions: the run records it; the user gets a line
        where = f" ({error.filename})" if error.filename else ""
        print(f"keras-classics: error: {error.strerror or error}{where}", file=sys.stderr)
        return 1
    except Exception as error:
        if not out_of_memory(error):
            raise
        # Sizes are bounded (config.MAX_WIDTH), but several wide layers can still outgrow a
        # machine: the run is marked failed, and the user gets a line, not a backend's traceback.
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        first = re.sub(r"^\{\{.*?\}\}\s*", "", first)[:200]  # TensorFlow's op prefix
        print(
            f"keras-classics: error: out of memory ({first or type(error).__name__}); "
            "try smaller sizes (--set) or a smaller batch_size",
            file=sys.stderr,
        )
        return 1
