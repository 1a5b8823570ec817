"""Images from every place they hide, and the limits that keep hostile content undecoded."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from PIL import Image

from fixtures.containers import make_pdf
from tests import mailbuild as mb
from tests.pictures import campaign_picture, text_pdf
from triage.extract import ExtractLimits, extract_images
from triage.imagedecode import ImageLimits
from triage.parse import parse_message
from triage.records import sha256_hex
from triage.unwrap import unwrap

PICTURE = campaign_picture("scene-a", "face-1")


def extract(msg, limits: ExtractLimits | None = None):
    return extract_images(unwrap(parse_message(mb.raw(msg))).outer, limits)


def with_attachment(data: bytes, maintype: str, subtype: str, name: str):
    msg = mb.original(image=False)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def test_attachment():
    ex = extract(with_attachment(PICTURE, "image", "jpeg", "p.jpg"))
    assert [(i.where, i.name, i.format) for i in ex.images] == [("attachment", "p.jpg", "JPEG")]
    assert ex.images[0].sha256 == sha256_hex(PICTURE)


def test_inline_cid_part():
    msg = mb.original(image=False)
    msg.add_related(PICTURE, maintype="image", subtype="jpeg", cid="<pic@x>")
    assert [i.where for i in extract(msg).images] == ["inline"]


def test_data_uri_in_html():
    msg = mb.original(image=False)
    uri = base64.b64encode(PICTURE).decode()
    msg.add_alternative(f'<p>look</p><img src="data:image/jpeg;base64,{uri}">', subtype="html")
    ex = extract(msg)
    assert [(i.where, i.sha256) for i in ex.images] == [("data-uri", sha256_hex(PICTURE))]


def test_image_inside_pdf_keeps_its_bytes():
    pdf = make_pdf([(PICTURE, 480, 360, "DeviceRGB")])
    ex = extract(with_attachment(pdf, "application", "pdf", "doc.pdf"))
    assert [(i.where, i.sha256) for i in ex.images] == [("pdf", sha256_hex(PICTURE))]


def test_images_inside_zip_and_zip_in_zip():
    inner = zipped({"deep.jpg": PICTURE})
    outer = zipped({"a/b/../evil.jpg": campaign_picture("scene-b", "face-2"), "inner.zip": inner})
    ex = extract(with_attachment(outer, "application", "zip", "pics.zip"))
    assert sorted((i.where, i.name) for i in ex.images) == [
        ("zip", "deep.jpg"),
        ("zip", "evil.jpg"),
    ]


def test_image_inside_forwarded_message_at_depth_three():
    msg = mb.original()
    for i in range(3):
        msg = mb.forward_as_attachment(msg, message_id=f"<hop{i}@x>")
    ex = extract(msg)
    assert [i.sha256 for i in ex.images] == [sha256_hex(mb.JPEG)]


def test_same_bytes_twice_is_one_image():
    msg = with_attachment(PICTURE, "image", "jpeg", "a.jpg")
    msg.add_attachment(PICTURE, maintype="image", subtype="jpeg", filename="b.jpg")
    assert len(extract(msg).images) == 1


def test_decompression_bomb_is_recorded_not_decoded():
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")  # 900 Mpixel in ~100 kB
    ex = extract(with_attachment(out.getvalue(), "image", "png", "bomb.png"))
    assert ex.images == ()
    assert [(r.name, "bomb" in r.reason) for r in ex.refusals] == [("bomb.png", True)]


def test_truncated_image_is_probed_then_refused_by_the_decoder():
    from triage.fingerprint import fingerprint_image
    from triage.imagedecode import ImageRefused

    with pytest.raises(ImageRefused, match=r"truncated|cannot decode"):
        fingerprint_image(PICTURE[: len(PICTURE) // 2])


def test_oversized_image_file_is_refused():
    limits = ExtractLimits(image=ImageLimits(max_bytes=1000))
    ex = extract(with_attachment(PICTURE, "image", "jpeg", "big.jpg"), limits)
    assert ex.images == () and "over 1000 bytes" in ex.refusals[0].reason


def test_zip_bomb_ratio_is_refused():
    bomb = zipped({"zeros.bin": bytes(50_000_000)})
    ex = extract(with_attachment(bomb, "application", "zip", "bomb.zip"))
    assert "zip bomb" in ex.refusals[0].reason


def test_zip_depth_limit():
    deep = zipped({"p.jpg": PICTURE})
    for _ in range(3):
        deep = zipped({"next.zip": deep}, zipfile.ZIP_STORED)
    ex = extract(with_attachment(deep, "application", "zip", "deep.zip"))
    assert ex.images == ()
    assert any("nested deeper" in r.reason for r in ex.refusals)


def test_zip_member_count_limit():
    many = zipped({f"{i}.txt": b"x" for i in range(20)})
    ex = extract(
        with_attachment(many, "application", "zip", "m.zip"), ExtractLimits(max_zip_members=10)
    )
    assert "more than 10 members" in ex.refusals[0].reason


def test_image_count_limit():
    msg = mb.original(image=False)
    for i in range(4):
        msg.add_attachment(
            campaign_picture("s", f"f{i}"), maintype="image", subtype="jpeg", filename=f"{i}.jpg"
        )
    ex = extract(msg, ExtractLimits(max_images=2))
    assert len(ex.images) == 2 and len(ex.refusals) == 2


def test_pdf_text_is_returned_for_the_verdict():
    ex = extract(with_attachment(text_pdf("Pay 1 BTC now"), "application", "pdf", "t.pdf"))
    assert any("Pay 1 BTC now" in t for t in ex.pdf_texts)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 garbage", b"PK\x03\x04 not a zip", b"\xff\xd8\xff garbage jpeg"],
    ids=["broken-pdf", "broken-zip", "broken-jpeg"],
)
def test_broken_containers_are_refusals_not_crashes(data: bytes):
    ex = extract(with_attachment(data, "application", "octet-stream", "x.bin"))
    assert ex.images == () and len(ex.refusals) == 1
