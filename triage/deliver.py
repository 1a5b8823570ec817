"""Delivery to the unit: SMTP, signed webhook, folder drop (network and files).

Each function returns None once the receiver accepted the delivery (SMTP 250 to DATA,
HTTP 2xx, the file renamed into place) and otherwise one line saying why not; the caller
keeps the delivery in the outbox until then.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from triage.config import DeliveryConfig, EmailDelivery, FolderDelivery, WebhookDelivery
from triage.errors import TriageError

SIGNATURE_HEADER = "X-Triage-Signature"
KEY_HEADER = "X-Triage-Delivery-Key"
_MAX_RESPONSE = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One outbox row, as sent: identical bytes on every attempt."""

    key: str  # the same on every attempt: receivers drop duplicates by it
    channel: str  # email | webhook | folder | office_ack
    target: str | None  # office_ack: the office's address
    subject: str
    text: str
    body: str  # the JSON document


def deliver(d: Delivery, config: DeliveryConfig) -> str | None:
    """Send one delivery over its channel; None when accepted, else why not."""
    try:
        if d.channel == "email" and config.email is not None:
            return send_email(d, config.email, list(config.email.to), attach=True)
        if d.channel == "office_ack" and config.email is not None and d.target:
            return send_email(d, config.email, [d.target], attach=False)
        if d.channel == "webhook" and config.webhook is not None:
            return post_webhook(d, config.webhook)
        if d.channel == "folder" and config.folder is not None:
            return drop_file(d, config.folder)
    except TriageError as e:  # a secret that cannot be read: retried once it is fixed
        return str(e)
    return f"channel {d.channel} is not configured (any more)"


def send_email(d: Delivery, cfg: EmailDelivery, to: list[str], *, attach: bool) -> str | None:
    msg = EmailMessage()
    msg["From"] = cfg.from_addr
    msg["To"] = ", ".join(to)
    msg["Subject"] = d.subject
    msg["Date"] = formatdate(usegmt=True)
    # Derived from the key, so a repeated delivery is a duplicate any mail client can see.
    msg["Message-ID"] = f"<{_safe(d.key)}.{d.channel}@triage.invalid>"
    msg[KEY_HEADER] = d.key
    msg.set_content(d.text)
    if attach:
        msg.add_attachment(
            d.body.encode(), maintype="application", subtype="json", filename=f"{_safe(d.key)}.json"
        )
    context = ssl.create_default_context(cafile=cfg.ca_file)
    smtp: smtplib.SMTP | None = None
    try:
        if cfg.security == "tls":
            smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        smtp.ehlo()
        if cfg.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if cfg.username and cfg.password is not None:
            smtp.login(cfg.username, cfg.password.read())
        refused = smtp.send_message(msg, cfg.from_addr, to)
    except smtplib.SMTPResponseException as e:
        return f"SMTP {cfg.host}:{cfg.port}: {e.smtp_code} {_text(e.smtp_error)}"
    except smtplib.SMTPRecipientsRefused as e:
        return f"SMTP {cfg.host}:{cfg.port}: recipients refused: {', '.join(sorted(e.recipients))}"
    except (smtplib.SMTPException, OSError) as e:
        return f"SMTP {cfg.host}:{cfg.port}: {type(e).__name__}: {e}"
    finally:
        if smtp is not None:
            _quit(smtp)
    if refused:  # accepted for some: the rest would be lost if we called it delivered
        return f"SMTP {cfg.host}:{cfg.port}: recipients refused: {', '.join(sorted(refused))}"
    return None


def post_webhook(d: Delivery, cfg: WebhookDelivery) -> str | None:
    body = d.body.encode()
    signature = hmac.new(cfg.secret.read().encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 (the url is checked to be http(s) in config)
        cfg.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "triage",
            SIGNATURE_HEADER: f"sha256={signature}",
            KEY_HEADER: d.key,
        },
    )
    context = ssl.create_default_context(cafile=cfg.ca_file)
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(request, timeout=cfg.timeout) as response:
            response.read(_MAX_RESPONSE)
            status = int(response.status)
    except urllib.error.HTTPError as e:
        return f"webhook {cfg.url}: HTTP {e.code} {e.reason}"
    except (urllib.error.URLError, OSError) as e:
        return f"webhook {cfg.url}: {type(e).__name__}: {getattr(e, 'reason', e)}"
    if not 200 <= status < 300:
        return f"webhook {cfg.url}: HTTP {status}"
    return None


def drop_file(d: Delivery, cfg: FolderDelivery) -> str | None:
    """Write `<key>.json` (0600) under a temporary name and rename it into place, so a
    reader of the folder never sees half a file; the same key overwrites with the same bytes."""
    final = cfg.path / f"{_safe(d.key)}.json"
    tmp = cfg.path / f".{final.name}.{os.getpid()}.tmp"
    try:
        cfg.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, d.body.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        _fsync_dir(cfg.path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        return f"folder {cfg.path}: {e.strerror or e}"
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not acceptance: POST bodies must not wander to another address."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _quit(smtp: smtplib.SMTP) -> None:
    # After 250 to DATA the mail is the receiver's; a failing QUIT must not undo that.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", key)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
