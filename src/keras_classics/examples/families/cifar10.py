"""What the two CIFAR-10 networks (cifar10_cnn, cifar10_resnet) share: the data's shape, and the
real-time augmentation both originals asked ImageDataGenerator for (random shifts of up to 10%
and horizontal flips), which Keras 3 no longer has."""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """32x32 colour images, 10 classes."""

    image_shape: tuple[int, int, int] = (32, 32, 3)
    num_classes: int = 10


# Real-time augmentation: what ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1,
# horizontal_flip=True, fill_mode='nearest').flow(x_train, y_train) did to each batch.
def shift_along(images: np.ndarray, shifts: np.ndarray, axis: int) -> np.ndarray:
    """Image i resampled at (position + shifts[i]) along `axis` with linear interpolation; a
    position outside the image takes the edge value (fill_mode='nearest')."""
    size = images.shape[axis]
    source = np.clip(np.arange(size)[None, :] + shifts[:, None], 0, size - 1)  # (N, size)
    low = np.floor(source).astype(np.intp)
    high = np.minimum(low + 1, size - 1)
    weight = (source - low).astype(images.dtype)
    shape = [len(images), 1, 1, 1]
    shape[axis] = size  # index arrays broadcast over the other axes
    low, high, weight = (a.reshape(shape) for a in (low, high, weight))
    lower = np.take_along_axis(images, low, axis=axis)
    upper = np.take_along_axis(images, high, axis=axis)
    return lower + (upper - lower) * weight


def shift_flip(
    images: np.ndarray,
    rng: np.random.Generator,
    height_shift: float,
    width_shift: float,
    horizontal_flip: bool,
) -> np.ndarray:
    """ImageDataGenerator's random_transform for shifts and flips, on a batch (N, H, W, C)."""
    count, height, width = images.shape[:3]
    out = shift_along(images, rng.uniform(-height_shift, height_shift, count) * height, axis=1)
    out = shift_along(out, rng.uniform(-width_shift, width_shift, count) * width, axis=2)
    if horizontal_flip:
        flip = rng.random(count) < 0.5
        out[flip] = out[flip, :, ::-1]
    return out


class ShiftFlip:
    """Training images that come out freshly shifted and flipped each time a batch is taken.

    `training.fit` takes a batch by indexing x with the batch's sample numbers, so an instance
    stands in for x_train. The randomness of a batch is fixed by (seed, its sample numbers), so
    runs repeat exactly and a resumed run sees what an uninterrupted one would have seen.
    """

    def __init__(
        self,
        images: np.ndarray,
        seed: int,
        height_shift: float = 0.1,
        width_shift: float = 0.1,
        horizontal_flip: bool = True,
    ):
        self.images = images
        self.seed = seed
        self.shifts = (height_shift, width_shift)
        self.horizontal_flip = horizontal_flip

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index) -> np.ndarray:
        index = np.atleast_1d(np.arange(len(self.images))[index])
        rng = np.random.default_rng([self.seed, len(index), *index.tolist()])
        return shift_flip(self.images[index], rng, *self.shifts, self.horizontal_flip)

    @classmethod
    def from_config(cls, images: np.ndarray, config) -> ShiftFlip:
        """Uses the config's seed, height_shift, width_shift and horizontal_flip."""
        return cls(
            images, config.seed, config.height_shift, config.width_shift, config.horizontal_flip
        )
