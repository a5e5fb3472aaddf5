"""The walkthrough of mnist_denoising_autoencoder (`keras-classics explain
mnist_denoising_autoencoder`): the seed's steps, in order."""

from __future__ import annotations

import numpy as np

from keras_classics.examples.mnist_denoising_autoencoder import (
    Config,
    from_arrays,
    grid_size,
    mosaic_labels,
    summary_models,
)
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist


def _ascii(image: np.ndarray) -> list[str]:
    return ["".join(" .:-=+*#%@"[min(9, int(v * 10))] for v in row) for row in image]


def explain(config: Config, context: Context):
    """The walkthrough: the noise, the three models, and the layout of the result picture."""
    source = context.source
    from keras_classics.explaining import Section, names_note, say, summary_text

    models = summary_models(config)  # built first: layers numbered as if they were alone
    arrays, lead = _mnist.load(
        config, source, config.train_samples or 1000, config.test_samples or 300
    )
    yield from lead
    data = from_arrays(config, arrays)
    noisy, clean = data.train
    rng = np.random.RandomState(config.seed)
    noise = rng.normal(config.noise_mean, config.noise_std, size=clean.shape)
    en, zh = _mnist.heading_note(source, len(clean), lead)
    yield Section(
        "Clean images and the noise added to them" + en,
        "原图和加在上面的噪声" + zh,
        f"x_train.shape {clean.shape}  x_test.shape {data.test[1].shape}\n"
        + say("noise ~ ", "噪声 ~ ")
        + f"N({config.noise_mean}, {config.noise_std}), seed {config.seed}: "
        f"mean {noise.mean():.4f}, std {noise.std():.4f}\n"
        + say("after np.clip(x + noise, 0, 1): ", "np.clip(x + noise, 0, 1) 之后：")
        + say(
            f"{np.mean(noisy == 1.0):.1%} of the pixels are 1.0, {np.mean(noisy == 0.0):.1%} "
            "are 0.0\n",
            f"{np.mean(noisy == 1.0):.1%} 的像素为 1.0，{np.mean(noisy == 0.0):.1%} 为 0.0\n",
        )
        + say("mean squared error noisy vs clean: ", "加噪图与原图的均方差：")
        + f"{np.mean(np.square(noisy - clean)):.4f}",
    )
    left, right = _ascii(clean[0, ..., 0]), _ascii(noisy[0, ..., 0])
    yield Section(
        "One training image, clean (input target) and corrupted (model input)" + en,
        "一张训练图片：原图（目标）和加噪后的图（输入）" + zh,
        "\n".join(f"{a}   {b}" for a, b in zip(left, right, strict=True)),
    )
    yield Section(
        "The encoder: an image in, a 16-dimensional vector out",
        "编码网络：输入一张图片，生成一个 16 维的向量",
        summary_text(models["encoder"])
        + "\n"
        + names_note(models["encoder"], ("conv2d_1", "conv2d_2", "flatten_1")),
    )
    yield Section(
        "The decoder: a 16-dimensional vector in, a 28x28 image out",
        "解码网络：输入一个 16 维的向量，生成一张 28*28 的黑白图片",
        summary_text(models["decoder"])
        + "\n"
        + names_note(
            models["decoder"],
            (
                "dense_1",
                "reshape_1",
                "conv2d_transpose_1",
                "conv2d_transpose_2",
                "conv2d_transpose_3",
            ),
        ),  # fmt: skip
    )
    yield Section(
        "The autoencoder: noisy image in, clean image out, loss mse",
        "合并之后的网络：输入有噪音的图片，输出原图，损失函数是 mse（均方差）",
        summary_text(models["autoencoder"])
        + "\n"
        + say(
            "(Keras 3 prints a nested model's type as Functional where Keras 2 printed Model.)",
            "（嵌套模型的类型 Keras 3 打印为 Functional，Keras 2 打印为 Model。）",
        ),
    )
    rows, cols = grid_size(len(data.test_labels))
    yield Section(
        "The result picture: each group of three lines is original, corrupted, denoised",
        "效果图：每三行一组，第一行是原图，第二行是加上噪点之后的图，第三行是解码出来的图",
        say(
            f"digits on the {3 * rows} lines of the {rows}x{cols} picture (test labels):\n",
            f"{rows}x{cols} 效果图 {3 * rows} 行上的数字（测试集的标签）：\n",
        )
        + "\n".join(mosaic_labels(data.test_labels, rows, cols)),
    )
