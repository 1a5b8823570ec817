"""The ASGI gate in front of Datasette: token or session on every path, security headers on
every response, and the login form (HTTP).

Datasette's permission hooks change between versions (0.65's are silently ignored by the
1.0 alphas) and do not cover plugin routes or static files, so nothing reaches Datasette
without passing here first.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from triage.web.auth import (
    COOKIE,
    Session,
    bearer_matches,
    clean_name,
    read_session,
    session_cookie,
    token_matches,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

ACTOR = {"id": "triage-investigator"}
LOGIN_PATH = "/-/triage/login"
MAX_LOGIN_BODY = 4096
# Our pages: nothing inline, nothing remote. Evidence HTML is never rendered, but if a bug
# ever let some through, this is what stops it from running or loading anything.
STRICT_CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])  # fmt: skip
# Datasette's own pages (tables, SQL) use inline <script> and style="": still no remote source.
DATASETTE_CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])  # fmt: skip
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
_REPLACED = {b"content-security-policy", b"cache-control", *(k for k, _ in _SECURITY_HEADERS)}


def csp_for(path: str) -> str:
    return STRICT_CSP if path == "/" or path.startswith("/-/triage/") else DATASETTE_CSP


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", csp_for(path).encode()), *_SECURITY_HEADERS]


def make_gate(app: App, token_of: Callable[[], str | None]) -> App:
    """Wrap Datasette's ASGI app so that every HTTP request proves it knows the token
    (`token_of()`, read per request: None refuses everything)."""

    async def gate(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            await app(scope, receive, send)
            return
        path = scope["path"]
        token = token_of()
        if not token:
            await _page(send, path, 503, "triage web view not configured")
            return
        headers = _headers(scope)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        session = _session(token, headers)
        if given:
            if not token_matches(token, given[0]):
                await _refuse(send, path, "wrong token")
                return
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            name = session.name if session else None
            await _redirect(send, path, path + (f"?{rest}" if rest else ""), token, name)
            return
        if path == LOGIN_PATH:
            await _login(scope, receive, send, token, session)
            return
        user = None
        if bearer_matches(token, headers.get("authorization", "")):
            user = clean_name(headers.get("x-triage-user"))
        elif session is not None:
            user = session.name
        else:
            await _refuse(send, path, "token required")
            return

        async def send_with_headers(event: Message) -> None:
            if event["type"] == "http.response.start":
                kept = [(k, v) for k, v in event.get("headers", []) if k.lower() not in _REPLACED]
                event = {**event, "headers": kept + security_headers(path)}
            await send(event)

        inner = {**scope, "triage_actor": ACTOR, "triage_user": user}
        await app(inner, receive, send_with_headers)

    return gate


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _session(token: str, headers: dict[str, str]) -> Session | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except CookieError:
        return None
    return read_session(token, jar[COOKIE].value) if COOKIE in jar else None


async def _login(
    scope: Scope, receive: Receive, send: Send, token: str, session: Session | None
) -> None:
    """GET: the form. POST: the token (unless already in) and the person's name."""
    if scope["method"] != "POST":
        await _page(send, LOGIN_PATH, 200, _login_form(session, ""))
        return
    body = b""
    while True:
        event = await receive()
        body += event.get("body", b"")
        if len(body) > MAX_LOGIN_BODY:
            await _page(send, LOGIN_PATH, 413, _login_form(session, "form too large"))
            return
        if not event.get("more_body"):
            break
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    known = session is not None or token_matches(token, form.get("token", ""))
    name = clean_name(form.get("name"))
    if not known:
        await _page(send, LOGIN_PATH, 401, _login_form(None, "wrong token"))
        return
    if name is None:
        await _page(send, LOGIN_PATH, 400, _login_form(session, "give your name (letters, "
                    "digits, spaces, . @ ' -; at most 64)"))  # fmt: skip
        return
    await _redirect(send, LOGIN_PATH, "/", token, name, status=303)


def _login_form(session: Session | None, error: str) -> str:
    token_field = (
        "" if session else '<label>Token <input type="password" name="token" required></label>'
    )
    current = (
        f"<p>Signed in as {html.escape(session.name)}.</p>" if session and session.name else ""
    )
    problem = f'<p class="error" id="login-error">{html.escape(error)}</p>' if error else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in - triage'
        "</title></head>"
        f"<body><main><h1>triage: sign in</h1>{current}{problem}"
        f'<form method="post" action="{LOGIN_PATH}" id="login">{token_field}'
        '<label>Your name (recorded with what you do) <input name="name" required '
        'maxlength="64"></label><button type="submit">Sign in</button></form>'
        "</main></body></html>"
    )


async def _refuse(send: Send, path: str, why: str) -> None:
    text = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Refused</title>'
        f'</head><body><h1 id="refused">{html.escape(why)}</h1><p>Open the address '
        "<code>triage serve</code> printed, send <code>Authorization: Bearer TOKEN</code>, or "
        f'<a href="{LOGIN_PATH}">sign in</a>.</p></body></html>'
    )
    await _page(send, path, 401, text, [(b"www-authenticate", b'Bearer realm="triage"')])


async def _redirect(
    send: Send, path: str, location: str, token: str, name: str | None, status: int = 302
) -> None:
    cookie = f"{COOKIE}={session_cookie(token, name)}; Path=/; HttpOnly; SameSite=Strict"
    await _page(send, path, status, "", [(b"location", location.encode()),
                                         (b"set-cookie", cookie.encode())])  # fmt: skip


async def _page(
    send: Send, path: str, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", b"text/html; charset=utf-8"), *security_headers(path)]
    await send({"type": "http.response.start", "status": status,
                "headers": headers + (extra or [])})  # fmt: skip
    await send({"type": "http.response.body", "body": text.encode()})
