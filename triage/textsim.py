"""Near-identical texts (one campaign's template) by MinHash over character shingles (pure).

Wallets, addresses, numbers and names are masked first: the campaign varies exactly those.
Banding makes the search an exact-key lookup, so it stays fast as the store grows.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

SHINGLE = 5
BANDS = 21
ROWS = 3  # P(candidate) = 1 - (1 - J^3)^21: 0.94 at J = 0.5, 0.15 at J = 0.2
PERMUTATIONS = BANDS * ROWS
MIN_CHARS = 120  # shorter texts say too little to join two messages
SAME_TEMPLATE = 0.6  # estimated Jaccard at or above this joins two messages
# A campaign's template is a few kB; text beyond this is filler. Without a cap a hostile
# megabyte body took seconds and ~400 MB (63 permutations x every shingle) to sign.
MAX_CHARS = 50_000

_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20250203)  # fixed: signatures must compare across runs
_A = _rng.integers(1, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
_MASKS = (  # each starts only where a token starts: linear on hostile text
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w.-]+"), " @ "),
    (re.compile(r"(?<!\S)(?:(?:https?|hxxps?)\S*|www\.\S*)", re.IGNORECASE), " url "),
    (re.compile(r"\b(?:bc1|0x|[13T48])[0-9A-Za-z]{24,105}\b"), " wallet "),
    (re.compile(r"\d[\d,.\s]*"), "0"),
)


def template_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def signature(text: str, *, exclude: tuple[str, ...] = ()) -> tuple[int, ...] | None:
    """MinHash of the masked text, or None when it is too short to mean anything.

    `exclude` are words to drop first (the recipient's name, which each mail varies).
    """
    for word in exclude:
        if word:
            text = re.sub(re.escape(word), " ", text, flags=re.IGNORECASE)
    clean = template_text(text)[:MAX_CHARS]
    if len(clean) < MIN_CHARS:
        return None
    shingles = {clean[i : i + SHINGLE] for i in range(len(clean) - SHINGLE + 1)}
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=7).digest()) for s in shingles),
        dtype=np.uint64,
        count=len(shingles),
    )
    # (a*x + b) mod p over uint64 overflows; fold x to 32 bits first to stay exact enough
    x = (hashes & np.uint64(0xFFFFFFFF))[None, :]
    values = (_A[:, None] * x + _B[:, None]) % np.uint64(_PRIME)
    return tuple(int(v) for v in values.min(axis=1))


def band_keys(sig: tuple[int, ...]) -> list[str]:
    """One exact lookup key per band: two signatures sharing any key are candidates."""
    keys = []
    for band in range(BANDS):
        rows = repr(sig[band * ROWS : (band + 1) * ROWS]).encode()
        keys.append(f"{band}:{hashlib.blake2b(rows, digest_size=8).hexdigest()}")
    return keys


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
