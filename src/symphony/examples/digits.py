"""The built-in example: scikit-learn's 1,797 handwritten digits and a real model.

Each 8x8 image gets a held-out prediction from a deliberately small classifier
(pixels scaled, reduced to 12 principal components, logistic regression), so that
about one in ten is wrong and there are errors worth exploring. Instances of the
test split are predicted by a model fitted on the train split; instances of the
train split are predicted out-of-fold by five-fold cross-validation within it, so
no prediction comes from a model that saw the instance. A t-SNE projection of the
pixels gives the embedding, and every image is written as a PNG thumbnail.

The table and images are computed once and cached on disk (under
``$SYMPHONY_CACHE`` or ``~/.cache/symphony``); later calls read the cache.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import Dataset

__all__ = ["digits_dataset", "digits_table"]

log = logging.getLogger(__name__)

_VERSION = "digits-v1"
_TABLE = "digits.parquet"
_THUMBNAIL = 64


def _cache_root() -> Path:
    """The folder holding cached examples."""
    base = os.environ.get("SYMPHONY_CACHE") or Path.home() / ".cache" / "symphony"
    return Path(base).expanduser()


def _predict(pixels: np.ndarray, labels: np.ndarray, split: np.ndarray) -> np.ndarray:
    """Held-out class probabilities for every image."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def model():
        return make_pipeline(
            StandardScaler(), PCA(12, random_state=0), LogisticRegression(max_iter=2000)
        )

    train, test = split == "train", split == "test"
    probabilities = np.empty((len(labels), 10))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    probabilities[train] = cross_val_predict(
        model(), pixels[train], labels[train], cv=folds, method="predict_proba"
    )
    probabilities[test] = (
        model().fit(pixels[train], labels[train]).predict_proba(pixels[test])
    )
    return probabilities


def _write_thumbnails(images: np.ndarray, ids: list[str], folder: Path) -> list[str]:
    """Write each 8x8 image as a dark-on-light PNG; return the relative paths."""
    from PIL import Image

    folder.mkdir(parents=True)
    paths = []
    for image, instance in zip(images, ids, strict=True):
        pixels = (255 - image * 255 / 16).astype(np.uint8)
        picture = Image.fromarray(pixels, mode="L").resize(
            (_THUMBNAIL, _THUMBNAIL), Image.Resampling.NEAREST
        )
        relative = f"images/{instance}.png"
        picture.save(folder.parent / relative)
        paths.append(relative)
    return paths


def _build(folder: Path, progress: Callable[[str], None]) -> None:
    """Compute the table and thumbnails into `folder`."""
    from sklearn.datasets import load_digits
    from sklearn.manifold import TSNE
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    pixels, labels = digits.data, digits.target
    ids = [f"digit_{i:04d}" for i in range(len(labels))]
    split = np.full(len(labels), "train", dtype=object)
    _, test = train_test_split(
        np.arange(len(labels)), test_size=0.25, stratify=labels, random_state=0
    )
    split[test] = "test"

    progress("fitting the classifier (held-out predictions)")
    probabilities = _predict(pixels, labels, split)
    progress("projecting the images with t-SNE")
    embedding = TSNE(random_state=0, init="pca").fit_transform(pixels)
    progress("writing thumbnails")
    paths = _write_thumbnails(digits.images, ids, folder / "images")

    table = pd.DataFrame(
        {
            "id": ids,
            "label": labels,
            "prediction": probabilities.argmax(axis=1),
            "confidence": probabilities.max(axis=1).round(4),
            "split": split.astype(str),
            "ink": (pixels.sum(axis=1) / (16 * 64)).round(4),
            "projection_tsne_x": embedding[:, 0].round(4),
            "projection_tsne_y": embedding[:, 1].round(4),
            "image": paths,
        }
    )
    table.to_parquet(folder / _TABLE, index=False)


def digits_table(
    cache: str | Path | None = None, progress: Callable[[str], None] | None = None
) -> Path:
    """The folder of the cached digits example, computing it on first use.

    Parameters
    ----------
    cache : str or Path, optional
        Folder for cached examples; ``$SYMPHONY_CACHE`` or ``~/.cache/symphony``.
    progress : callable, optional
        Called with a short text at each step of a first computation.

    Returns
    -------
    Path
        A folder holding ``digits.parquet`` and ``images/``.
    """
    progress = progress or (lambda step: log.info("digits example: %s", step))
    root = Path(cache).expanduser() if cache is not None else _cache_root()
    folder = root / _VERSION
    if (folder / _TABLE).exists():
        return folder

    root.mkdir(parents=True, exist_ok=True)
    progress(f"building the digits example once, into {folder}")
    staging = Path(tempfile.mkdtemp(prefix=f".{_VERSION}-", dir=root))
    try:
        _build(staging, progress)
        try:
            staging.rename(folder)
        except OSError:
            # another process finished first; its copy is as good as ours
            if not (folder / _TABLE).exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress("done")
    return folder


def digits_dataset(
    cache: str | Path | None = None, progress: Callable[[str], None] | None = None
) -> Dataset:
    """The digits example as a Dataset, with its thumbnails as instance files.

    Examples
    --------
    >>> ds = digits_dataset()  # doctest: +SKIP
    >>> len(ds), ds.label, ds.prediction, list(ds.projections)  # doctest: +SKIP
    (1797, 'label', 'prediction', ['tsne'])
    """
    folder = digits_table(cache, progress)
    return Dataset(folder / _TABLE, id_column="id", files=folder, file_column="image")
