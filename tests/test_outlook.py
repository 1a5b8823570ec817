"""Outlook's formats: .msg items (as files and attached in forwards) and TNEF winmail.dat,
real ones where we may ship them, and hostile ones (truncated OLE2, TNEF that lies)."""

from __future__ import annotations

import struct
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests import mailbuild as mb
from tests.conftest import CORPUS, run_json
from triage.errors import ParseError
from triage.extract import extract_images
from triage.outlook import OutlookError, OutlookLimits, read_tnef
from triage.parse import parse_message
from triage.records import ForwardKind
from triage.unwrap import unwrap

# A real Outlook item (Apache-2.0, shipped in tests/data): a newsletter with five pictures.
OUTLOOK_1 = (CORPUS / "mail_outlook_1").read_bytes()
OUTLOOK_1_ID = "<20170918100018.6AE0948009C@www.w-vwa.de>"
# msg-extractor's examples are GPL-3.0, so they are read from the shared folder, not shipped.
SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "outlook"


def _shared(name: str) -> bytes:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} not present (GPL-3.0 examples are not shipped with triage)")
    return path.read_bytes()


# --- TNEF written by hand: signature, key, then records (level, id, type, length, data,
# checksum = sum of the data bytes mod 65536), as MS-OXTNEF describes them.


def _record(level: int, attr_id: int, attr_type: int, data: bytes, length: int | None = None):
    size = len(data) if length is None else length
    head = struct.pack("<BHHI", level, attr_id, attr_type, size)
    return head + data + struct.pack("<H", sum(data) & 0xFFFF)


def tnef(*, body: str = "", files: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _record(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))  # attTnefVersion
    out += _record(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # attOemCodepage
    if body:
        out += _record(1, 0x800C, 0x0002, body.encode("cp1252"))  # attBody
    for name, data in files:
        out += _record(2, 0x9002, 0x0006, bytes(14))  # attAttachRendData opens an attachment
        out += _record(2, 0x8010, 0x0001, name.encode() + b"\x00")  # attAttachTitle
        out += _record(2, 0x800F, 0x0006, data)  # attAttachData
    return out


WINMAIL = tnef(body="Pay 0.5 BTC to bc1qexample within 48 hours.", files=(("you.jpg", mb.JPEG),))


def with_attachment(data: bytes, filename: str, ctype: str, *, forward: bool = True) -> bytes:
    msg = EmailMessage()
    msg["From"] = "office.ada.kwok@legco.example" if forward else "Night Owl <owl@badmail.test>"
    msg["To"] = mb.TRIAGE if forward else "Hon. Ada Kwok <ada.kwok@legco.example>"
    msg["Subject"] = "FW: item" if forward else "Your pictures"
    msg["Date"] = "Tue, 04 Feb 2025 09:00:00 +0800"
    msg["Message-ID"] = "<fwd-msg@legco.example>"
    msg.set_content("See the attached item.")
    maintype, subtype = ctype.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mb.raw(msg)


# --- .msg items -----------------------------------------------------------------------


MSG_FILES = [
    pytest.param(lambda: OUTLOOK_1, OUTLOOK_1_ID, "nueblingv@w-vwa.de", 5, id="newsletter"),
    pytest.param(
        lambda: _shared("unicode.msg"),
        "<CADtJ4eNjQSkGcBtVteCiTF+YFG89+AcHxK3QZ=-Mt48xygkvdQ@mail.gmail.com>",
        "brizhou@gmail.com", 2, id="unicode-with-tiff-attachments",
    ),
    pytest.param(lambda: _shared("strangeDate.msg"), None, None, 0, id="unsent-no-headers"),
]  # fmt: skip


@pytest.mark.parametrize(("load", "message_id", "sender", "files"), MSG_FILES)
def test_msg_file_is_parsed(load, message_id, sender, files):
    p = parse_message(load())
    assert p.message_id == message_id
    assert p.sender == sender
    assert p.subject
    assert p.text.strip() or p.html.strip()
    assert len(p.attachments) == files
    assert p.to  # from the Internet headers, or the recipient table when there are none


def test_msg_attached_to_a_forward_is_the_original():
    raw = with_attachment(OUTLOOK_1, "Newsletter.msg", "application/vnd.ms-outlook")
    u = unwrap(parse_message(raw), mailbox_addresses=(mb.TRIAGE,))
    assert u.chain == (ForwardKind.ATTACHMENT,)
    assert (u.original_id, u.original_id_source) == (OUTLOOK_1_ID, "attached")
    assert u.original.subject.startswith("Newsletter Pr")
    assert u.outer.attachments == ()
    pictures = extract_images(u.outer).images
    assert sorted(i.format for i in pictures) == ["GIF", "JPEG", "JPEG", "JPEG", "PNG"]


def test_msg_file_in_a_folder_is_ingested(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "report.msg").write_bytes(OUTLOOK_1)
    assert run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)["new"] == 1
    [cluster] = run_json("--db", "t.db", "clusters", "--all", cwd=tmp_path)
    assert cluster["messages"][0]["message_id"] == OUTLOOK_1_ID


HOSTILE_MSG = [
    # (bytes, refused): olefile reads what a damaged file still holds; half of this item
    # still has its directory and header streams, so it parses (its pictures cut short).
    pytest.param(OUTLOOK_1[:4096], True, id="truncated-at-4k"),
    pytest.param(OUTLOOK_1[: len(OUTLOOK_1) // 2], False, id="truncated-at-half"),
    pytest.param(OUTLOOK_1[:512], True, id="header-only"),
    pytest.param(OUTLOOK_1[:512] + bytes(8192), True, id="header-then-zeros"),
    pytest.param(OUTLOOK_1[:48] + b"\xff" * 4 + OUTLOOK_1[52:], True, id="directory-sector-lies"),
]


@pytest.mark.parametrize(("data", "refused"), HOSTILE_MSG)
def test_broken_msg_file_is_a_parse_error_with_a_reason(data: bytes, refused: bool):
    if not refused:
        assert parse_message(data).message_id == OUTLOOK_1_ID
        return
    with pytest.raises(ParseError, match=r"^Outlook \.msg item: unreadable Outlook item: \w+"):
        parse_message(data)


@pytest.mark.parametrize(("data", "refused"), HOSTILE_MSG)
def test_broken_msg_attachment_is_refused_and_the_message_kept(data: bytes, refused: bool):
    p = parse_message(with_attachment(data, "item.msg", "application/vnd.ms-outlook"))
    assert p.subject == "FW: item"
    assert len(p.forwarded) == (0 if refused else 1)
    if refused:
        [att] = p.attachments
        assert att.note and att.note.startswith("unreadable Outlook item")
        refusals = extract_images(p).refusals
        assert [(r.name, r.reason) for r in refusals] == [("item.msg", att.note)]


def test_word_document_is_not_taken_for_an_outlook_item():
    # An OLE2 file without Outlook's property streams (here: an item with them renamed).
    doc = OUTLOOK_1.replace("__properties_version1.0".encode("utf-16-le"),
                            "__Xroperties_version1.0".encode("utf-16-le"))  # fmt: skip
    p = parse_message(with_attachment(doc, "report.doc", "application/msword"))
    assert p.forwarded == ()
    assert [(a.filename, a.note) for a in p.attachments] == [("report.doc", None)]


# --- winmail.dat ----------------------------------------------------------------------


def test_winmail_dat_opens_and_its_picture_and_text_reach_the_pipeline():
    raw = with_attachment(WINMAIL, "winmail.dat", "application/ms-tnef", forward=False)
    p = parse_message(raw)
    assert "0.5 BTC" in p.text
    assert [(a.filename, a.content_type) for a in p.attachments] == [
        ("winmail.dat", "application/ms-tnef"), ("you.jpg", "image/jpeg")]  # fmt: skip
    [picture] = extract_images(p).images
    assert picture.data == mb.JPEG


def test_winmail_dat_inside_a_forwarded_message():
    u = unwrap(parse_message(mb.raw(mb.forward_as_attachment(_as_message(WINMAIL)))))
    assert u.chain == (ForwardKind.ATTACHMENT,)
    assert "0.5 BTC" in u.original.text
    assert [i.data for i in extract_images(u.outer).images] == [mb.JPEG]


def _as_message(winmail: bytes) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Night Owl <owl@badmail.test>"
    msg["Subject"] = "Your pictures"
    msg["Message-ID"] = "<orig-1@badmail.test>"
    msg.set_content("see attached")
    msg.add_attachment(winmail, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return msg


def _lying_length() -> bytes:
    good = tnef(files=(("you.jpg", mb.JPEG),))
    at = good.rindex(struct.pack("<BHH", 2, 0x800F, 0x0006))
    return good[: at + 5] + struct.pack("<I", 50_000_000) + good[at + 9 :]


def _attachment_before_it_opens() -> bytes:
    out = struct.pack("<IH", 0x223E9F78, 1)
    return out + _record(2, 0x8010, 0x0001, b"x.jpg\x00")  # no attAttachRendData first


HOSTILE_TNEF = [
    pytest.param(_lying_length(), "lies", id="record-length-lies"),
    pytest.param(WINMAIL[: len(WINMAIL) // 2], "lies", id="truncated"),
    pytest.param(_attachment_before_it_opens(), "unreadable TNEF", id="attribute-out-of-order"),
    pytest.param(b"\x78\x9f\x3e\x22" + b"\x01\x00" + b"\x01" * 9, "lies", id="tiny-garbage"),
]


@pytest.mark.parametrize(("data", "reason"), HOSTILE_TNEF)
def test_hostile_winmail_dat_is_refused_with_a_reason_and_the_message_kept(data, reason):
    p = parse_message(with_attachment(data, "winmail.dat", "application/ms-tnef"))
    [att] = p.attachments
    assert att.note is not None and reason in att.note
    assert [r.reason for r in extract_images(p).refusals] == [att.note]


def test_a_flood_of_tiny_tnef_records_is_refused_before_decoding():
    flood = struct.pack("<IH", 0x223E9F78, 1) + _record(2, 0x9002, 0x0006, bytes(14)) * 50
    with pytest.raises(OutlookError, match="more than 20 records"):
        read_tnef(flood, OutlookLimits(max_tnef_objects=20))
    assert read_tnef(flood, OutlookLimits(max_tnef_objects=100)).files == ()
