"""Analysis on several processes: the same store as one process, and a dying worker costs
only the message it was working on."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from triage.config import Config
from triage.pipeline import Prepared, Workspace, ingest_paths, ingest_stream, prepare_in_worker
from triage.records import RawMessage
from triage.workers import OrderedPool, WorkerCrashed, WorkerError

ROOT = Path(__file__).resolve().parent.parent
MAIL = ROOT / "fixtures" / "corpus" / "mail"
CRASH_MARK = b"X-Test-Crash-Here: yes"


def double_or_die(x: int) -> int:
    if x == 3:
        os._exit(70)  # as a segfault in a decoder would: no exception, the process is gone
    if x == 5:
        raise ValueError("five")
    return 2 * x


def test_results_come_in_input_order_and_a_dead_worker_costs_one_item() -> None:
    with OrderedPool(double_or_die, workers=2, window=4) as pool:
        got = list(pool.map(range(10), needs=lambda x: x != 7))
    assert [item for item, _ in got] == list(range(10))
    results = dict(got)
    assert isinstance(results[3], WorkerCrashed)
    assert isinstance(results[5], WorkerError) and "five" in results[5].error
    assert results[7] is None  # passed along, never sent to a worker
    assert {k: v for k, v in results.items() if k not in (3, 5, 7)} == {
        k: 2 * k for k in range(10) if k not in (3, 5, 7)
    }


# What decides the store's content, without the times of the run.
QUERIES = {
    "clusters": "SELECT sha256, cluster_id FROM messages ORDER BY sha256",
    "verdicts": "SELECT message_sha256, score, extortion, cues FROM verdicts ORDER BY 1",
    "images": "SELECT sha256, phash, linkable, manipulation, manipulation_signals FROM images "
    "ORDER BY 1",
    "edges": "SELECT a_sha256, b_sha256, kind, strength, reason FROM edges ORDER BY 1, 2, 3",
    "merges": "SELECT survivor, absorbed, reason FROM cluster_merges ORDER BY id",
    "indicators": "SELECT * FROM indicators ORDER BY 1, 2, 3",
}


def store_content(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(db)) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in QUERIES.items()}


def ingest_with(tmp: Path, workers: int, files: list[Path]) -> dict[str, list[tuple[object, ...]]]:
    ws = Workspace.open(Config(), tmp / f"w{workers}.db")
    try:
        report = ingest_paths(ws, files, workers=workers)
    finally:
        ws.close()
    assert report.new == len(files) and not report.failed
    return store_content(tmp / f"w{workers}.db")


def test_two_workers_store_what_one_stores(tmp_path: Path) -> None:
    files = sorted(MAIL.glob("*.eml"))[:24]
    one = ingest_with(tmp_path, 1, files)
    two = ingest_with(tmp_path, 2, files)
    assert len({c for _, c in one["clusters"]}) < len(files)  # something was linked
    assert one == two


def dies_on_marked(config: Config, raw: RawMessage) -> Prepared | str:
    if CRASH_MARK in raw.raw:
        os._exit(70)
    return prepare_in_worker(config, raw)


def test_a_worker_dying_on_one_message_fails_that_message_only(tmp_path: Path) -> None:
    files = sorted(MAIL.glob("*.eml"))[:8]
    raws = [RawMessage.from_bytes(p.read_bytes(), source=str(p), received_at=_t()) for p in files]
    victim = RawMessage.from_bytes(
        CRASH_MARK + b"\r\n" + files[0].read_bytes(), source="crash.eml", received_at=_t()
    )
    items = [*raws[:3], victim, *raws[3:]]
    ws = Workspace.open(Config(), tmp_path / "t.db")
    try:
        report = ingest_stream(ws, items, workers=2, analyser=partial(dies_on_marked, ws.config))
        kept = ws.evidence.get(victim.sha256)
    finally:
        ws.close()
    assert kept == victim.raw  # its bytes kept as evidence
    assert report.new == len(raws)
    assert [(f.source, f.sha256) for f in report.failed] == [("crash.eml", victim.sha256)]
    assert "died" in report.failed[0].error
    with closing(sqlite3.connect(tmp_path / "t.db")) as conn:
        recorded = conn.execute("SELECT sha256, error FROM failures").fetchall()
    assert [s for s, _ in recorded] == [victim.sha256]


def _t() -> datetime:
    return datetime(2025, 3, 1, tzinfo=UTC)


def test_an_analysing_process_runs_blas_and_opencv_on_one_thread() -> None:
    """Two workers each spinning a second BLAS thread took ingest from 0.195 to 0.257 CPU s
    a message; run in a child so this test leaves the suite's own process as it was."""
    code = (
        "import cv2, numpy\n"
        "from threadpoolctl import threadpool_info\n"
        "from triage.pipeline import analyse_on_one_core\n"
        "analyse_on_one_core()\n"
        "print(cv2.getNumThreads(), sorted({p['num_threads'] for p in threadpool_info()}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "[1]"]
