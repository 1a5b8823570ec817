"""The web view in headless Chromium (Debian's, driven by Playwright) on the fixture corpus:
what a person sees, a queue move landing in the audit trail, blurred pictures, and no
request ever leaving 127.0.0.1 (every request is recorded; anything else is aborted)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.webserver import (
    BEACON,
    HOSTILE_FILENAME,
    HOSTILE_NAME,
    HOSTILE_SUBJECT,
    TOKEN,
    Corpus,
    ingest_corpus,
    serving,
)
from triage.queries import list_clusters
from triage.store import Store

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("TRIAGE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps",
    # Chromium's own look-ups (safe browsing, updates) resolve nowhere; pages are still watched.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]  # fmt: skip
LOCAL = {"127.0.0.1"}
SCREENSHOTS = os.environ.get("TRIAGE_SCREENSHOTS")  # a folder to keep the screenshots in


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return ingest_corpus(tmp_path_factory.mktemp("web-corpus"))


@pytest.fixture(scope="module")
def site(corpus: Corpus) -> Iterator[str]:
    with serving(corpus) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    assert os.path.exists(CHROMIUM), "chromium is missing: `make test` installs it (apt)"
    home = tmp_path_factory.mktemp("chromium-home")  # crash reports and dconf stay out of HOME
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS,
                              env={**os.environ, "HOME": str(home)})  # fmt: skip
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh browser context whose every request is recorded; off-host ones are aborted and
    fail the test, as do CSP violations and script errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    offhost: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        requests.append(url)
        if urlsplit(url).hostname in LOCAL or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            offhost.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.requests, pg.problems = requests, problems
    pg.shot = lambda name: pg.screenshot(
        path=str(Path(SCREENSHOTS or tmp_path) / f"{name}.png"), full_page=True
    )
    yield pg
    context.close()
    assert requests, "nothing was requested: the page did not load"
    assert not offhost, f"the page tried to leave 127.0.0.1: {offhost}"


def _sign_in(page: Any, site: str, name: str = "Inspector Lau") -> None:
    page.goto(site + "/-/triage/login")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=name]", name)
    page.click("#login button")
    page.wait_for_url(site + "/")


def _all_pictures_loaded(page: Any) -> None:
    """Every <img> decoded. Polled from here: wait_for_function evaluates a string, which
    the page's CSP (rightly) forbids."""
    page.wait_for_load_state("load")
    for _ in range(300):
        images = page.locator("img")
        for i in range(images.count()):  # lazy ones load once scrolled to
            images.nth(i).scroll_into_view_if_needed()
        if page.evaluate(
            "() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError("pictures did not load")


def _extortion(corpus: Corpus) -> list[dict[str, Any]]:
    store = Store(corpus.db)
    try:
        return list_clusters(store, include_all=False)
    finally:
        store.close()


def test_without_the_token_the_browser_is_refused(page: Any, site: str, corpus: Corpus) -> None:
    cluster = _extortion(corpus)[0]["id"]
    for path in ("/", f"/-/triage/campaign/{cluster}", "/triage/messages"):
        response = page.goto(site + path)
        assert response.status == 401
        assert page.text_content("#refused") == "token required"
        assert cluster not in page.content()
    assert page.goto(site + "/?token=not-the-token").status == 401


def test_campaign_list_shows_each_campaign_with_blurred_thumbnails(
    page: Any, site: str, corpus: Corpus
) -> None:
    campaigns = _extortion(corpus)
    page.goto(site + "/?token=" + TOKEN)
    assert page.url == site + "/"  # the token left the address bar
    assert page.text_content("#campaign-count") == str(len(campaigns)) == "4"
    rows = page.locator("tr.campaign")
    assert rows.count() == 4
    assert {rows.nth(i).get_attribute("data-id") for i in range(4)} == {c["id"] for c in campaigns}
    first = next(c for c in campaigns if c["id"] == rows.nth(0).get_attribute("data-id"))
    assert len(first["recipients"]) == 12
    assert rows.nth(0).locator(".victims a").count() == 12
    assert rows.nth(0).locator(".status").text_content() == "new"
    strip = rows.nth(0).locator(".strip .pic")
    assert strip.count() == 6
    _all_pictures_loaded(page)
    pic = strip.nth(0)
    blurred = "getComputedStyle(document.querySelector('.strip .pic img')).filter"
    assert "blur" in page.evaluate(blurred)
    page.shot("campaigns")
    pic.click()
    assert page.evaluate(blurred) == "none"
    pic.click()
    assert "blur" in page.evaluate(blurred)
    assert page.problems == []


def test_campaign_page_and_a_queue_move_recorded_under_the_signed_in_name(
    page: Any, site: str, corpus: Corpus
) -> None:
    _sign_in(page, site)
    store = Store(corpus.db)
    try:
        cluster = store.rows(
            "SELECT m.cluster_id FROM message_images mi JOIN messages m "
            "ON m.sha256 = mi.message_sha256 WHERE mi.image_sha256 = ?", [corpus.localised]
        )[0]["cluster_id"]  # fmt: skip
        pictures = len(store.cluster_pictures(cluster, linkable_only=True))
    finally:
        store.close()
    page.click(f"tr.campaign[data-id='{cluster}'] a")
    page.wait_for_url(f"**/-/triage/campaign/{cluster}")
    assert page.locator("tr.message").count() == 12
    assert page.locator(".picture-set").count() == pictures
    shown = page.locator(f".picture-set[data-sha='{corpus.localised}'] img")
    kinds = [shown.nth(i).get_attribute("src").rsplit("/", 1)[1] for i in range(shown.count())]
    assert kinds == ["thumb", "heatmap", "diff"]  # the picture, its heatmap, the difference
    assert "pasted region [" in page.locator(
        f".picture-set[data-sha='{corpus.localised}'] .paste").text_content()  # fmt: skip
    assert page.locator("#indicators dt").count() >= 1
    assert page.locator("#joins tbody tr").count() >= 11  # twelve members: eleven joins at least
    assert page.locator("#timeline tr").count() >= 12
    merges = int(page.locator("#cluster-merges").get_attribute("data-count"))
    assert merges >= 1 and page.locator("#curations li").count() == merges  # ingest's merges
    _all_pictures_loaded(page)
    assert page.locator(".pic.blurred").count() == page.locator(".pic").count()
    page.shot("campaign")
    assert page.text_content("#item-status") == "new"
    page.fill("#action-ack input[name=note]", "looking at it")
    page.click("#action-ack button")
    page.wait_for_selector("#notice")
    assert page.text_content("#item-status") == "acknowledged"
    last = page.locator("#audit tbody tr").last
    assert last.locator(".actor").text_content() == "Inspector Lau"
    assert last.locator(".event").text_content() == "ack"
    page.fill("#action-assign input[name=to]", "Sgt Chan")
    page.click("#action-assign button")
    page.wait_for_selector("#notice")
    assert page.text_content("#item-status") == "assigned"
    assert page.locator("#audit tbody tr").last.locator(".event").text_content() == "assign"
    page.click("#action-reopen button")  # not allowed from assigned: said, not done
    assert "cannot reopen" in page.text_content("#problem")
    store = Store(corpus.db)
    try:
        events = store.rows(
            "SELECT actor, event FROM queue_events WHERE item_id = ? ORDER BY id",
            ["Q-" + cluster.removeprefix("C-")],
        )
    finally:
        store.close()
    assert events[-2:] == [{"actor": "Inspector Lau", "event": "ack"},
                           {"actor": "Inspector Lau", "event": "assign"}]  # fmt: skip
    assert page.problems == []


def test_a_queue_move_needs_a_name(site: str, corpus: Corpus) -> None:
    """An API client with the token but no name is told to give one; nothing is recorded."""
    item = "Q-" + _extortion(corpus)[-1]["id"].removeprefix("C-")
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    r = httpx.post(f"{site}/-/triage/queue/{item}/close", headers=bearer)
    assert r.status_code == 303 and "problem=sign%20in" in r.headers["location"]
    named = {**bearer, "X-Triage-User": "script-bot"}
    r = httpx.post(f"{site}/-/triage/queue/{item}/close", headers=named, data={"note": "dup"})
    assert r.status_code == 303 and "done=close" in r.headers["location"]
    store = Store(corpus.db)
    try:
        last = store.rows(
            "SELECT actor, to_status FROM queue_events WHERE item_id = ? ORDER BY id DESC LIMIT 1",
            [item],
        )
        assert last == [{"actor": "script-bot", "to_status": "closed"}]
    finally:
        store.close()


def test_hostile_html_neither_runs_nor_loads_anything(page: Any, site: str, corpus: Corpus) -> None:
    store = Store(corpus.db)
    try:
        sha = store.rows(
            "SELECT sha256 FROM messages WHERE message_id = '<hostile-1@badmail.test>'"
        )
    finally:
        store.close()
    page.goto(site + "/?token=" + TOKEN)
    page.goto(f"{site}/-/triage/message/{sha[0]['sha256']}")
    page.click("details summary")  # the escaped source, opened
    assert "<script>window.__pwned = 1;" in page.text_content("#html-source")
    assert "Visible words" in page.text_content("#html-text")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("script:not([src])").count() == 0 and page.locator("iframe").count() == 0
    assert not [u for u in page.requests if BEACON in u]  # not even attempted
    body = page.text_content("body")
    assert HOSTILE_SUBJECT in body and HOSTILE_NAME in body and HOSTILE_FILENAME in body
    assert page.problems == []
    page.shot("message")


def test_markup_in_headers_and_file_names_runs_nowhere(page: Any, site: str) -> None:
    """Every page that shows what a sender wrote (subject, display name, file name) shows it
    as text: the list of all clusters, search results and the recipient's page."""
    page.goto(site + "/?token=" + TOKEN)
    for path, shows_subject in (
        ("/?all=1", False),
        ("/-/triage/search?q=hostile", True),
        ("/-/triage/victim/ada.kwok%40legco.example", True),
    ):
        page.goto(site + path)
        assert not shows_subject or HOSTILE_SUBJECT in page.text_content("body"), path
        page.wait_for_timeout(100)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("script:not([src])").count() == 0, path
        assert page.locator("svg[onload], img[onerror]").count() == 0, path
    assert page.problems == []


def test_search_by_wallet_subject_and_picture(page: Any, site: str, corpus: Corpus) -> None:
    campaigns = _extortion(corpus)
    wallet, target = campaigns[0]["wallets"][0], campaigns[0]["id"]
    page.goto(site + "/?token=" + TOKEN)
    page.goto(site + "/-/triage/search")
    page.fill("#search input[name=q]", wallet[4:20])  # part of a wallet
    page.click("#search button")
    assert page.text_content("#hit-count").startswith("1 campaign")
    assert page.locator(".hit-group h2 a").text_content() == target
    subject = campaigns[0]["messages"][0]["subject"]
    page.fill("#search input[name=q]", " ".join(subject.split()[:2]))
    page.click("#search button")
    page.wait_for_load_state("load")  # .all() does not wait: under load it read a page half made
    assert target in [a.text_content() for a in page.locator(".hit-group h2 a").all()]
    # a stored picture of the campaign, uploaded: its own campaign comes first, 0 bits apart
    store = Store(corpus.db)
    try:
        sha = store.cluster_pictures(target, linkable_only=True)[0][0]
    finally:
        store.close()
    picture = corpus.db.parent / "evidence" / "images" / sha[:2] / sha[2:4] / sha
    page.set_input_files("#picture-search input[type=file]", str(picture))
    page.click("#picture-search button")
    first = page.locator("#nearest tbody tr").first
    assert first.locator("td").first.text_content().startswith("0")
    assert target in first.text_content()
    assert page.problems == []


def test_victim_pages_and_datasette_tables(page: Any, site: str, corpus: Corpus) -> None:
    page.goto(site + "/?token=" + TOKEN)
    page.goto(site + "/-/triage/victims")
    row = page.locator("tr.person", has_text="ada.kwok@legco.example").first
    assert row.locator("td").nth(1).text_content() == "Hon. Ada Kwok"
    row.locator("a").click()
    page.wait_for_url("**/-/triage/victim/**")
    assert int(page.text_content("#message-count")) >= 4
    assert page.locator(".victim-campaign").count() >= 4
    page.click("text=Tables and SQL")  # Datasette's own pages, same session, its own CSP
    assert page.goto(site + "/triage/messages?_facet=forward_kind").status == 200
    assert page.locator("table.rows-and-columns tbody tr").count() > 0
    assert page.problems == []
