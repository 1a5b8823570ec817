"""PDF attachment -> its text and embedded images, within limits (pure; the only pypdf importer)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns loudly about every odd PDF


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfLimits:
    max_pages: int = 50
    max_images: int = 50
    max_image_bytes: int = 32 * 1024 * 1024
    max_text_chars: int = 200_000


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfContent:
    text: str
    images: tuple[bytes, ...]  # encoded image files (JPEG, PNG, ...) as pypdf hands them out
    notes: tuple[str, ...] = ()  # what was skipped or refused, and why


def read_pdf(data: bytes, limits: PdfLimits | None = None) -> PdfContent:
    """Text and images of a PDF; a broken or hostile PDF gives what could be read, with notes."""
    limits = limits or PdfLimits()
    notes: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _try_empty_password(reader):
            return PdfContent(text="", images=(), notes=("encrypted PDF",))
        pages = list(reader.pages)
    except DependencyError:  # an AES cipher and no cryptography package: cannot even try
        return PdfContent(text="", images=(), notes=("encrypted PDF",))
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as e:
        return PdfContent(text="", images=(), notes=(f"unreadable PDF: {type(e).__name__}",))
    if len(pages) > limits.max_pages:
        notes.append(f"only the first {limits.max_pages} of {len(pages)} pages read")
        pages = pages[: limits.max_pages]
    texts: list[str] = []
    images: list[bytes] = []
    size = 0
    for number, page in enumerate(pages, 1):
        texts.append(_page_text(page, number, notes))
        for image in _page_images(page, number, notes):
            if len(images) >= limits.max_images:
                notes.append(f"more than {limits.max_images} images: the rest skipped")
                break
            if size + len(image) > limits.max_image_bytes:
                notes.append("image bytes over the limit: the rest skipped")
                break
            images.append(image)
            size += len(image)
    text = "\n".join(t for t in texts if t)[: limits.max_text_chars]
    return PdfContent(text=text, images=tuple(images), notes=tuple(notes))


def _try_empty_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except (PyPdfError, NotImplementedError, ValueError, DependencyError):
        return False  # DependencyError: an AES cipher with the cryptography package missing


def _page_text(page: object, number: int, notes: list[str]) -> str:
    try:
        return str(page.extract_text() or "")  # type: ignore[attr-defined]
    except Exception as e:  # pypdf raises many kinds on hostile content streams
        notes.append(f"page {number}: text unreadable ({type(e).__name__})")
        return ""


def _original_bytes(image: Any) -> bytes:
    """A JPEG stream as it sits in the PDF (pypdf re-encodes it otherwise), so the same
    picture mailed bare and inside a PDF has the same sha256."""
    ref = getattr(image, "indirect_reference", None)
    if ref is not None:
        obj = ref.get_object()
        if obj.get("/Filter") == "/DCTDecode":
            return bytes(obj.get_data())
    return bytes(image.data)


def _page_images(page: object, number: int, notes: list[str]) -> list[bytes]:
    out: list[bytes] = []
    try:
        for image in page.images:  # type: ignore[attr-defined]
            out.append(_original_bytes(image))
    except Exception as e:  # a broken XObject must not hide the rest of the PDF
        notes.append(f"page {number}: images unreadable ({type(e).__name__})")
    return out
