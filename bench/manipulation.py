"""Manipulation scoring and cluster localisation, measured (prints the figures issue 6 asks for).

    .venv/bin/python -m bench.manipulation [--samples N] [--skip-localise]

Held-out generated set "heldout" (never used in training): ROC AUC and true
positive rate at 5% false positives per condition, per-signal AUCs, Brier score
and a reliability table; median time per 2-megapixel JPEG on one thread; and the
share of the fixture corpus's campaign pictures whose pasted box the cluster
localisation finds (IoU >= 0.5).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve
from threadpoolctl import threadpool_limits

from bench.corpus_images import extortion_images
from fixtures.pictures import PastePlan, encode, make_scene, paste_face
from training.manipulation.dataset import Row, build_rows
from triage.manipulation import localise_in_group, score_image
from triage.manipulation.model import load_model, picture_features, picture_probability
from triage.manipulation.signals import MODEL_SIGNALS

HELDOUT = "heldout"
IOU_HIT = 0.5


def tpr_at(y: np.ndarray, s: np.ndarray, fpr: float = 0.05) -> float:
    false_pos, true_pos, _ = roc_curve(y, s)
    return float(true_pos[false_pos <= fpr].max())


def scores_of(rows: list[Row]) -> tuple[np.ndarray, list[dict[str, float]], np.ndarray]:
    """Score, named signals and block-model peak of every row."""
    model = load_model()
    scores, signals, peaks = [], [], []
    for row in rows:
        probs, named, features = picture_features(row.maps, model)
        scores.append(picture_probability(features, model))
        signals.append(named)
        peaks.append(float(probs.max()))
    return np.array(scores), signals, np.array(peaks)


def report_scores(rows: list[Row]) -> None:
    y = np.array([r.label for r in rows])
    s, signals, peak = scores_of(rows)
    cond = np.array([r.condition for r in rows])
    print(f"\nheld-out set {HELDOUT!r}: {len(rows)} pictures, half pasted")
    print(f"{'condition':<24}{'n':>5}{'AUC':>8}{'TPR@5%FPR':>11}")
    for name in (*sorted(set(cond)), "all"):
        k = np.ones(len(y), bool) if name == "all" else cond == name
        print(f"{name:<24}{k.sum():>5}{roc_auc_score(y[k], s[k]):>8.3f}{tpr_at(y[k], s[k]):>11.3f}")
    print("\nper-signal AUC (each signal alone; 0.5 = no information)")
    print(f"{'signal':<14}" + "".join(f"{c[:22]:>24}" for c in (*sorted(set(cond)), "all")))
    for signal in MODEL_SIGNALS:
        values = np.array([named[signal] for named in signals])
        cells = []
        for name in (*sorted(set(cond)), "all"):
            k = np.ones(len(y), bool) if name == "all" else cond == name
            cells.append(f"{roc_auc_score(y[k], values[k]):>24.3f}")
        print(f"{signal:<14}" + "".join(cells))
    print(f"{'block peak':<14}{'':>72}{roc_auc_score(y, peak):>24.3f}")
    print(f"\nBrier score {brier_score_loss(y, s):.4f} (0.25 = coin toss)")
    print(f"{'score bin':<12}{'n':>6}{'mean score':>12}{'pasted share':>14}")
    for lo in np.arange(0.0, 1.0, 0.1):
        k = (s >= lo) & (s < lo + 0.1 if lo < 0.9 else s <= 1.0)
        if k.any():
            print(f"{lo:.1f}-{lo + 0.1:.1f}{k.sum():>10}{s[k].mean():>12.3f}{y[k].mean():>14.3f}")


def two_megapixel_jpegs(count: int) -> list[bytes]:
    """1632x1224 scenes, half with a pasted face, saved once at quality 85."""
    out = []
    for i in range(count):
        image = make_scene(f"mtrain-bench2mp-{i}", (1632, 1224))
        if i % 2:
            plan = PastePlan(base="-", face=f"mtrain-bench2mp-face-{i}", center=(800, 600),
                             face_width=360, mask="hard", colour_match=False, quality=85,
                             post_scale=None, transforms=(), seed=f"bench2mp-{i}")  # fmt: skip
            image, _ = paste_face(image, plan)
        out.append(encode(image, 85))
    return out


def report_timing() -> None:
    pictures = two_megapixel_jpegs(20)
    score_image(pictures[0])  # load the model and warm caches outside the timing
    times = []
    with threadpool_limits(limits=1):
        for data in pictures:
            started = time.perf_counter()
            score_image(data)
            times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    print(f"\ntime per 2-megapixel JPEG (1632x1224, one thread): median {median:.0f} ms, "
          f"max {max(times):.0f} ms over {len(times)}")  # fmt: skip


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def report_localisation() -> None:
    images, missed = extortion_images()
    groups = defaultdict(list)
    for image in images:
        groups[image.group].append(image)
    hits, total, started = 0, 0, time.monotonic()
    misses = []
    for name, members in sorted(groups.items()):
        for i, member in enumerate(members):
            others = [o.data for j, o in enumerate(members) if j != i]
            found = localise_in_group(member.data, others)
            overlap = iou(found.box, member.paste_box) if found.box else 0.0
            total += 1
            if overlap >= IOU_HIT:
                hits += 1
            else:
                misses.append(
                    f"  miss {name} {'+'.join(member.transforms) or 'plain'}: IoU {overlap:.2f}"
                )
    elapsed = time.monotonic() - started
    print(f"\ncluster localisation on the fixture corpus: {hits}/{total} = {hits / total:.1%} "
          f"with IoU >= {IOU_HIT} ({len(groups)} campaign+base groups, {missed} pictures not found "
          f"in the messages, {elapsed / total:.2f} s per picture)")  # fmt: skip
    print("\n".join(misses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=600)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--skip-localise", action="store_true")
    args = parser.parse_args()
    report_scores(build_rows(HELDOUT, args.samples, jobs=args.jobs))
    report_timing()
    if not args.skip_localise:
        report_localisation()


if __name__ == "__main__":
    main()
