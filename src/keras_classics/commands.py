"""What each command does, between the command line (parsing only) and the examples.

Imported only after the backend is chosen, because it imports keras.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import keras

from keras_classics import config as config_lib
from keras_classics import distribute, explaining, registry, reports, results, runs, training
from keras_classics.datasets import DataSource, catalog
from keras_classics.errors import MissingDataError, UserError
from keras_classics.tables import table


@dataclasses.dataclass(frozen=True)
class Options:
    """The flags shared by every command."""

    preset: str | None = None
    sets: tuple[str, ...] = ()
    seed: int | None = None
    backend: str = "jax"
    backend_choice: str = ""  # why this backend (auto's reason), for the header and env.json
    data: str | None = None  # None: "real", or what the run used
    data_dir: str | None = None
    runs_dir: Path = Path("runs")
    resume: Path | None = None
    offline: bool = False
    output: Path | None = None  # sample: where to write (default: the run's artifacts)
    weights: str = ""  # sample, explain: an ImageNet weight file
    quiet: bool = False  # train: no per-epoch or progress lines
    distribute: str | None = None  # train, bench: "data" or "model" (keras.distribution)
    time_limit: float | None = None  # train, reproduce: minutes, then stop after an epoch

    def context(self) -> registry.Context:
        """Where walkthroughs and standalone samples look and write, from these flags."""
        return registry.Context(self.source(), Path(self.runs_dir), self.output, self.weights)

    def source(self, default: str = "real", data_dir: str | None = None) -> DataSource:
        return DataSource.from_env(self.data or default, self.data_dir or data_dir, self.offline)

    def source_of_run(self, saved: dict[str, Any]) -> DataSource:
        """The data a run trained on (kind and --data-dir), unless these flags say otherwise."""
        return self.source(saved.get("data", "real"), saved.get("data_dir"))


def resolve_config(module: ModuleType, options: Options):
    """Defaults, preset, --set and --seed applied to the example's Config."""
    return config_lib.resolve(
        module.Config, module.PRESETS, options.preset, options.sets, options.seed
    )


# -- summary ------------------------------------------------------------------------------------
def models_of(name: str, module: ModuleType, config) -> dict[str, keras.Model]:
    """The example's models for `summary`: several where the seed shows several."""
    if registry.spec(name).several_models:
        return dict(module.summary_models(config))
    return {"model": module.build_model(config)}


def summary(name: str, options: Options) -> str:
    """Builds the default models from the config alone (no data) and returns their summaries."""
    module = registry.load(name)
    config = resolve_config(module, options)
    distributed = distribute.start(options.distribute, module, config, None)
    parts = []
    try:
        for model in models_of(name, module, config).values():
            parts.append(explaining.summary_text(model))
            if distributed:
                parts[-1] += "\n" + distribute.memory_line(model)
    finally:
        distribute.reset()
    return "\n\n".join([distributed, *parts] if distributed else parts)


# -- train --------------------------------------------------------------------------------------
def _header(name: str, run: runs.Run, env: dict[str, Any]) -> str:
    choice = f" ({env['backend_choice']})" if env.get("backend_choice") else ""
    return (
        f"{name}: run {run.path} | backend {env['backend']}{choice} | keras {env['keras']} | "
        f"device {env.get('device', '?')}"
    )


def reproduce(name: str, options: Options) -> runs.Run:
    """The original's recipe (the config's defaults, and only the --set values given) on real
    data, recorded for the results table (`results.py`)."""
    if options.preset:
        raise UserError("reproduce trains the original's recipe: drop --preset (train takes one)")
    if options.data == "synthetic":
        raise UserError("reproduce trains on real data: drop --data synthetic")
    run = train(name, dataclasses.replace(options, data="real"), reproduce=True)
    row = results.row_of(run)
    if row is not None:
        print(f"result: {row['key']} (documented: {row['documented']})")
        print(
            f"add it to the shipped table: {results.REGENERATE.replace('RUNS', str(options.runs_dir))}"
        )
    return run


def train(name: str | None, options: Options, reproduce: bool = False) -> runs.Run:
    """Trains an example in a new run directory, or continues one with --resume (a reproduce
    run resumed stays one)."""
    with contextlib.ExitStack() as cleanup:
        return _train(name, options, reproduce, cleanup)


def _train(
    name: str | None, options: Options, reproduce: bool, cleanup: contextlib.ExitStack
) -> runs.Run:
    """`train`'s work; `cleanup` ends with it (the run's lock, the distribution, scratch)."""
    if options.resume is not None:
        run = runs.Run.open(options.resume)
        saved = run.read_json("config.json")
        if name and name != saved["example"]:
            raise UserError(f"{options.resume} is a run of {saved['example']}, not {name}")
        if distribute.process_index() == 0:  # the other processes only copy it
            cleanup.enter_context(run.hold())
        if options.sets or options.preset or options.seed is not None:
            raise UserError(
                "--resume continues a run with its saved config: drop --preset/--set/--seed"
            )
        if run.status == "finished":
            missing = "" if (run.path / reports.REPORT_FILE).is_file() else (
                f" (its report.html is missing: keras-classics report {run.path} writes it)"
            )  # fmt: skip
            raise UserError(f"{run.path} has already finished; nothing to resume{missing}")
        name = saved["example"]
        module = registry.load(name)
        config = config_lib.from_dict(module.Config, saved["config"])
        source = options.source_of_run(saved)
    else:
        if not name:
            raise UserError("name an example to train (see `keras-classics list`)")
        module = registry.load(name)
        config = resolve_config(module, options)
        source = options.source()
        run = None
    training.seed_everything(config.seed)
    training.QUIET = options.quiet
    training.STOP_AFTER = time.time() + 60 * options.time_limit if options.time_limit else None
    # Data first: a missing or corrupt file stops here, before anything is written.
    data = module.load_data(config, source)
    cleanup.callback(distribute.reset)  # a library caller's next run starts undistributed
    distributed = distribute.start(options.distribute, module, config, data.spec)
    env = runs.environment(options.backend)
    env["backend_choice"] = options.backend_choice
    env.update(distribute.environment())
    runs_dir = options.runs_dir
    if distribute.process_index() > 0:
        # Only process 0 writes the run directory; the others work in a scratch copy.
        runs_dir = Path(tempfile.mkdtemp(prefix="keras-classics-process-"))
        cleanup.callback(shutil.rmtree, runs_dir, ignore_errors=True)
        print(
            f"process {distribute.process_index()} of {distribute.process_count()}: "
            "process 0 writes the run directory; this one works in a scratch copy",
            flush=True,
        )
        if run is not None:
            run = runs.Run.open(Path(shutil.copytree(run.path, runs_dir / run.path.name)))
    if run is None:
        record = {
            "preset": options.preset,
            "data": source.kind,
            # absolute, so that evaluate and sample find the same files from anywhere
            "data_dir": str(source.data_dir.resolve()) if source.data_dir else None,
            "config": config_lib.to_dict(config),
        }
        if reproduce:
            record["reproduce"] = results.record(
                registry.spec(name), options.sets, options.data_dir, options.backend, data
            )
        run = runs.Run.start(runs_dir, name, record, env)
        cleanup.enter_context(run.hold())
    else:
        run.reopen(env)
    with run.tee_output():
        print(_header(name, run, env), flush=True)
        if distributed:
            print(distributed, flush=True)
        try:
            final = runs.execute(run, lambda: module.train(config, data, run))
        except KeyboardInterrupt as stop:
            what = str(stop) or "interrupted"
            print(f"{what}; continue with: keras-classics train --resume {run.path}")
            raise
        finally:
            _write_report(run)
        print("final: " + training.format_logs(final))
        _list_artifacts(run)
        print(f"run directory: {run.path}")
    return run


def _write_report(run: runs.Run) -> None:
    """report.html, at the end of a run however it ended (a report never fails the run)."""
    try:
        reports.write_run_report(run)
    except (UserError, OSError) as error:
        print(f"report.html not written: {runs.first_line(error)}")


def _list_artifacts(run: runs.Run) -> None:
    folder = run.path / "artifacts"
    written = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    print(f"report: {run.path / reports.REPORT_FILE}")
    if written:
        shown = ", ".join(written[:12]) + (
            f" and {len(written) - 12} more" if len(written) > 12 else ""
        )
        print(f"artifacts in {folder}: {shown}")


# -- evaluate and sample ------------------------------------------------------------------------
def _open_run_module(run: runs.Run, options: Options):
    saved = run.read_json("config.json")
    module = registry.load(saved["example"])
    config = config_lib.from_dict(module.Config, saved["config"])
    if options.sets:
        config = dataclasses.replace(
            config, **config_lib.parse_overrides(module.Config, options.sets)
        )
        config_lib.validate(config)
    return saved, module, config


def evaluate(run_dir: Path, options: Options) -> dict[str, float]:
    """Evaluates a run's model on its test data and records the result in the run."""
    run = runs.Run.open(run_dir)
    saved, module, config = _open_run_module(run, options)
    data = module.load_data(config, options.source_of_run(saved))
    model = runs.load_model(run)
    metrics = {key: float(value) for key, value in module.evaluate(config, data, model).items()}
    run.write_json(f"evaluation-{time.strftime('%Y%m%d-%H%M%S')}.json", metrics)
    return metrics


def latest_run(runs_dir: Path, name: str) -> runs.Run:
    """The newest finished run of `name` under `runs_dir`.

    Raises:
        UserError: when there is none.
    """
    skipped: list[str] = []
    run = runs.latest_finished(runs_dir, name, skipped=skipped)
    for line in skipped:
        print(line, file=sys.stderr)
    if run is None:
        raise UserError(
            f"no finished run of {name} under {runs_dir}: train one first "
            f"(keras-classics train {name}) or give a run directory"
        )
    return run


def sample(target: str, options: Options) -> None:
    """Runs the example's sampling step on a run's model (or on its built-in network)."""
    path = Path(target)
    if (path / "config.json").is_file():
        run = runs.Run.open(path)
        name = run.read_json("config.json")["example"]
    else:
        name, run = target, None
    example = registry.spec(name)
    if not example.sample:
        raise UserError(f"{name} has no sampling or inspection step")
    if run is None and example.sample == "standalone":
        # No run to read: the network comes from --runs-dir (or ImageNet weights), the files
        # from --data-dir, as the flags say.
        module = registry.load(name)
        config = resolve_config(module, options)
        training.seed_everything(config.seed)
        module.sample(config, None, None, options.context())
        return
    run = run or latest_run(options.runs_dir, name)
    saved, module, config = _open_run_module(run, options)
    training.seed_everything(config.seed)
    # The run's own data (kind and --data-dir) for samplers that draw examples from it.
    context = dataclasses.replace(options.context(), source=options.source_of_run(saved))
    module.sample(config, runs.load_model(run), run, context)


# -- data, list, report -------------------------------------------------------------------------
def data_status(options: Options) -> str:
    """Where each dataset file is looked for, whether it is there and verified."""
    return table(catalog.status(options.source()))


# -- explain ------------------------------------------------------------------------------------
def fresh_session(seed: int) -> None:
    """A new Keras session, every seed set: automatic layer names start from 0 again."""
    keras.backend.clear_session()
    training.seed_everything(seed)


def explain(name: str, options: Options, lang: str) -> str:
    """The example's walkthrough; real data if present, else the synthetic twin.

    The first line says which data it ran on, short, and what the walkthrough's `Lead`s say a
    reader must know first (random weights, stand-in images); why the real data was not found
    comes on the lines after it.
    """
    module = registry.load(name)
    walkthrough = registry.walkthrough(name)
    config = resolve_config(module, options)
    context = options.context()
    source = context.source
    note, details = f"data: {source.kind}", ""
    example = registry.spec(name)
    if not source.synthetic and example.builtin_data:
        note = f"data: {example.dataset}, made by the example as in the original"

    def run(where: registry.Context) -> list:
        fresh_session(config.seed)  # each attempt: names numbered from 0, the same draws
        return list(walkthrough.explain(config, where))

    printed = io.StringIO()  # what the example prints on the way comes after the first line
    with contextlib.redirect_stdout(printed):
        if options.data is None and not source.synthetic:
            # explain never downloads: real files if present, otherwise the twin.
            offline = dataclasses.replace(context, source=dataclasses.replace(source, offline=True))
            try:
                items = run(offline)
            except MissingDataError as error:  # a corrupt file stays an error
                note = "data: synthetic (real data not found offline)"
                details = "\n".join(
                    textwrap.wrap(
                        str(error),
                        width=100,
                        initial_indent="  ",
                        subsequent_indent="    ",
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
                printed.seek(0)  # what the failed attempt printed is not shown
                printed.truncate()
                synthetic = dataclasses.replace(source, kind="synthetic")
                items = run(dataclasses.replace(context, source=synthetic))
        else:
            items = run(context)
    leads = [item.in_language(lang) for item in items if isinstance(item, explaining.Lead)]
    sections = [item for item in items if isinstance(item, explaining.Section)]
    head = "; ".join([note, *leads]) + (f"\n{details}" if details else "")
    extra = printed.getvalue().strip()
    return "\n\n".join(part for part in (head, extra, explaining.render(sections, lang)) if part)
