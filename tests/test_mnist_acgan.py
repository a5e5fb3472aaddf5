"""mnist_acgan: the seed's counts for the three models, each step training its own network
only (the Keras 3 trap of the original's freeze-after-compile), learning, and the artifacts."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import batch_norm, commands, config, runs
from keras_classics.datasets import DataSource
from keras_classics.examples import mnist_acgan
from keras_classics.explaining import parameter_line


def test_counts_of_the_three_models_equal_the_seed():
    models = mnist_acgan.summary_models(mnist_acgan.Config())
    assert parameter_line(models["discriminator"]) == (
        "discriminator: total 525,835 | trainable 525,835 | non-trainable 0"
    )
    assert models["discriminator"].get_layer("discriminator_cnn").count_params() == 387_840
    assert parameter_line(models["generator"]) == (
        "generator: total 2,657,897 | trainable 2,657,321 | non-trainable 576"
    )
    assert models["generator"].get_layer("generator_cnn").count_params() == 2_656_897
    assert parameter_line(models["combined"]) == (
        "acgan: total 3,183,732 | trainable 2,657,321 | non-trainable 526,411"
    )


def _tiny(*sets):
    cfg = config.resolve(mnist_acgan.Config, mnist_acgan.PRESETS, "tiny", sets)
    return cfg, mnist_acgan.load_data(cfg, DataSource(kind="synthetic"))


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def _moved(before, after) -> bool:
    return any(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))


def test_each_step_trains_its_own_network_only():
    cfg, data = _tiny()
    D, G, combined = mnist_acgan.build_gan(cfg, data.spec)
    rng = np.random.default_rng(0)
    images, labels = data.train[0][:20], data.train[1][:20]
    for _ in range(2):  # the second round proves the flags are set again each step
        d0, g0 = _weights(D), _weights(G)
        losses = mnist_acgan.discriminator_step(D, G, cfg, images, labels, rng)
        assert set(mnist_acgan.LOSS_NAMES) <= set(losses)
        assert _moved(d0, _weights(D)), "the discriminator did not learn in its step"
        assert not _moved(g0, _weights(G)), "the generator changed in the discriminator step"
        d1, g1 = _weights(D), _weights(G)
        losses = mnist_acgan.generator_step(D, combined, cfg, 20, rng)
        assert set(mnist_acgan.LOSS_NAMES) <= set(losses)  # per-output names, not collided
        assert not _moved(d1, _weights(D)), "the discriminator changed in the generator step"
        assert _moved(g1, _weights(G)), "the generator did not learn in its step"


def test_real_images_weigh_2_and_generated_0_in_the_digit_loss():
    cfg, data = _tiny()
    D, G, _ = mnist_acgan.build_gan(cfg, data.spec)
    D.trainable = True
    x = np.concatenate((data.train[0][:10], data.train[0][10:20]))
    y = np.array([0.95] * 10 + [0.0] * 10)
    real = data.train[1][:10]
    weights = [np.ones(20), np.concatenate((np.full(10, 2.0), np.zeros(10)))]
    a = D.test_on_batch(x, [y, np.concatenate((real, np.zeros(10)))], sample_weight=weights,
                        return_dict=True)  # fmt: skip
    b = D.test_on_batch(x, [y, np.concatenate((real, np.full(10, 7)))], sample_weight=weights,
                        return_dict=True)  # fmt: skip
    # The labels of generated images do not matter at all ...
    assert a["auxiliary_loss"] == pytest.approx(b["auxiliary_loss"], rel=1e-6)
    _, aux = D.predict(x, verbose=0)
    ce = -np.log(np.clip(aux[np.arange(10), real], 1e-7, 1))
    # ... and Keras averages over the batch: (2 * sum over real + 0) / 20 = mean over real.
    assert a["auxiliary_loss"] == pytest.approx(ce.mean(), rel=1e-4)


def test_learning_happens_and_the_run_has_plots_and_the_loss_table(options):
    sets = ("epochs=3", "train_samples=200", "test_samples=100", "learning_rate=0.002")
    run = commands.train("mnist_acgan", options(sets=sets))
    final = run.read_json("final.json")
    # The discriminator reads digits better than chance (0.1) ...
    assert final["test_auxiliary_accuracy"] > 0.25
    assert final["test_discriminator_auxiliary_loss"] < np.log(10) - 0.05
    # ... and the generator is not collapsed to one constant image; the class matters.
    cfg = config.resolve(mnist_acgan.Config, mnist_acgan.PRESETS, "tiny", sets)
    generator, _ = mnist_acgan.parts(runs.load_model(run))
    images = mnist_acgan.generate_by_class(generator, cfg, 3, np.random.default_rng(1))
    assert images.shape == (10, 3, 28, 28) and images.std() > 1e-3
    assert np.abs(images[0, 0] - images[1, 0]).max() > 1e-4

    artifacts = run.path / "artifacts"
    for epoch in (1, 2, 3):
        assert (artifacts / f"plot_epoch_{epoch:03d}_generated.png").is_file()
    from PIL import Image

    plot = Image.open(artifacts / "plot_epoch_003_generated.png")
    assert plot.size == ((2 * cfg.plot_samples + 1) * 28, 10 * 28)  # one row per class
    table = (artifacts / "losses.txt").read_text().splitlines()
    assert [cell.strip() for cell in table[1].split("|")] == ["component", *mnist_acgan.LOSS_NAMES]
    assert sum(line.startswith("discriminator (test)") for line in table) == 3
    rows = run.read_metrics()
    assert len(rows) == 3 and float(rows[-1]["discriminator_loss"]) > 0
    commands.sample(str(run.path), options(preset=None, sets=("digit=3",)))
    assert (artifacts / "sample_digit_3.png").is_file()


def test_the_generator_draws_at_inference_as_in_training_after_each_epoch(options):
    # Keras' moving variances start at 1.0 and keep 0.99**steps of it: after the tiny preset's
    # 6 steps, 94%. Recalibrated, inference normalises by the statistics training uses.
    sets = ("epochs=2", "train_samples=60", "test_samples=20")
    kept = commands.train("mnist_acgan", options(sets=(*sets, "recalibrate_bn=false")))
    recalibrated = commands.train("mnist_acgan", options(sets=sets))
    variances = {}
    for name, run in (("kept", kept), ("recalibrated", recalibrated)):
        generator, _ = mnist_acgan.parts(runs.load_model(run))
        variances[name] = [
            float(np.mean(layer.moving_variance)) for layer in batch_norm.layers_of(generator)
        ]
    assert len(variances["kept"]) == 2 and min(variances["kept"]) > 0.9
    assert max(variances["recalibrated"]) < 0.5
    generator, _ = mnist_acgan.parts(runs.load_model(recalibrated))
    noise, sampled = mnist_acgan.noise_and_labels(np.random.default_rng(0), 20, 100)
    inputs = [noise, sampled.reshape(-1, 1)]
    batch_norm.recalibrate(generator, [inputs])  # the statistics of exactly this batch
    np.testing.assert_allclose(
        generator.predict(inputs, verbose=0),
        keras.ops.convert_to_numpy(generator(inputs, training=True)),
        atol=1e-4,
    )


def test_resume_after_an_interruption_matches_an_uninterrupted_run(options, monkeypatch):
    from keras_classics import runs, training

    whole = commands.train("mnist_acgan", options())
    original = runs.Run.append_metrics

    def crash_after_first_epoch(self, row):
        original(self, row)
        raise KeyboardInterrupt

    monkeypatch.setattr(runs.Run, "append_metrics", crash_after_first_epoch)
    with pytest.raises(KeyboardInterrupt):
        commands.train("mnist_acgan", options())
    monkeypatch.setattr(runs.Run, "append_metrics", original)
    (interrupted,) = [p for p in whole.path.parent.iterdir() if p != whole.path]
    resumed = commands.train(None, options(preset=None, data=None, resume=interrupted))
    assert len(resumed.read_metrics()) == 2
    with (
        np.load(whole.checkpoint_dir / training.CHECKPOINT_FILE) as a,
        np.load(resumed.checkpoint_dir / training.CHECKPOINT_FILE) as b,
    ):
        assert a.files == b.files
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert resumed.read_json("final.json") == whole.read_json("final.json")


def test_explain_prints_the_seeds_five_summaries_and_the_sample_weights():
    sections = list(explain(mnist_acgan, mnist_acgan.Config(), DataSource(kind="synthetic")))
    bodies = [section.body for section in sections]
    totals = [
        "discriminator: total 525,835 | trainable 525,835 | non-trainable 0",
        "discriminator_cnn: total 387,840 | trainable 387,840 | non-trainable 0",
        "generator: total 2,657,897 | trainable 2,657,321 | non-trainable 576",
        "generator_cnn: total 2,656,897 | trainable 2,656,321 | non-trainable 576",
        "acgan: total 3,183,732 | trainable 2,657,321 | non-trainable 526,411",
    ]
    for body, total in zip(bodies, totals, strict=False):
        assert total in body
    # The seed's 'Connected to' column: the heads read the Sequential's 12544 features.
    assert bodies[0].splitlines()[-3].split()[-1] == "discriminator_cnn"
    assert "discriminator (Functional)  [(None, 1), (None, 10)]" in bodies[4]
    batch = bodies[5]
    assert "print(len(disc_sample_weight)) 2" in batch
    assert (
        "print(len(disc_sample_weight[1])) 200  # [2.0, 2.0, 2.0, ..., 0.0, 0.0, 0.0, ...]" in batch
    )
    assert "y = [0.95, 0.95, 0.95, ..., 0.0, 0.0, 0.0, ...]" in batch
    assert "discriminator.trainable inside combined: False" in batch
