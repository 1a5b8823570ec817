"""Linking campaign pictures, as the product links them, on labelled picture sets: every
picture arrives as its own message, is proposed candidates by triage.imagelinks and joined
only where triage.keypoints verifies. Prints pairwise precision, recall and F1 of the
resulting clusters, false pairs by kind, and the verifications a picture cost.

    .venv/bin/python -m bench.linking [--dev PATH]

It measures proposal and verification of pairs; the product's rule that a cluster of five or
more messages needs two verified pictures before it takes a new member is not simulated here
(bench.campaigns measures it through the product).

Sets: our generator's tuning split (the thresholds were chosen there), its held-out split
(base kinds and edits tuning never saw), and, when present, an independently generated
development set (measure only: nothing is tuned on it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fixtures.linkset import (
    HELD_OUT_EDITS,
    HELD_OUT_KINDS,
    TUNE_EDITS,
    TUNE_KINDS,
    make_linkset,
)
from triage.fingerprint import fingerprint_decoded
from triage.imagedecode import ImageRefused, decode_image
from triage.imagelinks import CandidateIndex
from triage.keypoints import LinkKeys, link_keys_of_image, verify

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "linking-dev"


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    data: bytes
    group: str | None
    kind: str  # what a false pair involving it is counted as


def link(items: list[Item]) -> tuple[dict[str, int], int, float, list[tuple[int, int, bool]]]:
    """Cluster label per item, verifications done, seconds, and the pairs verified as one
    base (item positions, and whether the verification was strong)."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = CandidateIndex()
    keys: dict[str, LinkKeys] = {}
    position: dict[str, int] = {}
    checks = 0
    verified: list[tuple[int, int, bool]] = []
    started = time.monotonic()
    for i, item in enumerate(items):
        try:
            decoded = decode_image(item.data, max_side=512)
        except ImageRefused:
            continue
        fingerprint = fingerprint_decoded(decoded)
        mine = link_keys_of_image(decoded.image)
        sha = f"{i:06d}"
        for other in index.propose(int(fingerprint.phash, 16), mine):
            j = position[other]
            if find(i) == find(j):
                continue
            checks += 1
            first, second = sorted(((sha, mine), (other, keys[other])), key=lambda p: p[0])
            check = verify(first[1], second[1])
            if check.same_base:
                verified.append((i, j, check.strong))
                parent[find(i)] = find(j)
        index.add(sha, int(fingerprint.phash, 16), int(fingerprint.phash_mirror, 16), mine)
        keys[sha], position[sha] = mine, i
    clusters = {items[i].name: find(i) for i in range(len(items))}
    return clusters, checks, time.monotonic() - started, verified


def report(title: str, items: list[Item]) -> dict[str, object]:
    clusters, checks, seconds, verified = link(items)
    tp = fp = fn = 0
    false_kinds: Counter[str] = Counter()
    for a, b in itertools.combinations(items, 2):
        same = _same(a, b)
        linked = clusters[a.name] == clusters[b.name]
        if same and linked:
            tp += 1
        elif same:
            fn += 1
        elif linked:
            fp += 1
            false_kinds["+".join(sorted({a.kind, b.kind}))] += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    groups = {i.group for i in items if i.group}
    mixed = sum(
        1
        for c in set(clusters.values())
        if len({i.group for i in items if clusters[i.name] == c and i.group}) > 1
    )
    print(
        f"{title:44} pictures {len(items):4}  precision {precision:.3f}  recall {recall:.3f}  "
        f"F1 {f1:.3f}  false pairs {fp:4}  clusters mixing campaigns {mixed}/{len(groups)}  "
        f"checks/picture {checks / max(1, len(items)):.1f}  "
        f"{1000 * seconds / len(items):.0f} ms/picture"
    )
    if false_kinds:
        print(f"{'':44} false pairs by kind: {dict(false_kinds.most_common())}")
    # A strong verification joins a big cluster alone (link.CORROBORATED_SIZE): how often
    # verified pairs are strong, and whether any different-base pair is.
    same = [strong for i, j, strong in verified if _same(items[i], items[j])]
    other = [strong for i, j, strong in verified if not _same(items[i], items[j])]
    print(f"{'':44} verified pairs strong: same base {sum(same)}/{len(same)}, "
          f"different {sum(other)}/{len(other)}")  # fmt: skip
    return {"precision": precision, "recall": recall, "f1": f1, "false_pairs": fp}


def _same(a: Item, b: Item) -> bool:
    return a.group is not None and a.group == b.group


def generated(seed: int, kinds: tuple[str, ...], edits: tuple[str, ...]) -> list[Item]:
    return [
        Item(name=p.name, data=p.data, group=p.group, kind=p.distractor or "campaign")
        for p in make_linkset(seed, kinds=kinds, edits=edits)
    ]


def dev_set(root: Path) -> list[Item]:
    labels = json.loads((root / "labels.json").read_text())
    return [
        Item(
            name=r["file"],
            data=(root / "images" / r["file"]).read_bytes(),
            group=r["group"],
            kind=r["distractor_kind"] or "campaign",
        )
        for r in sorted(labels["images"], key=lambda r: r["file"])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    args = parser.parse_args()
    print("linking pictures (each picture its own message; pHash + descriptors propose, "
          "keypoints + dense agreement verify)")  # fmt: skip
    report(
        f"ours, tuning split (seed 1: {'+'.join(TUNE_KINDS)})", generated(1, TUNE_KINDS, TUNE_EDITS)
    )
    report("ours, tuning kinds, new seed 2", generated(2, TUNE_KINDS, TUNE_EDITS))
    report(f"ours, held out ({'+'.join(HELD_OUT_KINDS)}; {'+'.join(HELD_OUT_EDITS)})",
           generated(3, HELD_OUT_KINDS, HELD_OUT_EDITS))  # fmt: skip
    if (args.dev / "labels.json").exists():
        report("independent generator (linking-dev, measure only)", dev_set(args.dev))
    else:
        print(f"(no independent set at {args.dev})")


if __name__ == "__main__":
    main()
