"""Write-once, content-addressed evidence files: 0600 files in 0700 folders (writes files)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from triage.errors import StoreError

_HEX = frozenset("0123456789abcdef")


class EvidenceStore:
    """Raw messages (and later images) kept byte for byte under their sha256."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str, kind: str = "raw") -> Path:
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise StoreError(f"not a sha256: {sha256!r}")
        return self.root / kind / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes, sha256: str, kind: str = "raw") -> Path:
        """Store `data` once; a file already there is left alone (same name, same bytes)."""
        final = self.path(sha256, kind)
        if final.parent.exists():
            _remove_stale_temp(final.parent, sha256)
        if final.exists():
            return final
        _make_private_dirs(final.parent, self.root)
        tmp = final.with_name(f".tmp-{sha256}-{os.getpid()}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            # link() fails if another writer got there first, so a finished file is never replaced.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, final)
            _fsync_dir(final.parent)
        except OSError as e:
            raise StoreError(f"cannot write evidence {final}: {e.strerror}") from e
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return final

    def get(self, sha256: str, kind: str = "raw") -> bytes:
        try:
            return self.path(sha256, kind).read_bytes()
        except OSError as e:
            raise StoreError(f"evidence {sha256} is missing: {e.strerror}") from e


def _remove_stale_temp(folder: Path, sha256: str) -> None:
    """Temp files a killed run left for this sha256: its rerun puts the same bytes again."""
    for tmp in folder.glob(f".tmp-{sha256}-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make_private_dirs(folder: Path, root: Path) -> None:
    """Create folder and its parents up to root (inclusive), each 0700."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p == root or p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=0o700)
        os.chmod(d, 0o700)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
