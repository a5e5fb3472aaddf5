"""Training curves of a run (`artifacts/curves.png`): every metric per epoch, train beside
validation and test, and the learning rate where it changes. Redrawn after every epoch from
metrics.csv, so a custom loop's columns get their curves as `fit`'s do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

# Bookkeeping columns, not curves.
NOT_CURVES = ("epoch", "epoch_time_s", "samples_per_s", "lr")
PREFIXES = (("val_", "validation"), ("test_", "test"))
MAX_PANELS = 8


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def panels(columns: Sequence[str]) -> dict[str, dict[str, str]]:
    """{metric: {"train"|"validation"|"test": column}}: `val_loss` and `test_loss` join `loss`."""
    out: dict[str, dict[str, str]] = {}
    for column in columns:
        if column in NOT_CURVES:
            continue
        kind, base = "train", column
        for prefix, name in PREFIXES:
            if column.startswith(prefix):
                kind, base = name, column[len(prefix) :]
        out.setdefault(base, {})[kind] = column
    return dict(list(out.items())[:MAX_PANELS])


def draw(rows: Sequence[Mapping[str, str]], path: Path, title: str = "") -> Path | None:
    """Draws the curves of `rows` (metrics.csv) into `path`; None when there is nothing to draw."""
    if not rows:
        return None
    columns = list(rows[0].keys())
    for row in rows[1:]:
        columns.extend(key for key in row if key not in columns)
    groups = panels(columns)
    learning_rates = [_number(row.get("lr")) for row in rows]
    show_lr = len({lr for lr in learning_rates if lr is not None}) > 1
    count = len(groups) + (1 if show_lr else 0)
    if count == 0:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from keras_classics import image_io

    epochs = [_number(row.get("epoch")) for row in rows]
    columns_per_row = min(count, 3)
    lines = math.ceil(count / columns_per_row)
    figure, axes = plt.subplots(
        lines, columns_per_row, figsize=(4.2 * columns_per_row, 3.0 * lines), squeeze=False
    )
    flat = list(axes.flat)
    for axis, (metric, kinds) in zip(flat, groups.items(), strict=False):
        for kind, column in kinds.items():
            points = [(e, _number(row.get(column))) for e, row in zip(epochs, rows, strict=True)]
            points = [(e, v) for e, v in points if e is not None and v is not None]
            if points:
                style = "o-" if len(points) < 30 else "-"
                axis.plot(*zip(*points, strict=True), style, markersize=3, label=kind)
        axis.set_title(metric)
        axis.set_xlabel("epoch")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    if show_lr:
        axis = flat[len(groups)]
        points = [(e, lr) for e, lr in zip(epochs, learning_rates, strict=True) if lr is not None]
        axis.plot(*zip(*points, strict=True), "o-", markersize=3, color="tab:purple")
        axis.set_title("learning rate")
        axis.set_xlabel("epoch")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_yscale("log")
        axis.grid(alpha=0.3)
    for axis in flat[count:]:
        axis.axis("off")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return image_io.save_figure(figure, path)
