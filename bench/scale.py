"""How the pHash proposer scales: 100k image hashes, each new one asking the index for its
candidates as ingest does, against the naive all-pairs way (timed on a sample and
extrapolated, since it is quadratic).

    .venv/bin/python -m bench.scale [--images 100000]

Synthetic hashes: campaigns of 100 pictures whose hashes sit a few bits from their base
(as measured on the fixture corpus: median 12 bits), plus unrelated pictures. Here every
proposed pair is joined, to count how many campaigns the hash proposer alone would keep whole;
the product joins nothing on a hash (keypoints verify every proposed pair). The descriptor
proposer and verification are timed by bench.throughput.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from triage.imageindex import ImageIndex
from triage.imagelinks import CANDIDATE_BITS, HASH_CANDIDATES


def synthetic(n: int, seed: int = 7) -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(seed)
    campaigns = n // 200  # half the pictures in campaigns of 100, half unrelated
    hashes, labels = [], []
    for c in range(campaigns):
        base = int(rng.integers(0, 2**63)) | (int(rng.integers(0, 2)) << 63)
        for _ in range(100):
            flips = rng.choice(64, size=int(rng.integers(0, 16)), replace=False)
            hashes.append(base ^ int(sum(1 << int(f) for f in flips)))
            labels.append(c)
    while len(hashes) < n:
        hashes.append(int(rng.integers(0, 2**63)) | (int(rng.integers(0, 2)) << 63))
        labels.append(-len(hashes))
    return hashes, labels


def cluster_with_index(hashes: list[int]) -> tuple[list[int], float]:
    parent = list(range(len(hashes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = ImageIndex(capacity=len(hashes))
    started = time.perf_counter()
    for i, h in enumerate(hashes):
        for sha, _bits in index.near(h, CANDIDATE_BITS, HASH_CANDIDATES):
            parent[find(int(sha))] = find(i)
        index.add(str(i), h, h)
    return [find(i) for i in range(len(hashes))], time.perf_counter() - started


def naive_seconds(hashes: list[int], sample: int = 1500) -> float:
    """All pairs in Python, as a first version would: timed on a sample, scaled by n^2."""
    part = hashes[:sample]
    started = time.perf_counter()
    for i in range(len(part)):
        for j in range(i):
            _ = (part[i] ^ part[j]).bit_count() <= CANDIDATE_BITS
    elapsed = time.perf_counter() - started
    return elapsed * (len(hashes) / sample) ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=100_000)
    args = parser.parse_args()
    hashes, labels = synthetic(args.images)
    roots, seconds = cluster_with_index(hashes)
    groups: dict[int, set[int]] = {}
    for label, root in zip(labels, roots, strict=True):
        if label >= 0:
            groups.setdefault(label, set()).add(root)
    whole = sum(len(r) == 1 for r in groups.values())
    print(f"images: {len(hashes)} ({len(groups)} campaigns of 100, the rest unrelated)")
    print(f"indexed clustering: {seconds:.1f} s ({len(hashes) / seconds:,.0f} images/s)")
    print(f"campaigns whose copies the hash proposer alone chains whole: {whole}/{len(groups)}")
    print(f"naive all-pairs in Python (extrapolated): {naive_seconds(hashes) / 60:.0f} min")


if __name__ == "__main__":
    main()
