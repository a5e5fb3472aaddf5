"""Reading the original MNIST IDX files (`*-idx3-ubyte.gz`, `*-idx1-ubyte.gz`), gzipped or not."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from keras_classics.errors import DataError

# IDX magic: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions.
_UBYTE = 0x08


def read_idx(path: Path) -> np.ndarray:
    """Reads an IDX file of unsigned bytes into an array of its declared shape.

    Raises:
        DataError: if the file is missing, not IDX, truncated or has a bad gzip stream.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except FileNotFoundError:
        raise DataError(f"{path} not found") from None
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(
            f"{path} is not a readable gzip file ({error}); download it again"
        ) from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != _UBYTE:
        raise DataError(f"{path} is not an IDX file of unsigned bytes (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise DataError(f"{path} has a truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    body = len(raw) - header
    if body != expected:
        raise DataError(
            f"{path} is truncated or padded: header says {shape} ({expected} bytes), "
            f"found {body} bytes"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)
