"""Mutation fuzzing of ingest: mutated real messages through the whole pipeline; prints how
many cases were tried, stored, failed cleanly (kept with a reason) and how many hit a bug.

    .venv/bin/python -m bench.fuzz --cases 2000 [--seed 1] [--ocr] [--out DIR]

Seeds: the fixture corpus, ../shared/corpora (mail-parser's test mail, Outlook items) when
present, and the small hostile cases. A bug is an exception that escapes the run, or a
failure or refusal whose reason is "internal error" (a bug caught by the per-message or
per-part guard, not a rule applied). Exit 1 when any bug was hit; the store (failures,
audit, evidence of every case) is then kept in --out, or a temporary folder it names.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fixtures.hostile import hostile_cases
from fixtures.mutate import mutants
from triage.config import parse_config
from triage.pipeline import Workspace, ingest_stream
from triage.records import IngestReport, RawMessage

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FIXTURES = ROOT / "fixtures" / "corpus" / "mail"
SMALL_HOSTILE = ("names", "text", "polyglots", "pdfs")


def seed_messages(corpora: Path = CORPORA) -> list[tuple[str, bytes]]:
    """(name, bytes) of every seed: fixture mail, shared corpora when present, hostile."""
    files = sorted(FIXTURES.glob("*.eml"))
    if corpora.is_dir():
        files += sorted((corpora / "mail-parser-tests").glob("mail_*"))
        files += sorted((corpora / "outlook").glob("*.msg"))
    seeds = [(f.name, f.read_bytes()) for f in files]
    seeds += [(c.name, c.raw) for c in hostile_cases(1, SMALL_HOSTILE)]
    return seeds


@dataclass
class FuzzResult:
    tried: int = 0
    stored: int = 0
    duplicates: int = 0
    failed_cleanly: int = 0
    bugs: list[str] = field(default_factory=list)  # "case: reason"
    slowest: tuple[float, str] = (0.0, "")
    seconds: float = 0.0


def run_fuzz(out: Path, *, cases: int, seed: int = 1, ocr: bool = False) -> FuzzResult:
    """Ingest `cases` mutants into a store in `out`; one store, one run, like a real ingest."""
    config = parse_config(
        {"store": {"path": str(out / "fuzz.db")},
         "ingest": {"ocr_timeout_seconds": 20 if ocr else 0}},
        base_dir=out,
    )  # fmt: skip
    result = FuzzResult()
    started = time.monotonic()
    last = [started, ""]
    names: dict[int, str] = {}

    def items() -> Iterator[RawMessage]:
        for i, m in enumerate(mutants(seed_messages(), cases, seed)):
            names[i] = m.name
            last[1] = m.name
            yield RawMessage.from_bytes(m.raw, source=m.name, received_at=datetime.now(UTC))

    def progress(report: IngestReport) -> None:
        now = time.monotonic()
        took = now - float(last[0])
        if took > result.slowest[0]:
            result.slowest = (took, str(last[1]))
        last[0] = now

    ws = Workspace.open(config)
    report = IngestReport()
    try:
        report = ingest_stream(ws, items(), on_progress=progress)
    except Exception as e:  # the run itself stopped: the worst outcome
        result.bugs.append(f"{last[1]}: run stopped: {type(e).__name__}: {e}")
    finally:
        ws.close()
    result.tried = len(names)
    result.stored, result.duplicates = report.new, report.duplicates
    result.failed_cleanly = sum("internal error" not in f.error for f in report.failed)
    result.bugs += [f"{f.source}: {f.error}" for f in report.failed if "internal error" in f.error]
    result.bugs += caught_part_bugs(out / "fuzz.db")
    result.seconds = time.monotonic() - started
    return result


def caught_part_bugs(db: Path) -> list[str]:
    """Parts whose reading raised something unforeseen (kept as a refusal or note)."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            """SELECT s.source, r.reason FROM image_refusals r
               JOIN message_sources s ON s.sha256 = r.message_sha256
               WHERE r.reason LIKE '%internal error%'
               UNION ALL
               SELECT s.source, i.manipulation_note FROM images i
               JOIN message_images mi ON mi.image_sha256 = i.sha256
               JOIN message_sources s ON s.sha256 = mi.message_sha256
               WHERE i.manipulation_note LIKE '%internal error%'"""
        ).fetchall()
    return [f"{source}: {reason}" for source, reason in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ocr", action="store_true", help="read words in pictures (slower)")
    parser.add_argument("--out", type=Path, help="keep the store here (default: temporary)")
    args = parser.parse_args()
    # Hostile input makes Pillow and mail-parser complain on every case; the counts say it all.
    warnings.simplefilter("ignore")
    logging.getLogger("mailparser").setLevel(logging.CRITICAL)
    out = args.out or Path(tempfile.mkdtemp(prefix="triage-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    r = run_fuzz(out, cases=args.cases, seed=args.seed, ocr=args.ocr)
    print(
        f"fuzz: {r.tried} cases tried (seed {args.seed}) in {r.seconds:.0f} s: {r.stored} stored, "
        f"{r.duplicates} duplicates, {r.failed_cleanly} failed cleanly with a reason, "
        f"{len(r.bugs)} bugs; slowest case {r.slowest[0]:.1f} s ({r.slowest[1]})"
    )
    for bug in r.bugs:
        print(f"  bug: {bug}")
    if r.bugs:
        print(f"store kept in {out} (failures, audit, evidence of every case)")
        sys.exit(1)
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
