"""The walkthrough of mnist_acgan (`keras-classics explain mnist_acgan`): the seed's steps, in
order."""

from __future__ import annotations

import keras
import numpy as np

from keras_classics.examples.mnist_acgan import (
    Config,
    discriminator_targets,
    from_arrays,
    noise_and_labels,
    summary_models,
)
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist


def explain(config: Config, context: Context):
    """The walkthrough: the discriminator (and its Sequential), the generator (and its
    Sequential), the combined model, and the targets and sample weights of a batch."""
    source = context.source
    from keras_classics.explaining import (
        Section,
        layer_table,
        names_note,
        parameter_line,
        say,
        summary_text,
    )

    def functional(model: keras.Model) -> str:  # the seed's form, with "Connected to"
        return f'Model: "{model.name}"\n{layer_table(model)}\n{parameter_line(model)}'

    models = summary_models(config)
    D, G, combined = models["discriminator"], models["generator"], models["combined"]
    yield Section(
        "The discriminator",
        "判别网络",
        say(
            "A GAN is two networks: a generator that makes images and a discriminator that "
            "judges them.\n",
            "这是一个 gan 网络，大致分为两个神经网络，一个是生成网络，另一个是判别网络。\n",
        )
        + functional(D)
        + "\n"
        + say(
            f"(the seed's Keras 2 names: input_1, sequential_1; here the input is "
            f"{D.layers[0].name} and the Sequential is named discriminator_cnn; layer order, "
            "output shapes and parameter counts are the seed's.)",
            f"（原文 Keras 2 的名字是 input_1、sequential_1；这里输入层叫 {D.layers[0].name}，"
            "Sequential 叫 discriminator_cnn；层的顺序、输出 shape 和参数个数都与原文一致。）",
        ),
    )
    cnn = D.get_layer("discriminator_cnn")
    yield Section(
        "Its Sequential: image -> 12544 features",
        "其中 Sequential 的结构：图片 -> 12544 维的向量",
        summary_text(cnn)
        + "\n"
        + say(
            "An image goes through convolutions, LeakyReLU and dropout and is flattened into a "
            "12544-dimensional vector; two Dense layers follow it: generation (is the image "
            "real?) and auxiliary (which digit is it?).\n",
            "就是给定一张图片，通过一堆卷积、激活、dropout 之后，最后拉伸生成一个 12544 维度的"
            "向量，然后跟两个 Dense，一个是判断是否为真图片（generation），另一个是判断是哪个数字"
            "（auxiliary）。\n",
        )
        + names_note(
            cnn,
            [f"{kind}_{i}" for i in range(1, 5) for kind in ("conv2d", "leaky_re_lu", "dropout")]
            + ["flatten_1"],
        ),
    )
    yield Section(
        "The generator",
        "生成网络",
        functional(G)
        + "\n"
        + say(
            "Two inputs: a random vector (latent, the seed's input_2) and a class, the digit to "
            "draw (image_class, the seed's input_3). The class goes through an Embedding and is "
            "multiplied element-wise with the random vector; the product keeps its shape, a "
            "100-dimensional vector, and Dense, Reshape and Conv2DTranspose make a 28*28 "
            "black-and-white image of it.\n",
            "也就是有两个输入，一个是随机数（latent，原文的 input_2），另一个是类别（image_class，"
            "原文的 input_3），就是数字几。类别经过一个 Embedding 之后和随机数逐元素相乘，相乘之后 "
            "shape 不变，是一个 100 维的向量，再经过 Dense、Reshape 和 Conv2DTranspose 之后，生成"
            "一张 28*28 的黑白图片。\n",
        )
        + say(
            f"(the seed's Keras 2 names: input_3, input_2, embedding_1, multiply_1, sequential_2; "
            f"here {', '.join(layer.name for layer in G.layers)}; layer order, output shapes and "
            "parameter counts are the seed's.)",
            f"（原文 Keras 2 的名字是 input_3、input_2、embedding_1、multiply_1、sequential_2；"
            f"这里是 {', '.join(layer.name for layer in G.layers)}；层的顺序、输出 shape 和参数"
            "个数都与原文一致。）",
        ),
    )
    cnn = G.get_layer("generator_cnn")
    given, dense = tuple(cnn.input.shape), tuple(cnn.layers[0].output.shape)
    yield Section(
        "Its Sequential: 100 -> 28x28x1",
        "其中 Sequential 的结构：100 -> 28x28x1",
        summary_text(cnn)
        + "\n"
        + say(
            f"The Sequential takes what it is given, the product {given}, so its Dense prints "
            f"{dense}; the original declared input_dim={config.latent_size} and printed "
            f"(None, {cnn.layers[0].units}) but was called on the same (None, 1, 100) product. "
            "The Dense acts on the last axis either way: the same parameters.\n",
            f"这个 Sequential 接收的是相乘的结果 {given}，所以其中的 Dense 打印为 {dense}；原文"
            f"声明了 input_dim={config.latent_size}，打印为 (None, {cnn.layers[0].units})，但调用"
            "时输入的也是同样的 (None, 1, 100)。Dense 都作用在最后一维上：参数相同。\n",
        )
        + names_note(
            cnn,
            (
                "dense_1",
                "reshape_1",
                "conv2d_transpose_1",
                "batch_normalization_1",
                "conv2d_transpose_2",
                "batch_normalization_2",
                "conv2d_transpose_3",
            ),
        ),  # fmt: skip
    )
    yield Section(
        "Generator and discriminator combined (the discriminator frozen)",
        "生成网络和判别网络合并（判别网络 trainable=False）",
        functional(combined)
        + "\n"
        + say(
            "The two Identity layers (0 parameters) only name the outputs generation and "
            "auxiliary, so Keras 3 reports a loss per output as the original's table did; the "
            "seed printed the two sub-models as model_2 and model_1 (Model).",
            "两个 Identity 层（0 个参数）只是给输出取名 generation 和 auxiliary，这样 Keras 3 "
            "会像原文的表格那样分别报告每个输出的损失；原文把两个子模型打印为 model_2 和 "
            "model_1 (Model)。",
        ),
    )
    batch = config.batch_size
    arrays, lead = _mnist.load(config, source, batch, batch)
    yield from lead
    data = from_arrays(config, arrays)
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
    frozen = combined.get_layer("discriminator").trainable
    yield Section(
        f"Targets and sample weights of a batch: {len(labels)} real images, then "
        f"{len(labels)} generated",
        f"判别网络一个 batch 的标签和 sample_weight：{len(labels)} 张真实图片，然后 "
        f"{len(labels)} 张生成的图片",
        f"x: {data.train[0].shape[1:]} in [{data.train[0].min():.1f}, "
        f"{data.train[0].max():.1f}] "
        + say("(real images first, then generated)", "（先是真实图片，然后是生成的图片）")
        + f"\ny = {few(y)}\naux_y = {few(aux_y)}\n"
        f"print(len(disc_sample_weight)) {len(weights)}\n"
        f"print(len(disc_sample_weight[0])) {len(weights[0])}  # {few(weights[0])}\n"
        f"print(len(disc_sample_weight[1])) {len(weights[1])}  # {few(weights[1])}\n"
        f"tmp = [y, aux_y]\nprint(len(tmp)) {len(tmp)}\nprint(len(tmp[0])) {len(tmp[0])}\n"
        f"print(len(tmp[1])) {len(tmp[1])}\n"
        + say(
            f"train_on_batch's sample_weight matches [y, aux_y]. The loss on y (real or not) "
            f"counts normally; real images are labelled {config.soft_one}. The digit loss "
            "(aux_y) is multiplied by 0 for generated images, whose class means little, and by "
            "2 for MNIST's images, to make up for it. That trains the discriminator once.\n",
            f"train_on_batch 的参数 sample_weight 对应 [y, aux_y]。y（是否为真实图片）的损失正常"
            f"计算，真实图片的标签值为 {config.soft_one}；aux_y 的损失，由于对新生成的图片计算其"
            "分类没啥意义，所以把它乘以 0，而对 mnist 库中的图片，把分类的损失乘以 2，弥补一下。"
            "这样训练判别网络一次。\n",
        )
        + say(
            f"Then combined.train_on_batch: {len(trick)} generated images, all labelled "
            f"{trick[0]} (real), and their classes; discriminator.trainable inside combined: "
            f"{frozen}, so only the generator learns there (train sets it back to True before "
            "each discriminator step).",
            f"然后 combined.train_on_batch：再生成 {len(trick)} 张图片，是否为真图片的标签全部设为 "
            f"{trick[0]}，以及它们的类别；combined 中 discriminator.trainable 为 {frozen}，所以"
            "这里只训练生成网络（train 在每次训练判别网络之前把它设回 True）。",
        ),
    )
