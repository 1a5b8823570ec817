"""The fixture corpus's extortion pictures and truth, read from its messages (reads files)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from triage.mailfiles import iter_messages
from triage.parse import parse_message
from triage.pdf import read_pdf
from triage.records import ParsedMessage, RawMessage, sha256_hex

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


@dataclass(frozen=True, slots=True, kw_only=True)
class CorpusImage:
    data: bytes
    group: str  # campaign:base
    paste_box: tuple[int, int, int, int]
    transforms: tuple[str, ...]
    where: str


def extortion_images(corpus: Path = CORPUS) -> tuple[list[CorpusImage], int]:
    """Pictures found in the messages, matched to truth.json by sha256; and how many were missed."""
    truth = json.loads((corpus / "truth.json").read_text())
    wanted = {
        image["sha256"]: (message, image)
        for message in truth["messages"]
        if message["extortion"]
        for image in message["images"]
        if image["paste_box"] is not None
    }
    found: dict[str, bytes] = {}
    for item in iter_messages([corpus]):
        if not isinstance(item, RawMessage):
            continue
        for data in _images(parse_message(item.raw)):
            if sha256_hex(data) in wanted:
                found[sha256_hex(data)] = data
    images = [
        CorpusImage(
            data=found[sha],
            group=f"{message['campaign']}:{image['base']}",
            paste_box=tuple(image["paste_box"]),
            transforms=tuple(image["transforms"]),
            where=image["where"],
        )
        for sha, (message, image) in sorted(wanted.items())
        if sha in found
    ]
    return images, len(wanted) - len(found)


def _images(message: ParsedMessage) -> Iterator[bytes]:
    for part in message.attachments:
        ctype = part.content_type.lower()
        if ctype.startswith("image/"):
            yield part.data
        elif ctype == "application/pdf":
            yield from read_pdf(part.data).images
        elif ctype in ("application/zip", "application/x-zip-compressed"):
            with zipfile.ZipFile(io.BytesIO(part.data)) as archive:
                for name in archive.namelist():
                    yield archive.read(name)
    for inner in message.forwarded:
        yield from _images(inner)
