"""A picture -> the text written in it: Tesseract OCR (a child process) and QR codes (OpenCV).

Extortion mail puts the demand, or the wallet as a QR code, inside a picture so text
filters never see it. Tesseract runs in a child process, never in ours: a reading that
overruns its time is stopped by killing exactly that process, and nothing of it is left
running in ours. Where Debian's libtesseract is found, one child per process keeps it
loaded between pictures (triage/ocrengine.py: a reading costs 0.07 CPU s instead of 0.17,
the same text); elsewhere each reading starts the `tesseract` command. When tesseract is
not installed, that is logged once per process and pictures are read for QR codes only.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import hashlib
import io
import logging
import multiprocessing.util
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image

from triage import ocrengine
from triage.imagedecode import ImageLimits, ImageRefused, decode_image
from triage.ocrengine import OcrEngine

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

LANGUAGES = ("eng", "chi_sim", "chi_tra")  # Debian's tesseract-ocr-eng, -chi-sim, -chi-tra


@dataclass(frozen=True, slots=True, kw_only=True)
class PictureLimits:
    timeout_seconds: float = 20.0  # per reading; one that takes longer is dropped; 0: no OCR
    max_side: int = 2000  # larger pictures are shrunk before reading: text stays legible
    min_side: int = 24  # smaller ones hold no words
    upscale_below: int = 900  # small pictures are doubled first: Tesseract wants ~30 px letters
    min_letters_in_rows: int = 4  # fewer letter-like marks in rows: a photo, not read by OCR
    max_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PictureText:
    ocr: str  # words Tesseract read, "" when none or not run
    qr: tuple[str, ...]  # payloads of the QR codes found
    note: str  # why OCR did not run or did not finish, "" when it did
    ocr_ran: bool = False  # Tesseract was started on it (what the per-message budget counts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Look:
    """A picture looked at, before any OCR: its QR payloads and whether it is worth reading."""

    qr: tuple[str, ...]
    worth_ocr: bool  # lines of letters seen (the letter-rows gate is open)
    pixels: bytes  # the 8-bit greyscale picture Tesseract would read; b"" when not worth it
    width: int = 0
    height: int = 0


def look_at_picture(data: bytes, limits: PictureLimits) -> PictureText | Look:
    """Everything read_picture does in this process (decode, QR codes, letter-rows gate);
    a PictureText when the picture is not read further."""
    if len(data) > limits.max_bytes:
        return PictureText(ocr="", qr=(), note=f"not read: over {limits.max_bytes} bytes")
    try:
        decoded = decode_image(data, limits=ImageLimits(), max_side=limits.max_side, grey=True)
    except ImageRefused as e:
        return PictureText(ocr="", qr=(), note=f"not read: {e}")
    gray = decoded.image
    if min(gray.size) < limits.min_side:
        return PictureText(ocr="", qr=(), note="too small to hold words")
    qr = read_qr_codes(gray)
    if limits.timeout_seconds <= 0:
        return PictureText(ocr="", qr=qr, note="not read: OCR turned off")
    if letters_in_rows(_enlarged(gray, limits)) < limits.min_letters_in_rows:
        return Look(qr=qr, worth_ocr=False, pixels=b"")
    # Tesseract reads the colour decode turned grey, as before the QR search and the gate
    # moved to the luma plane: the two differ by a level or so on a few pixels, enough to
    # change what Tesseract made of a photo's noise in 2 of 1,008 bench pictures.
    try:
        colour = decode_image(data, limits=ImageLimits(), max_side=limits.max_side)
        gray = colour.image.convert("L")
    except ImageRefused:  # decoded once already: not expected, and the luma plane will do
        pass
    read = _enlarged(gray, limits)
    return Look(qr=qr, worth_ocr=True, pixels=read.tobytes(), width=read.width, height=read.height)


def _enlarged(gray: Image.Image, limits: PictureLimits) -> Image.Image:
    """Small pictures doubled: Tesseract, and the gate, want letters of ~30 px."""
    if max(gray.size) < limits.upscale_below:
        return gray.resize((gray.width * 2, gray.height * 2))
    return gray


def read_picture(data: bytes, limits: PictureLimits | None = None) -> PictureText:
    """The words and QR payloads in one picture; never raises on a bad picture."""
    limits = limits or PictureLimits()
    looked = look_at_picture(data, limits)
    if isinstance(looked, PictureText):
        return looked
    if not looked.worth_ocr:
        note = "no lines of letters seen: not read by OCR"
        return PictureText(ocr="", qr=looked.qr, note=note)
    text, note = ocr_grey(looked.pixels, looked.width, looked.height, limits.timeout_seconds)
    return PictureText(ocr=text, qr=looked.qr, note=note, ocr_ran=True)


def _needs_cjk(latin_reading: str) -> bool:
    """Whether a Latin-only reading looks like another script read as Latin: many marks,
    few words. An empty reading (a photo) needs no second pass."""
    marks = re.sub(r"\s", "", latin_reading)
    if len(marks) < _MIN_MARKS:
        return False
    words = re.findall(r"[A-Za-z]{3,}", latin_reading)
    return sum(len(w) for w in words) < len(marks) / 2


# Codes decoded per picture: a picture tiled with hundreds of finder-like squares would
# otherwise cost a decode each; a demand carries one or two codes.
MAX_QR_CODES = 16


def read_qr_codes(gray: object) -> tuple[str, ...]:
    """Payloads of the QR codes in a greyscale picture (PIL image), in reading order.

    OpenCV's ArUco-based detector finds the codes' finder squares by their contours: about
    8 ms on a 2 MP photo with no code, where QRCodeDetector's line scan takes about 65 ms
    (and ran twice, multi-code then single-code, when it found nothing). Each code found is
    then decoded from a crop around it, by that detector and, failing that, by the classic
    one. bench/picturetext.py measures both: every code of 3 px a module or more that the
    old search read is read (and some it missed); at 2 px a few are lost either way."""
    import cv2
    import numpy as np

    pixels = np.asarray(gray, dtype=np.uint8)
    try:
        found, corners = cv2.QRCodeDetectorAruco().detectMulti(pixels)
    except cv2.error:
        return ()
    if not found or corners is None:
        return ()
    payloads = []
    in_order = sorted(corners, key=lambda q: (float(q[:, 1].min()), float(q[:, 0].min())))
    for quad in in_order[:MAX_QR_CODES]:
        crop = _around(pixels, quad)
        payload = _decode_one(crop)
        if payload:
            payloads.append(payload)
    return tuple(dict.fromkeys(payloads))


def _around(pixels: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The part of `pixels` holding one found code, with a quiet zone of a quarter of its
    side around it (the decoders look for the code again there)."""
    import numpy as np

    corners = np.asarray(quad, dtype=float)
    x0, y0 = np.floor(corners.min(axis=0)).astype(int)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int)
    margin = int(max(x1 - x0, y1 - y0) * 0.25) + 4
    x0, y0 = max(0, x0 - margin), max(0, y0 - margin)
    x1, y1 = min(pixels.shape[1], x1 + margin), min(pixels.shape[0], y1 + margin)
    return np.ascontiguousarray(pixels[y0:y1, x0:x1])


def _decode_one(crop: np.ndarray) -> str:
    import cv2

    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        try:
            payload, _, _ = detector.detectAndDecode(crop)
        except cv2.error:
            continue
        if payload:
            return str(payload)
    return ""


_MIN_MARKS = 6
_DETECT_SIDE = 1200  # letters are looked for at most at this size


def letters_in_rows(gray: object, *, labelling: int | None = None) -> int:
    """How many letter-sized marks in a greyscale picture (PIL image) sit between two
    others of like height on one line: dark on light or light on dark. A photo or a
    drawing has almost none; a line of words has one a letter. A cheap look (~10 ms)
    that decides whether the picture is worth a Tesseract run (~1-3 s). `labelling` is an
    OpenCV connected-components algorithm (default Grana's; the bench compares others)."""
    import cv2
    import numpy as np

    algorithm = cv2.CCL_GRANA if labelling is None else labelling

    full = np.asarray(gray, dtype=np.uint8)
    f = min(1.0, _DETECT_SIDE / max(full.shape))
    pixels = cv2.resize(full, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else full
    best = 0
    for polarity in (pixels, 255 - pixels):
        ink = cv2.adaptiveThreshold(
            polarity, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
        )
        # Grana's algorithm: the same labels and stats as the default, three times faster
        # on one thread here (bench/picturetext.py).
        _, _, stats, centres = cv2.connectedComponentsWithStatsWithAlgorithm(
            ink, 8, cv2.CV_32S, algorithm
        )
        w = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
        h = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
        area = stats[1:, cv2.CC_STAT_AREA].astype(float)
        letter = (h >= 7) & (h <= 90) & (w >= 2) & (w <= 2 * h)
        letter &= (area >= 0.12 * w * h) & (area <= 0.9 * w * h)  # strokes, not blobs
        idx = np.flatnonzero(letter)[:4000]
        if len(idx) < 3:
            continue
        x, wi, hi, cy = stats[1:, cv2.CC_STAT_LEFT][idx], w[idx], h[idx], centres[1:, 1][idx]
        low = np.minimum(hi[:, None], hi[None, :])
        high = np.maximum(hi[:, None], hi[None, :])
        right = x[:, None] + wi[:, None]
        gap = np.maximum(x[None, :] - right, x[:, None] - right.T)
        beside = (np.abs(cy[:, None] - cy[None, :]) < 0.25 * low) & (high <= 1.5 * low)
        beside &= gap < high
        np.fill_diagonal(beside, False)
        best = max(best, int((beside.sum(axis=1) >= 2).sum()))
    return best


# Reading one message's pictures (QR search and OCR) stops after this many seconds: a picture
# tiled with finder-like squares keeps OpenCV's QR detector busy for up to 30 s, and a message
# may carry 200 pictures. The picture being read when the time runs out is finished.
MESSAGE_SECONDS = 60.0


class PictureReader:
    """Reads pictures for one workspace: a picture read once (by its sha256) is not read
    again, since a campaign sends the same picture to many offices; at most
    `per_message` pictures of one message go to OCR (the rest are read for QR codes)."""

    def __init__(
        self,
        limits: PictureLimits,
        *,
        per_message: int = 8,
        remember: int = 4096,
        message_seconds: float = MESSAGE_SECONDS,
    ):
        self.limits = limits
        self.per_message = per_message
        self.message_seconds = message_seconds
        self._remember = remember
        self._read: dict[str, PictureText] = {}

    def for_message(self) -> Callable[[bytes], PictureText]:
        left = [self.per_message]
        spent = [0.0]

        def read(data: bytes) -> PictureText:
            key = hashlib.sha256(data).hexdigest()
            if (known := self._read.get(key)) is not None:
                return known
            if spent[0] >= self.message_seconds:  # not kept: another message may read it
                return PictureText(
                    ocr="", qr=(),
                    note=f"not read: this message's {self.message_seconds:g} s for reading "
                    "pictures are spent",
                )  # fmt: skip
            started = time.monotonic()
            try:
                return _read_and_keep(data, key)
            finally:
                spent[0] += time.monotonic() - started

        def _read_and_keep(data: bytes, key: str) -> PictureText:
            if left[0] <= 0:
                off = dataclasses.replace(self.limits, timeout_seconds=0)
                done = read_picture(data, off)
                return dataclasses.replace(
                    done, note=f"not read by OCR: over {self.per_message} pictures in one message"
                )
            done = read_picture(data, self.limits)
            if done.ocr_ran:
                left[0] -= 1
            if len(self._read) >= self._remember:
                self._read.pop(next(iter(self._read)))
            self._read[key] = done
            return done

        return read


@functools.cache
def tesseract_languages() -> tuple[str, ...] | None:
    """Those of LANGUAGES installed; None (logged once) when Tesseract is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        log.warning(
            "tesseract is not installed: text inside pictures is not read "
            "(apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim "
            "tesseract-ocr-chi-tra)"
        )
        return None
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, timeout=30, check=False
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        log.warning("tesseract does not answer (%s): text inside pictures is not read", e)
        return None
    installed = {line.strip() for line in listed.splitlines()}
    wanted = [lang for lang in LANGUAGES if lang in installed]
    if not wanted:
        log.warning("tesseract has none of %s: text inside pictures is not read", LANGUAGES)
        return None
    if len(wanted) < len(LANGUAGES):
        missing = sorted(set(LANGUAGES) - set(wanted))
        log.warning("tesseract lacks %s: those scripts are not read in pictures", missing)
    return tuple(wanted)


def ocr_grey(pixels: bytes, width: int, height: int, timeout_seconds: float) -> tuple[str, str]:
    """(text, note): Tesseract's reading of one 8-bit greyscale picture, or "" and why not.

    English first (a third of the time of all three models); the Chinese models run only
    when that reading looks like another script read as Latin letters."""
    languages = tesseract_languages()
    if languages is None:
        return "", "not read: tesseract is not installed"
    first = ("eng",) if "eng" in languages else languages
    text, note = _tesseract(pixels, width, height, first, timeout_seconds)
    if note or first == languages or not _needs_cjk(text):
        return text, note
    return _tesseract(pixels, width, height, languages, timeout_seconds)


def _tesseract(
    pixels: bytes, width: int, height: int, languages: tuple[str, ...], timeout_seconds: float
) -> tuple[str, str]:
    engine = _engine()
    if engine is not None:
        text, note = engine.read(pixels, width, height, languages, timeout_seconds)
    else:
        png = io.BytesIO()
        # The fastest zlib level: the bytes only cross a pipe, and the default level took
        # 50-75 ms on a 2 MP photo.
        Image.frombytes("L", (width, height), pixels).save(png, "PNG", compress_level=1)
        text, note = _tesseract_command(png.getvalue(), languages, timeout_seconds)
    return _tidy(text), note


_engines: dict[int, OcrEngine] = {}


def _engine() -> OcrEngine | None:
    """This process's kept-loaded Tesseract (one per process: a forked worker starts its
    own), or None where libtesseract cannot be found and each reading starts the command."""
    if ocrengine.library_path() is None:
        return None
    pid = os.getpid()
    if pid not in _engines:
        _engines.clear()  # a parent's engine, inherited across fork: its pipes are not ours
        engine = _engines[pid] = OcrEngine()
        # Stopped and waited for when this process ends, so its CPU time is counted with
        # ours: atexit in a main process, multiprocessing's finalizers in a pool worker
        # (which ends without running atexit).
        atexit.register(engine.close)
        multiprocessing.util.Finalize(None, engine.close, exitpriority=10)
    return _engines[pid]


def _tesseract_command(
    png: bytes, languages: tuple[str, ...], timeout_seconds: float
) -> tuple[str, str]:
    # One thread: the machine's cores are shared, and a picture is small work.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "+".join(languages)],
            input=png,
            capture_output=True,
            timeout=timeout_seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "", f"not read: OCR took over {timeout_seconds:g}s"
    except OSError as e:
        return "", f"not read: tesseract failed to start: {e.strerror}"
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        return "", f"not read: tesseract failed: {reason[0][:120]}"
    return done.stdout.decode("utf-8", "replace"), ""


_CJK_GAP = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]) (?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])"
)


def _tidy(text: str) -> str:
    # Tesseract spaces out Chinese characters; the cue patterns read them joined.
    lines = (_CJK_GAP.sub("", " ".join(line.split())) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
