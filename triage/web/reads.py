"""What the web view reads beyond triage.queries: thumbnails per cluster, the queue, search,
recipients, one message whole (SQLite reads)."""

from __future__ import annotations

import json
from typing import Any

from triage.queries import _indicators, _read_texts
from triage.store import Store


def linkable_pictures(store: Store) -> dict[str, list[str]]:
    """Cluster id -> its linkable pictures (sha256), most suspicious first."""
    out: dict[str, list[str]] = {}
    for r in store.rows(
        "SELECT DISTINCT m.cluster_id, i.sha256, i.manipulation FROM images i "
        "JOIN message_images mi ON mi.image_sha256 = i.sha256 "
        "JOIN messages m ON m.sha256 = mi.message_sha256 WHERE i.linkable = 1 "
        "ORDER BY m.cluster_id, coalesce(i.manipulation, -1) DESC, i.sha256"
    ):
        out.setdefault(r["cluster_id"], []).append(r["sha256"])
    return out


def queue_by_cluster(store: Store) -> dict[str, dict[str, Any]]:
    """Cluster id -> its live queue item (id, status, priority, assignee, flag)."""
    return {
        r["cluster_id"]: r
        for r in store.rows(
            "SELECT id, cluster_id, status, priority, assignee, flag FROM queue_items "
            "WHERE merged_into IS NULL"
        )
    }


def queue_history(store: Store, item_id: str) -> list[dict[str, Any]]:
    return store.queue_events(item_id)


def message(store: Store, sha: str) -> dict[str, Any] | None:
    """One stored message whole: the outer fields, the unwrapped original, what hangs off it."""
    rows = store.rows("SELECT * FROM messages WHERE sha256 = ?", [sha])
    if not rows:
        return None
    m = rows[0]
    for key in ("forward_chain", "original_to", "defects"):
        m[key] = json.loads(m[key]) if m[key] else []
    m["sources"] = store.rows(
        "SELECT source, seen_at FROM message_sources WHERE sha256 = ? ORDER BY seen_at", [sha]
    )
    m["attachments"] = store.rows(
        "SELECT position, sha256, filename, content_type, size, inline FROM attachments "
        "WHERE message_sha256 = ? ORDER BY position",
        [sha],
    )
    m["images"] = store.rows(
        "SELECT i.sha256, i.format, i.width, i.height, i.linkable, i.manipulation, mi.found_in, "
        "mi.name FROM message_images mi JOIN images i ON i.sha256 = mi.image_sha256 "
        "WHERE mi.message_sha256 = ? ORDER BY i.sha256",
        [sha],
    )
    m["indicators"] = _indicators(store, sha)
    m.update(_read_texts(store, sha))
    verdict = store.rows(
        "SELECT score, extortion, cues FROM verdicts WHERE message_sha256 = ?", [sha]
    )
    m["verdict"] = {**verdict[0], "cues": json.loads(verdict[0]["cues"])} if verdict else None
    return m


def image_format(store: Store, sha: str) -> str | None:
    rows = store.rows("SELECT format FROM images WHERE sha256 = ?", [sha])
    return str(rows[0]["format"]) if rows else None


def paste_box(store: Store, sha: str) -> list[int] | None:
    rows = store.rows("SELECT box FROM localisations WHERE image_sha256 = ?", [sha])
    return json.loads(rows[0]["box"]) if rows and rows[0]["box"] else None


def is_diff(store: Store, sha: str) -> bool:
    return bool(store.rows("SELECT 1 FROM localisations WHERE diff_sha256 = ?", [sha]))


def image_hashes(store: Store) -> list[dict[str, Any]]:
    """Every linkable picture with its hashes and the clusters that hold it."""
    return store.rows(
        "SELECT i.sha256, i.phash, i.phash_mirror, group_concat(DISTINCT m.cluster_id) AS clusters "
        "FROM images i JOIN message_images mi ON mi.image_sha256 = i.sha256 "
        "JOIN messages m ON m.sha256 = mi.message_sha256 WHERE i.linkable = 1 GROUP BY i.sha256"
    )


_HIT_FIELDS = (
    "m.sha256, m.cluster_id, m.recipient, m.original_subject AS subject, "
    "coalesce(m.original_date, m.date, m.received_at) AS date, m.original_from AS sender"
)


def search_indicators(store: Store, text: str) -> list[dict[str, Any]]:
    """Messages carrying a wallet, address, URL or phone that contains `text` (any case)."""
    return store.rows(
        f"SELECT DISTINCT {_HIT_FIELDS}, i.kind || ': ' || i.value AS matched "  # noqa: S608
        "FROM indicators i JOIN messages m ON m.sha256 = i.message_sha256 "
        "WHERE i.kind IN ('wallet', 'email', 'url', 'phone') AND instr(lower(i.value), lower(?)) "
        "ORDER BY date, m.sha256",
        [text],
    )


def search_people(store: Store, text: str) -> list[dict[str, Any]]:
    """Messages whose recipient, forwarding office or sender contains `text` (any case)."""
    return store.rows(
        f"SELECT {_HIT_FIELDS}, 'address: ' || coalesce(m.recipient, '') AS matched "  # noqa: S608
        "FROM messages m WHERE instr(lower(coalesce(m.recipient, '') || ' ' || "
        "coalesce(m.forwarded_by, '') || ' ' || coalesce(m.original_to, '') || ' ' || "
        "coalesce(m.original_from, '') || ' ' || coalesce(m.from_addr, '')), lower(?)) "
        "ORDER BY date, m.sha256",
        [text],
    )


def search_words(store: Store, match: str | None, short: list[str]) -> list[dict[str, Any]]:
    """Messages whose subject, addresses or body hold every word: FTS5 MATCH for words of
    three characters or more, a substring test for shorter ones (trigrams cannot)."""
    where = (
        ["m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)"] if match else []
    )
    params: list[Any] = [match] if match else []
    for term in short:
        where.append(
            "instr(lower(coalesce(m.original_subject, '') || ' ' || coalesce(m.subject, '') || "
            "' ' || coalesce(m.original_text, '')), lower(?))"
        )
        params.append(term)
    if not where:
        return []
    return store.rows(
        f"SELECT {_HIT_FIELDS}, 'words' AS matched FROM messages m "  # noqa: S608
        f"WHERE {' AND '.join(where)} ORDER BY date, m.sha256",
        params,
    )


def recipients(store: Store) -> list[dict[str, Any]]:
    """Every real recipient (victim) and forwarding office, with message and cluster counts."""
    return store.rows(
        "SELECT address, count(DISTINCT sha256) AS messages, count(DISTINCT cluster_id) AS "
        "clusters, min(seen) AS first_seen, max(seen) AS last_seen FROM ("
        "  SELECT recipient AS address, sha256, cluster_id, "
        "    coalesce(original_date, date, received_at) AS seen FROM messages "
        "    WHERE recipient IS NOT NULL"
        "  UNION SELECT forwarded_by, sha256, cluster_id, "
        "    coalesce(original_date, date, received_at) FROM messages "
        "    WHERE forwarded_by IS NOT NULL AND forwarded_by != coalesce(recipient, '')"
        ") GROUP BY address ORDER BY address"
    )


def messages_to(store: Store, address: str) -> list[dict[str, Any]]:
    """Everything sent to `address` or forwarded by it (an office), oldest first."""
    return store.rows(
        f"SELECT {_HIT_FIELDS}, m.forwarded_by FROM messages m "  # noqa: S608
        "WHERE lower(m.recipient) = lower(?) OR lower(m.forwarded_by) = lower(?) "
        "ORDER BY date, m.sha256",
        [address, address],
    )
