"""The walkthrough of class_activation_maps (`keras-classics explain class_activation_maps`): the
seed's steps, in order."""

from __future__ import annotations

import keras
import numpy as np

from keras_classics.datasets import objects
from keras_classics.examples.class_activation_maps import (
    IMAGENET_SIZE,
    LAYERS,
    Config,
    build_model,
    decode,
    get_cam_model,
    heat_in_box,
    postprocess,
)
from keras_classics.examples.families import vision_networks
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough's steps: ResNet50's end, the two added layers, why the maps add up to the
    scores, postprocess, the heat map and the predictions, the rotate/flip experiment."""
    from keras_classics.explaining import Section, layer_table, parameter_line

    # The seed shows get_cam_model's network first, then ResNet50 as it was.
    base = vision_networks.imagenet_resnet50(None)
    cam_model = get_cam_model(base, *LAYERS["imagenet"], IMAGENET_SIZE)
    tail = ["conv5_block3_3_conv", "conv5_block3_3_bn", "conv5_block3_add", "conv5_block3_out"]
    features = base.get_layer(LAYERS["imagenet"][0]).output
    yield Section(
        "get_cam_model: ResNet50 (random weights here) with two layers added, its last layers",
        "get_cam_model 修改后的 ResNet50（此处为随机权重）的最后几层",
        layer_table(cam_model, [*tail, "avg_pool", "up_sampling2d", "predictions", "predictions_2"])
        + "\n"
        + parameter_line(cam_model)
        + f"\nUpSampling2D size {IMAGENET_SIZE // features.shape[1]} (bilinear): "
        f"{tuple(features.shape)} -> {tuple(cam_model.get_layer('up_sampling2d').output.shape)}\n"
        f"predictions_2 kernel = the predictions kernel "
        f"{tuple(base.get_layer('predictions').kernel.shape)} reshaped to "
        f"{tuple(cam_model.get_layer('predictions_2').kernel.shape)}, same bias\n"
        "(the seed's Keras 2 ResNet50 called these layers res5c_branch2c, bn5c_branch2c, add_16, "
        "activation_49, avg_pool, up_sampling2d_1, fc1000 and predictions_2; Keras 3's "
        "keras.applications renamed them; shapes and parameter counts are the seed's.)",
    )
    yield Section(
        "ResNet50 as it was: only those two layers were added, nothing else changed",
        "原始的 ResNet50：仅添加了两层（UpSampling2D 和 predictions_2），其他没有动",
        layer_table(base, [*tail, "avg_pool", "predictions"])
        + "\n"
        + parameter_line(base)
        + f"\nadded by get_cam_model: {cam_model.count_params() - base.count_params():,} "
        "parameters (predictions_2 only; UpSampling2D has none), "
        f"{len(cam_model.layers) - len(base.layers)} layers",
    )
    # The identity behind CAM, on the built-in network (eager calls: no compilation needed).
    model, note = vision_networks.explain_network(
        "class_activation_maps", context, lambda: build_model(config)
    )
    size = config.image_size
    image, box = objects.one_image(2, size, size, config.seed)  # a triangle
    batch = vision_networks.preprocess_builtin(image[None])
    probe = keras.Model(model.input, [model.get_layer(LAYERS["builtin"][0]).output, model.output])
    feature_map, direct = (keras.ops.convert_to_numpy(t)[0] for t in probe(batch, training=False))
    weights, bias = model.get_layer("predictions").get_weights()
    maps = feature_map @ weights  # one map per class, before upsampling
    scores = maps.mean(axis=(0, 1)) + bias
    softmax = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    yield Section(
        "Why it works: the mean of a class's map is the class's score",
        "原理：某一类别激活图的平均值就是该类别的得分",
        f"{note}\nlast feature map {feature_map.shape}, class layer kernel {weights.shape}\n"
        f"maps = features @ W: {maps.shape}; softmax(mean(maps) + b) = {np.round(softmax, 5)}\n"
        f"the network's own predictions    = {np.round(direct, 5)}\n"
        f"largest difference: {np.abs(softmax - direct).max():.1e}",
    )
    cam_model = get_cam_model(model, *LAYERS["builtin"], size)
    preds, cams = (keras.ops.convert_to_numpy(t) for t in cam_model(batch, training=False))
    heat = postprocess(preds, cams)
    top = int(preds[0].argmax())
    yield Section(
        "postprocess keeps the map of the top class",
        "postprocess 取出预测概率最高的那个类别的通道",
        "def postprocess(preds, cams, top_k=1):\n"
        "    idxes = np.argsort(preds[0])[-top_k:][0]\n"
        "    return cams[0, :, :, idxes]\n"
        f"preds {preds.shape}, cams {cams.shape} -> map {heat.shape} of class {top} "
        f"({objects.CLASS_NAMES[top]})",
    )
    names = [(str(i), name) for i, name in enumerate(objects.CLASS_NAMES)]
    yield Section(
        "The heat map (jet, at the image's size), the overlay, and the top-5 predictions",
        "热力图（jet 颜色图，原图尺寸）、与原图叠加，以及前五个预测类别",
        "sample writes cam_heatmap.png (the map resized to the image, in jet colours), "
        "cam_overlay.png (half image, half map) and prints decode_predictions' top 5:\n"
        f"{decode(preds[0], names)}\n"
        "(for the walkthrough's dog ResNet50 printed golden_retriever 0.827, Leonberg 0.089, "
        "Newfoundland 0.0084, kuvasz 0.0078, Labrador_retriever 0.0049)\n"
        f"heat share inside the triangle's box {tuple(int(v) for v in box)}: "
        f"{heat_in_box(heat, box):.3f}; a uniform map would give "
        f"{heat_in_box(np.ones_like(heat), box):.3f}",
    )
    rows = []
    for title, picture in (
        ("original", image),
        ("rotated 90 degrees", np.ascontiguousarray(np.rot90(image))),
        ("flipped left-right", np.ascontiguousarray(image[:, ::-1])),
    ):
        probs = keras.ops.convert_to_numpy(
            model(vision_networks.preprocess_builtin(picture[None]), training=False)
        )[0]
        rows.append(f"{title:20} {decode(probs, names, top=2)}")
    yield Section(
        "Experiment: the image rotated and flipped (--set experiment=true)",
        "自己折腾：把图片旋转、水平翻转（--set experiment=true）",
        "The walkthrough's dog rotated: golden_retriever 0.27, Pembroke 0.17, hen 0.10; flipped: "
        "golden_retriever 0.83, the map still on the dog. The same with the triangle:\n"
        + "\n".join(rows)
        + "\n(sample --set experiment=true draws the three images and maps: cam_experiment.png)",
    )
