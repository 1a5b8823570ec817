"""Peel forwards off a message: attached, inline, redirected -> original + recipient (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.utils import getaddresses

from triage.dates import parse_loose_date
from triage.htmltext import body_text
from triage.parse import decode_subject
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
    id_source: str | None  # how inner.message_id is known; None when it is not


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
    id_source: str | None = None
    for depth in range(max_depth):
        hop = _peel(current, first=depth == 0)
        if hop is None:
            break
        chain.append(hop.kind)
        forwarders.extend(hop.forwarders)
        current, id_source = hop.inner, hop.id_source
    recipient, why = resolve_recipient(current, forwarders, mailbox_addresses, office_map)
    known = chain and current.message_id and id_source
    return Unwrapped(
        outer=outer,
        original=current,
        chain=tuple(chain),
        forwarded_by=forwarders[0] if forwarders else None,
        recipient=recipient,
        recipient_source=why,
        original_id=current.message_id if known else None,
        original_id_source=id_source if known else None,
    )


def _peel(msg: ParsedMessage, *, first: bool) -> _Hop | None:
    if msg.resent_from or msg.resent_to:
        # Each redirect prepends a Resent-* block, so the headers list the hops outermost first.
        by = tuple(a.email for a in msg.resent_from) or _own(msg.sender)
        inner = replace(msg, resent_from=(), resent_to=(), resent_date=None, resent_message_ids=())
        return _Hop(ForwardKind.REDIRECT, inner, by, "redirect" if msg.message_id else None)
    # Deeper down, a quoted block is a forward only when the subject says so: a constituent's
    # reply thread quotes "Original Message" blocks that are not forwards.
    may_quote = first or bool(_FORWARD_SUBJECT.match(msg.subject or ""))
    quoted = split_inline_forward(msg) if may_quote else None
    if msg.forwarded and (quoted is None or not _FORWARD_SUBJECT.match(quoted.subject or "")):
        return _Hop(ForwardKind.ATTACHMENT, msg.forwarded[0], _own(msg.sender), "attached")
    # Otherwise the quoted block is itself a forward that carried the attached message, which
    # the client re-attached: peel the inline hop first, so the whole chain and every
    # forwarder are kept.
    if quoted is None:
        return None
    found, how = referenced_original(msg, quoted)
    if found is not None:
        # The ids before it in References are the quoted message's own ancestors: a forward
        # of a forward names both, so the next hop down can be matched the same way.
        older = msg.references[: msg.references.index(found)] if found in msg.references else ()
        quoted = replace(quoted, message_id=found, references=older, in_reply_to=older[-1:])
    return _Hop(ForwardKind.INLINE, quoted, _own(msg.sender), how)


def referenced_original(
    forward: ParsedMessage, quoted: ParsedMessage
) -> tuple[str | None, str | None]:
    """The Message-ID of the message quoted inline by `forward`, and how it was found.

    An inline forward keeps no Message-ID of the original, but most clients name the
    forwarded message in the forward's headers: Thunderbird in X-Forwarded-Message-Id, and
    Gmail, Outlook, Apple Mail and Thunderbird as the last id of References (and In-Reply-To),
    exactly as a reply names the message it answers. A reply quotes "Original Message"
    blocks too, so an id alone is not enough: it is taken only when
    - the forward's subject is a forward's ("Fwd:", "FW:", "转发:", ...) of the quoted
      message's subject, and the quoted block names a sender;
    - In-Reply-To, when present, names the same id as the end of References (a forward
      written as a reply to something else is not trusted);
    - the id is not the forward's own.
    Nothing is ever made up: without such a header the original's id stays unknown.
    """
    if not quoted.from_ or not _forwards_subject(forward.subject, quoted.subject):
        return None, None
    own = {forward.message_id, *forward.resent_message_ids}
    explicit = forward.forwarded_message_id
    if explicit and explicit not in own:
        return explicit, "x-forwarded-message-id"
    if forward.references:
        found, how = forward.references[-1], "references"
    elif forward.in_reply_to:
        found, how = forward.in_reply_to[-1], "in-reply-to"
    else:
        return None, None
    if forward.in_reply_to and found not in forward.in_reply_to:
        return None, None
    if found in own:
        return None, None
    return found, how


def _forwards_subject(forward: str | None, quoted: str | None) -> bool:
    """True when `forward` is `quoted` with one forward prefix in front (prefixes of the
    quoted subject itself, "Re:" or "Fwd:", stay on both sides)."""
    text = forward or ""
    m = _FORWARD_SUBJECT.match(text)
    if m is None or not quoted:
        return False
    return _subject_key(text[m.end() :]) == _subject_key(quoted)


def _subject_key(subject: str) -> str:
    # a quoted header block may be copied with its encoded words undecoded
    return " ".join((decode_subject(subject) or subject).casefold().split())


def _quoted_subject(raw: str) -> str | None:
    """A quoted Subject: line as the reader saw it, encoded words decoded."""
    return (decode_subject(raw) or raw) if raw else None


def _own(sender: str | None) -> tuple[str, ...]:
    return (sender,) if sender else ()


def split_inline_forward(msg: ParsedMessage) -> ParsedMessage | None:
    """The message quoted under the first forward marker of the body, if there is one."""
    text = body_text(msg.text, msg.html)
    block = _find_block(text)
    if block is None:
        return None
    fields, body = _read_header_block(block)
    if "from" not in fields and "subject" not in fields:
        return None
    return ParsedMessage(
        message_id=None,  # an inline forward keeps no Message-ID
        subject=_quoted_subject(fields.get("subject", "")),
        from_=_parse_addresses(fields.get("from", "")),
        to=_parse_addresses(fields.get("to", "")),
        cc=_parse_addresses(fields.get("cc", "")),
        reply_to=_parse_addresses(fields.get("reply_to", "")),
        date=parse_loose_date(fields.get("date", "")),
        text=body.strip("\n"),
        attachments=msg.attachments,  # clients re-attach the original's files to the forward
        forwarded=msg.forwarded,  # and the messages it carried
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


_BARE_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _parse_addresses(value: str) -> tuple[Address, ...]:
    if not value:
        return ()
    value = _MAILTO.sub(r"<\1>", value).replace("；", ";").replace(";", ",").strip().strip(",")
    pairs = getaddresses([value])
    if not any("@" in addr for _, addr in pairs):
        # Python 3.13 parses strictly and gives up on a whole line for one flaw (QQ writes
        # '"Name"<a@b>;'): read each comma-separated piece on its own instead.
        pairs = [
            (piece.split("<", 1)[0] if "<" in piece else "", found.group(0) if found else "")
            for piece in value.split(",")
            for found in [_BARE_ADDRESS.search(piece)]
        ]
    out = []
    for name, addr in pairs:
        addr = addr.strip().lower()
        if "@" not in addr:
            # "Name" alone, or a bare address getaddresses could not split
            found = _BARE_ADDRESS.search(name)
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
    mapped = [(email, office_map[email]) for email in addressed if email in office_map]
    # An original addressed to several members: each office reports its own member's copy.
    forwarded_for = {office_map[f] for f in forwarders if f in office_map}
    mapped.sort(key=lambda pair: pair[1] not in forwarded_for)  # stable: To order otherwise
    if mapped:
        email, person = mapped[0]
        return person, "original-to" if person == email else "original-to-office"
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
