"""What the localisation benches share: the overlap of two boxes and a table of hit rates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from triage.manipulation.localise import iou as iou  # the localiser's own, for the benches

IOU_HIT = 0.5  # a found box this close to the true paste counts as found


def print_rates(per: Mapping[str, Sequence[int]], width: int = 22) -> None:
    """One line per label, "all" first, then by name: hits/count = rate."""
    for label, (hit, n) in sorted(per.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        print(f"  {label:<{width}}{hit:>4}/{n:<4} = {hit / n:.1%}")
