"""Peel forwards off a message: attached, inline, redirected -> original + recipient (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.utils import getaddresses

from triage.dates import parse_loose_date
from triage.htmltext import html_to_text
from triage.records import Address, ForwardKind, ParsedMessage, Unwrapped

# Marker lines that open a forwarded block, as the common clients write them.
_PHRASES = (
    r"forwarded message|original message|forwarded e-?mail|message transféré|"
    r"weitergeleitete nachricht|ursprüngliche nachricht|mensaje reenviado|mensaje original|"
    r"转发的邮件|轉寄的郵件|已转发邮件|已轉寄郵件|转发邮件|轉寄郵件|转发邮件信息|原始邮件|原始郵件|原邮件|原郵件"
)
_MARKER = re.compile(
    rf"^(?:[ \t]*>)*[ \t]*(?:[-_=*]{{2,}}[ \t]*(?:{_PHRASES})[ \t]*[-_=*]{{2,}}[ \t]*"
    rf"|begin forwarded message[ \t]*[:：]?[ \t]*"
    rf"|(?:开始|開始|以下为|以下為)(?:转发|轉寄)的(?:邮件|郵件)[ \t]*[:：]?[ \t]*)$",
    re.IGNORECASE | re.MULTILINE,
)
# Outlook desktop: a rule of underscores, then the header block with no phrase at all.
_RULE = re.compile(r"^(?:[ \t]*>)*[ \t]*_{8,}[ \t]*$", re.MULTILINE)
_QUOTE = re.compile(r"^(?:[ \t]*>)+[ \t]?")

_FIELDS = {
    "from": "from", "von": "from", "de": "from", "发件人": "from", "寄件者": "from",
    "寄件人": "from", "發件人": "from", "發信人": "from",
    "to": "to", "an": "to", "à": "to", "para": "to", "收件人": "to", "收件者": "to",
    "cc": "cc", "抄送": "cc", "副本": "cc", "抄送人": "cc", "副本抄送": "cc",
    "subject": "subject", "betreff": "subject", "objet": "subject", "asunto": "subject",
    "主题": "subject", "主旨": "subject", "主題": "subject", "標題": "subject", "标题": "subject",
    "date": "date", "sent": "date", "datum": "date", "gesendet": "date", "envoyé": "date",
    "enviado": "date", "fecha": "date", "日期": "date", "发送时间": "date", "發送時間": "date",
    "寄件日期": "date", "发送日期": "date", "時間": "date", "时间": "date", "傳送時間": "date",
    "reply-to": "reply_to", "回复": "reply_to", "回覆": "reply_to",
}  # fmt: skip
_FIELD_LINE = re.compile(r"^[ \t]*\*?(?P<name>[^:：\n]{1,20}?)\*?[ \t]*[:：][ \t]*(?P<value>.*)$")
_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(fwd?|fw|tr|wg|rv|enc|转发|轉寄|转寄|轉發|fwd)\s*[:：]", re.IGNORECASE
)
_MAILTO = re.compile(r"\[mailto:([^\]\s]+)\]", re.IGNORECASE)
_MAX_HEADER_LINES = 25
_MAX_HEADER_CHARS = 400  # a header line is short; longer ones are read only this far


@dataclass(frozen=True, slots=True)
class _Hop:
    kind: ForwardKind
    inner: ParsedMessage
    forwarders: tuple[str, ...]  # outermost first; a message redirected twice has two


def unwrap(
    outer: ParsedMessage,
    *,
    mailbox_addresses: tuple[str, ...] = (),
    office_map: Mapping[str, str] | None = None,
    max_depth: int = 8,
) -> Unwrapped:
    """Follow forwards down to the original message and name its real recipient."""
    office_map = office_map or {}
    current = outer
    chain: list[ForwardKind] = []
    forwarders: list[str] = []
    for depth in range(max_depth):
        hop = _peel(current, first=depth == 0)
        if hop is None:
            break
        chain.append(hop.kind)
        forwarders.extend(hop.forwarders)
        current = hop.inner
    recipient, why = resolve_recipient(current, forwarders, mailbox_addresses, office_map)
    return Unwrapped(
        outer=outer,
        original=current,
        chain=tuple(chain),
        forwarded_by=forwarders[0] if forwarders else None,
        recipient=recipient,
        recipient_source=why,
    )


def _peel(msg: ParsedMessage, *, first: bool) -> _Hop | None:
    if msg.resent_from or msg.resent_to:
        # Each redirect prepends a Resent-* block, so the headers list the hops outermost first.
        by = tuple(a.email for a in msg.resent_from) or _own(msg.sender)
        inner = replace(msg, resent_from=(), resent_to=(), resent_date=None)
        return _Hop(ForwardKind.REDIRECT, inner, by)
    if msg.forwarded:
        return _Hop(ForwardKind.ATTACHMENT, msg.forwarded[0], _own(msg.sender))
    # Deeper down, a quoted block is a forward only when the subject says so: a constituent's
    # reply thread quotes "Original Message" blocks that are not forwards.
    if not first and not _FORWARD_SUBJECT.match(msg.subject or ""):
        return None
    quoted = split_inline_forward(msg)
    if quoted is None:
        return None
    return _Hop(ForwardKind.INLINE, quoted, _own(msg.sender))


def _own(sender: str | None) -> tuple[str, ...]:
    return (sender,) if sender else ()


def split_inline_forward(msg: ParsedMessage) -> ParsedMessage | None:
    """The message quoted under the first forward marker of the body, if there is one."""
    text = msg.text if msg.text.strip() else html_to_text(msg.html)
    block = _find_block(text)
    if block is None:
        return None
    fields, body = _read_header_block(block)
    if "from" not in fields and "subject" not in fields:
        return None
    return ParsedMessage(
        message_id=None,  # an inline forward keeps no Message-ID
        subject=fields.get("subject") or None,
        from_=_parse_addresses(fields.get("from", "")),
        to=_parse_addresses(fields.get("to", "")),
        cc=_parse_addresses(fields.get("cc", "")),
        reply_to=_parse_addresses(fields.get("reply_to", "")),
        date=parse_loose_date(fields.get("date", "")),
        text=body.strip("\n"),
        attachments=msg.attachments,  # clients re-attach the original's files to the forward
        defects=msg.defects,
    )


def _find_block(text: str) -> list[str] | None:
    marker = _MARKER.search(text)
    rule = _RULE.search(text)
    if marker is None and rule is None:
        return None
    if marker is None or (rule is not None and rule.start() < marker.start()):
        assert rule is not None
        lines = text[rule.end() :].lstrip("\r\n").splitlines()
        # A bare rule opens a forward only when a From line follows at once.
        if not lines or _field_name(_QUOTE.sub("", lines[0])) != "from":
            return None
        return _unquote(lines)
    return _unquote(text[marker.end() :].lstrip("\r\n").splitlines())


def _unquote(lines: list[str]) -> list[str]:
    """Drop one level of '>' quoting when the whole block is quoted."""
    quoted = [line for line in lines if line.strip()]
    if quoted and all(_QUOTE.match(line) for line in quoted[:_MAX_HEADER_LINES]):
        return [_QUOTE.sub("", line, count=1) for line in lines]
    return lines


def _read_header_block(lines: list[str]) -> tuple[dict[str, str], str]:
    body_lines = lines
    lines = [line[:_MAX_HEADER_CHARS] for line in lines[: _MAX_HEADER_LINES + 40]]
    fields: dict[str, str] = {}
    last: str | None = None
    i = 0
    while i < len(lines) and not lines[i].strip():  # Apple Mail leaves a blank line first
        i += 1
    while i < len(lines) and i < _MAX_HEADER_LINES + 5:
        line = lines[i]
        if not line.strip():
            if fields:
                i += 1
                break
            i += 1
            continue
        m = _FIELD_LINE.match(line)
        name = _FIELDS.get(m["name"].strip().lower()) if m else None
        if m and name:
            fields.setdefault(name, m["value"].strip())
            last = name
        elif last in ("to", "cc", "subject") and fields:
            fields[last] = f"{fields[last]} {line.strip()}"  # wrapped long header
        else:
            break
        i += 1
    return fields, "\n".join(body_lines[i:])


def _field_name(line: str) -> str | None:
    m = _FIELD_LINE.match(line[:_MAX_HEADER_CHARS])
    return _FIELDS.get(m["name"].strip().lower()) if m else None


def _parse_addresses(value: str) -> tuple[Address, ...]:
    if not value:
        return ()
    value = _MAILTO.sub(r"<\1>", value).replace("；", ";").replace(";", ",")
    out = []
    for name, addr in getaddresses([value]):
        addr = addr.strip().lower()
        if "@" not in addr:
            # "Name" alone, or a bare address getaddresses could not split
            found = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", name)
            if not found:
                continue
            addr = found.group(0).lower()
        out.append(Address(name=name.strip().strip('"'), email=addr))
    return tuple(out)


def resolve_recipient(
    original: ParsedMessage,
    forwarders: list[str],
    mailbox_addresses: tuple[str, ...],
    office_map: Mapping[str, str],
) -> tuple[str | None, str | None]:
    """Who the original was aimed at, and why we think so."""
    own = set(mailbox_addresses)
    addressed = [a.email for a in (*original.to, *original.cc) if a.email and a.email not in own]
    for email in addressed:
        if email in office_map:
            mapped = office_map[email]
            return mapped, "original-to" if mapped == email else "original-to-office"
    if addressed:
        return addressed[0], "original-to"
    # Bcc'd or stripped: whoever forwarded it first (innermost) received it.
    for email in reversed(forwarders):
        if email in office_map:
            return office_map[email], "forwarding-office"
    for email in reversed(forwarders):
        if email not in own:
            return email, "forwarder"
    return None, None
