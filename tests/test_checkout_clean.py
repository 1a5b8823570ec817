"""Commands run in a checkout leave nothing git would pick up: no store, evidence or export
(victims' mail must never end up in a commit)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT, run_cli

GIT = (
    "git",
    "-c",
    "user.name=t",
    "-c",
    "user.email=t@example.invalid",
    "-c",
    "core.hooksPath=/dev/null",
)


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        [*GIT, *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def checkout_copy(dest: Path) -> Path:
    """The files git tracks here, as they are in the working tree, committed in a new repo."""
    tracked = git("ls-files", "-z", cwd=ROOT).split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "copy", cwd=dest)
    return dest


def test_readme_commands_in_the_checkout_leave_no_untracked_file(tmp_path: Path) -> None:
    repo = checkout_copy(tmp_path / "repo")
    assert git("status", "--porcelain", cwd=repo) == ""

    def triage(*args: str) -> str:
        result = run_cli(*args, cwd=repo)
        assert result.returncode == 0, (args, result.stderr)
        return result.stdout

    # README's commands, with the shipped config.toml (store path = "triage.db").
    triage("ingest", "fixtures/corpus/maildir")
    clusters = json.loads(triage("clusters", "--all", "--json"))
    triage("show", clusters[0]["id"])
    triage("route", "--dry-run")
    triage("route")
    items = json.loads(triage("queue", "--json"))
    (repo / "exports").mkdir()
    triage("export", "--format", "stix", "-o", "exports/campaigns.stix.json")
    triage("export", "--format", "misp", clusters[0]["id"], "-o", "exports/event.json")
    (repo / "exports" / "messages.csv").write_text(triage("export", "--format", "csv"))
    assert items, "route queued nothing: the queue commands below would not run"
    triage("queue", "ack", items[0]["id"], "--by", "alice")
    triage("queue", "close", items[0]["id"], "--note", "referred")
    assert (repo / "triage.db").exists() and (repo / "evidence").is_dir()

    assert git("status", "--porcelain", "--untracked-files=all", cwd=repo) == ""
