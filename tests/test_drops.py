"""The network dropping mid-transfer, through a proxy that cuts after N bytes: the IMAP
server in the middle of a FETCH, the SMTP receiver in the middle of DATA. One clear line,
nothing half-stored, and the next run completes with each message or delivery once."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from tests import proxy as proxies
from tests import receivers
from tests.dovecot import Mailbox
from tests.proxy import CuttingProxy
from tests.receivers import SMTP_PASSWORD, SMTP_USER, SmtpReceiver
from tests.test_queue import T0, W1, add, clock, threat, workspace
from triage.config import DeliveryConfig, EmailDelivery, Secret, parse_config
from triage.pipeline import Workspace
from triage.poller import PollEnv, PollSettings, poll_once
from triage.records import sha256_hex
from triage.routing import route

tls_cert = receivers.tls_cert
smtp_receiver = receivers.smtp_receiver
cutting_proxy = proxies.cutting_proxy


def message(i: int) -> bytes:
    filler = "".join(f"line {i}-{j} of the demand, pay 0.5 BTC.\r\n" for j in range(250))
    return (
        f"From: Night Owl <owl{i}@badmail.test>\r\nTo: triage@cyber.legco.example\r\n"
        f"Subject: drop {i}\r\nDate: Mon, 03 Feb 2025 10:15:00 +0800\r\n"
        f"Message-ID: <drop{i}@badmail.test>\r\n\r\n{filler}"
    ).encode()


def stored(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        return dict(
            conn.execute("SELECT sha256, count(*) FROM audit WHERE event='stored' GROUP BY sha256")
        )


def quiet_env() -> PollEnv:
    return PollEnv(sleep=lambda s: None, rng=random.Random(1))


def test_imap_cut_mid_fetch_on_every_connection_reconnects_and_stores_each_once(
    mailbox: Mailbox, tmp_path: Path, cutting_proxy
):
    messages = [message(i) for i in range(40)]  # ~11 kB each
    mailbox.append("INBOX", messages)
    proxy: CuttingProxy = cutting_proxy((mailbox.host, mailbox.server.port))
    proxy.cut_after = 150_000  # each connection dies inside a FETCH literal
    account = mailbox.account(tmp_path, host="127.0.0.1", port=proxy.port, batch_size=5)
    config = parse_config({"accounts": {"triage": account}}, base_dir=tmp_path)
    ws = Workspace.open(config, tmp_path / "t.db")
    try:
        report = poll_once(ws, config.accounts, settings=PollSettings(), env=quiet_env())
    finally:
        ws.close()
    assert proxy.cuts >= 2
    assert report.errors == []
    assert stored(tmp_path / "t.db") == {sha256_hex(m): 1 for m in messages}


def test_imap_cut_that_persists_is_one_line_and_the_next_poll_completes(
    mailbox: Mailbox, tmp_path: Path, cutting_proxy
):
    messages = [message(i) for i in range(12)]
    mailbox.append("INBOX", messages)
    proxy: CuttingProxy = cutting_proxy((mailbox.host, mailbox.server.port))
    account = mailbox.account(tmp_path, host="127.0.0.1", port=proxy.port, batch_size=5)
    config = parse_config({"accounts": {"triage": account}}, base_dir=tmp_path)
    ws = Workspace.open(config, tmp_path / "t.db")
    try:
        proxy.cut_after = 30_000  # inside the first batch (5 messages, 55 kB), every time
        cut = poll_once(ws, config.accounts, settings=PollSettings(reconnect_attempts=2),
                        env=quiet_env())  # fmt: skip
        [error] = cut.errors
        assert error.account == "triage" and "\n" not in error.error, error
        assert "lost" in error.error or "EOF" in error.error or "closed" in error.error, error
        assert stored(tmp_path / "t.db") == {}  # a batch is stored whole or not at all
        proxy.cut_after = None
        done = poll_once(ws, config.accounts, settings=PollSettings(), env=quiet_env())
    finally:
        ws.close()
    assert done.errors == []
    assert stored(tmp_path / "t.db") == {sha256_hex(m): 1 for m in messages}


def test_smtp_cut_mid_data_leaves_the_delivery_pending_and_the_next_route_sends_it_once(
    tmp_path: Path, smtp_receiver: SmtpReceiver, cutting_proxy, monkeypatch
):
    monkeypatch.setenv("T_SMTP_PASSWORD", SMTP_PASSWORD)
    proxy: CuttingProxy = cutting_proxy((smtp_receiver.host, smtp_receiver.port))
    proxy.direction, proxy.cut_after = "up", 4_000  # after AUTH, inside the message
    email = EmailDelivery(
        host="127.0.0.1", port=proxy.port, security="starttls", username=SMTP_USER,
        password=Secret(env="T_SMTP_PASSWORD"), from_addr="triage@cyber.legco.example",
        to=("cyber.unit@police.example",), ca_file=Path(smtp_receiver.cafile), timeout=5,
    )  # fmt: skip
    ws = workspace(tmp_path / "t.db", delivery=DeliveryConfig(retry_base_seconds=0, email=email))
    try:
        add(ws, threat(1, "ada.kwok@legco.example", W1), threat(2, "b@legco.example", W1))
        first = route(ws, clock=clock())
        [row] = ws.store.outbox()
        assert proxy.cuts == 1 and smtp_receiver.seen == []  # cut before the end of DATA
        [failed] = first.deliveries
        assert failed.error and "\n" not in failed.error and "Disconnected" in failed.error
        assert row["delivered_at"] is None and row["attempts"] == 1
        assert row["last_error"] and "\n" not in row["last_error"]
        proxy.cut_after = None
        second = route(ws, clock=clock(T0 + timedelta(minutes=5)))
        [row] = ws.store.outbox()
    finally:
        ws.close()
    assert [(d.key, d.error) for d in second.deliveries] == [(row["key"], None)]
    assert row["delivered_at"]
    assert smtp_receiver.keys() == [row["key"]]
