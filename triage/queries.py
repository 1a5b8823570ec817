"""The read side shared by the CLI and the web view: clusters and their members (SQLite reads)."""

from __future__ import annotations

import json
from typing import Any

from triage.errors import NotFound
from triage.store import Store

_MESSAGE_FIELDS = """
    sha256, source, received_at, message_id, original_message_id, recipient, recipient_source,
    original_subject AS subject, COALESCE(original_date, date) AS date, forward_kind,
    forward_chain, forwarded_by, original_from AS sender, cluster_id,
    COALESCE(original_date, date, received_at) AS seen
"""


def list_clusters(store: Store, *, include_all: bool) -> list[dict[str, Any]]:
    """Clusters in the shape of interface.md, oldest first; extortion ones unless include_all."""
    rows = store.rows(
        f"SELECT {_MESSAGE_FIELDS} FROM messages ORDER BY cluster_id, seen, sha256"  # noqa: S608
    )
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_cluster.setdefault(row["cluster_id"], []).append(row)
    clusters = [_cluster(cid, members) for cid, members in by_cluster.items()]
    if not include_all:
        clusters = [c for c in clusters if c["extortion"]]
    return sorted(clusters, key=lambda c: (c["first_seen"] or "", c["id"]))


def show_cluster(store: Store, ident: str) -> dict[str, Any]:
    """One cluster whole. `ident` may be a cluster id, a message sha256 (prefix) or Message-ID."""
    cluster_id = resolve_cluster_id(store, ident)
    members = store.rows(
        f"SELECT {_MESSAGE_FIELDS}, defects FROM messages WHERE cluster_id = ? "  # noqa: S608
        "ORDER BY seen, sha256",
        [cluster_id],
    )
    cluster = _cluster(cluster_id, members)
    for message, row in zip(cluster["messages"], members, strict=True):
        message["defects"] = json.loads(row["defects"])
        message["attachments"] = store.rows(
            "SELECT sha256, filename, content_type, size, inline FROM attachments "
            "WHERE message_sha256 = ? ORDER BY position",
            [row["sha256"]],
        )
    cluster["joins"] = []  # reasons members were joined: none while every cluster is one message
    return cluster


def resolve_cluster_id(store: Store, ident: str) -> str:
    ident = ident.strip()
    if store.rows("SELECT 1 FROM clusters WHERE id = ?", [ident]):
        return ident
    rows: list[dict[str, Any]] = []
    if len(ident) >= 8 and all(c in "0123456789abcdef" for c in ident.lower()):
        rows = store.rows(
            "SELECT DISTINCT cluster_id FROM messages WHERE sha256 LIKE ? || '%'", [ident.lower()]
        )
    if not rows:
        rows = store.rows(
            "SELECT DISTINCT cluster_id FROM messages WHERE message_id = ? "
            "OR original_message_id = ?",
            [ident, ident],
        )
    if len(rows) == 1:
        return str(rows[0]["cluster_id"])
    if len(rows) > 1:
        raise NotFound(f"{ident!r} matches {len(rows)} clusters; give more of it")
    raise NotFound(f"no cluster, message sha256 or Message-ID matches {ident!r}")


def _cluster(cluster_id: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    seen = [m["seen"] for m in members if m["seen"]]
    return {
        "id": cluster_id,
        "extortion": False,  # verdicts come with the classifier; until then nothing is flagged
        "extortion_score": 0.0,
        "size": len(members),
        "recipients": sorted({m["recipient"] for m in members if m["recipient"]}),
        "first_seen": min(seen) if seen else None,
        "last_seen": max(seen) if seen else None,
        "wallets": [],
        "max_manipulation": None,
        "queue_status": None,
        "messages": [_message(m) for m in members],
    }


def _message(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "message_id": row["message_id"],
        "original_message_id": row["original_message_id"],
        "recipient": row["recipient"],
        "subject": row["subject"],
        "date": row["date"],
        "source": row["source"],
        "sha256": row["sha256"],
        "sender": row["sender"],
        "forward_kind": row["forward_kind"],
        "forward_chain": json.loads(row["forward_chain"]),
        "forwarded_by": row["forwarded_by"],
        "recipient_source": row["recipient_source"],
    }
