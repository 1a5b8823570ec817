"""A picture -> the text written in it: Tesseract OCR (a subprocess) and QR codes (OpenCV).

Extortion mail puts the demand, or the wallet as a QR code, inside a picture so text
filters never see it. Tesseract runs as a child process (`tesseract stdin stdout`), not
through a Python binding: the timeout then kills exactly the one process that overran,
nothing is left running in ours, and the project needs no wrapper package for one call.
When tesseract is not installed, that is logged once per process and pictures are read
for QR codes only.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from triage.imagedecode import ImageLimits, ImageRefused, decode_image

log = logging.getLogger(__name__)

LANGUAGES = ("eng", "chi_sim", "chi_tra")  # Debian's tesseract-ocr-eng, -chi-sim, -chi-tra


@dataclass(frozen=True, slots=True, kw_only=True)
class PictureLimits:
    timeout_seconds: float = 20.0  # per reading; one that takes longer is dropped; 0: no OCR
    max_side: int = 2000  # larger pictures are shrunk before reading: text stays legible
    min_side: int = 24  # smaller ones hold no words
    upscale_below: int = 900  # small pictures are doubled first: Tesseract wants ~30 px letters
    max_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PictureText:
    ocr: str  # words Tesseract read, "" when none or not run
    qr: tuple[str, ...]  # payloads of the QR codes found
    note: str  # why OCR did not run or did not finish, "" when it did


def read_picture(data: bytes, limits: PictureLimits | None = None) -> PictureText:
    """The words and QR payloads in one picture; never raises on a bad picture."""
    limits = limits or PictureLimits()
    if len(data) > limits.max_bytes:
        return PictureText(ocr="", qr=(), note=f"not read: over {limits.max_bytes} bytes")
    try:
        decoded = decode_image(data, limits=ImageLimits(), max_side=limits.max_side)
    except ImageRefused as e:
        return PictureText(ocr="", qr=(), note=f"not read: {e}")
    gray = decoded.image.convert("L")
    if min(gray.size) < limits.min_side:
        return PictureText(ocr="", qr=(), note="too small to hold words")
    qr = read_qr_codes(gray)
    if max(gray.size) < limits.upscale_below:
        gray = gray.resize((gray.width * 2, gray.height * 2))
    if limits.timeout_seconds <= 0:
        return PictureText(ocr="", qr=qr, note="not read: OCR turned off")
    png = io.BytesIO()
    gray.save(png, "PNG")
    text, note = ocr_png(png.getvalue(), limits.timeout_seconds)
    return PictureText(ocr=text, qr=qr, note=note)


def _needs_cjk(latin_reading: str) -> bool:
    """Whether a Latin-only reading looks like another script read as Latin: many marks,
    few words. An empty reading (a photo) needs no second pass."""
    marks = re.sub(r"\s", "", latin_reading)
    if len(marks) < _MIN_MARKS:
        return False
    words = re.findall(r"[A-Za-z]{3,}", latin_reading)
    return sum(len(w) for w in words) < len(marks) / 2


def read_qr_codes(gray: object) -> tuple[str, ...]:
    """Payloads of the QR codes in a greyscale picture (PIL image), in reading order."""
    import cv2
    import numpy as np

    pixels = np.asarray(gray, dtype=np.uint8)
    detector = cv2.QRCodeDetector()
    try:
        found, payloads, _, _ = detector.detectAndDecodeMulti(pixels)
    except cv2.error:
        return ()
    if not found:
        single, _, _ = detector.detectAndDecode(pixels)
        return (single,) if single else ()
    return tuple(dict.fromkeys(p for p in payloads if p))


_MIN_MARKS = 6


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


def ocr_png(png: bytes, timeout_seconds: float) -> tuple[str, str]:
    """(text, note): Tesseract's reading of one PNG, or "" and why not.

    English first (a third of the time of all three models); the Chinese models run only
    when that reading looks like another script read as Latin letters."""
    languages = tesseract_languages()
    if languages is None:
        return "", "not read: tesseract is not installed"
    first = ("eng",) if "eng" in languages else languages
    text, note = _tesseract(png, first, timeout_seconds)
    if note or first == languages or not _needs_cjk(text):
        return text, note
    return _tesseract(png, languages, timeout_seconds)


def _tesseract(png: bytes, languages: tuple[str, ...], timeout_seconds: float) -> tuple[str, str]:
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
    return _tidy(done.stdout.decode("utf-8", "replace")), ""


_CJK_GAP = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]) (?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])"
)


def _tidy(text: str) -> str:
    # Tesseract spaces out Chinese characters; the cue patterns read them joined.
    lines = (_CJK_GAP.sub("", " ".join(line.split())) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
