"""deep_dream: DeepDream, gradient ascent on an image to excite a network's inner layers.

What it teaches: turn the usual question round. Instead of changing weights to lower a loss,
change the input image to raise a value computed from the network: here the energy of the
activations of InceptionV3's layers mixed2, mixed3, mixed4 and mixed5, weighted 0.2, 0.5, 2.0
and 1.5. Each layer adds coeff * sum(activation[:, 2:-2, 2:-2, :]^2) / size(activation) (the
2-pixel border is left out), so the loss is always positive. Its gradient with respect to the
image, divided by its mean absolute value, is added to the image, step 0.01, 20 times per scale
(stopping early above max_loss 10). The scales are octaves: the image shrunk twice by 1.4 is
dreamed first, then enlarged, with the detail lost by shrinking added back, and dreamed again: a
400x500 image is processed at (204, 255), (285, 357) and (400, 500).

The walkthrough's variant (`class dream`): ascend one class score instead, the predictions
layer's probability of class 283 (Persian cat), step 0.0001, up to 2000 steps, stop above 0.9,
on the image resized to 299x299: a picture of a golden retriever (class 207) was turned into
one the network calls a Persian cat while it still looked like the dog.

InceptionV3 (with its top, as the class variant needs): 23,851,784 parameters. Offline, both
dreams run on the small built-in network trained on synthetic objects (see `vision_networks`),
on its layers block2..block5 with the same weights; its class dream makes an object the network
calls another shape, with a small change of the pixels.

Documented result of the original: none (an image).

Measured here (TensorFlow, CPU, built-in network after the default training, the synthetic
240x320 triangle): the dream loss rose 0.48 -> 94.5 (13 steps, then above max_loss 100), 29.9
-> 96.1 and 20.1 -> 75.8 over the three octaves; the network's dream paints oriented stripes
(its edge features). The class dream took p(ring) from 0.0003 to 0.907 in 113 steps with a mean
pixel change of 0.0097 (about 1.2 grey levels of 255): still a triangle to the eye.

Differences from the original (Keras 2.3.1 `examples/deep_dream.py`):
- `K.gradients`/`K.function`/`K.set_learning_phase` are gone in Keras 3: the gradient comes from
  `keras_classics.gradients.value_and_grad` (jax.value_and_grad, torch.autograd or
  tf.GradientTape), so it runs on JAX, PyTorch and TensorFlow.
- `import scipy.ndimage` explicitly (the original relied on another module importing it).
- InceptionV3 is loaded with its top (so the class variant and the summary's 23,851,784 work)
  but on any image size; the original's no-top weight file also works for the feature dream.
- The class variant is an option of the same example (`--set class_dream=false` skips it).
- `max_loss` 0 (the default) means the network's own limit: the original's 10 for InceptionV3,
  100 for the built-in network, whose loss passes 10 within three steps.
- Images come from `--set image=PATH` (a synthetic picture when none is given), results go to
  dream.png and class_dream.png in the run's artifacts or `--output DIR`.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import scipy.ndimage

from keras_classics import gradients, image_io, training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource, cache, imagenet, objects
from keras_classics.errors import UserError
from keras_classics.examples.families import vision_networks
from keras_classics.registry import Context
from keras_classics.runs import Run

# These are the names of the layers for which we try to maximize activation, as well as their
# weight in the final loss we try to maximize (the original's settings).
SETTINGS = {"features": {"mixed2": 0.2, "mixed3": 0.5, "mixed4": 2.0, "mixed5": 1.5}}
# The built-in network's four last blocks take the same weights.
BUILTIN_FEATURES = {"block2": 0.2, "block3": 0.5, "block4": 2.0, "block5": 1.5}
PERSIAN_CAT = 283  # the walkthrough's target class
CLASS_DREAM_SIZE = 299  # InceptionV3's input size; the class variant resizes to it
MIN_SIDE = {"imagenet": 75, "builtin": 24}  # smallest octave the network can dream on
# max_loss=0 picks the network's own: the original's 10 for InceptionV3; the built-in network's
# activations are larger, its loss passes 10 within three steps, so it gets 100.
MAX_LOSS = {"imagenet": 10.0, "builtin": 100.0}


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's ascent settings, the walkthrough's class variant, sampling options and the
    built-in network's training (ours: the original trained nothing)."""

    epochs: int = 12
    batch_size: int = 32
    train_images: int = 4000
    test_images: int = 1000
    image_size: int = 32
    width: int = 16
    learning_rate: float = 0.003
    network: str = "auto"
    image: str = ""
    step: float = 0.01  # gradient ascent step size
    num_octave: int = 3  # number of scales at which to run gradient ascent
    octave_scale: float = 1.4  # size ratio between scales
    iterations: int = 20  # number of ascent steps per scale
    max_loss: float = 0.0  # 0: MAX_LOSS of the network (10 for InceptionV3, as the original)
    class_dream: bool = True
    target_class: int = -1  # -1: 283 (Persian cat) on ImageNet, the runner-up class built in
    class_step: float = 0.0001
    class_iterations: int = 2000
    class_max_loss: float = 0.9

    def check(self) -> None:
        """Rejects values the ascent or the network cannot use."""
        vision_networks.check_config(self)
        check_range("num_octave", self.num_octave, 1, 32, why="32 octaves of 1.1 shrink 21 times")
        # scale**octave must stay a float: 1e300 squared overflowed (OverflowError)
        check_range(
            "octave_scale",
            self.octave_scale,
            1,
            100,
            low_open=True,
            why="each octave shrinks the image by this factor",
        )
        check_range("max_loss", self.max_loss, 0, why="0: the network's own limit")
        check_range("step", self.step, 0, low_open=True, why="the ascent's step")
        check_range("class_step", self.class_step, 0, low_open=True, why="the ascent's step")
        check_range("target_class", self.target_class, -1, 999, why="-1: the default class")


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {"epochs": 2, "train_samples": 256, "test_samples": 64, "width": 8},
    # About 40 s on 2 cores: the built-in network learns the synthetic objects (98.8% test accuracy)
    # that the dream then amplifies.
    "quick": {"epochs": 6, "train_images": 2000, "test_images": 500},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """The built-in network's training image size and classes (the six object shapes)."""

    image_size: int = 32
    num_classes: int = len(objects.CLASS_NAMES)


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec


def load_data(config: Config, source: DataSource) -> Data:
    """Synthetic object images (built in: the same for --data real and synthetic), in [-1, 1]."""
    train, test, _ = vision_networks.object_data(config)
    return Data(train, test, DataSpec(config.image_size))


def preprocess_image(image: np.ndarray) -> np.ndarray:
    """RGB uint8 (H, W, 3) -> (1, H, W, 3) in [-1, 1], as inception_v3.preprocess_input."""
    return vision_networks.preprocess_builtin(image)[None]


def deprocess_image(x: np.ndarray) -> np.ndarray:
    """The original's inverse: (1, H, W, 3) in [-1, 1] -> RGB uint8."""
    x = x.reshape((x.shape[1], x.shape[2], 3)).copy()
    x /= 2.0
    x += 0.5
    x *= 255.0
    return np.clip(x, 0, 255).astype("uint8")


def resize_img(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(1, H, W, 3) -> (1, size[0], size[1], 3), linear interpolation (scipy.ndimage.zoom)."""
    factors = (1, float(size[0]) / img.shape[1], float(size[1]) / img.shape[2], 1)
    return scipy.ndimage.zoom(img, factors, order=1)


def octave_shapes(
    original_shape: tuple[int, int], num_octave: int, octave_scale: float
) -> list[tuple[int, int]]:
    """The image sizes the octaves run at, smallest first: 400x500 -> (204, 255), (285, 357),
    (400, 500)."""
    successive_shapes = [tuple(original_shape)]
    for i in range(1, num_octave):
        shape = tuple(int(dim / (octave_scale**i)) for dim in original_shape)
        successive_shapes.append(shape)
    return successive_shapes[::-1]


# -- Model --------------------------------------------------------------------------------------
def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """The built-in classifier (the network `train` trains), compiled with Adam."""
    return vision_networks.compile_builtin(config, spec.num_classes)


def summary_models(config: Config) -> dict[str, keras.Model]:
    """InceptionV3 (23,851,784 parameters, its weights all zero) and the built-in network."""
    return {
        "inception_v3": vision_networks.imagenet_inception_v3(None)[0],
        "builtin": build_model(config),
    }


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains the built-in network on the synthetic objects (it then has something to dream)."""
    model = build_model(config, data.spec)
    training.fit(
        model,
        run,
        *data.train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        validation_data=data.test,
    )
    return evaluate(config, data, model)


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test loss and accuracy of the built-in network."""
    return training.evaluate(model, *data.test, batch_size=config.batch_size)


# -- Sampling: the dream ------------------------------------------------------------------------
def dream_loss(model: keras.Model, features: dict[str, float]):
    """The original's loss as a function of the image tensor: sum over the chosen layers of
    coeff * sum(activation without its 2-pixel border, squared) / size(activation)."""
    outputs = keras.Model(model.input, {name: model.get_layer(name).output for name in features})

    def loss(x):
        activations = outputs(x, training=False)
        total = 0.0
        for name, coeff in features.items():
            activation = activations[name]
            scaling = keras.ops.cast(keras.ops.size(activation), "float32")
            border_cropped = activation[:, 2:-2, 2:-2, :]
            total = total + coeff * keras.ops.sum(keras.ops.square(border_cropped)) / scaling
        return total

    return loss


def class_score(model: keras.Model, target: int):
    """The walkthrough's variant: the predictions layer's probability of class `target`."""

    def loss(x):
        return model(x, training=False)[0, target]

    return loss


def eval_loss_and_grads(loss_and_grads, x: np.ndarray) -> tuple[float, np.ndarray]:
    """The loss and its gradient, normalised by the gradient's mean absolute value."""
    loss_value, grad_values = loss_and_grads(x)
    grad_values /= max(float(np.mean(np.abs(grad_values))), keras.config.epsilon())
    return loss_value, grad_values


def gradient_ascent(
    x: np.ndarray, iterations: int, step: float, max_loss: float | None, loss_and_grads, log=print
) -> tuple[np.ndarray, list[float]]:
    """Up to `iterations` steps of x += step * normalised gradient; stops above max_loss."""
    losses = []
    for i in range(iterations):
        loss_value, grad_values = eval_loss_and_grads(loss_and_grads, x)
        losses.append(loss_value)
        if max_loss is not None and loss_value > max_loss:
            break
        log(f"..Loss value at {i} : {loss_value:.6g}")
        x = x + step * grad_values
    return x, losses


def dream(
    image: np.ndarray,
    model: keras.Model,
    features: dict[str, float],
    config: Config,
    max_loss: float,
    log=print,
) -> tuple[np.ndarray, list[list[float]]]:
    """The octave loop: dream at each scale, smallest first, putting lost detail back.

    Returns:
        The dreamed RGB uint8 image (original size) and each octave's loss values.
    """
    img = preprocess_image(image)
    successive_shapes = octave_shapes(img.shape[1:3], config.num_octave, config.octave_scale)
    loss_and_grads = gradients.value_and_grad(dream_loss(model, features))
    original_img = np.copy(img)
    shrunk_original_img = resize_img(img, successive_shapes[0])
    losses = []
    for shape in successive_shapes:
        log(f"Processing image shape {shape}")
        img = resize_img(img, shape)
        img, octave_losses = gradient_ascent(
            img, config.iterations, config.step, max_loss, loss_and_grads, log
        )
        losses.append(octave_losses)
        # Detail lost by shrinking: the original at this size minus the shrunk one enlarged.
        upscaled_shrunk_original_img = resize_img(shrunk_original_img, shape)
        same_size_original = resize_img(original_img, shape)
        lost_detail = same_size_original - upscaled_shrunk_original_img
        img += lost_detail
        shrunk_original_img = resize_img(original_img, shape)
    return deprocess_image(np.copy(img)), losses


def class_dream(
    image: np.ndarray, model: keras.Model, target: int, size: int, config: Config, log=print
) -> dict:
    """The walkthrough's variant: ascend the probability of class `target` at size x size.

    Returns:
        before/after images (uint8), the target's probability before and after, the losses and
        the mean absolute change of the pixels (in the [-1, 1] scale).
    """
    img = resize_img(preprocess_image(image), (size, size))
    loss_and_grads = gradients.value_and_grad(class_score(model, target))
    dreamed, losses = gradient_ascent(
        img, config.class_iterations, config.class_step, config.class_max_loss, loss_and_grads, log
    )
    before = vision_networks.run_model(model, img)[0]
    after = vision_networks.run_model(model, dreamed)[0]
    return {
        "before": deprocess_image(img),
        "after": deprocess_image(dreamed),
        "probabilities_before": before,
        "probabilities_after": after,
        "losses": losses,
        "mean_abs_change": float(np.mean(np.abs(dreamed - img))),
    }


def check_size(image: np.ndarray, config: Config, network: str) -> None:
    """Raises UserError when the smallest octave is too small for the network."""
    shapes = octave_shapes(image.shape[:2], config.num_octave, config.octave_scale)
    if min(shapes[0]) < MIN_SIDE[network]:
        raise UserError(
            f"image {image.shape[1]}x{image.shape[0]} is too small for {config.num_octave} "
            f"octaves of {config.octave_scale}: the smallest would be {shapes[0]}, "
            f"under {MIN_SIDE[network]} pixels"
        )


def sample(config: Config, model: keras.Model | None, run: Run | None, context: Context) -> dict:
    """Dreams `--set image=PATH` (a synthetic image if none) and writes dream.png and, with the
    class variant, class_dream.png."""
    source = context.source
    image = vision_networks.input_image(config)  # a bad file fails before any network is loaded
    check_size(image, config, "builtin")
    # The full file serves both dreams; the original's no-top file the feature dream only.
    remotes = (imagenet.INCEPTION_V3, imagenet.INCEPTION_V3_NOTOP)
    choice = vision_networks.choose(
        "deep_dream", config, model, run, remotes, load_data, train, context
    )
    check_size(image, config, choice.network)
    names = vision_networks.class_names(choice.network, source)
    if choice.network == "imagenet":
        network, has_top = vision_networks.imagenet_inception_v3(str(choice.weights))
        features, size = SETTINGS["features"], CLASS_DREAM_SIZE
    else:
        network, has_top = choice.model, True
        features, size = BUILTIN_FEATURES, config.image_size
    folder = vision_networks.output_folder(context, choice.run, "deep_dream")
    max_loss = config.max_loss or MAX_LOSS[choice.network]
    dreamed, losses = dream(image, network, features, config, max_loss)
    image_io.save_png(dreamed, folder / "dream.png")
    result = {"network": choice.network, "dream": dreamed, "losses": losses, "folder": folder}
    if config.class_dream and not has_top:
        print(f"the class dream needs {cache.describe(imagenet.INCEPTION_V3)}: skipped")
    elif config.class_dream:
        result["class_dream"] = sample_class_dream(image, network, names, size, config, folder)
    print(f"dream written to {folder}")
    return result


def default_target(probabilities: np.ndarray) -> int:
    """283 (Persian cat) for ImageNet, as the walkthrough; for the built-in network the runner-up
    class, as a cat is to a dog (a class of probability ~1e-12 has a vanishing gradient)."""
    if len(probabilities) == 1000:
        return PERSIAN_CAT
    return int(np.argsort(probabilities)[-2])


def sample_class_dream(image, network, names, size: int, config: Config, folder) -> dict:
    """Runs the class variant, prints the target's probability and writes class_dream.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    resized = resize_img(preprocess_image(image), (size, size))
    probabilities = vision_networks.run_model(network, resized)[0]
    target = config.target_class if config.target_class >= 0 else default_target(probabilities)
    if target >= len(names):
        raise UserError(f"target_class {target} is not one of the {len(names)} classes")
    print(f"class dream: ascending the probability of {target} ({names[target][1]})")
    result = class_dream(image, network, target, size, config, log=lambda line: None)
    before, after = result["probabilities_before"], result["probabilities_after"]
    print(
        f"probability of {names[target][1]}: {before[target]:.4f} -> {after[target]:.4f} in "
        f"{len(result['losses'])} steps; top class {names[before.argmax()][1]} -> "
        f"{names[after.argmax()][1]}; mean |change| {result['mean_abs_change']:.4f}"
    )
    figure, axes = plt.subplots(1, 2, figsize=(9, 4.8))
    for axis, picture, probs, title in (
        (axes[0], result["before"], before, "before"),
        (axes[1], result["after"], after, "after"),
    ):
        axis.imshow(picture, interpolation="nearest")
        axis.set_title(
            f"{title}: {names[probs.argmax()][1]} {probs.max():.2f}\n"
            f"p({names[target][1]}) = {probs[target]:.3f}"
        )
        axis.axis("off")
    image_io.save_figure(figure, folder / "class_dream.png")
    if result["mean_abs_change"] == 0.0:
        print(f"p({names[target][1]}) is too small for its gradient to move the image: try "
              "another --set target_class")  # fmt: skip
    result["target"] = target
    return result
