"""The one place that composes the I/O stages (files, evidence, SQLite) with the pure ones."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Literal, TypeAlias

from triage.analyse import Analysis, analyse
from triage.classify import ExtortionVerdict, MessageText, judge_message
from triage.cluster import MessageFeatures, founding_cluster_id, verdict_class
from triage.config import Config
from triage.errors import ParseError, StoreError
from triage.evidence import EvidenceStore
from triage.fingerprint import is_picture_shaped
from triage.imagedecode import ImageRefused
from triage.imageindex import ImageIndex
from triage.link import Linker
from triage.mailfiles import iter_messages
from triage.manipulation import localise_in_group
from triage.manipulation.campaign import campaign_evidence, combine
from triage.manipulation.localise import localisable
from triage.parse import parse_message
from triage.picturetext import PictureLimits, PictureReader, PictureText
from triage.records import (
    IngestFailure,
    IngestReport,
    IngestSkip,
    RawMessage,
    Unwrapped,
    sha256_hex,
)
from triage.store import Store
from triage.textsim import band_keys
from triage.unwrap import unwrap
from triage.workers import OrderedPool, WorkerCrashed, WorkerError, default_workers

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Item: TypeAlias = RawMessage | IngestFailure | IngestSkip
Outcome: TypeAlias = Literal["new", "duplicate"] | IngestFailure


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Workspace:
    """The store and evidence folder one command works on."""

    config: Config
    store: Store
    evidence: EvidenceStore
    linker: Linker
    pictures: PictureReader
    # Worker pools by size, kept for the workspace's life: a poller's batches reuse one.
    pools: dict[int, OrderedPool[Item, Prepared | str]] = field(default_factory=dict)

    @classmethod
    def open(cls, config: Config, db_path: Path | None = None) -> Workspace:
        path = db_path or config.store.path
        evidence_dir = config.store.evidence_dir or path.parent / "evidence"
        store = Store(path, lock_timeout=config.store.lock_timeout_seconds)
        evidence = EvidenceStore(evidence_dir)
        pictures = PictureReader(picture_limits(config))
        return cls(
            config=config, store=store, evidence=evidence, linker=Linker(store, evidence),
            pictures=pictures,
        )  # fmt: skip

    def own_addresses(self) -> tuple[str, ...]:
        """Addresses on our side of every message: never evidence that two mails are linked."""
        return own_addresses(self.config)

    def pool(self, workers: int) -> OrderedPool[Item, Prepared | str]:
        """The pool of `workers` processes analysing messages for this workspace."""
        if workers not in self.pools:
            fn = _on_message(partial(prepare_in_worker, self.config))
            self.pools[workers] = OrderedPool(fn, workers=workers)
        return self.pools[workers]

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()
        self.pools.clear()
        self.store.close()


def ingest_paths(
    ws: Workspace,
    paths: list[Path],
    *,
    on_progress: Callable[[IngestReport], None] | None = None,
    clock: Clock = utc_now,
    workers: int | None = None,
) -> IngestReport:
    """Ingest .eml files, folders, Maildirs and mbox files; see ingest_stream."""
    items = iter_messages(
        paths, exclude=(ws.evidence.root,), max_bytes=ws.config.ingest.max_message_bytes
    )
    return ingest_stream(ws, items, on_progress=on_progress, clock=clock, workers=workers)


def ingest_stream(
    ws: Workspace,
    items: Iterable[Item],
    *,
    on_progress: Callable[[IngestReport], None] | None = None,
    clock: Clock = utc_now,
    workers: int | None = None,
    analyser: Analyser | None = None,
) -> IngestReport:
    """Store each message once, with its evidence; one bad message never stops the run.
    Messages are analysed by `workers` processes (None: the config's) and stored here, one
    at a time in input order. `analyser`: what a worker runs (default prepare_in_worker)."""
    with analysed_stream(ws, items, workers=workers, analyser=analyser) as analysed:
        return store_stream(ws, analysed, on_progress=on_progress, clock=clock)


@dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    """Everything stored for one message that is worked out without the store."""

    unwrapped: Unwrapped
    analysis: Analysis
    verdict: ExtortionVerdict
    text_chars: int  # characters of text the verdict read
    features: MessageFeatures  # with the verdict's class


# What analysing one message gave: the record to store, or why it could not be analysed.
Analysed: TypeAlias = Prepared | str | WorkerCrashed | WorkerError
Analyser: TypeAlias = Callable[[RawMessage], Prepared | str]


def prepare_message(
    raw: RawMessage, config: Config, read_picture: Callable[[bytes], PictureText] | None
) -> Prepared | str:
    """Parse, unwrap, analyse and judge one message (pure but for Tesseract); a str says
    why it could not be."""
    try:
        parsed = parse_message(raw.raw, max_mime_depth=config.ingest.max_mime_depth)
        unwrapped = unwrap(
            parsed,
            mailbox_addresses=config.mailbox_addresses,
            office_map=config.office_map(),
            max_depth=config.ingest.max_forward_depth,
        )
    except ParseError as e:
        return str(e)
    except (RecursionError, MemoryError, ValueError, LookupError, UnicodeError) as e:
        log.debug("parsing %s failed", raw.source, exc_info=True)
        return f"cannot parse: {type(e).__name__}: {e}"
    try:
        analysis = analyse(
            unwrapped, own_addresses=own_addresses(config), read_picture=read_picture
        )
        verdict = judge_message(message_text(unwrapped, analysis, config))
    except Exception as e:  # a bug on one hostile message must not stop the run
        log.exception("unexpected error on %s", raw.source)
        return f"internal error: {type(e).__name__}: {e}"
    text_chars = len(analysis.body.strip()) + sum(
        len(t) for t in (*analysis.attachment_texts, *analysis.picture_texts)
    )
    features = replace(analysis.features, verdict_class=verdict_class(verdict.score, text_chars))
    return Prepared(
        unwrapped=unwrapped, analysis=analysis, verdict=verdict, text_chars=text_chars,
        features=features,
    )  # fmt: skip


# One per worker process: the pictures it has read (a campaign sends one picture to many).
_worker_pictures: PictureReader | None = None


def prepare_in_worker(config: Config, raw: RawMessage) -> Prepared | str:
    """prepare_message in a worker process, with that process's picture reader."""
    global _worker_pictures
    if _worker_pictures is None:
        analyse_on_one_core()
        _worker_pictures = PictureReader(picture_limits(config))
    return prepare_message(raw, config, _worker_pictures.for_message())


def analyse_on_one_core() -> None:
    """OpenCV's and BLAS's own threads off in a process that analyses or stores messages:
    ingest spreads messages over processes, and parallel loops on one picture cost more CPU
    than they save (connected components of a 2 MP picture took twice the CPU on two
    threads; OpenBLAS's threads for the double-compression map's matrix product, spinning
    beside the other worker, took ingest from 0.195 to 0.257 CPU s a message), CPU the other
    processes then lack. Results are the same on one thread."""
    import cv2
    from threadpoolctl import threadpool_limits

    cv2.setNumThreads(1)
    threadpool_limits(limits=1)


@contextmanager
def analysed_stream(
    ws: Workspace,
    items: Iterable[Item],
    *,
    workers: int | None = None,
    analyser: Analyser | None = None,
) -> Iterator[Iterator[tuple[Item, Analysed | None]]]:
    """Each item with its analysis, in input order (None: nothing to analyse: not a message,
    empty, or stored before). With one worker, in this process; with more, in a pool."""
    count = workers or ws.config.ingest.workers or default_workers()
    analyse_on_one_core()  # the writer, and with one worker the analysis too

    def needs(item: Item) -> bool:
        return (
            isinstance(item, RawMessage)
            and bool(item.raw)
            and not ws.store.has_message(item.sha256)
        )

    if count <= 1 and analyser is None:

        def here(item: Item) -> Analysed | None:
            if not needs(item):
                return None
            assert isinstance(item, RawMessage)
            return prepare_message(item, ws.config, ws.pictures.for_message())

        yield ((item, here(item)) for item in items)
        return
    if analyser is None:
        yield ws.pool(count).map(items, needs=needs)
        return
    with OrderedPool(_on_message(analyser), workers=count) as pool:
        yield pool.map(items, needs=needs)


def _on_message(fn: Analyser) -> Callable[[Item], Prepared | str]:
    return partial(_call_on_raw, fn)


def _call_on_raw(fn: Analyser, item: Item) -> Prepared | str:
    assert isinstance(item, RawMessage)
    return fn(item)


def store_stream(
    ws: Workspace,
    analysed: Iterable[tuple[Item, Analysed | None]],
    *,
    on_progress: Callable[[IngestReport], None] | None = None,
    clock: Clock = utc_now,
) -> IngestReport:
    """Store analysed messages one at a time, in the order given."""
    report = IngestReport()
    try:
        _store_items(ws, analysed, report, on_progress, clock)
    except sqlite3.OperationalError as e:  # disk full or locked outside a transaction
        raise ws.store.write_error(e) from e
    return report


def _store_items(
    ws: Workspace,
    analysed: Iterable[tuple[Item, Analysed | None]],
    report: IngestReport,
    on_progress: Callable[[IngestReport], None] | None,
    clock: Clock,
) -> None:
    for item, result in analysed:
        if isinstance(item, IngestSkip):
            report.skipped.append(item)
        elif isinstance(item, IngestFailure):
            ws.store.record_failure(item.sha256, item.source, item.error, clock())
            report.failed.append(item)
        else:
            report.read += 1
            outcome: Outcome
            try:
                outcome = store_one(ws, item, result, clock=clock)
            except (StoreError, sqlite3.Error):
                raise  # the store itself is failing: every later message would fail too
            except Exception as e:  # a bug on one hostile message must not stop the run
                log.exception("unexpected error on %s", item.source)
                outcome = _fail(ws, item, f"internal error: {type(e).__name__}: {e}", clock())
            if outcome == "new":
                report.new += 1
                report.stored.append(item.sha256)
            elif outcome == "duplicate":
                report.duplicates += 1
            elif isinstance(outcome, IngestFailure):
                report.failed.append(outcome)
        if on_progress is not None:
            on_progress(report)


def ingest_one(ws: Workspace, raw: RawMessage, *, clock: Clock = utc_now) -> Outcome:
    """Store one message with its evidence; say whether it was new, seen before, or failed."""
    return store_one(ws, raw, None, clock=clock)


def store_one(
    ws: Workspace, raw: RawMessage, result: Analysed | None, *, clock: Clock = utc_now
) -> Outcome:
    """Store one message and its analysis (None: analysed here, when it needs one)."""
    now = clock()
    if ws.store.has_message(raw.sha256):
        ws.store.add_source(raw.sha256, raw.source, now)
        return "duplicate"
    if not raw.raw:
        return _fail(ws, raw, "empty file", now, kept=False)
    # Evidence first: a run killed after this line leaves a file the rerun finds in place.
    ws.evidence.put(raw.raw, raw.sha256)
    if result is None:
        result = prepare_message(raw, ws.config, ws.pictures.for_message())
    if isinstance(result, str):
        return _fail(ws, raw, result, now)
    if isinstance(result, WorkerCrashed | WorkerError):
        return _fail(ws, raw, f"internal error: {result.error}", now)
    with ws.store.transaction():
        cluster_id = founding_cluster_id(raw.sha256)
        if not ws.store.add_message(raw, result.unwrapped, cluster_id=cluster_id, now=now):
            # a concurrent run stored it between our check and our insert
            ws.store.add_source(raw.sha256, raw.source, now)
            return "duplicate"
        store_analysis(ws, raw.sha256, result.analysis, now)
        ws.store.add_verdict(raw.sha256, result.verdict, result.text_chars, now)
        ws.linker.link(raw.sha256, result.features, now)
    return "new"


def own_addresses(config: Config) -> tuple[str, ...]:
    """Addresses on our side of every message: never evidence that two mails are linked."""
    return tuple(sorted({*config.mailbox_addresses, *config.office_map()}))


def message_text(u: Unwrapped, a: Analysis, config: Config) -> MessageText:
    """What the verdict reads: the original's text, its PDFs' text, and who it was aimed at."""
    names = {p.email: p.name for p in config.protected}
    name = names.get(u.recipient or "") or next((t.name for t in u.original.to if t.name), None)
    return MessageText(
        subject=u.original.subject or "",
        body=a.body,
        attachment_texts=a.attachment_texts,
        picture_texts=a.picture_texts,
        wallets=tuple(w.address for w in a.indicators.wallets),
        recipient_name=name,
    )


def picture_limits(config: Config) -> PictureLimits:
    """Words are read by Tesseract within the configured time; QR codes always."""
    return PictureLimits(timeout_seconds=float(config.ingest.ocr_timeout_seconds))


def store_analysis(ws: Workspace, sha256: str, a: Analysis, now: datetime) -> None:
    """Everything derived from one message, inside the transaction that stores it."""
    for image in a.images:
        ws.evidence.put(image.found.data, image.found.sha256, "images")
        ws.store.add_image(
            image.found.sha256, image.fingerprint, image.found.format, now,
            image.manipulation, image.manipulation_note,
        )  # fmt: skip
        ws.store.add_message_image(sha256, image.found.sha256, image.found.where, image.found.name)
        if image.link_keys is not None:
            ws.store.add_link_keys(image.found.sha256, image.link_keys.to_bytes())
    for r in a.refusals:
        ws.store.add_refusal(sha256, r.where, r.name, r.reason, r.sha256)
    for text in a.attachment_texts:
        ws.store.add_message_text(sha256, "pdf", text)
    for image in a.images:  # words and QR codes read in pictures, and why a picture was not
        if image.text is None:
            continue
        where = f"picture {image.found.sha256}"
        for kind, value in (("ocr", image.text.ocr), *(("qr", q) for q in image.text.qr)):
            if value:
                ws.store.add_message_text(sha256, f"{kind}: {where}", value)
        if image.text.note:
            ws.store.add_message_text(sha256, f"note: {where}", image.text.note)
    if a.hidden_text:
        ws.store.add_message_text(sha256, "hidden", a.hidden_text)
    ind = a.indicators
    for w in ind.wallets:
        ws.store.add_indicator(sha256, "wallet", w.address, {"kind": w.kind})
    for kind, values in (("email", ind.emails), ("url", ind.urls), ("phone", ind.phones)):
        for value in values:
            ws.store.add_indicator(sha256, kind, value, {})
    for amount in ind.amounts:
        detail = {"amount": amount.value, "currency": amount.currency}
        ws.store.add_indicator(sha256, "amount", amount.text, detail)
    for deadline in ind.deadlines:
        ws.store.add_indicator(sha256, "deadline", deadline.text, {"hours": deadline.hours})
    features = a.features
    bands = band_keys(features.signature) if features.signature else []
    ws.store.add_features(sha256, features.keys(bands))
    if features.signature:
        ws.store.add_signature(sha256, features.signature)


def _fail(
    ws: Workspace, raw: RawMessage, error: str, now: datetime, *, kept: bool = True
) -> IngestFailure:
    sha256 = raw.sha256 if kept else None
    ws.store.record_failure(sha256, raw.source, error, now)
    return IngestFailure(source=raw.source, error=error, sha256=sha256)


LOCALISE_SIBLINGS = 10  # pictures of the campaign compared with each member, nearest first
LOCALISE_MIN_SIBLINGS = 2  # the region must differ from at least this many to be the paste


def localise_campaigns(
    ws: Workspace,
    cluster_ids: list[str],
    *,
    clock: Clock = utc_now,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Where each campaign picture differs from its siblings (the pasted face), for these
    clusters; a picture already compared with as many siblings is skipped. Derived data:
    a failure here loses nothing. Returns how many pictures were localised."""
    work: list[tuple[str, list[str], bool]] = []
    for cluster_id in sorted(set(cluster_ids)):
        # thumbnails too small to join mail are still campaign pictures; banners are not
        pictures = [p for p in ws.store.cluster_pictures(cluster_id) if is_picture_shaped(*p[3:])]
        comparable = [p for p in pictures if localisable(*p[3:])]
        if len(comparable) <= LOCALISE_MIN_SIBLINGS:
            continue
        index = ImageIndex(capacity=len(comparable))
        for sha, phash, mirror, _, _ in comparable:
            index.add(sha, int(phash, 16), int(mirror, 16))
        for sha, phash, _, width, height in pictures:
            # every other picture of the campaign, nearest first: the aligner skips the ones
            # of another base picture
            ranked = index.near(int(phash, 16), 64, LOCALISE_SIBLINGS + 1)
            siblings = [s for s, _ in ranked if s != sha][:LOCALISE_SIBLINGS]
            if (ws.store.localised_siblings(sha) or 0) < len(siblings):
                work.append((sha, siblings, localisable(width, height)))
    done = 0
    for i, (sha, siblings, big_enough) in enumerate(work):
        done += _localise_one(ws, sha, siblings, big_enough, clock())
        if on_progress is not None:
            on_progress(i + 1, len(work))
    return done


def _localise_one(
    ws: Workspace, sha: str, siblings: list[str], big_enough: bool, now: datetime
) -> int:
    # a picture too small to look in gets its reason without its siblings read: a message of
    # many tiny pictures in a campaign would otherwise read every sibling for each of them
    read = siblings if big_enough else []
    try:
        found = localise_in_group(
            ws.evidence.get(sha, "images"), [ws.evidence.get(s, "images") for s in read]
        )
    except (ImageRefused, StoreError) as e:
        log.warning("cannot localise %s: %s", sha[:12], e)
        return 0
    diff_sha = sha256_hex(found.diff_png)
    ws.evidence.put(found.diff_png, diff_sha, "diffs")
    evidence = campaign_evidence(found, *ws.store.image_size(sha))
    picture = ws.store.picture_manipulation(sha)
    with ws.store.transaction():
        ws.store.add_localisation(sha, found, len(siblings), diff_sha, now)
        ws.store.set_campaign_manipulation(
            sha, picture, evidence.probability, combine(picture, evidence.probability),
            evidence.reason,
        )  # fmt: skip
    return 1
