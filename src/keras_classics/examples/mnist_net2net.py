"""mnist_net2net: Net2WiderNet and Net2DeeperNet, growing a trained network without forgetting.

What it teaches: weight surgery with get_weights/set_weights. The paper (Chen, Goodfellow,
Shlens, "Net2Net: Accelerating Learning via Knowledge Transfer", arXiv:1511.05641) turns a
trained *teacher* into a wider or deeper *student* that computes the same function, so the
student starts where the teacher ended instead of from scratch.
- Teacher (238,986 parameters): Conv2D(64, 'conv1') -> MaxPool -> Conv2D(64, 'conv2') -> MaxPool
  -> Flatten -> Dense(64, relu, 'fc1') -> Dense(10, softmax, 'fc2'). The convolutions have no
  activation, as in the original.
- Net2WiderNet (477,898): conv1 and fc1 get 128 units. The new units copy randomly chosen old
  ones, and the outgoing weights of every copied unit are divided by its number of copies, so
  the next layer sees the same sums. A little noise (5% of the weights' std) on the copies'
  outgoing weights breaks the symmetry. Baseline 'random-pad': new units with N(0, 0.1) weights.
- Net2DeeperNet (280,074): 'conv2-deeper' (identity kernel: the centre tap maps channel i to i)
  after conv2, and 'fc1-deeper' (identity matrix; relu(relu(x)) = relu(x)) after fc1. Baseline
  'random-init': the new layers keep Keras' default initialisation.
The experiment: train the teacher, then the four students, each for 3 epochs (teacher SGD 0.01,
students SGD 0.001, both momentum 0.9, batch 32). Before the students train, a check measures
how far each one's predictions are from the teacher's: net2wider and net2deeper must agree (up
to the symmetry-breaking noise; `--set noise_scale=0` makes net2wider exact), the baselines not.

Documented result of the original (validation loss after epochs 1, 2, 3; TF backend,
channels_last, GTX Titan X):
  (0) teacher_model:       0.0537 0.0354 0.0356
  (1) wider_random_pad:    0.0320 0.0317 0.0289
  (2) wider_net2wider:     0.0271 0.0274 0.0270
  (3) deeper_random_init:  0.0682 0.0506 0.0468
  (4) deeper_net2deeper:   0.0292 0.0294 0.0286
The run writes the same table to `artifacts/experiments.txt`, and the check to
`artifacts/function_check.txt`. model.keras holds all five trained networks as one model with
five outputs, so `evaluate` reproduces every experiment's test loss and accuracy.

Measured here (TensorFlow, CPU; real Fashion-MNIST, 10,000 training images, 2 epochs each,
`--set dataset=fashion_mnist --set train_samples=10000 --set epochs=2`): validation loss
teacher 0.5047 0.4665, wider_random_pad 0.4185 0.4065, wider_net2wider 0.4080 0.3973,
deeper_random_init 0.5426 0.5081, deeper_net2deeper 0.4045 0.3918 -- the original's ordering.
Before training, net2deeper agreed with the teacher exactly, net2wider on 99.5% of 1,000 test
images (its noise), random-pad on 69.6%, random-init on 9.8%.

Differences from the original (Keras 2.3.1 `examples/mnist_net2net.py`):
- channels_last only, and said so: the original's docstrings describe channels_first kernels
  (filters, channels, kh, kw) while its code indexes channels_last (kh, kw, channels, filters),
  and its first check compared the wrong axes (3 == 3, true by accident). Here the shapes are
  checked on the right axes and a mismatch raises ValueError.
- `Conv2D(weights=...)` no longer exists in Keras 3: the identity kernel is set with
  set_weights after the model is built.
- Seeded generators replace np.random (index choice, noise, random padding); all five networks
  see the same batch order; the teacher is trained once and shared by both experiments.
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np

from keras_classics import training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource, mnist
from keras_classics.errors import UserError
from keras_classics.runs import Run

STUDENTS = ("wider_random_pad", "wider_net2wider", "deeper_random_init", "deeper_net2deeper")
EXPERIMENTS = ("teacher", *STUDENTS)


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings; `noise_scale` is net2wider's noise as a fraction of the std."""

    epochs: int = 3
    batch_size: int = 32
    dataset: str = "mnist"
    conv_filters: int = 64
    dense_units: int = 64
    wider_conv_filters: int = 128
    wider_dense_units: int = 128
    teacher_learning_rate: float = 0.01
    student_learning_rate: float = 0.001
    momentum: float = 0.9
    noise_scale: float = 0.05

    def check(self) -> None:
        """Rejects values the transforms cannot use."""
        if self.dataset not in mnist.DATASETS:
            raise UserError(f"dataset must be mnist or fashion_mnist, got {self.dataset!r}")
        for wider, narrow in (
            ("wider_conv_filters", "conv_filters"),
            ("wider_dense_units", "dense_units"),
        ):
            low = getattr(self, narrow)
            check_range(wider, getattr(self, wider), low, low_open=True, why=f"{narrow} is {low}")
        check_range("noise_scale", self.noise_scale, 0, 1, why="a fraction of the weights' std")


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {
        "epochs": 2,
        "train_samples": 512,
        "test_samples": 256,
        "conv_filters": 8,
        "dense_units": 16,
        "wider_conv_filters": 12,
        "wider_dense_units": 24,
        # 32 steps instead of 5,000: larger steps so that the tiny teacher learns something.
        "teacher_learning_rate": 0.05,
        "student_learning_rate": 0.005,
    },
    # About 1 min on 2 cores, one epoch of 10,000 Fashion-MNIST images: net2deeper 83.6% and
    # net2wider 83.1% test accuracy from an 81.9% teacher, random-init deeper 78.1%.
    "quick": {"epochs": 1, "train_samples": 10000},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Shapes the models need: 28x28 grey images (channels_last), 10 classes."""

    image_shape: tuple[int, int, int] = (28, 28, 1)
    num_classes: int = 10


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec


def load_data(config: Config, source: DataSource) -> Data:
    """MNIST (or Fashion-MNIST) as (N, 28, 28, 1) float32 in [0, 1] with one-hot labels."""
    return from_arrays(
        config, mnist.load(config.dataset, source, config.train_samples, config.test_samples)
    )


def from_arrays(config: Config, arrays: mnist.Arrays) -> Data:
    """The data prepared from MNIST's uint8 arrays, as `mnist.load` returns them."""
    (x_train, y_train), (x_test, y_test) = arrays
    spec = DataSpec()

    def prepare(images: np.ndarray, labels: np.ndarray):
        x = images.reshape((-1, *spec.image_shape)).astype("float32") / 255
        return x, keras.utils.to_categorical(labels, spec.num_classes)

    train = prepare(*training.limit((x_train, y_train), config.train_samples))
    test = prepare(*training.limit((x_test, y_test), config.test_samples))
    return Data(train=train, test=test, spec=spec)


# -- Knowledge transfer (channels_last kernels: (kh, kw, in_channels, filters)) ----------------
def wider2net(teacher_w1, teacher_b1, teacher_w2, new_width, init, rng, noise_scale=0.05):
    """Weights for a layer widened to `new_width` units, and for the layer it feeds.

    Works for convolutions and Dense layers alike: a layer's units are the last axis of its
    kernel, and the next layer's inputs the axis before its last.

    Args:
        teacher_w1: kernel of the layer to widen: (kh, kw, channels, filters) or (nin, units).
        teacher_b1: its bias, (units,).
        teacher_w2: kernel of the next layer: (kh, kw, units, filters2) or (units, nout).
        new_width: units of the wider layer (more than now).
        init: 'net2wider' (function-preserving) or 'random-pad' (the baseline).
        rng: a numpy Generator.
        noise_scale: net2wider's symmetry-breaking noise, a fraction of the copied weights' std.

    Returns:
        (student_w1, student_b1, student_w2).

    Raises:
        ValueError: on shapes that do not fit together or an unknown `init`.
    """
    units = teacher_w1.shape[-1]
    if teacher_w2.shape[-2] != units or teacher_b1.shape != (units,):
        raise ValueError(
            f"incompatible shapes: kernel {teacher_w1.shape}, bias {teacher_b1.shape}, "
            f"next kernel {teacher_w2.shape}"
        )
    if new_width <= units:
        raise ValueError(f"new width {new_width} must be larger than {units}")
    n = new_width - units
    if init == "random-pad":
        new_w1 = rng.normal(0, 0.1, size=teacher_w1.shape[:-1] + (n,))
        new_b1 = np.ones(n) * 0.1
        new_w2 = rng.normal(0, 0.1, size=teacher_w2.shape[:-2] + (n, teacher_w2.shape[-1]))
        student_w2 = np.concatenate((teacher_w2, new_w2), axis=-2)
    elif init == "net2wider":
        index = rng.integers(units, size=n)  # which units get copied (with repeats)
        factors = np.bincount(index)[index] + 1.0  # copies of each, the original included
        new_w1 = teacher_w1[..., index]
        new_b1 = teacher_b1[index]
        new_w2 = teacher_w2[..., index, :] / factors[:, np.newaxis]
        noise = rng.normal(0, noise_scale * new_w2.std(), size=new_w2.shape)
        student_w2 = np.concatenate((teacher_w2, new_w2 + noise), axis=-2)
        # The originals' outgoing weights are divided as well: all copies together sum to them.
        student_w2[..., index, :] = new_w2
    else:
        raise ValueError(f"unsupported weight initializer: {init}")
    student_w1 = np.concatenate((teacher_w1, new_w1), axis=-1)
    student_b1 = np.concatenate((teacher_b1, new_b1), axis=0)
    return student_w1, student_b1, student_w2


def wider2net_conv2d(teacher_w1, teacher_b1, teacher_w2, new_width, init, rng, noise_scale=0.05):
    """Net2WiderNet for Conv2D: kernels (kh, kw, channels, filters); see `wider2net`."""
    return wider2net(teacher_w1, teacher_b1, teacher_w2, new_width, init, rng, noise_scale)


def wider2net_fc(teacher_w1, teacher_b1, teacher_w2, new_width, init, rng, noise_scale=0.05):
    """Net2WiderNet for Dense: kernels (nin, nout); see `wider2net`."""
    return wider2net(teacher_w1, teacher_b1, teacher_w2, new_width, init, rng, noise_scale)


def deeper2net_conv2d(teacher_w):
    """An identity conv kernel (kh, kw, filters, filters) and zero bias for a layer inserted
    after a conv layer with kernel `teacher_w` (kh, kw, channels, filters)."""
    kh, kw, _, filters = teacher_w.shape
    student_w = np.zeros((kh, kw, filters, filters), dtype=teacher_w.dtype)
    for i in range(filters):
        student_w[(kh - 1) // 2, (kw - 1) // 2, i, i] = 1.0
    return student_w, np.zeros(filters, dtype=teacher_w.dtype)


def copy_weights(teacher: keras.Model, student: keras.Model, layer_names) -> None:
    """Copies the weights of the named layers from teacher to student."""
    for name in layer_names:
        student.get_layer(name).set_weights(teacher.get_layer(name).get_weights())


# -- Models -------------------------------------------------------------------------------------
def _network(config, spec, name, conv1, units, deeper_init=None, copied="glorot_uniform"):
    """The teacher's architecture with `conv1` filters and `units` in fc1; deeper_init adds
    conv2-deeper and fc1-deeper ('net2deeper': identity, 'random-init': Keras' default).

    `copied` initialises the layers whose weights a student takes from the teacher anyway:
    "zeros" there skips drawing random numbers that set_weights would overwrite at once.
    """

    def conv(filters, layer_name, initializer=copied):
        return keras.layers.Conv2D(
            filters, 3, padding="same", kernel_initializer=initializer, name=layer_name
        )

    def dense(width, layer_name, activation, initializer=copied):
        return keras.layers.Dense(
            width, activation=activation, kernel_initializer=initializer, name=layer_name
        )

    layers = [
        keras.Input(spec.image_shape),
        conv(conv1, "conv1"),  # no activation, as the original
        keras.layers.MaxPooling2D(2, name="pool1"),
        conv(config.conv_filters, "conv2"),
    ]
    # random-init draws Keras' default (Glorot uniform) from the config's seed, so a resumed
    # run builds the same student.
    random_init = keras.initializers.GlorotUniform(seed=config.seed)
    if deeper_init:
        initializer = "zeros" if deeper_init == "net2deeper" else random_init
        layers.append(conv(config.conv_filters, "conv2-deeper", initializer))
    layers += [
        keras.layers.MaxPooling2D(2, name="pool2"),
        keras.layers.Flatten(name="flatten"),
        dense(units, "fc1", "relu"),
    ]
    if deeper_init:
        # net2deeper for a Dense layer after relu is just an identity initialiser.
        initializer = "identity" if deeper_init == "net2deeper" else random_init
        layers.append(dense(units, "fc1-deeper", "relu", initializer))
    layers.append(dense(spec.num_classes, "fc2", "softmax"))
    return keras.Sequential(layers, name=name)


def _compile(model: keras.Model, learning_rate: float, config: Config) -> keras.Model:
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=config.momentum)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """The teacher, compiled with SGD(0.01, momentum 0.9)."""
    model = _network(config, spec, "teacher", config.conv_filters, config.dense_units)
    return _compile(model, config.teacher_learning_rate, config)


def make_wider_student(teacher, config, init, rng, spec: DataSpec = DataSpec()) -> keras.Model:
    """A wider conv1 and fc1, initialised from the teacher by 'random-pad' or 'net2wider'."""
    name = "wider_" + init.replace("-", "_")
    widths = (config.wider_conv_filters, config.wider_dense_units)
    model = _network(config, spec, name, *widths, copied="zeros")
    # conv1 and conv2, then fc1 and fc2: each widened layer and the one it feeds.
    for first, second, width, widen in (
        ("conv1", "conv2", config.wider_conv_filters, wider2net_conv2d),
        ("fc1", "fc2", config.wider_dense_units, wider2net_fc),
    ):
        w1, b1 = teacher.get_layer(first).get_weights()
        w2, b2 = teacher.get_layer(second).get_weights()
        new_w1, new_b1, new_w2 = widen(w1, b1, w2, width, init, rng, config.noise_scale)
        model.get_layer(first).set_weights([new_w1, new_b1])
        model.get_layer(second).set_weights([new_w2, b2])
    return _compile(model, config.student_learning_rate, config)


def make_deeper_student(teacher, config, init, spec: DataSpec = DataSpec()) -> keras.Model:
    """Extra conv2-deeper and fc1-deeper layers, by 'random-init' or 'net2deeper'."""
    name = "deeper_" + init.replace("-", "_")
    model = _network(config, spec, name, config.conv_filters, config.dense_units, init, "zeros")
    if init not in ("net2deeper", "random-init"):
        raise ValueError(f"unsupported weight initializer: {init}")
    if init == "net2deeper":
        previous_kernel, _ = model.get_layer("conv2").get_weights()
        model.get_layer("conv2-deeper").set_weights(list(deeper2net_conv2d(previous_kernel)))
    copy_weights(teacher, model, ["conv1", "conv2", "fc1", "fc2"])
    return _compile(model, config.student_learning_rate, config)


def make_students(teacher, config, spec: DataSpec = DataSpec()) -> dict[str, keras.Model]:
    """The four students of the two experiments, in the original's order."""
    rng = np.random.default_rng([config.seed, 2])
    return {
        "wider_random_pad": make_wider_student(teacher, config, "random-pad", rng, spec),
        "wider_net2wider": make_wider_student(teacher, config, "net2wider", rng, spec),
        "deeper_random_init": make_deeper_student(teacher, config, "random-init", spec),
        "deeper_net2deeper": make_deeper_student(teacher, config, "net2deeper", spec),
    }


def summary_models(config: Config) -> dict[str, keras.Model]:
    """Teacher, wider and deeper networks, as the walkthrough prints them."""
    teacher = build_model(config)
    rng = np.random.default_rng([config.seed, 2])
    return {
        "teacher": teacher,
        "wider": make_wider_student(teacher, config, "net2wider", rng),
        "deeper": make_deeper_student(teacher, config, "net2deeper"),
    }


def bundle(models: dict[str, keras.Model], spec: DataSpec = DataSpec()) -> keras.Model:
    """All networks as one model with one output per experiment (what model.keras holds)."""
    inputs = keras.Input(spec.image_shape, name="image")
    outputs = {name: model(inputs) for name, model in models.items()}
    return keras.Model(inputs, outputs, name="net2net_experiments")


def probabilities(model: keras.Model, x: np.ndarray, chunk: int = 500):
    """The model's outputs for x, called directly in chunks: five networks need no five compiled
    predict steps. A dict (one entry per experiment) for the bundle."""
    parts = [model(x[i : i + chunk], training=False) for i in range(0, len(x), chunk)]
    if isinstance(parts[0], dict):
        return {
            k: np.concatenate([keras.ops.convert_to_numpy(p[k]) for p in parts]) for k in parts[0]
        }
    return np.concatenate([keras.ops.convert_to_numpy(p) for p in parts])


def scores(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Categorical cross-entropy (as Keras computes it) and accuracy of probabilities p."""
    p = np.clip(p / p.sum(axis=-1, keepdims=True), 1e-7, 1 - 1e-7)
    return {
        "loss": float(-(y * np.log(p)).sum(axis=-1).mean()),
        "accuracy": float((p.argmax(-1) == y.argmax(-1)).mean()),
    }


def function_gap(teacher: keras.Model, student: keras.Model, x: np.ndarray) -> dict[str, float]:
    """How far a student's predictions are from the teacher's: the largest difference of a
    class probability, and the share of images where both pick the same class."""
    p_teacher, p_student = probabilities(teacher, x), probabilities(student, x)
    return {
        "max_abs_diff": float(np.abs(p_teacher - p_student).max()),
        "same_class": float((p_teacher.argmax(-1) == p_student.argmax(-1)).mean()),
    }


# -- Training -----------------------------------------------------------------------------------
def _one_epoch(model, batches, epoch, test, log) -> tuple[dict[str, float], float]:
    """One epoch of fit (batch order fixed by seed and epoch), then the test set."""
    batches.set_epoch(epoch)
    log.begin(epoch)
    start = time.perf_counter()
    training.tune(model)
    history = model.fit(
        training.feed(batches), initial_epoch=epoch, epochs=epoch + 1, verbose=0, shuffle=False
    )
    seconds = time.perf_counter() - start
    logs = {"loss": history.history["loss"][-1], "accuracy": history.history["accuracy"][-1]}
    val = scores(probabilities(model, test[0]), test[1])
    logs.update({f"val_{key}": value for key, value in val.items()})
    return logs, seconds


def experiment_table(history: dict[str, list[float]]) -> str:
    """Validation loss per epoch per experiment, laid out as the original's docstring."""
    lines = ["Performance comparisons - validation loss values per epoch:"]
    for number, name in enumerate(EXPERIMENTS):
        if history.get(name):
            label = f"({number}) {name + '_model' if name == 'teacher' else name}:"
            lines.append(f"{label:<31}" + "   ".join(f"{v:.4f}" for v in history[name]))
    return "\n".join(lines) + "\n"


def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains the teacher, grows it four ways, trains the students; returns every test result.

    One metrics row per epoch number holds every network's numbers for that epoch. Progress is
    checkpointed after each epoch of training: steps 1..E are the teacher's, E+1..2E the
    students' (all four train one epoch per step), so --resume continues where it stopped.
    """
    x_train, y_train = data.train
    batches = training.EpochBatches(
        x_train, y_train, batch_size=config.batch_size, seed=config.seed
    )
    models: dict[str, keras.Model] = {"teacher": build_model(config, data.spec)}
    log = training.EpochLog(run, models, config.seed)
    step = log.resume()
    rows = {int(row["epoch"]): row for row in run.read_metrics()} if run is not None else {}
    history = {
        name: [
            float(rows[e][f"{name}_val_loss"])
            for e in sorted(rows)
            if rows[e].get(f"{name}_val_loss") not in (None, "")
        ]
        for name in EXPERIMENTS
    }

    def finish_step(row: dict, names) -> None:
        training.check_losses(row["epoch"], row)
        rows[row["epoch"]] = row
        for name in names:
            history[name] = history[name][: row["epoch"] - 1] + [float(row[f"{name}_val_loss"])]
        shown = {
            k: v for k, v in row.items() if k.endswith("val_loss") and k.split("_val")[0] in names
        }
        print(f"epoch {row['epoch']}/{config.epochs}  {training.format_logs(shown)}", flush=True)
        if run is not None:
            later = [rows[e] for e in sorted(rows) if e > row["epoch"]]  # rewritten: in order
            log.save(step, [row, *later], bundle(models, data.spec))
            run.write_text("experiments.txt", experiment_table(history))

    if step < config.epochs:
        print("training the teacher ...", flush=True)
    while step < config.epochs:
        logs, seconds = _one_epoch(models["teacher"], batches, step, data.test, log)
        step += 1
        row = {"epoch": step, **{f"teacher_{key}": value for key, value in logs.items()}}
        row.update(epoch_time_s=seconds, samples_per_s=batches.num_samples / seconds)
        finish_step(row, ["teacher"])

    students = make_students(models["teacher"], config, data.spec)
    models.update(students)
    log.models.update(students)
    if step > config.epochs:  # resumed among the students: their state is in the checkpoint
        log.resume()
    else:
        check = function_check(models["teacher"], students, data.test[0][:1000])
        print(check, end="", flush=True)
        if run is not None:
            run.write_text("function_check.txt", check)
    while step < 2 * config.epochs:
        epoch = step - config.epochs
        row = dict(rows[epoch + 1])  # the teacher's numbers of this epoch, then the students'
        seconds = float(row["epoch_time_s"])
        for name, student in students.items():
            logs, spent = _one_epoch(student, batches, epoch, data.test, log)
            row.update({f"{name}_{key}": value for key, value in logs.items()})
            seconds += spent
        total = len(EXPERIMENTS) * batches.num_samples
        row.update(epoch=epoch + 1, epoch_time_s=seconds, samples_per_s=total / seconds)
        step += 1
        finish_step(row, STUDENTS)
    print(experiment_table(history), end="")
    return evaluate(config, data, bundle(models, data.spec))


def function_check(teacher, students, x) -> str:
    """Before training: does each student compute the teacher's function?"""
    lines = [f"Before training, on {len(x)} test images: student vs teacher predictions"]
    lines.append(f"{'student':<20}{'max |p_s - p_t|':>17}{'same class':>12}")
    for name, student in students.items():
        gap = function_gap(teacher, student, x)
        lines.append(f"{name:<20}{gap['max_abs_diff']:>17.2e}{gap['same_class']:>12.2%}")
    return "\n".join(lines) + "\n"


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test loss (categorical cross-entropy) and accuracy of each network in the bundle."""
    x_test, y_test = data.test
    predictions = probabilities(model, x_test)
    if not isinstance(predictions, dict):  # a single network (a teacher-only model.keras)
        predictions = {"teacher": predictions}
    metrics = {}
    for name, p in predictions.items():
        metrics.update({f"test_{name}_{key}": value for key, value in scores(p, y_test).items()})
    return metrics
