"""Parsing real and hostile mail: structure kept, defects recorded, clear errors for non-mail."""

from __future__ import annotations

import base64

import pytest

from tests import mailbuild as mb
from triage.errors import ParseError
from triage.parse import parse_message

HEAD = b"From: a@x.example\r\nTo: b@y.example\r\nSubject: t\r\nMessage-ID: <m@x>\r\n"


def multipart(body: bytes, boundary: bytes | None = b"XX") -> bytes:
    ctype = b"multipart/mixed" + (b'; boundary="' + boundary + b'"' if boundary else b"")
    return HEAD + b"MIME-Version: 1.0\r\nContent-Type: " + ctype + b"\r\n\r\n" + body


def nested(levels: int) -> bytes:
    parts = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
        for i in range(levels)
    )
    return HEAD + b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n' + parts


def text_part(charset: str, payload: bytes) -> bytes:
    return (
        HEAD + b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + payload
    )


def test_missing_boundary_keeps_the_body_as_text():
    p = parse_message(multipart(b"Pay 1 BTC now.\r\n", boundary=None))
    assert "Pay 1 BTC now." in p.text
    assert "NoBoundaryInMultipartDefect" in p.defects


def test_unclosed_boundary_keeps_parts_and_records_the_defect():
    body = b"--XX\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n--XX\r\nContent-Type: text/plain\r\n\r\nsecond"
    p = parse_message(multipart(body))
    assert "first part" in p.text and "second" in p.text
    assert "CloseBoundaryNotFoundDefect" in p.defects


def test_truncated_base64_attachment_gives_partial_bytes_not_a_crash():
    data = base64.b64encode(mb.JPEG).decode()
    body = (
        "--XX\r\nContent-Type: text/plain\r\n\r\nsee picture\r\n"
        "--XX\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="p.jpg"\r\n\r\n' + data[:301]
    ).encode()
    p = parse_message(multipart(body))
    assert len(p.attachments) == 1
    assert 0 < len(p.attachments[0].data) < len(mb.JPEG)
    assert p.attachments[0].data == mb.JPEG[: len(p.attachments[0].data)]


@pytest.mark.parametrize(
    ("charset", "payload", "expected"),
    [
        pytest.param("big5", "請於48小時內付款".encode("big5"), "請於48小時內付款", id="big5"),
        pytest.param("gb2312", "请在48小时内付款".encode("gb2312"), "请在48小时内付款", id="gb2312"),
        pytest.param(
            "iso-8859-1",
            "请在四十八小时内付款，否则我们会把照片发给你的同事和记者。".encode("gb2312"),
            "请在四十八小时内付款",
            id="gb2312-labelled-latin-1",
        ),
        pytest.param(
            "us-ascii", "請於四十八小時內付款，否則照片會寄給你的同事。".encode("big5"),
            "請於四十八小時內付款", id="big5-labelled-ascii",
        ),
        pytest.param("gb2312", "已经付款了吗".encode(), "已经付款了吗", id="utf8-labelled-gb2312"),
        pytest.param("x-bogus-charset", "Zahlen Sie 500 €".encode(), "Zahlen Sie 500 €", id="unknown"),
        pytest.param("iso-8859-1", "Payez 500 € à".encode("cp1252"), "Payez 500 € à", id="latin1"),
    ],
)  # fmt: skip
def test_charsets_are_decoded_to_what_the_sender_wrote(charset, payload, expected):
    assert expected in parse_message(text_part(charset, payload)).text


def test_gb2312_subject_with_gbk_bytes_is_decoded():
    subject = base64.b64encode("你们看看这个镜头".encode("gb18030")).decode()
    raw = HEAD.replace(b"Subject: t", f"Subject: =?gb2312?B?{subject}?=".encode())
    assert parse_message(raw + b"\r\nbody").subject == "你们看看这个镜头"


def test_two_thousand_level_nesting_is_refused_with_a_reason():
    with pytest.raises(ParseError, match="nesting"):
        parse_message(nested(2000))


def test_moderate_nesting_parses():
    assert parse_message(nested(20)).message_id == "<m@x>"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("/absolute/path.jpg", "path.jpg"),
        ("name\x00with\x07controls.jpg", "namewithcontrols.jpg"),
        ("....", None),
    ],
)
def test_hostile_attachment_names_are_display_only(name: str, shown: str | None):
    msg = mb.original(image=False)
    msg.add_attachment(b"data", maintype="application", subtype="octet-stream", filename=name)
    p = parse_message(mb.raw(msg))
    assert p.attachments[0].filename == shown


def test_rfc2231_traversal_name_is_reduced_to_its_last_part():
    raw = multipart(
        b"--XX\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''R%C3%A9sum%C3%A9%20..%2F..%2Fetc.pdf\r\n"
        b"\r\n%PDF-1.4\r\n--XX--\r\n"
    )
    assert parse_message(raw).attachments[0].filename == "etc.pdf"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "Outlook"),
        (b"%PDF-1.7\n1 0 obj", "PDF"),
        (b"just some words\nwith no headers at all\n", "headers"),
        (b"Hello: world\r\n\r\nbody", "no e-mail headers"),
        (b"From: a@b\r\n" + bytes(64) + b"binary", "binary"),
    ],
    ids=["empty", "blank", "png", "outlook-msg", "pdf", "prose", "no-mail-headers", "binary"],
)
def test_non_mail_is_refused_with_a_reason(raw: bytes, reason: str):
    with pytest.raises(ParseError, match=reason):
        parse_message(raw)


def test_uuencoded_part_does_not_crash(corpus_dir):
    p = parse_message((corpus_dir / "mail_test_6").read_bytes())
    assert p.subject


def test_inline_cid_image_is_an_inline_attachment():
    msg = mb.original(image=False)
    msg.add_related(mb.JPEG, maintype="image", subtype="jpeg", cid="<pic1@x>")
    p = parse_message(mb.raw(msg))
    assert [(a.content_id, a.inline) for a in p.attachments] == [("pic1@x", True)]
