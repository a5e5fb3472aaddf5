"""The built-in network of class_activation_maps and deep_dream, trained once per test session
(both examples use the same network), small enough for a few seconds on a CPU."""

from __future__ import annotations

import dataclasses
import functools

from keras_classics.datasets import DataSource


@functools.cache
def trained_builtin():
    """(config, data, model): the built-in network trained on 1024 synthetic object images."""
    from keras_classics.examples import class_activation_maps as cam
    from keras_classics.training import seed_everything

    config = dataclasses.replace(
        cam.Config(), train_images=1024, test_images=256, epochs=6, width=16
    )
    seed_everything(config.seed)
    data = cam.load_data(config, DataSource(kind="synthetic"))
    model = cam.build_model(config, data.spec)
    model.fit(*data.train, batch_size=config.batch_size, epochs=config.epochs, verbose=0)
    return config, data, model
