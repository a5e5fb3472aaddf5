"""deep_dream: InceptionV3's count, the octave shapes the seed prints, the dream loss rising, the
class-targeted variant, and the sampling step's files and errors (offline, built-in network)."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import gradients, runs, training
from keras_classics.cli import main
from keras_classics.datasets import imagenet, objects
from keras_classics.errors import UserError
from keras_classics.examples import deep_dream as dd
from keras_classics.examples.families import vision_networks
from keras_classics.registry import Context
from vision_fixtures import trained_builtin


def test_inception_v3_has_23_851_784_parameters():
    models = dd.summary_models(dd.Config())
    assert models["inception_v3"].count_params() == 23_851_784
    assert list(dd.SETTINGS["features"].values()) == [0.2, 0.5, 2.0, 1.5]
    for name in dd.SETTINGS["features"]:
        assert models["inception_v3"].get_layer(name) is not None


def test_octave_shapes_of_a_400x500_image_are_the_seeds():
    assert dd.octave_shapes((400, 500), 3, 1.4) == [(204, 255), (285, 357), (400, 500)]
    assert dd.octave_shapes((400, 500), 1, 1.4) == [(400, 500)]


def test_preprocess_and_deprocess_are_inverse_and_resize_keeps_the_batch():
    image = objects.one_image(3, 40, 50, seed=1)[0]
    x = dd.preprocess_image(image)
    assert x.shape == (1, 40, 50, 3) and -1.0 <= x.min() and x.max() <= 1.0
    assert np.abs(dd.deprocess_image(x).astype(int) - image).max() <= 1
    assert dd.resize_img(x, (20, 25)).shape == (1, 20, 25, 3)


def test_dream_loss_rises_over_the_iterations_and_stops_above_max_loss():
    _, _, model = trained_builtin()
    image = dd.preprocess_image(objects.one_image(4, 64, 80, seed=2)[0])
    loss_and_grads = gradients.value_and_grad(dd.dream_loss(model, dd.BUILTIN_FEATURES))
    _, losses = dd.gradient_ascent(image, 10, 0.01, None, loss_and_grads, log=lambda line: None)
    assert len(losses) == 10 and losses[0] > 0
    assert losses[-1] > 3 * losses[0]
    assert sum(b > a for a, b in zip(losses, losses[1:], strict=False)) >= 8
    assert losses[3] > max(losses[:3])
    _, capped = dd.gradient_ascent(image, 10, 0.01, max(losses[:3]), loss_and_grads, print)
    assert capped == losses[:4]  # the fourth value is above max_loss: the ascent stops there


def test_octave_dream_keeps_the_size_and_changes_the_image():
    _, _, model = trained_builtin()
    image = objects.one_image(0, 72, 96, seed=3)[0]
    config = dd.Config(iterations=3, num_octave=2)
    dreamed, losses = dd.dream(image, model, dd.BUILTIN_FEATURES, config, 1e9, log=print)
    assert dreamed.shape == image.shape and dreamed.dtype == np.uint8
    assert [len(octave) for octave in losses] == [3, 3]
    assert np.abs(dreamed.astype(int) - image).mean() > 2


def test_class_dream_makes_the_network_see_another_class_with_a_small_change():
    _, data, model = trained_builtin()
    config = dd.Config()  # the walkthrough's settings: step 0.0001, up to 2000 steps, stop at 0.9
    x_test, y_test = data.test
    probabilities = vision_networks.run_model(model, x_test[:16])
    row = int(np.argmax(probabilities.max(axis=1)))  # a confidently classified image
    target = dd.default_target(probabilities[row])  # the runner-up class
    assert target != probabilities[row].argmax() and probabilities[row, target] < 0.1
    image = dd.deprocess_image(x_test[row : row + 1])
    result = dd.class_dream(image, model, target, 32, config, log=lambda line: None)
    before, after = result["probabilities_before"], result["probabilities_after"]
    assert before[target] < 0.1 and after[target] > 0.5
    steps = len(result["losses"])
    # Each step moves the pixels by `step` on average (the gradient is normalised): bounded.
    assert result["mean_abs_change"] <= config.class_step * steps + 1e-6
    assert result["mean_abs_change"] < 0.05  # about 6 grey levels of 255
    assert np.abs(result["after"].astype(int) - result["before"]).max() < 128


def _finished_run(tmp_path, model) -> runs.Run:
    """A run directory as `keras-classics train deep_dream` leaves it, with the fixture's model."""
    run = runs.Run.create(tmp_path / "runs", "deep_dream")
    run.write_json("config.json", {"example": "deep_dream", "data": "synthetic", "config": {}})
    training.save_model(model, run.model_path)
    run.finish({"test_accuracy": 1.0})
    return run


def test_sample_uses_the_newest_run_and_writes_both_dreams(tmp_path, capsys):
    _, _, model = trained_builtin()
    run = _finished_run(tmp_path, model)
    path = tmp_path / "photo.png"
    keras.utils.save_img(path, objects.one_image(5, 80, 100, seed=4)[0])
    config = dd.Config(
        image=str(path), iterations=3, num_octave=2, class_iterations=300,
    )  # fmt: skip
    result = dd.sample(config, None, None, Context(runs_dir=tmp_path / "runs"))
    out = capsys.readouterr().out
    assert f"using the built-in network of {run.path}" in out and "class dream" in out
    assert (run.artifacts / "dream.png").is_file() and (run.artifacts / "class_dream.png").is_file()
    assert keras.utils.load_img(run.artifacts / "dream.png").size == (100, 80)
    assert result["network"] == "builtin" and len(result["losses"]) == 2
    assert result["class_dream"]["probabilities_after"][result["class_dream"]["target"]] > 0.5


def test_too_small_or_missing_image_is_one_line(tmp_path):
    _, _, model = trained_builtin()
    config = dd.Config()
    path = tmp_path / "small.png"
    keras.utils.save_img(path, objects.one_image(1, 30, 30, seed=1)[0])
    for image, fragment in ((path, "too small"), (tmp_path / "none.png", "not found")):
        changed = dataclasses.replace(config, image=str(image))
        with pytest.raises(UserError, match=fragment) as error:
            dd.sample(changed, model, None, Context(output=tmp_path / "out"))
        assert "\n" not in str(error.value)


def test_imagenet_weights_missing_offline_say_what_to_put_where(capsys):
    assert main(["sample", "deep_dream", "--set", "network=imagenet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    remote = imagenet.INCEPTION_V3
    for fragment in (remote.fname, remote.origin, remote.file_hash, "models"):
        assert fragment in err


def test_unreadable_inception_weight_file_is_one_line(tmp_path):
    path = tmp_path / "inception.h5"
    path.write_bytes(b"not hdf5")
    with pytest.raises(UserError, match="cannot load InceptionV3 weights") as error:
        vision_networks.imagenet_inception_v3(str(path))
    assert "\n" not in str(error.value)


def test_explain_follows_the_seed_octave_by_octave(tmp_path):
    from keras_classics.datasets import DataSource

    training.seed_everything(1337)
    config = dd.Config()  # no finished run under tmp_path: the untrained network
    sections = list(explain(dd, config, DataSource(kind="synthetic"), runs_dir=tmp_path))
    assert "inception_v3: total 23,851,784" in sections[0].body
    assert "img (1, 400, 500, 3) float32" in sections[1].body
    assert "successive_shapes [(204, 255), (285, 357), (400, 500)]" in sections[2].body
    loop = sections[3].body.splitlines()
    processing = [line for line in loop if line.startswith("Processing image shape")]
    assert processing == [
        "Processing image shape (204, 255)",
        "Processing image shape (285, 357)",
        "Processing image shape (400, 500)",
    ]
    assert sum(line.startswith("..Loss value at") for line in loop) == 6  # 2 steps per octave
    assert "(204, 255): mean |lost_detail| 0.0000" in sections[4].body  # nothing lost yet
    assert sections[6].body.endswith("it rose at every step of the loop above: True")
    assert "-> 1.000 after normalisation" in sections[6].body
    before, after = sections[7].body.split("p = ")[1].split(",")[0].split(" -> ")
    assert float(after) > float(before)  # the class variant raises its class's probability
