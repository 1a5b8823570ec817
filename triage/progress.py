"""Progress of long work on stderr: a live line on a terminal, quiet under cron (stderr)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from triage.records import IngestReport


class IngestProgress:
    """Live counts on a terminal; on a non-terminal, one summary line only when something failed."""

    def __init__(self, stream: TextIO | None = None, *, label: str = "ingest") -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.live = self.stream.isatty()
        self._last = 0.0

    def update(self, report: IngestReport) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self._last >= 0.1:
            self._last = now
            self.stream.write(f"\r{self.label}: {summary(report)}\x1b[K")
            self.stream.flush()

    def finish(self, report: IngestReport) -> None:
        if self.live:
            self.stream.write(f"\r{self.label}: {summary(report)}\x1b[K\n")
        elif report.failed:  # cron mails what a job prints: print only what needs a look
            self.stream.write(f"{self.label}: {summary(report)}\n")
        self.stream.flush()


def summary(report: IngestReport) -> str:
    return (
        f"{report.read} read, {report.new} new, {report.duplicates} duplicates, "
        f"{len(report.failed)} failed"
        + (f", {len(report.skipped)} skipped" if report.skipped else "")
    )
