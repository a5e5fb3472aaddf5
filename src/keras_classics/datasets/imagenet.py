"""ImageNet files the pretrained-network examples use: ResNet50 and InceptionV3 weights and the
class index, exactly as `keras.applications` names, places and checks them.

They live in the Keras cache (`~/.keras/models`, or `$KERAS_HOME/models`), or in `--data-dir`,
or anywhere with `--weights PATH`. A missing file is downloaded from its Keras URL unless
offline; when that is impossible, one line says which file is needed, its URL and hash, and
where to put it.
"""

from __future__ import annotations

import json
from pathlib import Path

from keras_classics.datasets import cache
from keras_classics.datasets.source import DataSource
from keras_classics.errors import UserError

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"

# File names, URLs and md5 hashes from keras/src/applications/resnet.py and inception_v3.py.
RESNET50 = cache.RemoteFile(
    fname="resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    origin=_BASE + "resnet/resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    file_hash="2cb95161c43110f7111970584f804107",
    hash_algorithm="md5",
    cache_subdir="models",
    description="ResNet50 ImageNet weights (with the fc1000 top), for class_activation_maps",
)
INCEPTION_V3 = cache.RemoteFile(
    fname="inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
    origin=_BASE + "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
    file_hash="9a0d58056eeedaa3f26cb7ebd46da564",
    hash_algorithm="md5",
    cache_subdir="models",
    description="InceptionV3 ImageNet weights with the top, for deep_dream (both dreams)",
)
INCEPTION_V3_NOTOP = cache.RemoteFile(
    fname="inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
    origin=_BASE + "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
    file_hash="bcbd6486424b2319ff4ef7d526e38f63",
    hash_algorithm="md5",
    cache_subdir="models",
    description="InceptionV3 ImageNet weights without the top (the original deep_dream's file)",
)
CLASS_INDEX = cache.RemoteFile(
    fname="imagenet_class_index.json",
    origin="https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
    file_hash="c2c37ea517e94d9795004a39431a14cb",
    hash_algorithm="md5",
    cache_subdir="models",
    description="ImageNet class names (for decode_predictions)",
)
FILES = (RESNET50, INCEPTION_V3, INCEPTION_V3_NOTOP, CLASS_INDEX)


def locate(source: DataSource) -> list[cache.Located]:
    """Where each weight file and the class index are, or were looked for."""
    return [cache.locate_file(remote, source) for remote in FILES]


def find_weights(remote: cache.RemoteFile, source: DataSource, explicit: str = "") -> Path | None:
    """`explicit` if given, else the verified cached copy of `remote`, else None. Never downloads.

    Raises:
        UserError: when `explicit` names no file.
        DataError: when the cached copy does not match its hash.
    """
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise UserError(f"--weights {explicit}: no such file")
        return path
    return cache.find(remote, source)


def obtain(remote: cache.RemoteFile, source: DataSource, explicit: str = "") -> Path:
    """Like `find_weights`, but a missing file is downloaded from its Keras URL unless offline.

    Raises:
        DataError: offline and missing, or the download failed: one line with the file's name,
            URL and hash and where to put it.
    """
    found = find_weights(remote, source, explicit)
    if found is not None:
        return found
    return cache.fetch(
        remote, source, otherwise="pass --weights PATH, or use --set network=builtin"
    )


def class_names(source: DataSource) -> list[tuple[str, str]] | None:
    """(wnid, name) of the 1000 ImageNet classes, if the class index file is at hand (no download).

    Raises:
        DataError: when the file is there but corrupt.
    """
    path = cache.find(CLASS_INDEX, source)
    if path is None:
        return None
    index = json.loads(path.read_text(encoding="utf-8"))
    return [(index[str(i)][0], index[str(i)][1]) for i in range(len(index))]
