"""What the MNIST walkthroughs share: the counts they load, the real files that are there (the
test set standing in for absent training images), and what they say about the data."""

from __future__ import annotations

from keras_classics.datasets import DataSource, mnist
from keras_classics.explaining import Lead, say


def sample_counts(config, source: DataSource) -> tuple[int, int]:
    """(train, test) counts for `mnist.load`: the config's, else all of the real files (the
    walkthrough prints the seed's shapes) and a thousand of the synthetic twin (quick to render)."""
    few = 1000 if source.synthetic else 0
    return config.train_samples or few, config.test_samples or few


def load(config, source: DataSource, train_count: int, test_count: int):
    """`mnist.load_available` for `config.dataset`: (the arrays, what a walkthrough yields
    first: a `Lead` saying which real images stand in for absent ones, or nothing)."""
    arrays, stand_in = mnist.load_available(config.dataset, source, train_count, test_count)
    return arrays, ([] if stand_in is None else [stand_in_lead(stand_in)])


def stand_in_lead(stand_in: mnist.StandIn) -> Lead:
    """One line: which files are missing and which real images are shown in their place."""
    missing = ", ".join(stand_in.missing)
    count = f"{stand_in.test_images:,}"
    labels = (
        say(
            f" (its {stand_in.train_labels:,} training labels are there)",
            f"（其中有 {stand_in.train_labels} 个训练标签）",
        )
        if stand_in.train_labels
        else ""
    )
    return Lead(
        say(
            f"{stand_in.folder} lacks {missing}: its {count} real test images stand in for the "
            "training images",
            f"{stand_in.folder} 中没有 {missing}：这里用其中 {stand_in.test_images} 张真实的测试"
            "图片代替训练图片",
        )
        + labels
        + say(
            "; `train` needs the training images",
            "；train 命令需要真正的训练图片",
        )
    )


def heading_note(source: DataSource, count: int, stand_in: list) -> tuple[str, str]:
    """What a heading adds about the images it shows, in English and Chinese: the synthetic twin,
    the test images standing in, or nothing."""
    if source.synthetic:
        return (
            f" (synthetic twin: the first {count} rendered)",
            f"（合成数据：渲染了前 {count} 张）",
        )
    if stand_in:
        return " (the real test images, standing in)", "（用真实的测试图片代替）"
    return "", ""
