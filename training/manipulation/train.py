"""Train the manipulation model on generator 1 and write triage/models/manipulation.json.

    .venv/bin/python -m training.manipulation.train [--jobs N] [--out PATH]

Two small models: the block model (150 boosted trees of depth 3) on the features
of blocks inside pastes against blocks of pristine pictures (set "blocks"), the
picture model (logistic) on pooled block logits of pictures the block model
never saw (set "pictures"), which also calibrates the score. The trees are
written out as arrays and checked against scikit-learn's own prediction. Only generator 1 trains it;
generator 2 and pastes-dev are for measuring (bench/manipulation.py).
Reproducible: fixed set names and solvers; the output is plain JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from training.manipulation.dataset import Row, build_rows
from triage.manipulation.features import block_feature_names
from triage.manipulation.model import (
    Linear,
    ShippedModel,
    Trees,
    block_logits_of,
    model_to_json,
    pooled_features,
)

OUT = Path(__file__).resolve().parents[2] / "triage" / "models" / "manipulation.json"
BLOCK_SET, PICTURE_SET = ("blocks", 2400), ("pictures", 1200)
NEGATIVE_BLOCKS = 100  # clean blocks kept per pristine picture; all pasted blocks are kept
PICTURE_C = 1.0  # L2 strength of the picture model


def _linear(x: np.ndarray, y: np.ndarray, c: float) -> Linear:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-6, scale, 1.0)
    fit = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    fit.fit((x - mean) / scale, y)
    return Linear(mean=mean, scale=scale, coef=fit.coef_[0].astype(np.float64),
                  intercept=float(fit.intercept_[0]))  # fmt: skip


TREES, DEPTH, RATE = 300, 4, 0.1


def export_trees(model: GradientBoostingClassifier, x: np.ndarray) -> Trees:
    """The fitted trees as plain arrays; checked to give scikit-learn's decision function."""
    trees = [est[0].tree_ for est in model.estimators_]
    nodes = max(t.node_count for t in trees)

    def table(get: str, fill: float) -> np.ndarray:
        out = np.full((len(trees), nodes), fill)
        for i, t in enumerate(trees):
            values = t.value[:, 0, 0] * model.learning_rate if get == "value" else getattr(t, get)
            out[i, : t.node_count] = values
        return out

    feature = table("feature", -1).astype(np.int64)
    feature[feature < 0] = -1
    partial = Trees(base=0.0, feature=feature, threshold=table("threshold", 0.0),
                    left=np.maximum(table("children_left", 0), 0).astype(np.int64),
                    right=np.maximum(table("children_right", 0), 0).astype(np.int64),
                    value=table("value", 0.0), depth=model.max_depth + 1)  # fmt: skip
    sample = x[:: max(1, len(x) // 5000)]
    expected = model.decision_function(sample)
    base = float(np.mean(expected - partial.logit(sample)))
    exported = Trees(base=base, feature=partial.feature, threshold=partial.threshold,
                     left=partial.left, right=partial.right, value=partial.value,
                     depth=partial.depth)  # fmt: skip
    error = float(np.abs(exported.logit(sample) - expected).max())
    if error > 1e-6:
        raise RuntimeError(f"exported trees disagree with scikit-learn by {error}")
    return exported


def train_block_model(rows: list[Row], trees: int = TREES, depth: int = DEPTH) -> Trees:
    rng = np.random.default_rng(0)
    width = len(block_feature_names())  # the trailing picture-only columns stay out
    xs, ys = [], []
    for row in rows:
        if row.label:
            pos = np.nonzero(row.block_labels == 1)[0]
            xs.append(row.features[pos, :width])
            ys.append(np.ones(len(pos)))
        else:
            neg = rng.choice(row.features.shape[0], min(row.features.shape[0], NEGATIVE_BLOCKS),
                             replace=False)  # fmt: skip
            xs.append(row.features[neg, :width])
            ys.append(np.zeros(len(neg)))
    x = np.clip(np.nan_to_num(np.concatenate(xs).astype(np.float64)), -1e3, 1e3)
    y = np.concatenate(ys)
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    model = GradientBoostingClassifier(n_estimators=trees, max_depth=depth, learning_rate=RATE,
                                       subsample=0.8, random_state=0)  # fmt: skip
    model.fit(x, y, sample_weight=weight)
    return export_trees(model, x)


def train_picture_model(rows: list[Row], block: Trees) -> Linear:
    x = np.array([pooled_features(block_logits_of(r.features, r.rows, r.cols, block), r.features)
                  for r in rows])  # fmt: skip
    y = np.array([r.label for r in rows])
    return _linear(x, y, PICTURE_C)


def fit(
    block_rows: list[Row],
    picture_rows: list[Row],
    trained_on: str,
    *,
    trees: int = TREES,
    depth: int = DEPTH,
) -> ShippedModel:
    block = train_block_model(block_rows, trees, depth)
    return ShippedModel(block=block, picture=train_picture_model(picture_rows, block),
                        trained_on=trained_on)  # fmt: skip


def describe(block_rows: list[Row], picture_rows: list[Row], note: str = "all families") -> str:
    return (f"generator 1 (training/manipulation/generate.py) sets {BLOCK_SET[0]!r} "
            f"({len(block_rows)} pictures) and {PICTURE_SET[0]!r} ({len(picture_rows)}), {note}; "
            "never generator 2 or pastes-dev")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    started = time.monotonic()
    block_rows = build_rows(*BLOCK_SET, jobs=args.jobs)
    picture_rows = build_rows(*PICTURE_SET, jobs=args.jobs)
    count, seconds = len(block_rows) + len(picture_rows), time.monotonic() - started
    print(f"generated {count} pictures in {seconds:.0f} s", flush=True)
    model = fit(block_rows, picture_rows, describe(block_rows, picture_rows))
    args.out.write_text(json.dumps(model_to_json(model), indent=1) + "\n")
    size = args.out.stat().st_size / 1e3
    print(f"wrote {args.out} ({size:.0f} kB) in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
