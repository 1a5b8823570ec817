"""Passwords and tokens never leave their env variable or file: failing runs (a wrong IMAP
password or token, an SMTP server refusing AUTH, a webhook refusing its signature, links
cut in the middle of a login) are grepped whole: stdout, stderr, the store, the evidence."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from tests import mailbuild as mb
from tests import proxy as proxies
from tests import receivers
from tests.conftest import run_cli
from tests.dovecot import Mailbox, write_config
from tests.proxy import CuttingProxy
from tests.receivers import SMTP_USER, HttpReceiver, SmtpReceiver
from tests.test_queue import W1, add, threat, workspace

tls_cert = receivers.tls_cert
smtp_receiver = receivers.smtp_receiver
http_receiver = receivers.http_receiver
cutting_proxy = proxies.cutting_proxy

IMAP_PASSWORD = "imap-pw-Q7x2Lm9Rk4"
IMAP_TOKEN = "imap-token-Zr8Vw3Nq5T"
SMTP_PASSWORD = "smtp-pw-Hd6Yc1Pf0S"
HOOK_SECRET = "hook-key-Bg4Ku7Je2W"
SECRETS = (IMAP_PASSWORD, IMAP_TOKEN, SMTP_PASSWORD, HOOK_SECRET)


def forms(secret: str) -> list[bytes]:
    """The secret as it could leak: plain, base64 (AUTH PLAIN, XOAUTH2), URL-quoted."""
    raw = secret.encode()
    return [
        raw, base64.b64encode(raw), quote(secret).encode(), secret.encode("utf-16-le"),
        base64.b64encode(f"\0{SMTP_USER}\0{secret}".encode()),
        base64.b64encode(f"user=triage\x01auth=Bearer {secret}\x01\x01".encode()),
    ]  # fmt: skip


def leaks(blobs: dict[str, bytes]) -> list[str]:
    return [
        f"{secret} in {where}"
        for where, blob in blobs.items()
        for secret in SECRETS
        if any(form in blob for form in forms(secret))
    ]


def written_files(root: Path, secret_files: set[Path]) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p not in secret_files
    }


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"T_IMAP_TOKEN": IMAP_TOKEN, "T_SMTP_PASSWORD": SMTP_PASSWORD,
              "T_HOOK_SECRET": HOOK_SECRET}  # fmt: skip
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def test_failing_runs_never_write_a_secret_anywhere(
    tmp_path: Path,
    env: dict[str, str],
    mailbox: Mailbox,
    smtp_receiver: SmtpReceiver,
    http_receiver: HttpReceiver,
    cutting_proxy,
) -> None:
    root = tmp_path / "run"
    root.mkdir()
    secrets_dir = tmp_path / "secrets"  # outside what is grepped: the secrets live here
    secrets_dir.mkdir()
    outputs: dict[str, bytes] = {}

    def run(name: str, *args: str) -> int:
        result = run_cli(*args, cwd=root)
        outputs[f"{name} stdout"] = result.stdout.encode()
        outputs[f"{name} stderr"] = result.stderr.encode()
        return result.returncode

    # IMAP: a wrong password (file), a wrong XOAUTH2 token (env), a link cut inside LOGIN.
    mailbox.append("INBOX", [mb.raw(mb.original())])
    imap_cut: CuttingProxy = cutting_proxy((mailbox.host, mailbox.server.port))
    imap_cut.direction, imap_cut.cut_after = "up", 40
    accounts = {
        "pw": mailbox.account(secrets_dir, "pw", password=IMAP_PASSWORD),
        "tok": mailbox.account(secrets_dir, "tok", oauth2_token_env="T_IMAP_TOKEN"),
        "cut": mailbox.account(
            secrets_dir, "cut", password=IMAP_PASSWORD, host="127.0.0.1", port=imap_cut.port
        ),
    }
    del accounts["tok"]["password_file"]
    config = write_config(root / "config.toml", accounts)
    assert run("poll", "--config", str(config), "--db", "t.db", "poll", "--once", "--json") == 1
    assert imap_cut.cuts >= 1

    # Delivery: SMTP refusing AUTH, a webhook refusing the signature, SMTP cut inside AUTH.
    ws = workspace(root / "t.db")
    add(ws, threat(1, "ada.kwok@legco.example", W1), threat(2, "b@legco.example", W1))
    ws.close()
    smtp_cut: CuttingProxy = cutting_proxy((smtp_receiver.host, smtp_receiver.port))
    smtp_cut.direction, smtp_cut.cut_after = "up", 1200  # after STARTTLS, around AUTH
    for name, port in (("route", smtp_receiver.port), ("route-cut", smtp_cut.port)):
        (root / "deliver.toml").write_text(
            f'[delivery]\nretry_base_seconds = 0\n[delivery.email]\nhost = "127.0.0.1"\n'
            f'port = {port}\nsecurity = "starttls"\nca_file = "{smtp_receiver.cafile}"\n'
            f'username = "{SMTP_USER}"\npassword_env = "T_SMTP_PASSWORD"\n'
            f'from = "triage@cyber.legco.example"\nto = ["unit@police.example"]\ntimeout = 5\n'
            f'[delivery.webhook]\nurl = "{http_receiver.url}"\nsecret_env = "T_HOOK_SECRET"\n'
        )
        run(name, "--config", "deliver.toml", "--db", "t.db", "route", "--json")
    assert smtp_receiver.accepted == [] and http_receiver.accepted == []
    assert http_receiver.seen  # the webhook was tried (and refused: wrong signature key)
    assert b"535" in outputs["route stderr"], outputs["route stderr"]  # AUTH was refused

    secret_files = set(secrets_dir.iterdir())
    found = leaks({**outputs, **written_files(root, secret_files)})
    assert found == []
    assert any(p.name.startswith("t.db") for p in root.iterdir())  # the store was grepped
    assert all(os.environ[k] == v for k, v in env.items())
