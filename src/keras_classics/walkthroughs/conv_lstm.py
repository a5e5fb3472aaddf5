"""The walkthrough of conv_lstm (`keras-classics explain conv_lstm`): the seed's steps, in order."""

from __future__ import annotations

import numpy as np

from keras_classics.examples.conv_lstm import Config, build_model, generate_movies
from keras_classics.registry import Context


def next_frame_check(movies: int = 100, n_frames: int = 15, size: int = 40, seed: int = 1337):
    """The walkthrough's check, with the noise switched off: shifted_movies[k][i - 1] equals
    noisy_movies[k][i] for every k < movies and i in 1..13. Returns [(k, [bool, ...]), ...]."""
    noisy, shifted = generate_movies(movies, n_frames, size, False, np.random.RandomState(seed))
    return [
        (
            k,
            [
                bool((shifted[k][i - 1].astype(np.uint8) == noisy[k][i].astype(np.uint8)).all())
                for i in range(1, n_frames - 1)
            ],
        )  # fmt: skip
        for k in range(movies)
    ]


def explain(config: Config, context: Context):
    """The walkthrough: the model summary, the movies' shapes, and the next-frame check."""
    from keras_classics.explaining import Section, say, summary_text

    yield Section(
        "The network",
        "网络结构",
        summary_text(build_model(config))
        + "\n"
        + say(
            "(Keras 3 numbers automatic layer names from 0 (conv_lstm2d, batch_normalization, "
            "conv3d) where the seed's Keras 2 printed conv_lstm2d_1, batch_normalization_1, "
            "conv3d_1; layer order, output shapes and parameter counts are the seed's.)",
            "（Keras 3 自动生成的层名从 0 开始编号（conv_lstm2d、batch_normalization、conv3d），"
            "而原文的 Keras 2 打印的是 conv_lstm2d_1、batch_normalization_1、conv3d_1；层的顺序、"
            "输出 shape 和参数个数都与原文相同。）",
        ),
    )
    count = min(config.n_samples, 100)
    noisy, shifted = generate_movies(count, config.n_frames, config.frame_size, config.noise,
                                     np.random.RandomState(config.seed))  # fmt: skip
    full = (config.n_samples, *noisy.shape[1:])
    nonzero = (shifted[3] > 0).sum(axis=(1, 2, 3))
    values = np.unique(noisy.round(2))[:8].tolist()
    yield Section(
        "noisy_movies and shifted_movies: movies of moving squares",
        "noisy_movies 和 shifted_movies：移动方框的影片",
        say(
            f"noisy_movies.shape {full} and shifted_movies.shape {full} (generated here: {count})",
            f"noisy_movies 和 shifted_movies 的 shape 均为 {full}，也就是 {full[0]} 个影片，"
            f"每个影片 {full[1]} 帧，分辨率 {full[2]}*{full[3]}（这里只生成了 {count} 个）",
        )
        + "\n"
        + say(
            f"movie 3: {config.n_frames} frames, square pixels per frame {nonzero.tolist()}",
            f"第 3 个影片：{config.n_frames} 帧，每帧中方框的像素数 {nonzero.tolist()}",
        )
        + "\n"
        + say(
            f"noisy values {values}... (squares 1, noise +-0.1)",
            f"noisy_movies 的取值 {values}...（方框为 1，噪音为 ±0.1）",
        )
        + "\nimageio.mimsave('my.gif', shifted_movies[3], 'GIF', duration=0.2)"
        + say(
            " saves one; after training, artifacts/prediction_<which>.gif shows a prediction "
            "beside the truth.",
            " 即可保存一段影片；训练之后，artifacts/prediction_<which>.gif 把预测和真实影片并排"
            "显示。",
        ),
    )
    checks = next_frame_check(count, config.n_frames, config.frame_size, config.seed)
    shown = "\n".join(f"{k}\n" + "\n".join(str(v) for v in values) for k, values in checks[:2])
    every = all(all(values) for _, values in checks)
    total = sum(len(values) for _, values in checks)
    yield Section(
        "shifted_movies is noisy_movies one frame later (noise switched off)",
        "shifted_movies 是 noisy_movies 的下一帧（去掉噪音后判断永远为 True）",
        "for k in range(100):\n    print(k)\n    for i in range(1, 14):\n"
        "        print((shifted_movies[k][i - 1].astype(np.uint8) == "
        "noisy_movies[k][i].astype(np.uint8)).all())\n"
        f"{shown}\n..."
        + say(
            f" ({total} checks over {len(checks)} movies, all True: {every})",
            f"（{len(checks)} 个影片共判断 {total} 次，是否全部为 True：{every}）",
        ),
    )
