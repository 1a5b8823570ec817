"""A run killed with SIGKILL in the middle of a large ingest, then rerun: each message once."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from tests.conftest import run_json

COUNT = 900


def make_inbox(folder: Path) -> set[str]:
    folder.mkdir()
    shas = set()
    for i in range(COUNT):
        m = EmailMessage()
        m["From"] = f"sender{i}@bad.test"
        m["To"] = "ada.kwok@legco.example"
        m["Subject"] = f"payment {i}"
        m["Message-ID"] = f"<{i}@bad.test>"
        m.set_content(f"Pay now, message {i}. " * 20)
        raw = m.as_bytes(policy=SMTP)
        (folder / f"{i:05d}.eml").write_bytes(raw)
        shas.add(hashlib.sha256(raw).hexdigest())
    return shas


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (the analysis workers of an ingest), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_when_stored(cwd: Path, db: Path, at_least: int) -> int:
    """SIGKILL an ingest once `at_least` messages are stored; fails if it ended by itself."""
    triage = Path(sys.executable).parent / "triage"
    proc = subprocess.Popen(
        [str(triage), "--db", str(db), "ingest", "in"],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while stored_count(db) < at_least and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)  # does nothing when the run already ended
    assert proc.wait() == -signal.SIGKILL, f"ingest ended by itself (exit {proc.returncode})"
    gone_by = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    left = [w for w in workers if Path(f"/proc/{w}").exists()]
    assert not left, f"worker processes {left} outlived the killed run"
    stored = stored_count(db)
    assert stored >= at_least, f"killed after {stored} messages, not {at_least}"
    return stored


def test_sigkill_mid_ingest_then_rerun_stores_every_message_once(tmp_path: Path):
    expected = make_inbox(tmp_path / "in")
    db = tmp_path / "store" / "t.db"
    counts = [kill_when_stored(tmp_path, db, n) for n in (100, 350, 650)]
    assert counts == sorted(counts) and counts[-1] < COUNT, counts  # killed part-way each time
    report = run_json("--db", str(db), "ingest", "in", cwd=tmp_path)
    assert report["read"] == COUNT and report["failed"] == []
    assert report["new"] == COUNT - counts[-1]
    with closing(sqlite3.connect(db)) as conn:
        shas = [r[0] for r in conn.execute("SELECT sha256 FROM messages")]
        stored_events = conn.execute("SELECT count(*) FROM audit WHERE event='stored'").fetchone()
    assert len(shas) == COUNT and set(shas) == expected
    assert stored_events[0] == COUNT  # each stored once, never twice
    evidence = tmp_path / "store" / "evidence" / "raw"
    kept = {p.name: p for p in evidence.rglob("*") if p.is_file()}
    assert set(kept) == expected  # no temp file a killed run left behind
    for sha in list(expected)[:200]:
        assert hashlib.sha256(kept[sha].read_bytes()).hexdigest() == sha
