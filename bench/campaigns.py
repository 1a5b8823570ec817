"""Campaign clustering against the fixture corpus's ground truth: pairwise precision, recall
and F1 over extortion messages, and benign messages sharing a cluster with extortion ones.

    .venv/bin/python -m bench.campaigns [--corpus fixtures/corpus]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

from bench.boxes import IOU_HIT, iou


def ingest(corpus: Path, db: Path) -> float:
    triage = Path(sys.executable).parent / "triage"
    started = time.monotonic()
    subprocess.run(
        [
            str(triage),
            "--config",
            str(corpus / "demo.toml"),
            "--db",
            str(db),
            "ingest",
            str(corpus),
        ],
        check=True,
    )
    return time.monotonic() - started


def clusters_by_sha(db: Path) -> dict[str, str]:
    with closing(sqlite3.connect(db)) as conn:
        return dict(conn.execute("SELECT sha256, cluster_id FROM messages"))


def localise(corpus: Path, db: Path) -> float:
    triage = Path(sys.executable).parent / "triage"
    started = time.monotonic()
    subprocess.run(
        [str(triage), "--config", str(corpus / "demo.toml"), "--db", str(db), "localise"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.monotonic() - started


def flagged_by_sha(corpus: Path, db: Path) -> dict[str, bool]:
    """Each message flagged as its cluster is, through the CLI as investigators see it."""
    triage = Path(sys.executable).parent / "triage"
    out = subprocess.run(
        [str(triage), "--config", str(corpus / "demo.toml"), "--db", str(db), "clusters",
         "--all", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return {m["sha256"]: c["extortion"] for c in json.loads(out) for m in c["messages"]}


def verdict_table(messages: list[dict], flagged: dict[str, bool]) -> list[str]:
    rows = [f"{'':12} {'n':>4} {'precision':>9} {'recall':>7} {'fp':>3} {'fn':>3}"]
    groups: dict[str, list[dict]] = {"all": messages}
    for m in messages:
        groups.setdefault(m["language"], []).append(m)
    for name, group in groups.items():
        tp = sum(1 for m in group if m["extortion"] and flagged.get(m["sha256"]))
        fp = sum(1 for m in group if not m["extortion"] and flagged.get(m["sha256"]))
        fn = sum(1 for m in group if m["extortion"] and not flagged.get(m["sha256"]))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        rows.append(f"{name:12} {len(group):>4} {precision:>9.3f} {recall:>7.3f} {fp:>3} {fn:>3}")
    return rows


def localisation_hits(truth: dict, db: Path) -> tuple[int, int, int]:
    """(members whose stored box overlaps the true paste with IoU >= 0.5, localised, total)."""
    boxes: dict[str, list[int]] = {}
    with closing(sqlite3.connect(db)) as conn:
        for sha, box in conn.execute("SELECT image_sha256, box FROM localisations"):
            if box:
                boxes[sha] = json.loads(box)
    hits = localised = total = 0
    for m in truth["messages"]:
        for image in m["images"]:
            if not m["extortion"] or not image.get("paste_box"):
                continue
            total += 1
            found = boxes.get(image["sha256"])
            if found is not None:
                localised += 1
                hits += iou(found, image["paste_box"]) >= IOU_HIT
    return hits, localised, total


def pairwise(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float, float]:
    same_truth = {frozenset(p) for p in _pairs(truth)}
    same_found = {frozenset(p) for p in _pairs(found)}
    tp = len(same_truth & same_found)
    precision = tp / len(same_found) if same_found else 1.0
    recall = tp / len(same_truth) if same_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pairs(labels: dict[str, str]) -> list[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for item, label in labels.items():
        groups.setdefault(label, []).append(item)
    return [p for members in groups.values() for p in itertools.combinations(sorted(members), 2)]


def oracle(messages: list[dict]) -> dict[str, str]:
    """The partition hard evidence alone gives: extortion messages joined wherever they share
    a wallet or a base picture (truth's own labels, so a perfect linker of pictures and
    wallets and nothing else)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in messages:
        if not m["extortion"]:
            continue
        keys = [f"wallet:{w}" for w in m["wallets"]]
        keys += [f"base:{i['base']}" for i in m["images"] if i.get("base")]
        for key in keys:
            parent[find(m["sha256"])] = find(key)
        find(m["sha256"])
    return {m["sha256"]: find(m["sha256"]) for m in messages if m["extortion"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("fixtures/corpus"))
    parser.add_argument("--no-localise", action="store_true", help="skip the localisation pass")
    args = parser.parse_args()
    truth = json.loads((args.corpus / "truth.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        seconds = ingest(args.corpus, db)
        found = clusters_by_sha(db)
        flagged = flagged_by_sha(args.corpus, db)
        if args.no_localise:
            localise_seconds, (hits, localised, pasted) = 0.0, (0, 0, 0)
        else:
            localise_seconds = localise(args.corpus, db)
            hits, localised, pasted = localisation_hits(truth, db)
    messages = truth["messages"]
    extortion = {m["sha256"]: m["campaign"] for m in messages if m["extortion"]}
    benign = {m["sha256"] for m in messages if not m["extortion"]}
    missing = [s for s in extortion if s not in found]
    p, r, f1 = pairwise(extortion, {s: found[s] for s in extortion if s in found})
    extortion_clusters = {found[s] for s in extortion if s in found}
    mixed = sorted(s for s in benign if found.get(s) in extortion_clusters)
    sizes = Counter(found[s] for s in extortion if s in found)
    print(f"corpus: {args.corpus} ({len(messages)} messages, {len(extortion)} extortion, "
          f"{len(set(extortion.values()))} campaigns)")  # fmt: skip
    print(f"ingest: {seconds:.1f} s")
    scores = f"precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}"
    print(f"campaign clustering over extortion messages: {scores}")
    op, orr, of1 = pairwise(extortion, oracle(messages))
    print(f"  hard evidence alone (shared wallet or base picture, from truth): precision "
          f"{op:.3f}  recall {orr:.3f}  F1 {of1:.3f}")  # fmt: skip
    mixing = sum(
        1
        for c in extortion_clusters
        if len({extortion[s] for s in extortion if found.get(s) == c}) > 1
    )
    print(f"  clusters mixing campaigns: {mixing}")
    size_list = sorted(sizes.values(), reverse=True)
    print(f"extortion clusters: {len(extortion_clusters)} (sizes {size_list})")
    print(f"benign messages in an extortion cluster: {len(mixed)}")
    if missing:
        print(f"extortion messages not stored: {len(missing)}")
    share = hits / pasted if pasted else 0.0
    if pasted:
        print(
            f"pasted box found in the cluster (IoU >= 0.5): {hits}/{pasted} campaign pictures "
            f"({share:.1%}); {localised} localised in {localise_seconds:.0f} s"
        )
    print("message verdicts through their cluster (what `triage clusters` flags), all messages:")
    print("\n".join(verdict_table(messages, flagged)))


if __name__ == "__main__":
    main()
