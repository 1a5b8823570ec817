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
