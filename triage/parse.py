"""Raw bytes -> ParsedMessage, keeping the MIME structure that forwards live in (pure).

mail-parser decodes headers (encoded words, addresses, dates); the MIME tree we walk
ourselves, because mail-parser flattens forwarded messages into their container.
"""

from __future__ import annotations

import base64
import email
import email.errors
import email.header
import email.utils
import logging
import mimetypes
import re
from dataclasses import replace
from datetime import UTC, datetime
from email import policy
from email.message import Message
from typing import Any

import mailparser

from triage.errors import ParseError
from triage.outlook import (
    OLE2_MAGIC,
    OutlookError,
    is_outlook_item,
    is_tnef,
    read_outlook_item,
    read_tnef,
)
from triage.records import Address, Attachment, ParsedMessage, sha256_hex
from triage.textcodec import decode_text

logging.getLogger("mailparser").setLevel(logging.ERROR)

# Magic numbers of files that end up in an ingest folder but are not e-mail.
_NOT_EMAIL = (
    (b"\x89PNG", "a PNG image, not an e-mail"),
    (b"\xff\xd8\xff", "a JPEG image, not an e-mail"),
    (b"GIF8", "a GIF image, not an e-mail"),
    (b"%PDF", "a PDF document, not an e-mail"),
    (b"PK\x03\x04", "a ZIP archive, not an e-mail"),
    (b"\x1f\x8b", "a gzip file, not an e-mail"),
)
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:", re.MULTILINE)  # RFC 5322 field name then ':'
_MAIL_HEADERS = ("from", "to", "subject", "date", "message-id", "received", "return-path")
_EML_NAME = re.compile(r"\.(eml|msg\.txt|mht)$", re.IGNORECASE)


def parse_message(raw: bytes, *, max_mime_depth: int = 60) -> ParsedMessage:
    """Parse one message (MIME, or an Outlook .msg item); raise ParseError with a one-line
    reason when it is not e-mail."""
    if raw.startswith(OLE2_MAGIC):
        try:
            return _build(read_outlook_item(raw))
        except OutlookError as e:
            raise ParseError(f"Outlook .msg item: {e}") from e
    _check_looks_like_mail(raw)
    try:
        msg = email.message_from_bytes(raw, policy=policy.compat32)
    except RecursionError as e:
        raise ParseError("MIME nesting too deep to parse (hostile structure)") from e
    depth = _mime_depth(msg, max_mime_depth + 1)
    if depth > max_mime_depth:
        raise ParseError(f"MIME nesting deeper than {max_mime_depth} levels (hostile structure)")
    if not any(msg.get(h) is not None for h in _MAIL_HEADERS):
        raise ParseError("no e-mail headers found (From, To, Subject, Date, ...)")
    return _build(msg)


def _check_looks_like_mail(raw: bytes) -> None:
    if not raw.strip():
        raise ParseError("empty file")
    head = raw.lstrip()[:16]
    for magic, what in _NOT_EMAIL:
        if head.startswith(magic):
            raise ParseError(f"{what}")
    if raw[:4096].count(b"\x00") > 8:  # a stray NUL happens in mail; many mean a binary file
        raise ParseError("binary data, not an e-mail")
    first = raw[:4096]
    if first.startswith(b"From ") and b"\n" in first:  # an mbox From_ line left in a file
        first = first.split(b"\n", 1)[1]
    if not _HEADER_LINE.match(first.lstrip(b"\r\n")):
        raise ParseError("does not start with e-mail headers")


def _mime_depth(msg: Message, limit: int) -> int:
    """Deepest nesting of the tree, counted without recursion and stopping at `limit`."""
    deepest = 0
    stack = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest >= limit:
            return deepest
        if part.is_multipart():
            stack.extend((child, depth + 1) for child in _children(part))
    return deepest


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


_MAX_CONTAINER_DEPTH = 12  # messages inside messages (attached .eml, .msg), however packed


def _build(msg: Message, depth: int = 0) -> ParsedMessage:
    head = _headers(msg)
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[Attachment] = []
    forwarded: list[ParsedMessage] = []
    defects: list[str] = [type(d).__name__ for d in msg.defects]
    for part in _leaves(msg):
        defects.extend(type(d).__name__ for d in part.defects if part is not msg)
        ctype = part.get_content_type()
        if ctype == "message/rfc822" and part.is_multipart():
            inner = part.get_payload(0)
            if isinstance(inner, Message):
                if depth >= _MAX_CONTAINER_DEPTH:
                    defects.append("ForwardedMessagesTooDeep")
                else:
                    forwarded.append(_build(inner, depth + 1))
            continue
        disposition = (part.get_content_disposition() or "").lower()
        filename = _display_filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment":
            text, note = decode_text(_payload(part, defects), part.get_content_charset())
            if note:
                defects.append(note)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            (htmls if ctype == "text/html" else texts).append(text)
            continue
        if part.get_content_maintype() in ("multipart", "message"):
            # A container that could not be split (no boundary, or message/delivery-status):
            # its raw text is all we have, so keep it as body text rather than lose it.
            texts.append(_container_text(part))
            continue
        data = _payload(part, defects)
        note = None
        if _is_attached_eml(ctype, filename, data) or _is_outlook_item(ctype, filename, data):
            inner_or_note = _attached_message(data, depth)
            if isinstance(inner_or_note, ParsedMessage):
                forwarded.append(inner_or_note)
                continue
            note = inner_or_note
        attachment = Attachment(
            filename=filename,
            content_type=ctype,
            content_id=_content_id(part),
            inline=_is_inline(part, disposition),
            data=data,
            sha256=sha256_hex(data),
            note=note,
        )
        if is_tnef(data):
            attachments.extend(_open_tnef(attachment, texts, htmls))
        else:
            attachments.append(attachment)
    return ParsedMessage(
        **head,
        text="\n".join(t for t in texts if t),
        html="\n".join(h for h in htmls if h),
        attachments=tuple(attachments),
        forwarded=tuple(forwarded),
        defects=tuple(dict.fromkeys(defects)),
    )


def _attached_message(data: bytes, depth: int) -> ParsedMessage | str:
    """A message attached as a file (.eml, Outlook .msg), or why it stays a plain file."""
    if depth >= _MAX_CONTAINER_DEPTH:
        return f"attached message nested deeper than {_MAX_CONTAINER_DEPTH}: not opened"
    try:
        if data.startswith(OLE2_MAGIC):
            return _build(read_outlook_item(data), depth + 1)
        return _build(email.message_from_bytes(data, policy=policy.compat32), depth + 1)
    except OutlookError as e:
        return str(e)
    except RecursionError:
        return "attached message nested too deep to parse"


def _open_tnef(container: Attachment, texts: list[str], htmls: list[str]) -> list[Attachment]:
    """A winmail.dat: kept as it is, its body added to the message's, its files listed as the
    message's own attachments (that is what Exchange packed into it)."""
    try:
        content = read_tnef(container.data)
    except OutlookError as e:
        return [replace(container, note=str(e))]
    texts.append(content.text.replace("\r\n", "\n"))
    htmls.append(content.html)
    files = [
        Attachment(
            filename=f.name,
            content_type=mimetypes.guess_type(f.name or "")[0] or "application/octet-stream",
            content_id=None,
            inline=False,
            data=f.data,
            sha256=sha256_hex(f.data),
        )
        for f in content.files
    ]
    return [container, *files]


def _leaves(msg: Message) -> list[Message]:
    """Non-multipart parts in document order; message/rfc822 parts are leaves here."""
    out: list[Message] = []
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop()
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            stack.extend(reversed(_children(part)))
        else:
            out.append(part)
    return out


_MAX_HEADER_CHARS = 64 * 1024  # a longer header value is cut to this before it is decoded


def _header_view(msg: Message, drop: frozenset[str] = frozenset()) -> Message:
    """The headers alone (mail-parser then decodes them without walking the body again), each
    value cut to _MAX_HEADER_CHARS: decoding encoded words takes time quadratic in their
    number (stdlib), so one hostile megabyte-long Subject would hold a run for minutes."""
    view = Message(policy=msg.policy)
    for name, value in msg.raw_items():  # as stored: a value fetched may be a Header object
        if name.lower() not in drop:
            view[name] = value[:_MAX_HEADER_CHARS]
    view.set_payload("")
    return view


# What mail-parser raises on a hostile header (it decodes lazily, on each access).
_HEADER_ERRORS = (email.errors.HeaderParseError, ValueError, LookupError, UnicodeError)
_ADDRESS_HEADERS = frozenset({"bcc", "cc", "delivered-to", "from", "reply-to", "to"})


def _headers(msg: Message) -> dict[str, Any]:
    view = _header_view(msg)
    try:
        mp, bare = mailparser.MailParser(view), False
    except _HEADER_ERRORS:  # an undecodable encoded word in a name: addresses read plainly
        mp, bare = mailparser.MailParser(_header_view(msg, _ADDRESS_HEADERS)), True

    def addresses(attr: str, header: str) -> tuple[Address, ...]:
        try:
            if not bare:
                return _addresses(getattr(mp, attr))
        except _HEADER_ERRORS:
            pass
        return _header_addresses(view, header)

    def value(attr: str) -> object:
        try:
            return getattr(mp, attr)
        except _HEADER_ERRORS:
            return None

    return {
        "message_id": _clean_id(value("message_id")),
        "subject": decode_subject(view.get("Subject")) or _one_text(value("subject")),
        "from_": addresses("from_", "From"),
        "to": addresses("to", "To"),
        "cc": addresses("cc", "Cc"),
        "reply_to": addresses("reply_to", "Reply-To"),
        "date": _utc(value("date")),
        # mail-parser gives Resent-* as plain strings, so split them here
        "resent_from": _header_addresses(msg, "Resent-From"),
        "resent_to": _header_addresses(msg, "Resent-To"),
        "resent_date": _parse_header_date(msg.get("Resent-Date")),
        "resent_message_ids": _header_ids(msg, "Resent-Message-ID"),
        "references": _header_ids(msg, "References"),
        "in_reply_to": _header_ids(msg, "In-Reply-To"),
        "forwarded_message_id": next(iter(_header_ids(msg, "X-Forwarded-Message-Id")), None),
    }


def _one_text(value: object) -> str | None:
    """mail-parser gives a list when a header is repeated: the first one counts."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v), None)
    return value if isinstance(value, str) and value else None


_MSG_ID = re.compile(r"<[^<>\s]{1,250}>")
_MAX_IDS = 100  # a References header longer than this is cut to its newest ids


def _header_ids(msg: Message, name: str) -> tuple[str, ...]:
    """Message ids in every `name` header, in order (the first header is the outermost)."""
    ids: list[str] = []
    for value in msg.get_all(name, []):
        ids.extend(_MSG_ID.findall(str(value)[:50_000]))
    return tuple(dict.fromkeys(ids[-_MAX_IDS:]))


def decode_subject(value: object) -> str | None:
    """Encoded words decoded with our charset rules (GB2312 words often hold GBK bytes)."""
    if value is None:
        return None
    try:
        chunks = email.header.decode_header(str(value))
    except email.errors.HeaderParseError:  # a broken encoded word: the text as it stands
        return " ".join(str(value).split()) or None
    except (ValueError, LookupError, UnicodeError):
        return None
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        else:
            out.append(decode_text(chunk, charset or "ascii")[0])
    text = "".join(out)
    return " ".join(text.split()) or None


def _header_addresses(msg: Message, name: str) -> tuple[Address, ...]:
    values = [str(v) for v in msg.get_all(name, [])]
    pairs = email.utils.getaddresses(values)
    return tuple(Address(name=n.strip(), email=a.strip().lower()) for n, a in pairs if "@" in a)


def _addresses(value: object) -> tuple[Address, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if isinstance(item, tuple) and len(item) == 2:
            name, addr = (str(x) if x is not None else "" for x in item)
            out.append(Address(name=name.strip(), email=addr.strip().lower()))
    return tuple(out)


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _parse_header_date(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        return _utc(email.utils.parsedate_to_datetime(str(value)))
    except (TypeError, ValueError, IndexError):
        return None


def _clean_id(value: object) -> str | None:
    text = str(value or "").strip()
    return text or None


def _payload(part: Message, defects: list[str]) -> bytes:
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
        return _lenient_b64(part, defects)
    try:
        data = part.get_payload(decode=True)  # lenient: truncated base64 gives what it can
    except Exception:  # the stdlib's decoders raise odd things on hostile input (uuencode)
        defects.append("UndecodablePayload")
        return b""
    if isinstance(data, bytes):
        return data
    return b""


def _lenient_b64(part: Message, defects: list[str]) -> bytes:
    """Decode what there is of a truncated or dirty base64 body (the stdlib hands back the
    undecoded text when the length is off)."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return b""
    # Some mailers emit several padded chunks in one body: decode each in turn.
    chunks = [c for c in re.split(r"=+", re.sub(r"[^A-Za-z0-9+/=]", "", payload)) if c]
    data = b""
    for i, clean in enumerate(chunks):
        usable = len(clean) - len(clean) % 4
        if usable != len(clean) and i == len(chunks) - 1 and not payload.rstrip().endswith("="):
            defects.append("TruncatedBase64")
        tail = clean[usable:]
        data += base64.b64decode(clean[:usable])
        if len(tail) >= 2:  # 2 or 3 leftover characters still carry whole bytes
            data += base64.b64decode(tail + "=" * (4 - len(tail)))
    return data


def _container_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload
    try:
        return "\n".join(p.as_string() for p in payload if isinstance(p, Message))
    except (LookupError, UnicodeError, ValueError):
        return ""


def _display_filename(part: Message) -> str | None:
    """The sender's file name made harmless for display: never a path, never control chars."""
    try:
        name = part.get_filename()
    except (LookupError, UnicodeError, ValueError):
        return None
    if not name:
        return None
    name = str(email.header.make_header(email.header.decode_header(name))) if "=?" in name else name
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or None


def _is_inline(part: Message, disposition: str) -> bool:
    return disposition == "inline" or (not disposition and part.get("Content-ID") is not None)


def _content_id(part: Message) -> str | None:
    cid = part.get("Content-ID")
    return str(cid).strip().strip("<>") or None if cid else None


def _is_outlook_item(ctype: str, filename: str | None, data: bytes) -> bool:
    """An attached Outlook item: said so by its type or name (then a broken one is refused
    with its reason), or recognised by its property streams."""
    if not data.startswith(OLE2_MAGIC):
        return False
    named = ctype == "application/vnd.ms-outlook" or (filename or "").lower().endswith(".msg")
    return named or is_outlook_item(data)


def _is_attached_eml(ctype: str, filename: str | None, data: bytes) -> bool:
    if ctype == "message/rfc822":
        return bool(data)
    if ctype not in ("application/octet-stream", "text/plain", "application/eml"):
        return False
    if not (filename and _EML_NAME.search(filename)):
        return False
    head = data[:4096].lstrip()
    return bool(_HEADER_LINE.match(head)) and any(
        re.search(rb"(?im)^" + h.encode() + rb":", head) for h in _MAIL_HEADERS
    )
