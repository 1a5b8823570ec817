"""Who may see the web view: the token, the session cookie and the person's name (pure).

One token opens the view (contract: `Authorization: Bearer TOKEN`, or `?token=` once in a
browser). The cookie a browser then keeps says only "knew the token" and the name the
person gave; it is an HMAC under the token, so a new token logs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass

COOKIE = "triage_session"
NAME_PATTERN = re.compile(r"^[\w .@'-]{1,64}$")  # goes into the audit trail as the actor


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    name: str | None  # who the person said they are; None until they give it


def token_matches(token: str, given: str) -> bool:
    return hmac.compare_digest(token.encode(), given.encode())


def bearer_matches(token: str, authorization: str) -> bool:
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and token_matches(token, given.strip())


def clean_name(name: str | None) -> str | None:
    """A name fit for the audit trail, or None."""
    name = (name or "").strip()
    return name if NAME_PATTERN.match(name) else None


def session_cookie(token: str, name: str | None) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"n": name}).encode()).decode().rstrip("=")
    return f"{payload}.{_mac(token, payload)}"


def read_session(token: str, value: str) -> Session | None:
    """The session a cookie value carries, or None when it was not made with this token."""
    payload, _, mac = value.partition(".")
    if not payload or not hmac.compare_digest(mac.encode(), _mac(token, payload).encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    name = data.get("n") if isinstance(data, dict) else None
    return Session(name=clean_name(name) if isinstance(name, str) else None)


def _mac(token: str, payload: str) -> str:
    key = hashlib.sha256(b"triage-web-session:" + token.encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
