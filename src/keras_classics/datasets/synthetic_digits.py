"""A learnable synthetic twin of MNIST: pen-stroke digits with random affine pose, stroke width,
wobble and noise, rendered to 28x28 uint8 like the real thing.

No font is needed: each digit is a few polylines in a unit box, in two writing styles. The pose
(rotation, scale, shear, shift), the pen width and the noise differ per sample, so a model has to
learn shapes, not pixels. 70,000 images take a few seconds; results are fixed by the seed.
"""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image, ImageDraw

SIZE = 28
_SCALE = 2  # drawn at 2x, then box-filtered down: anti-aliased strokes


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float, n: int = 24):
    """Points of an elliptic arc; angles in degrees, 0 = right, 90 = down (image coordinates)."""
    angles = np.radians(np.linspace(start, stop, n))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles), strict=True))


# Each digit: (style A, style B); a style is a list of polylines in the unit box.
TEMPLATES: dict[int, tuple[list, list]] = {
    0: ([_arc(0.5, 0.5, 0.27, 0.4, 0, 360)], [_arc(0.5, 0.5, 0.3, 0.38, -100, 250)]),
    1: (
        [[(0.36, 0.26), (0.53, 0.1), (0.53, 0.9)]],
        [[(0.5, 0.1), (0.5, 0.9)], [(0.34, 0.9), (0.66, 0.9)]],
    ),
    2: (
        [_arc(0.5, 0.33, 0.26, 0.22, 200, 380, 16) + [(0.2, 0.9), (0.82, 0.9)]],
        [_arc(0.48, 0.3, 0.24, 0.2, 190, 400, 16) + [(0.22, 0.88), (0.5, 0.82), (0.85, 0.9)]],
    ),
    3: (
        [_arc(0.48, 0.3, 0.24, 0.2, 200, 450, 18) + _arc(0.48, 0.7, 0.28, 0.2, 270, 520, 18)[1:]],
        [[(0.22, 0.1), (0.75, 0.1), (0.45, 0.42)] + _arc(0.47, 0.68, 0.28, 0.22, 260, 520, 18)],
    ),
    4: (
        [[(0.64, 0.9), (0.64, 0.1), (0.18, 0.64), (0.84, 0.64)]],
        [[(0.3, 0.1), (0.22, 0.55), (0.8, 0.55)], [(0.66, 0.25), (0.66, 0.92)]],
    ),
    5: (
        [[(0.76, 0.1), (0.32, 0.1), (0.29, 0.45)] + _arc(0.48, 0.66, 0.27, 0.23, 230, 500, 18)],
        [
            [(0.3, 0.12), (0.27, 0.46)] + _arc(0.5, 0.66, 0.27, 0.23, 220, 500, 18),
            [(0.3, 0.12), (0.78, 0.12)],
        ],
    ),
    6: (
        [[(0.7, 0.1), (0.45, 0.28), (0.3, 0.55)] + _arc(0.5, 0.68, 0.22, 0.21, 180, 540, 24)],
        [_arc(0.62, 0.45, 0.35, 0.4, 250, 170, 10) + _arc(0.5, 0.7, 0.23, 0.19, 170, 530, 24)],
    ),
    7: (
        [[(0.2, 0.12), (0.8, 0.12), (0.42, 0.9)]],
        [[(0.18, 0.16), (0.82, 0.12), (0.5, 0.9)], [(0.38, 0.5), (0.74, 0.5)]],
    ),
    8: (
        [_arc(0.5, 0.3, 0.2, 0.19, 0, 360), _arc(0.5, 0.7, 0.25, 0.21, 0, 360)],
        [_arc(0.5, 0.29, 0.22, 0.18, 90, 450), _arc(0.5, 0.69, 0.24, 0.22, -90, 270)],
    ),
    9: (
        [_arc(0.5, 0.32, 0.22, 0.2, 0, 360), [(0.72, 0.32), (0.6, 0.9)]],
        [_arc(0.48, 0.33, 0.23, 0.21, 10, 370), [(0.71, 0.36), (0.7, 0.9)]],
    ),
}


def render(labels: np.ndarray, seed: int) -> np.ndarray:
    """Renders one 28x28 uint8 image per label (0-9), reproducibly for a given seed."""
    rng = np.random.default_rng(seed)
    images = np.empty((len(labels), SIZE, SIZE), dtype=np.uint8)
    big = SIZE * _SCALE
    for i, label in enumerate(labels):
        strokes = TEMPLATES[int(label)][int(rng.integers(2))]
        matrix = _random_pose(rng)
        width = rng.uniform(1.6, 3.4) * _SCALE
        shift = rng.uniform(-0.1, 0.1, size=2)
        canvas = Image.new("L", (big, big), 0)
        draw = ImageDraw.Draw(canvas)
        for stroke in strokes:
            points = np.asarray(stroke, dtype=np.float64)
            points = points + rng.normal(0.0, 0.012, size=points.shape)  # a shaky hand
            points = (points - 0.5) @ matrix.T + 0.5 + shift
            pixels = ((points * 20 + 4) * _SCALE).ravel().tolist()  # digits fill ~20 of 28 px
            draw.line(pixels, fill=255, width=max(1, int(round(width))), joint="curve")
        images[i] = np.asarray(canvas.resize((SIZE, SIZE), Image.BOX))
    # Soften edges like a scanned pen stroke: a 3x3 blur, as one vectorised pass over all images.
    padded = np.pad(images.astype(np.float32), ((0, 0), (1, 1), (1, 1)))
    kernel = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.float32) / 16
    soft = sum(
        kernel[dy, dx] * padded[:, dy : dy + SIZE, dx : dx + SIZE]
        for dy in range(3)
        for dx in range(3)
    )
    noise = rng.normal(0.0, 12.0, size=images.shape) * (rng.random(images.shape) < 0.15)
    return np.clip(soft * 1.5 + noise, 0, 255).astype(np.uint8)


def _random_pose(rng: np.random.Generator) -> np.ndarray:
    """A 2x2 matrix: rotation +-15 degrees, scale 0.75-1.1 per axis, shear +-0.25."""
    angle = np.radians(rng.uniform(-15, 15))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    scale = np.diag(rng.uniform(0.75, 1.1, size=2))
    shear = np.array([[1.0, rng.uniform(-0.25, 0.25)], [0.0, 1.0]])
    return rotation @ shear @ scale


@functools.lru_cache(maxsize=4)
def _split(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    labels = np.random.default_rng([seed, count, 7]).integers(0, 10, size=count).astype(np.uint8)
    return render(labels, seed=seed * 1_000_003 + count), labels


def load(
    seed: int = 0, fashion: bool = False, train_count: int = 60000, test_count: int = 10000
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST-shaped synthetic data: ((x_train, y_train), (x_test, y_test)), uint8.

    Train and test are drawn independently (different seeds), so test accuracy is honest.
    `fashion` only changes the seed: the twin of Fashion-MNIST is also digits.
    """
    base = seed * 2 + (1 if fashion else 0)
    train = _split(base * 2 + 1, train_count)
    test = _split(base * 2 + 2, test_count)
    return train, test
