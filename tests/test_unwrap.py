"""Forward unwrapping: each forward kind, each client style, nesting, English and Chinese."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import mailbuild as mb
from triage.parse import parse_message
from triage.records import ForwardKind
from triage.unwrap import unwrap

OFFICES = {
    "office.ada.kwok@legco.example": "ada.kwok@legco.example",
    "ada.kwok@legco.example": "ada.kwok@legco.example",
    "staff.ben.lau@legco.example": "ben.lau@legco.example",
    "ben.lau@legco.example": "ben.lau@legco.example",
}


def run(raw: bytes):
    return unwrap(
        parse_message(raw), mailbox_addresses=(mb.TRIAGE,), office_map=OFFICES, max_depth=8
    )


# Header blocks as the common clients write them; {to} is replaced by a To line or nothing.
GMAIL_EN = """---------- Forwarded message ---------
From: Night Owl <owl@badmail.test>
Date: Mon, 3 Feb 2025 at 10:15
Subject: Your pictures
{to}

I have your pictures. Pay 0.5 BTC within 48 hours.
"""
OUTLOOK_EN = """-----Original Message-----
From: Night Owl [mailto:owl@badmail.test]
Sent: Monday, February 3, 2025 10:15 AM
{to}
Subject: Your pictures

I have your pictures. Pay 0.5 BTC within 48 hours.
"""
OUTLOOK_RULE = """________________________________
From: Night Owl <owl@badmail.test>
Sent: Monday, February 3, 2025 10:15 AM
{to}
Subject: Your pictures

I have your pictures. Pay 0.5 BTC within 48 hours.
"""
APPLE = """Begin forwarded message:

From: Night Owl <owl@badmail.test>
Subject: Your pictures
Date: 3 February 2025 at 10:15:00 GMT+8
{to}

I have your pictures. Pay 0.5 BTC within 48 hours.
"""
THUNDERBIRD = """-------- Forwarded Message --------
Subject: \tYour pictures
Date: \tMon, 3 Feb 2025 10:15:00 +0800
From: \tNight Owl <owl@badmail.test>
{to}

I have your pictures. Pay 0.5 BTC within 48 hours.
"""
OUTLOOK_ZH_HANT = """-----原始郵件-----
寄件者: Night Owl <owl@badmail.test>
寄件日期: 2025年2月3日 上午 10:15
{to}
主旨: Your pictures

我有你的照片。48小時內支付0.5 BTC。
"""
ZH_HANS = """---------- 转发的邮件 ----------
发件人：Night Owl <owl@badmail.test>
发送时间：2025年2月3日 星期一 上午10:15
{to}
主题：Your pictures

我有你的照片。48小时内支付0.5 BTC。
"""
QQ_ZH = """------------------ 原始邮件 ------------------
发件人: "Night Owl"<owl@badmail.test>;
发送时间: 2025年2月3日(星期一) 上午10:15
{to}
主题: Your pictures

我有你的照片。
"""
TO_LINES = {
    "en": "To: Hon. Ada Kwok <ada.kwok@legco.example>",
    "zh-hant": "收件者: Hon. Ada Kwok <ada.kwok@legco.example>",
    "zh-hans": "收件人：Hon. Ada Kwok <ada.kwok@legco.example>",
    "qq": '收件人: "Ada Kwok"<ada.kwok@legco.example>;',
}
STYLES = [
    pytest.param(GMAIL_EN, "en", id="gmail-en"),
    pytest.param(OUTLOOK_EN, "en", id="outlook-en"),
    pytest.param(OUTLOOK_RULE, "en", id="outlook-rule-en"),
    pytest.param(APPLE, "en", id="apple-mail"),
    pytest.param(THUNDERBIRD, "en", id="thunderbird"),
    pytest.param(OUTLOOK_ZH_HANT, "zh-hant", id="outlook-zh-hant"),
    pytest.param(ZH_HANS, "zh-hans", id="zh-hans"),
    pytest.param(QQ_ZH, "qq", id="qq-mail-zh"),
]


@pytest.mark.parametrize(("block", "lang"), STYLES)
def test_inline_forward_finds_original_sender_subject_and_recipient(block: str, lang: str):
    u = run(mb.raw(mb.forward_inline(block.format(to=TO_LINES[lang]))))
    assert u.chain == (ForwardKind.INLINE,)
    assert u.original.sender == "owl@badmail.test"
    assert u.original.subject == "Your pictures"
    assert u.recipient == "ada.kwok@legco.example"
    assert u.recipient_source == "original-to"
    assert u.forwarded_by == "office.ada.kwok@legco.example"
    assert "0.5 BTC" in u.original.text or "照片" in u.original.text
    assert "FYI" not in u.original.text  # the forwarder's note is not the original's body
    assert [a.filename for a in u.original.attachments] == ["photo.jpg"]


@pytest.mark.parametrize(("block", "lang"), STYLES)
def test_inline_forward_date_is_read_in_each_style(block: str, lang: str):
    u = run(mb.raw(mb.forward_inline(block.format(to=TO_LINES[lang]))))
    assert u.original.date is not None
    assert u.original.date.date() in (datetime(2025, 2, 3, tzinfo=UTC).date(),)


@pytest.mark.parametrize(("block", "lang"), STYLES)
def test_inline_forward_without_to_line_maps_the_forwarding_office(block: str, lang: str):
    u = run(mb.raw(mb.forward_inline(block.format(to=""))))
    assert u.original.to == ()
    assert u.recipient == "ada.kwok@legco.example"
    assert u.recipient_source == "forwarding-office"


@pytest.mark.parametrize(("block", "lang"), STYLES[:3])
def test_inline_forward_in_html_only_body(block: str, lang: str):
    u = run(mb.raw(mb.forward_inline(block.format(to=TO_LINES[lang]), html=True)))
    assert u.kind is ForwardKind.INLINE
    assert u.original.sender == "owl@badmail.test"
    assert u.recipient == "ada.kwok@legco.example"


def test_inline_forward_quoted_with_angle_brackets():
    block = "\n".join("> " + line for line in GMAIL_EN.format(to=TO_LINES["en"]).splitlines())
    u = run(mb.raw(mb.forward_inline(block)))
    assert u.original.sender == "owl@badmail.test"
    assert u.original.text.startswith("I have your pictures")


@pytest.mark.parametrize("octet", [False, True], ids=["message-rfc822", "octet-stream-eml"])
def test_forward_as_attachment_keeps_original_ids_and_images(octet: bool):
    u = run(mb.raw(mb.forward_as_attachment(mb.original(), as_octet_stream=octet)))
    assert u.chain == (ForwardKind.ATTACHMENT,)
    assert u.outer.message_id == "<fwd-1@legco.example>"
    assert u.original.message_id == "<orig-1@badmail.test>"
    assert u.original.sender == "owl@badmail.test"
    assert u.original.date == datetime(2025, 2, 3, 2, 15, tzinfo=UTC)
    assert [a.filename for a in u.original.attachments] == ["photo.jpg"]
    assert u.outer.attachments == ()  # the image belongs to the original, once
    assert u.recipient == "ada.kwok@legco.example"


def test_redirect_keeps_original_recipient_and_names_the_office():
    u = run(mb.redirect(mb.original()))
    assert u.chain == (ForwardKind.REDIRECT,)
    assert u.forwarded_by == "office.ada.kwok@legco.example"
    assert u.original.message_id == "<orig-1@badmail.test>"
    assert u.recipient == "ada.kwok@legco.example"


def test_original_sent_to_office_address_maps_to_legislator():
    inner = mb.original(to="Office <office.ada.kwok@legco.example>")
    u = run(mb.raw(mb.forward_as_attachment(inner)))
    assert u.recipient == "ada.kwok@legco.example"
    assert u.recipient_source == "original-to-office"


def test_bcc_original_attached_maps_forwarder():
    u = run(
        mb.raw(mb.forward_as_attachment(mb.original(to=None), by="staff.ben.lau@legco.example"))
    )
    assert u.recipient == "ben.lau@legco.example"
    assert u.recipient_source == "forwarding-office"


def test_unknown_forwarder_of_bcc_original_is_the_best_guess():
    u = run(mb.raw(mb.forward_as_attachment(mb.original(to=None), by="someone@else.example")))
    assert (u.recipient, u.recipient_source) == ("someone@else.example", "forwarder")


def test_direct_message_has_no_chain_and_its_own_recipient():
    u = run(mb.raw(mb.original()))
    assert u.chain == ()
    assert u.kind is ForwardKind.DIRECT
    assert u.original is u.outer
    assert u.recipient == "ada.kwok@legco.example"


def test_direct_message_to_triage_mailbox_only_has_no_recipient():
    u = run(mb.raw(mb.original(to=mb.TRIAGE)))
    assert (u.recipient, u.recipient_source) == (None, None)


def test_nested_attachment_in_attachment():
    staff = mb.forward_as_attachment(mb.original(), by="staff.ben.lau@legco.example")
    staff.replace_header("To", "ben.lau@legco.example")
    chief = mb.forward_as_attachment(staff, by="ben.lau@legco.example", message_id="<f2@x>")
    u = run(mb.raw(chief))
    assert u.chain == (ForwardKind.ATTACHMENT, ForwardKind.ATTACHMENT)
    assert u.original.message_id == "<orig-1@badmail.test>"
    assert u.forwarded_by == "ben.lau@legco.example"  # the outermost hop


def test_nested_inline_inside_attachment():
    inline = mb.forward_inline(GMAIL_EN.format(to=TO_LINES["en"]), by="staff.ben.lau@legco.example")
    outer = mb.forward_as_attachment(inline, by="ben.lau@legco.example")
    u = run(mb.raw(outer))
    assert u.chain == (ForwardKind.ATTACHMENT, ForwardKind.INLINE)
    assert u.original.sender == "owl@badmail.test"
    assert u.recipient == "ada.kwok@legco.example"


def test_nested_inline_twice_chinese_then_english():
    inner_block = ZH_HANS.format(to=TO_LINES["zh-hans"])
    first = f"Fwd from staff\n\n{inner_block}"
    block = (
        "---------- Forwarded message ---------\n"
        "From: Staff <staff.ben.lau@legco.example>\n"
        "Date: Tue, 4 Feb 2025 at 08:00\n"
        "Subject: 转发：Your pictures\n"
        "To: Ben Lau <ben.lau@legco.example>\n\n" + first
    )
    u = run(mb.raw(mb.forward_inline(block, by="ben.lau@legco.example")))
    assert u.chain == (ForwardKind.INLINE, ForwardKind.INLINE)
    assert u.original.sender == "owl@badmail.test"
    assert u.recipient == "ada.kwok@legco.example"


def test_redirect_of_an_attached_forward():
    attached = mb.forward_as_attachment(mb.original(), by="staff.ben.lau@legco.example")
    u = run(mb.redirect(attached, by="ben.lau@legco.example"))
    assert u.chain == (ForwardKind.REDIRECT, ForwardKind.ATTACHMENT)
    assert u.original.message_id == "<orig-1@badmail.test>"


def test_reply_thread_inside_original_is_not_peeled():
    thread = mb.original(
        subject="Re: parking outside my home",
        body="Thanks for replying.\n\n-----Original Message-----\nFrom: Office <o@x.example>\n"
        "Subject: parking\n\nWe will look into it.",
        image=False,
    )
    u = run(mb.raw(mb.forward_as_attachment(thread)))
    assert u.chain == (ForwardKind.ATTACHMENT,)
    assert u.original.subject == "Re: parking outside my home"


def test_forward_depth_is_bounded():
    msg = mb.original()
    for i in range(12):
        msg = mb.forward_as_attachment(msg, message_id=f"<hop{i}@x>")
    u = unwrap(parse_message(mb.raw(msg)), max_depth=5)
    assert len(u.chain) == 5


def test_body_without_forward_marker_is_not_a_forward():
    msg = mb.original(body="From: me\nSubject: my complaint\n\nThe road is broken.", image=False)
    assert run(mb.raw(msg)).chain == ()


def test_redirected_twice_maps_the_first_office():
    twice = mb.redirect(mb.original(to=None), by="staff.ben.lau@legco.example")
    head = (
        b"Resent-From: chief@legco.example\r\nResent-To: triage@cyber.legco.example\r\n"
        b"Resent-Date: Wed, 05 Feb 2025 09:00:00 +0800\r\n"
    )
    u = run(head + twice)
    assert u.forwarded_by == "chief@legco.example"
    assert (u.recipient, u.recipient_source) == ("ben.lau@legco.example", "forwarding-office")


# --- The original's Message-ID for every forward kind ------------------------------------

ORIG = "<orig-1@badmail.test>"
BLOCK = GMAIL_EN.format(to=TO_LINES["en"])


def _redirected_twice() -> bytes:
    once = mb.redirect(mb.original(), by="staff.ben.lau@legco.example", resent_id="<r1@x>")
    return mb.redirect(once, by="ben.lau@legco.example", resent_id="<r2@x>")


def _inline(subject: str = "Fwd: Your pictures", block: str = BLOCK, **headers: str) -> bytes:
    names = {"references": "References", "in_reply_to": "In-Reply-To",
             "x_forwarded": "X-Forwarded-Message-Id"}  # fmt: skip
    return mb.raw(
        mb.forward_inline(block, subject=subject, headers={names[k]: v for k, v in headers.items()})
    )


def _inline_of_inline() -> bytes:
    """Staff forwarded inline to the member, the member forwarded that inline to triage; the
    member's client named both messages in References, oldest first."""
    staff = (
        "---------- Forwarded message ---------\n"
        "From: Staff <staff.ben.lau@legco.example>\n"
        "Date: Tue, 4 Feb 2025 at 08:00\n"
        "Subject: Fwd: Your pictures\n"
        "To: Ben Lau <ben.lau@legco.example>\n\n"
        f"See below\n\n{BLOCK}"
    )
    return _inline("Fwd: Fwd: Your pictures", staff, references=f"{ORIG} <staff-fwd@x>")


ID_CASES = [
    # (raw, received id, original id, how it was found)
    pytest.param(
        mb.raw(mb.forward_as_attachment(mb.original())),
        "<fwd-1@legco.example>", ORIG, "attached", id="attachment",
    ),
    pytest.param(
        mb.redirect(mb.original()), "<resent-1@legco.example>", ORIG, "redirect",
        id="redirect-once",
    ),
    pytest.param(_redirected_twice(), "<r2@x>", ORIG, "redirect", id="redirect-twice"),
    pytest.param(
        _inline(references=ORIG, in_reply_to=ORIG), "<fwd-inline@legco.example>", ORIG,
        "references", id="inline-references-and-in-reply-to",
    ),
    pytest.param(
        _inline(references=f"<older@x> {ORIG}"), "<fwd-inline@legco.example>", ORIG,
        "references", id="inline-references-last-id",
    ),
    pytest.param(
        _inline(in_reply_to=ORIG), "<fwd-inline@legco.example>", ORIG, "in-reply-to",
        id="inline-in-reply-to-only",
    ),
    pytest.param(
        _inline(x_forwarded=ORIG), "<fwd-inline@legco.example>", ORIG,
        "x-forwarded-message-id", id="inline-thunderbird-x-forwarded",
    ),
    pytest.param(
        _inline_of_inline(), "<fwd-inline@legco.example>", ORIG, "references",
        id="inline-of-inline-references-chain",
    ),
    pytest.param(
        _inline(block=BLOCK.replace("Subject: Your pictures", "Subject: =?utf-8?q?Your_pictures?="),
                references=ORIG),
        "<fwd-inline@legco.example>", ORIG, "references", id="quoted-subject-left-encoded",
    ),
    # Negative cases: the id stays unknown rather than guessed.
    pytest.param(_inline(), "<fwd-inline@legco.example>", None, None, id="inline-no-references"),
    pytest.param(
        _inline(subject="Re: Your pictures", references=ORIG), "<fwd-inline@legco.example>",
        None, None, id="reply-thread-is-not-a-forward",
    ),
    pytest.param(
        _inline(subject="Fwd: parking complaint", references=ORIG),
        "<fwd-inline@legco.example>", None, None, id="forward-of-another-subject",
    ),
    pytest.param(
        _inline(references=ORIG, in_reply_to="<ack-7@cyber.legco.example>"),
        "<fwd-inline@legco.example>", None, None, id="in-reply-to-contradicts-references",
    ),
    pytest.param(
        _inline(references="<fwd-inline@legco.example>"), "<fwd-inline@legco.example>", None,
        None, id="references-names-the-forward-itself",
    ),
    pytest.param(
        mb.raw(mb.original()), ORIG, None, None, id="direct-message-has-no-original-id",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "received", "original", "how"), ID_CASES)
def test_original_message_id_for_each_forward_kind(
    raw: bytes, received: str, original: str | None, how: str | None
):
    u = run(raw)
    assert u.received_id == received
    assert (u.original_id, u.original_id_source) == (original, how)
    if u.chain:
        assert u.original.sender == "owl@badmail.test"


def test_redirected_twice_names_the_first_office_and_both_hops():
    u = run(_redirected_twice())
    assert u.chain == (ForwardKind.REDIRECT,)
    assert u.forwarded_by == "ben.lau@legco.example"
    assert u.original.resent_message_ids == ()


def test_inline_forward_of_a_message_that_carried_an_attached_original_keeps_the_chain():
    """Staff forwarded the original as an attachment to the member; the member forwarded that
    inline, and the client re-attached the .eml. Both hops and both forwarders are kept."""
    block = (
        "---------- Forwarded message ---------\n"
        "From: staff.ben.lau@legco.example\n"
        "Date: Tue, 4 Feb 2025 at 09:00\n"
        "Subject: Fwd: Your pictures\n"
        "To: Ben Lau <ben.lau@legco.example>\n\n"
        "Please see the attached message we received.\n"
    )
    outer = mb.forward_inline(
        block,
        by="ben.lau@legco.example",
        subject="Fwd: Fwd: Your pictures",
        attach_image=False,
        headers={"References": "<staff@x>"},
    )
    outer.add_attachment(mb.original(to=None))  # the re-attached original
    u = run(mb.raw(outer))
    assert u.chain == (ForwardKind.INLINE, ForwardKind.ATTACHMENT)
    assert (u.original_id, u.original_id_source) == (ORIG, "attached")
    assert u.forwarded_by == "ben.lau@legco.example"
    # Bcc'd: the innermost forwarder, the member's staff, names the victim
    assert (u.recipient, u.recipient_source) == ("ben.lau@legco.example", "forwarding-office")
    assert [a.filename for a in u.original.attachments] == ["photo.jpg"]


def test_reply_with_an_attached_original_still_reaches_the_original():
    """A quoted block whose subject is no forward's does not outrank the attached original."""
    thread = (
        "-----Original Message-----\nFrom: Triage <triage@cyber.legco.example>\n"
        "Subject: Re: thanks\n\nReceived, thank you."
    )
    outer = mb.forward_inline(thread, subject="Re: thanks", attach_image=False)
    outer.add_attachment(mb.original())
    u = run(mb.raw(outer))
    assert u.chain == (ForwardKind.ATTACHMENT,)
    assert u.original_id == ORIG


@pytest.mark.parametrize(
    ("office", "victim"),
    [("office.ada.kwok@legco.example", "ada.kwok@legco.example"),
     ("staff.ben.lau@legco.example", "ben.lau@legco.example")],
    ids=["first-addressee-office", "second-addressee-office"],
)  # fmt: skip
def test_original_to_two_members_names_the_one_whose_office_forwarded_it(office, victim):
    both = mb.original(to="Ada Kwok <ada.kwok@legco.example>, Ben Lau <ben.lau@legco.example>")
    u = run(mb.raw(mb.forward_as_attachment(both, by=office)))
    assert (u.recipient, u.recipient_source) == (victim, "original-to")


def test_a_quoted_subject_left_encoded_is_stored_decoded_and_is_the_same_original():
    from triage.originals import original_digest

    encoded = BLOCK.replace("Subject: Your pictures", "Subject: =?utf-8?q?Your_pictures?=")
    left_encoded, plain = run(_inline(block=encoded)), run(_inline())
    assert left_encoded.original.subject == "Your pictures"
    assert original_digest(left_encoded) == original_digest(plain)
