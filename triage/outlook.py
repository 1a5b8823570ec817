"""Outlook's own formats -> stdlib e-mail messages: .msg items (OLE2) and TNEF winmail.dat
parts (pure; the only importer of olefile and tnefparse).

An Outlook item is read into a MIME message the rest of parsing already understands: its
Internet headers as the server received them (PR_TRANSPORT_MESSAGE_HEADERS) when it has
them, else headers made from its MAPI properties; its plain and HTML bodies; its attachments,
an attached Outlook item becoming a message/rfc822 part, so a forward inside keeps its
structure. A winmail.dat gives the body and files Exchange packed into it.

Both formats are read from hostile bytes under limits (size, nesting, count); whatever goes
wrong is an OutlookError with a one-line reason, never another exception.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import encoders
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.parser import HeaderParser
from email.utils import format_datetime, formataddr

import olefile
import tnefparse

logging.getLogger("olefile").setLevel(logging.CRITICAL)
logging.getLogger("tnefparse").setLevel(logging.CRITICAL)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian


class OutlookError(Exception):
    """An Outlook item or winmail.dat that cannot be read; the message is one line."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OutlookLimits:
    max_bytes: int = 64 * 1024 * 1024  # one item or winmail.dat
    max_depth: int = 4  # Outlook items attached inside Outlook items
    max_attachments: int = 200  # per item or winmail.dat
    max_tnef_objects: int = 20_000  # attribute records in one winmail.dat


# MAPI property ids (MS-OXPROPS) and types.
_SUBJECT, _TRANSPORT_HEADERS, _BODY, _HTML = 0x0037, 0x007D, 0x1000, 0x1013
_SENDER_NAME, _SENDER_EMAIL, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_MESSAGE_ID, _IN_REPLY_TO, _REFERENCES = 0x1035, 0x1042, 0x1039
_SUBMIT_TIME, _DELIVERY_TIME, _CODEPAGE = 0x0039, 0x0E06, 0x3FFD
_RECIP_TYPE, _RECIP_NAME, _RECIP_EMAIL, _RECIP_SMTP = 0x0C15, 0x3001, 0x3003, 0x39FE
_ATTACH_DATA, _ATTACH_NAME, _ATTACH_LONG_NAME, _ATTACH_MIME = 0x3701, 0x3704, 0x3707, 0x370E
_ATTACH_METHOD, _ATTACH_CID = 0x3705, 0x3712
_EMBEDDED_MESSAGE = 5  # PR_ATTACH_METHOD: ATTACH_EMBEDDED_MSG
_PT_UNICODE, _PT_STRING8, _PT_BINARY, _PT_OBJECT = 0x001F, 0x001E, 0x0102, 0x000D
_PT_LONG, _PT_SYSTIME = 0x0003, 0x0040
# Headers that describe the MIME body as sent; the body is rebuilt here, so they would lie.
_BODY_HEADERS = {"content-type", "content-transfer-encoding", "mime-version", "content-length"}
_CTL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def is_outlook_item(data: bytes) -> bool:
    """OLE2 bytes that hold an Outlook item (a .doc or .xls is OLE2 too, and is not one)."""
    if not data.startswith(OLE2_MAGIC):
        return False
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return bool(ole.exists("__properties_version1.0")) and any(
                entry[0].startswith("__substg1.0_") for entry in ole.listdir()
            )
    except Exception:  # a broken OLE2 file is simply not an item we can read
        return False


def read_outlook_item(data: bytes, limits: OutlookLimits | None = None) -> Message:
    """An Outlook .msg item as a MIME message; OutlookError when it cannot be read."""
    limits = limits or OutlookLimits()
    if len(data) > limits.max_bytes:
        raise OutlookError(f"Outlook item larger than {limits.max_bytes} bytes")
    if not data.startswith(OLE2_MAGIC):
        raise OutlookError("not an OLE2 file")
    try:
        # always a file object: olefile takes short bytes for a file name
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("__properties_version1.0"):
                raise OutlookError("an OLE2 document, not an Outlook item")
            return _Item(ole, "", limits, depth=0).message()
    except OutlookError:
        raise
    except RecursionError as e:
        raise OutlookError("Outlook item nested too deep") from e
    except Exception as e:  # olefile raises many kinds on hostile input
        raise OutlookError(f"unreadable Outlook item: {_why(e)}") from e


def _why(e: BaseException) -> str:
    text = " ".join(str(e).split())[:160]
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


class _Item:
    """One Outlook item inside an OLE2 file: the root, or an attached item's storage."""

    def __init__(self, ole: olefile.OleFileIO, prefix: str, limits: OutlookLimits, depth: int):
        self.ole, self.prefix, self.limits, self.depth = ole, prefix, limits, depth
        header = 32 if not prefix else 24  # MS-OXMSG 2.4: top-level vs embedded item
        self.props = _fixed_properties(self._stream(prefix + "__properties_version1.0"), header)
        codepage = self.props.get(_CODEPAGE)
        self.codepage = f"cp{codepage}" if isinstance(codepage, int) else "cp1252"

    def _stream(self, path: str) -> bytes:
        if not self.ole.exists(path):
            return b""
        size = self.ole.get_size(path)
        if size > self.limits.max_bytes:
            raise OutlookError(f"stream {path.rsplit('/', 1)[-1]} larger than the limit")
        data: bytes = self.ole.openstream(path).read(self.limits.max_bytes)
        return data

    def string(self, prop: int, base: str | None = None) -> str | None:
        base = self.prefix if base is None else base
        raw = self._stream(f"{base}__substg1.0_{prop:04X}{_PT_UNICODE:04X}")
        if raw:
            return raw.decode("utf-16-le", "replace").rstrip("\x00") or None
        raw = self._stream(f"{base}__substg1.0_{prop:04X}{_PT_STRING8:04X}")
        if raw:
            return _decode(raw, self.codepage).rstrip("\x00") or None
        return None

    def binary(self, prop: int, base: str | None = None) -> bytes:
        base = self.prefix if base is None else base
        return self._stream(f"{base}__substg1.0_{prop:04X}{_PT_BINARY:04X}")

    def message(self) -> Message:
        text = self.string(_BODY) or ""
        html_raw = self.binary(_HTML)
        html = _decode(html_raw, self.codepage) if html_raw else (self.string(_HTML) or "")
        parts: list[Message] = []
        if text:
            parts.append(MIMEText(text, "plain", "utf-8"))
        if html:
            parts.append(MIMEText(html, "html", "utf-8"))
        parts.extend(self.attachments())
        root = MIMEMultipart("mixed")
        for part in parts:
            root.attach(part)
        for name, value in self.headers():
            root[name] = value
        return root

    def headers(self) -> list[tuple[str, str]]:
        transport = self.string(_TRANSPORT_HEADERS)
        if transport:
            parsed = HeaderParser().parsestr(transport[:1_000_000])
            found = [
                (k, _one_line(str(v))) for k, v in parsed.items() if k.lower() not in _BODY_HEADERS
            ]
            if any(k.lower() in ("from", "subject", "message-id") for k, _ in found):
                return found
        return self.headers_from_properties()

    def headers_from_properties(self) -> list[tuple[str, str]]:
        """An item saved before it was sent, or by a client that keeps no Internet headers."""
        out: list[tuple[str, str]] = []
        sender = self.string(_SENDER_SMTP) or self.string(_SENDER_EMAIL)
        if sender and "@" in sender:
            out.append(("From", formataddr((self.string(_SENDER_NAME) or "", sender))))
        to, cc = self.recipients()
        if to:
            out.append(("To", ", ".join(to)))
        if cc:
            out.append(("Cc", ", ".join(cc)))
        subject = self.string(_SUBJECT)
        if subject:
            out.append(("Subject", subject))
        when = self.props.get(_SUBMIT_TIME) or self.props.get(_DELIVERY_TIME)
        if isinstance(when, datetime):
            out.append(("Date", format_datetime(when)))
        for prop, name in ((_MESSAGE_ID, "Message-ID"), (_IN_REPLY_TO, "In-Reply-To"),
                           (_REFERENCES, "References")):  # fmt: skip
            value = self.string(prop)
            if value:
                out.append((name, value))
        return [(k, _one_line(v)) for k, v in out]

    def recipients(self) -> tuple[list[str], list[str]]:
        to: list[str] = []
        cc: list[str] = []
        for storage in self._children("__recip_version1.0_#"):
            props = _fixed_properties(self._stream(storage + "__properties_version1.0"), 8)
            email = self.string(_RECIP_SMTP, storage) or self.string(_RECIP_EMAIL, storage)
            if not email or "@" not in email:
                continue
            address = formataddr((self.string(_RECIP_NAME, storage) or "", email))
            (cc if props.get(_RECIP_TYPE) == 2 else to).append(address)  # 3 (Bcc) is rare
        return to, cc

    def attachments(self) -> list[Message]:
        storages = self._children("__attach_version1.0_#")
        if len(storages) > self.limits.max_attachments:
            raise OutlookError(f"more than {self.limits.max_attachments} attachments")
        return [self.attachment(storage) for storage in storages]

    def attachment(self, storage: str) -> Message:
        props = _fixed_properties(self._stream(storage + "__properties_version1.0"), 8)
        embedded = f"{storage}__substg1.0_{_ATTACH_DATA:04X}{_PT_OBJECT:04X}/"
        if props.get(_ATTACH_METHOD) == _EMBEDDED_MESSAGE or self.ole.exists(embedded[:-1]):
            if self.depth + 1 > self.limits.max_depth:
                raise OutlookError(f"Outlook items nested deeper than {self.limits.max_depth}")
            inner = _Item(self.ole, embedded, self.limits, self.depth + 1).message()
            return MIMEMessage(inner)
        data = self.binary(_ATTACH_DATA, storage)
        name = self.string(_ATTACH_LONG_NAME, storage) or self.string(_ATTACH_NAME, storage)
        ctype = (self.string(_ATTACH_MIME, storage) or "").lower()
        if not re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", ctype):
            ctype = (mimetypes.guess_type(name or "")[0]) or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        part = MIMEBase(maintype, subtype)
        part.set_payload(data)
        encoders.encode_base64(part)
        cid = self.string(_ATTACH_CID, storage)
        if cid:
            part["Content-ID"] = f"<{_one_line(cid).strip('<>')}>"
            part.add_header("Content-Disposition", "inline", filename=_one_line(name or ""))
        else:
            part.add_header("Content-Disposition", "attachment", filename=_one_line(name or ""))
        return part

    def _children(self, start: str) -> list[str]:
        """Storages named `start`... directly under this item, as path prefixes."""
        parts = self.prefix.split("/")[:-1]
        n = len(parts)
        names = {
            "/".join(entry[: n + 1]) + "/"
            for entry in self.ole.listdir(streams=True, storages=True)
            if len(entry) > n and entry[:n] == parts and entry[n].startswith(start)
        }
        return sorted(names)


def _fixed_properties(data: bytes, header: int) -> dict[int, int | datetime]:
    """Fixed-size properties (integers, times) from a __properties_version1.0 stream."""
    out: dict[int, int | datetime] = {}
    for offset in range(header, len(data) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIQ", data, offset)
        ptype, pid = tag & 0xFFFF, tag >> 16
        if ptype == _PT_LONG:
            out[pid] = value & 0xFFFFFFFF
        elif ptype == _PT_SYSTIME and 0 < value < 2650467743999999999:  # before year 9999
            out[pid] = datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=value // 10)
    return out


def _decode(raw: bytes, codepage: str) -> str:
    try:
        return raw.decode(codepage, "replace")
    except LookupError:
        return raw.decode("cp1252", "replace")


def _one_line(value: str) -> str:
    """Header values made safe to set: unfolded, no control characters, bounded."""
    return _CTL.sub("", " ".join(value.split()))[:2000]


# --- TNEF (winmail.dat) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TnefFile:
    name: str | None
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class TnefContent:
    text: str
    html: str
    files: tuple[TnefFile, ...]


def is_tnef(data: bytes) -> bool:
    return data.startswith(TNEF_MAGIC)


def read_tnef(data: bytes, limits: OutlookLimits | None = None) -> TnefContent:
    """The body and files of a winmail.dat; OutlookError when it cannot be read."""
    limits = limits or OutlookLimits()
    if len(data) > limits.max_bytes:
        raise OutlookError(f"winmail.dat larger than {limits.max_bytes} bytes")
    if not is_tnef(data):
        raise OutlookError("not a TNEF stream (bad signature)")
    _check_tnef_records(data, limits)
    try:
        tnef = tnefparse.TNEF(data, do_checksum=False)
    except RecursionError as e:
        raise OutlookError("TNEF nested too deep") from e
    except Exception as e:  # tnefparse raises many kinds on hostile input
        raise OutlookError(f"unreadable TNEF: {_why(e)}") from e
    if len(tnef.attachments) > limits.max_attachments:
        raise OutlookError(f"TNEF with more than {limits.max_attachments} attachments")
    files = []
    for att in tnef.attachments:
        payload = att.data if isinstance(att.data, bytes) else b""
        if not payload:
            continue
        try:
            name = att.long_filename() or None
        except Exception:  # a name that does not decode is only a name
            name = None
        files.append(TnefFile(name=_one_line(str(name))[:200] if name else None, data=payload))
    return TnefContent(
        text=_tnef_text(tnef.body), html=_tnef_text(tnef.htmlbody), files=tuple(files)
    )


def _tnef_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").rstrip("\x00")
    return value.rstrip("\x00") if isinstance(value, str) else ""


def _check_tnef_records(data: bytes, limits: OutlookLimits) -> None:
    """Walk the attribute records before decoding: a record whose length runs past the end
    lies about its size, and a flood of tiny records would make the decoder copy the rest
    of the stream once per record."""
    offset, count = 6, 0
    view = io.BytesIO(data)
    while offset + 9 <= len(data):
        view.seek(offset + 5)
        (length,) = struct.unpack("<I", view.read(4))
        end = offset + 9 + length + 2  # level, id, type, length, data, checksum
        if end > len(data):
            raise OutlookError(
                f"TNEF record at byte {offset} claims {length} bytes past the end (lies)"
            )
        offset, count = end, count + 1
        if count > limits.max_tnef_objects:
            raise OutlookError(f"TNEF with more than {limits.max_tnef_objects} records")
