"""pytest plugin: private, throwaway Dovecot IMAP/IMAPS servers on 127.0.0.1 (starts processes).

From /work/shared/recipes/dovecot.md. Fails (not skips) when dovecot is missing, so a missing
install step cannot pass silently. `imap_server` is shared by the session, each test gets its
own user (`mailbox`); `own_imap_server` is a server a test may kill and restart.
"""

from __future__ import annotations

import contextlib
import grp
import itertools
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

DOVECOT_CONF = """\
instance_name = {name}
base_dir = {T}/run
state_dir = {T}/state
log_path = {T}/dovecot.log
info_log_path = {T}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{T}/cert.pem
ssl_key = <{T}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
mail_location = maildir:{T}/mail/%n
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {T}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={T}/mail/%n
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {sport}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
# anvil-auth-penalty unusable: auth then skips its penalty, which would otherwise hold the next
# login from 127.0.0.1 for 4 s after each test of a bad password.

_USERS = 300  # passwd-file is re-read at most about once a second: create every user up front


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_greeting(port: int, deadline: float, tls: bool = False) -> None:
    err: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
                s: socket.socket = raw
                if tls:
                    ctx = ssl.create_default_context()
                    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
                    s = ctx.wrap_socket(raw)
                with s:
                    s.settimeout(2)
                    if s.recv(256).startswith(b"* OK"):
                        return
        except OSError as e:
            err = e
        time.sleep(0.05)
    raise TimeoutError(f"no IMAP greeting on {port}: {err!r}")


class Dovecot:
    """One Dovecot instance in a short temp folder; start(), kill(), start() again."""

    def __init__(self) -> None:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not os.path.exists(binary):
            pytest.fail("dovecot not installed (apt-get install -y dovecot-imapd); see Makefile")
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="dv-", dir="/tmp")  # unix sockets: <= 107 bytes
        self.root = os.geteuid() == 0
        # Dovecot refuses to run its login processes as root.
        self.acct = pwd.getpwnam("nobody") if self.root else pwd.getpwuid(os.getuid())
        self.host = "127.0.0.1"
        self.port, self.ssl_port = free_port(), free_port()
        self.cafile = f"{self.dir}/cert.pem"
        self.proc: subprocess.Popen[bytes] | None = None
        self._users = itertools.count()
        self._write_files()

    def _write_files(self) -> None:
        T = self.dir
        Path(f"{T}/users").write_text("".join(f"u{i}:{{PLAIN}}s3cret\n" for i in range(_USERS)))
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", f"{T}/key.pem", "-out", f"{T}/cert.pem"],
            check=True, capture_output=True,
        )  # fmt: skip
        group = grp.getgrgid(self.acct.pw_gid).gr_name
        Path(f"{T}/dovecot.conf").write_text(
            DOVECOT_CONF.format(
                name="triage-" + os.path.basename(T),
                T=T,
                user=self.acct.pw_name,
                group=group,
                uid=min(self.acct.pw_uid, 500),
                port=self.port,
                sport=self.ssl_port,
            )
        )
        os.makedirs(f"{T}/mail")
        self._chown()

    def _chown(self) -> None:
        if self.root:
            subprocess.run(
                ["chown", "-R", f"{self.acct.pw_uid}:{self.acct.pw_gid}", self.dir], check=True
            )

    def start(self) -> None:
        cmd = [self.binary, "-F", "-c", f"{self.dir}/dovecot.conf"]
        if self.root:  # pdeathsig: no orphan server when pytest itself is killed
            cmd = ["setpriv", f"--reuid={self.acct.pw_uid}", f"--regid={self.acct.pw_gid}",
                   "--clear-groups", "--pdeathsig", "TERM", *cmd]  # fmt: skip
        out = open(f"{self.dir}/stdout.log", "ab")  # noqa: SIM115 (lives as long as the server)
        self.proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        try:
            deadline = time.monotonic() + 20
            _wait_greeting(self.port, deadline)
            _wait_greeting(self.ssl_port, deadline, tls=True)
        except Exception as e:
            self.kill()
            log = Path(f"{self.dir}/dovecot.log")
            text = log.read_text() if log.exists() else ""
            raise RuntimeError(f"dovecot did not start:\n{text}") from e

    def kill(self) -> None:
        """SIGKILL the whole process group: master and every session, at once."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGQUIT)  # instant; SIGTERM takes about a second
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
            self.kill()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def add_user(self) -> Mailbox:
        """A user of its own (so an empty INBOX) for each test."""
        return Mailbox(server=self, user=f"u{next(self._users)}", password="s3cret")


@dataclass(frozen=True)
class Mailbox:
    """One user on a Dovecot: what a test puts in config.toml, and a client to fill it."""

    server: Dovecot
    user: str
    password: str

    @property
    def host(self) -> str:
        return self.server.host

    def client(self) -> IMAPClient:
        c = IMAPClient(self.server.host, port=self.server.port, ssl=False, timeout=10)
        c.login(self.user, self.password)
        return c

    def append(self, folder: str, messages: list[bytes]) -> None:
        with self.client() as c:
            if not c.folder_exists(folder):
                c.create_folder(folder)
            for chunk in range(0, len(messages), 100):
                c.multiappend(folder, messages[chunk : chunk + 100])

    def uids(self, folder: str, criteria: str = "ALL") -> list[int]:
        with self.client() as c:
            c.select_folder(folder, readonly=True)
            return sorted(c.search(criteria))

    def account(self, tmp: Path, name: str = "triage", **overrides: object) -> dict[str, object]:
        """An [accounts.NAME] table for this mailbox; the password goes into a 0600 file."""
        secret = tmp / f"{name}.password"
        secret.write_text(str(overrides.pop("password", self.password)) + "\n")
        secret.chmod(0o600)
        table: dict[str, object] = {
            "host": self.server.host,
            "port": self.server.port,
            "security": "plain",
            "username": self.user,
            "password_file": str(secret),
            "folders": ["INBOX"],
        }
        table.update(overrides)
        return table

    def uidvalidity(self, folder: str) -> int:
        with self.client() as c:
            return int(c.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])


def write_config(path: Path, accounts: dict[str, dict[str, object]], **top: object) -> Path:
    """config.toml with these [accounts.NAME] tables (and top-level tables such as ingest)."""
    lines = []
    for table, values in [*top.items(), *((f"accounts.{n}", a) for n, a in accounts.items())]:
        lines.append(f"[{table}]")
        lines.extend(f"{k} = {_toml(v)}" for k, v in values.items())  # type: ignore[attr-defined]
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="session")
def imap_server() -> Iterator[Dovecot]:
    server = Dovecot()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def mailbox(imap_server: Dovecot) -> Mailbox:
    return imap_server.add_user()


@pytest.fixture
def own_imap_server() -> Iterator[Dovecot]:
    """A server of the test's own, to stop and restart in the middle of a poll."""
    server = Dovecot()
    server.start()
    yield server
    server.remove()
