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


def explain(config: Config, context: Context):
    """The walkthrough's steps in its order: the base network, reading the image, the octave
    shapes, the octave loop, the lost detail, the loss, the normalised gradient ascent, and the
    class variant."""
    from keras_classics.explaining import Section, layer_table, parameter_line, summary_text

    inception, _ = vision_networks.imagenet_inception_v3(None)
    model, note = vision_networks.explain_network(
        "deep_dream", context, lambda: build_model(config)
    )
    yield Section(
        "The base network: InceptionV3 (random weights here), and the built-in stand-in",
        "基础神经网络：InceptionV3（此处为随机权重），以及代替它的内置小网络",
        f"{parameter_line(inception)}\n"
        f"Without its weight file (not downloaded here) the steps below run on {note}:\n\n"
        + summary_text(model),
    )
    image, _ = objects.one_image(2, 400, 500, config.seed)  # stands in for the 400x500 photo
    img = preprocess_image(image)
    yield Section(
        "preprocess_image: read, add a batch axis, scale to [-1, 1]",
        "preprocess_image：读图，增加一个 batch 维度，缩放到 [-1, 1]",
        f"image {image.shape} {image.dtype} -> img {img.shape} {img.dtype}, "
        f"values {img.min():.3f} .. {img.max():.3f}",
    )
    shapes = octave_shapes(img.shape[1:3], config.num_octave, config.octave_scale)
    yield Section(
        "successive_shapes: the octaves, smallest first",
        "successive_shapes：各个尺度（octave），从小到大",
        f"num_octave {config.num_octave}, octave_scale {config.octave_scale}\n"
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
        "for shape in successive_shapes:\n    print('Processing image shape', shape)\n"
        "    img = resize_img(img, shape)\n"
        "    img = gradient_ascent(img, iterations=iterations, step=step, max_loss=max_loss)\n"
        f"dream() on the 400x500 image, built-in network, {steps} steps per octave "
        f"(the original: {config.iterations}):\n" + "\n".join(lines),
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
        "lost_detail = resize(original, shape) - resize(shrunk original, shape)\n"
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
    first_losses = [losses[0] for losses in octave_losses]
    yield Section(
        "The loss: mixed2..mixed5, squared, border cropped, scaled, weighted, summed",
        "loss：mixed2 到 mixed5 各层输出（四周各去掉两个像素）的平方和除以总数，乘以系数再相加",
        f"settings = {SETTINGS}\n"
        + layer_table(inception, list(features))
        + f"\nfor the {shapes[-1]} image:\n"
        + "\n".join(rows)
        + f"\nthe built-in network uses {BUILTIN_FEATURES} the same way; a sum of squares, so "
        f"the loss is never negative: {', '.join(f'{v:.3g}' for v in first_losses)} at the "
        "octaves' first steps",
    )
    start = resize_img(img, shapes[0])
    loss_and_grads = gradients.value_and_grad(dream_loss(model, BUILTIN_FEATURES))
    raw_loss, raw_grads = loss_and_grads(start)
    _, normalised = eval_loss_and_grads(loss_and_grads, start)
    rising = all(np.all(np.diff(losses) > 0) for losses in octave_losses)
    yield Section(
        "Gradient ascent: the normalised gradient, times the step, added to the image",
        "梯度上升：梯度除以其绝对值的均值，乘以 step，加回到图像上，loss 越来越大",
        f"image {start.shape}: loss {raw_loss:.4g}; mean |gradient| "
        f"{np.mean(np.abs(raw_grads)):.3e} -> {np.mean(np.abs(normalised)):.3f} after "
        f"normalisation; x += step * gradient with step {config.step}\n"
        f"moving x along the gradient raises the loss: it rose at every step of the loop above: "
        f"{rising}",
    )
    resized = resize_img(preprocess_image(image), (config.image_size, config.image_size))
    target = default_target(vision_networks.run_model(model, resized)[0])
    quick = dataclasses.replace(config, class_iterations=20)
    result = class_dream(image, model, target, config.image_size, quick, log=lambda line: None)
    before, after = result["probabilities_before"], result["probabilities_after"]
    names = objects.CLASS_NAMES
    yield Section(
        "The walkthrough's variant: ascend the probability of one class (283, Persian cat)",
        "作者的修改：让图片被识别为某一类别（283，波斯猫）",
        "loss = layer_dict['predictions'].output[0][283]; grads /= max(mean(|grads|), epsilon)\n"
        f"the walkthrough: target {PERSIAN_CAT}, step {config.class_step}, up to "
        f"{config.class_iterations} steps, stop above {config.class_max_loss}, image resized to "
        f"{CLASS_DREAM_SIZE}x{CLASS_DREAM_SIZE}: its golden retriever (207) became a Persian cat "
        "and still looked like the dog.\n"
        f"built in, the runner-up class {target} ({names[target]}) at "
        f"{config.image_size}x{config.image_size}, {len(result['losses'])} steps: "
        f"p = {before[target]:.5f} -> {after[target]:.5f}, mean |pixel change| "
        f"{result['mean_abs_change']:.5f} (sample runs all {config.class_iterations})",
    )
