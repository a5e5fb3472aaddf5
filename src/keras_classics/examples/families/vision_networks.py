"""The networks behind class_activation_maps and deep_dream, and how `sample` picks one.

Both originals take an ImageNet network from `keras.applications` (ResNet50, InceptionV3). Those
weights are large downloads, so both examples also run on a small built-in network that the
package trains itself on the synthetic object images (`datasets/objects.py`): the same recipe
(convolutions, a last feature map, global average pooling, one softmax Dense layer called
`predictions`), only smaller. What each example does with its network (the CAM head, the dream
loss and the ascent) stays in the example.

Which network `sample` uses (`--set network=auto|builtin|imagenet`):
- a run directory given (`sample RUN_DIR`): that run's built-in network;
- `imagenet`: the ImageNet network; its weight file must be in the Keras cache or given with
  `--weights PATH` (downloaded if missing and online; offline: one line says what to put where);
- `auto` (default): the ImageNet network if its weight file is already there (never downloads),
  otherwise the built-in one;
- `builtin`: the model of the newest finished run of the example under `--runs-dir DIR`
  (default `runs`), or, when there is none, a new run trained on the spot with the config's
  training settings (`--preset tiny` makes that a matter of seconds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np

from keras_classics import config as config_lib
from keras_classics import image_io, runs
from keras_classics.datasets import DataSource, cache, imagenet, objects
from keras_classics.errors import UserError
from keras_classics.registry import Context

NETWORKS = ("auto", "builtin", "imagenet")


# -- the built-in network -----------------------------------------------------------------------
def _conv_block(x, filters: int, stride: int, name: str):
    """3x3 convolution, batch normalisation, ReLU; the ReLU carries the block's name."""
    x = keras.layers.Conv2D(
        filters, 3, strides=stride, padding="same", use_bias=False, name=name + "_conv"
    )(x)
    x = keras.layers.BatchNormalization(momentum=0.9, name=name + "_bn")(x)
    return keras.layers.Activation("relu", name=name)(x)


def build_builtin(num_classes: int, width: int = 16) -> keras.Model:
    """A small fully convolutional classifier: input (None, None, 3) in [-1, 1].

    conv1 (stride 2) and block2 (stride 2) divide the image side by 4, so a 32x32 image gives an
    8x8 last feature map (`block5`), which global average pooling (`avg_pool`) turns into one
    vector for the softmax layer `predictions`: the ResNet50 recipe in miniature. Any image
    size works (deep_dream ascends on whole photographs).
    """
    inputs = keras.Input((None, None, 3), name="image")
    x = _conv_block(inputs, width, 2, "conv1")  # (None, 16, 16, 16) for a 32x32 input
    x = _conv_block(x, width, 1, "block1")
    x = _conv_block(x, 2 * width, 2, "block2")  # (None, 8, 8, 32)
    x = _conv_block(x, 2 * width, 1, "block3")
    x = _conv_block(x, 4 * width, 1, "block4")
    x = _conv_block(x, 4 * width, 1, "block5")  # (None, 8, 8, 64): the last feature map
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="builtin")


def compile_builtin(config: Any, num_classes: int) -> keras.Model:
    """The built-in network, compiled for training: Adam(config.learning_rate), cross-entropy."""
    model = build_builtin(num_classes, config.width)
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def object_data(config: Any):
    """The synthetic objects the built-in network trains on, in [-1, 1] with one-hot labels.

    Honours train_images/test_images and the train_samples/test_samples limits (0 = all).

    Returns:
        ((x_train, y_train), (x_test, y_test), test_boxes).
    """
    train_count = min(config.train_images, config.train_samples or config.train_images)
    test_count = min(config.test_images, config.test_samples or config.test_images)
    (x, y, _), (x_test, y_test, boxes) = objects.load(
        train_count, test_count, config.image_size, config.seed
    )
    classes = len(objects.CLASS_NAMES)
    one_hot = keras.utils.to_categorical
    train = (preprocess_builtin(x), one_hot(y, classes))
    return train, (preprocess_builtin(x_test), one_hot(y_test, classes)), boxes


# The built-in network's images are drawn in memory: 100,000 of 512 pixels would be 300 GB, of the
# default 32 pixels 1.2 GB; InceptionV3 itself takes 299.
MAX_IMAGE_SIZE = 512
MAX_IMAGES = 100_000


def check_config(config: Any) -> None:
    """Checks the sampling and training fields both examples share.

    Raises:
        UserError: for a value the network or the sampling step cannot use.
    """
    if config.network not in NETWORKS:
        raise UserError(f"network must be auto, builtin or imagenet, got {config.network!r}")
    config_lib.check_range("image_size", config.image_size, 16, MAX_IMAGE_SIZE)
    if config.image_size % 4:
        raise UserError(f"image_size must be a multiple of 4, got {config.image_size}")
    for name in ("train_images", "test_images"):
        config_lib.check_range(
            name, getattr(config, name), 1, MAX_IMAGES, why="the images are drawn in memory"
        )


def run_model(model: keras.Model, x: np.ndarray, batch_size: int = 250) -> Any:
    """`model(x, training=False)` in batches, as NumPy (a list for several outputs).

    An eager call, not `predict`: nothing is compiled or traced, which for a few images or a
    small network is much quicker than building a predict function.
    """
    parts = []
    for start in range(0, len(x), batch_size):
        outputs = model(x[start : start + batch_size], training=False)
        if isinstance(outputs, (list, tuple)):
            parts.append([keras.ops.convert_to_numpy(o) for o in outputs])
        else:
            parts.append([keras.ops.convert_to_numpy(outputs)])
    joined = [np.concatenate(arrays) for arrays in zip(*parts, strict=True)]
    return joined if len(joined) > 1 else joined[0]


def preprocess_builtin(images: np.ndarray) -> np.ndarray:
    """uint8 RGB -> float32 in [-1, 1] (the same scale as InceptionV3's preprocess_input)."""
    return np.asarray(images, dtype=np.float32) / 127.5 - 1.0


# -- the ImageNet networks (weights from a file: never downloaded by keras.applications) -------
def _load_error(network: str, weights: str, error: Exception) -> UserError:
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return UserError(f"cannot load {network} weights from {weights}: {first}")


def _check_weight_file(network: str, weights: str) -> None:
    """Fails at once (before building 20 million parameters) on a file that is not HDF5."""
    import h5py

    if not h5py.is_hdf5(weights):
        raise UserError(f"cannot load {network} weights from {weights}: not an HDF5 (.h5) file")


# Builds without weights, for summaries and walkthroughs, made once per process: they show layers,
# shapes and parameter counts, and nothing ever runs them.
_SHAPES_ONLY: dict[str, Any] = {}


def zero_weights(build: Callable[[], keras.Model]) -> keras.Model:
    """`build()` with every weight set to zero instead of drawn from its initializer.

    Drawing 25 million random numbers takes a minute on JAX (one XLA compilation per weight
    shape), and a network that is only summarised never uses them: its variables are created
    in a StatelessScope that leaves them uninitialised, then filled with NumPy zeros.
    """
    from keras.src.backend.common import global_state  # the list of uninitialised variables

    with keras.StatelessScope(initialize_variables=False):
        model = build()
    mine = {id(variable) for variable in model.variables}
    pending = global_state.get_global_attribute("uninitialized_variables") or []
    global_state.set_global_attribute(
        "uninitialized_variables", [v for v in pending if id(v) not in mine]
    )
    for variable in model.variables:
        variable._initialize(np.zeros(variable.shape, variable.dtype))
    return model


def imagenet_resnet50(weights: str | None) -> keras.Model:
    """keras.applications' ResNet50 (224x224) from a weight file; None: its architecture, every
    weight zero (`zero_weights`), for summaries."""
    if weights is None:
        if "resnet50" not in _SHAPES_ONLY:
            _SHAPES_ONLY["resnet50"] = zero_weights(
                lambda: keras.applications.ResNet50(weights=None)
            )
        return _SHAPES_ONLY["resnet50"]
    _check_weight_file("ResNet50", weights)
    try:
        return keras.applications.ResNet50(weights=weights, input_shape=(224, 224, 3))
    except (OSError, ValueError) as error:
        raise _load_error("ResNet50", str(weights), error) from None


def imagenet_inception_v3(weights: str | None) -> tuple[keras.Model, bool]:
    """InceptionV3 with its top (avg_pool, predictions) on any image size, from a weight file.

    keras.applications only builds the top for 299x299 inputs; the same layers on top of the
    size-free base take the same weight file (23,851,784 parameters either way).

    None: its architecture, every weight zero (`zero_weights`), for summaries.

    Returns:
        (model, has_top): with the no-top file only the base is loaded (no class predictions).
    """
    if weights is None:
        if "inception_v3" not in _SHAPES_ONLY:
            _SHAPES_ONLY["inception_v3"] = zero_weights(lambda: _inception_v3()[0])
        return _SHAPES_ONLY["inception_v3"], True
    _check_weight_file("InceptionV3", weights)
    model, base = _inception_v3()
    for target, has_top in ((model, True), (base, False)):  # the top file, else the no-top one
        try:
            target.load_weights(weights)
            return model, has_top
        except ValueError as error:  # layers do not match (or not a weight file at all)
            failure = error
        except OSError as error:  # unreadable: no point trying the other layout
            failure = error
            break
    raise _load_error("InceptionV3", weights, failure)


def _inception_v3() -> tuple[keras.Model, keras.Model]:
    """(InceptionV3 with its top on any image size, the base without it); random weights."""
    base = keras.applications.InceptionV3(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(base.output)
    outputs = keras.layers.Dense(1000, activation="softmax", name="predictions")(x)
    return keras.Model(base.input, outputs, name="inception_v3"), base


def class_names(network: str, source: DataSource) -> list[tuple[str, str]]:
    """(id, name) per class: ImageNet's wnids and names (ids only without the class index file),
    or the six synthetic shapes."""
    if network == "builtin":
        return [(str(i), name) for i, name in enumerate(objects.CLASS_NAMES)]
    names = imagenet.class_names(source)
    if names is None:
        print(f"class names need {cache.describe(imagenet.CLASS_INDEX)}: showing ids")
        return [(str(i), f"class_{i}") for i in range(1000)]
    return names


def input_image(config: Any) -> np.ndarray:
    """`--set image=PATH` as RGB uint8, or a synthetic 240x320 picture of a triangle."""
    if config.image:
        return image_io.read_image(config.image)
    print("no --set image=PATH given: using a synthetic image of a triangle")
    return objects.one_image(2, 240, 320, config.seed)[0]


# -- which network sample uses ------------------------------------------------------------------
@dataclasses.dataclass
class Choice:
    """The network `sample` runs on.

    Attributes:
        network: "builtin" or "imagenet".
        model: the built-in model (None for imagenet: the example builds its application).
        run: the run whose artifacts folder receives the outputs, if any.
        weights: the ImageNet weight file (None for builtin).
    """

    network: str
    model: keras.Model | None = None
    run: runs.Run | None = None
    weights: Path | None = None


def choose(
    example: str,
    config: Any,
    model: keras.Model | None,
    run: runs.Run | None,
    remotes: tuple[cache.RemoteFile, ...],
    load_data: Callable[[Any, DataSource], Any],
    train: Callable[[Any, Any, runs.Run], dict[str, float]],
    context: Context,
) -> Choice:
    """Applies the rules of the module docstring (`config.network`, `--weights`, `--runs-dir`).

    `remotes` are the ImageNet weight files that will do, preferred first: the first one found
    is used, and the first one is downloaded when none is there.

    Raises:
        UserError, DataError: one line, e.g. the ImageNet weights are needed but missing offline.
    """
    found = None
    source = context.source
    if config.network != "builtin" and (config.network == "imagenet" or model is None):
        found = imagenet.find_weights(remotes[0], source, context.weights)
        for remote in remotes[1:]:
            found = found or imagenet.find_weights(remote, source)
    if config.network == "imagenet":
        return Choice("imagenet", weights=found or imagenet.obtain(remotes[0], source))
    if model is not None:
        return Choice("builtin", model=model, run=run)
    if found is not None:
        return Choice("imagenet", weights=found)
    newest = runs.latest_finished(context.runs_dir, example, with_model=True)
    if newest is not None:
        print(f"using the built-in network of {newest.path}")
        return Choice("builtin", model=runs.load_model(newest), run=newest)
    return Choice("builtin", *train_on_the_spot(example, config, load_data, train, context))


def train_on_the_spot(
    example: str, config: Any, load_data: Callable, train: Callable, context: Context
) -> tuple[keras.Model, runs.Run]:
    """Trains the built-in network in a new run (as `keras-classics train` would) and loads it."""
    print(
        f"no finished run of {example} under {context.runs_dir}: training the built-in network "
        f"first ({config.epochs} epochs on synthetic objects; `keras-classics train {example}` "
        "does the same)",
        flush=True,
    )
    data = load_data(config, DataSource(kind="synthetic"))
    record = {
        "preset": None,
        "data": "synthetic",
        "data_dir": None,
        "config": config_lib.to_dict(config),
    }
    env = runs.environment(keras.backend.backend())
    run = runs.Run.start(context.runs_dir, example, record, env)
    runs.execute(run, lambda: train(config, data, run))
    print(f"trained the built-in network in {run.path}", flush=True)
    return runs.load_model(run), run


def output_folder(context: Context, run: runs.Run | None, example: str) -> Path:
    """`--output DIR`, else the run's artifacts, else a new `<runs_dir>/<example>/imagenet-*`."""
    return runs.output_folder(context.output, run, context.runs_dir, example, prefix="imagenet")


# -- for the walkthroughs -----------------------------------------------------------------------
def explain_network(example: str, context: Context, build: Callable[[], keras.Model]):
    """The newest finished run's built-in network if there is one, else `build()` (untrained).

    Returns:
        (model, the run's folder, or None for the untrained network).
    """
    run = runs.latest_finished(context.runs_dir, example, with_model=True)
    if run is not None:
        try:
            return runs.load_model(run), run.path
        except UserError:
            pass
    return build(), None
