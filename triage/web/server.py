"""Build the Datasette app with our plugin and run it on uvicorn (HTTP server)."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from triage.config import Config
from triage.errors import TriageError

TOKEN_ENV = "TRIAGE_WEB_TOKEN"  # noqa: S105 (the variable's name, not a secret)
TEMPLATES = Path(__file__).parent / "templates"


def resolve_token(config: Config) -> tuple[str, bool]:
    """(the token, whether it was generated): $TRIAGE_WEB_TOKEN, else [web] token_file or
    token_env of config.toml, else a new random one."""
    value = os.environ.get(TOKEN_ENV, "").strip()
    if not value and config.web.token is not None:
        value = config.web.token.read().strip()
    if value:
        if len(value) < 16:
            raise TriageError("the web token is shorter than 16 characters: too easy to guess")
        return value, False
    return secrets.token_urlsafe(32), True


def make_datasette(config: Config, db_path: Path, token: str) -> Any:
    """The Datasette instance serving `db_path` read-only, our pages on top."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from triage.web import plugin

    if not pm.is_registered(plugin):  # before Datasette(): it collects hooks at start
        pm.register(plugin, name="triage-web")
    evidence_dir = config.store.evidence_dir or db_path.parent / "evidence"
    ds = Datasette(
        files=[str(db_path)],
        template_dir=str(TEMPLATES),
        settings={"allow_download": False, "allow_csv_stream": True},
    )
    ds.triage_site = plugin.Site(
        config=config, db_path=db_path, evidence_dir=evidence_dir, token=token
    )
    return ds


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise TriageError(f"cannot listen on {host}:{port}: {e.strerror}") from e
    return sock


def make_server(config: Config, db_path: Path, token: str) -> Any:
    import uvicorn

    ds = make_datasette(config, db_path, token)
    # No access log: a first visit carries the token in its query string.
    settings = uvicorn.Config(ds.app(), log_level="warning", access_log=False, lifespan="on")
    return uvicorn.Server(settings)


def serve(
    config: Config, db_path: Path, *, host: str, port: int, announce: Callable[[str], None]
) -> None:
    """Blocking: serve until interrupted. `announce` gets the lines a person needs (the
    address, and the token when it was generated)."""
    if not db_path.exists():
        raise TriageError(f"no store at {db_path}: ingest something first")
    token, generated = resolve_token(config)
    sock = bind(host, port)
    server = make_server(config, db_path, token)
    address = f"http://{_netloc(host, sock.getsockname()[1])}/"
    if generated:
        announce(f"web token (generated, printed once): {token}")
        announce(f"open {address}?token={token}")
    else:
        announce(f"open {address} and sign in with the token (or {address}?token=TOKEN)")
    server.run(sockets=[sock])


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
