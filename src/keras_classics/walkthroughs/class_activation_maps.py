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
from keras_classics.walkthroughs import _vision


def explain(config: Config, context: Context):
    """The walkthrough's steps: ResNet50's end, the two added layers, why the maps add up to the
    scores, postprocess, the heat map and the predictions, the rotate/flip experiment."""
    from keras_classics.explaining import Section, layer_table, parameter_line, say

    model, trained = vision_networks.explain_network(
        "class_activation_maps", context, lambda: build_model(config)
    )
    yield _vision.network_lead("ResNet50", trained, context)
    # The seed shows get_cam_model's network first, then ResNet50 as it was.
    base = vision_networks.imagenet_resnet50(None)
    cam_model = get_cam_model(base, *LAYERS["imagenet"], IMAGENET_SIZE)
    tail = ["conv5_block3_3_conv", "conv5_block3_3_bn", "conv5_block3_add", "conv5_block3_out"]
    features = base.get_layer(LAYERS["imagenet"][0]).output
    factor = IMAGENET_SIZE // features.shape[1]
    upsampled = tuple(cam_model.get_layer("up_sampling2d").output.shape)
    kernel = tuple(base.get_layer("predictions").kernel.shape)
    cam_kernel = tuple(cam_model.get_layer("predictions_2").kernel.shape)
    yield Section(
        "get_cam_model: ResNet50 (weights not loaded here) with two layers added, its last layers",
        "get_cam_model 修改后的 ResNet50（此处未加载权重）的最后几层",
        say(
            "Class activation maps show which part of an image a CNN's prediction rests on. "
            "The base network is ResNet50; get_cam_model changes it a little:\n",
            "该文件的功能是实现一个 CNN 可视化，就是看下神经网络是通过关注哪部分区域预测出的最终"
            "结果。其基础网络是 resnet50，get_cam_model 函数中对其进行了一点修改：\n",
        )
        + layer_table(
            cam_model, [*tail, "avg_pool", "up_sampling2d", "predictions", "predictions_2"]
        )
        + "\n"
        + parameter_line(cam_model)
        + "\n"
        + say(
            f"UpSampling2D size {factor} (bilinear): {tuple(features.shape)} -> {upsampled}\n"
            f"predictions_2 kernel = the predictions kernel {kernel} reshaped to {cam_kernel}, "
            "same bias\n",
            f"UpSampling2D 放大 {factor} 倍（双线性）：{tuple(features.shape)} -> {upsampled}\n"
            f"predictions_2 的卷积核 = predictions 的权重 {kernel} 变形为 {cam_kernel}，偏置相同\n",
        )
        + say(
            "(the seed's Keras 2 ResNet50 called these layers res5c_branch2c, bn5c_branch2c, "
            "add_16, activation_49, avg_pool, up_sampling2d_1, fc1000 and predictions_2; Keras 3's "
            "keras.applications renamed them; shapes and parameter counts are the seed's.)",
            "（原文 Keras 2 的 ResNet50 中这些层叫 res5c_branch2c、bn5c_branch2c、add_16、"
            "activation_49、avg_pool、up_sampling2d_1、fc1000 和 predictions_2；Keras 3 的 "
            "keras.applications 改了名字；shape 和参数个数都与原文一致。）",
        ),
    )
    yield Section(
        "ResNet50 as it was: only those two layers were added, nothing else changed",
        "原始的 ResNet50：仅添加了两层（UpSampling2D 和 predictions_2），其他没有动",
        layer_table(base, [*tail, "avg_pool", "predictions"])
        + "\n"
        + parameter_line(base)
        + "\n"
        + say(
            f"added by get_cam_model: {cam_model.count_params() - base.count_params():,} "
            "parameters (predictions_2 only; UpSampling2D has none), "
            f"{len(cam_model.layers) - len(base.layers)} layers",
            f"get_cam_model 添加了 {cam_model.count_params() - base.count_params():,} 个参数"
            f"（都在 predictions_2 中；UpSampling2D 没有参数），{len(cam_model.layers) - len(base.layers)} 层",
        ),
    )
    # The identity behind CAM, on the built-in network (eager calls: no compilation needed).
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
        say(
            f"On {size}x{size} synthetic shapes, with ",
            f"在 {size}x{size} 的合成图形上，使用",
        )
        + _vision.network_note(trained, context)
        + say(
            ": global average pooling then a Dense layer equals the Dense layer at every pixel "
            "(a class map), then the average.\n",
            "：全局平均池化之后接 Dense，等于先在每个像素上用这个 Dense（得到每个类别的激活图），"
            "再取平均。\n",
        )
        + say("last feature map ", "最后的特征图 ")
        + f"{feature_map.shape}, "
        + say("class layer kernel ", "分类层的权重 ")
        + f"{weights.shape}\n"
        f"maps = features @ W: {maps.shape}; softmax(mean(maps) + b) = {np.round(softmax, 5)}\n"
        + say("the network's own predictions    = ", "网络自己的预测              = ")
        + f"{np.round(direct, 5)}\n"
        + say("largest difference: ", "最大差值：")
        + f"{np.abs(softmax - direct).max():.1e}",
    )
    cam_model = get_cam_model(model, *LAYERS["builtin"], size)
    preds, cams = (keras.ops.convert_to_numpy(t) for t in cam_model(batch, training=False))
    heat = postprocess(preds, cams)
    top = int(preds[0].argmax())
    yield Section(
        "postprocess keeps the map of the top class",
        "postprocess 取出预测概率最高的那个类别的通道",
        say(
            "After the prediction, postprocess takes out the channel of the class of interest "
            "(the seed's simplified version):\n",
            "预测后通过 postprocess 函数提取出感兴趣的那个分类的 channel（原文简化后的版本）：\n",
        )
        + "def postprocess(preds, cams, top_k=1):\n"
        "    idxes = np.argsort(preds[0])[-top_k:][0]\n"
        "    return cams[0, :, :, idxes]\n"
        f"preds {preds.shape}, cams {cams.shape} -> map {heat.shape} "
        + say("of class ", "，类别 ")
        + f"{top} ({objects.CLASS_NAMES[top]})",
    )
    names = [(str(i), name) for i, name in enumerate(objects.CLASS_NAMES)]
    inside, uniform = heat_in_box(heat, box), heat_in_box(np.ones_like(heat), box)
    yield Section(
        "The heat map (jet, at the image's size), the overlay, and the top-5 predictions",
        "热力图（jet 颜色图，原图尺寸）、与原图叠加，以及前五个预测类别",
        say(
            "sample writes cam_heatmap.png (the map resized to the image, in jet colours), "
            "cam_overlay.png (half image, half map: which region the prediction rests on) and "
            "prints decode_predictions' top 5:\n",
            "sample 会写出 cam_heatmap.png（激活图缩放到原图尺寸，jet 颜色）、cam_overlay.png"
            "（和原图叠加，显示出哪部分区域是得出预测结果的主要依据），并打印 decode_predictions "
            "的前五个类别：\n",
        )
        + f"{decode(preds[0], names)}\n"
        + say(
            "(for the walkthrough's dog ResNet50 printed golden_retriever 0.827, Leonberg 0.089, "
            "Newfoundland 0.0084, kuvasz 0.0078, Labrador_retriever 0.0049)\n",
            "（原文那只狗，ResNet50 打印的是 golden_retriever 0.827、Leonberg 0.089、"
            "Newfoundland 0.0084、kuvasz 0.0078、Labrador_retriever 0.0049，是一只金毛犬）\n",
        )
        + say(
            f"heat share inside the triangle's box {tuple(int(v) for v in box)}: {inside:.3f}; "
            f"a uniform map would give {uniform:.3f}",
            f"三角形所在方框 {tuple(int(v) for v in box)} 内的热度占比：{inside:.3f}；均匀的激活图"
            f"是 {uniform:.3f}",
        ),
    )
    rows = []
    for title, picture in (
        (say("original", "原图"), image),
        (say("rotated 90 degrees", "旋转 90 度"), np.ascontiguousarray(np.rot90(image))),
        (say("flipped left-right", "水平翻转"), np.ascontiguousarray(image[:, ::-1])),
    ):
        probs = keras.ops.convert_to_numpy(
            model(vision_networks.preprocess_builtin(picture[None]), training=False)
        )[0]
        rows.append(title + f": {decode(probs, names, top=2)}\n")
    yield Section(
        "Experiment: the image rotated and flipped (--set experiment=true)",
        "自己折腾：把图片旋转、水平翻转（--set experiment=true）",
        say(
            "The walkthrough's dog rotated: golden_retriever 0.27, Pembroke 0.17, hen 0.10 "
            "(ResNet50 barely recognises it); flipped: golden_retriever 0.83, the map still on "
            "the dog. The same with the triangle:\n",
            "原文把那只狗的图片旋转一下，resnet 几乎无法识别了：golden_retriever 0.27、Pembroke "
            "0.17、hen 0.10；如果水平翻转，还是能识别到的（golden_retriever 0.83），而且关注点也"
            "可以正确地找到。对三角形做同样的事：\n",
        )
        + sum(rows[1:], rows[0])
        + say(
            "(sample --set experiment=true draws the three images and maps: cam_experiment.png)",
            "（sample --set experiment=true 会画出这三张图片和它们的激活图：cam_experiment.png）",
        ),
    )
