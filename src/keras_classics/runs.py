"""Run directories and their lifecycle: `runs/<example>/<timestamp>/` with config, environment,
metrics, checkpoint, model and artifacts.

The lifecycle, for `keras-classics train` and for anything else that trains (the vision examples
train their built-in network on the spot):

    run = Run.start(runs_dir, example, record, env)   # config.json, env.json, status "running"
    final = execute(run, lambda: module.train(config, data, run))   # finished/failed/interrupted
    latest_finished(runs_dir, example) -> Run | None; load_model(run) -> keras.Model

Each epoch is recorded by `training` (metrics.csv row, checkpoint, model.keras) through
`Run.append_metrics` and the paths here. Every file is written atomically (temporary file,
then rename), and a run directory is never reused: a second run in the same second gets a suffix.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from keras_classics.errors import UserError

STATUS_FILE = "status.json"
LOG_FILE = "train.log"
# Held (flock) by the process training the run: a second `--resume` of it is refused, and a run
# whose status says "running" while nobody holds it was killed. The kernel releases the lock
# when the process ends, however it ends (SIGKILL included), so it never needs cleaning up.
LOCK_FILE = ".lock"
# The temporary files of a write in progress: `write_atomic`'s hidden `.<name>.<random>.tmp` and
# `training.save_model`'s `<name>.partial.keras`. A process killed mid-write leaves them behind.
TEMPORARY_SUFFIX = ".tmp"
PARTIAL_MODEL_SUFFIX = ".partial.keras"
TEMPORARY_SUFFIXES = (TEMPORARY_SUFFIX, PARTIAL_MODEL_SUFFIX)


class _Tee:
    """A text stream writing to a terminal (or pipe) and a log file at once."""

    def __init__(self, stream, log):
        self.stream, self.log = stream, log

    def write(self, text: str) -> int:
        self.log.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()
        self.log.flush()

    def isatty(self) -> bool:  # Keras' progress bar on a terminal, lines in a log
        return self.stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Writes `data` to `path` so that readers see the old file or the whole new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        # mkstemp makes the file private (0600); run files are read by people and tools as any
        # other file the user writes: 0644 less the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _json_default(value: Any) -> Any:
    # NumPy scalars and arrays, Paths: everything else is a bug worth a TypeError.
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(path: Path, data: Any) -> None:
    """Writes `data` as indented JSON, atomically."""
    write_atomic(path, json.dumps(data, indent=2, default=_json_default) + "\n")


def read_json(path: Path) -> Any:
    """Reads a JSON file of a run.

    Raises:
        UserError: if it is missing or not valid JSON.
    """
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} not found: is this a keras-classics run directory?") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UserError(
            f"{path} is not valid JSON ({error}); the run directory is damaged"
        ) from None


class Run:
    """One run directory and the files in it."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def example(self) -> str:
        """The example this run belongs to (its parent folder's name)."""
        return self.path.parent.name

    # -- creating and opening ---------------------------------------------------------------
    @classmethod
    def create(cls, runs_dir: Path, example: str) -> Run:
        """Creates a new, empty run directory for `example` under `runs_dir`."""
        parent = Path(runs_dir) / example
        parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for attempt in range(1000):
            path = parent / (stamp if attempt == 0 else f"{stamp}-{attempt}")
            try:
                path.mkdir()
            except FileExistsError:
                continue
            run = cls(path)
            run.set_status("running")
            return run
        raise UserError(f"could not create a new run directory under {parent}")

    @classmethod
    def start(
        cls, runs_dir: Path, example: str, record: Mapping[str, Any], env: Mapping[str, Any]
    ) -> Run:
        """Creates a run of `example` with its config.json (`record`) and env.json."""
        run = cls.create(runs_dir, example)
        run.write_json("config.json", {"example": example, "started": time.time(), **record})
        run.write_json("env.json", dict(env))
        return run

    def reopen(self, env: Mapping[str, Any]) -> None:
        """Marks a run running again for --resume, keeping this session's environment beside,
        and removes the temporary files of writes that a killed process left unfinished."""
        for path in self.unfinished_writes():
            path.unlink(missing_ok=True)
        self.set_status("running")
        self.write_json(f"env-resume-{time.strftime('%Y%m%d-%H%M%S')}.json", dict(env))

    def unfinished_writes(self) -> list[Path]:
        """Temporary files of writes that never completed (the process was killed mid-write).

        Nothing reads them: each write's file is the old one or the new one, whole. They are
        left only when no `except` could run (SIGKILL, power loss), and take room (a checkpoint
        holds every weight), so `--resume` removes them.
        """
        return sorted(
            path
            for path in self.path.rglob("*")
            if path.name.endswith(TEMPORARY_SUFFIXES) and path.is_file()
        )

    # -- who is training it ------------------------------------------------------------------
    @contextlib.contextmanager
    def hold(self):
        """Holds the run's lock while the caller trains it (this process's id inside).

        Raises:
            UserError: when another process holds it (it is training this run now).
        """
        handle = open(self.path / LOCK_FILE, "a+")  # noqa: SIM115 (held until the end)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                pid = handle.read().strip()
                who = f"another process (pid {pid})" if pid.isdigit() else "another process"
                raise UserError(
                    f"{self.path} is being trained by {who}; wait for it to end or stop it"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield self
        finally:
            handle.close()  # releases the lock

    def is_live(self) -> bool:
        """Whether a process holds the run's lock, i.e. is training it now."""
        try:
            handle = open(self.path / LOCK_FILE)  # noqa: SIM115
        except OSError:
            return False
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False

    @classmethod
    def open(cls, path: Path) -> Run:
        """Opens an existing run directory.

        Raises:
            UserError: if `path` is not a run directory.
        """
        path = Path(path)
        if not (path / "config.json").is_file():
            raise UserError(f"{path} is not a run directory (no config.json)")
        return cls(path)

    # -- files ------------------------------------------------------------------------------
    @property
    def artifacts(self) -> Path:
        """The folder for images, texts and tables the example produces."""
        folder = self.path / "artifacts"
        folder.mkdir(exist_ok=True)
        return folder

    @property
    def checkpoint_dir(self) -> Path:
        """The folder of the last finished epoch's training state (for --resume)."""
        return self.path / "checkpoint"

    @property
    def model_path(self) -> Path:
        """The saved model (`model.keras`), rewritten after every epoch."""
        return self.path / "model.keras"

    @contextlib.contextmanager
    def tee_output(self):
        """Copies what is printed (stdout) to the run's train.log, appended across --resume."""
        log = open(self.path / LOG_FILE, "a", encoding="utf-8")  # noqa: SIM115 - closed below
        tee = _Tee(sys.stdout, log)
        previous, sys.stdout = sys.stdout, tee
        try:
            yield self
        finally:
            sys.stdout = previous
            log.close()

    def write_json(self, name: str, data: Any) -> Path:
        """Writes `name` (relative to the run) as JSON, atomically."""
        path = self.path / name
        write_json(path, data)
        return path

    def read_json(self, name: str) -> Any:
        """Reads `name` (relative to the run) as JSON."""
        return read_json(self.path / name)

    def write_text(self, name: str, text: str) -> Path:
        """Writes an artifact text file, atomically, and returns its path."""
        path = self.artifacts / name
        write_atomic(path, text)
        return path

    # -- metrics ----------------------------------------------------------------------------
    @property
    def metrics_path(self) -> Path:
        return self.path / "metrics.csv"

    def read_metrics(self) -> list[dict[str, str]]:
        """Returns the rows of metrics.csv (empty if there are none yet)."""
        if not self.metrics_path.exists():
            return []
        with open(self.metrics_path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def append_metrics(self, row: Mapping[str, Any]) -> None:
        """Adds one epoch's row to metrics.csv, keeping earlier rows (rewritten atomically)."""
        rows: list[dict[str, Any]] = self.read_metrics()
        epoch = row.get("epoch")
        # A resumed run replays nothing, but guard against a duplicated epoch row anyway.
        rows = [r for r in rows if str(r.get("epoch")) != str(epoch)]
        rows.append({k: _format_metric(v) for k, v in row.items()})
        columns: list[str] = []
        for r in rows:
            columns.extend(k for k in r if k not in columns)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomic(self.metrics_path, out.getvalue())

    # -- status -----------------------------------------------------------------------------
    def set_status(self, status: str, **extra: Any) -> None:
        """Records "running", "finished", "failed" or "interrupted" (with a reason) in
        status.json."""
        self.write_json(STATUS_FILE, {"status": status, "time": time.time(), **extra})

    @property
    def status(self) -> str:
        path = self.path / STATUS_FILE
        if not path.exists():
            return "unknown"
        return read_json(path).get("status", "unknown")

    def finish(self, final: Mapping[str, Any]) -> None:
        """Writes final.json and marks the run finished."""
        self.write_json("final.json", dict(final))
        self.set_status("finished")

    def fail(self, reason: str) -> None:
        """Marks the run failed, keeping whatever finished epochs it has."""
        self.set_status("failed", reason=reason)

    def interrupt(self, reason: str = "") -> None:
        """Marks the run stopped (Ctrl-C, or --time-limit); `--resume` continues it."""
        self.set_status("interrupted", reason=reason or "stopped by the user (Ctrl-C)")


def first_line(error: BaseException) -> str:
    """The first line of an error's message, or its type when it has none."""
    text = str(error)
    return text.splitlines()[0] if text.strip() else type(error).__name__


def execute(run: Run, train: Callable[[], Mapping[str, Any]]) -> dict[str, float]:
    """Calls `train()` and records how it ended: finished (with final.json), failed or
    interrupted. Returns the final metrics as floats; re-raises what stopped it."""
    try:
        final = train()
    except KeyboardInterrupt as stop:
        run.interrupt(str(stop))
        raise
    except BaseException as error:
        run.fail(first_line(error))
        raise
    final = {key: float(value) for key, value in final.items()}
    run.finish(final)
    return final


def latest_finished(
    runs_dir: Path, example: str, with_model: bool = False, skipped: list[str] | None = None
) -> Run | None:
    """The newest finished run of `example` under `runs_dir` (that saved its model, if asked).

    A damaged run (its status.json unreadable) is passed over, with one line in `skipped`."""
    folder = Path(runs_dir) / example
    for path in sorted(folder.iterdir(), reverse=True) if folder.is_dir() else []:
        run = Run(path)
        if not (path / "config.json").is_file():
            continue
        try:
            status = run.status
        except UserError as error:
            if skipped is not None:
                skipped.append(f"skipped {path}: {error}")
            continue
        if status == "finished" and (not with_model or run.model_path.is_file()):
            return run
    return None


def load_model(run: Run):
    """The run's saved model (imports keras).

    Raises:
        UserError: when the run has no model yet or the file is damaged.
    """
    if not run.model_path.is_file():
        raise UserError(f"{run.path} has no model.keras yet (did its first epoch finish?)")
    import keras

    try:
        # safe_mode: a model.keras from elsewhere cannot run code (Lambda layers' bytecode)
        return keras.models.load_model(run.model_path, safe_mode=True)
    except (OSError, ValueError) as error:
        raise UserError(f"cannot load {run.model_path}: {first_line(error)}") from None


def output_folder(
    output: Path | None, run: Run | None, runs_dir: Path, example: str, prefix: str = "sample"
) -> Path:
    """Where a sample writes: `--output`, else the run's artifacts, else a new
    `<runs_dir>/<example>/<prefix>-<time>` folder."""
    if output is not None:
        folder = Path(output).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"--output {output}: cannot create it ({error})") from None
        return folder
    if run is not None:
        return run.artifacts
    base = Path(runs_dir) / example
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(1000):
        name = f"{prefix}-{stamp}" if attempt == 0 else f"{prefix}-{stamp}-{attempt}"
        folder = base / name
        try:
            folder.mkdir(parents=True)
        except FileExistsError:
            continue
        return folder
    raise UserError(f"could not create an output folder under {base}")


def _format_metric(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6g}"
    if hasattr(value, "item"):
        return _format_metric(value.item())
    return value


def environment(backend: str) -> dict[str, Any]:
    """Versions, backend and device, recorded in env.json of every run."""
    import keras
    import numpy

    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "backend": backend,
        "cpu_count": os.cpu_count(),
    }
    info.update(_backend_info(backend))
    return info


def _backend_info(backend: str) -> dict[str, Any]:
    if backend == "jax":
        import jax

        devices = jax.devices()
        device = devices[0].platform
        if device != "cpu":
            device += f" ({devices[0].device_kind})"
        return {"jax": jax.__version__, "device": device}
    if backend == "torch":
        import torch

        device = f"cuda ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "cpu"
        return {"torch": torch.__version__, "device": device}
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return {"tensorflow": tf.__version__, "device": "gpu" if gpus else "cpu"}
