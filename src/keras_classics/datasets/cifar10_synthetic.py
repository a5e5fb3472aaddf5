"""The synthetic twin of CIFAR-10: 32x32 colour images of ten kinds of shapes on textured
backgrounds, learnable as the real classes are."""

from __future__ import annotations

import numpy as np

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
SIZE = 32  # CIFAR-10's image side


_SUPERSAMPLE = 2  # drawn on a 64x64 grid and averaged down: anti-aliased edges


def shape_mask(kind: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Inside-test of shape `kind` on coordinates in units of its half-size (v points down)."""
    au, av = np.abs(u), np.abs(v)
    if kind in (0, 4):
        radius = np.sqrt(u**2 + v**2)
        return radius <= 1.0 if kind == 0 else (radius >= 0.55) & (radius <= 1.0)  # disc, ring
    if kind == 1:  # square
        return np.maximum(au, av) <= 0.85
    if kind == 2:  # triangle, apex up
        return (v <= 0.8) & (v >= -0.95 + 1.75 * au)
    if kind == 3:  # plus
        return ((au <= 0.3) & (av <= 1.0)) | ((av <= 0.3) & (au <= 1.0))
    if kind == 5:  # diamond
        return au + av <= 1.0
    if kind == 6:  # bar (horizontal)
        return (av <= 0.3) & (au <= 1.1)
    if kind == 7:  # pillar (vertical)
        return (au <= 0.3) & (av <= 1.1)
    box = np.maximum(au, av)
    if kind == 8:  # cross (x)
        return ((np.abs(u - v) <= 0.4) | (np.abs(u + v) <= 0.4)) & (box <= 0.85)
    return (box <= 0.9) & (box >= 0.55)  # frame


def render_shapes(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One 32x32x3 uint8 image of shape `label` per label, drawn with `rng`."""
    count = len(labels)
    big = SIZE * _SUPERSAMPLE
    grid = ((np.arange(big) + 0.5) / _SUPERSAMPLE).astype(np.float32)  # pixel centres, 32 scale
    half = rng.uniform(7.0, 11.0, count)
    cx = rng.uniform(half.clip(max=12) + 2, SIZE - half.clip(max=12) - 2)
    cy = rng.uniform(half.clip(max=12) + 2, SIZE - half.clip(max=12) - 2)
    angle = np.radians(rng.uniform(-15, 15, count))
    cos = np.cos(angle).astype(np.float32)[:, None, None]
    sin = np.sin(angle).astype(np.float32)[:, None, None]
    scale = (1 / half[:, None, None]).astype(np.float32)
    dx = (grid[None, None, :] - cx[:, None, None].astype(np.float32)) * scale
    dy = (grid[None, :, None] - cy[:, None, None].astype(np.float32)) * scale
    u, v = cos * dx + sin * dy, cos * dy - sin * dx  # (count, 64, 64), rotated coordinates
    inside = np.zeros((count, big, big), dtype=bool)
    for kind in np.unique(labels):
        rows = labels == kind
        inside[rows] = shape_mask(int(kind), u[rows], v[rows])
    alpha = inside.reshape(count, SIZE, _SUPERSAMPLE, SIZE, _SUPERSAMPLE).sum(
        axis=(2, 4), dtype=np.float32
    ) / (_SUPERSAMPLE**2)

    # Background: a linear gradient between two random colours in a random direction.
    first, second = rng.uniform(0, 1, (2, count, 1, 1, 3)).astype(np.float32)
    theta = rng.uniform(0, 2 * np.pi, count).astype(np.float32)[:, None, None]
    ramp = ((np.arange(SIZE) + 0.5) / SIZE - 0.5).astype(np.float32)
    t = 0.5 + np.cos(theta) * ramp[None, None, :] + np.sin(theta) * ramp[None, :, None]
    background = first + (second - first) * t.clip(0, 1)[..., None]
    # Foreground: a random colour, pushed away from the background's mean so the shape shows.
    colour = rng.uniform(0, 1, (count, 3)).astype(np.float32)
    mean = (first + second)[:, 0, 0] / 2
    close = np.linalg.norm(colour - mean, axis=1) < 0.6
    colour[close] = np.where(mean[close] > 0.5, colour[close] * 0.3, 0.7 + colour[close] * 0.3)
    alpha = alpha[..., None]
    image = background * (1 - alpha) + colour[:, None, None, :] * alpha
    image += 0.03 * rng.standard_normal(image.shape, dtype=np.float32)
    return (image.clip(0, 1) * 255 + 0.5).astype(np.uint8)


def _split(count: int, seed: int, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count).astype(np.uint8)
    images = np.empty((count, SIZE, SIZE, 3), dtype=np.uint8)
    for start in range(0, count, chunk):  # bounded memory for the 64x64 float work arrays
        images[start : start + chunk] = render_shapes(labels[start : start + chunk], rng)
    return images, labels.reshape(-1, 1)


def synthetic(train_count: int = 50000, test_count: int = 10000, seed: int = 0) -> Arrays:
    """CIFAR-shaped synthetic data, train and test drawn with different seeds."""
    return _split(train_count, seed * 2 + 1), _split(test_count, seed * 2 + 2)
