"""Train the extortion verdict model from labelled.jsonl and ship it (writes triage/models).

Reproducible: the split is a hash of each row's judging text (so duplicate letters never
straddle it), the folds and solvers are deterministic, and the saved file is plain arrays.
Everything that weighs the text model against the cues is fitted on n-gram scores of
template families the n-gram model did not see (leave-one-family-out), because that is
what a new campaign's wording is to it: scores of rows from templates it trained on are
overconfident, and a combiner fitted on them learns to trust it too much or too little.

    .venv/bin/python -m training.verdicts.train
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from triage.classify import (
    COMBINER_FEATURES,
    CUE_FEATURES,
    DEFAULT_THRESHOLD,
    Cue,
    MessageText,
    VerdictModel,
    combiner_features,
    judge_message,
    judging_text,
    make_vectorizer,
    message_cues,
    model_path,
)
from triage.filler import split_filler

LABELLED = Path(__file__).with_name("labelled.jsonl")
HELD_OUT_EVERY = 5  # one row in five, by text hash
# Strong enough regularisation that no single n-gram decides; the cue groups and the
# combiner carry the rest.
NGRAM_C = 4.0
COMBINER_C = 1.0
# A part decides alone from the score where at most this share of unseen-family benign
# rows would be flagged by it; never below ALONE_FLOOR.
ALONE_FALSE_ALARMS = 0.002
ALONE_FLOOR = 0.6


def load_rows(path: Path = LABELLED) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def row_text(row: dict[str, Any]) -> MessageText:
    """The row as the pipeline hands it to the verdict: word-salad filler already apart."""
    return MessageText(
        subject=row.get("subject", ""),
        body=split_filler(row["text"]).kept,
        attachment_texts=tuple(row.get("attachment_texts", ())),
        wallets=tuple(row.get("wallets", ())),
        recipient_name=row.get("recipient_name"),
    )


def is_held_out(row: dict[str, Any]) -> bool:
    # Whitespace folded to single spaces, as the skeleton was before it kept paragraph
    # breaks, so the held-out rows stay the rows they were.
    skeleton = " ".join(judging_text(row_text(row)).split())
    digest = hashlib.sha256(skeleton.encode()).digest()
    return int.from_bytes(digest[:4], "big") % HELD_OUT_EVERY == 0


def ngram_classifier() -> LogisticRegression:
    # liblinear is fast enough to refit once per family; it regularises the intercept too,
    # which pulls every score towards 0.5, so the intercept's column is scaled up to leave
    # it nearly free.
    return LogisticRegression(
        C=NGRAM_C,
        max_iter=5000,
        solver="liblinear",
        intercept_scaling=100.0,
    )


def family_of(row: dict[str, Any]) -> str:
    return str(row.get("family") or f"{'pos' if row['label'] else 'neg'}:{row.get('kind')}")


def leave_one_family_out(
    x: Any, labels: npt.NDArray[np.int_], families: list[str]
) -> Iterator[tuple[str, npt.NDArray[np.bool_], LogisticRegression]]:
    """For each family: its rows, and an n-gram model fitted on every other family."""
    names = np.array(families)
    for family in sorted(set(families)):
        held = names == family
        if len(set(labels[~held].tolist())) < 2:
            continue
        rest = ~held
        weights = family_weights(labels[rest], names[rest].tolist())
        yield family, held, ngram_classifier().fit(x[rest], labels[rest], sample_weight=weights)


def family_weights(labels: npt.NDArray[np.int_], families: list[str]) -> npt.NDArray[np.float64]:
    """Each family weighs the same within its class, and the two classes the same.

    Without this the n-gram model learns what most rows have: four in ten extortion rows
    are one assembled family of plain first- and second-person prose, while most benign
    rows are spam and news, so plain prose itself reads as extortion and an ordinary
    letter scores near the middle. Weighed by family, the benign letters and real mail
    count as much as the bank or lottery spam."""
    counts: dict[str, int] = defaultdict(int)
    for family in families:
        counts[family] += 1
    weights = np.array([1.0 / counts[f] for f in families])
    for label in (0, 1):
        mine = labels == label
        if mine.any():
            weights[mine] *= (len(labels) / 2) / weights[mine].sum()
    return weights


def train(rows: list[dict[str, Any]]) -> VerdictModel:
    texts = [row_text(r) for r in rows]
    skeletons = [judging_text(t) for t in texts]
    labels = np.array([int(r["label"]) for r in rows])
    families = [family_of(r) for r in rows]
    x = make_vectorizer().transform(skeletons)
    unseen = np.zeros(len(rows))
    for family, held, fitted in leave_one_family_out(x, labels, families):
        unseen[held] = fitted.predict_proba(x[held])[:, 1]
        print(f"  n-gram model without {family}: scored {int(held.sum())} rows", file=sys.stderr)
    cues = [message_cues(t, s) for t, s in zip(texts, skeletons, strict=True)]
    combiner = fit_combiner(unseen, cues, labels, families)
    ngram = ngram_classifier().fit(x, labels, sample_weight=family_weights(labels, families))
    return replace(
        combiner,
        ngram_coef=ngram.coef_[0].astype(np.float32),
        ngram_intercept=float(ngram.intercept_[0]),
    )


def fit_combiner(
    unseen: npt.NDArray[np.float64],
    cues: list[tuple[Cue, ...]],
    labels: npt.NDArray[np.int_],
    families: list[str],
) -> VerdictModel:
    """The combiner, the cues-alone model and both decide-alone thresholds, from n-gram
    scores of families the n-gram model did not see (`unseen`) and each row's cues. The
    n-gram weights of the result are empty: the caller puts its own in."""
    features = np.array([combiner_features(float(p), c) for p, c in zip(unseen, cues, strict=True)])
    # Weighed by family as the n-gram model is: a new campaign is one new family, so each
    # family's unseen scores count alike, not the assembled family's hundreds of rows more.
    weights = family_weights(labels, families)
    combiner = LogisticRegression(C=COMBINER_C, max_iter=5000)
    combiner.fit(features, labels, sample_weight=weights)
    cue_model = LogisticRegression(C=COMBINER_C, max_iter=5000)
    cue_model.fit(features[:, 1:], labels, sample_weight=weights)
    cue_scores = _grouped_cue_scores(features[:, 1:], labels, families)
    return VerdictModel(
        ngram_coef=np.zeros(0, dtype=np.float32),
        ngram_intercept=0.0,
        combiner_coef=combiner.coef_[0].astype(np.float64),
        combiner_intercept=float(combiner.intercept_[0]),
        cue_coef=cue_model.coef_[0].astype(np.float64),
        cue_intercept=float(cue_model.intercept_[0]),
        model_alone=alone_threshold(unseen, labels),
        cues_alone=alone_threshold(cue_scores, labels),
    )


def _grouped_cue_scores(
    features: npt.NDArray[np.float64], labels: npt.NDArray[np.int_], families: list[str]
) -> npt.NDArray[np.float64]:
    """Cues-alone scores of each family from a cue model fitted without it."""
    names = np.array(families)
    scores = np.zeros(len(labels))
    for family in sorted(set(families)):
        held = names == family
        rest = ~held
        weights = family_weights(labels[rest], names[rest].tolist())
        model = LogisticRegression(C=COMBINER_C, max_iter=5000)
        model.fit(features[rest], labels[rest], sample_weight=weights)
        scores[held] = model.predict_proba(features[held])[:, 1]
    return scores


def alone_threshold(scores: npt.NDArray[np.float64], labels: npt.NDArray[np.int_]) -> float:
    """The lowest score at which at most ALONE_FALSE_ALARMS of benign rows are flagged."""
    benign = np.sort(scores[labels == 0])[::-1]
    allowed = int(len(benign) * ALONE_FALSE_ALARMS)
    above = float(benign[allowed]) if allowed < len(benign) else 0.0
    return round(max(ALONE_FLOOR, min(0.999, above + 1e-4)), 4)


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
    width = max(10, *(len(k) for k in counts))
    lines = [f"{'':{width}} {'n':>5} {'precision':>9} {'recall':>7}  fp fn"]
    for key in sorted(counts, key=lambda k: (k != "all", k)):
        c = counts[key]
        predicted, actual = c["tp"] + c["fp"], c["tp"] + c["fn"]
        precision = c["tp"] / predicted if predicted else 1.0
        recall = c["tp"] / actual if actual else 1.0
        n = sum(c.values())
        figures = f"{n:5d} {precision:9.3f} {recall:7.3f} {c['fp']:3d} {c['fn']:2d}"
        lines.append(f"{key:{width}} {figures}")
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
    cue_weights = ", ".join(
        f"{name} {w:+.2f}" for name, w in zip(CUE_FEATURES, model.cue_coef, strict=True)
    )
    print(f"cues alone: {cue_weights}, intercept {model.cue_intercept:+.2f}")
    print(f"decides alone from: text model {model.model_alone}, cues {model.cues_alone}")
    print("held-out figures:")
    print(format_counts(evaluate(model, test_rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
