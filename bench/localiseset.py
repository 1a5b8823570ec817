"""Cluster localisation on generated campaigns with the hard edits and pastes (prints figures).

    .venv/bin/python -m bench.localiseset [--campaigns N] [--part tune|dev|held-out]
        [--misses] [--unpasted] [--small SHARE]

Each member of each group of fixtures/localiseset.py is localised against the
group's other members; a hit is a box with IoU >= 0.5 with the true pasted
region. The tuning part (scene and night bases; hard, feathered and Poisson
pastes) is what the localiser's thresholds were chosen on, with the fixture
corpus; the development part (haze and dim bases; RGB-statistics and histogram
colour matches) is where faint and colour-matched faces were studied; the held-out
part (dark and fog bases; rectangle, Lab colour-transfer and mixed-gradient Poisson
pastes) never was. `--unpasted` also counts boxes drawn on groups of copies of one
base with the same edits and no face, where any box is wrong. `--small SHARE` sends
that share of members small (a thumbnail of 150-400 px re-encoded at quality 30-60;
the other members' bytes are unchanged) and prints small and full-size members apart.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from bench.boxes import IOU_HIT, iou, print_rates
from fixtures.localiseset import DEV, HELD_OUT, TUNE, Member, Part, localise_groups
from triage.manipulation import localise_in_group

__all__ = ["CAMPAIGNS", "DEV", "HELD_OUT", "SMALL_SHARE", "TUNE", "report", "report_unpasted"]

SEED = "bench"
CAMPAIGNS = 16  # groups of 7 per part: 112 pictures, about a minute and a half each
SMALL_SHARE = 0.3  # of members sent small when small copies are measured: two in a group of 7


def _labels(member: Member) -> list[str]:
    edits = sorted({e.split(":")[0] for e in member.edits}) or ["plain"]
    named = [e for e in member.edits if not e.startswith("small:")]  # one label per side: too many
    size = "size:small" if "small" in edits else "size:full"
    return [*edits, *named, size, f"paste:{member.paste}", f"kind:{member.kind}", "all"]


def report(part: Part, campaigns: int, misses: bool = False, small: float = 0.0) -> float:
    """Print the part's hit rate overall and per edit, paste method and base kind; return it."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lost, started, total = 0, time.monotonic(), 0
    groups = localise_groups(SEED, part, campaigns=campaigns, small=small)
    for g, members in enumerate(groups):
        for i, member in enumerate(members):
            if member.box is None:  # the crop cut the face away: nothing to find
                lost += 1
                continue
            others = [o.data for j, o in enumerate(members) if j != i]
            found = localise_in_group(member.data, others)
            overlap = iou(found.box, member.box) if found.box else 0.0
            hit = overlap >= IOU_HIT
            for label in set(_labels(member)):
                per[label][0] += int(hit)
                per[label][1] += 1
            total += 1
            if misses and not hit:
                print(f"  miss g{g:02d} m{i} {member.kind} {member.paste} "
                      f"{'+'.join(member.edits) or 'plain'}: IoU {overlap:.2f} found {found.box} "
                      f"true {member.box} siblings {found.siblings_used}: "
                      f"{found.reason}")  # fmt: skip
    elapsed = time.monotonic() - started
    sent = f", {small:.0%} of members sent small" if small else ""
    print(f"\ncluster localisation, generated campaigns, {part.name} part{sent} (kinds "
          f"{'/'.join(part.kinds)}, pastes {'/'.join(part.pastes)}; {total} pictures, {lost} "
          f"with the face cropped away not counted, {elapsed / max(1, total):.2f} s per "
          "picture):")  # fmt: skip
    print_rates(per)
    all_hit, all_n = per["all"]
    return all_hit / max(1, all_n)


def report_unpasted(part: Part, campaigns: int) -> int:
    """Print and return how many unpasted copies got a box (each against its group's others)."""
    boxed, total = 0, 0
    for members in localise_groups(SEED, part, campaigns=campaigns, pasted=False):
        for i, member in enumerate(members):
            others = [o.data for j, o in enumerate(members) if j != i]
            boxed += localise_in_group(member.data, others).box is not None
            total += 1
    print(f"\nunpasted copies, {part.name} part's bases and edits: a box drawn on {boxed} of "
          f"{total} (any box is wrong)")  # fmt: skip
    return boxed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=CAMPAIGNS, help="groups per part")
    parser.add_argument("--part", choices=("tune", "dev", "held-out", "all"), default="all")
    parser.add_argument("--misses", action="store_true", help="print each miss")
    parser.add_argument("--unpasted", action="store_true", help="also count boxes on copies")
    parser.add_argument("--small", type=float, default=0.0, help="share of members sent small")
    args = parser.parse_args()
    for part in (TUNE, DEV, HELD_OUT):
        if args.part in (part.name, "all"):
            report(part, args.campaigns, args.misses, args.small)
            if args.unpasted:
                report_unpasted(part, args.campaigns)


if __name__ == "__main__":
    main()
