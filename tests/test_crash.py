"""Runs killed with SIGKILL part-way, then rerun: each message stored once (ingest), each
queue item queued once and delivered under its one key (route and delivery)."""

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

import pytest

from tests import receivers
from tests.conftest import run_json
from tests.receivers import SMTP_PASSWORD

tls_cert = receivers.tls_cert
smtp_receiver = receivers.smtp_receiver

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


# -- route and delivery ------------------------------------------------------------------


def campaigns_store(db: Path, count: int) -> None:
    """`count` one-message extortion campaigns, each with its own wallet: one item each."""
    import random

    from fixtures.wallets import make_wallet
    from tests.test_queue import add, threat, workspace

    rng = random.Random(14)
    ws = workspace(db)
    add(ws, *(threat(i, f"member{i}@legco.example", make_wallet("btc-p2pkh", rng))
              for i in range(count)))  # fmt: skip
    ws.close()


def route_until_killed(cwd: Path, rx, seen_first: int, wait: float) -> None:
    """Start `triage route`; SIGKILL it `wait` s after the receiver saw `seen_first` deliveries
    in all (0: `wait` s after start, while it queues). Fails if the run ended by itself."""
    triage = Path(sys.executable).parent / "triage"
    proc = subprocess.Popen(
        [str(triage), "--config", "c.toml", "--db", "t.db", "route"],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(rx.seen) < seen_first and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(wait)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, f"route ended by itself (exit {proc.returncode})"


def kill_route_at(tmp_path: Path, rx, points: list[tuple[int, float]], items: int) -> None:
    """Route `items` campaigns to a real SMTP receiver, killed at each point, then a full
    run: every item queued once, delivered, and accepted under its one key."""
    campaigns_store(tmp_path / "t.db", items)
    (tmp_path / "c.toml").write_text(
        f'[delivery]\nretry_base_seconds = 0\n[delivery.email]\nhost = "{rx.host}"\n'
        f'port = {rx.port}\nsecurity = "starttls"\nca_file = "{rx.cafile}"\n'
        f'username = "triage"\npassword_env = "T_SMTP_PASSWORD"\n'
        f'from = "triage@cyber.legco.example"\nto = ["unit@police.example"]\ntimeout = 10\n'
    )
    rx.delay = 0.25
    for seen_first, wait in points:
        route_until_killed(tmp_path, rx, seen_first, wait)
    partial = len(set(rx.keys()))
    rx.delay = 0.0
    report = run_json("--config", "c.toml", "--db", "t.db", "route", cwd=tmp_path)
    assert report["pending"] == 0 and report["dead_letters"] == []
    with closing(sqlite3.connect(tmp_path / "t.db")) as conn:
        queued = conn.execute(
            "SELECT item_id, count(*) FROM queue_events WHERE event = 'queued' GROUP BY item_id"
        ).fetchall()
        outbox = conn.execute("SELECT key, delivered_at FROM outbox").fetchall()
    assert len(queued) == items and all(n == 1 for _, n in queued)  # no item twice
    assert len(outbox) == items and all(at for _, at in outbox)  # none lost
    keys = [k for k, _ in outbox]
    assert sorted(set(rx.keys())) == sorted(keys)  # each accepted, under its own key
    # At least once: a kill between the receiver's 250 and our commit sends that one again,
    # with the same key (X-Triage-Delivery-Key) for the receiver to drop.
    assert len(rx.keys()) - len(keys) <= len(points)
    assert 0 < partial < items, partial  # the kills did land between deliveries


def test_sigkill_during_route_and_delivery_then_rerun_delivers_each_item_once(
    tmp_path: Path, smtp_receiver, monkeypatch
):
    monkeypatch.setenv("T_SMTP_PASSWORD", SMTP_PASSWORD)
    kill_route_at(tmp_path, smtp_receiver, [(0, 0.3), (1, 0.1), (3, 0.3)], items=6)


@pytest.mark.long
def test_sigkill_at_many_points_of_route_and_delivery(tmp_path: Path, smtp_receiver, monkeypatch):
    import random

    monkeypatch.setenv("T_SMTP_PASSWORD", SMTP_PASSWORD)
    rng = random.Random(1402)
    points = sorted((rng.randrange(0, 14), rng.uniform(0.0, 0.5)) for _ in range(12))
    kill_route_at(tmp_path, smtp_receiver, points, items=16)
