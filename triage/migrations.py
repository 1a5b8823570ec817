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


@migrations()
def m002_imap_checkpoints(db: Database) -> None:
    # The highest UID stored per folder incarnation; a new UIDVALIDITY starts at 0 (full rescan).
    db.executescript(
        """
        CREATE TABLE imap_checkpoints (
            account TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            last_uid INTEGER NOT NULL,       -- every UID up to this one is stored or recorded
            updated_at TEXT NOT NULL,
            PRIMARY KEY (account, folder, uidvalidity)
        );
        """
    )


@migrations()
def m003_campaigns(db: Database) -> None:
    # What links messages into campaigns: images and their hashes, indicators, lookup keys,
    # and every edge with its reason, so `show` can explain each join.
    db.executescript(
        """
        CREATE TABLE images (
            sha256 TEXT PRIMARY KEY,         -- of the image file's bytes (evidence/images/...)
            format TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            phash TEXT NOT NULL,             -- 64-bit hex, borders trimmed
            phash_mirror TEXT NOT NULL,
            dhash TEXT NOT NULL,
            linkable INTEGER NOT NULL,       -- big enough to join messages
            first_seen TEXT NOT NULL
        );
        CREATE TABLE message_images (
            message_sha256 TEXT NOT NULL REFERENCES messages(sha256),
            image_sha256 TEXT NOT NULL REFERENCES images(sha256),
            found_in TEXT NOT NULL,          -- attachment | inline | data-uri | pdf | zip
            name TEXT,
            PRIMARY KEY (message_sha256, image_sha256)
        );
        CREATE INDEX message_images_image ON message_images(image_sha256);
        CREATE TABLE image_refusals (    -- over a limit or undecodable: recorded, not decoded
            message_sha256 TEXT NOT NULL REFERENCES messages(sha256),
            found_in TEXT NOT NULL,
            name TEXT,
            reason TEXT NOT NULL,
            sha256 TEXT
        );
        CREATE INDEX image_refusals_message ON image_refusals(message_sha256);
        CREATE TABLE message_texts (     -- text read from attachments (PDFs), for verdicts
            message_sha256 TEXT NOT NULL REFERENCES messages(sha256),
            found_in TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX message_texts_message ON message_texts(message_sha256);
        CREATE TABLE indicators (
            message_sha256 TEXT NOT NULL REFERENCES messages(sha256),
            kind TEXT NOT NULL,              -- wallet | email | url | phone | amount | deadline
            value TEXT NOT NULL,
            detail TEXT,                     -- JSON: wallet kind, amount and currency, hours
            PRIMARY KEY (message_sha256, kind, value)
        );
        CREATE INDEX indicators_kind_value ON indicators(kind, value);
        CREATE TABLE features (          -- exact keys proposing links: wallet, contact, template
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            message_sha256 TEXT NOT NULL REFERENCES messages(sha256),
            PRIMARY KEY (kind, key, message_sha256)
        );
        CREATE TABLE text_signatures (
            message_sha256 TEXT PRIMARY KEY REFERENCES messages(sha256),
            signature TEXT NOT NULL          -- JSON list of MinHash values
        );
        CREATE TABLE edges (             -- why two messages belong to one campaign
            a_sha256 TEXT NOT NULL,
            b_sha256 TEXT NOT NULL,
            kind TEXT NOT NULL,              -- wallet | contact | template | image
            strength REAL NOT NULL,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (a_sha256, b_sha256, kind)
        );
        CREATE INDEX edges_b ON edges(b_sha256);
        CREATE TABLE cluster_merges (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            survivor TEXT NOT NULL REFERENCES clusters(id),
            absorbed TEXT NOT NULL REFERENCES clusters(id),
            reason TEXT NOT NULL
        );
        """
    )


@migrations()
def m004_verdicts(db: Database) -> None:
    # One extortion verdict per message with the cues behind it; a cluster's verdict is
    # derived from its members' when it is read, so it never goes stale after a merge.
    db.executescript(
        """
        CREATE TABLE verdicts (
            message_sha256 TEXT PRIMARY KEY REFERENCES messages(sha256),
            score REAL NOT NULL,
            extortion INTEGER NOT NULL,
            model_score REAL NOT NULL,
            language TEXT,
            cues TEXT NOT NULL,              -- JSON list of {"group", "evidence"}
            text_chars INTEGER NOT NULL,     -- how much text the verdict could read
            created_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m005_queue(db: Database) -> None:
    # The cyber-crime unit's queue: one live item per cluster, its audit trail, the latest
    # routing decision of every cluster with its reasons, and the outbox that delivers items.
    db.executescript(
        """
        CREATE TABLE routing_decisions (
            cluster_id TEXT PRIMARY KEY REFERENCES clusters(id),
            decided_at TEXT NOT NULL,
            queue INTEGER NOT NULL,
            priority REAL NOT NULL,
            reasons TEXT NOT NULL            -- JSON list of {"rule", "text"}
        );
        CREATE TABLE queue_items (
            id TEXT PRIMARY KEY,             -- Q-..., named after the cluster it was made for
            cluster_id TEXT NOT NULL REFERENCES clusters(id),
            status TEXT NOT NULL,            -- new | acknowledged | assigned | closed | reopened
                                             -- | merged (folded into merged_into)
            priority REAL NOT NULL,
            assignee TEXT,
            version INTEGER NOT NULL,        -- bumped when the campaign grows; one delivery each
            flag TEXT,                       -- why the unit should look again; ack clears it
            victims TEXT NOT NULL,           -- JSON list: what the last version reported
            wallets TEXT NOT NULL,           -- JSON list
            size INTEGER NOT NULL,
            merged_into TEXT REFERENCES queue_items(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX queue_items_live_cluster ON queue_items(cluster_id)
            WHERE merged_into IS NULL;
        CREATE TABLE queue_events (      -- who did what when, append-only
            id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES queue_items(id),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            event TEXT NOT NULL,             -- queued | grew | absorbed | ack | assign | ...
            from_status TEXT,
            to_status TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX queue_events_item ON queue_events(item_id);
        CREATE TABLE outbox (            -- a row leaves only when the receiver accepted it
            key TEXT NOT NULL,               -- delivery key: item and version (or office)
            channel TEXT NOT NULL,           -- email | webhook | folder | office_ack
            item_id TEXT NOT NULL REFERENCES queue_items(id),
            version INTEGER NOT NULL,
            target TEXT,                     -- office_ack: the office's address
            payload TEXT NOT NULL,           -- JSON document sent as it was when queued
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_attempt_at TEXT,
            last_error TEXT,
            delivered_at TEXT,
            PRIMARY KEY (key, channel)
        );
        CREATE INDEX outbox_due ON outbox(delivered_at, next_attempt_at);
        """
    )


@migrations()
def m006_manipulation(db: Database) -> None:
    # A manipulation score per image (calibrated, with its signals), and per campaign member
    # the box where it differs from its siblings and a difference picture kept as evidence.
    db.executescript(
        """
        ALTER TABLE images ADD COLUMN manipulation REAL;          -- 0..1, NULL when not scored
        ALTER TABLE images ADD COLUMN manipulation_signals TEXT;  -- JSON {name: value}
        ALTER TABLE images ADD COLUMN manipulation_region TEXT;   -- JSON [x0, y0, x1, y1]
        ALTER TABLE images ADD COLUMN manipulation_note TEXT;     -- reasons, or why not scored
        CREATE TABLE localisations (
            image_sha256 TEXT PRIMARY KEY REFERENCES images(sha256),
            box TEXT,                        -- JSON [x0, y0, x1, y1] in the image's pixels
            confidence REAL NOT NULL,
            siblings INTEGER NOT NULL,       -- campaign pictures it was compared with
            diff_sha256 TEXT,                -- difference picture under evidence/diffs/
            reason TEXT NOT NULL,
            computed_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m007_original_ids(db: Database) -> None:
    # How the forwarded original's Message-ID was found (attached, redirect, references, ...),
    # and a digest of the original's sender, subject and body, so that two offices' reports
    # of one original are recognised as one even when its id is unknown.
    db.executescript(
        """
        ALTER TABLE messages ADD COLUMN original_id_source TEXT;
        ALTER TABLE messages ADD COLUMN original_digest TEXT;   -- sha256 hex
        CREATE INDEX messages_original_digest ON messages(original_digest);
        """
    )


@migrations()
def m008_link_keys(db: Database) -> None:
    # Keypoints and a thumbnail per linkable picture, computed once at ingest, so verifying
    # a same-base link never decodes evidence again.
    db.executescript(
        """
        CREATE TABLE image_keys (
            image_sha256 TEXT PRIMARY KEY REFERENCES images(sha256),
            keys BLOB NOT NULL               -- triage.keypoints.LinkKeys.to_bytes()
        );
        """
    )


@migrations()
def m009_curation(db: Database) -> None:
    # Investigators' merges and splits. A split raises a wall between the messages it took
    # out and those it left: no later link joins the two sides again until someone merges them.
    db.executescript(
        """
        CREATE TABLE curations (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,            -- merge | split
            by TEXT NOT NULL,
            note TEXT NOT NULL,
            clusters TEXT NOT NULL,          -- JSON: the cluster ids involved
            messages TEXT NOT NULL           -- JSON: the message sha256s moved (split)
        );
        CREATE TABLE walls (
            curation_id INTEGER NOT NULL REFERENCES curations(id),
            side TEXT NOT NULL,              -- out | left
            message_sha256 TEXT NOT NULL REFERENCES messages(sha256),
            lifted_at TEXT,                  -- a later merge of the two sides lifts it
            PRIMARY KEY (curation_id, message_sha256)
        );
        CREATE INDEX walls_message ON walls(message_sha256);
        """
    )


@migrations()
def m010_dead_letters(db: Database) -> None:
    # A delivery that failed [delivery] max_attempts times is not tried again: it waits,
    # listed by `queue` and `route`, for a person to look at the receiver.
    db.executescript("ALTER TABLE outbox ADD COLUMN dead_at TEXT;")


@migrations()
def m011_campaign_manipulation(db: Database) -> None:
    # Campaign evidence (a region no sibling shows) raises an image's manipulation score;
    # the picture's own score is kept beside it, and the reason is stored for `show`.
    db.executescript(
        """
        ALTER TABLE images ADD COLUMN manipulation_picture REAL;   -- the picture alone, 0..1
        ALTER TABLE images ADD COLUMN manipulation_campaign REAL;  -- campaign evidence, 0..1
        ALTER TABLE images ADD COLUMN manipulation_campaign_reason TEXT;
        """
    )


@migrations()
def m012_message_search(db: Database) -> None:
    # Full-text search for the web view (subject words, recipients, senders, body), kept in
    # step with `messages` by triggers, so every writer (ingest, poll) updates it for free.
    # Trigram tokens: Chinese subjects have no spaces between words, so a word tokenizer
    # would index a whole line as one token; trigrams find any run of 3 or more characters.
    # (SQLite 3.40 on Debian 12 has neither concat_ws nor contentless_delete: a plain table.)
    fields = {
        "subject": "coalesce({p}original_subject, '') || ' ' || coalesce({p}subject, '')",
        "recipient": "coalesce({p}recipient, '') || ' ' || coalesce({p}original_to, '')"
        " || ' ' || coalesce({p}forwarded_by, '')",
        "sender": "coalesce({p}original_from_name, '') || ' ' || coalesce({p}original_from, '')"
        " || ' ' || coalesce({p}from_addr, '')",
        "body": "coalesce({p}original_text, '')",
    }
    names = ", ".join(fields)

    def values(prefix: str) -> str:
        return ", ".join(v.format(p=prefix) for v in fields.values())

    db.executescript(
        f"""
        CREATE VIRTUAL TABLE messages_fts USING fts5({names}, tokenize='trigram');
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, {names}) VALUES (new.rowid, {values("new.")});
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF original_subject, subject, recipient,
            original_to, forwarded_by, original_from_name, original_from, from_addr,
            original_text ON messages BEGIN
            DELETE FROM messages_fts WHERE rowid = old.rowid;
            INSERT INTO messages_fts (rowid, {names}) VALUES (new.rowid, {values("new.")});
        END;
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            DELETE FROM messages_fts WHERE rowid = old.rowid;
        END;
        INSERT INTO messages_fts (rowid, {names}) SELECT rowid, {values("")} FROM messages;
        """  # noqa: S608 (the column lists above, no input)
    )
