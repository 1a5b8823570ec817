"""Clusters that may be one campaign: soft evidence, offered to investigators, never merged
(pure).

Waves that spin their text and use a fresh wallet per victim leave no hard link when their
pictures cannot be verified (flat, dark or heavily edited). What they still share is softer:
the same kind of coin, demands of a similar size, the same weeks, and wording of one family
(a text-template similarity well below what joins two messages, well above unrelated mail).
Two clusters agreeing on all four are listed with the reasons, for a person to merge or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations

from triage.textsim import similarity

WINDOW = timedelta(days=14)  # first/last seen of the two at most this far apart
AMOUNT_RATIO = 1.5  # the larger median demand at most this times the smaller
FAMILY = 0.3  # template similarity of the closest members: one family of wording


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterProfile:
    id: str
    first_seen: datetime
    last_seen: datetime
    coins: frozenset[str]  # wallet kinds: btc-p2pkh, eth, tron, ...
    amounts_usd: tuple[float, ...]
    signatures: tuple[tuple[int, ...], ...]  # a few members' text MinHash signatures


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    clusters: tuple[str, str]
    score: float  # the template similarity that made it
    reasons: tuple[str, ...]


def suggest(profiles: list[ClusterProfile]) -> list[Suggestion]:
    """Pairs that agree on coin, amount, time and wording, strongest first."""
    found = []
    for a, b in combinations(sorted(profiles, key=lambda p: p.id), 2):
        suggestion = _pair(a, b)
        if suggestion is not None:
            found.append(suggestion)
    return sorted(found, key=lambda s: (-s.score, s.clusters))


def _pair(a: ClusterProfile, b: ClusterProfile) -> Suggestion | None:
    coins = a.coins & b.coins
    if not coins:
        return None
    gap = max(a.first_seen, b.first_seen) - min(a.last_seen, b.last_seen)
    if gap > WINDOW:
        return None
    if not a.amounts_usd or not b.amounts_usd:
        return None
    ma, mb = _median(a.amounts_usd), _median(b.amounts_usd)
    if max(ma, mb) > AMOUNT_RATIO * min(ma, mb):
        return None
    wording = max(
        (similarity(x, y) for x in a.signatures for y in b.signatures if len(x) == len(y)),
        default=0.0,
    )
    if wording < FAMILY:
        return None
    days = max(gap, timedelta(0)).days
    return Suggestion(
        clusters=(a.id, b.id),
        score=round(wording, 3),
        reasons=(
            f"same coin ({', '.join(sorted(coins))})",
            f"demands of a similar size (median USD {ma:,.0f} and {mb:,.0f})",
            "overlapping in time" if gap <= timedelta(0) else f"{days} day(s) apart",
            f"wording of one family (template similarity {wording:.2f})",
        ),
    )


def _median(values: tuple[float, ...]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
