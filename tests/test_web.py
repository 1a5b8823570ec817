"""The web view without a browser: the token gate on every path, sessions, search helpers,
the FTS index kept in step by ingest, and `triage serve` as a person starts it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_cli
from tests.mailbuild import forward_as_attachment, original, raw
from tests.webserver import TOKEN, Corpus, serving
from triage.store import Store
from triage.web import auth, views
from triage.web.gate import STRICT_CSP

# -- pure parts -------------------------------------------------------------------------


def test_session_cookie_carries_the_name_and_only_opens_with_its_token() -> None:
    cookie = auth.session_cookie("token-a", "Alice Wong")
    assert auth.read_session("token-a", cookie) == auth.Session(name="Alice Wong")
    assert auth.read_session("token-b", cookie) is None  # a new token logs everyone out
    payload, mac = cookie.split(".")
    forged = auth.session_cookie("token-b", "Mallory").split(".")[0] + "." + mac
    assert auth.read_session("token-a", forged) is None
    assert auth.read_session("token-a", payload) is None


@pytest.mark.parametrize(
    ("name", "kept"),
    [("alice", "alice"), ("  Bob Lee ", "Bob Lee"), ("a<script>", None), ("", None),
     ("x" * 65, None), ("o'neil@unit", "o'neil@unit")],
    ids=["plain", "trimmed", "markup", "empty", "too-long", "apostrophe-at"],
)  # fmt: skip
def test_names_for_the_audit_trail(name: str, kept: str | None) -> None:
    assert auth.clean_name(name) == kept


def test_bearer_header() -> None:
    assert auth.bearer_matches("t0k", "Bearer t0k") and auth.bearer_matches("t0k", "bearer t0k")
    assert not auth.bearer_matches("t0k", "Bearer t0") and not auth.bearer_matches("t0k", "t0k")


@pytest.mark.parametrize(
    ("text", "match", "short"),
    [("bitcoin wallet", '"bitcoin" AND "wallet"', []),
     ('pay "now" OR', '"pay" AND """now"""', ["OR"]),
     ("比特币 付款", '"比特币"', ["付款"]),
     ("  ", None, [])],
    ids=["words", "operators-are-text", "chinese-short-words", "blank"],
)  # fmt: skip
def test_fts_query(text: str, match: str | None, short: list[str]) -> None:
    assert views.fts_query(text) == (match, short)


def test_nearest_pictures_allow_mirroring_and_rank_by_bits() -> None:
    stored = [
        {"sha256": "a", "phash": "ffffffffffffffff", "phash_mirror": "0", "clusters": "C-1"},
        {"sha256": "b", "phash": "00000000000000ff", "phash_mirror": "0", "clusters": "C-2,C-1"},
    ]
    near = views.nearest_pictures("0000000000000000", "ffffffffffffffff", stored)
    assert [(p["sha256"], p["bits"], p["likely"]) for p in near] == [("a", 0, True),
                                                                     ("b", 8, True)]  # fmt: skip
    assert near[1]["clusters"] == ["C-1", "C-2"]


def test_timeline_orders_mail_joins_and_queue_moves() -> None:
    cluster = {
        "messages": [{"date": "2025-02-03T10:00:00+00:00", "recipient": "a@x", "subject": "s"}],
        "joins": [{"created_at": "2025-02-03T11:00:00+00:00", "kind": "wallet", "reason": "r"}],
        "merged": [], "curations": [],
    }  # fmt: skip
    history = [{"at": "2025-02-02T00:00:00+00:00", "actor": "alice", "event": "ack",
                "from_status": "new", "to_status": "acknowledged", "detail": None}]  # fmt: skip
    kinds = [e["kind"] for e in views.timeline(cluster, history)]
    assert kinds == ["queue ack", "mail", "joined by wallet"]


# -- over HTTP ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Two forwards of one original (a picture each), ingested by the real CLI."""
    folder = tmp_path_factory.mktemp("web-small")
    config = folder / "config.toml"
    config.write_text('[triage]\nmailbox_addresses = ["triage@cyber.legco.example"]\n')
    for i, office in enumerate(["office.ada.kwok@legco.example", "office.bo.lam@legco.example"]):
        inner = original(subject="Harbourfront invoice overdue", message_id=f"<o{i}@bad.test>",
                         to=office.replace("office.", ""))  # fmt: skip
        mail = forward_as_attachment(inner, by=office, message_id=f"<f{i}@legco.example>")
        (folder / f"m{i}.eml").write_bytes(raw(mail))
    db = folder / "triage.db"
    result = run_cli("--config", str(config), "--db", str(db), "ingest", str(folder), cwd=folder)
    assert result.returncode == 0, result.stderr
    return Corpus(config=config, db=db, localised="")


@pytest.fixture(scope="module")
def site(small: Corpus) -> Iterator[str]:
    with serving(small) as url:
        yield url


def _paths(db: Path) -> list[str]:
    store = Store(db)
    try:
        sha = store.rows("SELECT sha256, cluster_id FROM messages LIMIT 1")[0]
        pic = store.rows("SELECT sha256 FROM images LIMIT 1")[0]["sha256"]
    finally:
        store.close()
    return [
        "/", "/-/triage/campaign/" + sha["cluster_id"], "/-/triage/message/" + sha["sha256"],
        "/-/triage/search?q=invoice", "/-/triage/victims",
        "/-/triage/victim/ada.kwok%40legco.example", f"/-/triage/picture/{pic}/thumb",
        "/-/triage/static/triage.js", "/triage", "/triage/messages.json?_shape=array",
        "/triage?sql=select+1", "/-/static/app.css", "/-/versions.json", "/-/plugins.json",
    ]  # fmt: skip


def test_every_path_refuses_without_the_token_and_opens_with_it(small: Corpus, site: str) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    for path in _paths(small.db):
        bare = httpx.get(site + path)
        assert bare.status_code == 401, path
        assert "default-src 'none'" in bare.headers["content-security-policy"]
        assert httpx.get(site + path, headers={"Authorization": "Bearer nope"}).status_code == 401
        opened = httpx.get(site + path, headers=bearer, follow_redirects=True)
        assert opened.status_code == 200, (path, opened.text[:300])
        assert "default-src 'none'" in opened.headers["content-security-policy"]
        if path == "/" or path.startswith("/-/triage/"):  # our pages: nothing inline either
            assert opened.headers["content-security-policy"] == STRICT_CSP


def test_token_in_the_address_becomes_a_cookie_and_leaves_the_address(site: str) -> None:
    with httpx.Client(base_url=site) as client:
        assert client.get("/?token=wrong").status_code == 401
        r = client.get("/-/triage/search?q=invoice&token=" + TOKEN)
        assert r.status_code == 302 and r.headers["location"] == "/-/triage/search?q=invoice"
        assert (
            "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
        )
        page = client.get("/-/triage/search?q=invoice")
        assert page.status_code == 200 and 'id="hit-count">1 campaign' in page.text


def test_login_form_records_the_name(site: str) -> None:
    with httpx.Client(base_url=site) as client:
        assert client.post("/-/triage/login", data={"token": "no", "name": "x"}).status_code == 401
        r = client.post("/-/triage/login", data={"token": TOKEN, "name": "Alice Wong"})
        assert r.status_code == 303
        assert 'id="user">Alice Wong<' in client.get("/").text


def test_the_store_cannot_be_downloaded_or_written(site: str) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(site + "/triage.db", headers=bearer).status_code == 403
    sql = "/triage.json?sql=delete+from+messages"
    assert httpx.get(site + sql, headers=bearer).status_code in (400, 403)
    assert httpx.get(site + "/_internal", headers=bearer).status_code in (403, 404)


def test_search_finds_subject_words_recipients_and_nothing_else(site: str) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}

    def campaigns(q: str) -> str:
        text = httpx.get(site + "/-/triage/search", params={"q": q}, headers=bearer).text
        return text.split('id="hit-count">', 1)[1].split(" ", 1)[0]

    assert campaigns("harbourfront") == "1"  # subject word, any case (FTS5)
    assert campaigns("overdue invoice") == "1"  # every word, in any order
    assert campaigns("bo.lam@legco") == "1"  # a recipient
    assert campaigns("harbourfront parliament") == "0"


def test_ingest_keeps_the_search_index_in_step(tmp_path: Path) -> None:
    """The index follows every stored message (triggers), with no step of ingest's own."""
    db = tmp_path / "t.db"
    (tmp_path / "a.eml").write_bytes(raw(original(subject="Quarterly beekeeping report",
                                                  image=False)))  # fmt: skip
    assert run_cli("--db", str(db), "ingest", str(tmp_path / "a.eml"), cwd=tmp_path).returncode == 0
    store = Store(db)
    try:
        hits = store.rows("SELECT rowid FROM messages_fts WHERE messages_fts MATCH '\"beekeep\"'")
        assert len(hits) == 1
    finally:
        store.close()


def test_serve_generates_and_prints_a_token_once_when_none_is_set(small: Corpus) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TRIAGE_WEB_TOKEN"}
    triage = Path(sys.executable).parent / "triage"
    proc = subprocess.Popen(
        [str(triage), "--config", str(small.config), "--db", str(small.db), "serve", "--port", "0"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        first, second = proc.stderr.readline(), proc.stderr.readline()
        token = first.split(": ")[-1].strip()
        url = second.split()[-1]
        assert "generated" in first and len(token) >= 32 and url.endswith("?token=" + token)
        assert url.startswith("http://127.0.0.1:")
        base = url.split("?")[0]
        for _ in range(100):
            try:
                status = httpx.get(base).status_code
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert status == 401
        assert httpx.get(base, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=15)
    assert token not in rest  # printed once, never logged again


def test_serve_reads_the_token_file_named_in_config(small: Corpus, tmp_path: Path) -> None:
    from triage.config import load_config
    from triage.web.server import resolve_token

    secret = tmp_path / "token"
    secret.write_text("file-token-0123456789abcdef\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[web]\ntoken_file = "{secret}"\n')
    env_before = os.environ.pop("TRIAGE_WEB_TOKEN", None)
    try:
        assert resolve_token(load_config(config)) == ("file-token-0123456789abcdef", False)
        os.environ["TRIAGE_WEB_TOKEN"] = "env-token-0123456789abcdef"
        assert resolve_token(load_config(config)) == ("env-token-0123456789abcdef", False)
        os.environ["TRIAGE_WEB_TOKEN"] = "short"
        with pytest.raises(Exception, match="shorter than 16"):
            resolve_token(load_config(config))
    finally:
        os.environ.pop("TRIAGE_WEB_TOKEN", None)
        if env_before is not None:
            os.environ["TRIAGE_WEB_TOKEN"] = env_before


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        '"; DROP TABLE messages; --',
        'harbourfront" OR "1"="1',
        "NEAR(a b",  # FTS5 syntax of its own
        "*",
        "%_",
    ],
)
def test_search_takes_any_text_as_words_not_as_sql(site: str, small: Corpus, query: str) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    response = httpx.get(site + "/-/triage/search", params={"q": query}, headers=bearer)
    assert response.status_code == 200
    assert response.text.split('id="hit-count">', 1)[1].split(" ", 1)[0] == "0"
    store = Store(small.db)
    try:
        assert store.rows("SELECT count(*) AS n FROM messages")[0]["n"] == 2
    finally:
        store.close()


@pytest.mark.parametrize(
    "path",
    [
        "/-/triage/picture/../../../../etc/passwd/thumb",
        "/-/triage/picture/%2e%2e%2f%2e%2e%2fetc%2fpasswd/thumb",
        "/-/triage/static/..%2fplugin.py",
        "/-/triage/static/%2e%2e/%2e%2e/config.py",
        "/-/triage/victim/..%2f..%2f..%2fetc%2fpasswd",
        "/-/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/-/triage/message/..%2f..%2ftriage.db",
        "/evidence/raw",
        "/-/triage/picture/" + "0" * 64 + "/thumb",  # well-formed, not stored
    ],
)
def test_no_path_reaches_a_file_outside_what_the_app_serves(site: str, path: str) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    response = httpx.get(site + path, headers=bearer, follow_redirects=True)
    assert "root:" not in response.text and "import " not in response.text
    assert not response.content.startswith(b"SQLite format")
    assert response.status_code in (400, 403, 404) or response.headers["content-type"].startswith(
        "text/html"
    )
