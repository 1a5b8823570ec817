"""The test Dovecot's configuration writer: 2.3 syntax for Debian 12, 2.4 for Debian 13."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.dovecot import dovecot_config, dovecot_version, parse_version

VALUES = {
    "T": "/tmp/dv-x", "name": "triage-dv-x", "user": "nobody", "group": "nogroup", "uid": 500,
    "port": 10143, "sport": 10993, "oauth_port": 18080,
}  # fmt: skip
# Settings each version rejects: 2.4 refuses the 2.3 names, 2.3 does not know the 2.4 ones.
ONLY_23 = ("ssl_cert =", "ssl_key =", "disable_plaintext_auth", "mail_location", "args =")
ONLY_24 = ("dovecot_config_version", "ssl_server_cert_file", "auth_allow_cleartext",
           "mail_driver", "passwd_file_path", "oauth2_introspection_url")  # fmt: skip


def _settings(conf: str) -> list[str]:
    return [line.strip() for line in conf.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("text", "version"),
    [("2.3.19.1 (9b53102964)\n", (2, 3)), ("2.4.1-4 (7d8c0e5759)\n", (2, 4))],
    ids=["debian-12", "debian-13"],
)
def test_version_is_read_from_dovecot_version(text: str, version: tuple[int, int]) -> None:
    assert parse_version(text) == version


def test_2_3_config_uses_2_3_names_only() -> None:
    conf = dovecot_config((2, 3), **VALUES)
    assert not [k for k in ONLY_24 if k in conf]
    assert [k for k in ONLY_23 if k in conf] == list(ONLY_23)
    assert "mail_location = maildir:/tmp/dv-x/mail/%n" in _settings(conf)


def test_2_4_config_uses_2_4_names_only_and_declares_its_version_first() -> None:
    conf = dovecot_config((2, 4), **VALUES)
    assert _settings(conf)[0] == "dovecot_config_version = 2.4.0"
    assert not [k for k in ONLY_23 if k in conf]
    assert [k for k in ONLY_24 if k in conf] == list(ONLY_24)
    assert "mail_path = /tmp/dv-x/mail/%{user | username}" in _settings(conf)
    assert "oauth2_introspection_url = http://127.0.0.1:18080/introspect" in _settings(conf)


def test_both_share_the_listeners_and_the_folder_separator() -> None:
    for version in ((2, 3), (2, 4)):
        conf = _settings(dovecot_config(version, **VALUES))
        assert {"port = 10143", "port = 10993", "separator = /", "listen = 127.0.0.1"} <= set(conf)


def test_unknown_version_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"no test configuration for Dovecot 2\.5"):
        dovecot_config((2, 5), **VALUES)


def test_installed_dovecot_accepts_the_config_written_for_it(tmp_path: Path) -> None:
    """doveconf parses the file as the server would: an unknown or renamed setting fails."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    doveconf = shutil.which("doveconf") or "/usr/bin/doveconf"
    if not Path(binary).exists():
        pytest.fail("dovecot not installed (apt-get install -y dovecot-imapd); see Makefile")
    for name in ("cert.pem", "key.pem", "users"):
        (tmp_path / name).write_text("")
    conf = tmp_path / "dovecot.conf"
    conf.write_text(dovecot_config(dovecot_version(binary), **{**VALUES, "T": str(tmp_path)}))
    result = subprocess.run([doveconf, "-n", "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
