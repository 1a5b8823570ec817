"""Which stored pictures a new picture should be verified against (pure).

Two proposers, because each misses what the other finds: the global pHash (and its mirror)
finds copies that were only resized or recompressed; the descriptor index finds copies that
were cropped, bordered, captioned or mirrored, which move a global hash as far as a
different picture does. Neither links anything: keypoints.verify decides every pair.
"""

from __future__ import annotations

import numpy as np

from triage.descriptorindex import DescriptorIndex
from triage.imageindex import ImageIndex
from triage.keypoints import LinkKeys

CANDIDATE_BITS = 22  # pHash distance that proposes a pair (same base: median 12, p90 24)
HASH_CANDIDATES = 8
# Pictures proposed by shared descriptors, best first. 16, not 8: a small crop's siblings can
# rank 8th to 17th in descriptor votes, and verification costs a fifth of what it did when 8
# was chosen. Chosen on our linkset's tuning split (as the product joins: recall 0.880 ->
# 0.917, precision 0.977 -> 0.978) and per-victim corpora (seed 11: F1 0.990 -> 1.000).
DESCRIPTOR_CANDIDATES = 16


class CandidateIndex:
    def __init__(self) -> None:
        self._hashes = ImageIndex()
        self._descriptors = DescriptorIndex()

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, sha: str) -> bool:
        return sha in self._hashes

    def add(self, sha: str, phash: int, phash_mirror: int, keys: LinkKeys | None) -> None:
        self._hashes.add(sha, phash, phash_mirror)
        if keys is not None:
            self._descriptors.add(sha, keys.plain.descriptors)

    def propose(self, phash: int, keys: LinkKeys | None) -> list[str]:
        """Stored pictures worth verifying, best first, without repeats."""
        found = [sha for sha, _ in self._hashes.near(phash, CANDIDATE_BITS, HASH_CANDIDATES)]
        if keys is not None:
            query = np.concatenate([keys.plain.descriptors, keys.mirrored.descriptors])
            found += [sha for sha, _ in self._descriptors.near(query, DESCRIPTOR_CANDIDATES)]
        return list(dict.fromkeys(found))
