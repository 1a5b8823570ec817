"""Block suspicion -> a PNG for the web view: the picture greyed, suspicious blocks red (pure)."""

from __future__ import annotations

import io

import numpy as np
from numpy.typing import NDArray
from PIL import Image


def overlay_png(image: Image.Image, suspicion: NDArray[np.float64], block: int) -> bytes:
    """Greyed picture with suspicion (0..1 per block) as red, bilinear between blocks.

    Grey underneath so red means suspicion and nothing else; the picture is the
    reduced one that was scored, so blocks line up exactly.
    """
    grey = np.asarray(image.convert("L"), dtype=np.float64) * 0.6 + 40.0
    heat = _upsample(suspicion, block, grey.shape)
    alpha = np.clip((heat - 0.2) / 0.6, 0.0, 1.0)[..., None]
    base = np.repeat(grey[..., None], 3, axis=2)
    red = np.array([255.0, 30.0, 30.0])
    mixed = base * (1.0 - 0.75 * alpha) + red * 0.75 * alpha
    out = io.BytesIO()
    Image.fromarray(np.clip(mixed, 0, 255).astype(np.uint8), "RGB").save(out, "PNG")
    return out.getvalue()


def _upsample(
    suspicion: NDArray[np.float64], block: int, shape: tuple[int, ...]
) -> NDArray[np.float64]:
    """Block grid -> pixel grid; the strip right/below the last whole block stays at 0."""
    heat = np.zeros(shape[:2])
    if suspicion.size == 0:
        return heat
    rows, cols = suspicion.shape
    small = Image.fromarray(suspicion.astype(np.float32), "F")
    big = np.asarray(small.resize((cols * block, rows * block), Image.Resampling.BILINEAR))
    heat[: rows * block, : cols * block] = big
    return heat
