"""Train the manipulation model from generated pictures and write triage/models/manipulation.pkl.

    .venv/bin/python -m training.manipulation.train [--jobs N] [--out PATH]

Reproducible: fixed set names (seeds) and random_state; the same scikit-learn
gives the same file. Set "blocks" trains the block model, set "pictures" the
calibrated picture model, so the picture model sees block scores as they are on
unseen pictures. The benchmark uses a third set ("heldout").
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier

from training.manipulation.dataset import Row, build_rows
from triage.manipulation.features import feature_names
from triage.manipulation.model import FORMAT, ShippedModel, picture_columns, picture_features

OUT = Path(__file__).resolve().parents[2] / "triage" / "models" / "manipulation.pkl"
BLOCK_SET, PICTURE_SET = ("blocks", 1200), ("pictures", 1200)
NEGATIVE_BLOCKS = 60  # clean blocks kept per picture; all pasted blocks are kept


def train_block_model(rows: list[Row]) -> HistGradientBoostingClassifier:
    rng = np.random.default_rng(0)
    xs, ys = [], []
    for row in rows:
        pos = np.nonzero(row.block_labels == 1)[0]
        neg = np.nonzero(row.block_labels == 0)[0]
        neg = rng.choice(neg, min(len(neg), NEGATIVE_BLOCKS), replace=False)
        xs += [row.features[pos], row.features[neg]]
        ys += [np.ones(len(pos)), np.zeros(len(neg))]
    x = np.clip(np.nan_to_num(np.concatenate(xs)), -1e3, 1e3)
    model = HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.1, max_leaf_nodes=31, random_state=0
    )
    return model.fit(x, np.concatenate(ys))


def train_picture_model(rows: list[Row], block_model: object) -> CalibratedClassifierCV:
    """Gradient boosting on pooled block scores and signals, isotonic-calibrated by 5-fold CV."""
    shipped = ShippedModel(block_model=block_model, picture_model=None, trained_with="")
    x = np.array([picture_features(r.maps, shipped)[2] for r in rows])
    y = np.array([r.label for r in rows])
    base = HistGradientBoostingClassifier(
        max_iter=100, max_leaf_nodes=8, learning_rate=0.05, random_state=0
    )
    return CalibratedClassifierCV(base, method="isotonic", cv=5).fit(x, y)


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
    block_model = train_block_model(block_rows)
    picture_model = train_picture_model(picture_rows, block_model)
    saved = {
        "format": FORMAT,
        "sklearn": sklearn.__version__,
        "block_columns": list(feature_names()),
        "picture_columns": list(picture_columns()),
        "block_model": block_model,
        "picture_model": picture_model,
    }
    args.out.write_bytes(pickle.dumps(saved, protocol=5))
    size, seconds = args.out.stat().st_size / 1e6, time.monotonic() - started
    print(f"wrote {args.out} ({size:.2f} MB) in {seconds:.0f} s")


if __name__ == "__main__":
    main()
