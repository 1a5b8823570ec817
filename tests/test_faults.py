"""Faults of the machine: the disk filling up under the evidence or the database, and the
store locked by another process. No corrupt store, one clear line, the next run continues."""

from __future__ import annotations

import hashlib
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_json
from triage.config import load_config
from triage.pipeline import Workspace, ingest_paths


def make_inbox(folder: Path, count: int, size: int = 0, big_at: int = -1) -> set[str]:
    """`count` messages, each carrying `size` bytes; message `big_at` carries 2 MB."""
    folder.mkdir()
    shas = set()
    for i in range(count):
        m = EmailMessage()
        m["From"] = f"sender{i}@bad.test"
        m["To"] = "ada.kwok@legco.example"
        m["Subject"] = f"payment {i}"
        m["Message-ID"] = f"<{i}@bad.test>"
        m.set_content(f"Pay now, message {i}.")
        if size:  # bytes that take room, not analysis time
            room = 2_000_000 if i == big_at else size
            m.add_attachment(random.Random(i).randbytes(room), maintype="application",
                             subtype="octet-stream", filename="data.bin")  # fmt: skip
        raw = m.as_bytes(policy=SMTP)
        (folder / f"{i:04d}.eml").write_bytes(raw)
        shas.add(hashlib.sha256(raw).hexdigest())
    return shas


class SmallDisk:
    """A folder on a file system of `size` bytes: a tmpfs when we may mount one (root), else
    a per-file size limit (RLIMIT_FSIZE) on the command run, which fails writes the same way
    a full disk does (EFBIG instead of ENOSPC; SQLite then says "disk I/O error"). The limit
    is per file, so the evidence case carries one message larger than it. TEST_NO_MOUNT=1
    tries the fallback as root."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.size = path, size
        path.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
            capture_output=True,
            check=False,
        )
        self.mounted = done.returncode == 0 and not os.environ.get("TEST_NO_MOUNT")
        if done.returncode == 0 and not self.mounted:  # asked to try the fallback
            subprocess.run(["umount", str(path)], check=True)

    def grow(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,size=256m", str(self.path)], check=True)
        self.size = 0

    def limit(self) -> None:  # preexec_fn of the command run
        if not self.mounted and self.size:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.size, self.size))

    def remove(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    disk = SmallDisk(tmp_path / "small", 1_500_000)
    yield disk
    disk.remove()


def ingest(cwd: Path, *args: str, disk: SmallDisk) -> subprocess.CompletedProcess:
    triage = Path(sys.executable).parent / "triage"
    env = {k: v for k, v in os.environ.items() if k != "TRIAGE_DB"}
    return subprocess.run(
        [str(triage), *args, "ingest", "in"], cwd=cwd, env=env, capture_output=True, text=True,
        preexec_fn=disk.limit, timeout=300, check=False,
    )  # fmt: skip


def assert_sound(db: Path, evidence: Path, expected: set[str]) -> set[str]:
    """The store is intact, and every stored message has its whole evidence file."""
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT sha256 FROM messages")}
    assert stored <= expected
    for sha in stored:
        path = evidence / "raw" / sha[:2] / sha[2:4] / sha
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    return stored


@pytest.mark.parametrize("full", ["evidence", "database"])
def test_disk_full_stops_with_one_line_and_the_next_run_continues(
    tmp_path: Path, small_disk: SmallDisk, full: str
):
    # ~2.9 MB (and one 2.7 MB message among the evidence): fills 1.5 MB part-way
    expected = make_inbox(tmp_path / "in", 30, 70_000, big_at=8 if full == "evidence" else -1)
    if full == "evidence":
        db, evidence = tmp_path / "t.db", small_disk.path / "evidence"
    else:
        db, evidence = small_disk.path / "t.db", tmp_path / "evidence"
    (tmp_path / "c.toml").write_text(f'[store]\nevidence_dir = "{evidence}"\n')
    args = ("--config", "c.toml", "--db", str(db))
    first = ingest(tmp_path, *args, disk=small_disk)
    assert first.returncode == 1
    [line] = first.stderr.strip().splitlines()[-1:]
    assert "Traceback" not in first.stderr
    if full == "evidence":
        assert "cannot write evidence" in line, line
        assert "No space left on device" in line or "File too large" in line, line
    elif small_disk.mounted:
        assert "disk full" in line, line
    else:
        assert "cannot write store" in line and "disk I/O error" in line, line
    stored = assert_sound(db, evidence, expected)
    assert 0 < len(stored) < len(expected)  # it did fill part-way
    small_disk.grow()
    second = ingest(tmp_path, *args, disk=small_disk)
    assert second.returncode == 0, second.stderr
    assert assert_sound(db, evidence, expected) == expected
    with closing(sqlite3.connect(db)) as conn:
        events = conn.execute("SELECT count(*) FROM audit WHERE event = 'stored'").fetchone()[0]
    assert events == len(expected)  # each stored once
    leftovers = list(evidence.rglob(".tmp-*"))
    assert leftovers == []


def test_a_long_reader_does_not_block_ingest(tmp_path: Path):
    """WAL: an investigator's open read transaction (a sqlite3 shell, an export) never stops
    a write, and keeps seeing the store as it was."""
    expected = make_inbox(tmp_path / "in", 30)
    (tmp_path / "first").mkdir()
    (tmp_path / "in" / "0000.eml").rename(tmp_path / "first" / "0000.eml")
    ws = Workspace.open(load_config(None), tmp_path / "t.db")
    ingest_paths(ws, [tmp_path / "first"])
    ws.close()
    with closing(sqlite3.connect(tmp_path / "t.db", isolation_level=None)) as reader:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
        report = run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)
        assert (report["new"], report["failed"]) == (29, [])
        assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == 1  # snapshot
        reader.execute("COMMIT")
        shas = {r[0] for r in reader.execute("SELECT sha256 FROM messages")}
    assert shas == expected


def test_a_held_write_lock_is_reported_and_the_next_run_loses_nothing(tmp_path: Path):
    expected = make_inbox(tmp_path / "in", 20)
    (tmp_path / "c.toml").write_text("[store]\nlock_timeout_seconds = 1\n")
    db = tmp_path / "t.db"
    with closing(sqlite3.connect(db, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE held (x)")  # an empty store held by another writer
        holder.execute("BEGIN IMMEDIATE")
        blocked = run_cli("--config", "c.toml", "--db", "t.db", "ingest", "in", cwd=tmp_path)
        holder.execute("COMMIT")
    assert blocked.returncode == 1
    assert "Traceback" not in blocked.stderr
    [line] = blocked.stderr.splitlines()
    assert "is locked" in line and "lock_timeout_seconds" in line, line
    report = run_json("--config", "c.toml", "--db", "t.db", "ingest", "in", cwd=tmp_path)
    assert (report["new"], report["failed"]) == (20, [])
    with closing(sqlite3.connect(db)) as conn:
        shas = [r[0] for r in conn.execute("SELECT sha256 FROM messages")]
        events = conn.execute("SELECT count(*) FROM audit WHERE event = 'stored'").fetchone()[0]
    assert sorted(shas) == sorted(expected) and events == len(expected)
