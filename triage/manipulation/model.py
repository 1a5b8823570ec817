"""Shipped manipulation model: boosted trees and a logistic model as plain JSON (pure; reads once).

A block model (small gradient-boosted trees, stored as arrays) turns the
features of every block (features.py) into a suspicion logit; a picture model
(logistic) reads the pooled block logits and is itself the calibration: it is
fitted on pictures the block model never saw, so 0.8 means about 8 pastes in 10
such generated pictures. The file holds only numbers and names, so scoring
needs no scikit-learn at all and nothing is unpickled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from triage.errors import TriageError
from triage.manipulation.features import (
    CUES,
    Array,
    BlockMaps,
    block_feature_names,
    feature_names,
)

MODEL_FILE = "manipulation.json"
_LINEAR = ("mean", "scale", "coef")
MAX_DEPTH = 12  # scoring lays each tree out in 2^(depth+1) slots; ours are 4 deep
FORMAT = 6  # bumped when the columns change; a stale file is refused, not misread
POOLED = ("peak", "top4", "top5pct", "median", "log_blocks")
# Beside the learned block logits, the picture model reads each cue's own strongest region
# (the 5x5-block mean of its deviation): evidence that needs no training on pastes, so a paste
# the block model never learned can still show in the one cue it disturbs.
CUE_POOLS = tuple(f"{stat}|{cue}-w5|" for cue in CUES for stat in ("max", "q95"))
# And how far the least doubly-compressed region sits below the rest (signed: a paste between
# two JPEGs is less doubly compressed; 0 when the file shows no double compression).
DQ_POOLS = ("deficit-min-dq-w5", "deficit-q05-dq-w5")
# And the noise level read at the file's own resolution (native.py): the 5x5-block mean of its
# deviation at its highest and lowest (a noisier or a cleaner region) and the 95th percentile
# of its size; 0 when unread.
NATIVE_POOLS = ("max-nnoise-w5", "deficit-min-nnoise-w5", "q95|nnoise-w5|")
# And the residual co-occurrence anomaly (cooccurrence.py): its strongest 5x5 and 3x3 regions
# and the 95th percentile of its 5x5 means; 0 when unread.
COOC_POOLS = ("max-cooc-w5", "max-cooc-w3", "q95-cooc-w5")


class ModelUnavailable(TriageError):
    """The shipped model file is missing, malformed or was trained for other features."""


@dataclass(frozen=True, slots=True)
class Linear:
    """Standardise, then a logistic model: p = 1 / (1 + exp(-(w . (x - mean) / scale + b)))."""

    mean: Array
    scale: Array
    coef: Array
    intercept: float

    def logit(self, x: Array) -> Array:
        clean = np.clip(np.nan_to_num(x), -1e3, 1e3)
        return np.asarray(((clean - self.mean) / self.scale) @ self.coef + self.intercept)

    @classmethod
    def from_json(cls, blob: dict[str, Any], width: int) -> Linear:
        mean, scale, coef = (np.asarray(blob[k], dtype=np.float64) for k in _LINEAR)
        if not (mean.shape == scale.shape == coef.shape == (width,)) or np.any(scale <= 0):
            raise ModelUnavailable("manipulation model has arrays of the wrong shape")
        return cls(mean=mean, scale=scale, coef=coef, intercept=float(blob["intercept"]))

    def to_json(self) -> dict[str, Any]:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Trees:
    """Regression trees summed into a logit: base + sum of each tree's leaf value.

    Per tree, arrays over its nodes: feature (-1 at a leaf), threshold (go left
    when x <= threshold), left and right child, and value (the leaf's
    contribution, learning rate already applied).
    """

    base: float
    feature: NDArray[np.int64]  # (trees, nodes)
    threshold: Array
    left: NDArray[np.int64]
    right: NDArray[np.int64]
    value: Array
    depth: int

    # The same trees laid out as complete binary heaps (node i's children at 2i+1 and 2i+2,
    # a leaf above the last level copied down both ways), so scoring walks every tree with
    # index arithmetic instead of per-node branching: a fifth of the time, same sums.
    _heap: tuple[NDArray[np.int64], Array, Array, int] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_heap", _heap_layout(self))

    def logit(self, x: Array) -> Array:
        clean = np.clip(np.nan_to_num(x), -1e3, 1e3)
        feature, threshold, value, levels = self._heap
        trees, samples = feature.shape[0], clean.shape[0]
        width = clean.shape[1]
        flat = clean.ravel()
        offsets = (np.arange(trees, dtype=np.int64) * feature.shape[1])[:, None]
        rows = np.arange(samples, dtype=np.int64)[None, :] * width
        node = np.zeros((trees, samples), dtype=np.int64)
        for _ in range(levels):
            at = offsets + node
            right = flat[rows + feature.ravel()[at]] > threshold.ravel()[at]
            node = 2 * node + 1 + right
        leaves = value.ravel()[offsets + node]
        return np.asarray(self.base + leaves.sum(axis=0), dtype=np.float64)

    @classmethod
    def from_json(cls, blob: dict[str, Any], width: int) -> Trees:
        feature = np.asarray(blob["feature"], dtype=np.int64)
        arrays = {k: np.asarray(blob[k]) for k in ("threshold", "left", "right", "value")}
        if feature.ndim != 2 or any(a.shape != feature.shape for a in arrays.values()):
            raise ModelUnavailable("manipulation model has arrays of the wrong shape")
        nodes = feature.shape[1]
        for k in ("left", "right"):
            if np.any((arrays[k] < -1) | (arrays[k] >= nodes)):
                raise ModelUnavailable("manipulation model has a child out of range")
        if np.any(feature >= width):
            raise ModelUnavailable("manipulation model reads a column it does not have")
        if not 0 <= int(blob["depth"]) <= MAX_DEPTH:
            raise ModelUnavailable(f"manipulation model's trees are deeper than {MAX_DEPTH}")
        return cls(
            base=float(blob["base"]), feature=feature,
            threshold=arrays["threshold"].astype(np.float64),
            left=np.maximum(arrays["left"].astype(np.int64), 0),
            right=np.maximum(arrays["right"].astype(np.int64), 0),
            value=arrays["value"].astype(np.float64), depth=int(blob["depth"]),
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base, "depth": self.depth, "feature": self.feature.tolist(),
                "threshold": self.threshold.tolist(), "left": self.left.tolist(),
                "right": self.right.tolist(), "value": self.value.tolist()}  # fmt: skip


def _heap_layout(trees: Trees) -> tuple[NDArray[np.int64], Array, Array, int]:
    """Heap arrays (feature, threshold, value) over all trees, and the number of split levels.

    Inside nodes keep their split (go right when x > threshold, as scikit-learn's trees go
    left when x <= threshold); a leaf reached early becomes a node whose threshold nobody
    exceeds, whose value its whole subtree repeats. A walk stops after `trees.depth` steps,
    as the node-by-node walk did, so a malformed file cannot make it loop.
    """

    def levels(t: int, node: int, level: int) -> int:
        if level == trees.depth or trees.feature[t, node] < 0:
            return 0
        below = (levels(t, int(child[t, node]), level + 1) for child in (trees.left, trees.right))
        return 1 + max(below)

    count = trees.feature.shape[0]
    depth = max((levels(t, 0, 0) for t in range(count)), default=0)
    size = 2 ** (depth + 1) - 1
    feature = np.zeros((count, size), dtype=np.int64)
    threshold = np.full((count, size), np.inf)
    value = np.zeros((count, size))
    for t in range(count):
        stack = [(0, 0, 0)]  # (node in the tree, position in the heap, level)
        while stack:
            node, at, level = stack.pop()
            if level < depth and trees.feature[t, node] >= 0:
                split = float(trees.threshold[t, node])
                feature[t, at] = trees.feature[t, node]
                # x <= NaN is false, so the node-by-node walk went right: as x > -inf does
                threshold[t, at] = -np.inf if np.isnan(split) else split
                stack += [(int(trees.left[t, node]), 2 * at + 1, level + 1),
                          (int(trees.right[t, node]), 2 * at + 2, level + 1)]  # fmt: skip
            elif level < depth:
                stack += [(node, 2 * at + 1, level + 1), (node, 2 * at + 2, level + 1)]
            else:
                value[t, at] = trees.value[t, node]
    return feature, threshold, value, depth


@dataclass(frozen=True, slots=True)
class ShippedModel:
    block: Trees
    picture: Linear
    trained_on: str  # which generated data trained it, for the bench and the README


def picture_columns() -> tuple[str, ...]:
    return (*POOLED, *CUE_POOLS, *DQ_POOLS, *NATIVE_POOLS, *COOC_POOLS)


def block_logits(maps: BlockMaps, model: ShippedModel) -> Array:
    """Suspicion logit per block (rows x cols)."""
    return block_logits_of(maps.features, maps.rows, maps.cols, model.block)


def block_logits_of(features: Array, rows: int, cols: int, block: Trees) -> Array:
    # float32 first: training keeps features as float32, so scoring sees the same values
    readable = features[:, :_BLOCK_WIDTH].astype(np.float32).astype(np.float64)
    return block.logit(readable).reshape(rows, cols)


_BLOCK_WIDTH = len(block_feature_names())
_DQ_COLUMN = feature_names().index("dq-w5")
_NATIVE_COLUMN = feature_names().index("nnoise-w5")
_COOC_W3, _COOC_W5 = feature_names().index("cooc-w3"), feature_names().index("cooc-w5")


_CUE_COLUMNS = tuple(feature_names().index(f"|{cue}-w5|") for cue in CUES)


def pooled_features(logits: Array, features: Array) -> list[float]:
    """Picture-level summary (picture_columns() order): the block logits pooled, then per cue
    the largest and 95th-percentile 5x5-window deviation over the picture's blocks, then the
    double-compression deficit: minus the least and the 5th-percentile 5x5-window dq, then the
    native noise deviation's 5x5-window largest, minus its least, and 95th percentile of |.|,
    then the co-occurrence anomaly's largest 5x5 and 3x3 window and 95th-percentile 5x5."""
    flat = np.sort(logits.ravel())[::-1]
    top = max(1, round(0.05 * flat.size))
    pooled = [float(flat[0]), float(flat[:4].mean()), float(flat[:top].mean()),
              float(np.median(flat)), float(np.log(flat.size))]  # fmt: skip
    windows = np.asarray(features[:, list(_CUE_COLUMNS)], dtype=np.float64)
    for column in windows.T:
        pooled += [float(column.max()), float(np.quantile(column, 0.95))]
    dq = np.asarray(features[:, _DQ_COLUMN], dtype=np.float64)
    pooled += [float(-dq.min()), float(-np.quantile(dq, 0.05))]
    noise = np.asarray(features[:, _NATIVE_COLUMN], dtype=np.float64)
    cooc3 = np.asarray(features[:, _COOC_W3], dtype=np.float64)
    cooc5 = np.asarray(features[:, _COOC_W5], dtype=np.float64)
    return [
        *pooled,
        float(noise.max()),
        float(-noise.min()),
        float(np.quantile(np.abs(noise), 0.95)),
        float(cooc5.max()),
        float(cooc3.max()),
        float(np.quantile(cooc5, 0.95)),
    ]


def picture_probability(logits: Array, features: Array, model: ShippedModel) -> float:
    row = np.asarray([pooled_features(logits, features)])
    return float(_sigmoid(model.picture.logit(row))[0])


def block_probability(logits: Array) -> Array:
    return _sigmoid(logits)


def model_from_json(saved: dict[str, Any]) -> ShippedModel:
    if (
        saved.get("format") != FORMAT
        or tuple(saved.get("block_columns", ())) != block_feature_names()
    ):
        raise ModelUnavailable("manipulation model was trained for other features; retrain it")
    if tuple(saved.get("picture_columns", ())) != picture_columns():
        raise ModelUnavailable("manipulation model was trained for other features; retrain it")
    try:
        return ShippedModel(
            block=Trees.from_json(saved["block"], _BLOCK_WIDTH),
            picture=Linear.from_json(saved["picture"], len(picture_columns())),
            trained_on=str(saved.get("trained_on", "")),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise ModelUnavailable(f"manipulation model is malformed: {e}") from e


def model_to_json(model: ShippedModel) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "trained_on": model.trained_on,
        "block_columns": list(block_feature_names()),
        "picture_columns": list(picture_columns()),
        "block": model.block.to_json(),
        "picture": model.picture.to_json(),
    }


@lru_cache(maxsize=1)
def load_model() -> ShippedModel:
    """Read the shipped model once per process (plain JSON: numbers and names)."""
    try:
        text = resources.files("triage").joinpath("models", MODEL_FILE).read_text("utf-8")
        saved = json.loads(text)
    except (FileNotFoundError, ModuleNotFoundError, json.JSONDecodeError) as e:
        raise ModelUnavailable(
            f"manipulation model {MODEL_FILE} not found or unreadable; run make train-manipulation"
        ) from e
    return model_from_json(saved)


def _sigmoid(x: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0))), dtype=np.float64)
