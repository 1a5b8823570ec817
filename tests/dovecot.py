"""pytest plugin: private, throwaway Dovecot IMAP/IMAPS servers on 127.0.0.1 (starts processes).

Writes the configuration for the Dovecot found (2.3 on Debian 12, 2.4 on Debian 13). As root it
runs the server as nobody (Dovecot refuses root login processes). Fails (not skips) when dovecot
is missing, so a missing install step cannot pass silently. `imap_server` is shared by the
session, each test gets its own user (`mailbox`); `own_imap_server` is a server a test may kill
and restart.
"""

from __future__ import annotations

import contextlib
import grp
import itertools
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from imapclient import IMAPClient

# Dovecot 2.3 (Debian 12). The parts both versions share are at the end (_COMMON).
_DOVECOT_23 = """\
ssl_cert = <{T}/cert.pem
ssl_key = <{T}/key.pem
disable_plaintext_auth = no
mail_location = maildir:{T}/mail/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {T}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={T}/mail/%n
}}
"""
# Dovecot 2.4 (Debian 13) renamed most of these and checks XOAUTH2 tokens only against an OAuth2
# introspection endpoint (no longer through the passdb): the fixture serves one on 127.0.0.1.
_DOVECOT_24 = """\
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
ssl_server_cert_file = {T}/cert.pem
ssl_server_key_file = {T}/key.pem
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = {T}/mail/%{{user | username}}
passdb passwd-file {{
  default_password_scheme = PLAIN
  auth_username_format = %{{user | username}}
  passwd_file_path = {T}/users
}}
userdb static {{
  fields {{
    uid = {user}
    gid = {group}
    home = {T}/mail/%{{user | username}}
  }}
}}
oauth2_introspection_mode = post
oauth2_introspection_url = http://127.0.0.1:{oauth_port}/introspect
oauth2_username_attribute = username
oauth2_active_attribute = active
oauth2_active_value = true
"""
_COMMON = """\
instance_name = {name}
base_dir = {T}/run
state_dir = {T}/state
log_path = {T}/dovecot.log
info_log_path = {T}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
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


def dovecot_version(binary: str) -> tuple[int, int]:
    """(major, minor) of the Dovecot at `binary`, from `dovecot --version`."""
    out = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout
    return parse_version(out)


def parse_version(text: str) -> tuple[int, int]:
    """(major, minor) of "2.3.19.1 (9b53102964)" or "2.4.1-4 (7d8c0e5759)"."""
    found = re.match(r"\s*(\d+)\.(\d+)", text)
    if not found:
        raise RuntimeError(f"cannot read a Dovecot version in {text!r}")
    return int(found[1]), int(found[2])


def dovecot_config(version: tuple[int, int], **values: object) -> str:
    """dovecot.conf for a private test server in the syntax of `version` (2.3 or 2.4).

    `values`: T (its folder), name, user, group, uid, port, sport, oauth_port."""
    if version < (2, 3) or version >= (2, 5):
        raise RuntimeError(f"no test configuration for Dovecot {version[0]}.{version[1]}")
    # 2.4 wants dovecot_config_version first of all settings.
    head, tail = (_DOVECOT_24, _COMMON) if version >= (2, 4) else (_COMMON, _DOVECOT_23)
    return (head + tail).format(**values)


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
        self.version = dovecot_version(binary)
        self.dir = tempfile.mkdtemp(prefix="dv-", dir="/tmp")  # unix sockets: <= 107 bytes
        self.root = os.geteuid() == 0
        # Dovecot refuses to run its login processes as root.
        self.acct = pwd.getpwnam("nobody") if self.root else pwd.getpwuid(os.getuid())
        self.host = "127.0.0.1"
        self.port, self.ssl_port = free_port(), free_port()
        self.cafile = f"{self.dir}/cert.pem"
        self.proc: subprocess.Popen[bytes] | None = None
        self._users = itertools.count()
        self.passwords = {f"u{i}": f"s3cret-{i}" for i in range(_USERS)}
        self.oauth = TokenIntrospection({p: u for u, p in self.passwords.items()})
        self._write_files()

    def _write_files(self) -> None:
        T = self.dir
        Path(f"{T}/users").write_text(
            "".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.passwords.items())
        )
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", f"{T}/key.pem", "-out", f"{T}/cert.pem"],
            check=True, capture_output=True,
        )  # fmt: skip
        group = grp.getgrgid(self.acct.pw_gid).gr_name
        Path(f"{T}/dovecot.conf").write_text(
            dovecot_config(
                self.version,
                name="triage-" + os.path.basename(T),
                T=T,
                user=self.acct.pw_name,
                group=group,
                uid=min(self.acct.pw_uid, 500),
                port=self.port,
                sport=self.ssl_port,
                oauth_port=self.oauth.port,
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
        self.oauth.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def add_user(self) -> Mailbox:
        """A user of its own (so an empty INBOX) for each test."""
        user = f"u{next(self._users)}"
        return Mailbox(server=self, user=user, password=self.passwords[user])


class TokenIntrospection:
    """OAuth2 token introspection on 127.0.0.1 for Dovecot 2.4: a user's password is their token."""

    def __init__(self, users_by_token: dict[str, str]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                token = (parse_qs(body).get("token") or [""])[0]
                user = users_by_token.get(token)
                answer = {"active": True, "username": user} if user else {"active": False}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


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
