"""Investigators decide: merge clusters, split messages out (composes the store).

Both are recorded with who, when and why, and both are undone by the other. A split raises
a wall between the messages it took out and those it left, which every later ingest
respects: a new message that links to both sides joins one and the link to the other is kept
as an edge, with the wall as the reason the clusters stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from triage.cluster import choose_survivor, founding_cluster_id
from triage.errors import TriageError
from triage.queries import resolve_cluster_id
from triage.store import Store


class CurationError(TriageError):
    """A merge or split that cannot be done as asked."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Curated:
    action: str
    curation: int
    cluster_id: str  # the surviving cluster (merge) or the new one (split)
    clusters: tuple[str, ...]
    messages: tuple[str, ...]


def merge(store: Store, idents: list[str], *, by: str, note: str, now: datetime) -> Curated:
    ids = sorted({resolve_cluster_id(store, i) for i in idents})
    if len(ids) < 2:
        raise CurationError(f"merge needs two or more clusters; {idents} name {len(ids)}")
    with store.transaction():
        created = {r["id"]: r["created_at"] for r in store.rows(
            f"SELECT id, created_at FROM clusters WHERE id IN ({', '.join('?' for _ in ids)})",  # noqa: S608
            ids,
        )}  # fmt: skip
        survivor = choose_survivor((created[i], i) for i in ids)
        moved = [m for i in ids if i != survivor for m in store.members(i)]
        curation = store.add_curation(now, "merge", by, note, ids, moved)
        for absorbed in ids:
            if absorbed != survivor:
                store.lift_walls(store.walls_between(survivor, absorbed), now)
                store.merge_clusters(survivor, absorbed, f"merged by {by}: {note}", now)
    return Curated(action="merge", curation=curation, cluster_id=survivor, clusters=tuple(ids),
                   messages=tuple(moved))  # fmt: skip


def split(
    store: Store, ident: str, messages: list[str], *, by: str, note: str, now: datetime
) -> Curated:
    cluster_id = resolve_cluster_id(store, ident)
    members = store.members(cluster_id)
    out = sorted({_member(m, members, cluster_id) for m in messages})
    left = [m for m in members if m not in out]
    if not left:
        raise CurationError(f"split would take every message out of {cluster_id}; keep one")
    with store.transaction():
        new_id = founding_cluster_id(out[0])
        n = 1
        while store.cluster_exists(new_id):
            n += 1
            new_id = f"{founding_cluster_id(out[0])}-{n}"
        curation = store.add_curation(now, "split", by, note, [cluster_id, new_id], out)
        store.new_cluster(new_id, now)
        store.move_messages(out, new_id, now)
        store.add_wall(curation, out, left)
    return Curated(action="split", curation=curation, cluster_id=new_id,
                   clusters=(cluster_id, new_id), messages=tuple(out))  # fmt: skip


def _member(prefix: str, members: list[str], cluster_id: str) -> str:
    found = [m for m in members if m.startswith(prefix.lower())] if len(prefix) >= 8 else []
    if len(found) != 1:
        raise CurationError(
            f"{prefix!r} names {len(found)} messages of {cluster_id}; "
            "give a message sha256 (8 or more characters) of that cluster"
        )
    return found[0]
