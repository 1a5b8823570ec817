"""Pictures for the pages: thumbnails with the pasted region marked, heatmaps, the hashes of
an uploaded picture (pure: bytes in, bytes out)."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import ImageDraw

from triage.fingerprint import Fingerprint, fingerprint_image
from triage.imagedecode import decode_image
from triage.manipulation import render_heatmap

THUMB_SIDE = 320
BOX_COLOUR = (255, 40, 40)


def thumbnail(data: bytes, box: list[int] | None = None) -> bytes:
    """A JPEG at most THUMB_SIDE pixels a side; `box` ([x0, y0, x1, y1] in the picture's own
    pixels) is drawn as the pasted region."""
    decoded = decode_image(data, max_side=THUMB_SIDE)
    image = decoded.image.convert("RGB")
    if box:
        sx, sy = image.width / decoded.width, image.height / decoded.height
        x0, y0, x1, y1 = box
        ImageDraw.Draw(image).rectangle(
            (x0 * sx, y0 * sy, x1 * sx, y1 * sy), outline=BOX_COLOUR, width=3
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@lru_cache(maxsize=256)
def heatmap(data: bytes) -> bytes:
    """The manipulation heatmap (scoring is the slow part: kept for the process's life)."""
    return thumbnail(render_heatmap(data))


def upload_fingerprint(data: bytes) -> Fingerprint:
    """Hashes of a picture a person uploaded; raises ImageRefused as ingest would."""
    return fingerprint_image(data)
