"""The SQLite store through sqlite-utils: the only module that writes SQL (SQLite)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from triage.errors import StoreError
from triage.migrations import migrations
from triage.records import RawMessage, Unwrapped


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


class Store:
    """One SQLite file; each message and its derived rows commit in one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            _make_private_parent(path)
            conn = sqlite3.connect(path, timeout=30)
            self.db = Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
            self.db.execute("PRAGMA foreign_keys=ON")
            migrations.apply(self.db)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open store {path}: {e}") from e
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{path}{suffix}")
            if p.exists():
                os.chmod(p, 0o600)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.atomic():
            yield

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

    # -- reads --------------------------------------------------------------------------

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params or []))


_MESSAGE_COLUMNS = (
    "sha256", "source", "received_at", "ingested_at", "size", "message_id", "subject",
    "from_addr", "date", "forward_kind", "forward_chain", "forwarded_by",
    "original_message_id", "original_from", "original_from_name", "original_reply_to",
    "original_to", "original_subject", "original_date", "original_text", "original_html",
    "recipient", "recipient_source", "defects", "cluster_id",
)  # fmt: skip
_INSERT_MESSAGE = (
    f"INSERT OR IGNORE INTO messages ({', '.join(_MESSAGE_COLUMNS)}) "  # noqa: S608 (our constants)
    f"VALUES ({', '.join('?' * len(_MESSAGE_COLUMNS))})"
)


def _message_row(raw: RawMessage, u: Unwrapped, cluster_id: str, now: datetime) -> list[Any]:
    o = u.original
    forwarded = bool(u.chain)
    defects = sorted({*u.outer.defects, *o.defects})
    return [
        raw.sha256,
        raw.source,
        iso(raw.received_at),
        iso(now),
        len(raw.raw),
        u.outer.message_id,
        u.outer.subject,
        u.outer.sender,
        iso(u.outer.date),
        u.kind.value,
        json.dumps([k.value for k in u.chain]),
        u.forwarded_by,
        # The original has an id of its own only when it travelled whole (attached, redirected).
        o.message_id if forwarded and o.message_id != u.outer.message_id else None,
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
    ]


def _make_private_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        parent.mkdir(mode=0o700, parents=True)
