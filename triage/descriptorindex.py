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

Finding a query's buckets in the stored runs is what a query costs in a large store (over 90%
of it at 100k pictures): the query's keys are looked up in sorted order, which walks each run
once instead of jumping across gigabytes, and a large run keeps a directory of where each
group of 256 keys starts, so a lookup bisects a short stretch of it instead of the whole.
"""

from __future__ import annotations

import numpy as np

TABLES = 4
KEY_BITS = 24
PER_PICTURE = 300  # strongest descriptors kept per stored picture
CROWDED = 256  # a bucket with more entries than this is skipped
MIN_VOTES = 4
DIRECTORY_SHIFT = 8  # a run's directory has an entry per 256 consecutive keys (1 MB)
DIRECTORY_MIN = 1 << 19  # runs of fewer entries (about 440 pictures) are searched directly
# Runs stop merging at this many entries (about 220k pictures, 2 GB): merging two runs takes
# about three times their size while it lasts, so unbounded merges would need tens of GB at
# a million pictures. Each run costs a query a lookup: at a million pictures 13 runs of 90M
# entries took 21-25 ms a query, 7 of 180M 16-17 ms (random keys, under load).
MAX_RUN = 1 << 28
_KEY_SPACE = TABLES << KEY_BITS
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


class _Run:
    """Keys sorted, their owners, and for a large run its directory: for every group of
    2**DIRECTORY_SHIFT consecutive keys, the position of the group's first entry."""

    __slots__ = ("directory", "keys", "owners")

    def __init__(self, keys: np.ndarray, owners: np.ndarray, directory_min: int) -> None:
        self.keys, self.owners = keys, owners
        self.directory: np.ndarray | None = None
        if len(keys) >= directory_min:
            starts = np.arange((_KEY_SPACE >> DIRECTORY_SHIFT) + 1, dtype=np.int64)
            # positions fit 32 bits: runs stop merging at MAX_RUN entries
            self.directory = np.searchsorted(keys, starts << DIRECTORY_SHIFT).astype(np.uint32)

    @property
    def nbytes(self) -> int:
        extra = self.directory.nbytes if self.directory is not None else 0
        return int(self.keys.nbytes + self.owners.nbytes + extra)

    def spans(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first, past the last) positions of each of `wanted` (sorted keys): what
        np.searchsorted's left and right sides give."""
        if self.directory is None:
            return (
                np.searchsorted(self.keys, wanted, side="left"),
                np.searchsorted(self.keys, wanted, side="right"),
            )
        group = wanted.astype(np.int64) >> DIRECTORY_SHIFT
        low = self.directory[group].astype(np.int64)
        high = self.directory[group + 1].astype(np.int64)
        return _bisect(self.keys, wanted, low, high, right=False), _bisect(
            self.keys, wanted, low, high, right=True
        )


def _bisect(
    keys: np.ndarray, wanted: np.ndarray, low: np.ndarray, high: np.ndarray, *, right: bool
) -> np.ndarray:
    """Binary search of each of `wanted` within its own range [low, high) of `keys`, all at
    once: as np.searchsorted, with the search narrowed by the directory first."""
    low, high = low.copy(), high.copy()
    last = len(keys) - 1
    while True:
        open_ = low < high
        if not open_.any():
            return low
        middle = (low + high) >> 1
        probe = keys[np.minimum(middle, last)]
        up = (probe <= wanted) if right else (probe < wanted)
        up &= open_
        low = np.where(up, middle + 1, low)
        high = np.where(open_ & ~up, middle, high)


class DescriptorIndex:
    """Sorted runs of (bucket key, owner), each at least twice the size of the next (a
    log-structured merge) up to MAX_RUN: a new picture adds a small run, equal-sized runs
    merge, and a query searches each of the few runs. Sorting everything before each query,
    as before, made a message's cost grow with the store (71 ms a query at 10k pictures, in
    one profile)."""

    def __init__(self, *, directory_min: int = DIRECTORY_MIN, max_run: int = MAX_RUN) -> None:
        if not 0 < max_run < 1 << 32:  # a directory holds a run's positions in 32 bits
            raise ValueError(f"max_run must be between 1 and 2**32 - 1, not {max_run}")
        self._shas: list[str] = []
        self._position: dict[str, int] = {}
        self._runs: list[_Run] = []
        self._directory_min = directory_min
        self._max_run = max_run

    @property
    def nbytes(self) -> int:
        """Memory the stored runs take."""
        return sum(run.nbytes for run in self._runs)

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
        owners = np.full(len(keys), owner, dtype=np.uint32)
        while (
            self._runs
            and len(self._runs[-1].keys) <= 2 * len(keys)
            and len(self._runs[-1].keys) + len(keys) <= self._max_run
        ):
            run = self._runs.pop()
            keys, owners = np.concatenate([run.keys, keys]), np.concatenate([run.owners, owners])
            del run  # copied: freed before the sort's index is made (a large merge's peak)
            order = np.argsort(keys, kind="stable")
            keys = keys[order]
            owners = owners[order]
            del order
        self._runs.append(_Run(keys, owners, self._directory_min))

    def _top_votes(
        self, described: np.ndarray, pictures: np.ndarray, limit: int
    ) -> tuple[np.ndarray, int]:
        """Per stored picture, its votes (query descriptors with a shared bucket, one however
        many tables agree), exact for every picture that can be among the `limit` best, and
        the least vote those have. In a store of similar pictures most share a few buckets
        with any query (8,000 of 10,000 generated scenes had 4 votes or more): counting only
        the pictures whose bucket hits (an upper bound of votes) could reach the best keeps
        the count small, and the answer the same."""
        n = len(self._shas)
        hits = np.bincount(pictures, minlength=n)
        reach = np.flatnonzero(hits >= MIN_VOTES)
        bar = MIN_VOTES
        if len(reach) > 4 * limit:
            bar = max(bar, int(np.partition(hits[reach], -4 * limit)[-4 * limit]))
        while True:
            chosen = (hits >= bar)[pictures]
            pairs = described[chosen] * n + pictures[chosen]
            pairs.sort()
            first = np.ones(len(pairs), dtype=bool)
            first[1:] = pairs[1:] != pairs[:-1]
            votes = np.bincount(pairs[first] % n, minlength=n)
            counted = votes[votes >= MIN_VOTES]
            least = MIN_VOTES
            if len(counted) >= limit > 0:
                least = max(least, int(np.partition(counted, -limit)[-limit]))
            # a picture left out has votes <= hits < bar: when bar <= least it cannot be
            # among the best nor tie with them; otherwise count again down to `least`
            if least >= bar:
                return votes, least
            bar = least

    def near(self, descriptors: np.ndarray, limit: int) -> list[tuple[str, int]]:
        """Up to `limit` (sha, votes) of stored pictures sharing buckets with `descriptors`,
        most votes first, ties by sha so the answer does not depend on insertion order."""
        if not self._shas or len(descriptors) == 0:
            return []
        query = bucket_keys(descriptors)  # (TABLES, n)
        order = np.argsort(query.ravel(), kind="stable")
        keys = query.ravel()[order]
        which = np.tile(np.arange(query.shape[1]), TABLES)[order]
        spans = [run.spans(keys) for run in self._runs]
        total = np.zeros(len(keys), dtype=np.int64)
        for lo, hi in spans:
            total += hi - lo
        keep = (total > 0) & (total <= CROWDED)
        if not keep.any():
            return []
        described, pictures = [], []
        for run, (lo, hi) in zip(self._runs, spans, strict=True):
            lo, sizes = lo[keep], (hi - lo)[keep]
            if not sizes.any():
                continue
            starts = np.repeat(lo - np.cumsum(sizes) + sizes, sizes)
            positions = starts + np.arange(int(sizes.sum()))
            pictures.append(run.owners[positions].astype(np.int64))
            described.append(np.repeat(which[keep], sizes).astype(np.int64))
        votes, least = self._top_votes(np.concatenate(described), np.concatenate(pictures), limit)
        best = np.flatnonzero(votes >= least)  # few: the limit and its ties
        ranked = sorted((-int(votes[b]), self._shas[b]) for b in best)[:limit]
        return [(sha, -v) for v, sha in ranked]
