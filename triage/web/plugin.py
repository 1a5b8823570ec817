"""The Datasette plugin: our pages and picture routes, and permissions that keep Datasette's
own pages read-only (HTTP; registered by triage.web.server, no entry point)."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from datasette import hookimpl
from datasette.utils.asgi import Request, Response

from triage.config import Config
from triage.errors import TriageError
from triage.evidence import EvidenceStore
from triage.htmltext import html_to_text
from triage.queries import list_clusters, show_cluster
from triage.routing import act, find_item
from triage.store import Store
from triage.web import reads, views
from triage.web.gate import ACTOR, make_gate
from triage.web.pictures import heatmap, thumbnail, upload_fingerprint

READ_ACTIONS = {"view-instance", "view-database", "view-table", "view-query", "execute-sql"}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {"triage.css": "text/css; charset=utf-8", "triage.js": "text/javascript"}
QUEUE_ACTIONS = ("ack", "assign", "close", "reopen")
T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """What the plugin serves, set on the Datasette instance by triage.web.server."""

    config: Config
    db_path: Path
    evidence_dir: Path
    token: str

    @property
    def db_name(self) -> str:
        return self.db_path.stem


def _site(datasette: Any) -> Site:
    site = getattr(datasette, "triage_site", None)
    if not isinstance(site, Site):  # not made by triage.web.server: serve nothing
        raise RuntimeError("triage web view not configured")
    return site


async def _read(datasette: Any, fn: Callable[[Store], T]) -> T:
    """Run `fn` on a store of its own, in a worker thread (sqlite3 connections stay put)."""
    site = _site(datasette)

    def work() -> T:
        store = Store(site.db_path)
        try:
            return fn(store)
        finally:
            store.close()

    return await asyncio.to_thread(work)


# -- hooks ----------------------------------------------------------------------------


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    def token() -> str | None:
        site = getattr(datasette, "triage_site", None)
        return site.token if isinstance(site, Site) else None

    return lambda app: make_gate(app, token)


@hookimpl
def actor_from_request(datasette: Any, request: Request) -> dict[str, str] | None:
    actor = request.scope.get("triage_actor")
    return actor if actor == ACTOR else None


@hookimpl(trylast=True)  # 0.65: the last non-None answer wins
def permission_allowed(datasette: Any, actor: Any, action: str, resource: Any) -> bool:
    if actor != ACTOR:
        return False
    internal = resource == "_internal" or (
        isinstance(resource, tuple | list) and bool(resource) and resource[0] == "_internal"
    )
    return action in READ_ACTIONS and not internal


@hookimpl
def permission_resources_sql(datasette: Any, actor: Any, action: str) -> Any:
    # Datasette 1.0 alphas ignore permission_allowed (pluggy accepts hooks without a spec):
    # the version is pinned below 1.0, and this keeps a future upgrade read-only too.
    from datasette.permissions import PermissionSQL

    if actor != ACTOR or action not in READ_ACTIONS:
        return PermissionSQL.deny(reason="triage: read-only view, token required")
    return PermissionSQL.allow(reason="triage investigator")


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/$", campaigns_page),
        (r"^/-/triage/campaign/(?P<ident>[A-Za-z0-9_.:-]+)$", campaign_page),
        (r"^/-/triage/message/(?P<sha>[0-9a-f]{64})$", message_page),
        (r"^/-/triage/search$", search_page),
        (r"^/-/triage/search/picture$", picture_search),
        (r"^/-/triage/victims$", victims_page),
        (r"^/-/triage/victim/(?P<address>[^/]+)$", victim_page),
        (r"^/-/triage/queue/(?P<item>[A-Za-z0-9_-]+)/(?P<action>[a-z]+)$", queue_action),
        (r"^/-/triage/picture/(?P<sha>[0-9a-f]{64})/(?P<kind>thumb|heatmap|diff)$", picture),
        (r"^/-/triage/static/(?P<name>triage\.css|triage\.js)$", static_file),
    ]


@hookimpl
def skip_csrf(scope: dict[str, Any]) -> bool | None:
    # The picture search changes nothing (CSRF guards changes), and asgi-csrf 0.11 cannot
    # parse multipart bodies with python-multipart 0.0.2x+ (FormParser lost FileClass).
    return True if scope.get("path") == "/-/triage/search/picture" else None


@hookimpl
def extra_template_vars(request: Request | None) -> dict[str, Any]:
    return {"triage_user": request.scope.get("triage_user") if request else None}


# -- pages ----------------------------------------------------------------------------


def _forbidden(request: Request) -> Response | None:
    # Plugin routes are not covered by Datasette's permission hooks: check the actor here too.
    return None if request.actor == ACTOR else Response.text("forbidden", status=403)


async def _render(datasette: Any, request: Request, template: str, context: dict[str, Any],
                  status: int = 200) -> Response:  # fmt: skip
    context = {**context, "db_name": _site(datasette).db_name}
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


async def _error(datasette: Any, request: Request, status: int, text: str) -> Response:
    return await _render(datasette, request, "triage_error.html", {"error": text}, status)


async def campaigns_page(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    include_all = request.args.get("all") == "1"

    def rows(store: Store) -> list[dict[str, Any]]:
        pictures, queue = reads.linkable_pictures(store), reads.queue_by_cluster(store)
        return views.order_campaigns([
            views.campaign_row(c, pictures.get(c["id"], []), queue.get(c["id"]))
            for c in list_clusters(store, include_all=include_all)
        ])  # fmt: skip

    campaigns = await _read(datasette, rows)
    return await _render(datasette, request, "triage_campaigns.html",
                         {"campaigns": campaigns, "include_all": include_all})  # fmt: skip


async def campaign_page(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    site = _site(datasette)

    def load(store: Store) -> dict[str, Any]:
        cluster = show_cluster(store, request.url_vars["ident"], site.config.routing)
        item = store.live_queue_item(cluster["id"])
        history = reads.queue_history(store, item["id"]) if item else []
        return {"cluster": cluster, "item": item, "history": history,
                "timeline": views.timeline(cluster, history)}  # fmt: skip

    try:
        context = await _read(datasette, load)
    except TriageError as e:
        return await _error(datasette, request, 404, str(e))
    context["actions"] = QUEUE_ACTIONS
    context["notice"] = request.args.get("done") or ""
    context["problem"] = request.args.get("problem") or ""
    return await _render(datasette, request, "triage_campaign.html", context)


async def message_page(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    site = _site(datasette)
    sha = request.url_vars["sha"]
    m = await _read(datasette, lambda store: reads.message(store, sha))
    if m is None:
        return await _error(datasette, request, 404, "no such message")
    raw = EvidenceStore(site.evidence_dir).path(sha)
    headers = await asyncio.to_thread(_raw_headers, raw)
    # The HTML part is never rendered: its text is shown, and its source as escaped text.
    m["html_text"] = html_to_text(m["original_html"]) if m["original_html"] else ""
    return await _render(datasette, request, "triage_message.html",
                         {"m": m, "headers": headers})  # fmt: skip


def _raw_headers(path: Path) -> list[tuple[str, str]]:
    """The outer message's header lines as received (at most the first 256 KiB read)."""
    try:
        with path.open("rb") as f:
            head = f.read(256 * 1024)
    except OSError:
        return []
    parsed = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    return [(k, str(v)) for k, v in parsed.items()]


async def search_page(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    text = (request.args.get("q") or "").strip()[:200]

    def hits(store: Store) -> list[dict[str, Any]]:
        match, short = views.fts_query(text)
        found = reads.search_indicators(store, text) + reads.search_people(store, text)
        return views.group_hits(found + reads.search_words(store, match, short))

    groups = await _read(datasette, hits) if text else []
    return await _render(datasette, request, "triage_search.html",
                         {"q": text, "groups": groups, "searched": bool(text)})  # fmt: skip


async def picture_search(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    if request.method != "POST":
        return Response.redirect("/-/triage/search")
    body = await _body(request, MAX_UPLOAD_BYTES)
    if body is None:
        return await _error(datasette, request, 413, f"picture over {MAX_UPLOAD_BYTES} bytes")
    data = _uploaded_file(request.headers.get("content-type", ""), body, "picture")
    if not data:
        return await _error(datasette, request, 400, "no picture in the upload")
    try:
        fp = await asyncio.to_thread(upload_fingerprint, data)
    except TriageError as e:
        return await _error(datasette, request, 400, f"cannot read the picture: {e}")
    stored = await _read(datasette, reads.image_hashes)
    nearest = views.nearest_pictures(fp.phash, fp.phash_mirror, stored)
    return await _render(datasette, request, "triage_search.html",
                         {"q": "", "groups": [], "searched": False, "nearest": nearest,
                          "likely_bits": views.LIKELY_BITS})  # fmt: skip


async def _body(request: Request, limit: int) -> bytes | None:
    body = b""
    while True:
        event = await request.receive()
        body += bytes(event.get("body", b""))
        if len(body) > limit:
            return None
        if not event.get("more_body"):
            return body


def _uploaded_file(content_type: str, body: bytes, field: str) -> bytes | None:
    """The bytes of one file field of a multipart/form-data body (stdlib MIME parser)."""
    if not content_type.startswith("multipart/form-data"):
        return None
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(head + body)
    for part in msg.iter_parts() if msg.is_multipart() else []:
        if part.get_param("name", header="content-disposition") == field:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else None
    return None


async def victims_page(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    site = _site(datasette)
    people = await _read(datasette, reads.recipients)
    names = {p.email: p.name for p in site.config.protected}
    names.update({o: f"office of {p.name}" for p in site.config.protected for o in p.offices})
    for p in people:
        p["name"] = names.get(p["address"])
        p["quoted"] = quote(p["address"], safe="")
    return await _render(datasette, request, "triage_victims.html", {"people": people})


async def victim_page(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    site = _site(datasette)
    address = unquote(request.url_vars["address"])
    messages = await _read(datasette, lambda store: reads.messages_to(store, address))
    person = next((p for p in site.config.protected
                   if address in (p.email, *p.offices)), None)  # fmt: skip
    return await _render(datasette, request, "triage_victim.html", {
        "address": address, "person": person, "campaigns": views.victim_campaigns(messages),
        "count": len(messages),
    })  # fmt: skip


async def queue_action(datasette: Any, request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    if request.method != "POST":
        return Response.text("POST only", status=405)
    action, ident = request.url_vars["action"], request.url_vars["item"]
    if action not in QUEUE_ACTIONS:
        return Response.text("unknown action", status=404)
    user = request.scope.get("triage_user")
    form = await request.post_vars()
    site = _site(datasette)

    def move(store: Store) -> tuple[str, str]:
        from triage.pipeline import Workspace  # the queue moves go through routing.act

        cluster_id = find_item(store, ident).cluster_id
        if not user:
            return cluster_id, "sign in with your name first: every move is recorded under it"
        ws = Workspace.open(site.config, site.db_path)
        try:
            _, errors = act(ws, [ident], action, by=user, to=form.get("to") or None,
                            note=form.get("note") or None)  # fmt: skip
        finally:
            ws.close()
        return cluster_id, errors[0]["error"] if errors else ""

    try:
        cluster_id, problem = await _read(datasette, move)
    except TriageError as e:
        return await _error(datasette, request, 404, str(e))
    query = f"problem={quote(problem)}" if problem else f"done={quote(action)}"
    return Response.redirect(f"/-/triage/campaign/{cluster_id}?{query}#queue", status=303)


async def picture(datasette: Any, request: Request) -> Response:
    """Evidence pictures, only as derived JPEG/PNG the app made, never the stored file."""
    if denied := _forbidden(request):
        return denied
    site = _site(datasette)
    sha, kind = request.url_vars["sha"], request.url_vars["kind"]
    evidence = EvidenceStore(site.evidence_dir)

    def render(store: Store) -> bytes | None:
        if kind == "diff":
            return thumbnail(evidence.get(sha, "diffs")) if reads.is_diff(store, sha) else None
        if reads.image_format(store, sha) is None:
            return None
        data = evidence.get(sha, "images")
        return heatmap(data) if kind == "heatmap" else thumbnail(data, reads.paste_box(store, sha))

    try:
        out = await _read(datasette, render)
    except TriageError:
        out = None
    if out is None:
        return Response.text("not found", status=404)
    return Response(out, content_type="image/jpeg", headers={"cache-control": "private"})


async def static_file(request: Request) -> Response:
    if denied := _forbidden(request):
        return denied
    name = request.url_vars["name"]
    return Response((STATIC / name).read_bytes(), content_type=STATIC_TYPES[name])
