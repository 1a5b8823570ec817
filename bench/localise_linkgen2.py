"""Cluster localisation on the second generator's campaigns (fixtures.linkgen2; prints figures).

    .venv/bin/python -m bench.localise_linkgen2 [--seeds 1 2 11 12] [--campaigns 12] [--misses]
        [--unpasted]

Each copy of each base picture is localised against the other copies of the same base
(`localise_in_group`), and its box compared with where the generator put the face (followed
through every edit: `LinkPicture.face_box`); a hit is IoU >= 0.5. Counted overall, per edit,
per base kind and per face size. Beside it, what the campaign evidence would do to the
stored scores: each picture's own score against the score combined with the campaign
evidence, and each campaign's `max_manipulation` (its highest stored score) before and after.

`--unpasted` also localises each base picture, sent once without a face
(`make_linkgen2_unpasted`), against its group's copies: every box drawn there is wrong.

Tuning seeds (fixtures.linkgen2.TUNE_SEEDS) may be studied (`--misses` prints their misses);
held-out seeds are only measured: their misses are never printed.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.boxes import IOU_HIT, iou, print_rates
from fixtures.linkgen2 import (
    HELD_OUT_SEEDS,
    TUNE_SEEDS,
    LinkPicture,
    make_linkgen2,
    make_linkgen2_unpasted,
)
from triage.imagedecode import ImageRefused, decode_image
from triage.manipulation import localise_in_group, score_image
from triage.manipulation.campaign import campaign_evidence, combine

CAMPAIGNS = 12  # per seed: about 150 copies, as bench.linkgen2's smaller size
FLAGGED = 0.5  # a stored score this high reads as "manipulated" (routing's manipulation weight)


@dataclass
class Tally:
    """Hits per label, and the scores before and after the campaign evidence."""

    per: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    own: list[float] = field(default_factory=list)  # each copy's own score
    stored: list[float] = field(default_factory=list)  # ... combined with campaign evidence
    campaign_max: list[tuple[float, float]] = field(default_factory=list)  # before, after
    lost: int = 0  # copies whose face was cropped away: nothing to find
    unpasted: list[int] = field(default_factory=lambda: [0, 0])  # base pictures boxed, sent
    cpu: float = 0.0  # seconds localising
    localised: int = 0


def size_label(picture: LinkPicture, width: int, height: int) -> str:
    """The face's share of the picture, in three bins (the generator pastes 12-35% of a side)."""
    assert picture.face_box is not None
    x0, y0, x1, y1 = picture.face_box
    share = (x1 - x0) * (y1 - y0) / max(1, width * height)
    return "face:<3%" if share < 0.03 else "face:3-8%" if share < 0.08 else "face:>=8%"


def labels(picture: LinkPicture, width: int, height: int) -> list[str]:
    edits = sorted(set(picture.edits)) or ["plain"]
    return [*edits, f"kind:{picture.kind}", size_label(picture, width, height), "all"]


def measure(seed: int, campaigns: int, tally: Tally, misses: bool = False,
            unpasted: bool = False) -> None:  # fmt: skip
    """Localise every copy of `seed`'s set against its base's other copies into `tally`."""
    groups: dict[str, list[LinkPicture]] = defaultdict(list)
    for picture in make_linkgen2(seed, campaigns):
        if picture.group is not None:
            groups[picture.group].append(picture)
    if unpasted:
        measure_unpasted(seed, campaigns, groups, tally, misses)
    per_campaign: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for name in sorted(groups):
        members = sorted(groups[name], key=lambda p: p.name)
        for i, member in enumerate(members):
            others = [o.data for j, o in enumerate(members) if j != i]
            started = time.process_time()
            found = localise_in_group(member.data, others)
            tally.cpu += time.process_time() - started
            tally.localised += 1
            decoded = decode_image(member.data)
            own = _own_score(member.data)
            evidence = campaign_evidence(found, decoded.width, decoded.height)
            stored = combine(own, evidence.probability)
            tally.own.append(own)
            tally.stored.append(stored)
            assert member.campaign is not None
            per_campaign[member.campaign].append((own, stored))
            if member.face_box is None:
                tally.lost += 1
                continue
            overlap = iou(found.box, member.face_box) if found.box else 0.0
            hit = overlap >= IOU_HIT
            for label in labels(member, decoded.width, decoded.height):
                tally.per[label][0] += int(hit)
                tally.per[label][1] += 1
            if misses and not hit and seed in TUNE_SEEDS:
                print(f"  miss {member.name} {member.kind} {'+'.join(member.edits) or 'plain'} "
                      f"{decoded.width}x{decoded.height}: IoU {overlap:.2f} found {found.box} "
                      f"true {member.face_box} siblings {found.siblings_used}/{len(others)} "
                      f"conf {found.confidence:.2f}: {found.reason}")  # fmt: skip
    for scores in per_campaign.values():
        tally.campaign_max.append((max(s[0] for s in scores), max(s[1] for s in scores)))


def measure_unpasted(seed: int, campaigns: int, groups: dict[str, list[LinkPicture]],
                     tally: Tally, misses: bool = False) -> None:  # fmt: skip
    """Localise each base picture, sent without a face, against its group's copies."""
    for base in make_linkgen2_unpasted(seed, campaigns):
        copies = sorted(groups[str(base.group)], key=lambda p: p.name)
        found = localise_in_group(base.data, [c.data for c in copies])
        tally.unpasted[0] += found.box is not None
        tally.unpasted[1] += 1
        if misses and found.box is not None and seed in TUNE_SEEDS:
            print(
                f"  box on {base.name} {base.kind} {'+'.join(base.edits) or 'plain'}: "
                f"{found.box} siblings {found.siblings_used}/{len(copies)}: {found.reason}"
            )


def _own_score(data: bytes) -> float:
    try:
        return score_image(data).score
    except ImageRefused:  # too small to score alone: stored as no score (0 when combined)
        return 0.0


def print_tally(title: str, tally: Tally) -> None:
    hits, total = tally.per.get("all", (0, 0))
    print(f"\n{title}: {hits}/{total} = {hits / max(1, total):.1%} with IoU >= {IOU_HIT} "
          f"({tally.lost} copies with the face cropped away not counted; localisation "
          f"{1000 * tally.cpu / max(1, tally.localised):.0f} ms CPU per picture)")  # fmt: skip
    print_rates(tally.per, width=16)
    if tally.unpasted[1]:
        print(f"  base pictures sent without a face: a box drawn on {tally.unpasted[0]} of "
              f"{tally.unpasted[1]} (any box is wrong)")  # fmt: skip
    n = max(1, len(tally.own))
    own_flagged = sum(s >= FLAGGED for s in tally.own)
    stored_flagged = sum(s >= FLAGGED for s in tally.stored)
    print(f"  stored score >= {FLAGGED}: own score {own_flagged}/{len(tally.own)}, with the "
          f"campaign evidence {stored_flagged}/{len(tally.stored)}; mean "
          f"{sum(tally.own) / n:.3f} -> {sum(tally.stored) / n:.3f}")  # fmt: skip
    before = [b for b, _ in tally.campaign_max]
    after = [a for _, a in tally.campaign_max]
    m = max(1, len(before))
    print(f"  campaigns' max_manipulation >= {FLAGGED}: {sum(b >= FLAGGED for b in before)}/"
          f"{len(before)} -> {sum(a >= FLAGGED for a in after)}/{len(after)}; mean "
          f"{sum(before) / m:.3f} -> {sum(after) / m:.3f}")  # fmt: skip


def report(seeds: tuple[int, ...] = (*TUNE_SEEDS, *HELD_OUT_SEEDS), campaigns: int = CAMPAIGNS,
           misses: bool = False, unpasted: bool = False) -> None:  # fmt: skip
    """Per seed, then the tuning and the held-out seeds together."""
    parts = {"tuning": Tally(), "held out": Tally()}
    for seed in seeds:
        split = "tuning" if seed in TUNE_SEEDS else "held out" if seed in HELD_OUT_SEEDS else None
        tally = Tally()
        measure(seed, campaigns, tally, misses, unpasted)
        hits, total = tally.per["all"]
        boxed = f"; boxes on {tally.unpasted[0]}/{tally.unpasted[1]} bases" if unpasted else ""
        print(f"\nlinkgen2 seed {seed} ({split or 'unused'}): {hits}/{total} = "
              f"{hits / max(1, total):.1%}{boxed}")  # fmt: skip
        if split is not None:
            _merge(parts[split], tally)
    for split, tally in parts.items():
        if tally.localised:
            print_tally(f"cluster localisation, second generator's campaigns, {split} seeds "
                        f"({'REPORT ONLY, never studied' if split == 'held out' else 'studied'})",
                        tally)  # fmt: skip


def _merge(into: Tally, tally: Tally) -> None:
    for label, (hit, n) in tally.per.items():
        into.per[label][0] += hit
        into.per[label][1] += n
    into.own += tally.own
    into.stored += tally.stored
    into.campaign_max += tally.campaign_max
    into.lost += tally.lost
    into.unpasted = [a + b for a, b in zip(into.unpasted, tally.unpasted, strict=True)]
    into.cpu += tally.cpu
    into.localised += tally.localised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[*TUNE_SEEDS, *HELD_OUT_SEEDS])
    parser.add_argument("--campaigns", type=int, default=CAMPAIGNS)
    parser.add_argument("--misses", action="store_true", help="print tuning seeds' misses")
    parser.add_argument(
        "--unpasted",
        action="store_true",
        help="also count boxes on each base picture sent without a face",
    )
    args = parser.parse_args()
    report(tuple(args.seeds), args.campaigns, args.misses, args.unpasted)


if __name__ == "__main__":
    main()
