"""Builders of test messages as raw bytes, so tests go through the real parser."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

TRIAGE = "triage@cyber.legco.example"


def _picture() -> bytes:
    """A small real JPEG (deterministic bytes), so images go through the whole pipeline."""
    import io

    from PIL import Image, ImageDraw

    im = Image.new("RGB", (320, 240), (40, 90, 160))
    draw = ImageDraw.Draw(im)
    for i in range(12):
        draw.rectangle((i * 25, i * 17, i * 25 + 60, i * 17 + 40), fill=(20 * i, 255 - 20 * i, 90))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


JPEG = _picture()


def original(
    *,
    sender: str = "Night Owl <owl@badmail.test>",
    to: str | None = "Hon. Ada Kwok <ada.kwok@legco.example>",
    subject: str = "Your pictures",
    body: str = "I have your pictures. Pay 0.5 BTC to bc1qexample within 48 hours.",
    message_id: str = "<orig-1@badmail.test>",
    date: str = "Mon, 03 Feb 2025 10:15:00 +0800",
    image: bool = True,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    if to:
        msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = message_id
    msg.set_content(body)
    if image:
        msg.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="photo.jpg")
    return msg


def forward_as_attachment(
    inner: EmailMessage,
    *,
    by: str = "office.ada.kwok@legco.example",
    as_octet_stream: bool = False,
    message_id: str = "<fwd-1@legco.example>",
) -> EmailMessage:
    outer = EmailMessage()
    outer["From"] = by
    outer["To"] = TRIAGE
    outer["Subject"] = f"Fwd: {inner['Subject']}"
    outer["Date"] = "Tue, 04 Feb 2025 09:00:00 +0800"
    outer["Message-ID"] = message_id
    outer.set_content("Please see the attached message we received.")
    if as_octet_stream:
        outer.add_attachment(
            raw(inner),
            maintype="application",
            subtype="octet-stream",
            filename="original.eml",
        )
    else:
        outer.add_attachment(inner)  # message/rfc822
    return outer


def forward_inline(
    block: str,
    *,
    by: str = "office.ada.kwok@legco.example",
    subject: str = "Fwd: Your pictures",
    note: str = "FYI, received this morning.",
    html: bool = False,
    attach_image: bool = True,
    message_id: str = "<fwd-inline@legco.example>",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    outer = EmailMessage()
    outer["From"] = by
    outer["To"] = TRIAGE
    outer["Subject"] = subject
    outer["Date"] = "Tue, 04 Feb 2025 09:00:00 +0800"
    outer["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        outer[name] = value
    text = f"{note}\n\n{block}"
    if html:
        lines = "<br>\n".join(
            line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            for line in text.splitlines()
        )
        outer.set_content(f"<html><body><div>{lines}</div></body></html>", subtype="html")
    else:
        outer.set_content(text)
    if attach_image:
        outer.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="photo.jpg")
    return outer


def redirect(
    inner: EmailMessage | bytes,
    *,
    by: str = "office.ada.kwok@legco.example",
    resent_id: str = "<resent-1@legco.example>",
) -> bytes:
    """`inner` with a Resent-* block on top; bytes are redirected again as they are."""
    head = (
        f"Resent-From: {by}\r\nResent-To: {TRIAGE}\r\n"
        "Resent-Date: Tue, 04 Feb 2025 09:00:00 +0800\r\n"
        f"Resent-Message-ID: {resent_id}\r\n"
    ).encode()
    return head + (inner if isinstance(inner, bytes) else raw(inner))


def raw(msg: EmailMessage) -> bytes:
    """Bytes with fixed MIME boundaries, so the same message always has the same sha256."""
    for i, part in enumerate(msg.walk()):
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            part.set_boundary(f"=_b{i}_{part.get_content_subtype()}")
    return msg.as_bytes(policy=SMTP)
