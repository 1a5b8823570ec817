"""Tesseract kept loaded in one child process, fed greyscale pictures over a pipe.

Starting `tesseract` for each picture costs about 0.1 s of CPU in loading its model, more
than half of a typical reading (0.17 s). This child loads Debian's libtesseract (the library
the `tesseract` command itself runs on) once per language set and reads picture after
picture. It stays a separate process for the reasons the command was one: a reading that
overruns its time is stopped by killing exactly this child (the next reading starts a new
one), and a crash inside the C library cannot take ingest down with it.

Parent side: `OcrEngine.read(pixels, width, height, languages, timeout)`. Child side:
`python -m triage.ocrengine`, which the parent starts. Frames on both pipes are a 4-byte
big-endian length, then that many bytes: a request is a JSON header line and the raw 8-bit
pixels; a reply is JSON {"text": ...} or {"error": ...}.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from typing import IO, Any

MAX_REQUEST = 64 * 1024 * 1024  # a 2000 x 2000 greyscale picture is 4 MB
PSM_AUTO = 3  # the `tesseract` command's page segmentation; the library's own default is 6


class EngineUnavailable(Exception):
    """In the child: libtesseract or the models asked for cannot be loaded. The request is
    answered with an error (the parent's note); the parent never starts a child where the
    library is not found (picturetext then starts the command a picture)."""


@functools.cache  # find_library runs ldconfig (and gcc, ld when absent): 1-10 CPU ms a call
def library_path() -> str | None:
    return ctypes.util.find_library("tesseract")


# -- the parent's side ----------------------------------------------------------------


class OcrEngine:
    """One child process reading pictures; restarted after a timeout or a crash."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        # One reading at a time: two threads' frames interleaved on the pipe would read
        # a mix of both pictures, or hand one thread the other's text.
        self._lock = threading.RLock()

    def read(
        self, pixels: bytes, width: int, height: int, languages: tuple[str, ...], timeout: float
    ) -> tuple[str, str]:
        """(text, note) as the command gives them: "" and why not, when it did not read."""
        if len(pixels) != width * height:
            raise ValueError("pixels are not width x height bytes of greyscale")
        header = json.dumps({"languages": "+".join(languages), "width": width, "height": height})
        request = header.encode() + b"\n" + pixels
        if len(request) > MAX_REQUEST:  # the child would refuse it and stop: say so here
            return "", f"not read: picture too large for OCR ({width}x{height})"
        with self._lock:
            deadline = time.monotonic() + timeout
            child = self._started()
            try:
                reply = _exchange(child, request, deadline)
            except TimeoutError:
                self.close()
                return "", f"not read: OCR took over {timeout:g}s"
            except (OSError, EOFError, ValueError) as e:
                self.close()
                return "", f"not read: tesseract failed: the reading process stopped ({e})"
        if "error" in reply:
            return "", f"not read: tesseract failed: {str(reply['error'])[:120]}"
        return str(reply.get("text", "")), ""

    def close(self) -> None:
        with self._lock:
            child, self._child = self._child, None
            if child is not None and child.poll() is None:
                child.kill()
            if child is not None:
                child.wait()
                for pipe in (child.stdin, child.stdout):
                    if pipe is not None:
                        pipe.close()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self.close()
            env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread: cores are shared
            self._child = subprocess.Popen(
                [sys.executable, "-m", "triage.ocrengine"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env=env,
            )  # fmt: skip
        return self._child


def _exchange(child: subprocess.Popen[bytes], request: bytes, deadline: float) -> dict[str, Any]:
    """Write one frame, read one frame back, all before `deadline` (TimeoutError)."""
    assert child.stdin is not None and child.stdout is not None
    out, into = child.stdin.fileno(), child.stdout.fileno()
    pending = memoryview(struct.pack(">I", len(request)) + request)
    received = bytearray()
    wanted: int | None = None
    # Writable means a few KB fit, not 64 KB: a blocking write of more would wait for the
    # child to read on, past the deadline if it never does.
    os.set_blocking(out, False)
    with selectors.DefaultSelector() as selector:
        selector.register(out, selectors.EVENT_WRITE)
        selector.register(into, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            for key, _ in selector.select(left):
                if key.fd == out:
                    try:
                        written = os.write(out, pending[:65536])
                    except BlockingIOError:
                        continue
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(out)
                    continue
                chunk = os.read(into, 1 << 16)
                if not chunk:
                    raise EOFError("no reply")
                received += chunk
                if wanted is None and len(received) >= 4:
                    wanted = struct.unpack(">I", received[:4])[0]
                if wanted is not None and len(received) >= 4 + wanted:
                    reply = json.loads(bytes(received[4 : 4 + wanted]))
                    if not isinstance(reply, dict):
                        raise ValueError("malformed reply")
                    return reply


# -- the child's side -----------------------------------------------------------------


class _Library:
    """The few calls of Tesseract's C API a reading needs."""

    def __init__(self) -> None:
        path = library_path()
        if path is None:
            raise EngineUnavailable("libtesseract not found")
        lib = ctypes.CDLL(path)
        lib.TessBaseAPICreate.restype = ctypes.c_void_p
        lib.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPISetPageSegMode.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPISetImage.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.TessBaseAPIGetUTF8Text.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIGetUTF8Text.restype = ctypes.c_void_p
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIClear.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self._apis: dict[str, int] = {}

    def api(self, languages: str) -> int:
        if languages not in self._apis:
            handle = self.lib.TessBaseAPICreate()
            if self.lib.TessBaseAPIInit3(handle, None, languages.encode()) != 0:
                self.lib.TessBaseAPIDelete(handle)  # else each failed request keeps ~0.2 MB
                raise EngineUnavailable(f"cannot load the {languages} models")
            self.lib.TessBaseAPISetPageSegMode(handle, PSM_AUTO)
            self._apis[languages] = handle
        return self._apis[languages]

    def read(self, languages: str, pixels: bytes, width: int, height: int) -> str:
        handle = self.api(languages)
        self.lib.TessBaseAPISetImage(handle, pixels, width, height, 1, width)
        text = self.lib.TessBaseAPIGetUTF8Text(handle)
        try:
            return ctypes.string_at(text).decode("utf-8", "replace") if text else ""
        finally:
            if text:
                self.lib.TessDeleteText(text)
            self.lib.TessBaseAPIClear(handle)


def _frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    size = struct.unpack(">I", head)[0]
    if size > MAX_REQUEST:
        raise ValueError(f"request of {size} bytes")
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


def _serve(into: IO[bytes], out: IO[bytes]) -> None:
    library: _Library | None = None
    while (request := _frame(into)) is not None:
        try:
            line, pixels = request.split(b"\n", 1)
            header = json.loads(line)
            width, height = int(header["width"]), int(header["height"])
            if width <= 0 or height <= 0 or len(pixels) != width * height:
                raise ValueError("pixels are not width x height bytes")
            library = library or _Library()
            reply: dict[str, str] = {
                "text": library.read(str(header["languages"]), pixels, width, height)
            }
        except (EngineUnavailable, ValueError, KeyError, OSError) as e:
            reply = {"error": str(e)}
        body = json.dumps(reply).encode()
        out.write(struct.pack(">I", len(body)) + body)
        out.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
