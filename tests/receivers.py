"""Real receivers for delivery tests: an SMTP server (aiosmtpd, STARTTLS and AUTH) and an
HTTP server taking webhooks, both on 127.0.0.1; each can accept, refuse, vanish or stall."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER, SMTP_PASSWORD = "triage", "smtp-s3cret"
HOOK_SECRET = "hook-s3cret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    key: str
    body: bytes
    headers: dict[str, str]


@dataclass
class _Receiver:
    """What arrived (accepted only) and what was seen but not accepted; `mode` says how the
    next request is answered: accept | refuse | vanish | stall."""

    mode: str = "accept"
    accepted: list[Received] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # every key that reached the receiver
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    delay: float = 0.0  # seconds before each answer: widens the window a kill can land in

    def keys(self) -> list[str]:
        return [r.key for r in self.accepted]


# -- SMTP -----------------------------------------------------------------------------


class _SmtpHandler:
    def __init__(self, rx: _Receiver) -> None:
        self.rx = rx

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        key = str(msg["X-Triage-Delivery-Key"])
        self.rx.seen.append(key)
        if self.rx.delay:
            await asyncio.sleep(self.rx.delay)
        if self.rx.mode == "refuse":
            return "451 4.3.0 try again later"
        if self.rx.mode == "vanish":  # gone before answering DATA
            server.transport.close()
            return "250 never sent"
        headers = {k: str(v) for k, v in msg.items()}
        headers["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.rx.accepted.append(Received(key=key, body=envelope.content, headers=headers))
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@dataclass
class SmtpReceiver(_Receiver):
    host: str = "127.0.0.1"
    port: int = 0
    cafile: str = ""


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return d / "cert.pem", d / "key.pem"


@pytest.fixture
def smtp_receiver(tls_cert: tuple[Path, Path]) -> Iterator[SmtpReceiver]:
    """A real SMTP server requiring STARTTLS and AUTH before mail."""
    cert, key = tls_cert
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    rx = SmtpReceiver(port=free_port(), cafile=str(cert))
    controller = Controller(
        _SmtpHandler(rx),
        hostname="127.0.0.1",
        port=rx.port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticate,
    )
    controller.start()
    try:
        yield rx
    finally:
        controller.stop()


# -- HTTP -----------------------------------------------------------------------------


@dataclass
class HttpReceiver(_Receiver):
    url: str = ""


class _HookHandler(BaseHTTPRequestHandler):
    rx: HttpReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers["X-Triage-Delivery-Key"]
        self.rx.seen.append(key)
        expected = hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        if self.headers["X-Triage-Signature"] != f"sha256={expected}":
            self._answer(401)
            return
        if self.rx.mode == "stall":  # the sender is killed while we hold the request
            self.rx.stalled.set()
            self.rx.release.wait(30)
            self.close_connection = True
            return
        if self.rx.mode == "vanish":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if self.rx.mode == "refuse":
            self._answer(503)
            return
        self.rx.accepted.append(Received(key=key, body=body, headers=dict(self.headers)))
        self._answer(200)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    rx = HttpReceiver()
    handler = type("Handler", (_HookHandler,), {"rx": rx})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    rx.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rx
    finally:
        rx.release.set()
        server.shutdown()
        server.server_close()
