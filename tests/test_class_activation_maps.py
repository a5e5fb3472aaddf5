"""class_activation_maps: the seed's parameter counts, the CAM head, where the heat falls, and the
sampling step's files and errors (offline: the built-in network; ImageNet weights are absent)."""

from __future__ import annotations

import dataclasses
import hashlib

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import runs
from keras_classics.cli import main
from keras_classics.datasets import DataSource, cache, imagenet, objects
from keras_classics.errors import DataError, UserError
from keras_classics.examples import class_activation_maps as cam
from keras_classics.examples.families import vision_networks
from keras_classics.registry import Context
from vision_fixtures import trained_builtin


def test_cam_model_and_resnet50_have_the_seeds_parameter_counts():
    models = cam.summary_models(cam.Config())
    counts = {
        name: (
            model.count_params(),
            sum(int(np.prod(w.shape)) for w in model.trainable_weights),
        )
        for name, model in models.items()
    }
    assert counts["resnet50_cam"] == (27_685_712, 27_632_592)
    assert counts["resnet50"] == (25_636_712, 25_583_592)
    added = models["resnet50_cam"]
    assert tuple(added.get_layer("up_sampling2d").output.shape) == (None, 224, 224, 2048)
    assert tuple(added.get_layer("predictions_2").output.shape) == (None, 224, 224, 1000)


def test_cam_head_carries_the_dense_weights_and_its_maps_average_to_the_scores():
    _, _, model = trained_builtin()
    image, _ = objects.one_image(1, 32, 32, seed=3)
    batch = vision_networks.preprocess_builtin(image[None])
    cam_model = cam.get_cam_model(model, "block5", "predictions", 32)
    kernel, bias = model.get_layer("predictions").get_weights()
    conv_kernel, conv_bias = cam_model.get_layer("predictions_2").get_weights()
    np.testing.assert_array_equal(conv_kernel, kernel.reshape(1, 1, *kernel.shape))
    np.testing.assert_array_equal(conv_bias, bias)
    preds, cams = vision_networks.run_model(cam_model, batch)
    assert cams.shape == (1, 32, 32, 6)
    # Bilinear upsampling by an integer factor keeps the mean, so mean(map) = the class logit.
    logits = cams[0].mean(axis=(0, 1))
    softmax = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(softmax, preds[0], atol=1e-5)
    np.testing.assert_allclose(preds, vision_networks.run_model(model, batch), atol=1e-6)


def test_postprocess_keeps_the_top_class_map_and_sums_top_k():
    preds = np.array([[0.1, 0.7, 0.2]])
    cams = np.stack([np.full((2, 2), v) for v in (1.0, 2.0, 3.0)], axis=-1)[None]
    np.testing.assert_array_equal(cam.postprocess(preds, cams), np.full((2, 2), 2.0))
    np.testing.assert_array_equal(cam.postprocess(preds, cams, top_k=2), np.full((2, 2), 5.0))


def test_heat_in_box_of_a_uniform_map_is_the_box_area():
    box = np.array([2, 4, 6, 12])
    assert cam.heat_in_box(np.ones((16, 16)), box) == pytest.approx(4 * 8 / 256)
    inside = np.zeros((16, 16))
    inside[3:5, 5:9] = 2.0
    assert cam.heat_in_box(inside - 1.0, box) == pytest.approx(1.0)
    assert cam.heat_in_box(-np.ones((16, 16)), box) == pytest.approx(0.0)  # no heat at all


def test_trained_builtin_network_puts_most_heat_on_the_object():
    config, data, model = trained_builtin()
    metrics = cam.evaluate(config, data, model)
    assert metrics["test_accuracy"] > 0.8
    # Most of the predicted class's positive heat inside the object's box, twice a uniform map's.
    assert metrics["test_cam_box_mass"] > 0.5
    assert metrics["test_cam_box_mass"] > 2 * metrics["test_box_area"]


def test_sample_writes_heat_map_overlay_and_experiment(tmp_path, capsys):
    config, _, model = trained_builtin()
    image, box = objects.one_image(2, 96, 128, seed=11)  # a triangle
    path = tmp_path / "triangle.png"
    keras.utils.save_img(path, image)
    out = tmp_path / "out"
    config = dataclasses.replace(config, image=str(path), experiment=True)
    result = cam.sample(config, model, None, Context(output=out))
    for name in ("cam_heatmap.png", "cam_overlay.png", "cam_experiment.png", "cam_predictions.txt"):
        assert (out / name).is_file(), name
    assert keras.utils.load_img(out / "cam_heatmap.png").size == (128, 96)
    assert result["network"] == "builtin" and result["top5"][0][1] == "triangle"
    assert len(result["top5"]) == 5 and str(out) in capsys.readouterr().out
    hottest = np.unravel_index(np.argmax(result["heat"]), result["heat"].shape)
    top, left, bottom, right = box
    margin = 8  # one cell of the 8x8 map is 12x16 pixels here
    assert (
        top - margin <= hottest[0] < bottom + margin
        and left - margin <= hottest[1] < right + margin
    )
    assert set(result["experiment"]) == {"original", "rotated", "flipped"}


def test_sample_without_a_run_trains_the_builtin_network_on_the_spot(tmp_path, capsys):
    image = tmp_path / "object.png"
    keras.utils.save_img(image, objects.one_image(0, 64, 64, seed=5)[0])
    argv = ["sample", "class_activation_maps", "--preset", "tiny", "--set", f"image={image}"]
    argv += ["--runs-dir", str(tmp_path / "runs")]  # the flag reaches a sample without a run
    argv += ["--set", "epochs=1", "--set", "train_samples=64", "--set", "test_samples=32"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "training the built-in network first" in out
    run = runs.latest_finished(tmp_path / "runs", "class_activation_maps", with_model=True)
    assert run is not None and (run.artifacts / "cam_overlay.png").is_file()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(None, "not found"), (b"\x89PNG\r\n\x1a\nbroken", "cannot read image")],
)
def test_missing_or_corrupt_image_is_one_line(tmp_path, content, fragment):
    config, _, model = trained_builtin()
    path = tmp_path / "photo.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match=fragment) as error:
        cam.sample(
            dataclasses.replace(config, image=str(path)), model, None, Context(output=tmp_path)
        )
    assert "\n" not in str(error.value)


def test_imagenet_weights_missing_offline_say_what_to_put_where(tmp_path, capsys):
    argv = ["sample", "class_activation_maps", "--set", "network=imagenet"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    for fragment in (
        imagenet.RESNET50.fname,
        imagenet.RESNET50.origin,
        "2cb95161c43110f7111970584f804107",
        "models",
    ):
        assert fragment in err


def test_cached_weights_are_used_when_present_and_checked(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    weights = home / "models" / "small.h5"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"weights")
    remote = cache.RemoteFile("small.h5", "https://example.invalid/small.h5",
                              hashlib.md5(b"weights").hexdigest(), "md5", "models")  # fmt: skip
    config = cam.Config()
    context = Context(source=DataSource(offline=True), runs_dir=tmp_path / "runs")
    choice = vision_networks.choose("class_activation_maps", config, None, None, (remote,),
                                    cam.load_data, cam.train, context)  # fmt: skip
    assert choice.network == "imagenet" and choice.weights == weights
    weights.write_bytes(b"truncated")
    with pytest.raises(DataError, match="corrupt"):
        vision_networks.choose("class_activation_maps", config, None, None, (remote,),
                               cam.load_data, cam.train, context)  # fmt: skip
    bad = dataclasses.replace(context, weights=str(tmp_path / "nowhere.h5"))
    with pytest.raises(UserError, match="no such file"):
        vision_networks.choose("class_activation_maps", config, None, None, (remote,),
                               cam.load_data, cam.train, bad)  # fmt: skip


def test_explain_shows_the_seeds_two_tables_in_its_order(tmp_path):
    config = cam.Config()  # no finished run under tmp_path: the untrained network
    sections = list(explain(cam, config, DataSource(kind="synthetic"), runs_dir=tmp_path))
    modified, original = sections[0].body, sections[1].body
    lines = modified.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Layer (type)"))
    names = [line.split()[0] for line in lines[header + 1 : header + 9]]
    # The seed's rows: ..., avg_pool, up_sampling2d_1, fc1000, predictions_2.
    assert names[4:] == ["avg_pool", "up_sampling2d", "predictions", "predictions_2"]
    assert "total 27,685,712 | trainable 27,632,592 | non-trainable 53,120" in modified
    assert "total 25,636,712 | trainable 25,583,592 | non-trainable 53,120" in original
    assert "up_sampling2d" not in original
    assert "added by get_cam_model: 2,049,000 parameters" in original
    difference = float(sections[2].body.rsplit("largest difference: ", 1)[1])
    assert difference < 1e-5  # softmax(mean of the maps + bias) is the network's prediction


def test_summaries_build_the_imagenet_networks_with_zero_weights_quickly():
    def build():
        return keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3)])

    model = vision_networks.zero_weights(build)  # no random draws: nothing runs these networks
    assert model.count_params() == 3 * 3 * 3 * 4 + 4
    assert not any(np.any(weight) for weight in model.get_weights())
    with keras.StatelessScope():  # a later scope does not initialise them again
        pass
    assert keras.ops.convert_to_numpy(model(np.ones((1, 8, 8, 3)))).shape == (1, 6, 6, 4)
