"""The walkthrough of deep_dream (`keras-classics explain deep_dream`): the seed's steps, in order."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics import gradients
from keras_classics.datasets import objects
from keras_classics.examples.deep_dream import (
    BUILTIN_FEATURES,
    CLASS_DREAM_SIZE,
    MAX_LOSS,
    PERSIAN_CAT,
    SETTINGS,
    Config,
    build_model,
    class_dream,
    default_target,
    dream,
    dream_loss,
    eval_loss_and_grads,
    octave_shapes,
    preprocess_image,
    resize_img,
)
from keras_classics.examples.families import vision_networks
from keras_classics.registry import Context
from keras_classics.walkthroughs import _vision


def explain(config: Config, context: Context):
    """The walkthrough's steps in its order: the base network, reading the image, the octave
    shapes, the octave loop, the lost detail, the loss, the normalised gradient ascent, and the
    class variant."""
    from keras_classics.explaining import Section, layer_table, parameter_line, say, summary_text

    model, trained = vision_networks.explain_network(
        "deep_dream", context, lambda: build_model(config)
    )
    yield _vision.network_lead("InceptionV3", trained, context)
    inception, _ = vision_networks.imagenet_inception_v3(None)
    yield Section(
        "The base network: InceptionV3 (weights not loaded here), and the built-in stand-in",
        "基础神经网络：InceptionV3（此处未加载权重），以及代替它的内置小网络",
        say(
            "DeepDream makes a network dream: gradient ascent turns an image into a dreamlike "
            "version of itself. The original's base network is InceptionV3:\n",
            "这个程序大致就是让神经网络产生一些梦境般的效果，把实实在在的画面搞得花里胡哨、虚虚实实。"
            "原文的基础神经网络使用的是 inception_v3：\n",
        )
        + f"{parameter_line(inception)}\n"
        + say(
            "Without its weight file (not downloaded here) the steps below run on ",
            "没有它的权重文件（这里不下载），下面的步骤在这个网络上运行：",
        )
        + _vision.network_note(trained, context)
        + say(":\n\n", "：\n\n")
        + summary_text(model),
    )
    image, _ = objects.one_image(2, 400, 500, config.seed)  # stands in for the 400x500 photo
    img = preprocess_image(image)
    yield Section(
        "preprocess_image: read, add a batch axis, scale to [-1, 1]",
        "preprocess_image：读图，增加一个 batch 维度，缩放到 [-1, 1]",
        say(
            "A 400x500 synthetic picture of a triangle stands in for the walkthrough's 400x500 "
            "photo of a dog. Reading it is ordinary; only a dimension is added, for batches.\n",
            "用一张 400x500 的合成三角形图片代替原文那张 400x500 的狗的照片。这里就是正常地读取一张"
            "图片，只不过为了 batch 处理，加了一个维度，其他没有变化。\n",
        )
        + f"image {image.shape} {image.dtype} -> img {img.shape} {img.dtype}, "
        f"values {img.min():.3f} .. {img.max():.3f}",
    )
    shapes = octave_shapes(img.shape[1:3], config.num_octave, config.octave_scale)
    yield Section(
        "successive_shapes: the octaves, smallest first",
        "successive_shapes：各个尺度（octave），从小到大",
        say(
            f"The image's size divided by {config.octave_scale} and by "
            f"{config.octave_scale}**2, then the image's own size:\n",
            f"就是很简单地计算出两个尺寸，一个是原图尺寸的 1/{config.octave_scale}，另一个是原图尺寸的 "
            f"1/({config.octave_scale}**2)，再加上原图尺寸：\n",
        )
        + f"num_octave {config.num_octave}, octave_scale {config.octave_scale}\n"
        f"successive_shapes {shapes}",
    )
    lines: list[str] = []
    steps = 2  # of the original's 20 per octave: explain stays quick
    _, octave_losses = dream(
        image, model, BUILTIN_FEATURES, dataclasses.replace(config, iterations=steps),
        config.max_loss or MAX_LOSS["builtin"], log=lines.append,
    )  # fmt: skip
    yield Section(
        "The octave loop: resize to each shape, gradient ascent, put the lost detail back",
        "按尺度循环：缩放到每个尺寸，梯度上升，补回丢失的细节",
        say(
            "Without the lost detail, the loop comes down to:\n",
            "除去 lost_detail，代码可以精简为：\n",
        )
        + "for shape in successive_shapes:\n    print('Processing image shape', shape)\n"
        "    img = resize_img(img, shape)\n"
        "    img = gradient_ascent(img, iterations=iterations, step=step, max_loss=max_loss)\n"
        + say(
            f"dream() on the 400x500 image, built-in network, {steps} steps per octave "
            f"(the original: {config.iterations}):\n",
            f"在 400x500 的图片上用内置网络运行 dream()，每个尺度 {steps} 步"
            f"（原文是 {config.iterations} 步）：\n",
        )
        + "\n".join(lines),
    )
    details = []
    shrunk = resize_img(img, shapes[0])
    for shape in shapes:
        lost = resize_img(img, shape) - resize_img(shrunk, shape)
        details.append(f"{shape}: mean |lost_detail| {np.mean(np.abs(lost)):.4f}")
        shrunk = resize_img(img, shape)
    yield Section(
        "lost_detail: what shrinking lost, put back after each octave (a little less blur)",
        "lost_detail：缩放丢失的细节，每个尺度之后补回去（不加也有效果，只是有点模糊）",
        say(
            "lost_detail makes up for the bit of detail that resizing loses; without it the "
            "effect is there too, only a little blurred.\n",
            "lost_detail 是为了对缩放产生的一点点细节丢失进行一点点补偿，也就是不加也能产生效果，"
            "只不过会有一点点模糊。\n",
        )
        + "lost_detail = resize(original, shape) - resize(shrunk original, shape)\n"
        + "\n".join(details),
    )
    features = SETTINGS["features"]
    probe = keras.Model(inception.input, [inception.get_layer(n).output for n in features])
    specs = probe.compute_output_spec(keras.KerasTensor((1, *shapes[-1], 3)))
    rows = [
        f"{name}: weight {coeff}, activation {tuple(spec.shape)}, border cropped "
        f"{(1, spec.shape[1] - 4, spec.shape[2] - 4, spec.shape[3])}, "
        f"scaling {int(np.prod(spec.shape)):,}"
        for (name, coeff), spec in zip(features.items(), specs, strict=True)
    ]
    first_losses = ", ".join(f"{losses[0]:.3g}" for losses in octave_losses)
    yield Section(
        "The loss: mixed2..mixed5, squared, border cropped, scaled, weighted, summed",
        "loss：mixed2 到 mixed5 各层输出（四周各去掉两个像素）的平方和除以总数，乘以系数再相加",
        say(
            "The loss is InceptionV3's mixed2, mixed3, mixed4 and mixed5 outputs, two pixels "
            "cut off each border, squared and summed, divided by their size, times a weight, "
            "added up:\n",
            "loss 是 inception_v3 的 mixed2、mixed3、mixed4、mixed5 几层的输出值（四周各去掉两个"
            "像素）的平方和再除以总数，再乘以一个系数，再相加：\n",
        )
        + f"settings = {SETTINGS}\n"
        + layer_table(inception, list(features))
        + "\n"
        + say(f"for the {shapes[-1]} image:\n", f"对于 {shapes[-1]} 的图片：\n")
        + "\n".join(rows)
        + "\n"
        + say(
            f"the built-in network uses {BUILTIN_FEATURES} the same way; a sum of squares, so "
            f"the loss is never negative: {first_losses} at the octaves' first steps",
            f"内置网络以同样的方式使用 {BUILTIN_FEATURES}；因为是平方和，所以 loss 永远为正数：各尺度"
            f"第一步的 loss 为 {first_losses}",
        ),
    )
    start = resize_img(img, shapes[0])
    loss_and_grads = gradients.value_and_grad(dream_loss(model, BUILTIN_FEATURES))
    raw_loss, raw_grads = loss_and_grads(start)
    _, normalised = eval_loss_and_grads(loss_and_grads, start)
    rising = all(np.all(np.diff(losses) > 0) for losses in octave_losses)
    yield Section(
        "Gradient ascent: the normalised gradient, times the step, added to the image",
        "梯度上升：梯度除以其绝对值的均值，乘以 step，加回到图像上，loss 越来越大",
        say(
            f"image {start.shape}: loss {raw_loss:.4g}; mean |gradient| "
            f"{np.mean(np.abs(raw_grads)):.3e} -> {np.mean(np.abs(normalised)):.3f} after "
            f"normalisation; x += step * gradient with step {config.step}\n",
            f"图片 {start.shape}：loss {raw_loss:.4g}；梯度绝对值的均值 "
            f"{np.mean(np.abs(raw_grads)):.3e}，正则化之后为 {np.mean(np.abs(normalised)):.3f}；"
            f"x += step * gradient，step 为 {config.step}\n",
        )
        + say(
            "The derivative of y at x, added back to x, moves x to where y is larger: here x is "
            "the image and y the loss, so the loss grows; it rose at every step of the loop "
            f"above: {rising}",
            "一个 y 值对 x 在某个点的导数，如果再加回到 x 上去的话，就是向 y 变得更大的方向移动；"
            "这里的 x 就是 img，y 就是 loss，所以 loss 会越来越大；上面的循环中每一步 loss 都在"
            f"增大：{rising}",
        ),
    )
    resized = resize_img(preprocess_image(image), (config.image_size, config.image_size))
    target = default_target(vision_networks.run_model(model, resized)[0])
    quick = dataclasses.replace(config, class_iterations=20)
    result = class_dream(image, model, target, config.image_size, quick, log=lambda line: None)
    before, after = result["probabilities_before"], result["probabilities_after"]
    names = objects.CLASS_NAMES
    size = f"{config.image_size}x{config.image_size}"
    yield Section(
        "The walkthrough's variant: ascend the probability of one class (283, Persian cat)",
        "作者的修改：让图片被识别为某一类别（283，波斯猫）",
        "loss = layer_dict['predictions'].output[0][283]; grads /= max(mean(|grads|), epsilon)\n"
        + say(
            f"the walkthrough: target {PERSIAN_CAT}, step {config.class_step}, up to "
            f"{config.class_iterations} steps, stop above {config.class_max_loss}, image resized "
            f"to {CLASS_DREAM_SIZE}x{CLASS_DREAM_SIZE}: its golden retriever (207) became a "
            "Persian cat and still looked like the dog.\n",
            f"原文：目标 {PERSIAN_CAT}，step {config.class_step}，最多 {config.class_iterations} "
            f"步，超过 {config.class_max_loss} 就停，图片缩放到 {CLASS_DREAM_SIZE}x"
            f"{CLASS_DREAM_SIZE}：原先识别为 207（金毛犬）的图片，修改后识别为 283（波斯猫），图片"
            "基本变化不大，和原图一样。\n",
        )
        + say(
            f"built in, the runner-up class {target} ({names[target]}) at {size}, "
            f"{len(result['losses'])} steps: p = {before[target]:.5f} -> {after[target]:.5f}, "
            f"mean |pixel change| {result['mean_abs_change']:.5f} (sample runs all "
            f"{config.class_iterations})",
            f"内置网络：第二可能的类别 {target}（{names[target]}），{size}，"
            f"{len(result['losses'])} 步：p = {before[target]:.5f} -> {after[target]:.5f}，"
            f"像素平均变化 {result['mean_abs_change']:.5f}（sample 会运行全部 "
            f"{config.class_iterations} 步）",
        ),
    )
