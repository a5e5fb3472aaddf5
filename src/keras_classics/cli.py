"""The `keras-classics` command line: parsing and dispatch only.

keras is imported only after `--backend` has set KERAS_BACKEND (see `backend.activate`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from keras_classics import __version__, backend, registry
from keras_classics.errors import UserError
from keras_classics.tables import table

COMMANDS = ("list", "summary", "train", "evaluate", "sample", "explain", "report", "data", "bench")


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
        help="jax, torch, tensorflow or auto (JAX)" + (", comma-separated" if backend_list else ""),
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
    for name, help_text in (
        ("summary", "print the default model's summary and parameter counts (no data needed)"),
        ("explain", "walk through the example's data and model, step by step"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("name")
        _common(command)
        if name == "explain":
            command.add_argument("--lang", choices=("en", "zh"), default="en")
    command = sub.add_parser("train", help="train an example in a new run directory")
    command.add_argument("name", nargs="?")
    _common(command)
    command.add_argument(
        "--resume", type=Path, metavar="RUN_DIR", help="continue an unfinished run"
    )
    command = sub.add_parser("evaluate", help="evaluate a run's model on its test data")
    command.add_argument("run_dir", type=Path)
    _common(command)
    command = sub.add_parser("sample", help="run an example's generation/inspection step")
    command.add_argument("target", metavar="NAME|RUN_DIR")
    _common(command)
    command = sub.add_parser("report", help="a table of the runs under --runs-dir")
    command.add_argument("--runs-dir", default="runs", type=Path)
    command = sub.add_parser(
        "data", help="where each dataset is looked for, and whether it is there"
    )
    command.add_argument("--data-dir")
    command = sub.add_parser("bench", help="training throughput (samples/s) per backend")
    command.add_argument("name")
    _common(command, backend_list=True)
    command.add_argument("--steps", type=int, default=50, help="timed steps after warm-up")
    command.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    return parser


def markdown_table() -> str:
    """The README's table of examples, generated from the registry so it cannot rot."""
    lines = [
        "| example | dataset | task | documented result of the original |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{e.name}` | {e.dataset} | {e.task} | {e.documented} |" for e in registry.EXAMPLES
    ]
    return "\n".join(lines)


def _list(markdown: bool) -> str:
    if markdown:
        return markdown_table()
    rows = [
        {"example": e.name, "dataset": e.dataset, "task": e.task, "documented result": e.documented}
        for e in registry.EXAMPLES
    ]
    return table(rows)


def _options(args: argparse.Namespace, backend_name: str):
    from keras_classics.commands import Options

    return Options(
        preset=getattr(args, "preset", None),
        sets=tuple(getattr(args, "sets", ())),
        seed=getattr(args, "seed", None),
        backend=backend_name,
        data=getattr(args, "data", None),
        data_dir=getattr(args, "data_dir", None),
        runs_dir=getattr(args, "runs_dir", Path("runs")),
        resume=getattr(args, "resume", None),
        offline=getattr(args, "offline", False),
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
    if args.command == "bench" and not args.json:
        names = [b.strip() for b in args.backend.split(",") if b.strip()]
        resolved = [backend.resolve(b) for b in names]
        backend.activate(resolved[0])
        from keras_classics import commands

        print(commands.bench(args.name, _options(args, resolved[0]), resolved, args.steps))
        return 0
    if args.command == "bench" and args.steps < 1:
        raise UserError("--steps must be at least 1")
    backend_name = backend.activate(_run_backend(args))
    from keras_classics import commands

    options = _options(args, backend_name)
    if args.command == "summary":
        print(commands.summary(args.name, options))
    elif args.command == "explain":
        print(commands.explain(args.name, options, args.lang))
    elif args.command == "train":
        commands.train(args.name, options)
    elif args.command == "evaluate":
        metrics = commands.evaluate(args.run_dir, options)
        print("  ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    elif args.command == "sample":
        commands.sample(args.target, options)
    elif args.command == "report":
        print(commands.report(options))
    elif args.command == "data":
        print(commands.data_status(options))
    elif args.command == "bench":
        print(json.dumps(commands.bench_one(args.name, options, args.steps)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: `keras-classics ...` and `python -m keras_classics ...`.

    Returns:
        0 on success, 2 for a user error (one line on stderr), 130 when interrupted.
    """
    try:
        args = build_parser().parse_args(argv)
        return dispatch(args)
    except UserError as error:
        print(f"keras-classics: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("keras-classics: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `keras-classics list | head`: the reader left; say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
