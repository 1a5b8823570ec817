"""config.toml: defaults, every problem at once with its key, secrets by name only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from triage.config import Secret, load_config, parse_config
from triage.errors import ConfigError


def test_shipped_config_is_valid_and_documents_itself():
    config = load_config(ROOT / "config.toml")
    assert config.mailbox_addresses == ("triage@cyber.legco.example",)
    assert config.store.path == ROOT / "triage.db"
    assert config.ingest.workers == 0  # one per core


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.store.path == Path("triage.db") and not config.store.path_set
    assert config.accounts == () and config.protected == ()


def test_every_problem_is_reported_at_once_with_its_key(tmp_path: Path):
    data = {
        "store": {"path": 3, "colour": "blue"},
        "ingest": {"max_mime_depth": -1, "workers": -2},
        "accounts": {
            "main": {"host": "imap.example.org", "security": "ssl", "password": "hunter2",
                     "after_store": "move", "folders": "INBOX"},
        },
        "protected": [{"name": "Hon. X"}],
    }  # fmt: skip
    with pytest.raises(ConfigError) as err:
        parse_config(data, base_dir=tmp_path)
    problems = err.value.problems
    for key in (
        "store.path: must be a string",
        "store.colour: unknown key",
        "ingest.max_mime_depth: must be at least 2",
        "ingest.workers: must be between 0 and 256",
        "accounts.main.security: must be one of tls, starttls, plain",
        "accounts.main.password: secrets never live in config.toml",
        "accounts.main.move_to: required",
        "accounts.main.folders: must be a list of strings",
        "protected[0]: name and email are required",
    ):
        assert any(p.startswith(key) for p in problems), (key, problems)
    assert "hunter2" not in str(err.value)


def test_plain_imap_only_to_localhost(tmp_path: Path):
    account = {"host": "imap.example.org", "security": "plain", "password_env": "X"}
    with pytest.raises(ConfigError, match=r"plain is allowed only to 127\.0\.0\.1"):
        parse_config({"accounts": {"a": account}}, base_dir=tmp_path)
    ok = parse_config({"accounts": {"a": {**account, "host": "127.0.0.1"}}}, base_dir=tmp_path)
    assert ok.accounts[0].port == 143


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path):
    config = parse_config(
        {"store": {"path": "data/t.db"}, "accounts": {"a": {"host": "h", "password_file": "pw"}}},
        base_dir=tmp_path,
    )
    assert config.store.path == tmp_path / "data" / "t.db"
    assert config.accounts[0].password == Secret(file=tmp_path / "pw")


def test_secret_from_env_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRIAGE_TEST_PW", "s3cret")
    assert Secret(env="TRIAGE_TEST_PW").read() == "s3cret"
    (tmp_path / "pw").write_text("from-file\n")
    assert Secret(file=tmp_path / "pw").read() == "from-file"
    monkeypatch.delenv("TRIAGE_TEST_PW")
    with pytest.raises(ConfigError, match="TRIAGE_TEST_PW is not set"):
        Secret(env="TRIAGE_TEST_PW").read()
    with pytest.raises(ConfigError, match="cannot read secret file"):
        Secret(file=tmp_path / "missing").read()


def test_office_map_names_the_legislator(tmp_path: Path):
    config = parse_config(
        {
            "protected": [
                {"name": "Hon. A", "email": "A@legco.example", "offices": ["O@legco.example"]}
            ]
        },
        base_dir=tmp_path,
    )
    assert config.office_map() == {"a@legco.example": "a@legco.example",
                                   "o@legco.example": "a@legco.example"}  # fmt: skip


def test_cli_reports_a_broken_config_in_one_line(tmp_path: Path):
    (tmp_path / "bad.toml").write_text("[store\npath = 1")
    result = run_cli("--config", "bad.toml", "clusters", cwd=tmp_path)
    assert result.returncode == 1
    assert "not valid TOML" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_db_precedence_flag_then_config_then_env(tmp_path: Path):
    (tmp_path / "c.toml").write_text('[store]\npath = "from-config.db"\n')
    run_cli("--config", "c.toml", "clusters", cwd=tmp_path, env={"TRIAGE_DB": "env.db"})
    assert (tmp_path / "from-config.db").exists() and not (tmp_path / "env.db").exists()
    (tmp_path / "empty.toml").write_text("")
    run_cli("--config", "empty.toml", "clusters", cwd=tmp_path, env={"TRIAGE_DB": "env.db"})
    assert (tmp_path / "env.db").exists()
    run_cli("--config", "c.toml", "--db", "flag.db", "clusters", cwd=tmp_path)
    assert (tmp_path / "flag.db").exists()
