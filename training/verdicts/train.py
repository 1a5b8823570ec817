"""Train the extortion verdict model from labelled.jsonl and ship it (writes triage/models).

Reproducible: the split is a hash of each row's judging text (so duplicate letters never
straddle it), the folds and solvers are seeded, and the saved file is plain arrays.

    .venv/bin/python -m training.verdicts.train
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from triage.classify import (
    COMBINER_FEATURES,
    DEFAULT_THRESHOLD,
    MessageText,
    VerdictModel,
    combiner_features,
    judge_message,
    judging_text,
    make_vectorizer,
    message_cues,
    model_path,
)

LABELLED = Path(__file__).with_name("labelled.jsonl")
HELD_OUT_EVERY = 5  # one row in five, by text hash
SEED = 0
# Strong enough regularisation that no single n-gram decides; the cue groups and the
# combiner carry the rest.
NGRAM_C = 4.0
COMBINER_C = 1.0


def load_rows(path: Path = LABELLED) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def row_text(row: dict[str, Any]) -> MessageText:
    return MessageText(
        subject=row.get("subject", ""),
        body=row["text"],
        attachment_texts=tuple(row.get("attachment_texts", ())),
        wallets=tuple(row.get("wallets", ())),
        recipient_name=row.get("recipient_name"),
    )


def is_held_out(row: dict[str, Any]) -> bool:
    digest = hashlib.sha256(judging_text(row_text(row)).encode()).digest()
    return int.from_bytes(digest[:4], "big") % HELD_OUT_EVERY == 0


def train(rows: list[dict[str, Any]]) -> VerdictModel:
    texts = [row_text(r) for r in rows]
    skeletons = [judging_text(t) for t in texts]
    labels = np.array([int(r["label"]) for r in rows])
    x = make_vectorizer().transform(skeletons)
    ngram = LogisticRegression(C=NGRAM_C, max_iter=5000, class_weight="balanced")
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    # Out-of-fold scores, so the combiner learns how far to trust the model on text it
    # has not seen, not on text it memorised.
    oof = cross_val_predict(ngram, x, labels, cv=folds, method="predict_proba")[:, 1]
    features = np.array(
        [
            combiner_features(float(p), message_cues(t, s))
            for p, t, s in zip(oof, texts, skeletons, strict=True)
        ]
    )
    combiner = LogisticRegression(C=COMBINER_C, max_iter=5000, class_weight="balanced")
    combiner.fit(features, labels)
    ngram.fit(x, labels)
    return VerdictModel(
        ngram_coef=ngram.coef_[0].astype(np.float32),
        ngram_intercept=float(ngram.intercept_[0]),
        combiner_coef=combiner.coef_[0].astype(np.float64),
        combiner_intercept=float(combiner.intercept_[0]),
    )


def evaluate(
    model: VerdictModel, rows: Iterable[dict[str, Any]], threshold: float = DEFAULT_THRESHOLD
) -> dict[str, dict[str, int]]:
    """Confusion counts overall ("all") and per language."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    for row in rows:
        verdict = judge_message(row_text(row), threshold=threshold, model=model)
        key = ("t" if verdict.extortion == bool(row["label"]) else "f") + (
            "p" if verdict.extortion else "n"
        )
        counts["all"][key] += 1
        counts[row["language"]][key] += 1
    return dict(counts)


def format_counts(counts: dict[str, dict[str, int]]) -> str:
    lines = [f"{'':10} {'n':>5} {'precision':>9} {'recall':>7}  fp fn"]
    for key in sorted(counts, key=lambda k: (k != "all", k)):
        c = counts[key]
        predicted, actual = c["tp"] + c["fp"], c["tp"] + c["fn"]
        precision = c["tp"] / predicted if predicted else 1.0
        recall = c["tp"] / actual if actual else 1.0
        n = sum(c.values())
        lines.append(f"{key:10} {n:5d} {precision:9.3f} {recall:7.3f} {c['fp']:3d} {c['fn']:2d}")
    return "\n".join(lines)


def main() -> int:
    rows = load_rows()
    train_rows = [r for r in rows if not is_held_out(r)]
    test_rows = [r for r in rows if is_held_out(r)]
    print(f"{len(rows)} rows: {len(train_rows)} train, {len(test_rows)} held out")
    model = train(train_rows)
    out = model_path()
    np.savez_compressed(out, **model.to_arrays())
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")
    weights = ", ".join(
        f"{name} {w:+.2f}" for name, w in zip(COMBINER_FEATURES, model.combiner_coef, strict=True)
    )
    print(f"combiner: {weights}, intercept {model.combiner_intercept:+.2f}")
    print("held-out figures:")
    print(format_counts(evaluate(model, test_rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
