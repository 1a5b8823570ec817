"""Measure a picture score on the shared pastes-dev set (reads files; MEASURING ONLY).

The set's own README forbids training on it or choosing a threshold, weight or rule
by it; this module only prints figures and is never imported by training code.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

PASTES_DEV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "pastes-dev"


def _default_dir() -> Path:
    for candidate in (PASTES_DEV, Path("/work/shared/corpora/pastes-dev")):
        if (candidate / "labels.json").exists():
            return candidate
    return PASTES_DEV


def tpr_at(y: np.ndarray, s: np.ndarray, fpr: float = 0.05) -> float:
    false_pos, true_pos, _ = roc_curve(y, s)
    return float(true_pos[false_pos <= fpr].max())


def report(score: Callable[[bytes], float], root: Path | None = None) -> float | None:
    """Print AUC, TPR at 5% FPR, per-method recall and per-kind distributions; AUC or None."""
    root = root or _default_dir()
    labels_file = root / "labels.json"
    if not labels_file.exists():
        print(f"\npastes-dev: not found at {root}; skipped")
        return None
    records = json.loads(labels_file.read_text())["images"]
    y, s = [], []
    for record in records:
        try:
            value = score((root / "images" / record["file"]).read_bytes())
        except Exception as e:
            print(f"  {record['file']}: not scored ({e})")
            value = 0.0
        y.append(int(record["manipulated"]))
        s.append(value)
    ya, sa = np.array(y), np.array(s)
    auc = float(roc_auc_score(ya, sa))
    cut = float(np.quantile(sa[ya == 0], 0.95))
    print(f"\npastes-dev ({len(records)} pictures, MEASURED ONLY, never trained or tuned on): "
          f"ROC AUC {auc:.3f}, TPR at 5% FPR {tpr_at(ya, sa):.3f}")  # fmt: skip
    methods: dict[str, list[float]] = defaultdict(list)
    kinds: dict[tuple[str, bool], list[float]] = defaultdict(list)
    for record, value in zip(records, s, strict=True):
        if record["manipulated"]:
            methods[record["method"]].append(value)
        kinds[(record["base_kind"], bool(record["manipulated"]))].append(value)
    print(f"  pasted, flagged above the pristine 95th percentile ({cut:.3f}), per method:")
    for method, values in sorted(methods.items()):
        flagged = sum(v > cut for v in values)
        print(f"    {method:<18}{flagged:>3}/{len(values):<3} median {np.median(values):.3f}")
    print("  score per base kind: pristine median / p90 / max / at 1.00 | pasted median")
    for kind in sorted({k for k, _ in kinds}):
        clean, pasted = np.array(kinds[(kind, False)]), np.array(kinds[(kind, True)])
        print(f"    {kind:<14} n={len(clean):<3} {np.median(clean):.3f} / "
              f"{np.quantile(clean, 0.9):.3f} / {clean.max():.3f} / "
              f"{int((clean >= 0.995).sum())}  | {np.median(pasted):.3f}")  # fmt: skip
    return auc
