"""class_activation_maps: where a convnet looks when it names a class (CAM, Zhou et al. 2016).

What it teaches: a network that ends in global average pooling and one Dense layer scores class
c as the average over positions of sum_k w[k, c] * feature[x, y, k] (plus a bias). Dropping the
average gives a map of class c's evidence at every position: the class activation map. The
original wraps an ImageNet ResNet50 with two layers: an UpSampling2D of the last feature map
(7x7x2048) to the input size (224x224x2048) and a 1x1 Conv2D `predictions_2` whose kernel is
the `fc1000` Dense kernel reshaped to (1, 1, 2048, 1000); one forward pass then gives the class
scores and all 1000 maps. 27,685,712 parameters (27,632,592 trainable) against ResNet50's
25,636,712: the only new ones are predictions_2's 2,049,000. `postprocess` keeps the map of
the top class, which is shown in the `jet` colour map at the image's size and over the image,
next to the top-5 decoded predictions. The walkthrough's own experiment (`--set
experiment=true`): the same image rotated and flipped, side by side. A rotated golden retriever
was hardly recognised (0.27), a flipped one as well as the original (0.83).

Documented result of the original: none printed by the script (it shows a picture); the
walkthrough's dog photo gave golden_retriever 0.827, its map on the dog.

Offline, and in tests, the same method runs on a small built-in network (see
`vision_networks`): trained here on synthetic object images whose boxes are known, so where the
map's heat falls can be measured (`test_cam_box_mass`: the share of the predicted class's
positive map inside the object's box, against `test_box_area`, what a uniform map gives).

Measured here (TensorFlow, CPU): the default training (4000 images, 12 epochs) reached test
accuracy 1.000 with test_cam_box_mass 0.509 against a uniform map's 0.245; the quick preset
(2000 images, 6 epochs) 0.992 and 0.523. Its experiment on the synthetic triangle: triangle
0.99; rotated, circle 0.39 (triangle 0.30); flipped, triangle 0.99: the walkthrough's pattern.

Differences from the original (Keras 2.3.1 `examples/class_activation_maps.py`):
- Keras 3's ResNet50 names the layers `conv5_block3_out` and `predictions`, not
  `activation_49` (a global auto-name) and `fc1000`.
- Pillow instead of OpenCV (same RGB order, same bilinear resize); the maps and overlays are
  written to PNG files instead of `plt.show()`.
- `postprocess` with top_k=1 is the walkthrough's simplified version (the map of the top class);
  top_k > 1 sums the top maps, as the original.
- The built-in network and the synthetic images are additions, so it runs offline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras
import numpy as np

from keras_classics import image_io, training
from keras_classics.config import BaseConfig
from keras_classics.datasets import DataSource, imagenet, objects
from keras_classics.errors import UserError
from keras_classics.examples.families import vision_networks
from keras_classics.registry import Context
from keras_classics.runs import Run, write_atomic

# The last feature map and the class layer: in Keras 3's ResNet50 (the seed's activation_49 and
# fc1000) and in the built-in network.
LAYERS = {"imagenet": ("conv5_block3_out", "predictions"), "builtin": ("block5", "predictions")}
IMAGENET_SIZE = 224
# `sample class_activation_maps` works without a run: see vision_networks for how it picks one.


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """Sampling options (network, image, output, top_k, experiment) and the built-in network's
    training (the original trained nothing: epochs, sizes and Adam's rate are ours)."""

    epochs: int = 12
    batch_size: int = 32
    train_images: int = 4000
    test_images: int = 1000
    image_size: int = 32
    width: int = 16
    learning_rate: float = 0.003
    network: str = "auto"
    image: str = ""
    top_k: int = 1
    experiment: bool = False

    def check(self) -> None:
        """Rejects values the network or the sampling step cannot use."""
        vision_networks.check_config(self)
        if self.top_k < 1:
            raise UserError(f"top_k must be at least 1, got {self.top_k}")


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {"epochs": 2, "train_samples": 256, "test_samples": 64, "width": 8},
    # About 35 s on 2 cores: the built-in network classifies the test shapes at 99.6%, and 55% of
    # its class activation map lies inside the object's box (24.6% of the image).
    "quick": {"epochs": 6, "train_images": 2000, "test_images": 500},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """The built-in network's input size and classes (the six synthetic object shapes)."""

    image_size: int = 32
    num_classes: int = len(objects.CLASS_NAMES)


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec
    test_boxes: np.ndarray  # (N, 4) top, left, bottom, right of each test object


def load_data(config: Config, source: DataSource) -> Data:
    """Synthetic object images (built in: the same for --data real and synthetic), in [-1, 1]."""
    train, test, boxes = vision_networks.object_data(config)
    return Data(train, test, DataSpec(config.image_size), test_boxes=boxes)


# -- Model --------------------------------------------------------------------------------------
def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """The built-in classifier (the network `train` trains), compiled with Adam."""
    return vision_networks.compile_builtin(config, spec.num_classes)


def get_cam_model(
    model: keras.Model, last_conv_layer: str, pred_layer: str, image_size: int
) -> keras.Model:
    """The original's `get_cam_model`: [class scores, one map per class] in one forward pass.

    The last feature map is upsampled (bilinear) to the input size, then a 1x1 convolution
    carrying the class layer's weights gives every pixel its class scores.
    """
    if model.input.shape[1] is None:  # the built-in network takes any size: fix one
        fixed = keras.models.clone_model(
            model, input_tensors=keras.Input((image_size, image_size, 3), name="image")
        )
        fixed.set_weights(model.get_weights())
        model = fixed
    features = model.get_layer(last_conv_layer).output  # (None, 7, 7, 2048) in ResNet50
    dense = model.get_layer(pred_layer)
    factor = image_size // features.shape[1]  # 224 / 7 = 32
    upsampled = keras.layers.UpSampling2D(
        size=(factor, factor), interpolation="bilinear", name="up_sampling2d"
    )(features)  # (None, 224, 224, 2048)
    kernel, bias = dense.get_weights()  # (2048, 1000), (1000,)
    cam_layer = keras.layers.Conv2D(len(bias), (1, 1), name="predictions_2")
    cams = cam_layer(upsampled)  # (None, 224, 224, 1000)
    cam_layer.set_weights([kernel.reshape((1, 1, *kernel.shape)), bias])
    return keras.Model(model.input, [model.output, cams], name=f"{model.name}_cam")


def summary_models(config: Config) -> dict[str, keras.Model]:
    """The seed's two summaries (the CAM model, 27,685,712; ResNet50, 25,636,712) and ours."""
    base = vision_networks.imagenet_resnet50(None)
    return {
        "resnet50_cam": get_cam_model(base, *LAYERS["imagenet"], IMAGENET_SIZE),
        "resnet50": base,
        "builtin": build_model(config),
    }


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains the built-in network on the synthetic objects; test metrics include where its
    class activation maps put their heat."""
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


def heat_in_box(heat: np.ndarray, box: np.ndarray) -> float:
    """The share of a map's positive heat inside box (top, left, bottom, right).

    A uniform map gives the box's share of the image's area.
    """
    positive = np.maximum(heat, 0.0)
    if positive.sum() <= 0:  # no positive evidence anywhere: count the map above its minimum
        positive = heat - heat.min()
    top, left, bottom, right = (int(v) for v in box)
    return float(positive[top:bottom, left:right].sum() / max(positive.sum(), 1e-12))


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test loss and accuracy, and the mean heat share inside the object boxes."""
    metrics = training.evaluate(model, *data.test, batch_size=config.batch_size)
    cam_model = get_cam_model(model, *LAYERS["builtin"], data.spec.image_size)
    x_test, _ = data.test
    predictions, cams = vision_networks.run_model(cam_model, x_test)
    top = predictions.argmax(axis=1)
    masses = [heat_in_box(cams[i, :, :, top[i]], data.test_boxes[i]) for i in range(len(top))]
    top_, left, bottom, right = data.test_boxes.T
    area = (bottom - top_) * (right - left) / float(data.spec.image_size**2)
    metrics["test_cam_box_mass"] = float(np.mean(masses))
    metrics["test_box_area"] = float(np.mean(area))
    return metrics


# -- Sampling -----------------------------------------------------------------------------------
def postprocess(preds: np.ndarray, cams: np.ndarray, top_k: int = 1) -> np.ndarray:
    """The map of the top class (the walkthrough's simplified version); top_k > 1 sums the top
    k maps as the original did. preds (1, classes), cams (1, H, W, classes) -> (H, W)."""
    idxes = np.argsort(preds[0])[-top_k:]
    return cams[0][:, :, idxes].sum(axis=-1)


def decode(preds: np.ndarray, names: list[tuple[str, str]], top: int = 5) -> list[tuple]:
    """Like decode_predictions: [(id, name, probability), ...] of the top classes, best first."""
    order = np.argsort(preds)[::-1][:top]
    return [(names[i][0], names[i][1], round(float(preds[i]), 6)) for i in order]


def jet(heat: np.ndarray) -> np.ndarray:
    """A map scaled to [0, 1] over its range, in matplotlib's `jet` colour map: RGB uint8."""
    import matplotlib

    span = float(heat.max() - heat.min())
    scaled = (heat - heat.min()) / span if span > 0 else np.zeros_like(heat)
    return image_io.to_uint8(matplotlib.colormaps["jet"](scaled)[..., :3] * 255)


@dataclasses.dataclass
class Network:
    """What the sampling step needs of a network: its CAM model, input size and class names."""

    cam_model: keras.Model
    size: int
    preprocess: Callable[[np.ndarray], np.ndarray]
    names: list[tuple[str, str]]


def prepare_network(config: Config, choice: vision_networks.Choice, source: DataSource) -> Network:
    """The CAM model of the chosen network (ResNet50 or the built-in one)."""
    names = vision_networks.class_names(choice.network, source)
    if choice.network == "imagenet":
        base = vision_networks.imagenet_resnet50(str(choice.weights))
        cam_model = get_cam_model(base, *LAYERS["imagenet"], IMAGENET_SIZE)
        return Network(cam_model, IMAGENET_SIZE, keras.applications.resnet.preprocess_input, names)
    cam_model = get_cam_model(choice.model, *LAYERS["builtin"], config.image_size)
    return Network(cam_model, config.image_size, vision_networks.preprocess_builtin, names)


def class_activation_map(network: Network, image: np.ndarray, top_k: int):
    """(predictions (classes,), map (image height, image width)) for one RGB uint8 image."""
    resized = image_io.resize(image, network.size, network.size)  # cv2.resize to 224x224
    batch = network.preprocess(resized[None].copy())
    preds, cams = vision_networks.run_model(network.cam_model, batch)
    heat = postprocess(preds, cams, top_k)
    return preds[0], image_io.resize(heat, *image.shape[:2])  # back to the original size


def sample(config: Config, model: keras.Model | None, run: Run | None, context: Context) -> dict:
    """Heat map, overlay and top-5 predictions for `--set image=PATH` (a synthetic image if none)."""
    source = context.source
    image = vision_networks.input_image(config)  # a bad file fails before any network is loaded
    remotes = (imagenet.RESNET50,)
    choice = vision_networks.choose(
        "class_activation_maps", config, model, run, remotes, load_data, train, context
    )
    network = prepare_network(config, choice, source)
    folder = vision_networks.output_folder(context, choice.run, "class_activation_maps")
    preds, heat = class_activation_map(network, image, config.top_k)
    colours = jet(heat)
    overlay = image_io.to_uint8(0.5 * image + 0.5 * colours)
    image_io.save_png(colours, folder / "cam_heatmap.png")
    image_io.save_png(overlay, folder / "cam_overlay.png")
    decoded = decode(preds, network.names)
    lines = [f"network: {choice.network}", f"top-5: {decoded}"]
    result = {"network": choice.network, "top5": decoded, "heat": heat, "folder": folder}
    if config.experiment:
        result["experiment"] = experiment(network, image, config, folder, lines)
    write_atomic(folder / "cam_predictions.txt", "\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"heat map, overlay and predictions written to {folder}")
    return result


def experiment(network: Network, image: np.ndarray, config: Config, folder, lines: list) -> dict:
    """The walkthrough's experiment: original, rotated by 90 degrees and flipped left-right."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    variants = {
        "original": image,
        "rotated": np.ascontiguousarray(np.rot90(image)),
        "flipped": np.ascontiguousarray(image[:, ::-1]),
    }
    figure, axes = plt.subplots(2, 3, figsize=(12, 7))
    results = {}
    for column, (title, picture) in enumerate(variants.items()):
        preds, heat = class_activation_map(network, picture, config.top_k)
        decoded = decode(preds, network.names)
        results[title] = decoded
        lines.append(f"{title}: {decoded}")
        axes[0, column].imshow(picture)
        axes[0, column].set_title(f"{title}: {decoded[0][1]} {decoded[0][2]:.2f}")
        axes[1, column].imshow(image_io.to_uint8(0.5 * picture + 0.5 * jet(heat)))
        for axis in axes[:, column]:
            axis.axis("off")
    image_io.save_figure(figure, folder / "cam_experiment.png")
    return results
