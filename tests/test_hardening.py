"""Hostile parts cost themselves only: one bad picture or attachment never the message."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

import triage.analyse
import triage.extract
from tests import mailbuild as mb
from tests.conftest import run_json
from tests.pictures import text_pdf
from triage.analyse import analyse
from triage.parse import parse_message
from triage.records import sha256_hex
from triage.unwrap import unwrap


def png(size: tuple[int, int], colour: tuple[int, int, int] = (255, 255, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


PIXEL = png((1, 1))


def with_parts(*parts: tuple[bytes, str, str, str]) -> bytes:
    msg = mb.original()  # carries mb.JPEG as photo.jpg
    for data, maintype, subtype, name in parts:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mb.raw(msg)


def analysed(raw: bytes):
    return analyse(unwrap(parse_message(raw)))


def test_tracking_pixel_is_stored_with_the_message(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "m.eml").write_bytes(with_parts((PIXEL, "image", "png", "t.png")))
    report = run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)
    assert (report["new"], report["failed"]) == (1, [])
    with closing(sqlite3.connect(tmp_path / "t.db")) as conn:
        images = {r[0] for r in conn.execute("SELECT image_sha256 FROM message_images")}
    assert images == {sha256_hex(PIXEL), sha256_hex(mb.JPEG)}


def test_a_picture_whose_analysis_fails_is_a_refusal_and_the_rest_is_kept(monkeypatch):
    """Fault injected into the hashing of one picture: an unforeseen bug, not a known refusal."""
    real = triage.analyse.fingerprint_decoded

    def failing(decoded):
        if decoded.width == 1:
            raise IndexError("index 0 is out of bounds")
        return real(decoded)

    monkeypatch.setattr(triage.analyse, "fingerprint_decoded", failing)
    a = analysed(with_parts((PIXEL, "image", "png", "t.png")))
    assert [i.found.sha256 for i in a.images] == [sha256_hex(mb.JPEG)]
    [refusal] = a.refusals
    assert (refusal.name, refusal.sha256) == ("t.png", sha256_hex(PIXEL))
    assert "IndexError: index 0 is out of bounds" in refusal.reason
    assert a.indicators.amounts  # the message's text was still read


def test_a_failing_score_keeps_the_picture_without_a_score(monkeypatch):
    def failing(decoded, data):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(triage.analyse, "score_decoded", failing)
    [image] = analysed(mb.raw(mb.original())).images
    assert image.manipulation is None
    assert "not scored: internal error: ZeroDivisionError" in image.manipulation_note


def test_an_attachment_whose_reading_fails_is_a_refusal_and_the_rest_is_kept(monkeypatch):
    def failing(data, limits=None):
        raise KeyError("/Root")

    monkeypatch.setattr(triage.extract, "read_pdf", failing)
    pdf = text_pdf("pay now")
    a = analysed(with_parts((pdf, "application", "pdf", "demand.pdf")))
    assert [i.found.sha256 for i in a.images] == [sha256_hex(mb.JPEG)]
    [refusal] = a.refusals
    assert (refusal.where, refusal.name, refusal.sha256) == (
        "attachment",
        "demand.pdf",
        sha256_hex(pdf),
    )
    assert "internal error: KeyError" in refusal.reason


@pytest.mark.parametrize("size", [(1, 1), (1, 600), (728, 90)])
def test_blank_pictures_of_any_shape_are_analysed(size: tuple[int, int]):
    blank = png(size, (250, 250, 250))
    a = analysed(with_parts((blank, "image", "png", "blank.png")))
    assert sha256_hex(blank) in {i.found.sha256 for i in a.images}


def encrypted_pdf(user_password: str, algorithm: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf("Pay 0.5 BTC in 48 hours"))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_that_opens_with_an_empty_password_is_read(algorithm: str):
    from triage.pdf import read_pdf

    data = encrypted_pdf("", algorithm)
    assert b"/Encrypt" in data
    content = read_pdf(data)
    assert "Pay 0.5 BTC in 48 hours" in content.text
    assert content.notes == ()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_encrypted_pdf_with_a_password_is_a_refusal_saying_so(algorithm: str):
    pdf = encrypted_pdf("s3cret", algorithm)
    a = analysed(with_parts((pdf, "application", "pdf", "locked.pdf")))
    assert [i.found.sha256 for i in a.images] == [sha256_hex(mb.JPEG)]
    assert [(r.where, r.name, r.reason) for r in a.refusals] == [
        ("pdf", "locked.pdf", "encrypted PDF")
    ]
    assert a.attachment_texts == ()


def test_zip_byte_budget_is_shared_by_all_archives_of_a_message():
    import zipfile

    from triage.extract import ExtractLimits, extract_images

    red, blue = png((300, 300), (200, 0, 0)), png((300, 300), (0, 0, 200))

    def zipped(name: str, data: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            z.writestr(name, data)
        return out.getvalue()

    raw = with_parts(
        (zipped("red.png", red), "application", "zip", "a.zip"),
        (zipped("blue.png", blue), "application", "zip", "b.zip"),
    )
    limits = ExtractLimits(max_zip_bytes=len(red) + len(blue) - 1)  # each fits, not both
    ex = extract_images(unwrap(parse_message(raw)).outer, limits)
    assert sha256_hex(red) in {i.sha256 for i in ex.images}
    assert sha256_hex(blue) not in {i.sha256 for i in ex.images}
    assert [(r.where, r.name, r.reason) for r in ex.refusals] == [
        ("zip", "blue.png", "archive content over the size limit")
    ]
    roomy = extract_images(
        unwrap(parse_message(raw)).outer, ExtractLimits(max_zip_bytes=len(red) + len(blue))
    )
    assert {sha256_hex(red), sha256_hex(blue)} <= {i.sha256 for i in roomy.images}
