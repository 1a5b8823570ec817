"""A function mapped over a stream in worker processes, results in input order (processes).

Ingest analyses messages on every core and stores them in one writer; the writer must see
results in the order the messages came, so that what it commits (and how the linker joins
clusters) is the same as one process would commit. At most `window` items are in flight, so
memory stays flat however long the stream. A worker process that dies (a crash in a decoder,
the kernel's OOM killer) costs only the item it was working on: the pool is rebuilt, the
other items in flight are resubmitted, and the item found guilty alone in a fresh process
comes back as a WorkerCrashed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class WorkerCrashed:
    """The worker process died while working on this item (alone, in a fresh process)."""

    error: str


@dataclass(frozen=True, slots=True)
class WorkerError:
    """The function raised, or its result could not be sent back."""

    error: str


def default_workers() -> int:
    return os.cpu_count() or 1


def _start_worker() -> None:
    """In each worker: Ctrl-C is the parent's to act on; SIGTERM ends the worker (the pool
    terminates workers so; a forked worker would otherwise keep a poller's handler); and the
    worker leaves when its parent is gone, so a SIGKILLed run leaves no process behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _context() -> BaseContext:
    """fork is fast to start and shares what the parent loaded; it is only safe while the
    parent runs one thread (a lock held by another thread would stay held in the child).
    Otherwise a fork server: it imports triage once, then forks each pool's workers."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["triage.pipeline"])
        return context
    return multiprocessing.get_context("spawn")


class OrderedPool(Generic[T, R]):
    """`fn` over items in `workers` processes; fn must be picklable (a module-level
    function or a functools.partial of one) and catch what it can itself."""

    def __init__(self, fn: Callable[[T], R], *, workers: int, window: int | None = None):
        self.fn = fn
        self.workers = max(1, workers)
        self.window = window or 4 * self.workers
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> OrderedPool[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def map(
        self, items: Iterable[T], needs: Callable[[T], bool] = lambda _: True
    ) -> Iterator[tuple[T, R | WorkerCrashed | WorkerError | None]]:
        """(item, result) in input order, at most `window` items ahead of the consumer;
        items `needs` turns down are passed along with None, in their place."""
        pending: deque[tuple[T, Future[R] | None]] = deque()
        source = iter(items)
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.window:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending.append((item, self._submit(item) if needs(item) else None))
            if not pending:
                return
            item, future = pending.popleft()
            yield item, None if future is None else self._result(item, future, pending)

    def _submit(self, item: T) -> Future[R]:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=_context(), initializer=_start_worker
            )
        try:
            return self._executor.submit(self.fn, item)
        except BrokenProcessPool as e:  # a worker died since: this item is retried in turn
            lost: Future[R] = Future()
            lost.set_exception(e)
            return lost

    def _result(
        self, item: T, future: Future[R], pending: deque[tuple[T, Future[R] | None]]
    ) -> R | WorkerCrashed | WorkerError:
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        except Exception as e:  # raised in fn, or its result did not pickle
            return WorkerError(f"{type(e).__name__}: {e}")
        # A worker died: every future of this pool is lost. Which item killed it is not
        # known, so this one is tried alone; the others go to a fresh pool.
        log.warning("a worker process died; retrying the messages in flight")
        self.close()
        alone = _run_alone(self.fn, item)
        for i, (other, was) in enumerate(pending):
            if was is not None:
                pending[i] = (other, self._submit(other))
        return alone


def _run_alone(fn: Callable[[T], R], item: T) -> R | WorkerCrashed | WorkerError:
    with ProcessPoolExecutor(1, mp_context=_context(), initializer=_start_worker) as solo:
        try:
            return solo.submit(fn, item).result()
        except BrokenProcessPool:
            return WorkerCrashed("the analysis process died on it (crash or out of memory)")
        except Exception as e:
            return WorkerError(f"{type(e).__name__}: {e}")
