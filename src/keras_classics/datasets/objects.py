"""Synthetic object images: one shape per image, at a known place, on a cluttered background.

The built-in network of class_activation_maps and deep_dream learns on these, so both examples
run end to end offline (ImageNet weights cannot be downloaded everywhere). Each image holds one
object of six classes (circle, square, triangle, cross, ring, diamond) in a random colour, size
and position, over a random two-colour gradient with faint blobs and pixel noise. The class is
the shape alone (colours are random), so a network has to look at the object, and the object's
bounding box is returned with every image: a class activation map can be scored against it.

Everything is fixed by the seed; a few thousand 64x64 images take about a second.
"""

from __future__ import annotations

import numpy as np

CLASS_NAMES = ("circle", "square", "triangle", "cross", "ring", "diamond")
_SUPERSAMPLE = 2  # shapes are drawn on a 2x grid and averaged down: anti-aliased edges


def _shape_mask(kind: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Inside-test of shape `kind` on coordinates normalised to its box ([-1, 1] both ways)."""
    radius = np.sqrt(u**2 + v**2)
    if kind == 0:  # circle
        return radius <= 1.0
    if kind == 1:  # square
        return np.maximum(np.abs(u), np.abs(v)) <= 0.85
    if kind == 2:  # triangle, apex up (not symmetric under rotation by 90 or 180 degrees)
        return (v <= 0.85) & (v >= -0.95 + 1.9 * np.abs(u))
    if kind == 3:  # cross
        return ((np.abs(u) <= 0.3) & (np.abs(v) <= 0.95)) | (
            (np.abs(v) <= 0.3) & (np.abs(u) <= 0.95)
        )
    if kind == 4:  # ring
        return (radius >= 0.55) & (radius <= 1.0)
    return np.abs(u) + np.abs(v) <= 1.0  # diamond


def _backgrounds(rng: np.random.Generator, count: int, height: int, width: int) -> np.ndarray:
    """Two-colour linear gradients with a few faint blobs: (count, height, width, 3) in [0, 1]."""
    ys = np.arange(height, dtype="float32")
    xs = np.arange(width, dtype="float32")
    angle = rng.uniform(0, 2 * np.pi, size=(count, 1, 1)).astype("float32")
    t = (np.cos(angle) * xs / width + np.sin(angle) * ys[:, None] / height + 1.0) / 2.0
    first, second = rng.uniform(0.1, 0.9, size=(2, count, 1, 1, 3)).astype("float32")
    images = first + t[..., None] * (second - first)
    # Up to 4 round Gaussian blobs of random tint; blob k is gy_k(y) * gx_k(x) * tint_k, so all
    # of them together are one batched matrix product (count, H, k) @ (count, k, W * 3).
    blobs = 4
    cy, cx, spread = rng.uniform(0, 1, size=(3, count, blobs, 1)).astype("float32")
    spread = (0.05 + 0.15 * spread) * min(height, width)
    gy = np.exp(-((ys - cy * height) ** 2) / (2 * spread**2))  # (count, k, H)
    gx = np.exp(-((xs - cx * width) ** 2) / (2 * spread**2))  # (count, k, W)
    tint = rng.uniform(-0.15, 0.15, size=(count, blobs, 1, 3)).astype("float32")
    tint *= (np.arange(blobs) < rng.integers(2, blobs + 1, size=(count, 1)))[..., None, None]
    field = np.matmul(gy.transpose(0, 2, 1), (gx[..., None] * tint).reshape(count, blobs, -1))
    return images + field.reshape(count, height, width, 3)


def render(
    labels: np.ndarray, height: int, width: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draws one object of each class in `labels`.

    Returns:
        images (N, height, width, 3) uint8 and boxes (N, 4) int32 as (top, left, bottom, right),
        bottom/right exclusive: the object's pixels lie inside its box.
    """
    images = np.empty((len(labels), height, width, 3), dtype=np.uint8)
    boxes = np.empty((len(labels), 4), dtype=np.int32)
    side = min(height, width)
    offsets = (np.arange(_SUPERSAMPLE) + 0.5) / _SUPERSAMPLE
    if len(labels) == 0:
        return images, boxes
    backgrounds = _backgrounds(rng, len(labels), height, width)
    for i, label in enumerate(labels):
        background = backgrounds[i]
        half = rng.uniform(0.16, 0.3) * side  # half the box side, in pixels
        cy = rng.uniform(half + 1, height - half - 1)
        cx = rng.uniform(half + 1, width - half - 1)
        top, left = int(np.floor(cy - half)), int(np.floor(cx - half))
        bottom, right = int(np.ceil(cy + half)), int(np.ceil(cx + half))
        # Sub-pixel sample points of the box only (the shape never leaves it).
        ys = (np.arange(top, bottom)[:, None] + offsets[None, :]).reshape(-1)
        xs = (np.arange(left, right)[:, None] + offsets[None, :]).reshape(-1)
        u, v = np.meshgrid((xs - cx) / half, (ys - cy) / half)
        inside = _shape_mask(int(label), u, v).astype("float32")
        coverage = inside.reshape(bottom - top, _SUPERSAMPLE, right - left, _SUPERSAMPLE).mean(
            axis=(1, 3)
        )
        # A colour that stands out from the background under the object.
        local = background[top:bottom, left:right].mean(axis=(0, 1))
        colour = rng.uniform(0, 1, size=3)
        if abs(colour.mean() - local.mean()) < 0.3:
            colour = np.clip(colour + (0.45 if local.mean() < 0.5 else -0.45), 0, 1)
        patch = background[top:bottom, left:right]
        background[top:bottom, left:right] = patch + coverage[..., None] * (colour - patch)
        boxes[i] = (top, left, bottom, right)
    backgrounds += 0.03 * rng.standard_normal(size=backgrounds.shape, dtype=np.float32)
    images[:] = np.clip(backgrounds * 255 + 0.5, 0, 255).astype(np.uint8)
    return images, boxes


def load(
    train_count: int, test_count: int, image_size: int = 64, seed: int = 1337
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """A training and a held-out set, drawn from independent seeded streams.

    Returns:
        ((x_train, y_train, boxes_train), (x_test, y_test, boxes_test)): images
        (N, image_size, image_size, 3) uint8, labels (N,) int64 in [0, 6), boxes (N, 4) int32.
    """
    splits = []
    for part, count in enumerate((train_count, test_count)):
        rng = np.random.default_rng([seed, part])
        labels = rng.integers(0, len(CLASS_NAMES), size=count)
        images, boxes = render(labels, image_size, image_size, rng)
        splits.append((images, labels.astype(np.int64), boxes))
    return splits[0], splits[1]


def one_image(label: int, height: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A single (height, width, 3) uint8 image of class `label` and its box, for demos."""
    images, boxes = render(np.array([label]), height, width, np.random.default_rng([seed, 7]))
    return images[0], boxes[0]
