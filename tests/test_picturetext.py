"""Words and QR codes inside pictures: read by Tesseract and OpenCV, judged and linked."""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFont

from fixtures.pictures import make_scene
from tests import mailbuild as mb
from tests.pictures import campaign_picture
from triage.cli import cli
from triage.config import Config
from triage.picturetext import PictureLimits, PictureReader, letters_in_rows, read_picture
from triage.pipeline import Workspace, ingest_stream
from triage.queries import list_clusters, show_cluster
from triage.records import RawMessage

WALLET = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"  # BIP-173's test vector
DEMAND = (
    "I recorded you through your webcam.\n"
    "Pay 2000 USD in bitcoin within 48 hours\n"
    "or I will send the video to your family\n"
    "and to all your colleagues."
)


@pytest.fixture
def tesseract() -> None:
    """Fails (not skips) when Tesseract is missing, so CI cannot pass without it."""
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract not installed (make test installs it: see Makefile system-deps)")


def text_picture(text: str, *, size: tuple[int, int] = (900, 320), fmt: str = "PNG") -> bytes:
    """A picture with `text` written on it in dark letters, as a demand is."""
    im = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(im)
    draw.multiline_text((30, 30), text, fill=(10, 10, 10), font=ImageFont.load_default(size=30))
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


def qr_picture(payload: str, *, side: int, background: tuple[int, int, int]) -> bytes:
    """A QR code of `payload` (OpenCV's encoder) pasted on a coloured card."""
    code = cv2.QRCodeEncoder.create().encode(payload)
    module = max(4, side // (code.shape[0] + 8))
    code = cv2.resize(code, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)
    card = Image.new("RGB", (side, side + 60), background)
    card.paste(Image.fromarray(np.asarray(code)).convert("RGB"), (module * 4, module * 4))
    out = io.BytesIO()
    card.save(out, "PNG")
    return out.getvalue()


def mail(n: int, *, body: str, picture: bytes, subject: str = "For you") -> bytes:
    msg = mb.original(
        sender=f"Sender {n} <s{n}@mail{n}.test>",
        subject=subject,
        body=body,
        message_id=f"<p{n}@x.test>",
        image=False,
    )
    msg.add_attachment(picture, maintype="image", subtype="png", filename=f"p{n}.png")
    return mb.raw(msg)


def ingest(tmp: Path, items: list[tuple[str, bytes]]) -> Workspace:
    ws = Workspace.open(Config(), tmp / "t.db")
    start = datetime(2025, 2, 1, tzinfo=UTC)
    clock = iter(start + timedelta(minutes=i) for i in range(1000))
    raws = [RawMessage.from_bytes(r, source=name, received_at=start) for name, r in items]
    ingest_stream(ws, raws, clock=lambda: next(clock))
    return ws


def message_of(ws: Workspace, source: str) -> dict[str, Any]:
    for c in list_clusters(ws.store, include_all=True):
        for m in c["messages"]:
            if m["source"] == source:
                shown = show_cluster(ws.store, m["sha256"])
                return next(x for x in shown["messages"] if x["source"] == source)
    raise AssertionError(f"{source} not stored")


@pytest.mark.usefixtures("tesseract")
def test_demand_written_only_inside_a_picture_is_found(tmp_path: Path):
    ws = ingest(tmp_path, [("demand", mail(1, body="", picture=text_picture(DEMAND)))])
    shown = message_of(ws, "demand")
    words = " ".join(t["text"] for t in shown["picture_texts"] if t["kind"] == "ocr").lower()
    assert "webcam" in words and "48 hours" in words
    verdict = shown["verdict"]
    assert verdict["extortion"], verdict["reasons"]
    assert {"recorded", "payment", "threat"} <= {c["group"] for c in verdict["cues"]}
    assert [v["value"] for v in shown["indicators"]["amounts"]] == ["2000 USD"]
    assert [v["hours"] for v in shown["indicators"]["deadlines"]] == [48.0]


@pytest.mark.usefixtures("tesseract")
def test_a_picture_with_harmless_words_stays_benign(tmp_path: Path):
    blank = text_picture("Harbour Civic Choir\nSpring concert, Saturday 8 March")
    ws = ingest(tmp_path, [("flyer", mail(2, body="", picture=blank))])
    assert not message_of(ws, "flyer")["verdict"]["extortion"]


def test_wallet_only_in_a_qr_code_is_an_indicator_and_links_two_messages(tmp_path: Path):
    # Two pictures that share nothing but the wallet in their QR codes: other amounts,
    # sizes and colours, other senders, no words in the bodies.
    one = qr_picture(f"bitcoin:{WALLET}?amount=0.05", side=360, background=(200, 40, 40))
    two = qr_picture(f"bitcoin:{WALLET}?amount=0.12", side=480, background=(30, 150, 60))
    ws = ingest(
        tmp_path, [("qr1", mail(3, body="", picture=one)), ("qr2", mail(4, body="", picture=two))]
    )
    for source in ("qr1", "qr2"):
        shown = message_of(ws, source)
        assert [v["value"] for v in shown["indicators"]["wallets"]] == [WALLET]
        assert any(t["kind"] == "qr" and WALLET in t["text"] for t in shown["picture_texts"])
    clusters = list_clusters(ws.store, include_all=True)
    together = [c for c in clusters if {m["source"] for m in c["messages"]} == {"qr1", "qr2"}]
    assert together, [[m["source"] for m in c["messages"]] for c in clusters]
    joins = show_cluster(ws.store, together[0]["id"])["joins"]
    assert any(j["kind"] == "wallet" for j in joins), joins


def test_picture_reading_without_ocr_still_reads_qr_codes():
    picture = qr_picture(f"bitcoin:{WALLET}", side=360, background=(255, 255, 255))
    read = read_picture(picture, PictureLimits(timeout_seconds=0))
    assert read.ocr == "" and "turned off" in read.note
    assert read.qr == (f"bitcoin:{WALLET}",)


def test_small_codes_in_a_photo_are_all_read_in_reading_order_and_none_invented():
    # Two codes at 3 px per module (the smallest size the search is meant to keep) in a
    # 2 MP photo-like scene, one turned a little and JPEG-compressed; the bare scene has none.
    scene = make_scene("qr-photo", (1732, 1155))
    bare = io.BytesIO()
    scene.save(bare, "JPEG", quality=85)
    lower, upper = f"bitcoin:{WALLET}?amount=0.2", "https://pay.example.test/0x42"
    for payload, where, turn in ((lower, (1100, 700), 5), (upper, (300, 150), 0)):
        code = cv2.resize(cv2.QRCodeEncoder.create().encode(payload), None, fx=3, fy=3,
                          interpolation=cv2.INTER_NEAREST)  # fmt: skip
        card = Image.fromarray(np.asarray(code)).convert("RGB")
        scene.paste(card.rotate(turn, expand=True, fillcolor=(255, 255, 255)), where)
    both = io.BytesIO()
    scene.save(both, "JPEG", quality=85)
    off = PictureLimits(timeout_seconds=0)
    assert read_picture(both.getvalue(), off).qr == (upper, lower)
    assert read_picture(bare.getvalue(), off).qr == ()


def test_unreadable_picture_is_a_note_not_a_crash():
    read = read_picture(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert read.ocr == "" and read.qr == () and read.note.startswith("not read")


def test_hidden_html_text_is_set_apart_and_shown(tmp_path: Path):
    html = (
        "<html><body><p>Dear customer, your parcel is waiting. Pay the customs fee at "
        "https://parcel.test/pay today.</p>"
        '<div style="display:none">I recorded you. Pay 500 USD in bitcoin within 24 hours '
        "or I send the video to your family.</div>"
        '<p><span style="font-size:1px;color:#ffffff">deadline payment webcam</span></p>'
        "</body></html>"
    )
    msg = mb.original(body="", message_id="<h1@x.test>", image=False)
    msg.set_content(html, subtype="html")
    ws = ingest(tmp_path, [("hidden", mb.raw(msg))])
    shown = message_of(ws, "hidden")
    assert "I recorded you" in shown["hidden_text"]
    assert "webcam" in shown["hidden_text"]
    assert not shown["verdict"]["extortion"], shown["verdict"]["reasons"]
    assert "recorded" not in {c["group"] for c in shown["verdict"]["cues"]}
    db = str(tmp_path / "t.db")
    human = CliRunner().invoke(cli, ["--db", db, "show", str(shown["sha256"])])
    assert human.exit_code == 0, human.output
    assert "hidden text" in human.output and "I recorded you" in human.output
    as_json = CliRunner().invoke(cli, ["--db", db, "show", "--json", str(shown["sha256"])])
    document = json.loads(as_json.output)
    assert "I recorded you" in document["messages"][0]["hidden_text"]


def test_a_photo_is_not_sent_to_ocr_but_a_caption_is():
    # The cheap look for lines of letters decides whether Tesseract runs at all.
    photo = campaign_picture("scene-ocr", "face-ocr")
    captioned = text_picture("PAY OR EVERYONE SEES", size=(480, 120))
    assert letters_in_rows(Image.open(io.BytesIO(photo)).convert("L")) < 4
    assert letters_in_rows(Image.open(io.BytesIO(captioned)).convert("L")) >= 4
    read = read_picture(photo)
    assert read.ocr == "" and "no lines of letters" in read.note


@pytest.mark.usefixtures("tesseract")
def test_a_picture_read_once_is_not_read_again_and_one_message_reads_few():
    reader = PictureReader(PictureLimits(), per_message=1)
    demand, flyer = text_picture(DEMAND), text_picture("Harbour Civic Choir concert")
    first = reader.for_message()
    read = first(demand)
    assert "webcam" in read.ocr.lower()
    assert "over 1 pictures" in first(flyer).note  # the message's OCR budget is spent
    assert reader.for_message()(demand) is read  # another message: the same reading


def test_one_message_reads_pictures_for_a_bounded_time():
    """Past the message's seconds the rest of its pictures are not read (a picture of
    finder-like squares can keep the QR search busy for half a minute); they stay readable
    by another message, whose clock starts anew."""
    code = qr_picture(
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", side=240, background=(255, 255, 255)
    )
    other = qr_picture(
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", side=240, background=(255, 255, 255)
    )
    reader = PictureReader(PictureLimits(timeout_seconds=0), message_seconds=1e-9)
    first = reader.for_message()
    # The clock starts at zero: the first picture is read, and it spends the budget.
    assert first(code).qr == ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",)
    skipped = first(other)
    assert skipped.qr == () and "s for reading pictures are spent" in skipped.note
    assert reader.for_message()(other).qr == ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",)


def test_a_picture_decoded_straight_to_grey_is_its_colour_decode_in_grey():
    """Reading decodes a colour JPEG from its luma plane alone: the colour decode turned grey
    but for rounding (a few saturated pixels clip in RGB, up to 8 levels here), at the same
    size; other formats exactly so, a transparent PNG flattened on white as before."""
    import numpy as np
    from PIL import Image

    from tests.pictures import campaign_picture
    from triage.imagedecode import decode_image

    jpeg = campaign_picture("scene-g", "f1")
    rgba = Image.new("RGBA", (300, 200), (200, 30, 30, 255))
    rgba.paste((0, 0, 0, 0), (0, 0, 150, 200))  # left half transparent
    png = io.BytesIO()
    rgba.save(png, "PNG")
    for data, most in ((jpeg, 10), (png.getvalue(), 0)):
        for side in (None, 2000, 200):
            colour = decode_image(data, max_side=side).image.convert("L")
            grey = decode_image(data, max_side=side, grey=True).image
            assert grey.mode == "L" and grey.size == colour.size
            diff = np.abs(np.asarray(grey, int) - np.asarray(colour, int))
            assert diff.max() <= most and (diff > 1).mean() < 0.002
    assert decode_image(png.getvalue(), grey=True).image.getpixel((10, 10)) == 255
