"""The poller against a real Dovecot: exactly once across polls, crashes, overlaps and restarts."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dovecot import Dovecot, Mailbox, free_port, write_config
from triage.config import AccountConfig, parse_config
from triage.pipeline import Workspace
from triage.poller import (
    BatchDone,
    PollEnv,
    PollReport,
    PollSettings,
    backoff_delay,
    lock_path,
    message_source,
    poll_lock,
    poll_once,
)
from triage.records import sha256_hex

TRIAGE = str(Path(sys.executable).parent / "triage")


def message(i: int, tag: str = "m") -> bytes:
    return (
        f"From: Night Owl <owl{i}@badmail.test>\r\nTo: triage@cyber.legco.example\r\n"
        f"Subject: {tag} pay {i}\r\nDate: Mon, 03 Feb 2025 10:15:00 +0800\r\n"
        f"Message-ID: <{tag}{i}@badmail.test>\r\n\r\nSend 0.5 BTC, ref {tag}-{i}.\r\n"
    ).encode()


Opener = Callable[..., tuple[Workspace, tuple[AccountConfig, ...]]]


@pytest.fixture
def open_ws(tmp_path: Path) -> Iterator[Opener]:
    """Open a workspace on tmp_path/triage.db with the given [accounts.NAME] tables."""
    opened: list[Workspace] = []

    def open_(
        accounts: dict[str, dict[str, object]], **top: dict[str, object]
    ) -> tuple[Workspace, tuple[AccountConfig, ...]]:
        config = parse_config({**top, "accounts": accounts}, base_dir=tmp_path)
        ws = Workspace.open(config, tmp_path / "triage.db")
        opened.append(ws)
        return ws, config.accounts

    yield open_
    for ws in opened:
        ws.close()


def quiet_env(**kw: object) -> PollEnv:
    return PollEnv(sleep=lambda s: None, rng=random.Random(1), **kw)  # type: ignore[arg-type]


def stored(ws: Workspace) -> set[str]:
    return {r["sha256"] for r in ws.store.rows("SELECT sha256 FROM messages")}


def shas(messages: list[bytes]) -> set[str]:
    return {sha256_hex(m) for m in messages}


def stored_events_per_message(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT sha256, count(*) FROM audit WHERE event = 'stored' GROUP BY sha256"
        ).fetchall()
    return dict(rows)


# -- pure parts -------------------------------------------------------------------------


def test_message_source_names_account_folder_uidvalidity_and_uid() -> None:
    assert message_source("triage", "INBOX", 7, 42) == "imap://triage/INBOX;UIDVALIDITY=7;UID=42"
    assert (
        message_source("t", "Triage/In box", 1, 2) == "imap://t/Triage/In%20box;UIDVALIDITY=1;UID=2"
    )


def test_backoff_delay_doubles_up_to_the_cap_with_jitter() -> None:
    settings = PollSettings(backoff_base=1.0, backoff_cap=8.0)
    rng = random.Random(3)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [backoff_delay(attempt, settings, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_poll_lock_is_exclusive_and_private(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "triage.db"
    with poll_lock(db) as first:
        assert first
        with poll_lock(db) as second:
            assert not second
    assert stat.S_IMODE(lock_path(db).stat().st_mode) == 0o600
    with poll_lock(db) as again:
        assert again  # released with the run


# -- one account, one folder ------------------------------------------------------------


def test_first_poll_stores_every_message_in_batches_with_imap_sources(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    messages = [message(i) for i in range(7)]
    mailbox.append("INBOX", messages)
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path, batch_size=3)})
    batches: list[BatchDone] = []

    report = poll_once(ws, accounts, env=quiet_env(on_batch=batches.append))

    assert report.as_json()["accounts"] == {
        "triage": {"INBOX": {"read": 7, "new": 7, "duplicates": 0, "failed": []}}
    }
    assert report.errors == []
    assert [b.uids for b in batches] == [(1, 2, 3), (4, 5, 6), (7,)]
    assert stored(ws) == shas(messages)
    uidvalidity = mailbox.uidvalidity("INBOX")
    (row,) = ws.store.rows(
        "SELECT source, received_at FROM messages WHERE sha256 = ?", [sha256_hex(messages[0])]
    )
    assert row["source"] == f"imap://triage/INBOX;UIDVALIDITY={uidvalidity};UID=1"
    assert row["received_at"].endswith("+00:00")  # INTERNALDATE, aware UTC
    assert ws.store.get_checkpoint("triage", "INBOX", uidvalidity) == 7


def test_default_after_store_leaves_the_mailbox_unchanged(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    mailbox.append("INBOX", [message(i) for i in range(3)])
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path)})
    poll_once(ws, accounts, env=quiet_env())
    assert mailbox.uids("INBOX") == [1, 2, 3]
    assert mailbox.uids("INBOX", "UNSEEN") == [1, 2, 3]  # EXAMINE and BODY.PEEK: no \Seen


def test_new_mail_between_polls_is_fetched_and_a_quiet_poll_stores_nothing(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    mailbox.append("INBOX", [message(i) for i in range(3)])
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path)})
    poll_once(ws, accounts, env=quiet_env())
    mailbox.append("INBOX", [message(i) for i in range(3, 5)])

    second = poll_once(ws, accounts, env=quiet_env())
    third = poll_once(ws, accounts, env=quiet_env())

    assert second.folder("triage", "INBOX").as_json() == {
        "read": 2, "new": 2, "duplicates": 0, "failed": []
    }  # fmt: skip
    assert third.folder("triage", "INBOX").read == 0
    assert len(stored(ws)) == 5


def test_seen_is_set_only_on_batches_already_stored(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    messages = [message(i) for i in range(6)]
    mailbox.append("INBOX", messages)
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path, batch_size=2, after_store="seen")})
    seen_at_each_batch = []

    def check(done: BatchDone) -> None:  # runs after the batch's COMMIT and its \Seen
        unseen = mailbox.uids("INBOX", "UNSEEN")
        stored_uids = {int(s.rsplit("=", 1)[1]) for s in _sources(ws)}
        assert set(range(1, 7)) - set(unseen) == stored_uids  # seen <=> stored
        seen_at_each_batch.append(max(done.uids))

    poll_once(ws, accounts, env=quiet_env(on_batch=check))
    assert seen_at_each_batch == [2, 4, 6]
    assert mailbox.uids("INBOX", "UNSEEN") == []


def _sources(ws: Workspace) -> list[str]:
    return [r["source"] for r in ws.store.rows("SELECT source FROM message_sources")]


def test_seen_missed_by_a_crash_after_commit_is_set_by_the_next_run(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    mailbox.append("INBOX", [message(i) for i in range(3)])
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path, after_store="seen")})
    none_acct = parse_config(
        {"accounts": {"triage": mailbox.account(tmp_path)}}, base_dir=tmp_path
    ).accounts
    poll_once(ws, none_acct, env=quiet_env())  # stored and checkpointed, \Seen never set

    report = poll_once(ws, accounts, env=quiet_env())

    assert report.folder("triage", "INBOX").read == 0
    assert mailbox.uids("INBOX", "UNSEEN") == []


def test_move_moves_only_stored_messages_and_they_are_not_fetched_again(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    messages = [message(i) for i in range(5)]
    mailbox.append("INBOX", messages)
    mailbox.append("Triaged", [])
    account = mailbox.account(tmp_path, batch_size=2, after_store="move", move_to="Triaged")
    ws, accounts = open_ws({"triage": account})
    inbox_at_each_batch = []
    env = quiet_env(on_batch=lambda d: inbox_at_each_batch.append(len(mailbox.uids("INBOX"))))

    poll_once(ws, accounts, env=env)
    mailbox.append("INBOX", [message(9)])
    again = poll_once(ws, accounts, env=quiet_env())

    assert inbox_at_each_batch == [3, 1, 0]
    assert again.folder("triage", "INBOX").as_json() == {
        "read": 1, "new": 1, "duplicates": 0, "failed": []
    }  # fmt: skip
    assert mailbox.uids("INBOX") == []
    assert len(mailbox.uids("Triaged")) == 6
    assert stored(ws) == shas([*messages, message(9)])


def test_uidvalidity_change_rescans_the_folder_without_doubling(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    messages = [message(i) for i in range(3)]
    mailbox.append("Box", messages)
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path, folders=["Box"])})
    poll_once(ws, accounts, env=quiet_env())
    before = mailbox.uidvalidity("Box")
    with mailbox.client() as c:  # the folder recreated: same mail, a new incarnation
        c.delete_folder("Box")
    mailbox.append("Box", [*messages, message(3)])
    assert mailbox.uidvalidity("Box") != before

    report = poll_once(ws, accounts, env=quiet_env())

    assert report.folder("triage", "Box").as_json() == {
        "read": 4, "new": 1, "duplicates": 3, "failed": []
    }  # fmt: skip
    assert stored(ws) == shas([*messages, message(3)])
    assert len(_sources(ws)) == 7  # the old messages are known under both incarnations
    assert set(stored_events_per_message(tmp_path / "triage.db").values()) == {1}


def test_unparseable_message_is_kept_recorded_passed_and_flagged(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    junk = b"X-Junk: 1\r\n\r\nnot an e-mail at all\r\n"
    mailbox.append("INBOX", [message(1), junk, message(2)])
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path, after_store="seen")})

    report = poll_once(ws, accounts, env=quiet_env())
    again = poll_once(ws, accounts, env=quiet_env())

    inbox = report.folder("triage", "INBOX")
    assert (inbox.read, inbox.new, len(inbox.failed)) == (3, 2, 1)
    assert inbox.failed[0].source.endswith(";UID=2")
    assert ws.evidence.path(sha256_hex(junk)).read_bytes() == junk
    assert ws.store.rows("SELECT sha256 FROM failures") == [{"sha256": sha256_hex(junk)}]
    assert mailbox.uids("INBOX", "UNSEEN") == []  # after_store applies to it as well
    assert again.folder("triage", "INBOX").read == 0  # the checkpoint passed it


def test_oversize_message_is_recorded_and_left_on_the_server(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    big = message(2) + b"x" * 4000
    mailbox.append("INBOX", [message(1), big])
    ws, accounts = open_ws(
        {"triage": mailbox.account(tmp_path)}, ingest={"max_message_bytes": 1024}
    )
    report = poll_once(ws, accounts, env=quiet_env())
    (failure,) = report.folder("triage", "INBOX").failed
    assert failure.source.endswith(";UID=2") and "larger than 1024 bytes" in failure.error
    assert poll_once(ws, accounts, env=quiet_env()).folder("triage", "INBOX").read == 0


def test_missing_folder_is_reported_and_the_other_folders_are_polled(
    mailbox: Mailbox, tmp_path: Path, open_ws: Opener
) -> None:
    mailbox.append("INBOX", [message(1)])
    ws, accounts = open_ws({"triage": mailbox.account(tmp_path, folders=["Nope", "INBOX"])})
    report = poll_once(ws, accounts, env=quiet_env())
    assert [(e.account, e.error) for e in report.errors] == [
        ("triage", "folder 'Nope' does not exist")
    ]
    assert report.folder("triage", "INBOX").new == 1


# -- failures midway --------------------------------------------------------------------


def test_server_killed_mid_fetch_then_the_next_run_completes(
    own_imap_server: Dovecot, tmp_path: Path, open_ws: Opener
) -> None:
    mb = own_imap_server.add_user()
    messages = [message(i) for i in range(10)]
    mb.append("INBOX", messages)
    ws, accounts = open_ws({"triage": mb.account(tmp_path, batch_size=2)})

    def kill_after_first_batch(done: BatchDone) -> None:
        if done.uids == (1, 2):
            own_imap_server.kill()

    settings = PollSettings(reconnect_attempts=2)
    first = poll_once(
        ws, accounts, settings=settings, env=quiet_env(on_batch=kill_after_first_batch)
    )
    assert len(first.errors) == 1 and "refused" in first.errors[0].error
    assert first.folder("triage", "INBOX").new == 2

    own_imap_server.start()
    second = poll_once(ws, accounts, env=quiet_env())
    assert second.errors == []
    assert second.folder("triage", "INBOX").as_json() == {
        "read": 8, "new": 8, "duplicates": 0, "failed": []
    }  # fmt: skip
    assert stored(ws) == shas(messages)


def test_dropped_connection_reconnects_with_backoff_within_the_same_run(
    own_imap_server: Dovecot, tmp_path: Path, open_ws: Opener
) -> None:
    mb = own_imap_server.add_user()
    messages = [message(i) for i in range(6)]
    mb.append("INBOX", messages)
    ws, accounts = open_ws({"triage": mb.account(tmp_path, batch_size=2)})
    delays: list[float] = []

    def sleep(seconds: float) -> None:  # the server is back during the second wait
        delays.append(seconds)
        if len(delays) == 2:
            own_imap_server.start()

    def kill_once(done: BatchDone) -> None:
        if done.uids == (3, 4):
            own_imap_server.kill()

    env = PollEnv(sleep=sleep, rng=random.Random(5), on_batch=kill_once)
    settings = PollSettings(backoff_base=1.0, backoff_cap=60.0)
    report = poll_once(ws, accounts, settings=settings, env=env)

    assert report.errors == []
    assert report.folder("triage", "INBOX").new == 6
    assert stored(ws) == shas(messages)
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0


def test_two_pollers_without_the_lock_store_each_message_once(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    messages = [message(i) for i in range(60)]
    mailbox.append("INBOX", messages)
    config = parse_config(
        {"accounts": {"triage": mailbox.account(tmp_path, batch_size=4)}}, base_dir=tmp_path
    )
    db = tmp_path / "triage.db"
    Workspace.open(config, db).close()  # schema in place before the race
    start = threading.Barrier(2)
    reports: list[PollReport] = []

    def run() -> None:
        ws = Workspace.open(config, db)  # a connection of its own, as a second process has
        try:
            start.wait()
            reports.append(poll_once(ws, config.accounts, env=quiet_env()))
        finally:
            ws.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert [r.errors for r in reports] == [[], []]
    assert sum(r.folder("triage", "INBOX").new for r in reports) == 60
    assert stored_events_per_message(db) == dict.fromkeys(shas(messages), 1)


# -- the command line -------------------------------------------------------------------


def test_poll_help() -> None:
    result = subprocess.run([TRIAGE, "poll", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for option in ("--once", "--account", "--interval", "--json"):
        assert option in result.stdout


def test_cli_reports_each_failing_account_in_one_line_and_polls_the_rest(
    imap_server: Dovecot, tmp_path: Path
) -> None:
    good, bad = imap_server.add_user(), imap_server.add_user()
    good.append("INBOX", [message(1), message(2)])
    config = write_config(
        tmp_path / "config.toml",
        {
            "bad": bad.account(tmp_path, "bad", password="wrong"),
            "down": good.account(tmp_path, "down", port=free_port()),
            "good": good.account(tmp_path, "good"),
        },
    )
    result = run_cli("--config", str(config), "--db", "t.db", "poll", "--once", "--json",
                     cwd=tmp_path)  # fmt: skip

    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["accounts"]["good"] == {
        "INBOX": {"read": 2, "new": 2, "duplicates": 0, "failed": []}
    }
    errors = {e["account"]: e["error"] for e in doc["errors"]}
    assert errors["bad"].startswith(f"login refused for '{bad.user}'")
    assert errors["down"].startswith("cannot reach 127.0.0.1:")
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("poll: bad: login refused")
    assert lines[1].startswith("poll: down: cannot reach")


def test_cli_account_option_and_oauth2_from_env(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.append("INBOX", [message(1)])
    token_acct = {**mailbox.account(tmp_path), "oauth2_token_env": "TEST_TOKEN"}
    del token_acct["password_file"]
    config = write_config(
        tmp_path / "config.toml",
        {"other": mailbox.account(tmp_path, "other", password="wrong"), "triage": token_acct},
    )
    result = run_cli(
        "--config", str(config), "--db", "t.db", "poll", "--once", "--account", "triage",
        cwd=tmp_path, env={"TEST_TOKEN": mailbox.password},
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")  # silent for cron
    assert len(stored_events_per_message(tmp_path / "t.db")) == 1


def test_second_run_says_a_run_is_in_progress_and_exits_0(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.append("INBOX", [message(1)])
    config = write_config(tmp_path / "config.toml", {"triage": mailbox.account(tmp_path)})
    with poll_lock(tmp_path / "t.db"):
        result = run_cli("--config", str(config), "--db", "t.db", "poll", "--once", "--json",
                         cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0
    assert result.stderr.startswith("poll: another run is in progress (pid ")
    assert len(result.stderr.splitlines()) == 1
    assert json.loads(result.stdout)["skipped"] == "another run is in progress"


def _poll_process(tmp_path: Path, config: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [TRIAGE, "--config", str(config), "--db", "t.db", "poll", *extra],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
        except sqlite3.OperationalError:  # schema not created yet
            return 0


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_sigkill_at_random_points_then_a_full_run_stores_each_message_once(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    messages = [message(i, "k") for i in range(300)]
    mailbox.append("INBOX", messages)
    config = write_config(
        tmp_path / "config.toml", {"triage": mailbox.account(tmp_path, batch_size=3)}
    )
    db = tmp_path / "t.db"
    rng = random.Random(20250204)
    counts = []
    for attempt in range(9):
        proc = _poll_process(tmp_path, config, "--once")
        before = _count(db)
        if attempt % 3 == 0:  # start-up, login, search, first fetch (first commit: ~0.6 s)
            time.sleep(rng.uniform(0.1, 0.6))
        else:  # just after a commit, or further into the run: inside or between batches
            stored_first = 1 if attempt % 3 == 1 else 20
            _wait_for(lambda: _count(db) >= before + stored_first, 20)  # noqa: B023 (used at once)
            time.sleep(rng.uniform(0.0, 0.1 if attempt % 3 == 1 else 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        counts.append(_count(db))

    final = run_cli("--config", str(config), "--db", "t.db", "poll", "--once", "--json",
                    cwd=tmp_path)  # fmt: skip

    assert final.returncode == 0, final.stderr
    assert len({c for c in counts if 0 < c < 300}) >= 4, counts  # the kills did land midway
    assert stored_events_per_message(db) == dict.fromkeys(shas(messages), 1)
    # Files orphaned by a kill are taken up by the rerun (.tmp-* halves of a write are not ours).
    raw = (tmp_path / "evidence" / "raw").rglob("*")
    assert {p.name for p in raw if p.is_file() and not p.name.startswith(".")} == shas(messages)
    doc = json.loads(final.stdout)["accounts"]["triage"]["INBOX"]
    assert doc["new"] == 300 - counts[-1] and doc["duplicates"] == 0


def test_sigterm_finishes_the_current_batch_and_exits_0(mailbox: Mailbox, tmp_path: Path) -> None:
    messages = [message(i, "t") for i in range(200)]
    mailbox.append("INBOX", messages)
    config = write_config(
        tmp_path / "config.toml", {"triage": mailbox.account(tmp_path, batch_size=4)}
    )
    db = tmp_path / "t.db"
    proc = _poll_process(tmp_path, config, "--once")
    assert _wait_for(lambda: _count(db) > 0, 20)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=20)
    assert (proc.returncode, err) == (0, "")
    count = _count(db)
    assert 0 < count < 200 and count % 4 == 0  # whole batches only
    with closing(sqlite3.connect(db)) as conn:
        (last_uid,) = conn.execute("SELECT last_uid FROM imap_checkpoints").fetchone()
    assert last_uid == count


def test_daemon_picks_up_mail_while_idling_and_stops_on_sigterm(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    mailbox.append("INBOX", [message(1, "d")])
    config = write_config(tmp_path / "config.toml", {"triage": mailbox.account(tmp_path)})
    db = tmp_path / "t.db"
    proc = _poll_process(tmp_path, config, "--interval", "120")
    try:
        assert _wait_for(lambda: _count(db) == 1, 20)
        time.sleep(0.5)  # let it settle into IDLE
        mailbox.append("INBOX", [message(2, "d")])
        assert _wait_for(lambda: _count(db) == 2, 10)  # IDLE, not the 120 s interval
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert (proc.returncode, out, err) == (0, "", "")
    assert os.path.exists(lock_path(db))
