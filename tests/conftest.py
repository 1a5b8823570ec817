"""Shared fixtures: paths to test data, a store in a temporary folder, a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.dovecot"]

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "mail-parser-tests"


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """Run the real console script, as cron and scripts do (`prefix`: a wrapper such as setpriv)."""
    full_env = {k: v for k, v in os.environ.items() if k != "TRIAGE_DB"}  # no leaks from outside
    full_env.update(env or {})
    triage = Path(sys.executable).parent / "triage"
    return subprocess.run(
        [*prefix, str(triage), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_json(*args: str, cwd: Path) -> Any:
    """The command's --json output (any JSON value: tests index it as they expect)."""
    result = run_cli(*args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _stores_are_closed(monkeypatch: pytest.MonkeyPatch):
    """Close every store a test opened and left open: Python 3.13 warns when an SQLite
    connection is collected unclosed, and warnings fail the suite."""
    import threading

    from triage.store import Store

    opened: list[Store] = []
    original = Store.__init__
    here = threading.get_ident()

    def recording_init(self: Store, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        if threading.get_ident() == here:  # a connection may be closed by its own thread only
            opened.append(self)

    monkeypatch.setattr(Store, "__init__", recording_init)
    yield
    for store in opened:
        store.close()
