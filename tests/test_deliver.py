"""Delivery through the outbox to real receivers: SMTP (STARTTLS, AUTH), signed webhooks,
folder drops; refusals, vanishing receivers and a killed run lose nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests import mailbuild as mb
from tests import receivers
from tests.receivers import HOOK_SECRET, SMTP_PASSWORD, SMTP_USER, HttpReceiver, SmtpReceiver
from tests.test_queue import T0, W1, add, clock, clone, threat, workspace
from triage.config import (
    DeliveryConfig,
    EmailDelivery,
    FolderDelivery,
    OfficeAckConfig,
    Secret,
    WebhookDelivery,
    parse_config,
)
from triage.errors import ConfigError
from triage.pipeline import Workspace
from triage.routing import deliver_due, route

UNIT = "cyber.unit@police.example"
# The receivers' fixtures, made visible to this module.
tls_cert = receivers.tls_cert
smtp_receiver = receivers.smtp_receiver
http_receiver = receivers.http_receiver


@pytest.fixture(scope="module")
def one_campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one two-victim campaign, not yet routed."""
    db = tmp_path_factory.mktemp("campaign") / "t.db"
    ws = workspace(db)
    add(ws, threat(1, "ada.kwok@legco.example", W1), threat(2, "b@legco.example", W1))
    ws.close()
    return db


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("T_HOOK_SECRET", HOOK_SECRET)


def email_to(rx: SmtpReceiver) -> EmailDelivery:
    return EmailDelivery(
        host=rx.host, port=rx.port, security="starttls", username=SMTP_USER,
        password=Secret(env="T_SMTP_PASSWORD"), from_addr="triage@cyber.legco.example",
        to=(UNIT,), ca_file=Path(rx.cafile), timeout=5,
    )  # fmt: skip


def hook_to(rx: HttpReceiver) -> WebhookDelivery:
    return WebhookDelivery(url=rx.url, secret=Secret(env="T_HOOK_SECRET"), timeout=5)


def routed(src: Path, tmp: Path, delivery: DeliveryConfig) -> Workspace:
    return workspace(clone(src, tmp / "t.db"), delivery=delivery)


def outbox(ws: Workspace) -> list[dict]:
    return ws.store.outbox()


# -- SMTP -----------------------------------------------------------------------------


def test_email_over_starttls_with_auth_is_delivered_once(
    one_campaign: Path, tmp_path: Path, smtp_receiver: SmtpReceiver
) -> None:
    ws = routed(one_campaign, tmp_path, DeliveryConfig(email=email_to(smtp_receiver)))
    report = route(ws, clock=clock())
    [sent] = smtp_receiver.accepted
    [row] = outbox(ws)
    assert sent.key == row["key"] == f"{report.queued[0]}.v1" and row["delivered_at"]
    assert sent.headers["X-Envelope-To"] == UNIT
    msg = message_from_bytes(sent.body, policy=policy.default)
    assert msg["Message-ID"] == f"<{sent.key}.email@triage.invalid>"
    doc = json.loads(next(msg.iter_attachments()).get_content())
    assert doc["delivery_key"] == sent.key and doc["cluster"]["queue"]["status"] == "new"
    assert "Victims: ada.kwok@legco.example" in msg.get_body().get_content()  # type: ignore[union-attr]
    route(ws, clock=clock(T0 + timedelta(days=1)))
    assert len(smtp_receiver.accepted) == 1  # nothing sent twice
    ws.close()


@pytest.mark.parametrize("mode", ["refuse", "vanish"])
def test_email_refused_or_cut_off_stays_and_is_retried_with_backoff(
    one_campaign: Path, tmp_path: Path, smtp_receiver: SmtpReceiver, mode: str
) -> None:
    ws = routed(one_campaign, tmp_path, DeliveryConfig(email=email_to(smtp_receiver)))
    smtp_receiver.mode = mode
    route(ws, clock=clock())
    [row] = outbox(ws)
    assert row["delivered_at"] is None and row["attempts"] == 1
    assert ("451" in row["last_error"]) if mode == "refuse" else row["last_error"]
    smtp_receiver.mode = "accept"
    assert deliver_due(ws, clock=clock(T0 + timedelta(seconds=30))) == []  # backing off
    [outcome] = deliver_due(ws, clock=clock(T0 + timedelta(seconds=61)))
    assert outcome.error is None
    assert smtp_receiver.keys() == [row["key"]] and len(smtp_receiver.seen) == 2
    ws.close()


# -- webhook --------------------------------------------------------------------------


def test_webhook_is_signed_and_keyed(
    one_campaign: Path, tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    ws = routed(one_campaign, tmp_path, DeliveryConfig(webhook=hook_to(http_receiver)))
    route(ws, clock=clock())
    [got] = http_receiver.accepted
    expected = hmac.new(HOOK_SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Triage-Signature"] == f"sha256={expected}"
    body = json.loads(got.body)
    assert got.headers["X-Triage-Delivery-Key"] == body["delivery_key"]
    assert body["cluster"]["wallets"] == [W1] and body["event"] == "queued"
    assert all(len(m["sha256"]) == 64 for m in body["cluster"]["evidence"]["messages"])
    ws.close()


@pytest.mark.parametrize("mode", ["refuse", "vanish", "bad-secret"])
def test_webhook_failures_back_off_and_deliver_once_later(
    one_campaign: Path,
    tmp_path: Path,
    http_receiver: HttpReceiver,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
) -> None:
    hook = hook_to(http_receiver)
    if mode == "bad-secret":  # the receiver answers 401
        monkeypatch.setenv("T_WRONG", "not-the-secret")
        hook = WebhookDelivery(url=hook.url, secret=Secret(env="T_WRONG"), timeout=5)
    else:
        http_receiver.mode = mode
    ws = routed(one_campaign, tmp_path, DeliveryConfig(webhook=hook))
    at = T0
    route(ws, clock=clock(at))
    gaps = []
    for n in range(1, 4):
        [row] = outbox(ws)
        assert row["delivered_at"] is None and row["attempts"] == n and row["last_error"]
        due = datetime.fromisoformat(row["next_attempt_at"])
        gaps.append((due - datetime.fromisoformat(row["last_attempt_at"])).total_seconds())
        assert deliver_due(ws, clock=clock(due - timedelta(seconds=1))) == []  # not yet
        at = due
        deliver_due(ws, clock=clock(at))
    assert gaps == [60, 120, 240]  # each failure pushes the next attempt further
    assert http_receiver.accepted == []  # nothing accepted, nothing marked
    ws.close()
    if mode == "bad-secret":
        return
    http_receiver.mode = "accept"
    ws = workspace(tmp_path / "t.db", delivery=DeliveryConfig(webhook=hook))
    deliver_due(ws, clock=clock(T0 + timedelta(days=1)))
    assert len(http_receiver.accepted) == 1 and outbox(ws)[0]["delivered_at"]
    ws.close()


# -- folder ---------------------------------------------------------------------------


def test_folder_drop_is_private_and_whole(one_campaign: Path, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    ws = routed(one_campaign, tmp_path, DeliveryConfig(folder=FolderDelivery(path=drop)))
    report = route(ws, clock=clock())
    [f] = list(drop.iterdir())  # no temporary file left beside it
    assert f.name == f"{report.queued[0]}.v1.json"
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert json.loads(f.read_text())["delivery_key"] == f"{report.queued[0]}.v1"
    ws.close()


# -- the forwarding office ------------------------------------------------------------


def test_office_ack_goes_to_registered_offices_only_once(
    tmp_path: Path, smtp_receiver: SmtpReceiver
) -> None:
    delivery = DeliveryConfig(
        email=email_to(smtp_receiver), office_ack=OfficeAckConfig(enabled=True)
    )
    ws = workspace(tmp_path / "t.db", delivery=delivery)
    fwd = mb.forward_as_attachment(
        message_from_bytes(threat(1, "ada.kwok@legco.example", W1), policy=policy.default),  # type: ignore[arg-type]
        by="office.ada.kwok@legco.example",
    )
    stranger = mb.forward_as_attachment(
        message_from_bytes(threat(2, "b@legco.example", W1), policy=policy.default),  # type: ignore[arg-type]
        by="someone@elsewhere.example",
        message_id="<fwd-2@elsewhere.example>",
    )
    add(ws, mb.raw(fwd), mb.raw(stranger))
    route(ws, clock=clock())
    route(ws, clock=clock(T0 + timedelta(hours=1)))
    by_to = sorted((r.headers["X-Envelope-To"], r.key) for r in smtp_receiver.accepted)
    assert [t for t, _ in by_to] == [UNIT, "office.ada.kwok@legco.example"]
    ack = next(r for r in smtp_receiver.accepted if "office" in r.headers["X-Envelope-To"])
    text = message_from_bytes(ack.body, policy=policy.default).get_body().get_content()  # type: ignore[union-attr]
    assert "reported to the cyber-crime unit" in text
    ws.close()


# -- a killed cron run ----------------------------------------------------------------


def test_run_killed_during_delivery_loses_nothing(
    one_campaign: Path, tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    db = clone(one_campaign, tmp_path / "t.db")
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[delivery]\nretry_base_seconds = 0\n[delivery.webhook]\nurl = "{http_receiver.url}"\n'
        'secret_env = "T_HOOK_SECRET"\ntimeout = 20\n'
    )
    triage = Path(sys.executable).parent / "triage"
    args = [str(triage), "--config", str(cfg), "--db", str(db), "route", "--json"]
    env = {k: v for k, v in os.environ.items() if k != "TRIAGE_DB"}
    http_receiver.mode = "stall"
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert http_receiver.stalled.wait(30), "the delivery never reached the receiver"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
        proc.communicate()
    http_receiver.mode = "accept"
    http_receiver.release.set()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["delivered"]) == 1 and report["pending"] == 0
    key = report["delivered"][0]["key"]
    assert http_receiver.seen == [key, key]  # one duplicate at most, with the same key
    assert http_receiver.keys() == [key]
    again = json.loads(subprocess.run(args, env=env, capture_output=True, text=True).stdout)
    assert again["delivered"] == [] and http_receiver.keys() == [key]


# -- config ---------------------------------------------------------------------------


def test_delivery_config_names_secrets_and_reports_every_problem(tmp_path: Path) -> None:
    good = {
        "delivery": {
            "email": {"host": "smtp.example", "username": "u", "password_file": "pw",
                      "from": "triage@x", "to": [UNIT]},
            "webhook": {"url": "https://unit.example/hook", "secret_env": "HOOK"},
            "folder": {"path": "drop"},
            "office_ack": {"enabled": True},
        }
    }  # fmt: skip
    d = parse_config(good, base_dir=tmp_path).delivery
    assert d.channels() == ("email", "webhook", "folder")
    assert d.email is not None and d.email.port == 587 and d.email.security == "starttls"
    assert d.email.password == Secret(file=tmp_path / "pw") and d.folder is not None
    assert d.folder.path == tmp_path / "drop" and d.office_ack.enabled
    bad = {
        "delivery": {
            "email": {"host": "smtp.example", "password": "x", "from": "a@x", "to": ["b@x"],
                      "security": "plain"},
            "webhook": {"url": "http://unit.example/hook"},
        }
    }  # fmt: skip
    with pytest.raises(ConfigError) as e:
        parse_config(bad, base_dir=tmp_path)
    text = str(e.value)
    for expected in ("secrets never live", "plain is allowed only", "must be https", "secret_env"):
        assert expected in text


# -- dead letters ---------------------------------------------------------------------


def test_delivery_gives_up_after_max_attempts_and_says_so(
    one_campaign: Path, tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    from tests.conftest import run_cli

    http_receiver.mode = "refuse"  # HTTP 503 on every attempt
    delivery = DeliveryConfig(webhook=hook_to(http_receiver), max_attempts=3)
    ws = routed(one_campaign, tmp_path, delivery)
    route(ws, clock=clock(T0))
    outcomes = []
    for _ in range(2):
        due = datetime.fromisoformat(outbox(ws)[0]["next_attempt_at"])
        outcomes += deliver_due(ws, clock=clock(due))
    assert [o.dead for o in outcomes] == [False, True]  # the third attempt was the last
    [row] = outbox(ws)
    assert row["attempts"] == 3 and row["dead_at"] and row["delivered_at"] is None
    assert "HTTP 503" in row["last_error"]
    http_receiver.mode = "accept"  # even when the receiver is back, a dead letter is not sent
    assert deliver_due(ws, clock=clock(T0 + timedelta(days=30))) == []
    assert len(http_receiver.seen) == 3 and http_receiver.accepted == []
    doc = route(ws, clock=clock(T0 + timedelta(days=30))).as_json()
    assert doc["pending"] == 0 and doc["delivered"] == [] and doc["failed"] == []
    assert [(d["key"], d["channel"], d["attempts"]) for d in doc["dead_letters"]] == [
        (row["key"], "webhook", 3)
    ]
    ws.close()
    listed = run_cli("--db", str(tmp_path / "t.db"), "queue", "--json", cwd=tmp_path)
    [item] = json.loads(listed.stdout)
    assert [(d["channel"], d["dead_at"]) for d in item["deliveries"]] == [
        ("webhook", row["dead_at"])
    ]
    text = run_cli("--db", str(tmp_path / "t.db"), "queue", cwd=tmp_path)
    assert "DEAD LETTER: webhook" in text.stdout


def test_max_attempts_is_read_from_config(tmp_path: Path) -> None:
    assert (
        parse_config({"delivery": {"max_attempts": 5}}, base_dir=tmp_path).delivery.max_attempts
        == 5
    )
    assert DeliveryConfig().max_attempts == 48
    with pytest.raises(ConfigError, match="max_attempts"):
        parse_config({"delivery": {"max_attempts": 0}}, base_dir=tmp_path)
