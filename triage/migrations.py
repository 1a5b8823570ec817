"""The store's schema, one sqlite-utils migration per change, applied in order (SQLite)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("triage")


@migrations()
def m001_messages(db: Database) -> None:
    # One row per raw message (identity: sha256 of its bytes); the original's fields flattened
    # in, because every later stage (indicators, images, verdicts, clusters) reads them.
    db.executescript(
        """
        CREATE TABLE messages (
            sha256 TEXT PRIMARY KEY,
            source TEXT NOT NULL,            -- where it was first seen
            received_at TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            size INTEGER NOT NULL,
            message_id TEXT,                 -- as it reached the triage mailbox
            subject TEXT,
            from_addr TEXT,
            date TEXT,
            forward_kind TEXT NOT NULL,      -- direct | attachment | inline | redirect
            forward_chain TEXT NOT NULL,     -- JSON list, outermost hop first
            forwarded_by TEXT,
            original_message_id TEXT,
            original_from TEXT,
            original_from_name TEXT,
            original_reply_to TEXT,
            original_to TEXT,                -- JSON list of addresses
            original_subject TEXT,
            original_date TEXT,
            original_text TEXT,
            original_html TEXT,
            recipient TEXT,
            recipient_source TEXT,
            defects TEXT NOT NULL,           -- JSON list
            cluster_id TEXT NOT NULL REFERENCES clusters(id)
        );
        CREATE INDEX messages_message_id ON messages(message_id);
        CREATE INDEX messages_original_message_id ON messages(original_message_id);
        CREATE INDEX messages_recipient ON messages(recipient);
        CREATE INDEX messages_cluster ON messages(cluster_id);

        CREATE TABLE message_sources (   -- every place the same bytes were seen
            sha256 TEXT NOT NULL REFERENCES messages(sha256),
            source TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (sha256, source)
        );

        CREATE TABLE attachments (
            message_sha256 TEXT NOT NULL REFERENCES messages(sha256),
            position INTEGER NOT NULL,
            sha256 TEXT NOT NULL,            -- of the decoded content
            filename TEXT,                   -- display only; never a path
            content_type TEXT NOT NULL,
            content_id TEXT,
            inline INTEGER NOT NULL,
            size INTEGER NOT NULL,
            PRIMARY KEY (message_sha256, position)
        );
        CREATE INDEX attachments_sha256 ON attachments(sha256);

        CREATE TABLE clusters (
            id TEXT PRIMARY KEY,             -- stable: never changes for existing members
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            merged_into TEXT REFERENCES clusters(id)
        );

        CREATE TABLE failures (          -- bytes kept as evidence that could not be read as mail
            sha256 TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            error TEXT NOT NULL,
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            attempts INTEGER NOT NULL
        );

        CREATE TABLE audit (             -- what happened to each message, append-only
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            sha256 TEXT,
            source TEXT,
            event TEXT NOT NULL,             -- received | stored | duplicate | failed
            detail TEXT
        );
        CREATE INDEX audit_sha256 ON audit(sha256);
        """
    )
