"""Find the pasted region of one campaign picture by comparing it with its siblings (pure).

Members of a campaign cluster share a base picture and each carries a different
face, in roughly the same place or at a place of its own, possibly mirrored,
cropped, bordered, captioned, resized, grayscale or recompressed. Each sibling is
aligned to the target by a search over scale and mirror with phase correlation for
the translation, then a polish of scale and shift at full work size; candidates
are ranked by the picture they share, not by their faces (edge strength relative
to its neighbourhood, and a correlation that leaves out the pixels differing most).

Where the campaign pastes at each copy's own place, the target's face differs
from every aligned sibling while the siblings agree among themselves there; that
region is taken when most siblings have such a region of their own, apart from
the target's and from one another's (_own_place). Otherwise, as below.

A target pixel is "pasted" where it differs from most aligned siblings (the
median difference) and where the siblings differ among themselves (each carries
its own face at the campaign's place, and nowhere else). The median rather than
the smallest difference: siblings have faces of their own near the same spot,
and faces drawn alike, or Poisson-cloned into the same background, match the
target's face in places, so the smallest difference there is low. The siblings'
own disagreement keeps out what the target alone did (a caption laid over the
picture, a border, a grayscale copy's colours): those differ from every
sibling, but not between siblings.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter
from scipy import fft as sfft
from scipy import ndimage

from triage.imagedecode import ImageRefused, decode_image

Array = NDArray[np.float64]
Box = tuple[int, int, int, int]

WORK_SIDE = 320  # alignment and differencing size; the corpus's faces are ~60 px here
COARSE_SIDE = 96  # scale search size: cheap FFTs, still enough structure to lock on
# Sibling-to-target scale ratios searched. Both pictures are first reduced to the same
# longest side, which cancels resizing; what is left comes from crops (up to 20%),
# borders and captions changing that longest side: about 0.65 to 1.55.
SCALES = np.geomspace(0.6, 1.7, 17)
POLISH_SCALES = (0.98, 0.99, 1.0, 1.01, 1.02)  # around the half-size search's scale
PEAKS = 3  # correlation peaks checked per scale; the highest is often an edge artefact
MIN_MATCH = 0.7  # edge correlation: corpus siblings 0.8-0.96, unrelated scenes up to 0.56
# Alignment by the picture rather than face onto face (see _robust_correlation, _compress):
# GUESSES, set before measuring and tried once, on linkgen2's tuning seed 1 (four campaigns:
# 49 of 61 faces found before the ROBUST_MIN gate below, 25 with edge normalisation alone, 21
# with neither; the committed code was measured on the whole seed only: 107 of 169).
ROBUST_KEEP = 0.85  # of the overlap's pixels kept: faces cover a few percent of a picture
EDGE_NORM = 25  # work pixels: the neighbourhood an edge's strength is measured against
# A guess: over the robust match of eight unrelated generated scenes aligned to a test
# picture (0.56-0.94), under a dark room's copies' (0.98-1.0, linkgen2 tuning seed 1).
ROBUST_MIN = 0.97
MIN_SIDE = 32  # work pixels: smaller pictures hold no face worth locating
# Longer side, in the file's pixels, of the smallest picture compared (as target or sibling);
# smaller ones are enlarged up to MAX_ENLARGE. Chosen on the tuning part of
# fixtures/localiseset.py only (8 groups, 3 members each shrunk among full-size siblings,
# commit 2cde4ae's code): at 300/200/150/125/100 px the paste was found for 16-17 of 18,
# a wrong box drawn for 1-2; at 80 px 15 of 18 (2 wrong), at 64 px 14 (4 wrong). A judgement
# on our fixtures: the smallest size measured whose wrong boxes stay near the full size's.
MIN_PICTURE_SIDE = 80
MAX_SIBLINGS = 10  # more siblings change little and cost linear time
MIN_DIFF = 10.0  # grey levels at full contrast: JPEG noise after blurring stays well under this
# The grey-level floors (MIN_DIFF, REGION_MIN) scale with the target's contrast: in a dark or
# foggy picture a pasted face differs from its siblings by as little as the picture's own
# spread allows. Spread is the 2nd to 98th percentile of the work picture's luma; at
# CONTRAST_REFERENCE or more the floors are as above, below it they shrink in proportion, to
# no less than MIN_CONTRAST_UNIT of themselves. Both chosen on our tuning kinds only: the
# reference on the tuning part of fixtures/localiseset.py (60/100/150 found 104/104/105 of 112
# faces, 103 before; the fixture corpus and the harder disguises did not move), the floor on
# unpasted copies of one picture, where no box is right (a quarter drew 2 boxes on 72 night
# copies, 0.4 and 0.5 none, finding as many faces).
CONTRAST_REFERENCE = 150.0
MIN_CONTRAST_UNIT = 0.4
# The siblings' own disagreement as the floor of a faint picture's floors (see _floors): a
# guess only our tuning and development parts justify (4-8x the noise, 1-2 levels tried there;
# letting any picture's floors fall to it drew boxes on 18 of 112 unpasted tuning copies).
NOISE_FLOOR = 4.0  # times the siblings' median disagreement
MIN_NOISE_FLOOR = 1.0  # grey levels: never below this, whatever the noise
THRESHOLD_SHARE = 0.2  # of the strongest evidence: a face's skin differs less than its outline
# Chosen on the tuning part of fixtures/localiseset.py and the fixture corpus (gate 2/3/5/10,
# grow 0.3/0.4/0.6/none, seed share 0/0.05/0.1/0.2): a Poisson-cloned face differs strongly
# only at its features, its outline blends in; growing too far takes in misaligned edges.
GROW_SHARE = 0.4  # of the median's threshold: weaker differences joined to a touching region
SEED_GROW = 0.1  # of the seeds' threshold: ... where the smallest difference is not nil
REGION_MIN = 3.0  # grey levels the siblings must differ by among themselves for a paste there
REGION_PATCH = 9  # pixels averaged for that test
PATCH = 5  # pixels compared as one patch
CLOSING = 10  # pixels: joins eyes, hair and chin of one face into one blob
SLACK = 1  # pixels of misalignment forgiven when comparing with a sibling
EDGE_GUARD = 3  # pixels ignored along the edge of a sibling's coverage (resampling fringes)
MAX_ENLARGE = 4.0  # small pictures are enlarged to the work size, up to this factor
PLAIN_TOLERANCE = 14.0  # grey levels: a border's or caption bar's pixels stay this close
PLAIN_SHARE = 0.8  # of a line's pixels, for the line to be border or caption bar
MAX_TRIM = 0.3  # of a side, at most, trimmed as border or caption
MIN_STEP = 8.0  # grey levels: mean change from the last border line to the first picture line
# A caption bar's text lines (see _plain_lines). Chosen on the tuning and development parts'
# overlaid captions (text lines keep 47-89% of their pixels at the bar's value; plain
# pictures' skies and floors did not change their trim).
SOLID_SHARE = 0.95  # of a line's pixels at the bar's value: the bar's own edge, text-free
TEXT_SHARE = 0.4  # of a line's pixels, at least, for a line of text on a bar
TEXT_RUN = 0.12  # of a side: text lines in a row, at most (a bar is at most a sixth of a side)
TRIM_PASSES = 3  # a border, its resampled fringe, then a caption bar inside it
# A campaign pasting at each copy's own place (see _own_place). The first four are GUESSES,
# set before any figure and not varied (linkgen2 tuning seed 1's first four campaigns: 21 of
# 61 faces found with them and the shipped alignment, 7 without the own-place region).
OWN_MIN_SIBLINGS = 2  # siblings, at least, with a region of their own
OWN_SHARE = 0.5  # of the aligned siblings, at least, with a region of their own
APART_IOU = 0.2  # two regions with more overlap than this are at one place
OWN_OVERLAP = 0.34  # share of the regions, at most, at the target's place or at one another's
# Chosen on the tuning part of fixtures/localiseset.py's unpasted copies: without it two
# copies of one faint group were boxed, their siblings' "own regions" 10-15 px specks of
# noise under floors of 1.6 levels (4 boxes on 112; with it 3, as without _own_place).
OWN_MIN_AREA = 200  # work pixels (14 x 14) of a sibling's own region: a face, not a speck


@dataclass(frozen=True, slots=True, kw_only=True)
class Alignment:
    """How a sibling maps onto the target's work picture: x_t = scale * x_s + dx (x_s mirrored)."""

    scale: float
    mirrored: bool
    dx: int
    dy: int
    match: float  # zero-mean correlation over the overlap, -1..1
    rank: float = -2.0  # match plus the correlation of edge strength: picks among candidates


@dataclass(frozen=True, slots=True, kw_only=True)
class Localisation:
    """Where the target differs from its siblings: box in target pixels, or None."""

    box: Box | None
    confidence: float  # 0..1
    siblings_used: int
    diff_png: bytes  # grayscale: brighter where the target differs from its siblings
    reason: str


@dataclass(frozen=True, slots=True)
class _Work:
    luma: Array  # the picture's content (borders and caption bars trimmed) at work size
    chroma: Array | None  # (h, w, 2) Cb/Cr, None for a grayscale picture
    scale: float  # work pixels per original pixel
    offset: tuple[float, float] = (0.0, 0.0)  # content's top-left corner, original pixels
    size: tuple[int, int] = (0, 0)  # the file's width and height


@dataclass(frozen=True, slots=True)
class _Region:
    mask: NDArray[np.bool_]  # the biggest region, on the work pixels
    share: float  # of all regions' pixels: 1.0 when it is the only one


def localise_in_group(target: bytes, others: Sequence[bytes]) -> Localisation:
    """Box of the region of `target` that none of `others` (same base picture) shares.

    Raises ImageRefused when the target cannot be decoded; undecodable or
    unalignable siblings are skipped and show in `siblings_used`.
    """
    work = _prepare(target)
    if not localisable(*work.size):
        width, height = work.size
        return _nothing(work, f"picture too small ({width}x{height}) to locate a paste in: "
                              f"under {MIN_PICTURE_SIDE} px on its longer side")  # fmt: skip
    if min(work.luma.shape) < MIN_SIDE:
        return _nothing(work, "picture too small to compare with its siblings")
    placed = []
    for data in others[:MAX_SIBLINGS]:
        try:
            sibling = _prepare(data)
        except ImageRefused:
            continue
        if not _comparable(sibling, work):
            continue
        alignment = align(sibling.luma, work.luma)
        if alignment.match >= MIN_MATCH:
            placed.append(_place_work(sibling, work.luma.shape, alignment, work.chroma is None))
    if not placed:
        return _nothing(work, "no sibling could be aligned to this picture")
    return _localise_placed(work, placed)


def _localise_placed(work: _Work, placed: list[tuple[Array, Array | None]]) -> Localisation:
    """The box from the target and its siblings placed on its work pixels.

    Where the campaign pastes at its common place (the siblings differ among
    themselves there), the region there; where it pastes at each copy's own place
    (see _own_place), the target's own region instead.
    """
    diffs = [_difference(work.luma, work.chroma, p) for p in placed]
    evidence, seeds = _consensus(diffs), _smallest(diffs)
    if len(placed) < 2:
        min_diff = MIN_DIFF * contrast_unit(work.luma)
        return _box_from_evidence(evidence, seeds, work, len(placed), min_diff)
    pairs = _pair_differences(placed)
    # only where the siblings differ among themselves: the campaign's place
    region = ndimage.uniform_filter(_consensus(list(pairs.values())), size=REGION_PATCH)
    min_diff, region_min = _floors(work.luma, region)
    own = _own_place(diffs, pairs, evidence, seeds, min_diff)
    if own is not None:
        return _box_from_region(own, evidence, work, len(placed), _own_reason(len(placed)))
    inside = region > region_min
    evidence, seeds = np.where(inside, evidence, 0.0), np.where(inside, seeds, 0.0)
    return _box_from_evidence(evidence, seeds, work, len(placed), min_diff)


def _own_place(diffs: list[Array], pairs: dict[tuple[int, int], Array], evidence: Array,
               seeds: Array, min_diff: float) -> _Region | None:  # fmt: skip
    """The target's region if this campaign pastes at each copy's own place, else None.

    Then a copy's face differs from every sibling (they show the base picture
    there) while the siblings agree among themselves, so the common place's test
    finds nothing. A picture that lacks a mark its siblings share, or a copy of a
    campaign with none, reads the same to that difference alone; the guard is the
    siblings' own evidence: most of them must each have a region differing from
    the target and from every other sibling, and those regions must lie apart
    from one another and from the target's (faces at a common place overlap).
    """
    target = _region(evidence, seeds, min_diff)
    if target is None:
        return None
    n = len(diffs)
    boxes = []
    for i in range(n):
        # sibling i against the target and the other siblings (the differences taken
        # one way only: a face differs from the base picture either way)
        mine = [diffs[i]] + [pairs[(min(i, j), max(i, j))] for j in range(n) if j != i]
        unique = _smallest(mine)
        found = _region(unique, unique, min_diff)
        if found is not None and found.mask.sum() >= OWN_MIN_AREA:
            boxes.append(_work_box(found.mask))
    if len(boxes) < max(OWN_MIN_SIBLINGS, int(np.ceil(OWN_SHARE * n))):
        return None
    mine_box = _work_box(target.mask)
    if sum(iou(mine_box, b) > APART_IOU for b in boxes) > OWN_OVERLAP * len(boxes):
        return None
    together = [iou(a, b) > APART_IOU for k, a in enumerate(boxes) for b in boxes[k + 1 :]]
    if together and float(np.mean(together)) > OWN_OVERLAP:
        return None
    return target


def _own_reason(used: int) -> str:
    return (f"region differs from every one of {used} aligned siblings, most of which have a "
            "region of their own elsewhere")  # fmt: skip


def _work_box(mask: NDArray[np.bool_]) -> Box:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def iou(a: Sequence[int], b: Sequence[int]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _floors(luma: Array, region: Array) -> tuple[float, float]:
    """The grey-level floors (MIN_DIFF, REGION_MIN) for this picture and its siblings.

    Scaled to the picture's contrast, but a faint picture's may go below the
    MIN_CONTRAST_UNIT clamp, down to what the siblings' own disagreement says
    is noise here: outside the campaign's place they show the same base
    picture, so how much they differ there is what resampling and JPEG alone
    do to it (the median over the picture: the faces' place is a few percent
    of it). In a hazy or dim picture that is well under a grey level, and a
    colour-matched face differs from its siblings by 2-5 levels, under floors
    of 4 and 1.2. The clamp stays the ceiling: the floors only ever go down.
    """
    faint = _contrast(luma)  # unclamped: below MIN_CONTRAST_UNIT here
    unit = _clamped(faint)
    noise = max(MIN_NOISE_FLOOR, NOISE_FLOOR * float(np.median(region)))
    return (
        min(MIN_DIFF * unit, max(MIN_DIFF * faint, noise)),
        min(REGION_MIN * unit, max(REGION_MIN * faint, noise)),
    )


def localisable(width: int, height: int) -> bool:
    """Big enough to compare with siblings, as a target or as a sibling."""
    return max(width, height) >= MIN_PICTURE_SIDE


def contrast_unit(luma: Array) -> float:
    """How much of the reference contrast the picture has (MIN_CONTRAST_UNIT..1)."""
    return _clamped(_contrast(luma))


def _contrast(luma: Array) -> float:
    """The picture's 2nd to 98th percentile spread, as a share of the reference contrast."""
    low, high = np.percentile(luma, [2, 98])
    return float(high - low) / CONTRAST_REFERENCE


def _clamped(contrast: float) -> float:
    return float(np.clip(contrast, MIN_CONTRAST_UNIT, 1.0))


def _nothing(work: _Work, reason: str) -> Localisation:
    blank = np.zeros_like(work.luma)
    return Localisation(
        box=None, confidence=0.0, siblings_used=0, diff_png=_png(blank), reason=reason
    )


def _comparable(sibling: _Work, work: _Work) -> bool:
    """Big enough, and of a size a crop or border could explain: keeps the FFTs small."""
    ratio = max(sibling.luma.shape) / max(work.luma.shape)
    big = localisable(*sibling.size) and min(sibling.luma.shape) >= MIN_SIDE
    return bool(big and 0.35 <= ratio <= 3.0)


def _prepare(data: bytes) -> _Work:
    """Decode, trim borders and caption bars, and bring the content to WORK_SIDE.

    Small pictures are enlarged (up to MAX_ENLARGE) and large ones reduced, so
    every member's content has about the same longest side whatever the sender
    did: the scale search then only has crops to explain.
    """
    decoded = decode_image(data, max_side=WORK_SIDE * 2)
    image = decoded.image
    left, top, right, bottom = content_box(np.asarray(image.convert("L"), dtype=np.float64))
    image = image.crop((left, top, right, bottom))
    scale = min(MAX_ENLARGE, WORK_SIDE / max(image.size))
    size = (max(8, round(image.width * scale)), max(8, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(1.2))
    rgb = np.asarray(image, dtype=np.float64)
    luma = rgb @ np.array([0.299, 0.587, 0.114])
    chroma = np.stack([0.564 * (rgb[..., 2] - luma), 0.713 * (rgb[..., 0] - luma)], axis=2)
    grey = float(np.abs(chroma).mean()) < 1.0
    per_original = decoded.image.width / decoded.width  # decoded pixels per file pixel
    return _Work(
        luma=luma, chroma=None if grey else chroma, scale=scale * per_original,
        offset=(left / per_original, top / per_original), size=(decoded.width, decoded.height),
    )  # fmt: skip


def content_box(grey: Array) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of a picture without its plain borders and caption bars.

    From each side, lines are dropped while most of their pixels (PLAIN_SHARE)
    sit within PLAIN_TOLERANCE grey levels of the outermost line's usual value:
    a solid border, or a bar with a line of text on it. The trimmed lines must
    end in a step of MIN_STEP grey levels (a gradual sky is not a border), and
    at most MAX_TRIM of a side goes, so a picture never loses its middle. A
    side is trimmed again from where the last trim stopped (TRIM_PASSES), so a
    caption bar inside a border goes too.
    """
    h, w = grey.shape
    edges = []
    for lines, limit in ((grey, h), (grey[::-1], h), (grey.T, w), (grey.T[::-1], w)):
        count = 0
        for _ in range(TRIM_PASSES):
            further = _plain_lines(lines, limit, count)
            if further == count:
                break
            count = further
        edges.append(count)
    top, bottom, left, right = edges
    if h - top - bottom < 8 or w - left - right < 8:
        return 0, 0, w, h
    return left, top, w - right, h - bottom


def _plain_lines(lines: Array, limit: int, start: int) -> int:
    """Where a border or caption bar starting at line `start` ends (`start` if there is none).

    A bar's text lines keep only part of their pixels at the bar's value (a
    large font over a dark bar: 50-80%), so lines of TEXT_SHARE are crossed when
    the bar's edge line is SOLID and a SOLID line closes them within TEXT_RUN
    of the side; otherwise the trim stops at the first line that is not plain,
    as for a border. Either way the trim must end in a step (see content_box).
    """
    stop = int(MAX_TRIM * limit)
    if start >= stop:
        return start
    reference = float(np.median(lines[start]))
    shares = np.mean(np.abs(lines[start:stop] - reference) <= PLAIN_TOLERANCE, axis=1)
    is_plain = shares >= PLAIN_SHARE
    plain = len(shares) if bool(is_plain.all()) else int(np.argmin(is_plain))
    bar, run = 0, 0
    if shares[0] >= SOLID_SHARE:
        for i, share in enumerate(shares):
            if share >= (SOLID_SHARE if run else PLAIN_SHARE):
                bar, run = i + 1, 0
            elif share >= TEXT_SHARE and run < TEXT_RUN * limit:
                run += 1
            else:
                break
    for count in (start + bar, start + plain):  # the bar with its text first, then plain lines
        if start < count < limit and np.mean(np.abs(lines[count] - lines[count - 1])) >= MIN_STEP:
            return count
    return start


def align(sibling: Array, target: Array) -> Alignment:
    """Best scale, mirror and shift of `sibling` onto `target` (both work-size luma).

    Three steps, each cheap: a scale and mirror search on small copies, a finer
    scale search at half size, and a one-pixel shift search at work size.
    """
    factor = min(1.0, COARSE_SIDE / max(target.shape))  # never enlarge: FFT sizes stay bounded
    coarse = _Correlator(_resize(target, factor), max(sibling.shape) * factor * SCALES[-1])
    finals = []
    for mirrored in (False, True):  # the best of each, refined: small copies misjudge mirrors
        source = sibling[:, ::-1] if mirrored else sibling
        best = Alignment(scale=1.0, mirrored=mirrored, dx=0, dy=0, match=-1.0)
        for scale in SCALES:
            candidate = coarse.attempt(source, scale * factor, mirrored)
            if candidate.rank > best.rank:
                best = candidate
        rough = _refine(sibling, target, best.scale / factor, mirrored)
        finals.append(_polish(sibling, target, rough))
    best = max(finals, key=lambda a: a.rank)
    moved = _resize(sibling[:, ::-1] if best.mirrored else sibling, best.scale)
    # What MIN_MATCH is compared with: all the overlap's pixels, as before the ranking left
    # out the worst share, or, lifted to MIN_MATCH, a robust match of ROBUST_MIN or more
    # (a dark room's copies: 0.37-0.59 over all pixels, 0.98-1.0 robustly).
    match = _overlap_correlation(moved, target, best.dx, best.dy)
    if _robust_correlation(moved, target, best.dx, best.dy) >= ROBUST_MIN:
        match = max(match, MIN_MATCH)
    return Alignment(scale=best.scale, mirrored=best.mirrored, dx=best.dx, dy=best.dy,
                     match=match, rank=best.rank)  # fmt: skip


def _refine(sibling: Array, target: Array, scale: float, mirrored: bool) -> Alignment:
    """Scales between the coarse one's neighbours (the coarse grid steps 6.7%), at half size."""
    source = sibling[:, ::-1] if mirrored else sibling
    half = 0.5
    fine = _Correlator(_resize(target, half), max(sibling.shape) * scale * half * 1.05)
    best = Alignment(scale=scale, mirrored=mirrored, dx=0, dy=0, match=-1.0)
    for step in (-0.03, -0.015, 0.0, 0.015, 0.03):
        candidate = fine.attempt(source, scale * (1.0 + step) * half, mirrored)
        if candidate.rank > best.rank:
            best = candidate
    return Alignment(
        scale=best.scale / half, mirrored=mirrored, dx=round(best.dx / half),
        dy=round(best.dy / half), match=best.match, rank=best.rank,
    )  # fmt: skip


def _polish(sibling: Array, target: Array, rough: Alignment) -> Alignment:
    """The best scale within 2% and shift within a pixel of the half-size one, at work size.

    The half-size search misjudges scale by a percent or two on pictures whose
    structure is mostly horizontal (a horizon, bands of sky); a wrong scale then
    loses at work size to a wrong mirror and shift that happens to fit better.
    """
    source = sibling[:, ::-1] if rough.mirrored else sibling
    target_grad = _strength(target)
    cy, cx = source.shape[0] / 2.0, source.shape[1] / 2.0
    best = rough
    for step in POLISH_SCALES:
        scale = rough.scale * step
        moved = _resize(source, scale)
        moved_grad = _strength(moved)
        # keep the sibling's centre where the rough alignment put it
        oy = round(rough.dy + cy * (rough.scale - scale))
        ox = round(rough.dx + cx * (rough.scale - scale))
        for dy in (oy - 1, oy, oy + 1):
            for dx in (ox - 1, ox, ox + 1):
                match = _robust_correlation(moved, target, dx, dy)
                rank = match + _overlap_correlation(moved_grad, target_grad, dx, dy)
                if best is rough or rank > best.rank:
                    best = Alignment(scale=scale, mirrored=rough.mirrored, dx=dx, dy=dy,
                                     match=match, rank=rank)  # fmt: skip
    return best


def _compress(mag: Array) -> Array:
    """Edge strength relative to its neighbourhood's (EDGE_NORM): a face's outline on a dark
    room counts no more than the room's own faint edges, so the picture, not the face, aligns."""
    return np.asarray(mag / (ndimage.uniform_filter(mag, size=EDGE_NORM) + 1.0))


def _strength(luma: Array) -> Array:
    """Edge strength: a smooth sky or a gradient correlates with anything, edges do not."""
    gy, gx = np.gradient(luma)
    return np.asarray(_compress(np.hypot(gx, gy)), dtype=np.float64)


class _Correlator:
    """Cross-correlation against one target, its transform computed once for many attempts."""

    def __init__(self, target: Array, longest_moved: float) -> None:
        pad = int(np.ceil(longest_moved)) + 1
        self.target = target
        self.shape = (
            sfft.next_fast_len(target.shape[0] + pad, real=True),
            sfft.next_fast_len(target.shape[1] + pad, real=True),
        )
        self.spectrum = sfft.rfft2(_edges(target), s=self.shape)
        self.strength = _strength(target)

    def attempt(self, source: Array, scale: float, mirrored: bool) -> Alignment:
        moved = _resize(source, scale)
        best = Alignment(scale=scale, mirrored=mirrored, dx=0, dy=0, match=-1.0)
        if min(moved.shape) < 4 or max(moved.shape) >= min(self.shape):
            return best
        strength = _strength(moved)
        for dy, dx in self._peaks(moved):
            match = _robust_correlation(moved, self.target, dx, dy)
            rank = match + _overlap_correlation(strength, self.strength, dx, dy)
            if rank > best.rank:
                best = Alignment(scale=scale, mirrored=mirrored, dx=dx, dy=dy, match=match,
                                 rank=rank)  # fmt: skip
        return best

    def _peaks(self, moved: Array) -> list[tuple[int, int]]:
        """Shifts (dy, dx) at the highest peaks of a half-whitened correlation of edge maps.

        Edge maps with tapered borders, so the picture's own frame (and borders or
        captions added by the sender) do not lock the correlation at zero overlap.
        """
        h, w = self.shape
        cross = self.spectrum * np.conj(sfft.rfft2(_edges(moved), s=self.shape))
        surface = sfft.irfft2(cross / (np.sqrt(np.abs(cross)) + 1e-9), s=self.shape)
        shifts = []
        for _ in range(PEAKS):
            dy, dx = (int(v) for v in np.unravel_index(int(np.argmax(surface)), surface.shape))
            surface[max(0, dy - 3) : dy + 4, max(0, dx - 3) : dx + 4] = -np.inf
            shifts.append((dy - h if dy > h // 2 else dy, dx - w if dx > w // 2 else dx))
        return shifts


def _edges(luma: Array) -> Array:
    """Gradient magnitude, zero mean, faded out over the outer 10% of each side."""
    gy, gx = np.gradient(luma)
    mag = _compress(np.hypot(gx, gy))
    taper = np.outer(_ramp(luma.shape[0]), _ramp(luma.shape[1]))
    return np.asarray((mag - mag.mean()) * taper, dtype=np.float64)


def _ramp(n: int) -> Array:
    edge = max(1, n // 10)
    ramp = np.ones(n)
    ramp[:edge] = np.linspace(0.0, 1.0, edge, endpoint=False)
    ramp[n - edge :] = ramp[:edge][::-1]
    return ramp


def _robust_correlation(moved: Array, target: Array, dx: int, dy: int) -> float:
    """Zero-mean correlation over the overlap, leaving out the pixels that disagree most.

    Both sides standardised, the (1 - ROBUST_KEEP) share of pixels with the largest
    difference is dropped (where the target's and the sibling's faces are), so two copies
    with faces at their own places match by their shared picture; over all pixels, a
    dark picture's copies matched best face onto face, at a wrong scale and shift.
    """
    both = _overlap(moved, target, dx, dy)
    if both is None:
        return -1.0
    a, b = both[0].ravel(), both[1].ravel()
    sa, sb = a.std(), b.std()
    if sa <= 0 or sb <= 0:
        return -1.0
    za, zb = (a - a.mean()) / sa, (b - b.mean()) / sb
    resid = np.abs(za - zb)
    k = int(ROBUST_KEEP * resid.size)
    cut = np.partition(resid, k)[k]
    keep = resid <= cut
    a, b = a[keep], b[keep]
    a, b = a - a.mean(), b - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 0 else -1.0


def _overlap(moved: Array, target: Array, dx: int, dy: int) -> tuple[Array, Array] | None:
    """(target's, sibling's) pixels where the shifted sibling covers the target; None if
    they barely meet."""
    y0, x0 = max(0, dy), max(0, dx)
    y1, x1 = min(target.shape[0], dy + moved.shape[0]), min(target.shape[1], dx + moved.shape[1])
    # crops keep >= 64% of a picture; two negative sides would multiply to a positive area
    if max(0, y1 - y0) * max(0, x1 - x0) < 0.4 * target.size:
        return None
    return target[y0:y1, x0:x1], moved[y0 - dy : y1 - dy, x0 - dx : x1 - dx]


def _overlap_correlation(moved: Array, target: Array, dx: int, dy: int) -> float:
    """Zero-mean correlation where the shifted sibling covers the target; -1 if they barely meet."""
    both = _overlap(moved, target, dx, dy)
    if both is None:
        return -1.0
    a, b = both
    a, b = a - a.mean(), b - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 0 else -1.0


def _place_work(sibling: _Work, shape: tuple[int, ...], alignment: Alignment,
                grey: bool) -> tuple[Array, Array | None]:  # fmt: skip
    """The sibling's luma and chroma in the target's work pixels; NaN where it has none."""
    luma = _place(sibling.luma, shape, alignment)
    if grey or sibling.chroma is None:
        return luma, None
    chroma = [_place(sibling.chroma[..., k], shape, alignment) for k in range(2)]
    return luma, np.stack(chroma, axis=2)


def _difference(luma: Array, chroma: Array | None, placed: tuple[Array, Array | None]) -> Array:
    """Per-pixel difference of a picture and a placed sibling; NaN where the sibling has none."""
    other_luma, other_chroma = placed
    diff = _distance_to_range(luma, other_luma)
    if chroma is not None and other_chroma is not None:
        for k in range(2):
            diff = diff + _distance_to_range(chroma[..., k], other_chroma[..., k])
    return diff


def _pair_differences(placed: list[tuple[Array, Array | None]]) -> dict[tuple[int, int], Array]:
    """Each pair (i < j) of aligned siblings' difference, NaN where either has no pixels.

    Their median is where the siblings differ among themselves: where the campaign
    pastes, if it pastes at a common place (each sibling carries its own face
    there), whatever the target did to its own copy: a caption or border of the
    target's, a crop's fringe or a grayscale copy's colours differ from every
    sibling but not between siblings. The median over pairs, so one sibling's own
    caption does not count.
    """
    pairs = {}
    for i, first in enumerate(placed):
        luma = np.nan_to_num(first[0], nan=-1e6)  # uncovered: masked out below
        chroma = None if first[1] is None else np.nan_to_num(first[1], nan=-1e6)
        for j in range(i + 1, len(placed)):
            diff = _difference(luma, chroma, placed[j])
            pairs[(i, j)] = np.where(np.isnan(first[0]), np.nan, diff)
    return pairs


def _distance_to_range(target: Array, placed: Array) -> Array:
    """How far each target pixel lies outside the range of the sibling's pixels within SLACK.

    Resampling leaves siblings up to a pixel or two off; a plain difference then
    draws every edge of the shared picture, while a pasted face lies outside
    anything nearby.
    """
    missing = np.isnan(placed)
    size = 2 * SLACK + 1
    high = ndimage.maximum_filter(np.where(missing, -np.inf, placed), size=size)
    low = ndimage.minimum_filter(np.where(missing, np.inf, placed), size=size)
    outside = np.maximum(np.maximum(target - high, low - target), 0.0)
    return np.where(missing, np.nan, outside)


def _place(channel: Array, shape: tuple[int, ...], alignment: Alignment) -> Array:
    source = channel[:, ::-1] if alignment.mirrored else channel
    moved = _resize(source, alignment.scale)
    canvas = np.full(shape[:2], np.nan)
    dy, dx = alignment.dy, alignment.dx
    y0, x0 = max(0, dy), max(0, dx)
    y1, x1 = min(shape[0], dy + moved.shape[0]), min(shape[1], dx + moved.shape[1])
    if y1 > y0 and x1 > x0:
        canvas[y0:y1, x0:x1] = moved[y0 - dy : y1 - dy, x0 - dx : x1 - dx]
    return canvas


def _patches(diffs: list[Array]) -> Array:
    """5x5 means of each difference, NaN where (or near where) the sibling has no pixels."""
    patches = []
    for diff in diffs:
        covered = ndimage.binary_erosion(~np.isnan(diff), iterations=EDGE_GUARD)
        smooth = ndimage.uniform_filter(np.nan_to_num(diff), size=PATCH)
        patches.append(np.where(covered, smooth, np.nan))
    return np.stack(patches)


def _consensus(diffs: list[Array]) -> Array:
    """Per pixel, the median patch difference over the differences covering it; 0 if few do.

    Patches (5x5 means) rather than pixels, so a sibling's face that happens to
    share the target's skin tone at one pixel does not hide the target's face.
    The median, not the smallest: siblings carry faces of their own at the same
    place, and faces drawn alike (or Poisson-cloned into the same background)
    match the target's face in places; a few siblings' misalignment or edits
    are outvoted. A pixel counts only when at least half the differences cover
    it, so a band the target alone has (a caption appended, a border) is out.
    """
    stack = np.sort(_patches(diffs), axis=0)  # NaN sorts last; np.nanmedian is far slower
    covered_by = np.sum(~np.isnan(stack), axis=0)
    low = np.take_along_axis(stack, np.maximum(0, (covered_by - 1) // 2)[None], axis=0)[0]
    high = np.take_along_axis(stack, np.minimum(len(diffs) - 1, covered_by // 2)[None], axis=0)[0]
    enough = covered_by >= max(1, (len(diffs) + 1) // 2)
    return np.where(enough, np.nan_to_num((low + high) / 2.0), 0.0)


def _smallest(diffs: list[Array]) -> Array:
    """Per pixel, the k-th smallest patch difference (k = a tenth of the siblings); 0 if uncovered.

    Where the target shows the base picture, some sibling shows it too, even when
    most siblings have their faces there (senders move the face a little from
    copy to copy): only the target's own face differs from (nearly) all of them.
    """
    stack = np.sort(_patches(diffs), axis=0)  # NaN sorts last
    k = int(0.1 * len(diffs))
    covered_by = np.sum(~np.isnan(stack), axis=0)
    return np.where(covered_by > k, np.nan_to_num(stack[k]), 0.0)


def _box_from_evidence(
    evidence: Array, seeds: Array, work: _Work, used: int, min_diff: float
) -> Localisation:
    """The box of the biggest region grown from seeds into evidence (see _region)."""
    region = _region(evidence, seeds, min_diff)
    if region is None:
        return Localisation(
            box=None, confidence=0.0, siblings_used=used,
            diff_png=_png(ndimage.uniform_filter(evidence, size=PATCH)),
            reason=f"target agrees with its {used} aligned siblings everywhere",
        )  # fmt: skip
    reason = f"region differs from most of {used} aligned siblings, where they differ too"
    return _box_from_region(region, evidence, work, used, reason)


def _region(evidence: Array, seeds: Array, min_diff: float) -> _Region | None:
    """The biggest region grown from where the target differs from (nearly) every sibling
    (`seeds`) into where it differs from most of them (`evidence`); None if there is none.

    Seeds alone miss most of a face that siblings' faces resemble, or whose outline
    was blended away; the median alone takes a spot where most siblings put their
    faces for the target's, though the target shows the base picture there.
    """
    smooth = ndimage.uniform_filter(evidence, size=PATCH)
    threshold = max(min_diff, THRESHOLD_SHARE * float(np.percentile(smooth, 99.5)))
    seed_smooth = ndimage.uniform_filter(seeds, size=PATCH)
    seed_threshold = max(min_diff, THRESHOLD_SHARE * float(np.percentile(seed_smooth, 99.5)))
    weak = (smooth > GROW_SHARE * threshold) & (seed_smooth > SEED_GROW * seed_threshold)
    strong = ndimage.binary_propagation((seed_smooth > seed_threshold) & weak, mask=weak)
    blob = ndimage.binary_closing(strong, iterations=CLOSING)
    blob = ndimage.binary_opening(ndimage.binary_fill_holes(blob), iterations=2)
    labels, count = ndimage.label(blob)
    if count == 0:
        return None
    sizes = ndimage.sum_labels(blob, labels, range(1, count + 1))
    mask = np.asarray(labels == int(np.argmax(sizes)) + 1)
    return _Region(mask=mask, share=float(sizes.max() / sizes.sum()))


def _box_from_region(region: _Region, evidence: Array, work: _Work, used: int,
                     reason: str) -> Localisation:  # fmt: skip
    """The region's box in the target's own pixels, with a confidence and the evidence's PNG."""
    smooth = ndimage.uniform_filter(evidence, size=PATCH)
    x0, y0, x1, y1 = _work_box(region.mask)
    inv, (ox, oy) = 1.0 / work.scale, work.offset
    box = (
        int(ox + x0 * inv), int(oy + y0 * inv),
        int(np.ceil(ox + x1 * inv)), int(np.ceil(oy + y1 * inv)),
    )  # fmt: skip
    confidence = _confidence(smooth, region.mask, region.share, used)
    return Localisation(
        box=box, confidence=confidence, siblings_used=used, diff_png=_png(smooth), reason=reason
    )


def _confidence(smooth: Array, region: NDArray[np.bool_], share: float, used: int) -> float:
    """High when the region stands out strongly, is the only one, and several siblings agree."""
    inside, outside = float(smooth[region].mean()), float(smooth[~region].mean())
    contrast = (inside - outside) / (inside + 1e-9)
    return float(np.clip(contrast * share * min(1.0, used / 3.0), 0.0, 1.0))


def _resize(channel: Array, scale: float) -> Array:
    h, w = channel.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    image = Image.fromarray(channel.astype(np.float32), "F")
    return np.asarray(image.resize(size, Image.Resampling.BILINEAR), dtype=np.float64)


def _png(evidence: Array) -> bytes:
    top = max(float(evidence.max()), MIN_DIFF)
    grey = np.clip(evidence / top * 255.0, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(grey, "L").save(out, "PNG")
    return out.getvalue()
