"""Poll IMAP accounts into the store exactly once: checkpoints, batches, after_store, daemon loop.

Side effects: IMAP (through triage.imap), the store and evidence (through triage.pipeline), and
a lock file beside the database. Time, sleep, randomness and stopping are injected.
"""

from __future__ import annotations

import fcntl
import itertools
import logging
import os
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from triage.config import AccountConfig
from triage.errors import TriageError
from triage.imap import FetchedMessage, ImapSession, ServerGone, connect
from triage.pipeline import Clock, Workspace, analysed_stream, store_stream, utc_now
from triage.records import IngestFailure, IngestReport, RawMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PollSettings:
    """How the poller paces itself; none of it is per account."""

    interval: float = 60.0  # seconds between polls when no IDLE wakes us first
    idle: bool = True  # wait with IMAP IDLE where the server offers it
    reconnect_attempts: int = 4  # after a connection drops mid-run, per account and run
    backoff_base: float = 1.0  # first reconnect delay, doubled each attempt
    backoff_cap: float = 60.0  # no reconnect delay longer than this


class FolderProgress(Protocol):
    def update(self, report: IngestReport) -> None: ...
    def finish(self, report: IngestReport) -> None: ...


class _Silent:
    def update(self, report: IngestReport) -> None:
        pass

    def finish(self, report: IngestReport) -> None:
        pass


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchDone:
    """A committed batch, handed to the on_batch hook (tests stop servers here)."""

    account: str
    folder: str
    uids: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PollEnv:
    """What the poller takes from the world, injected so that tests can steer it."""

    clock: Clock = utc_now
    sleep: Callable[[float], object] | None = None  # None: stop.wait, so SIGTERM cuts it short
    rng: random.Random = field(default_factory=random.Random)  # reconnect jitter
    stop: threading.Event = field(default_factory=threading.Event)  # set by SIGTERM
    progress: Callable[[str, str], FolderProgress] = lambda account, folder: _Silent()
    on_batch: Callable[[BatchDone], None] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountError:
    account: str
    error: str


@dataclass(slots=True)
class PollReport:
    """Ingest reports per account and folder, and the accounts that failed."""

    accounts: dict[str, dict[str, IngestReport]] = field(default_factory=dict)
    errors: list[AccountError] = field(default_factory=list)

    def folder(self, account: str, folder: str) -> IngestReport:
        return self.accounts.setdefault(account, {}).setdefault(folder, IngestReport())

    def failures(self) -> Iterator[IngestFailure]:
        for folders in self.accounts.values():
            for report in folders.values():
                yield from report.failed

    def as_json(self) -> dict[str, object]:
        return {
            "accounts": {
                name: {f: r.as_json() for f, r in sorted(folders.items())}
                for name, folders in sorted(self.accounts.items())
            },
            "errors": [{"account": e.account, "error": e.error} for e in self.errors],
        }


# -- lock -------------------------------------------------------------------------------


def lock_path(db_path: Path) -> Path:
    return Path(f"{db_path}.poll.lock")


@contextmanager
def poll_lock(db_path: Path) -> Iterator[bool]:
    """Hold `<db>.poll.lock` (flock, non-blocking); yields False when another run holds it."""
    path = lock_path(db_path)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        # The kernel drops the lock when the process dies, even by SIGKILL: no stale locks.
        # The file is never removed: were it unlinked, a third run could lock a new file
        # while the second still holds the old one.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield True
    finally:
        os.close(fd)


def lock_holder(db_path: Path) -> str:
    """The pid written by the run holding the lock, for the message to the second run."""
    try:
        return lock_path(db_path).read_text().strip() or "?"
    except OSError:
        return "?"


# -- one pass ---------------------------------------------------------------------------


def poll_once(
    ws: Workspace,
    accounts: Sequence[AccountConfig],
    *,
    settings: PollSettings = PollSettings(),
    env: PollEnv | None = None,
) -> PollReport:
    """Every folder of every account once; one failing account never stops the others."""
    env = env or PollEnv()
    report = PollReport()
    for account in accounts:
        if env.stop.is_set():
            break
        try:
            _poll_account(ws, account, settings, env, report)
        except TriageError as e:
            report.errors.append(AccountError(account=account.name, error=str(e)))
    return report


def _poll_account(
    ws: Workspace,
    account: AccountConfig,
    settings: PollSettings,
    env: PollEnv,
    report: PollReport,
) -> None:
    """Connect and poll each folder; after a drop, reconnect with backoff and resume."""
    run = _AccountRun()
    for attempt in itertools.count(1):
        try:
            _poll_folders(ws, account, run, env, report)
            return
        except ServerGone as e:
            # Unreachable from the start: say so now, cron tries again later. A drop midway
            # is retried a bounded number of times; the checkpoints keep the work done.
            if not run.connected or attempt > settings.reconnect_attempts or env.stop.is_set():
                raise
            delay = backoff_delay(attempt, settings, env.rng)
            log.warning("%s: %s; reconnecting in %.1f s", account.name, e, delay)
            (env.sleep or env.stop.wait)(delay)


@dataclass(slots=True)
class _AccountRun:
    """What survives a reconnect: whether we ever got in, and the folders finished."""

    connected: bool = False
    done: set[str] = field(default_factory=set)


def _poll_folders(
    ws: Workspace, account: AccountConfig, run: _AccountRun, env: PollEnv, report: PollReport
) -> None:
    with connect(account) as session:
        run.connected = True
        for folder in account.folders:
            if folder in run.done or env.stop.is_set():
                continue
            total = report.folder(account.name, folder)
            progress = env.progress(account.name, folder)
            try:
                poll_folder(ws, session, _Target(account, folder, total, progress), env)
            except ServerGone:
                raise  # the whole connection is gone: _poll_account reconnects
            except TriageError as e:  # this folder only (missing, say): the others go on
                report.errors.append(AccountError(account=account.name, error=str(e)))
            run.done.add(folder)
            progress.finish(total)


@dataclass(frozen=True, slots=True)
class _Target:
    """The folder being polled, and where its counts go."""

    account: AccountConfig
    folder: str
    total: IngestReport
    progress: FolderProgress


def backoff_delay(attempt: int, settings: PollSettings, rng: random.Random) -> float:
    """Exponential, capped, with jitter in [50 %, 100 %] so that pollers do not stampede."""
    ceiling = min(settings.backoff_cap, settings.backoff_base * 2.0 ** (attempt - 1))
    return ceiling * (0.5 + rng.random() / 2)


def poll_folder(ws: Workspace, session: ImapSession, target: _Target, env: PollEnv) -> None:
    """Store the folder's messages above its checkpoint, batch by batch."""
    account, folder = target.account, target.folder
    # after_store none: EXAMINE, so nothing in the mailbox changes, \Seen included.
    uidvalidity = session.select(folder, readonly=account.after_store == "none").uidvalidity
    last_uid = ws.store.get_checkpoint(account.name, folder, uidvalidity)
    _catch_up_after_store(session, account, last_uid)
    # UIDs only (a few bytes each); the messages themselves come one batch at a time.
    for batch in _chunks(session.uids_above(last_uid), account.batch_size):
        if env.stop.is_set():  # SIGTERM: the batch before this one is committed; stop here
            return
        _store_batch(ws, session, target, uidvalidity, batch, env)
        _after_store(session, account, batch)
        if env.on_batch is not None:
            env.on_batch(BatchDone(account=account.name, folder=folder, uids=batch))


def _store_batch(
    ws: Workspace,
    session: ImapSession,
    target: _Target,
    uidvalidity: int,
    batch: tuple[int, ...],
    env: PollEnv,
) -> None:
    """Fetch one batch; its messages and the checkpoint that covers them commit together."""
    name, folder, total = target.account.name, target.folder, target.total
    max_bytes = ws.config.ingest.max_message_bytes
    fetched = session.fetch(batch, max_bytes=max_bytes)
    items = [_item(m, message_source(name, folder, uidvalidity, m.uid), max_bytes) for m in fetched]
    # Analysed before the write transaction (in worker processes), so a batch holds the
    # store's write lock only while it is stored. Evidence files are written inside, before
    # COMMIT: a crash leaves only an orphan file, content-addressed, that the rerun finds.
    with analysed_stream(ws, items) as stream:
        analysed = list(stream)
    with ws.store.transaction():
        part = store_stream(
            ws,
            analysed,
            clock=env.clock,
            on_progress=lambda r: target.progress.update(_sum(total, r)),
        )
        ws.store.set_checkpoint(name, folder, uidvalidity, max(batch), env.clock())
    _add(total, part)
    target.progress.update(total)


def _item(m: FetchedMessage, source: str, max_bytes: int) -> RawMessage | IngestFailure:
    if m.raw is None:
        return IngestFailure(
            source=source, error=f"larger than {max_bytes} bytes ({m.size}): left on the server"
        )
    return RawMessage.from_bytes(m.raw, source=source, received_at=m.internaldate)


def message_source(account: str, folder: str, uidvalidity: int, uid: int) -> str:
    """imap://ACCOUNT/FOLDER;UIDVALIDITY=V;UID=U (RFC 5092 style; the folder %-escaped)."""
    where = f"{quote(account, safe='')}/{quote(folder, safe='/')}"
    return f"imap://{where};UIDVALIDITY={uidvalidity};UID={uid}"


def _after_store(session: ImapSession, account: AccountConfig, uids: Sequence[int]) -> None:
    """Only after COMMIT: a crash in between leaves the flag for _catch_up_after_store."""
    if account.after_store == "seen":
        session.mark_seen(uids)
    elif account.after_store == "move" and account.move_to:
        session.move(uids, account.move_to)


def _catch_up_after_store(session: ImapSession, account: AccountConfig, last_uid: int) -> None:
    """Redo after_store for messages already stored (a run killed between COMMIT and it)."""
    if account.after_store == "none":
        return
    pending = session.uids_up_to(last_uid, unseen_only=account.after_store == "seen")
    for batch in _chunks(pending, account.batch_size):
        _after_store(session, account, batch)


def _chunks(items: Sequence[int], size: int) -> Iterator[tuple[int, ...]]:
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])


def _add(total: IngestReport, part: IngestReport) -> None:
    total.read += part.read
    total.new += part.new
    total.duplicates += part.duplicates
    total.failed.extend(part.failed)


def _sum(total: IngestReport, part: IngestReport) -> IngestReport:
    return IngestReport(
        read=total.read + part.read,
        new=total.new + part.new,
        duplicates=total.duplicates + part.duplicates,
        failed=[*total.failed, *part.failed],
    )


# -- daemon -----------------------------------------------------------------------------


def poll_forever(
    ws: Workspace,
    accounts: Sequence[AccountConfig],
    *,
    settings: PollSettings = PollSettings(),
    env: PollEnv | None = None,
    on_cycle: Callable[[PollReport], None] | None = None,
) -> PollReport:
    """Poll, wait for mail (IDLE or interval), repeat until env.stop; returns the totals."""
    env = env or PollEnv()
    totals = PollReport()
    while not env.stop.is_set():
        cycle = poll_once(ws, accounts, settings=settings, env=env)
        _merge(totals, cycle)
        if on_cycle is not None:
            on_cycle(cycle)
        if not env.stop.is_set() and accounts:
            wait_for_mail(ws, accounts[0], settings, env)
    return totals


def wait_for_mail(
    ws: Workspace, account: AccountConfig, settings: PollSettings, env: PollEnv
) -> None:
    """IDLE on the first folder of `account` up to the interval; a plain wait otherwise.

    Other accounts and folders are polled at the interval. New mail that arrived since the
    last pass ends the wait at once, so nothing sits unseen for a whole interval.
    """
    if not settings.idle:
        env.stop.wait(settings.interval)
        return
    folder = account.folders[0]
    try:
        with connect(account) as session:
            state = session.select(folder, readonly=True)
            last_uid = ws.store.get_checkpoint(account.name, folder, state.uidvalidity)
            if session.uids_above(last_uid):
                return
            session.wait_for_mail(settings.interval, env.stop)
    except TriageError as e:  # the next pass reports it; wait as if there were no IDLE
        log.debug("IDLE on %s/%s: %s", account.name, folder, e)
        env.stop.wait(settings.interval)


def _merge(totals: PollReport, cycle: PollReport) -> None:
    for name, folders in cycle.accounts.items():
        for folder, part in folders.items():
            _add(totals.folder(name, folder), part)
    totals.errors = list(cycle.errors)  # the latest state of each account, not a history


def select_accounts(
    accounts: Sequence[AccountConfig], names: Sequence[str]
) -> tuple[AccountConfig, ...]:
    """The accounts named (all when none is); an unknown name is an error, not a no-op."""
    if not accounts:
        raise TriageError("no IMAP accounts in config.toml (add an [accounts.NAME] table)")
    known = {a.name: a for a in accounts}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise TriageError(
            f"no account named {', '.join(unknown)} in config.toml (known: {', '.join(known)})"
        )
    return tuple(known[n] for n in dict.fromkeys(names)) if names else tuple(accounts)
