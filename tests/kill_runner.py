"""The child side of tests/test_fault_injection.py: runs `keras-classics train` in forked children
and SIGKILLs them at chosen points. Test code only; nothing in the package knows about it.

    python tests/kill_runner.py PLAN.json

This process imports the package and keras once (no backend computation, so forking is safe) and
then forks one child per `keras-classics train` (`cli.main`, as the console script runs it). A
child arms one kill point by patching, in itself only, `os.replace` (every file the package
writes lands with one: `runs.write_atomic`, `training.save_model`) and three `EpochLog` /
`EpochRecorder` methods, and when the point comes sends itself SIGKILL: no `finally`, no
`except`, no flush runs, as when the machine dies or the OOM killer strikes.

A kill point is `e<EPOCH>:<EVENT>` (EPOCH 0-based) or `end:<EVENT>`:

    begin                 the epoch starts (after the previous epoch's checkpoint)
    batch1                after the first training step (or execution of several) of the epoch
    validate              training done, validation starting
    <file>:mid            the temporary file of <file> written halfway (a partial write)
    <file>:before         the temporary file complete, not yet renamed onto <file>
    <file>:after          <file> renamed into place
                          (<file>: metrics.csv, model.keras, curves.png, state.npz per epoch;
                           final.json, status.json, report.html at the end)

The plan (JSON): {"argv": [...], "out": DIR, "example": NAME, "chains": [[point, ...], ...]}.
First a reference child trains without a kill and keeps a copy of the checkpoint after every
epoch (reference/state-<n>.npz). Then, for each chain, a fresh run is killed at its first
point, `--resume`d and killed at the next point, and so on; after each kill the run directory
is copied to chain-<c>/after-<i> for the test to inspect, and a last `--resume` finishes the run.
What happened to each child goes to DIR/children.json.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

# Epoch events in the order they happen; the index tells where the epoch's commit point is.
FILES = ("metrics.csv", "model.keras", "curves.png", "state.npz")
EPOCH_EVENTS = ("begin", "batch1", "validate") + tuple(
    f"{name}:{moment}" for name in FILES for moment in ("mid", "before", "after")
)
END_EVENTS = tuple(
    f"{name}:{moment}"
    for name in ("final.json", "status.json", "report.html")
    for moment in ("mid", "before", "after")
)
CHILD_TIMEOUT_S = 120


def all_points(epochs: int) -> list[str]:
    """Every kill point of a run of `epochs` epochs, in the order they happen."""
    points = [f"e{epoch}:{event}" for epoch in range(epochs) for event in EPOCH_EVENTS]
    return points + [f"end:{event}" for event in END_EVENTS]


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(point: str | None, keep_checkpoints: Path | None) -> None:
    """Patches this child so that it dies at `point` (or, for the reference, keeps a copy of each
    epoch's checkpoint in `keep_checkpoints`)."""
    from keras_classics import training

    where = {"epoch": None, "batches": 0, "finishing": False}

    def at(event: str) -> bool:
        if point is None:
            return False
        if point.startswith("end:"):
            return where["finishing"] and point == f"end:{event}"
        return point == f"e{where['epoch']}:{event}"

    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        name = os.path.basename(os.fspath(dst))
        if name == "final.json":  # training is over: what follows is the end of the run
            where["finishing"] = True
        if name == "status.json" and not where["finishing"]:
            return real_replace(src, dst, *args, **kwargs)  # "running" at the start
        if at(f"{name}:mid"):
            size = os.path.getsize(src)
            os.truncate(src, size // 2)
            _die()
        if at(f"{name}:before"):
            _die()
        result = real_replace(src, dst, *args, **kwargs)
        if keep_checkpoints is not None and name == training.CHECKPOINT_FILE:
            count = len(list(keep_checkpoints.glob("state-*.npz")))
            shutil.copyfile(dst, keep_checkpoints / f"state-{count + 1}.npz")
        if at(f"{name}:after"):
            _die()
        return result

    os.replace = replace

    begin = training.EpochLog.begin

    def epoch_begins(self, epoch):
        where["epoch"], where["batches"] = epoch, 0
        if at("begin"):
            _die()
        return begin(self, epoch)

    training.EpochLog.begin = epoch_begins

    batch_end = training.EpochRecorder.on_train_batch_end

    def batch_ends(self, batch, logs=None):
        batch_end(self, batch, logs)
        where["batches"] += 1
        if at(f"batch{where['batches']}"):
            _die()

    training.EpochRecorder.on_train_batch_end = batch_ends

    test_begin = training.EpochRecorder.on_test_begin

    def validation_begins(self, logs=None):
        test_begin(self, logs)
        if at("validate"):
            _die()

    training.EpochRecorder.on_test_begin = validation_begins


def _child(argv: list[str], log: Path, point: str | None, keep: Path | None) -> dict:
    """Runs `keras-classics <argv>` in a forked child; returns how it ended."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 70
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            _arm(point, keep)
            from keras_classics import cli

            code = cli.main(argv)
        except BaseException:  # noqa: BLE001 - a traceback in the log, a code the parent sees
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() - start > CHILD_TIMEOUT_S:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"point": point, "ended": "hung", "seconds": CHILD_TIMEOUT_S, "log": str(log)}
        time.sleep(0.01)
    if os.WIFSIGNALED(status):
        ended = (
            "killed" if os.WTERMSIG(status) == signal.SIGKILL else f"signal {os.WTERMSIG(status)}"
        )
    else:
        ended = f"exit {os.WEXITSTATUS(status)}"
    seconds = round(time.perf_counter() - start, 2)
    return {"point": point, "ended": ended, "seconds": seconds, "log": str(log)}


def main(plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text())
    out = Path(plan["out"])
    argv, example = plan["argv"], plan["example"]
    # Everything a child needs, imported once here (no backend computation before a fork).
    from keras_classics import backend

    backend.activate(os.environ.get("KERAS_BACKEND", "jax"))
    import matplotlib.pyplot  # noqa: F401 - curves.png

    from keras_classics import cli, commands, registry, reports  # noqa: F401

    registry.load(example)
    children: list[dict] = []

    reference = out / "reference"
    reference.mkdir(parents=True)
    train = ["train", *argv, "--quiet"]
    runs_dir = ["--runs-dir", str(reference / "runs")]
    children.append(_child(train + runs_dir, reference / "child.log", None, reference))
    for c, chain in enumerate(plan["chains"]):
        folder = out / f"chain-{c}"
        folder.mkdir()
        runs_dir = folder / "runs"
        run = None
        for i, point in enumerate([*chain, None]):
            if run is None:
                command = train + ["--runs-dir", str(runs_dir)]
            else:
                command = ["train", "--resume", str(run), "--quiet"]
            result = _child(command, folder / f"child-{i}.log", point, None)
            result["chain"] = c
            children.append(result)
            found = sorted((runs_dir / example).iterdir()) if (runs_dir / example).is_dir() else []
            run = found[0] if found else None
            if point is not None and run is not None:
                shutil.copytree(run, folder / f"after-{i}", symlinks=True)
            if result["ended"] != "killed" or run is None:
                break
            if json.loads((run / "status.json").read_text())["status"] == "finished":
                break  # killed after the run was marked finished: nothing left to resume
    (out / "children.json").write_text(json.dumps(children, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
