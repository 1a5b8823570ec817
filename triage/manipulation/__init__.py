"""Image -> manipulation score 0..1 with named signals, heatmap, localisation in a campaign (pure).

score_image(data) -> ManipulationScore        raises ImageRefused
render_heatmap(data, score) -> PNG bytes     raises ImageRefused
localise_in_group(target, others) -> Localisation
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triage.imagedecode import DecodedImage, ImageRefused, decode_image
from triage.manipulation.features import BLOCK, WORK_SIDE, block_maps
from triage.manipulation.localise import Localisation, localise_in_group
from triage.manipulation.model import (
    ModelUnavailable,
    block_logits,
    block_probability,
    load_model,
    picture_probability,
)
from triage.manipulation.native import read_native
from triage.manipulation.signals import (
    editing_software_signal,
    missing_camera_signal,
    region_signals,
    thumbnail_signal,
)

__all__ = [
    "ImageRefused",
    "Localisation",
    "ManipulationScore",
    "ModelUnavailable",
    "PictureTooSmall",
    "localise_in_group",
    "render_heatmap",
    "score_decoded",
    "score_image",
]

Box = tuple[int, int, int, int]
MIN_BLOCKS = 2  # per side: fewer and there is no "rest of the picture" to compare a region with


class PictureTooSmall(ImageRefused):
    """A picture too small (or too thin) to compare any region of it with the rest."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ManipulationScore:
    """Calibrated probability that the picture holds a paste, and the evidence behind it."""

    score: float  # 0..1, calibrated on generated pastes vs pristine pictures
    signals: dict[str, float]  # named signals, JSON-ready; "suspicion" is the block model's peak
    region: Box | None  # most suspicious region in the picture's own pixels, when any block > 0.5
    suspicion: tuple[tuple[float, ...], ...]  # per block, rows x cols, for the heatmap
    reasons: tuple[str, ...]  # the strongest cues in words, for `show`


def score_image(data: bytes) -> ManipulationScore:
    """Score one encoded picture; ImageRefused when it cannot be decoded safely."""
    return score_decoded(decode_image(data, max_side=WORK_SIDE), data)


def score_decoded(decoded: DecodedImage, data: bytes) -> ManipulationScore:
    """Score a picture already decoded with max_side=WORK_SIDE (ingest decodes each picture
    once for its fingerprint and its score); `data` is read for the EXIF thumbnail."""
    if min(decoded.image.size) < MIN_BLOCKS * BLOCK:
        size = f"{decoded.width}x{decoded.height}"
        raise PictureTooSmall(f"picture too small to score for manipulation ({size})")
    model = load_model()
    native_size, work = (decoded.width, decoded.height), decoded.image.size
    found = read_native(data, native_size, work, BLOCK)
    maps = block_maps(decoded.image, native=_is_native(decoded), dq=found.dq,
                      native_noise=found.noise, cooc=found.cooc)  # fmt: skip
    logits = block_logits(maps, model)
    probs = block_probability(logits)
    score = picture_probability(logits, maps.features, model)
    out = {name: round(value, 4) for name, value in region_signals(maps, probs).items()}
    out["suspicion"] = round(float(probs.max()), 4)
    out["editing_software"] = editing_software_signal(decoded.exif)
    out["missing_camera"] = missing_camera_signal(decoded.exif)
    out["thumbnail_mismatch"] = thumbnail_signal(data, decoded.image)
    return ManipulationScore(
        score=round(score, 4),
        signals=dict(sorted(out.items())),
        region=_region(probs, decoded),
        suspicion=tuple(tuple(round(float(v), 3) for v in row) for row in probs),
        reasons=_reasons(out),
    )


def render_heatmap(data: bytes, score: ManipulationScore | None = None) -> bytes:
    """PNG of the picture with block suspicion overlaid in red; computes the score if not given."""
    from triage.manipulation.heatmap import overlay_png

    score = score or score_image(data)
    decoded = decode_image(data, max_side=WORK_SIDE)
    return overlay_png(decoded.image, np.asarray(score.suspicion, dtype=np.float64), BLOCK)


def _is_native(decoded: DecodedImage) -> bool:
    """True when pixels are the file's own: only then does the 8x8 JPEG grid mean anything."""
    return decoded.image.size == (decoded.width, decoded.height)


def _region(probs: np.ndarray, decoded: DecodedImage) -> Box | None:
    """Bounding box of blocks above 0.5 around the most suspicious block, in file pixels."""
    hot = probs > 0.5
    if not hot.any():
        return None
    rows, cols = np.nonzero(hot)
    peak = np.unravel_index(int(np.argmax(probs)), probs.shape)
    near = (np.abs(rows - peak[0]) <= 6) & (np.abs(cols - peak[1]) <= 6)
    scale = decoded.width / decoded.image.width
    return (
        int(cols[near].min() * BLOCK * scale), int(rows[near].min() * BLOCK * scale),
        int((cols[near].max() + 1) * BLOCK * scale), int((rows[near].max() + 1) * BLOCK * scale),
    )  # fmt: skip


_WORDS = {
    "colour": "a region's colour or brightness jumps from its surroundings",
    "noise": "a region's noise level differs from what the rest of the picture predicts",
    "seam": "a region's edges are sharper or softer than the rest's",
    "ela": "a region's error level differs from the rest (compressed a different number of times)",
    "jpeg_grid": "a region's 8x8 JPEG grid disagrees with the rest",
    "texture": "a region is much flatter or busier than the rest",
    "grain": "a region's noise is not the rest's fine grain (upscaled or smoothed)",
    "chroma_noise": "a region's colour noise differs from the rest's, for its brightness noise",
    "ghost": "a region's error level changes with re-save quality unlike the rest's",
    "double_compression": "a region was not JPEG-compressed twice like the rest (pasted between)",
    "native_noise": "at the file's own resolution, a region's noise differs from the rest's",
    "residual_stats": "a region's finest detail is correlated unlike the rest's (another camera, "
    "rescaled or processed apart)",
}


def _reasons(signals: dict[str, float]) -> tuple[str, ...]:
    """Region signals above 4 robust spreads, strongest first; editing software when named."""
    strong = sorted((v, k) for k, v in signals.items() if k in _WORDS and v >= 4.0)
    reasons = [f"{_WORDS[k]} ({v:.1f} spreads)" for v, k in reversed(strong)]
    if signals.get("editing_software"):
        reasons.append("EXIF names an image editor as the last software")
    if signals.get("thumbnail_mismatch", 0.0) >= 0.5:
        reasons.append("the EXIF thumbnail shows a different picture")
    return tuple(reasons)
