"""An in-memory index of keypoint descriptors answering "which stored pictures share many
local features with this one" (pure; numpy).

A global hash moves when a campaign crops, borders, captions or mirrors its picture; the
local features of the part that is left do not. Each stored picture's strongest ORB
descriptors are hashed by bit sampling (locality-sensitive hashing for Hamming space:
several tables, each keyed by a fixed sample of the 256 bits) and a query counts, per stored
picture, how many of its own descriptors landed in a shared bucket. The best-voted pictures
are only candidates: keypoints.verify decides.

Buckets holding descriptors of very many pictures say nothing (plain corners, text) and are
skipped, so a query costs about the same as the store grows.
"""

from __future__ import annotations

import numpy as np

TABLES = 4
KEY_BITS = 24
PER_PICTURE = 300  # strongest descriptors kept per stored picture
CROWDED = 256  # a bucket with more entries than this is skipped
MIN_VOTES = 4
_SAMPLES = np.random.default_rng(20261129).permuted(np.tile(np.arange(256), (TABLES, 1)), axis=1)
_WEIGHTS = (1 << np.arange(KEY_BITS, dtype=np.uint64)).astype(np.uint64)


def bucket_keys(descriptors: np.ndarray) -> np.ndarray:
    """(TABLES, n) uint32 keys of (n, 32) uint8 descriptors; table t's keys start at t << 24."""
    if len(descriptors) == 0:
        return np.zeros((TABLES, 0), dtype=np.uint32)
    bits = np.unpackbits(np.ascontiguousarray(descriptors, dtype=np.uint8), axis=1)
    keys = np.empty((TABLES, len(descriptors)), dtype=np.uint64)
    for t in range(TABLES):
        sampled = bits[:, _SAMPLES[t, :KEY_BITS]].astype(np.uint64)
        keys[t] = sampled @ _WEIGHTS + (np.uint64(t) << np.uint64(KEY_BITS))
    return keys.astype(np.uint32)


class DescriptorIndex:
    """Sorted runs of (bucket key, owner), each at least twice the size of the next (a
    log-structured merge): a new picture adds a small run, equal-sized runs merge, and a query
    searches each of the few runs. Sorting everything before each query, as before, made a
    message's cost grow with the store (71 ms a query at 10k pictures, in one profile)."""

    def __init__(self) -> None:
        self._shas: list[str] = []
        self._position: dict[str, int] = {}
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (keys sorted, owners)

    def __len__(self) -> int:
        return len(self._shas)

    def __contains__(self, sha: str) -> bool:
        return sha in self._position

    def add(self, sha: str, descriptors: np.ndarray) -> None:
        """`descriptors` strongest first; only the first PER_PICTURE are kept."""
        if sha in self._position:
            return
        owner = len(self._shas)
        self._position[sha] = owner
        self._shas.append(sha)
        keys = np.unique(bucket_keys(descriptors[:PER_PICTURE]).ravel())  # sorted
        self._runs.append((keys, np.full(len(keys), owner, dtype=np.uint32)))
        while len(self._runs) >= 2 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (k1, o1), (k2, o2) = self._runs.pop(), self._runs.pop()
            keys, owners = np.concatenate([k2, k1]), np.concatenate([o2, o1])
            order = np.argsort(keys, kind="stable")
            self._runs.append((keys[order], owners[order]))

    def near(self, descriptors: np.ndarray, limit: int) -> list[tuple[str, int]]:
        """Up to `limit` (sha, votes) of stored pictures sharing buckets with `descriptors`,
        most votes first, ties by sha so the answer does not depend on insertion order."""
        if not self._shas or len(descriptors) == 0:
            return []
        query = bucket_keys(descriptors)  # (TABLES, n)
        keys = query.ravel()
        which = np.tile(np.arange(query.shape[1]), TABLES)
        spans = [
            (np.searchsorted(k, keys, side="left"), np.searchsorted(k, keys, side="right"))
            for k, _ in self._runs
        ]
        total = np.zeros(len(keys), dtype=np.int64)
        for lo, hi in spans:
            total += hi - lo
        keep = (total > 0) & (total <= CROWDED)
        if not keep.any():
            return []
        found = []
        for (_, owners), (lo, hi) in zip(self._runs, spans, strict=True):
            lo, sizes = lo[keep], (hi - lo)[keep]
            if not sizes.any():
                continue
            starts = np.repeat(lo - np.cumsum(sizes) + sizes, sizes)
            positions = starts + np.arange(int(sizes.sum()))
            picture = owners[positions].astype(np.int64)
            found.append(np.repeat(which[keep], sizes).astype(np.int64) * len(self._shas) + picture)
        # one vote per query descriptor and stored picture, however many tables agree
        pairs = np.unique(np.concatenate(found))
        votes = np.bincount(pairs % len(self._shas), minlength=len(self._shas))
        hits = np.flatnonzero(votes >= MIN_VOTES)
        ranked = sorted((-int(votes[h]), self._shas[h]) for h in hits)[:limit]
        return [(sha, -v) for v, sha in ranked]
