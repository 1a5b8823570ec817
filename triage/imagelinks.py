"""Which stored pictures a new picture should be verified against (pure).

Two proposers, because each misses what the other finds: the global pHash (and its mirror)
finds copies that were only resized or recompressed; the descriptor index finds copies that
were cropped, bordered, captioned or mirrored, which move a global hash as far as a
different picture does. Neither links anything: keypoints.verify decides every pair.
A stored picture's descriptors are indexed spread over its frame (SPREAD_GRID), so that what
was pasted over one copy does not fill its entry.
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
# 24, not 16: on fixtures.linkgen2's tuning seeds 1 and 2 (12 campaigns), 36 / 23 same-base
# pairs that verify were never proposed, 20 / 9 of them ranked 17th to 32nd (screenshots,
# extended and cropped copies, outvoted by pictures with faces). Chosen by a throwaway script
# (as the product joins): recall 0.719 / 0.441 at 16 -> 0.735 / 0.458 at 24 (0.748 / 0.458 at
# 32, 0.768 / 0.458 at 48), false pairs 6 / 5 at 16 and 24, 7 / 5 at 32 and 48 (another shot
# of a base); verifications a picture 18.8 -> 25.1 (seed 1). Seed 1 at 60 campaigns: recall
# 0.550 -> 0.572, false pairs 46 as before, verifications a picture 22.3 -> 29.7.
DESCRIPTOR_CANDIDATES = 24
# A stored picture is indexed by descriptors taken in turn from each cell of this grid over its
# frame (strongest first within a cell), not by its strongest alone: in a faint picture the
# strongest corners are on what was pasted over the copy (the victim's face, a sticker, a
# caption), which differs from copy to copy and looks alike across campaigns, so its siblings
# were outvoted by other pictures with faces. Chosen by a throwaway script on
# fixtures.linkgen2 tuning seed 1 at 60 campaigns (as the product joins: recall 0.460 -> 0.540,
# the same 46 false pairs and 22.3 verifications a picture; seed 2 0.429 -> 0.475, 40 false
# pairs as before); 4 was the only grid tried.
SPREAD_GRID = 4


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
            order = spread_order(keys.plain.points, keys.plain.shape, SPREAD_GRID)
            self._descriptors.add(sha, keys.plain.descriptors[order])

    def propose(self, phash: int, keys: LinkKeys | None) -> list[str]:
        """Stored pictures worth verifying, best first, without repeats."""
        found = [sha for sha, _ in self._hashes.near(phash, CANDIDATE_BITS, HASH_CANDIDATES)]
        if keys is not None:
            query = np.concatenate([keys.plain.descriptors, keys.mirrored.descriptors])
            found += [sha for sha, _ in self._descriptors.near(query, DESCRIPTOR_CANDIDATES)]
        return list(dict.fromkeys(found))


def spread_order(points: np.ndarray, shape: tuple[int, int], grid: int) -> np.ndarray:
    """Positions of `points` (strongest first) taken round robin over a grid x grid split of
    a frame of `shape` (height, width): each cell's strongest, then each cell's second, ...;
    within a round, in strength order."""
    if len(points) == 0:
        return np.zeros(0, dtype=np.intp)
    height, width = shape
    row = np.minimum((points[:, 1] * grid // height).astype(np.intp), grid - 1)
    col = np.minimum((points[:, 0] * grid // width).astype(np.intp), grid - 1)
    cell = row * grid + col
    turn = np.zeros(len(points), dtype=np.intp)  # how many stronger points share the cell
    seen: dict[int, int] = {}
    for n, c in enumerate(cell.tolist()):
        turn[n] = seen.get(c, 0)
        seen[c] = turn[n] + 1
    return np.lexsort((np.arange(len(points)), turn))
