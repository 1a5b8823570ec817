"""Shipped manipulation model: block suspicion, pooling, calibrated score (pure; reads a file once).

Two stages, both gradient boosting: a block model scores every block from its
contrasts with the rest of the picture, and a picture model reads the pooled
block scores plus the named region signals; the picture model is calibrated
(isotonic, cross-validated) so 0.8 means about 8 pastes in 10 such pictures.
scikit-learn is imported only when the model file is first read.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from triage.errors import TriageError
from triage.manipulation.features import Array, BlockMaps, feature_names
from triage.manipulation.signals import MODEL_SIGNALS, region_signals

MODEL_FILE = "manipulation.pkl"
FORMAT = 1  # bumped when the columns change; a stale file is refused, not misread
POOLED = ("peak3", "peak5", "peak", "top4", "top16", "over50", "over80", "blob", "blobs",
          "mean", "std", "log_blocks")  # fmt: skip


class ModelUnavailable(TriageError):
    """The shipped model file is missing or was trained for other features."""


@dataclass(frozen=True, slots=True)
class ShippedModel:
    block_model: Any  # sklearn HistGradientBoostingClassifier
    picture_model: Any  # sklearn CalibratedClassifierCV
    trained_with: str  # scikit-learn version, for the report when a load warns


def picture_columns() -> tuple[str, ...]:
    """Column names of the picture model's input."""
    return (*POOLED, *MODEL_SIGNALS)


def block_suspicion(maps: BlockMaps, model: ShippedModel) -> Array:
    """Probability per block (rows x cols) that the block lies inside a paste."""
    return block_suspicion_from_features(maps.features, maps.rows, maps.cols, model)


def block_suspicion_from_features(
    features: Array, rows: int, cols: int, model: ShippedModel
) -> Array:
    # float32 first: training stores features as float32, so scoring sees the same values
    clean = np.clip(np.nan_to_num(features.astype(np.float32).astype(np.float64)), -1e3, 1e3)
    probs = model.block_model.predict_proba(clean)[:, 1]
    return np.asarray(probs, dtype=np.float64).reshape(rows, cols)


def pooled_features(probs: Array) -> list[float]:
    """Picture-level summary of block suspicion (POOLED order): peaks, mass and shape."""
    flat = np.sort(probs.ravel())[::-1]
    hot = probs > 0.5
    sizes = _component_sizes(hot)
    return [
        float(_smooth(probs, 3).max()), float(_smooth(probs, 5).max()), float(flat[0]),
        float(flat[:4].mean()), float(flat[:16].mean()), float(hot.mean()),
        float((probs > 0.8).mean()), float(max(sizes, default=0) / probs.size),
        float(len(sizes)), float(probs.mean()), float(probs.std()), float(np.log(probs.size)),
    ]  # fmt: skip


def picture_row(probs: Array, signals: dict[str, float]) -> list[float]:
    return [*pooled_features(probs), *(signals[name] for name in MODEL_SIGNALS)]


def picture_features(
    maps: BlockMaps, model: ShippedModel
) -> tuple[Array, dict[str, float], list[float]]:
    """Block suspicion, named signals at its region, and the picture model's input row."""
    probs = block_suspicion(maps, model)
    signals = region_signals(maps, probs)
    return probs, signals, picture_row(probs, signals)


def picture_probability(row: list[float], model: ShippedModel) -> float:
    return float(model.picture_model.predict_proba(np.asarray([row]))[0, 1])


@lru_cache(maxsize=1)
def load_model() -> ShippedModel:
    """Read the shipped model once per process.

    pickle is safe here because the file ships inside the package, written by
    training/manipulation/train.py; it never comes from mail or the network.
    """
    try:
        blob = resources.files("triage").joinpath("models", MODEL_FILE).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError) as e:
        raise ModelUnavailable(
            f"manipulation model {MODEL_FILE} not found; run make train-manipulation"
        ) from e
    saved = pickle.loads(blob)  # noqa: S301 - our own packaged file, see docstring
    if (
        saved.get("format") != FORMAT
        or tuple(saved["block_columns"]) != feature_names()
        or tuple(saved["picture_columns"]) != picture_columns()
    ):
        raise ModelUnavailable("manipulation model was trained for other features; retrain it")
    return ShippedModel(
        block_model=saved["block_model"],
        picture_model=saved["picture_model"],
        trained_with=str(saved["sklearn"]),
    )


def _smooth(m: Array, size: int) -> Array:
    half = size // 2
    padded = np.pad(m, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size))
    return np.asarray(windows.mean(axis=(2, 3)), dtype=np.float64)


def _component_sizes(mask: np.ndarray) -> list[int]:
    """Sizes of 4-connected groups of True blocks (grids are small: a plain flood fill)."""
    seen = np.zeros_like(mask, dtype=bool)
    sizes = []
    rows, cols = mask.shape
    for start in zip(*np.nonzero(mask), strict=True):
        if seen[start]:
            continue
        stack, count = [start], 0
        seen[start] = True
        while stack:
            r, c = stack.pop()
            count += 1
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < rows and 0 <= nc < cols and mask[nr, nc] and not seen[nr, nc]:
                    seen[nr, nc] = True
                    stack.append((nr, nc))
        sizes.append(count)
    return sizes
