""".eml files, folders, Maildir and mbox -> a stream of RawMessage (reads files).

Streams one message at a time, so memory stays flat however many files a folder holds.
"""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from triage.records import IngestFailure, IngestSkip, RawMessage

_MBOX_FROM = re.compile(rb"^From \S+ +\S")  # "From sender@x Mon Jan  1 00:00:00 2025"
_MAILDIR_PARTS = ("cur", "new")
_IN_DELIVERY = "in a Maildir's tmp/: still being delivered, not read"
_NOT_MAIL = "not named as mail (.eml, .mbox, .msg, Maildir): not read; name it to ingest it"


def iter_messages(
    paths: list[Path], *, exclude: tuple[Path, ...] = (), max_bytes: int | None = None
) -> Iterator[RawMessage | IngestFailure | IngestSkip]:
    """Every message under `paths`, in a stable order; unreadable files as IngestFailure,
    files a folder walk does not take as mail as IngestSkip."""
    excluded = tuple(p.resolve() for p in exclude)
    for path in paths:
        if path.is_dir():
            yield from _walk(path, excluded, max_bytes)
        elif path.is_file():
            yield from _read_file(path, max_bytes, explicit=True)
        elif path.exists():
            yield IngestFailure(source=str(path), error="not a regular file")
        else:
            yield IngestFailure(source=str(path), error="no such file or directory")


def _walk(
    root: Path, excluded: tuple[Path, ...], max_bytes: int | None
) -> Iterator[RawMessage | IngestFailure | IngestSkip]:
    stack = [root]
    while stack:
        folder = stack.pop()
        if folder.resolve() in excluded:
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            yield IngestFailure(source=str(folder), error=f"cannot read folder: {e.strerror}")
            continue
        in_maildir = _is_maildir_part(folder)
        subfolders = []
        for entry in entries:
            is_dir = entry.is_dir(follow_symlinks=False)
            if entry.name.startswith("."):
                kind = "folder" if is_dir else "file"
                yield IngestSkip(source=entry.path, reason=f"hidden {kind}: not read")
            elif is_dir:
                subfolders.append(Path(entry.path))
            elif _wanted(entry.name, in_maildir):
                if entry.is_file():
                    yield from _read_file(Path(entry.path), max_bytes, explicit=False)
                else:  # a FIFO would block a read forever; a dangling link has nothing
                    yield IngestFailure(source=entry.path, error="not a regular file")
            else:
                reason = _IN_DELIVERY if _is_maildir_tmp(folder) else _NOT_MAIL
                yield IngestSkip(source=entry.path, reason=reason)
        stack.extend(reversed(subfolders))


def _is_maildir_part(folder: Path) -> bool:
    """cur/ or new/ beside another Maildir folder; copies (git, zip) often drop the empty tmp/."""
    if folder.name not in _MAILDIR_PARTS:
        return False
    return any((folder.parent / d).is_dir() for d in ("tmp", "cur", "new") if d != folder.name)


def _is_maildir_tmp(folder: Path) -> bool:
    return folder.name == "tmp" and all((folder.parent / d).is_dir() for d in _MAILDIR_PARTS)


def _wanted(name: str, in_maildir: bool) -> bool:
    lower = name.lower()
    return in_maildir or lower.endswith((".eml", ".mbox", ".msg"))  # .msg: Outlook items


def _read_file(
    path: Path, max_bytes: int | None, *, explicit: bool
) -> Iterator[RawMessage | IngestFailure]:
    try:
        with path.open("rb") as f:
            head = f.read(1024)
    except OSError as e:
        yield IngestFailure(source=str(path), error=f"cannot read: {e.strerror}")
        return
    if _MBOX_FROM.match(head) and (explicit or path.suffix.lower() == ".mbox"):
        yield from _read_mbox(path, max_bytes)
        return
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            yield IngestFailure(source=str(path), error=f"larger than {max_bytes} bytes: skipped")
            return
        raw = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as e:
        yield IngestFailure(source=str(path), error=f"cannot read: {e.strerror}")
        return
    yield RawMessage.from_bytes(raw, source=str(path), received_at=mtime)


def _read_mbox(path: Path, max_bytes: int | None) -> Iterator[RawMessage | IngestFailure]:
    try:
        box = mailbox.mbox(path, create=False)
        keys = box.keys()  # offsets only: the messages are read one by one below
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except (OSError, mailbox.Error) as e:
        yield IngestFailure(source=str(path), error=f"cannot read mbox: {e}")
        return
    try:
        for index, key in enumerate(keys):
            source = f"{path}#{index}"
            try:
                raw = box.get_bytes(key)
            except (OSError, KeyError) as e:
                yield IngestFailure(source=source, error=f"cannot read: {e}")
                continue
            if max_bytes is not None and len(raw) > max_bytes:
                yield IngestFailure(source=source, error=f"larger than {max_bytes} bytes: skipped")
                continue
            yield RawMessage.from_bytes(raw, source=source, received_at=mtime)
    finally:
        box.close()
