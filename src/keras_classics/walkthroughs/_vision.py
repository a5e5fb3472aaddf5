"""What the walkthroughs of class_activation_maps and deep_dream share: which network their
numbers come from, said first (the ImageNet network is shown without its weights)."""

from __future__ import annotations

from pathlib import Path

from keras_classics.explaining import Lead, Text, say
from keras_classics.registry import Context


def network_lead(imagenet: str, trained: Path | None, context: Context) -> Lead:
    """The first line: the weights are random (or the built-in network's, trained on synthetic
    shapes), not ImageNet's, so no number below is read as a result."""
    if trained is None:
        return Lead(
            say(
                f"weights: random, not ImageNet's: every number below comes from the built-in "
                f"network, untrained (no finished run under {context.runs_dir}), and {imagenet} "
                "is shown without its weights; they show how the method works, not a result",
                f"权重：随机的，不是 ImageNet 的：下面的数字都来自未经训练的内置网络（"
                f"{context.runs_dir} 下没有训练完成的运行），{imagenet} 只展示结构、没有加载权重；"
                "这些数字只说明方法怎样计算，不是结果",
            )
        )
    return Lead(
        say(
            f"weights: the built-in network trained on synthetic shapes in {trained}, not "
            f"ImageNet's; {imagenet} is shown without its weights",
            f"权重：在合成图形上训练的内置网络（{trained}），不是 ImageNet 的；{imagenet} 只展示"
            "结构、没有加载权重",
        )
    )


def network_note(trained: Path | None, context: Context) -> Text:
    """Which built-in network the computed steps run on, in a few words."""
    if trained is None:
        return say(
            f"the built-in network, untrained (no finished run under {context.runs_dir})",
            f"内置网络，未经训练（{context.runs_dir} 下没有训练完成的运行）",
        )
    return say(f"the built-in network trained in {trained}", f"在 {trained} 中训练的内置网络")
