"""Reading and writing images for the examples that take a picture (`--set image=PATH`).

Plain plumbing with Pillow: a user's file becomes an RGB uint8 array (a missing or unreadable
file is one clear line), arrays are resized like `cv2.resize` / `scipy.ndimage.zoom` did in the
originals, and results are written as PNG files, atomically.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from keras_classics.errors import UserError
from keras_classics.runs import write_atomic


def read_image(path: str | Path) -> np.ndarray:
    """The image at `path` as an RGB uint8 array (height, width, 3).

    Raises:
        UserError: when the file is missing, not an image, or damaged.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise UserError(f"image {path} not found: give an existing file with --set image=PATH")
    try:
        with Image.open(path) as image:
            image.load()  # decode now: a truncated file fails here, not later
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UserError(f"cannot read image {path}: {reason}") from None
    array = np.asarray(rgb, dtype=np.uint8)
    if min(array.shape[:2]) < 1:
        raise UserError(f"image {path} is empty")
    return array


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear resize of an (H, W) or (H, W, C) array to (height, width), any dtype -> float32."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim == 2:
        return np.asarray(Image.fromarray(image, mode="F").resize((width, height), Image.BILINEAR))
    channels = [resize(image[..., c], height, width) for c in range(image.shape[-1])]
    return np.stack(channels, axis=-1)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Float pixels in [0, 255] -> uint8, clipped and rounded."""
    return np.clip(np.asarray(image, dtype=np.float32) + 0.5, 0, 255).astype(np.uint8)


def save_png(image: np.ndarray, path: Path) -> Path:
    """Writes an RGB (or grey) uint8 array as a PNG file, atomically, and returns its path."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    write_atomic(Path(path), buffer.getvalue())
    return Path(path)


def save_figure(figure, path: Path, dpi: int = 100, tight: bool = True) -> Path:
    """Writes a matplotlib figure as a PNG file, atomically, closes it and returns the path
    (`tight`: cropped to what is drawn)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    plt.close(figure)
    write_atomic(Path(path), buffer.getvalue())
    return Path(path)


def save_gif(frames: list, path: Path, frame_ms: int) -> Path:
    """Writes PIL images as a looping animated GIF, atomically, and returns its path."""
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], duration=frame_ms, loop=0
    )
    write_atomic(Path(path), buffer.getvalue())
    return Path(path)
