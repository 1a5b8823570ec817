"""Every image a message carries: attachments, inline parts, data: URIs, PDFs, ZIPs, forwarded
messages at any depth; over-limit content recorded, never decoded (pure)."""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from triage.imagedecode import ImageLimits, ImageRefused, probe
from triage.pdf import PdfLimits, read_pdf
from triage.records import ParsedMessage, sha256_hex

log = logging.getLogger(__name__)

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"II*\x00",
                b"MM\x00*")  # fmt: skip
_DATA_URI = re.compile(
    r"data:image/(?:png|jpe?g|gif|webp|bmp);base64,([A-Za-z0-9+/=\s]{16,})", re.IGNORECASE
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractLimits:
    image: ImageLimits = field(default_factory=ImageLimits)
    pdf: PdfLimits = field(default_factory=PdfLimits)
    max_images: int = 200  # per message
    max_zip_members: int = 500
    max_zip_ratio: float = 100.0  # uncompressed/compressed above this is a bomb
    max_zip_bytes: int = 200 * 1024 * 1024  # uncompressed, all archives of one message
    max_zip_depth: int = 2  # archives inside archives


@dataclass(frozen=True, slots=True, kw_only=True)
class FoundImage:
    sha256: str
    data: bytes
    where: str  # attachment | inline | data-uri | pdf | zip
    name: str | None
    format: str
    width: int
    height: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    where: str
    name: str | None
    reason: str
    sha256: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Extraction:
    images: tuple[FoundImage, ...]
    refusals: tuple[Refusal, ...]
    pdf_texts: tuple[str, ...]  # for the verdict: threats hide inside PDFs too


def extract_images(message: ParsedMessage, limits: ExtractLimits | None = None) -> Extraction:
    """Images of `message` and every message forwarded inside it, each sha256 once."""
    limits = limits or ExtractLimits()
    state = _State(limits)
    for msg in _messages(message):
        for att in msg.attachments:
            where = "inline" if att.inline else "attachment"
            if att.note:  # a container parsing could not open (broken .msg, lying TNEF)
                state.refuse(where, att.filename, att.note, att.sha256)
                continue
            state.blob(att.data, where, att.filename, att.content_type, depth=0)
        for m in _DATA_URI.finditer(msg.html):
            try:
                data = base64.b64decode(re.sub(r"\s", "", m.group(1)), validate=False)
            except (binascii.Error, ValueError):
                state.refuse("data-uri", None, "undecodable base64")
                continue
            state.blob(data, "data-uri", None, "image/*", depth=0)
    return Extraction(
        images=tuple(state.images.values()),
        refusals=tuple(state.refusals),
        pdf_texts=tuple(state.pdf_texts),
    )


def _messages(root: ParsedMessage) -> Iterator[ParsedMessage]:
    stack = [root]
    while stack:
        msg = stack.pop()
        yield msg
        stack.extend(reversed(msg.forwarded))


class _State:
    def __init__(self, limits: ExtractLimits) -> None:
        self.limits = limits
        self.images: dict[str, FoundImage] = {}
        self.refusals: list[Refusal] = []
        self.pdf_texts: list[str] = []
        self.seen: set[str] = set()
        self.zip_budget = limits.max_zip_bytes  # shared: many archives must not add up to a bomb

    def refuse(self, where: str, name: str | None, reason: str, sha: str | None = None) -> None:
        self.refusals.append(Refusal(where=where, name=name, reason=reason, sha256=sha))

    def blob(self, data: bytes, where: str, name: str | None, ctype: str, *, depth: int) -> None:
        """One part; whatever goes wrong inside it costs that part only, never the message."""
        try:
            self._blob(data, where, name, ctype, depth=depth)
        except Exception as e:  # a bug on one hostile part: record it, keep the rest
            log.debug("extracting %s part %r failed", where, name, exc_info=True)
            reason = f"part not read: internal error: {type(e).__name__}: {e}"
            self.refuse(where, name, reason, sha256_hex(data))

    def _blob(self, data: bytes, where: str, name: str | None, ctype: str, *, depth: int) -> None:
        sha = sha256_hex(data)
        if sha in self.seen or not data:
            return
        self.seen.add(sha)
        if _is_image(data, ctype):
            self.image(data, sha, where, name)
        elif data.startswith(b"%PDF") or ctype == "application/pdf":
            self.pdf(data, name)
        elif data.startswith(b"PK\x03\x04"):
            self.zip(data, name, depth)

    def image(self, data: bytes, sha: str, where: str, name: str | None) -> None:
        if len(self.images) >= self.limits.max_images:
            self.refuse(where, name, f"more than {self.limits.max_images} images", sha)
            return
        try:
            fmt, width, height = probe(data, self.limits.image)
        except ImageRefused as e:
            self.refuse(where, name, str(e), sha)
            return
        self.images[sha] = FoundImage(
            sha256=sha, data=data, where=where, name=name, format=fmt, width=width, height=height
        )

    def pdf(self, data: bytes, name: str | None) -> None:
        content = read_pdf(data, self.limits.pdf)
        if content.text.strip():
            self.pdf_texts.append(content.text)
        for note in content.notes:
            self.refuse("pdf", name, note)
        for image in content.images:
            sha = sha256_hex(image)
            if sha not in self.seen:
                self.seen.add(sha)
                self.image(image, sha, "pdf", name)

    def zip(self, data: bytes, name: str | None, depth: int) -> None:
        if depth >= self.limits.max_zip_depth:
            self.refuse("zip", name, f"archive nested deeper than {self.limits.max_zip_depth}")
            return
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
            self.refuse("zip", name, f"unreadable archive: {e}")
            return
        if len(members) > self.limits.max_zip_members:
            self.refuse("zip", name, f"more than {self.limits.max_zip_members} members: skipped")
            return
        for info in members:
            if info.is_dir():
                continue
            member_name = info.filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or None
            content, reason = self._member(archive, info, self.zip_budget)
            if reason is not None:
                self.refuse("zip", member_name, reason)
                continue
            self.zip_budget -= len(content)
            self.blob(content, "zip", member_name, "", depth=depth + 1)

    def _member(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int
    ) -> tuple[bytes, str | None]:
        if info.flag_bits & 0x1:
            return b"", "encrypted archive member"
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > self.limits.max_zip_ratio:
            return b"", f"compression ratio {ratio:.0f}:1 over the limit (zip bomb)"
        if info.file_size > budget:
            return b"", "archive content over the size limit"
        try:
            with archive.open(info) as f:
                content = f.read(budget + 1)  # the declared size may lie: read at most the budget
        except (
            zipfile.BadZipFile,
            OSError,
            RuntimeError,
            NotImplementedError,
            EOFError,
            ValueError,
        ) as e:  # ValueError: offsets pointing before the file
            return b"", f"unreadable member: {e}"
        if len(content) > budget:
            return b"", "archive content over the size limit"
        return content, None


def _is_image(data: bytes, ctype: str) -> bool:
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return True
    return ctype.startswith("image/") and not data.startswith((b"%PDF", b"PK\x03\x04"))
