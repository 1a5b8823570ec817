"""The SQLite store through sqlite-utils: the only module that writes SQL (SQLite)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from triage.classify import ExtortionVerdict
from triage.cluster import Edge, LinkSide, verdict_class
from triage.errors import StoreError
from triage.fingerprint import Fingerprint
from triage.manipulation import Localisation, ManipulationScore
from triage.migrations import migrations
from triage.originals import original_digest
from triage.records import RawMessage, Unwrapped


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


class Store:
    """One SQLite file; each message and its derived rows commit in one transaction."""

    def __init__(self, path: Path, *, lock_timeout: float = 30) -> None:
        self.path = path
        self.lock_timeout = lock_timeout  # seconds a write waits for another process's lock
        try:
            _make_private_parent(path)
            conn = sqlite3.connect(path, timeout=lock_timeout)
            self.db = Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
            self.db.execute("PRAGMA foreign_keys=ON")
            migrations.apply(self.db)
        except sqlite3.OperationalError as e:  # locked while migrating, or disk full
            if any(w in str(e) for w in ("locked", "busy", "full")):
                raise self.write_error(e) from e
            raise StoreError(f"cannot open store {path}: {e}") from e
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open store {path}: {e}") from e
        except OSError as e:
            raise StoreError(f"cannot open store {path}: {e.strerror}") from e
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{path}{suffix}")
            if p.exists():
                os.chmod(p, 0o600)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction that takes the write lock at BEGIN; nested ones are savepoints.

        A deferred BEGIN that reads first (has_message) fails at once with SQLITE_BUSY when
        another connection wrote meanwhile; overlapping runs would then abort a batch.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise self.write_error(e) from e
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException as e:
            # A failed COMMIT (disk full) leaves the transaction open: undo it, so this
            # connection and the file stay as they were before it began.
            if self.db.conn.in_transaction:
                with suppress(sqlite3.Error):  # keep the error that says why
                    self.db.conn.rollback()
            if isinstance(e, sqlite3.OperationalError):
                raise self.write_error(e) from e
            raise

    def write_error(self, e: sqlite3.Error) -> StoreError:
        """One line saying what to do about a write that SQLite refused."""
        text = str(e)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"store {self.path} is locked: another process held its write lock for "
                f"{self.lock_timeout:g} s ([store] lock_timeout_seconds); the store is unchanged, "
                "run again later"
            )
        if "full" in text:
            return StoreError(
                f"store {self.path}: disk full; the last change was undone, free space and "
                "run again"
            )
        return StoreError(f"cannot write store {self.path}: {text}")

    # -- writes -------------------------------------------------------------------------

    def has_message(self, sha256: str) -> bool:
        row = self.db.execute("SELECT 1 FROM messages WHERE sha256 = ?", [sha256]).fetchone()
        return row is not None

    def add_source(self, sha256: str, source: str, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO message_sources VALUES (?, ?, ?)", [sha256, source, iso(now)]
            )
            self._audit(now, sha256, source, "duplicate", None)

    def add_message(
        self, raw: RawMessage, unwrapped: Unwrapped, *, cluster_id: str, now: datetime
    ) -> bool:
        """Insert one message with everything derived from it; False if it was already there."""
        with self.db.atomic():
            cur = self.db.execute(
                "INSERT OR IGNORE INTO clusters (id, created_at, updated_at) VALUES (?, ?, ?)",
                [cluster_id, iso(now), iso(now)],
            )
            cur = self.db.execute(_INSERT_MESSAGE, _message_row(raw, unwrapped, cluster_id, now))
            if cur.rowcount == 0:  # a concurrent run stored it first
                return False
            self.db.execute(
                "INSERT OR IGNORE INTO message_sources VALUES (?, ?, ?)",
                [raw.sha256, raw.source, iso(now)],
            )
            self.db.conn.executemany(
                "INSERT INTO attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [raw.sha256, i, a.sha256, a.filename, a.content_type, a.content_id,
                     int(a.inline), len(a.data)]
                    for i, a in enumerate(unwrapped.original.attachments)
                ],
            )  # fmt: skip
            self.db.execute("DELETE FROM failures WHERE sha256 = ?", [raw.sha256])
            self._audit(now, raw.sha256, raw.source, "stored", unwrapped.kind.value)
        return True

    def record_failure(self, sha256: str | None, source: str, error: str, now: datetime) -> None:
        with self.db.atomic():
            if sha256 is not None:
                self.db.execute(
                    """INSERT INTO failures VALUES (?, ?, ?, ?, ?, 1)
                       ON CONFLICT(sha256) DO UPDATE SET
                         error = excluded.error, last_at = excluded.last_at,
                         attempts = attempts + 1""",
                    [sha256, source, error, iso(now), iso(now)],
                )
            self._audit(now, sha256, source, "failed", error)

    def _audit(
        self, now: datetime, sha256: str | None, source: str, event: str, detail: str | None
    ) -> None:
        self.db.execute(
            "INSERT INTO audit (at, sha256, source, event, detail) VALUES (?, ?, ?, ?, ?)",
            [iso(now), sha256, source, event, detail],
        )

    # -- campaigns: images, indicators, link keys, edges, merges -----------------------

    def add_image(
        self,
        sha256: str,
        fp: Fingerprint,
        fmt: str,
        now: datetime,
        manipulation: ManipulationScore | None = None,
        note: str = "",
    ) -> None:
        m = manipulation
        self.db.execute(
            "INSERT OR IGNORE INTO images (sha256, format, width, height, phash, phash_mirror, "
            "dhash, linkable, first_seen, manipulation, manipulation_signals, "
            "manipulation_region, manipulation_note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [sha256, fmt, fp.width, fp.height, fp.phash, fp.phash_mirror, fp.dhash,
             int(fp.linkable), iso(now), m.score if m else None,
             json.dumps(m.signals) if m else None,
             json.dumps(list(m.region)) if m and m.region else None, note],
        )  # fmt: skip

    def add_localisation(
        self, image: str, found: Localisation, considered: int, diff_sha256: str, now: datetime
    ) -> None:
        """`considered`: siblings offered; found.siblings_used of them could be aligned."""
        reason = f"{found.reason} ({found.siblings_used} of {considered} siblings aligned)"
        self.db.execute(
            "INSERT OR REPLACE INTO localisations VALUES (?, ?, ?, ?, ?, ?, ?)",
            [image, json.dumps(list(found.box)) if found.box else None, found.confidence,
             considered, diff_sha256, reason, iso(now)],
        )  # fmt: skip

    def image_size(self, image: str) -> tuple[int, int]:
        row = self.db.execute(
            "SELECT width, height FROM images WHERE sha256 = ?", [image]
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def picture_manipulation(self, image: str) -> float | None:
        """The picture's own score, before any campaign evidence."""
        row = self.db.execute(
            "SELECT COALESCE(manipulation_picture, manipulation) FROM images WHERE sha256 = ?",
            [image],
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def set_campaign_manipulation(
        self, image: str, picture: float | None, campaign: float, combined: float, reason: str
    ) -> None:
        """Store campaign evidence and the score it gives with the picture's own."""
        self.db.execute(
            "UPDATE images SET manipulation_picture = ?, manipulation_campaign = ?, "
            "manipulation_campaign_reason = ?, manipulation = ? WHERE sha256 = ?",
            [picture, campaign, reason, combined if picture is not None or campaign else None,
             image],
        )  # fmt: skip

    def localised_siblings(self, image: str) -> int | None:
        row = self.db.execute(
            "SELECT siblings FROM localisations WHERE image_sha256 = ?", [image]
        ).fetchone()
        return int(row[0]) if row else None

    def cluster_pictures(
        self, cluster_id: str, linkable_only: bool = False
    ) -> list[tuple[str, str, str, int, int]]:
        """(image sha256, phash, phash_mirror, width, height) of every picture of a cluster,
        linkable or not (a thumbnail too small to join mail is still a campaign picture), or
        only those that may link mail."""
        return [
            (r[0], r[1], r[2], int(r[3]), int(r[4]))
            for r in self.db.execute(
                "SELECT DISTINCT i.sha256, i.phash, i.phash_mirror, i.width, i.height "
                "FROM images i JOIN message_images mi ON mi.image_sha256 = i.sha256 "
                "JOIN messages m ON m.sha256 = mi.message_sha256 "
                "WHERE m.cluster_id = ? AND (i.linkable = 1 OR ?) ORDER BY i.sha256",
                [cluster_id, not linkable_only],
            )
        ]

    def add_message_image(self, message: str, image: str, found_in: str, name: str | None) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO message_images VALUES (?, ?, ?, ?)",
            [message, image, found_in, name],
        )

    def add_refusal(
        self, message: str, found_in: str, name: str | None, reason: str, sha256: str | None
    ) -> None:
        self.db.execute(
            "INSERT INTO image_refusals VALUES (?, ?, ?, ?, ?)",
            [message, found_in, name, reason, sha256],
        )

    def add_message_text(self, message: str, found_in: str, text: str) -> None:
        self.db.execute("INSERT INTO message_texts VALUES (?, ?, ?)", [message, found_in, text])

    def add_indicator(self, message: str, kind: str, value: str, detail: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO indicators VALUES (?, ?, ?, ?)",
            [message, kind, value, json.dumps(detail, ensure_ascii=False)],
        )

    def add_features(self, message: str, keys: list[tuple[str, str]]) -> None:
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO features VALUES (?, ?, ?)", [[k, v, message] for k, v in keys]
        )

    def add_signature(self, message: str, signature: tuple[int, ...]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO text_signatures VALUES (?, ?)", [message, json.dumps(signature)]
        )

    def messages_sharing(
        self, keys: list[tuple[str, str]], exclude: str
    ) -> list[tuple[str, str, str, str]]:
        """(kind, key, message, its cluster) for other messages with one of these keys: one
        per cluster and key, from at most `_KEY_FANOUT` messages a key.

        The cap keeps a key shared by a whole campaign from costing every new member a scan
        of the campaign; messages sharing a wallet or an address are one cluster already.
        """
        out: list[tuple[str, str, str, str]] = []
        for kind, key in keys:
            out.extend(
                (kind, key, row[1], row[0])
                for row in self.db.execute(
                    "SELECT m.cluster_id, MIN(f.message_sha256) FROM "
                    "(SELECT message_sha256 FROM features WHERE kind = ? AND key = ? "
                    " AND message_sha256 != ? ORDER BY message_sha256 LIMIT ?) f "
                    "JOIN messages m ON m.sha256 = f.message_sha256 GROUP BY m.cluster_id "
                    "ORDER BY m.cluster_id",
                    [kind, key, exclude, _KEY_FANOUT],
                )
            )
        return out

    def wallets_of(self, message: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT value FROM indicators WHERE message_sha256 = ? AND kind = 'wallet'",
                [message],
            )
        ]

    def signature_of(self, message: str) -> tuple[int, ...] | None:
        row = self.db.execute(
            "SELECT signature FROM text_signatures WHERE message_sha256 = ?", [message]
        ).fetchone()
        return tuple(json.loads(row[0])) if row else None

    def add_link_keys(self, image: str, keys: bytes) -> None:
        # Keys of an older layout (no "LK3" prefix) or damaged are replaced by recomputed
        # ones; current keys are left alone (a re-sent picture would rewrite 50 kB each time).
        self.db.execute(
            "INSERT INTO image_keys VALUES (?, ?) ON CONFLICT(image_sha256) DO UPDATE"
            " SET keys = excluded.keys WHERE substr(image_keys.keys, 1, 4) != X'4C4B3300'",
            [image, keys],
        )

    def link_keys(self, image: str) -> bytes | None:
        row = self.db.execute(
            "SELECT keys FROM image_keys WHERE image_sha256 = ?", [image]
        ).fetchone()
        return bytes(row[0]) if row else None

    def linkable_images_since(self, rowid: int) -> list[tuple[int, str, str, str]]:
        """(rowid, sha256, phash, phash_mirror) of linkable images stored after `rowid`, so a
        long-running process tops its index up with others' work."""
        return [
            (r[0], r[1], r[2], r[3])
            for r in self.db.execute(
                "SELECT rowid, sha256, phash, phash_mirror FROM images "
                "WHERE linkable = 1 AND rowid > ? ORDER BY rowid",
                [rowid],
            )
        ]

    def link_side(self, message: str) -> LinkSide:
        """What the link guard needs of a stored message."""
        row = self.db.execute(
            "SELECT v.score, v.text_chars, "
            "EXISTS (SELECT 1 FROM indicators WHERE message_sha256 = ? AND kind = 'wallet'), "
            "EXISTS (SELECT 1 FROM message_images mi JOIN images i ON i.sha256 = mi.image_sha256 "
            "        WHERE mi.message_sha256 = ? AND i.linkable = 1) "
            "FROM (SELECT ? AS sha) q LEFT JOIN verdicts v ON v.message_sha256 = q.sha",
            [message, message, message],
        ).fetchone()
        cls = verdict_class(row[0], row[1]) if row[0] is not None else "unknown"
        return LinkSide(verdict_class=cls, wallet=bool(row[2]), picture=bool(row[3]))

    def messages_with_image(self, image: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT message_sha256 FROM message_images WHERE image_sha256 = ? "
                "ORDER BY message_sha256",
                [image],
            )
        ]

    def cluster_images(self, cluster_id: str, limit: int) -> list[str]:
        """Up to `limit` linkable pictures of the cluster's messages, the latest stored first."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT i.sha256 FROM images i WHERE i.linkable = 1 AND i.sha256 IN ("
                "  SELECT mi.image_sha256 FROM message_images mi "
                "  JOIN messages m ON m.sha256 = mi.message_sha256 WHERE m.cluster_id = ?) "
                "ORDER BY i.rowid DESC LIMIT ?",
                [cluster_id, limit],
            )
        ]

    def cluster_size(self, cluster_id: str) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) FROM messages WHERE cluster_id = ?", [cluster_id]
        ).fetchone()
        return int(row[0])

    def cluster_of(self, message: str) -> tuple[str, str]:
        """(created_at, id) of the message's cluster."""
        row = self.db.execute(
            "SELECT c.created_at, c.id FROM messages m JOIN clusters c ON c.id = m.cluster_id "
            "WHERE m.sha256 = ?",
            [message],
        ).fetchone()
        return (row[0], row[1])

    def add_edge(self, edge: Edge, now: datetime) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO edges VALUES (?, ?, ?, ?, ?, ?)",
            [edge.a, edge.b, edge.kind, edge.strength, edge.reason, iso(now)],
        )

    def merge_clusters(self, survivor: str, absorbed: str, reason: str, now: datetime) -> None:
        """Move every member of `absorbed` into `survivor`; the absorbed id is kept, retired."""
        self.db.execute(
            "UPDATE messages SET cluster_id = ? WHERE cluster_id = ?", [survivor, absorbed]
        )
        self.db.execute(
            "UPDATE clusters SET merged_into = ?, updated_at = ? WHERE id = ?",
            [survivor, iso(now), absorbed],
        )
        self.db.execute("UPDATE clusters SET updated_at = ? WHERE id = ?", [iso(now), survivor])
        self.db.execute(
            "INSERT INTO cluster_merges (at, survivor, absorbed, reason) VALUES (?, ?, ?, ?)",
            [iso(now), survivor, absorbed, reason],
        )

    # -- investigators' merges and splits ----------------------------------------------

    def members(self, cluster_id: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT sha256 FROM messages WHERE cluster_id = ? ORDER BY sha256", [cluster_id]
            )
        ]

    def add_curation(
        self, now: datetime, action: str, by: str, note: str, clusters: list[str],
        messages: list[str],
    ) -> int:  # fmt: skip
        cur = self.db.execute(
            "INSERT INTO curations (at, action, by, note, clusters, messages) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [iso(now), action, by, note, json.dumps(clusters), json.dumps(messages)],
        )
        self._audit(now, None, f"by {by}", action, json.dumps({"clusters": clusters, "note": note}))
        return int(cur.lastrowid or 0)

    def add_wall(self, curation: int, out: list[str], left: list[str]) -> None:
        self.db.conn.executemany(
            "INSERT INTO walls (curation_id, side, message_sha256) VALUES (?, ?, ?)",
            [[curation, "out", m] for m in out] + [[curation, "left", m] for m in left],
        )

    def walls_between(self, a: str, b: str) -> list[int]:
        """Standing splits with members of cluster `a` on one side and of `b` on the other
        (either way round: the answer is the same for (b, a))."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT w1.curation_id FROM walls w1 "
                "JOIN walls w2 ON w2.curation_id = w1.curation_id AND w2.side != w1.side "
                "JOIN messages m1 ON m1.sha256 = w1.message_sha256 "
                "JOIN messages m2 ON m2.sha256 = w2.message_sha256 "
                "WHERE m1.cluster_id = ? AND m2.cluster_id = ? "
                "AND w1.lifted_at IS NULL AND w2.lifted_at IS NULL ORDER BY 1",
                [a, b],
            )
        ]

    def lift_walls(self, curations: list[int], now: datetime) -> None:
        self.db.conn.executemany(
            "UPDATE walls SET lifted_at = ? WHERE curation_id = ?",
            [[iso(now), c] for c in curations],
        )

    def new_cluster(self, cluster_id: str, now: datetime) -> None:
        self.db.execute(
            "INSERT INTO clusters (id, created_at, updated_at) VALUES (?, ?, ?)",
            [cluster_id, iso(now), iso(now)],
        )

    def move_messages(self, messages: list[str], cluster_id: str, now: datetime) -> None:
        self.db.conn.executemany(
            "UPDATE messages SET cluster_id = ? WHERE sha256 = ?",
            [[cluster_id, m] for m in messages],
        )
        self.db.execute("UPDATE clusters SET updated_at = ? WHERE id = ?", [iso(now), cluster_id])

    def cluster_exists(self, cluster_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM clusters WHERE id = ?", [cluster_id]).fetchone()
            is not None
        )

    def curations_of(self, messages: list[str]) -> list[dict[str, Any]]:
        if not messages:
            return []
        wanted = json.dumps(messages)
        return self.rows(
            "SELECT DISTINCT c.id, c.at, c.action, c.by, c.note, c.clusters FROM curations c "
            "LEFT JOIN walls w ON w.curation_id = c.id "
            "WHERE w.message_sha256 IN (SELECT value FROM json_each(?)) "
            "OR EXISTS (SELECT 1 FROM json_each(c.messages) "
            "           WHERE value IN (SELECT value FROM json_each(?))) ORDER BY c.id",
            [wanted, wanted],
        )

    def add_verdict(
        self, message: str, verdict: ExtortionVerdict, text_chars: int, now: datetime
    ) -> None:
        cues = [{"group": c.group, "evidence": c.evidence} for c in verdict.cues]
        self.db.execute(
            "INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [message, verdict.score, int(verdict.extortion), verdict.model_score,
             verdict.language, json.dumps(cues, ensure_ascii=False), text_chars, iso(now)],
        )  # fmt: skip

    # -- reads --------------------------------------------------------------------------

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params or []))

    # -- IMAP checkpoints ---------------------------------------------------------------

    def get_checkpoint(self, account: str, folder: str, uidvalidity: int) -> int:
        """The highest UID stored from this folder incarnation; 0 when none."""
        row = self.db.execute(
            "SELECT last_uid FROM imap_checkpoints"
            " WHERE account = ? AND folder = ? AND uidvalidity = ?",
            [account, folder, uidvalidity],
        ).fetchone()
        return int(row[0]) if row else 0

    def set_checkpoint(
        self, account: str, folder: str, uidvalidity: int, last_uid: int, now: datetime
    ) -> None:
        """Advance the checkpoint; never back: an overlapping slower run may report less."""
        self.db.execute(
            """INSERT INTO imap_checkpoints VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(account, folder, uidvalidity) DO UPDATE SET
                 last_uid = max(last_uid, excluded.last_uid), updated_at = excluded.updated_at""",
            [account, folder, uidvalidity, last_uid, iso(now)],
        )

    # -- queue and outbox ---------------------------------------------------------------

    def routing_decision(self, cluster_id: str) -> dict[str, Any] | None:
        row = self.rows("SELECT * FROM routing_decisions WHERE cluster_id = ?", [cluster_id])
        return row[0] if row else None

    def put_routing_decision(
        self, cluster_id: str, queue: bool, priority: float, reasons: str, now: datetime
    ) -> None:
        """Keep the latest decision per cluster; rewritten only when it changed."""
        self.db.execute(
            """INSERT INTO routing_decisions VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(cluster_id) DO UPDATE SET decided_at = excluded.decided_at,
                 queue = excluded.queue, priority = excluded.priority, reasons = excluded.reasons
               WHERE queue != excluded.queue OR priority != excluded.priority
                 OR reasons != excluded.reasons""",
            [cluster_id, iso(now), int(queue), priority, reasons],
        )

    def queue_items(self, status: str | None = None) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT * FROM queue_items WHERE (? IS NULL OR status = ?) "
            "ORDER BY priority DESC, created_at, id",
            [status, status],
        )

    def queue_item(self, item_id: str) -> dict[str, Any] | None:
        row = self.rows("SELECT * FROM queue_items WHERE id = ?", [item_id])
        return row[0] if row else None

    def live_queue_item(self, cluster_id: str) -> dict[str, Any] | None:
        """The one item of a cluster that is not folded into another."""
        row = self.rows(
            "SELECT * FROM queue_items WHERE cluster_id = ? AND merged_into IS NULL", [cluster_id]
        )
        return row[0] if row else None

    def put_queue_item(self, item: dict[str, Any]) -> None:
        columns = list(item)
        self.db.execute(
            f"INSERT OR REPLACE INTO queue_items ({', '.join(columns)}) "  # noqa: S608 (our keys)
            f"VALUES ({', '.join('?' * len(columns))})",
            [item[c] for c in columns],
        )

    def add_queue_event(
        self,
        item_id: str,
        now: datetime,
        *,
        actor: str,
        event: str,
        from_status: str | None,
        to_status: str,
        detail: str | None,
    ) -> None:
        self.db.execute(
            "INSERT INTO queue_events (item_id, at, actor, event, from_status, to_status, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [item_id, iso(now), actor, event, from_status, to_status, detail],
        )

    def queue_events(self, item_id: str) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT at, actor, event, from_status, to_status, detail FROM queue_events "
            "WHERE item_id = ? ORDER BY id",
            [item_id],
        )

    def enqueue_delivery(
        self,
        key: str,
        channel: str,
        *,
        item_id: str,
        version: int,
        target: str | None,
        payload: str,
        now: datetime,
    ) -> bool:
        """Add one delivery, due now; False when that key was enqueued before (idempotent)."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO outbox (key, channel, item_id, version, target, payload, "
            "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [key, channel, item_id, version, target, payload, iso(now), iso(now)],
        )
        return cur.rowcount == 1

    def due_deliveries(self, now: datetime) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT * FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL "
            "AND next_attempt_at <= ? "
            "ORDER BY created_at, key, channel",
            [iso(now)],
        )

    def claim_delivery(self, key: str, channel: str, now: datetime, retry_at: datetime) -> bool:
        """Count an attempt and push the next one to `retry_at` before sending: a run killed
        mid-send leaves the row due again later, and an overlapping run cannot claim it too."""
        with self.transaction():
            cur = self.db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, "
                "next_attempt_at = ? WHERE key = ? AND channel = ? AND delivered_at IS NULL "
                "AND dead_at IS NULL AND next_attempt_at <= ?",
                [iso(now), iso(retry_at), key, channel, iso(now)],
            )
            return cur.rowcount == 1

    def finish_delivery(self, key: str, channel: str, now: datetime, error: str | None) -> None:
        """Record the receiver's answer: accepted (error None) or why it was not."""
        with self.transaction():
            if error is None:
                self.db.execute(
                    "UPDATE outbox SET delivered_at = ?, last_error = NULL "
                    "WHERE key = ? AND channel = ?",
                    [iso(now), key, channel],
                )
            else:
                self.db.execute(
                    "UPDATE outbox SET last_error = ? WHERE key = ? AND channel = ?",
                    [error, key, channel],
                )

    def bury_delivery(self, key: str, channel: str, now: datetime) -> None:
        """No more attempts: a dead letter, until a person looks at it."""
        with self.transaction():
            self.db.execute(
                "UPDATE outbox SET dead_at = ? WHERE key = ? AND channel = ? "
                "AND delivered_at IS NULL",
                [iso(now), key, channel],
            )

    def dead_deliveries(self) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT key, channel, item_id, attempts, last_attempt_at, last_error, dead_at "
            "FROM outbox WHERE dead_at IS NOT NULL AND delivered_at IS NULL "
            "ORDER BY dead_at, key, channel"
        )

    def amount_indicators(self) -> list[dict[str, Any]]:
        """(cluster_id, detail JSON) of every amount demanded, for routing's priority."""
        return self.rows(
            "SELECT m.cluster_id, i.detail FROM indicators i "
            "JOIN messages m ON m.sha256 = i.message_sha256 WHERE i.kind = 'amount'"
        )

    def items_of_retired_clusters(self) -> list[dict[str, Any]]:
        """Live items whose cluster was absorbed by another since they were queued."""
        return self.rows(
            "SELECT q.* FROM queue_items q JOIN clusters c ON c.id = q.cluster_id "
            "WHERE q.merged_into IS NULL AND c.merged_into IS NOT NULL ORDER BY q.id"
        )

    def outbox(
        self, *, pending_only: bool = False, item_id: str | None = None
    ) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT key, channel, item_id, version, target, created_at, attempts, "
            "next_attempt_at, last_attempt_at, last_error, delivered_at, dead_at FROM outbox "
            "WHERE (? = 0 OR (delivered_at IS NULL AND dead_at IS NULL)) "
            "AND (? IS NULL OR item_id = ?) "
            "ORDER BY created_at, key, channel",
            [int(pending_only), item_id, item_id],
        )


_MESSAGE_COLUMNS = (
    "sha256", "source", "received_at", "ingested_at", "size", "message_id", "subject",
    "from_addr", "date", "forward_kind", "forward_chain", "forwarded_by",
    "original_message_id", "original_from", "original_from_name", "original_reply_to",
    "original_to", "original_subject", "original_date", "original_text", "original_html",
    "recipient", "recipient_source", "defects", "cluster_id",
    "original_id_source", "original_digest",
)  # fmt: skip
_INSERT_MESSAGE = (
    f"INSERT OR IGNORE INTO messages ({', '.join(_MESSAGE_COLUMNS)}) "  # noqa: S608 (our constants)
    f"VALUES ({', '.join('?' * len(_MESSAGE_COLUMNS))})"
)


_KEY_FANOUT = 200


def _message_row(raw: RawMessage, u: Unwrapped, cluster_id: str, now: datetime) -> list[Any]:
    o = u.original
    defects = sorted({*u.outer.defects, *o.defects})
    return [
        raw.sha256,
        raw.source,
        iso(raw.received_at),
        iso(now),
        len(raw.raw),
        u.received_id,
        u.outer.subject,
        u.outer.sender,
        iso(u.outer.date),
        u.kind.value,
        json.dumps([k.value for k in u.chain]),
        u.forwarded_by,
        u.original_id,
        o.sender,
        o.from_[0].name if o.from_ else None,
        o.reply_to[0].email if o.reply_to else None,
        json.dumps([a.email for a in o.to if a.email]),
        o.subject,
        iso(o.date),
        o.text,
        o.html,
        u.recipient,
        u.recipient_source,
        json.dumps(defects),
        cluster_id,
        u.original_id_source,
        original_digest(u),
    ]


def _make_private_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        parent.mkdir(mode=0o700, parents=True)
