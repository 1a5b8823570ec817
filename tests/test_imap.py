"""triage.imap against a real Dovecot: TLS modes, logins, errors as one line, fetch and flags."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.dovecot import Mailbox, free_port
from triage.config import AccountConfig, Secret
from triage.errors import MailboxError
from triage.imap import ImapSession, ServerGone, connect


def message(i: int) -> bytes:
    return (
        f"From: owl{i}@badmail.test\r\nTo: triage@cyber.legco.example\r\n"
        f"Subject: pay {i}\r\nMessage-ID: <m{i}@badmail.test>\r\n\r\nSend BTC {i}.\r\n"
    ).encode()


def account(mb: Mailbox, tmp_path: Path, **overrides: object) -> AccountConfig:
    secret = tmp_path / "password"
    secret.write_text(str(overrides.pop("password", mb.password)))
    fields: dict[str, object] = {
        "name": "triage",
        "host": mb.host,
        "port": mb.server.port,
        "security": "plain",
        "username": mb.user,
        "password": Secret(file=secret),
        "oauth2_token": None,
        "timeout": 10.0,
    }
    fields.update(overrides)
    return AccountConfig(**fields)  # type: ignore[arg-type]


def session(mb: Mailbox, tmp_path: Path, **overrides: object) -> ImapSession:
    return connect(account(mb, tmp_path, **overrides))


@pytest.mark.parametrize(
    ("security", "port"),
    [("tls", "ssl_port"), ("starttls", "port")],
    ids=["implicit_tls", "starttls"],
)
def test_tls_with_the_test_ca_connects_and_verifies(
    mailbox: Mailbox, tmp_path: Path, security: str, port: str
) -> None:
    mailbox.append("INBOX", [message(1)])
    acct = account(
        mailbox, tmp_path, security=security, port=getattr(mailbox.server, port),
        ca_file=Path(mailbox.server.cafile),
    )  # fmt: skip
    with connect(acct) as s:
        s.select("INBOX", readonly=True)
        assert s.uids_above(0) == (1,)


@pytest.mark.parametrize(
    ("security", "port"),
    [("tls", "ssl_port"), ("starttls", "port")],
    ids=["implicit_tls", "starttls"],
)
def test_tls_without_the_ca_says_certificate_verify_failed(
    mailbox: Mailbox, tmp_path: Path, security: str, port: str
) -> None:
    acct = account(mailbox, tmp_path, security=security, port=getattr(mailbox.server, port))
    with pytest.raises(MailboxError) as e:
        connect(acct)
    text = str(e.value)
    assert text.startswith(f"TLS certificate verify failed for 127.0.0.1:{acct.port}")
    assert "ca_file" in text and "\n" not in text


def test_tls_to_a_plain_port_says_handshake_failed(mailbox: Mailbox, tmp_path: Path) -> None:
    acct = account(mailbox, tmp_path, security="tls", ca_file=Path(mailbox.server.cafile))
    with pytest.raises(MailboxError, match=r"^TLS handshake with 127\.0\.0\.1:\d+ failed: \S"):
        connect(acct)


def test_bad_password_is_login_refused_in_one_line(mailbox: Mailbox, tmp_path: Path) -> None:
    with pytest.raises(MailboxError) as e:
        session(mailbox, tmp_path, password="wrong")
    assert not isinstance(e.value, ServerGone)  # nothing a retry would fix
    assert str(e.value).startswith(f"login refused for {mailbox.user!r} at 127.0.0.1:")
    assert "\n" not in str(e.value)


def test_oauth2_token_logs_in_with_xoauth2(
    mailbox: Mailbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test Dovecot takes a user's password as their XOAUTH2 token (2.3 checks it against the
    # passwd-file, 2.4 asks the fixture's OAuth2 introspection endpoint).
    monkeypatch.setenv("TEST_IMAP_TOKEN", mailbox.password)
    acct = account(mailbox, tmp_path, password=None, oauth2_token=Secret(env="TEST_IMAP_TOKEN"))
    with connect(acct) as s:
        assert s.select("INBOX", readonly=True).exists == 0
    monkeypatch.setenv("TEST_IMAP_TOKEN", "expired-token")
    with pytest.raises(MailboxError, match=r"^login refused"):
        connect(acct)


def test_closed_port_is_connection_refused(mailbox: Mailbox, tmp_path: Path) -> None:
    port = free_port()  # bound then closed: nothing listens there
    with pytest.raises(
        ServerGone, match=rf"^cannot reach 127\.0\.0\.1:{port}: connection refused$"
    ):
        session(mailbox, tmp_path, port=port)


def test_unresolvable_host_says_so(mailbox: Mailbox, tmp_path: Path) -> None:
    with pytest.raises(MailboxError, match=r"^cannot resolve host 'imap\.nowhere\.invalid'"):
        session(mailbox, tmp_path, host="imap.nowhere.invalid")


def test_missing_folder_is_named(mailbox: Mailbox, tmp_path: Path) -> None:
    with session(mailbox, tmp_path) as s, pytest.raises(MailboxError) as e:
        s.select("Nope", readonly=True)
    assert str(e.value) == "folder 'Nope' does not exist"


def test_fetch_peeks_and_search_above_filters_the_newest(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.append("INBOX", [message(i) for i in range(3)])
    with session(mailbox, tmp_path) as s:
        s.select("INBOX", readonly=True)
        assert s.uids_above(0) == (1, 2, 3)
        assert s.uids_above(3) == ()  # "UID 4:*" would match UID 3 itself
        fetched = s.fetch([1, 2, 3], max_bytes=1 << 20)
    assert [m.raw for m in fetched] == [message(i) for i in range(3)]
    assert mailbox.uids("INBOX", "UNSEEN") == [1, 2, 3]  # BODY.PEEK leaves \Seen alone


def test_internaldate_becomes_aware_utc(mailbox: Mailbox, tmp_path: Path) -> None:
    sent = datetime(2025, 2, 4, 9, 0, 0, tzinfo=timezone(timedelta(hours=8)))
    with mailbox.client() as c:
        c.append("INBOX", message(1), msg_time=sent)
    with session(mailbox, tmp_path) as s:
        s.select("INBOX", readonly=True)
        (m,) = s.fetch([1], max_bytes=1 << 20)
    assert m.internaldate == datetime(2025, 2, 4, 1, 0, 0, tzinfo=UTC)
    assert m.internaldate.tzinfo is UTC


def test_oversize_message_is_not_downloaded(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.append("INBOX", [message(1), message(2) + b"x" * 5000])
    with session(mailbox, tmp_path) as s:
        s.select("INBOX", readonly=True)
        small, big = s.fetch([1, 2], max_bytes=1024)
    assert small.raw == message(1) and big.raw is None and big.size > 5000


def test_mark_seen_and_move(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.append("INBOX", [message(i) for i in range(4)])
    mailbox.append("Triaged", [])
    with session(mailbox, tmp_path) as s:
        s.select("INBOX", readonly=False)
        s.mark_seen([1, 2])
        assert s.uids_up_to(4, unseen_only=True) == (3, 4)
        s.move([1, 3], "Triaged")
    assert mailbox.uids("INBOX") == [2, 4]
    assert len(mailbox.uids("Triaged")) == 2


def test_wait_for_mail_returns_on_new_mail_and_on_stop(mailbox: Mailbox, tmp_path: Path) -> None:
    stop = threading.Event()
    with session(mailbox, tmp_path) as s:
        s.select("INBOX", readonly=True)
        timer = threading.Timer(0.3, mailbox.append, ["INBOX", [message(1)]])
        timer.start()
        started = time.monotonic()
        s.wait_for_mail(20, stop)  # returns on EXISTS, long before the timeout
        assert time.monotonic() - started < 10
        timer.join()
        assert s.uids_above(0) == (1,)
        threading.Timer(0.2, stop.set).start()
        started = time.monotonic()
        s.wait_for_mail(20, stop)  # returns within a slice of the stop request
        assert stop.is_set() and time.monotonic() - started < 10
