"""`--distribute data|model` and `--devices N`: training over several devices and hosts with
Keras' own `keras.distribution` (DataParallel, ModelParallel with a LayoutMap), which Keras 3.15
implements on JAX only.

Two halves, because JAX fixes its devices when it starts:
- `prepare` runs in `cli` before keras (and JAX) are imported: it checks the flags against the
  backend and the example, and asks XLA for N virtual CPU devices (`JAX_NUM_CPU_DEVICES`).
- `start` runs once the example is loaded and before any model is built: it joins the other
  hosts (`keras.distribution.initialize`, from Keras' KERAS_DISTRIBUTION_* variables) and sets
  the distribution. `training.fit` then asks `data_shard()` which part of each batch this process
  feeds, and `training_batches()` switches batch sharding on around the training steps only.

Exactness: the global batch is the config's batch size, split evenly over the devices; a batch
that does not split evenly (the last one of an epoch) loses its last few samples (fewer than the
number of devices; `trimmed_note` says how many). Evaluation, validation and prediction run on
whole batches of any size, computed on every device alike (replicated), so their numbers are
those of one device.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from keras_classics.errors import UserError

MODES = ("data", "model")
# Keras' own variables for several hosts (see keras.distribution.initialize).
HOST_VARIABLES = (
    "KERAS_DISTRIBUTION_JOB_ADDRESSES",
    "KERAS_DISTRIBUTION_NUM_PROCESSES",
    "KERAS_DISTRIBUTION_PROCESS_ID",
)


def several_hosts() -> bool:
    """Whether Keras' multi-host variables ask for more than one process."""
    return os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES", "").strip() not in ("", "0", "1")


def prepare(mode: str | None, devices: int | None, backend: str, example) -> None:
    """Checks `--distribute`/`--devices` before keras is imported; asks for virtual devices.

    Args:
        example: the registry entry of the example (None for commands without one).

    Raises:
        UserError: a backend without keras.distribution, an example whose training cannot be
            distributed, a bad device count or malformed multi-host variables.
    """
    if devices is not None and devices < 1:
        raise UserError(f"--devices {devices}: give a number of devices of at least 1")
    if mode is None and devices is None:
        if several_hosts():
            raise UserError("KERAS_DISTRIBUTION_NUM_PROCESSES is set: add --distribute data")
        return
    if mode == "model" and several_hosts():
        raise UserError("--distribute model runs on the devices of one host; use data across hosts")
    if mode is not None and example is not None and mode not in example.distribute:
        why = (
            "trains in its own loop, which keras.distribution does not split"
            if example.custom_loop
            else "has no layout map to shard its model"
        )
        can = f"; it can use --distribute {example.distribute[0]}" if example.distribute else ""
        raise UserError(f"{example.name} {why}: --distribute {mode} does not apply{can}")
    _check_host_variables()
    if backend != "jax":
        flag = "--distribute" if mode else "--devices"
        raise UserError(
            f"{flag} needs the JAX backend (Keras 3.15 implements keras.distribution on JAX "
            f"only); add --backend jax (this run would use {backend})"
        )
    if devices is not None:
        # Read by JAX when it starts: N host devices for XLA's CPU platform.
        os.environ["JAX_NUM_CPU_DEVICES"] = str(devices)
        if "jax" in sys.modules:  # imported already (a library caller): too late for the variable
            import jax

            try:
                jax.config.update("jax_num_cpu_devices", devices)
            except RuntimeError:
                pass  # JAX has started; the check below says so if the count differs
            if jax.local_device_count("cpu") != devices:
                raise UserError(
                    f"--devices {devices}: JAX has already started in this process with "
                    f"{jax.local_device_count('cpu')} CPU devices; start a new process"
                )


def _check_host_variables() -> None:
    values = {name: os.environ.get(name) for name in HOST_VARIABLES}
    if not several_hosts():
        return
    for name in HOST_VARIABLES[1:]:
        if not (values[name] or "").isdigit():
            raise UserError(f"{name}={values[name]!r}: expected a whole number")
    if int(values[HOST_VARIABLES[2]]) >= int(values[HOST_VARIABLES[1]]):
        raise UserError(
            f"KERAS_DISTRIBUTION_PROCESS_ID={values[HOST_VARIABLES[2]]} must be below "
            f"KERAS_DISTRIBUTION_NUM_PROCESSES={values[HOST_VARIABLES[1]]}"
        )
    if not values[HOST_VARIABLES[0]]:
        raise UserError(
            "KERAS_DISTRIBUTION_JOB_ADDRESSES is not set: give the coordinator's host:port"
        )


class _TrainingDataParallel:
    """Mixed into Keras' DataParallel and ModelParallel: the batch dimension is split over the
    devices only while `shard_batches(True)` is on. Keras fixes an iterator's data layout from
    its first batch, so a sharded layout would refuse an evaluation whose last batch does not
    split evenly; outside training steps the data is replicated instead (exact, as on one
    device)."""

    shard_batches = False

    def get_data_layout(self, data_shape):
        if self.shard_batches:
            return super().get_data_layout(data_shape)
        from keras.distribution import TensorLayout

        return TensorLayout([None] * len(data_shape), self.device_mesh)


_active: dict[str, Any] = {}


def join_hosts(mode: str | None) -> None:
    """With several processes (Keras' KERAS_DISTRIBUTION_* variables), joins them: before
    anything else touches JAX, right after keras is imported."""
    if mode is None or not several_hosts() or _active.get("initialized"):
        return
    from keras import distribution

    distribution.initialize()
    _active["initialized"] = True


def start(mode: str | None, module, config, spec) -> str:
    """Sets the distribution for `mode` before the example builds its model; returns a line for
    the run's header ("" without --distribute).

    Raises:
        UserError: a global batch size that does not split over the devices.
    """
    if mode is None:
        return ""
    from keras import distribution

    devices = distribution.list_devices()
    count = len(devices)
    batch_size = getattr(config, "batch_size", None)
    if mode == "data" and batch_size is not None and batch_size % count:
        raise UserError(
            f"batch_size {batch_size} does not split over {count} devices: "
            f"use a multiple of {count} (--set batch_size=...)"
        )
    if mode == "data":
        mixed = type("TrainingDataParallel", (_TrainingDataParallel, distribution.DataParallel), {})
        # Each process feeds its own part of every batch (training.EpochBatches): no auto-shard.
        chosen = mixed(devices=devices, auto_shard_dataset=False)
        what = f"data parallel over {count} devices"
    else:
        mesh = distribution.DeviceMesh((1, count), ("batch", "model"), devices)
        mixed = type(
            "TrainingModelParallel", (_TrainingDataParallel, distribution.ModelParallel), {}
        )
        chosen = mixed(layout_map=module.layout_map(config, spec, mesh), batch_dim_name="batch")
        what = f"model parallel over {count} devices (the example's layout map)"
    distribution.set_distribution(chosen)
    _active.update(mode=mode, devices=count, distribution=chosen)
    hosts = process_count()
    shown = ", ".join(str(device) for device in devices[:4]) + (" ..." if count > 4 else "")
    return f"distribute: {what}: {shown}" + (f" in {hosts} processes" if hosts > 1 else "")


def active() -> bool:
    return bool(_active.get("mode"))


def process_index() -> int:
    if not _active.get("initialized"):
        return 0
    import jax

    return jax.process_index()


def process_count() -> int:
    if not _active.get("initialized"):
        return 1
    import jax

    return jax.process_count()


def data_shard() -> tuple[int, int, int] | None:
    """(devices, processes, this process) for data-parallel training, else None."""
    if _active.get("mode") != "data":
        return None
    return _active["devices"], process_count(), process_index()


def shard_batches(on: bool) -> None:
    """Splits the batches that follow over the devices (on) or gives every device the whole
    batch (off); see `_TrainingDataParallel`."""
    chosen = _active.get("distribution")
    if chosen is not None:
        chosen.shard_batches = on


def memory_line(model) -> str:
    """How much of `model`'s variables each device holds, e.g. "imdb_fasttext's variables:
    936.6 MB in all, 312.2 MB on each of 3 devices"."""
    per_device: dict[Any, int] = {}
    total = 0
    for variable in model.variables:
        value = variable.value
        total += value.size * value.dtype.itemsize
        for shard in getattr(value, "addressable_shards", ()):
            per_device[shard.device] = per_device.get(shard.device, 0) + shard.data.nbytes
    if not per_device:
        return f"{model.name}'s variables: {_size(total)}"
    low, high = min(per_device.values()), max(per_device.values())
    each = _size(high) if low == high else f"{_size(low)} to {_size(high)}"
    return f"{model.name}'s variables: {_size(total)} in all, {each} on each of {len(per_device)} devices"


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def environment() -> dict[str, Any]:
    """What env.json records about the distribution."""
    if not active():
        return {}
    return {
        "distribute": _active["mode"],
        "devices": _active["devices"],
        "processes": process_count(),
    }


def reset() -> None:
    """Back to one device (tests run several trainings in one process)."""
    if _active.get("distribution") is not None:
        from keras import distribution

        distribution.set_distribution(None)
    initialized = _active.get("initialized")
    _active.clear()
    if initialized:
        _active["initialized"] = True
