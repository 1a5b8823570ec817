"""What the localisation benches share: the overlap of two boxes and a table of hit rates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

IOU_HIT = 0.5  # a found box this close to the true paste counts as found


def iou(a: Sequence[int], b: Sequence[int]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def print_rates(per: Mapping[str, Sequence[int]], width: int = 22) -> None:
    """One line per label, "all" first, then by name: hits/count = rate."""
    for label, (hit, n) in sorted(per.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        print(f"  {label:<{width}}{hit:>4}/{n:<4} = {hit / n:.1%}")
