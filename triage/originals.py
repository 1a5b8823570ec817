"""One original, several reports: the same forwarded message recognised across offices (pure).

Two offices that forward the same original (as attachment, inline or redirect) send two
reports of one message. They are the same original when they name the same original
Message-ID, or, when an id is missing (an inline forward without References), when the
digest of what the original says agrees: the real recipient, the sender, the subject and
the body, normalised so that quoting ("> "), re-wrapping and case do not matter. The
recipient is part of the digest because a campaign sends the same words to every victim:
without it, two victims' copies would look like one original.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from triage.htmltext import body_text
from triage.records import Unwrapped

_QUOTE = re.compile(r"^(?:[ \t]*>)+", re.MULTILINE)
_BODY_CHARS = 4000  # enough to tell two messages apart; long tails are often signatures


def original_digest(u: Unwrapped) -> str:
    """sha256 hex of the original's recipient, sender, subject and body, normalised."""
    o = u.original
    body = body_text(o.text, o.html)
    parts = (u.recipient or "", o.sender or "", _normal(o.subject or ""), _normal(body))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _normal(text: str) -> str:
    return " ".join(_QUOTE.sub("", text).casefold().split())[:_BODY_CHARS]


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """One stored message as far as its original goes."""

    sha256: str
    original_message_id: str | None
    digest: str | None


def group_originals(reports: Iterable[Report]) -> list[list[str]]:
    """The reports grouped by original: lists of sha256, each sorted, the groups sorted.

    A shared original id joins two reports, and so does a shared digest; the groups are the
    connected sets, so an attached copy (id known) and an inline copy (digest only) of one
    original join through a third report that has both, or directly by digest."""
    items = sorted(reports, key=lambda r: r.sha256)
    parent = {r.sha256: r.sha256 for r in items}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, str] = {}
    for r in items:
        for key in _keys(r):
            if key in first:
                a, b = find(first[key]), find(r.sha256)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first[key] = r.sha256
    groups: dict[str, list[str]] = {}
    for r in items:
        groups.setdefault(find(r.sha256), []).append(r.sha256)
    return sorted(sorted(g) for g in groups.values())


def _keys(r: Report) -> Sequence[str]:
    keys = []
    if r.original_message_id:
        keys.append("id:" + r.original_message_id)
    if r.digest:
        keys.append("digest:" + r.digest)
    return keys
