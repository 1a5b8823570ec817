"""Mutated real messages through the whole ingest (bench.fuzz, small): no bug, every case
stored or failed with its reason, each kept as evidence. `make fuzz` runs thousands."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bench.fuzz import run_fuzz, seed_messages
from fixtures.mutate import mutants
from triage.records import sha256_hex

CASES = 20


def test_mutated_messages_never_crash_ingest_and_each_failure_is_kept(tmp_path: Path):
    result = run_fuzz(tmp_path, cases=CASES, seed=1)
    assert result.bugs == []
    assert result.tried == CASES
    assert result.stored + result.duplicates + result.failed_cleanly == CASES
    with closing(sqlite3.connect(tmp_path / "fuzz.db")) as conn:
        failures = conn.execute("SELECT sha256, error FROM failures").fetchall()
        audited = conn.execute("SELECT count(*) FROM audit WHERE event = 'failed'").fetchone()[0]
    assert audited == result.failed_cleanly and all(error for _, error in failures)
    kept = {p.name for p in (tmp_path / "evidence" / "raw").rglob("*") if p.is_file()}
    expected = {sha256_hex(m.raw) for m in mutants(seed_messages(), CASES, 1) if m.raw}
    assert expected <= kept


def test_mutants_are_seeded_and_really_mutated():
    seeds = seed_messages()
    first = [m.raw for m in mutants(seeds, 20, 5)]
    assert first == [m.raw for m in mutants(seeds, 20, 5)]
    assert first != [m.raw for m in mutants(seeds, 20, 6)]
    originals = {raw for _, raw in seeds}
    assert sum(raw not in originals for raw in first) >= 18
