"""The walkthrough of mnist_acgan (`keras-classics explain mnist_acgan`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics.examples.mnist_acgan import (
    Config,
    discriminator_targets,
    load_data,
    noise_and_labels,
    summary_models,
)
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: the discriminator (and its Sequential), the generator (and its
    Sequential), the combined model, and the targets and sample weights of a batch."""
    source = context.source
    from keras_classics.explaining import Section, layer_table, parameter_line, summary_text

    def functional(model: keras.Model) -> str:  # the seed's form, with "Connected to"
        return f'Model: "{model.name}"\n{layer_table(model)}\n{parameter_line(model)}'

    models = summary_models(config)
    D, G, combined = models["discriminator"], models["generator"], models["combined"]
    yield Section(
        "The discriminator",
        "判别网络",
        functional(D)
        + "\n(the seed's Keras 2 names: input_1, sequential_1; Keras 3 names inputs input_layer, "
        "input_layer_1, ... and the Sequential is named discriminator_cnn here; layer order, "
        "output shapes and parameter counts are the seed's.)",
    )
    yield Section(
        "Its Sequential: image -> 12544 features",
        "其中 Sequential 的结构",
        summary_text(D.get_layer("discriminator_cnn"))
        + "\n(Keras 3 numbers automatic layer names from 0 (conv2d, leaky_re_lu, dropout) "
        "where the seed's Keras 2 printed conv2d_1, leaky_re_lu_1, dropout_1; layer order, output "
        "shapes and parameter counts are the seed's.)",
    )
    yield Section(
        "The generator",
        "生成网络",
        functional(G)
        + "\n(the seed's Keras 2 names: input_3, input_2, embedding_1, multiply_1, sequential_2; "
        "here the inputs are named image_class and latent, the Sequential generator_cnn; layer "
        "order, output shapes and parameter counts are the seed's.)",
    )
    cnn = G.get_layer("generator_cnn")
    yield Section(
        "Its Sequential: 100 -> 28x28x1",
        "其中 Sequential 的结构",
        summary_text(cnn)
        + f"\nThe Sequential takes what it is given, the product {tuple(cnn.input.shape)}, so "
        f"its Dense prints {tuple(cnn.layers[0].output.shape)}; the original declared "
        f"input_dim={config.latent_size} and printed (None, {cnn.layers[0].units}) but was called "
        "on the same (None, 1, 100) product. The Dense acts on the last axis either way: the "
        "same parameters.\n(Keras 3 numbers automatic layer names from 0 (dense, reshape, "
        "conv2d_transpose) where the seed's Keras 2 printed dense_1, reshape_1, "
        "conv2d_transpose_1; the other shapes and every parameter count are the seed's.)",
    )
    yield Section(
        "Generator and discriminator combined (the discriminator frozen)",
        "生成网络和判别网络合并（判别网络 trainable=False）",
        functional(combined)
        + "\nThe two Identity layers (0 parameters) only name the outputs generation and "
        "auxiliary, so Keras 3 reports a loss per output as the original's table did; the "
        "seed printed the two sub-models as model_2 and model_1 (Model).",
    )
    batch = config.batch_size
    data = load_data(dataclasses.replace(config, train_samples=batch, test_samples=batch), source)
    labels = data.train[1][:batch]
    sampled = noise_and_labels(np.random.default_rng(config.seed), len(labels), config.latent_size)[
        1
    ]
    y, aux_y, weights = discriminator_targets(config, labels, sampled)
    tmp = [y, aux_y]
    shown = [*range(3), *range(len(labels), len(labels) + 3)]  # 3 real, then 3 generated

    def few(values: np.ndarray) -> str:
        return f"[{', '.join(str(values[i].tolist()) for i in shown[:3])}, ..., " + (
            f"{', '.join(str(values[i].tolist()) for i in shown[3:])}, ...]"
        )

    trick = np.full(2 * len(labels), config.soft_one)
    yield Section(
        f"Targets and sample weights of a batch: {len(labels)} real images, then "
        f"{len(labels)} generated",
        "判别网络一个 batch 的标签和 sample_weight：真实图片的 y 为 0.95，生成图片分类损失乘以 0",
        f"x: {data.train[0].shape[1:]} in [{data.train[0].min():.1f}, "
        f"{data.train[0].max():.1f}] (real images first, then generated)\n"
        f"y = {few(y)}\naux_y = {few(aux_y)}\n"
        f"print(len(disc_sample_weight)) {len(weights)}\n"
        f"print(len(disc_sample_weight[0])) {len(weights[0])}  # {few(weights[0])}\n"
        f"print(len(disc_sample_weight[1])) {len(weights[1])}  # {few(weights[1])}\n"
        f"tmp = [y, aux_y]\nprint(len(tmp)) {len(tmp)}\nprint(len(tmp[0])) {len(tmp[0])}\n"
        f"print(len(tmp[1])) {len(tmp[1])}\n"
        f"then combined.train_on_batch: {len(trick)} generated images, all labelled "
        f"{trick[0]} (real), and their classes; discriminator.trainable inside combined: "
        f"{combined.get_layer('discriminator').trainable}, so only the generator learns there "
        "(train sets it back to True before each discriminator step)",
    )
