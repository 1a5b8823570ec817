"""The fixture corpus in a store, and the web view served from it on 127.0.0.1 (for the web
tests: one server per test module)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from tests.conftest import ROOT, run_cli
from tests.mailbuild import raw
from triage.config import load_config
from triage.pipeline import LOCALISE_SIBLINGS, Workspace, _localise_one, utc_now
from triage.queries import list_clusters
from triage.web.server import make_server

TOKEN = "web-test-token-0123456789abcdef"
FIXTURES = ROOT / "fixtures" / "corpus"
BEACON = "beacon.invalid"
# Markup in every header and name a sender controls: shown as text, never run (each sets
# window.__pwned if it ever runs).
HOSTILE_SUBJECT = "Hostile markup test <script>window.__pwned = 3</script>"
HOSTILE_NAME = "<img src=x onerror=window.__pwned=4>"
HOSTILE_FILENAME = '"><svg onload="window.__pwned=5">.pdf'


def hostile_html() -> bytes:
    """A message sent straight to a legislator whose HTML runs a script, loads a remote
    picture and a CSS beacon: the view must show it and let none of it act."""
    msg = EmailMessage()
    msg["From"] = f'"{HOSTILE_NAME}" <mallory@badmail.test>'
    msg["To"] = "Hon. Ada Kwok <ada.kwok@legco.example>"
    msg["Subject"] = HOSTILE_SUBJECT
    msg["Message-ID"] = "<hostile-1@badmail.test>"
    msg["Date"] = "Tue, 04 Feb 2025 09:00:00 +0800"
    msg.set_content("Plain part: nothing to see.")
    msg.add_alternative(
        "<html><head><style>body { background: url(http://beacon.invalid/css.gif) }</style>"
        '<link rel="stylesheet" href="https://beacon.invalid/sheet.css"></head><body>'
        "<script>window.__pwned = 1; fetch('http://beacon.invalid/js');</script>"
        '<img src="http://beacon.invalid/pixel.gif" onerror="window.__pwned = 2">'
        '<p style="background-image: url(https://beacon.invalid/inline.gif)">Visible words'
        "</p></body></html>",
        subtype="html",
    )
    msg.add_attachment(b"%PDF-1.4 not really", maintype="application", subtype="pdf",
                       filename=HOSTILE_FILENAME)  # fmt: skip
    return raw(msg)


@dataclass(frozen=True)
class Corpus:
    config: Path
    db: Path
    localised: str  # a picture whose pasted region was localised (it has a difference picture)


def ingest_corpus(folder: Path) -> Corpus:
    """The fixture corpus as `make demo` stores it, routed, plus the hostile message. Only one
    picture is localised: a whole campaign takes half a minute, one picture two seconds."""
    config = folder / "demo.toml"
    text = (FIXTURES / "demo.toml").read_text()
    config.write_text(text.replace("[triage]", "[routing]\nlocalise = false\n\n[triage]", 1))
    db = folder / "triage.db"
    (folder / "hostile.eml").write_bytes(hostile_html())
    g = ("--config", str(config), "--db", str(db))
    for args in (("ingest", str(FIXTURES), str(folder / "hostile.eml")), ("route",)):
        result = run_cli(*g, *args, cwd=folder)
        assert result.returncode == 0, result.stderr
    ws = Workspace.open(load_config(config), db)
    try:
        campaign = list_clusters(ws.store, include_all=False)[0]["id"]
        pictures = [sha for sha, *_ in ws.store.cluster_pictures(campaign, linkable_only=True)]
        target = pictures[0]
        siblings = pictures[1 : LOCALISE_SIBLINGS + 1]
        # linkable pictures are at least 160x120: big enough to localise
        assert _localise_one(ws, target, siblings, True, utc_now()) == 1
    finally:
        ws.close()
    return Corpus(config=config, db=db, localised=target)


@contextmanager
def serving(corpus: Corpus) -> Iterator[str]:
    """The web view on a free port of 127.0.0.1, as `triage serve` runs it; yields its URL."""
    server = make_server(load_config(corpus.config), corpus.db, TOKEN)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the web view did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
