"""`triage score`: manipulation scores of image files given on the command line (reads and
writes files; no store)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from triage.imagedecode import ImageRefused
from triage.manipulation import ModelUnavailable, render_heatmap, score_image


def score_files(paths: list[Path], *, heatmap_dir: Path | None = None) -> list[dict[str, Any]]:
    """One result per path, in order: {"path", "score", "signals", ...} or {"path", "error"}."""
    return [_score_file(p, heatmap_dir) for p in paths]


def _score_file(path: Path, heatmap_dir: Path | None) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as e:
        return {"path": str(path), "error": f"cannot read: {e.strerror}"}
    try:
        result = score_image(data)
    except (ImageRefused, ModelUnavailable) as e:
        return {"path": str(path), "error": str(e)}
    out: dict[str, Any] = {
        "path": str(path),
        "score": result.score,
        "signals": result.signals,
        "region": list(result.region) if result.region else None,
        "reasons": list(result.reasons),
    }
    if heatmap_dir is not None:
        heatmap_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = heatmap_dir / f"{path.name}.heatmap.png"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(render_heatmap(data, result))
        out["heatmap"] = str(target)
    return out
