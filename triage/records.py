"""Frozen records passed between the stages of the pipeline (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


def sha256_hex(data: bytes) -> str:
    """The identity of evidence: lowercase hex sha256."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class RawMessage:
    """Bytes of one message exactly as they reached the triage mailbox."""

    raw: bytes
    sha256: str  # identity of the evidence; dedupes across files and mailboxes
    source: (
        str  # file path, "path#index" in an mbox, or imap://account/folder;UIDVALIDITY=..;UID=..
    )
    received_at: datetime

    @classmethod
    def from_bytes(cls, raw: bytes, *, source: str, received_at: datetime) -> RawMessage:
        return cls(raw=raw, sha256=sha256_hex(raw), source=source, received_at=received_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    name: str
    email: str  # lowercased; empty when the header held only a name


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """A non-text part. `filename` is for display only and is never used as a path."""

    filename: str | None
    content_type: str
    content_id: str | None
    inline: bool
    data: bytes
    sha256: str
    note: str | None = None  # why a container (Outlook item, winmail.dat) was left unopened


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedMessage:
    """One message (outer or forwarded) with its structure kept."""

    message_id: str | None
    subject: str | None
    from_: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    date: datetime | None
    resent_from: tuple[Address, ...] = ()
    resent_to: tuple[Address, ...] = ()
    resent_date: datetime | None = None
    resent_message_ids: tuple[str, ...] = ()  # one per redirect, outermost first
    references: tuple[str, ...] = ()  # References, oldest first
    in_reply_to: tuple[str, ...] = ()
    forwarded_message_id: str | None = None  # X-Forwarded-Message-Id (Thunderbird)
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    forwarded: tuple[ParsedMessage, ...] = ()  # message/rfc822 parts, in order
    defects: tuple[str, ...] = ()

    @property
    def sender(self) -> str | None:
        return self.from_[0].email if self.from_ and self.from_[0].email else None


class ForwardKind(StrEnum):
    DIRECT = "direct"  # sent straight to the triage mailbox
    ATTACHMENT = "attachment"  # original attached as message/rfc822 or .eml
    INLINE = "inline"  # original quoted in the body under a "Forwarded message" block
    REDIRECT = "redirect"  # original as-is, with Resent-* headers


@dataclass(frozen=True, slots=True, kw_only=True)
class Unwrapped:
    """A message as received, and the original it carries once forwards are peeled off."""

    outer: ParsedMessage
    original: ParsedMessage
    chain: tuple[ForwardKind, ...]  # outermost hop first; () when sent directly
    forwarded_by: str | None
    recipient: str | None  # the real recipient (legislator), lowercased
    recipient_source: str | None  # why: original-to, office, forwarder, resent, ...
    original_id: str | None = None  # the forwarded original's Message-ID, when known
    original_id_source: str | None = None  # how it was found: attached, redirect, references...

    @property
    def received_id(self) -> str | None:
        """The id of the message as it reached the triage mailbox: a redirect's own
        Resent-Message-ID (the outermost), else its Message-ID."""
        ids = self.outer.resent_message_ids
        return ids[0] if ids else self.outer.message_id

    @property
    def kind(self) -> ForwardKind:
        return self.chain[0] if self.chain else ForwardKind.DIRECT


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestFailure:
    source: str
    error: str
    sha256: str | None = None  # set when the bytes were kept as evidence


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestSkip:
    """A file in a folder walk that is not taken as mail, listed so nothing goes unsaid."""

    source: str
    reason: str


@dataclass(slots=True, kw_only=True)
class IngestReport:
    """Counts of one ingest run; the --json shape of interface.md."""

    read: int = 0
    new: int = 0
    duplicates: int = 0
    failed: list[IngestFailure] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # sha256 of what this run stored
    skipped: list[IngestSkip] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "read": self.read,
            "new": self.new,
            "duplicates": self.duplicates,
            "failed": [{"source": f.source, "error": f.error} for f in self.failed],
        }

    def as_ingest_json(self) -> dict[str, object]:
        """`triage ingest --json`: the counts and the files a folder walk did not read."""
        skipped = [{"source": s.source, "reason": s.reason} for s in self.skipped]
        return {**self.as_json(), "skipped": skipped}
