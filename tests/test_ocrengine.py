"""Tesseract kept loaded in a child process: the command's text, stopped on time, restarted."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import threading

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.test_picturetext import DEMAND, text_picture
from triage import ocrengine, picturetext
from triage.ocrengine import OcrEngine
from triage.picturetext import _tesseract_command


@pytest.fixture
def engine():
    """Fails (not skips) without libtesseract: make test installs it with tesseract-ocr."""
    if ocrengine.library_path() is None:
        pytest.fail("libtesseract not found (make test installs tesseract-ocr)")
    kept = OcrEngine()
    yield kept
    kept.close()


def grey(picture: bytes) -> tuple[bytes, int, int]:
    im = Image.open(io.BytesIO(picture)).convert("L")
    return im.tobytes(), im.width, im.height


def scattered_words() -> bytes:
    """Blocks of words in two places of a page: the command finds the blocks (its page
    segmentation) before reading them; read as one uniform block the text comes out
    otherwise (other line breaks, other letters)."""
    im = Image.new("L", (1400, 900), 250)
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=30)
    draw.multiline_text((30, 30), "I recorded you\n\nthrough your webcam\n\nPay 2000 USD",
                        fill=10, font=font)  # fmt: skip
    draw.multiline_text((900, 400), "within 48 hours\n\nor I send it", fill=10, font=font)
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def test_the_kept_engine_reads_what_the_command_reads(engine: OcrEngine) -> None:
    pixels, width, height = grey(scattered_words())
    text, note = engine.read(pixels, width, height, ("eng",), timeout=30)
    command, _ = _tesseract_command(scattered_words(), ("eng",), 30)
    assert note == ""
    assert "webcam" in text and "48 hours" in text
    assert text == command
    again, _ = engine.read(pixels, width, height, ("eng",), timeout=30)
    assert again == text  # one loaded model reads picture after picture alike


def test_a_reading_over_its_time_is_stopped_and_the_next_one_starts_afresh(
    engine: OcrEngine,
) -> None:
    small, w, h = grey(text_picture("Pay 2000 USD in bitcoin"))
    assert engine.read(small, w, h, ("eng",), timeout=30)[1] == ""  # started, model loaded
    reading = engine._child
    assert reading is not None
    pixels, width, height = grey(text_picture(DEMAND * 6, size=(1800, 1800)))
    text, note = engine.read(pixels, width, height, ("eng",), timeout=0.05)
    assert (text, note) == ("", "not read: OCR took over 0.05s")
    assert reading.returncode is not None  # the process that overran was stopped
    text, note = engine.read(small, w, h, ("eng",), timeout=30)
    assert note == "" and "bitcoin" in text


def test_a_reading_process_that_died_is_replaced(engine: OcrEngine) -> None:
    pixels, width, height = grey(text_picture("Pay 2000 USD in bitcoin"))
    assert engine.read(pixels, width, height, ("eng",), timeout=30)[1] == ""
    assert engine._child is not None
    engine._child.kill()  # as a crash inside the C library would end it
    engine._child.wait()
    text, note = engine.read(pixels, width, height, ("eng",), timeout=30)
    assert note == "" and "bitcoin" in text


def test_a_language_not_installed_is_a_note_not_a_crash(engine: OcrEngine) -> None:
    pixels, width, height = grey(text_picture("Pay 2000 USD in bitcoin"))
    text, note = engine.read(pixels, width, height, ("xxx",), timeout=30)
    assert text == "" and note.startswith("not read: tesseract failed: cannot load")
    assert engine.read(pixels, width, height, ("eng",), timeout=30)[1] == ""


def test_pixels_that_are_not_the_stated_size_are_refused(engine: OcrEngine) -> None:
    with pytest.raises(ValueError, match="width x height"):
        engine.read(b"\x00" * 10, 4, 4, ("eng",), timeout=30)


def _frames(*requests: bytes) -> io.BytesIO:
    return io.BytesIO(b"".join(struct.pack(">I", len(r)) + r for r in requests))


def _replies(out: io.BytesIO) -> list[dict[str, str]]:
    data, replies = out.getvalue(), []
    while data:
        size = struct.unpack(">I", data[:4])[0]
        replies.append(json.loads(data[4 : 4 + size]))
        data = data[4 + size :]
    return replies


def test_the_child_answers_a_malformed_request_with_an_error_and_goes_on() -> None:
    good = json.dumps({"languages": "eng", "width": 2, "height": 2}).encode() + b"\n" + b"\xff" * 4
    short = json.dumps({"languages": "eng", "width": 9, "height": 9}).encode() + b"\n" + b"\xff"
    out = io.BytesIO(_child(_frames(b"not json\n", short, good).getvalue()))
    first, second, third = _replies(out)
    assert "error" in first and "width x height" in second["error"]
    assert third == {"text": ""}  # a blank 2x2 picture holds no words


def test_the_child_stops_at_a_request_too_large_or_cut_short() -> None:
    with pytest.raises(ValueError, match="request of"):
        ocrengine._serve(io.BytesIO(struct.pack(">I", ocrengine.MAX_REQUEST + 1)), io.BytesIO())
    assert _child(struct.pack(">I", 100) + b"cut") == b""


def _child(stdin: bytes) -> bytes:
    """What the child process (the library loaded in it, not in pytest) writes back."""
    done = subprocess.run([sys.executable, "-m", "triage.ocrengine"], input=stdin,
                          capture_output=True, timeout=60, check=True)  # fmt: skip
    return done.stdout


def test_a_reading_process_that_stops_taking_the_picture_is_stopped_on_time() -> None:
    """A child that takes part of a picture and then hangs (stopped, stuck in the kernel):
    the reading still ends at its timeout, not when the child reads on."""
    stalled = OcrEngine()
    hangs = "import sys, time; sys.stdin.buffer.read(100_000); time.sleep(60)"
    child = stalled._child = subprocess.Popen(
        [sys.executable, "-c", hangs], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    answers: list[tuple[str, str]] = []
    picture = bytes(2000 * 2000)  # far more than a pipe holds
    reader = threading.Thread(
        target=lambda: answers.append(stalled.read(picture, 2000, 2000, ("eng",), timeout=1)),
        daemon=True,
    )
    reader.start()
    reader.join(15)
    try:
        assert answers == [("", "not read: OCR took over 1s")]
    finally:
        child.kill()  # lets a reader stuck in its write go
        reader.join(5)
        stalled.close()


def test_threads_sharing_one_engine_each_get_their_own_picture_read(engine: OcrEngine) -> None:
    pictures = {
        "bitcoin": grey(text_picture("Pay 2000 USD in bitcoin")),
        "wallet": grey(text_picture("Send it to this wallet")),
    }
    answers: dict[str, list[tuple[str, str]]] = {word: [] for word in pictures}

    def read(word: str) -> None:
        for _ in range(3):
            answers[word].append(engine.read(*pictures[word], ("eng",), timeout=30))

    threads = [threading.Thread(target=read, args=(word,)) for word in pictures]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for word, other in (("bitcoin", "wallet"), ("wallet", "bitcoin")):
        assert len(answers[word]) == 3
        for text, note in answers[word]:
            assert note == "" and word in text and other not in text


def test_requests_for_models_not_installed_do_not_grow_the_reading_process(
    engine: OcrEngine,
) -> None:
    """Each failed model load freed: a poll that asks again and again keeps its memory."""
    blank = bytes(100 * 100)

    def resident_kb() -> int:
        assert engine._child is not None
        with open(f"/proc/{engine._child.pid}/status") as status_file:
            status = status_file.read()
        return int(
            next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]
        )

    engine.read(blank, 100, 100, ("xxx",), timeout=30)
    before = resident_kb()
    for _ in range(80):
        _, note = engine.read(blank, 100, 100, ("xxx",), timeout=30)
        assert note.startswith("not read: tesseract failed: cannot load")
    assert resident_kb() - before < 4000  # ~230 KB a failed load kept: 18 MB


STOPPED = "not read: tesseract failed: the reading process stopped"


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        (b"\x00\x00\x00\x09not json!", STOPPED),
        (b"\x00\x00\x00\x05[1,2]", STOPPED),
        (b'\x00\x00\x00\x20{"text": "half', "not read: OCR took over 1s"),
        (b"\xff\xff\xff\xff garbage", "not read: OCR took over 1s"),
        (b"", STOPPED),
    ],
    ids=["not-json", "not-an-object", "half-a-reply-then-hangs", "huge-length", "dies"],
)
def test_a_reading_process_that_answers_wrongly_costs_one_note_and_is_stopped(
    reply: bytes, note: str
) -> None:
    """Whatever the child writes back, the reading ends by its timeout with a note, and that
    child is stopped (the next reading starts a fresh one)."""
    odd = OcrEngine()
    then = "time.sleep(60)" if reply else "sys.exit(0)"
    script = (
        "import sys, time; sys.stdin.buffer.read(100); "
        f"sys.stdout.buffer.write({reply!r}); sys.stdout.flush(); {then}"
    )
    child = odd._child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        text, got = odd.read(bytes(100), 10, 10, ("eng",), timeout=1)
        assert text == "" and got.startswith(note)
        assert odd._child is None and child.returncode is not None
    finally:
        if child.poll() is None:
            child.kill()
        odd.close()


def test_a_forked_process_reads_with_an_engine_of_its_own(engine: OcrEngine) -> None:
    """A worker forked from a process that already reads pictures must not write into its
    parent's pipes: both reading at once would get each other's pictures."""
    bitcoin = grey(text_picture("Pay 2000 USD in bitcoin"))
    wallet = grey(text_picture("Send it to this wallet"))
    assert "bitcoin" in picturetext.ocr_grey(*bitcoin, 30)[0]  # this process's engine runs
    into, out = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked process
        try:
            texts = [picturetext.ocr_grey(*wallet, 30)[0] for _ in range(4)]
            os.write(out, json.dumps(texts).encode())
            picturetext._engine().close()  # type: ignore[union-attr]
        finally:
            os._exit(0)
    os.close(out)
    mine = [picturetext.ocr_grey(*bitcoin, 30)[0] for _ in range(4)]
    with os.fdopen(into, "rb") as answer:
        theirs = json.loads(answer.read() or b"[]")
    os.waitpid(pid, 0)
    assert len(mine) == len(theirs) == 4
    assert all("bitcoin" in text and "wallet" not in text for text in mine)
    assert all("wallet" in text and "bitcoin" not in text for text in theirs)


def test_a_picture_over_the_request_limit_is_a_note_and_starts_no_process(
    engine: OcrEngine,
) -> None:
    side = int(ocrengine.MAX_REQUEST**0.5) + 1
    text, note = engine.read(bytes(side * side), side, side, ("eng",), timeout=30)
    assert (text, note) == ("", f"not read: picture too large for OCR ({side}x{side})")
    assert engine._child is None
