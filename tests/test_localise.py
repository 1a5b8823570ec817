"""Localising the pasted face of one campaign picture by aligning it with its siblings."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from fixtures.localiseset import DEV, localise_groups, paste
from fixtures.pictures import PastePlan, encode, make_scene, paste_face
from triage.imagedecode import ImageRefused
from triage.manipulation import localise, localise_in_group
from triage.manipulation.localise import align, content_box

Box = tuple[int, int, int, int]
BASE = "test-localise-base"


def _member(k: int, dx: int = 0) -> tuple[Image.Image, Box]:
    plan = PastePlan(base=BASE, face=f"test-localise-face-{k}", center=(250 + dx, 160),
                     face_width=100 + 4 * k, mask="hard", colour_match=False, quality=85,
                     post_scale=None, transforms=(), seed=f"test-localise-{k}")  # fmt: skip
    return paste_face(make_scene(BASE), plan)


def _iou(a: Box, b: Box) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _siblings() -> list[bytes]:
    """Four siblings, each disguised differently: mirrored, cropped, bordered+grey, resized."""
    out = []
    image, _ = _member(1, dx=-15)
    out.append(encode(ImageOps.mirror(image), 80))
    image, _ = _member(2, dx=12)
    out.append(encode(image.crop((30, 20, 450, 340)), 70))
    image, _ = _member(3, dx=5)
    out.append(encode(ImageOps.expand(image.convert("L"), border=20, fill=200), 75))
    image, _ = _member(4, dx=-8)
    out.append(encode(image.resize((336, 252), Image.Resampling.BICUBIC), 60))
    return out


def test_pasted_face_is_found_among_disguised_siblings() -> None:
    target, box = _member(0)
    found = localise_in_group(encode(target, 85), _siblings())
    assert found.siblings_used == 4
    assert found.box is not None and _iou(found.box, box) >= 0.5
    assert found.confidence > 0.3


def test_box_is_in_the_target_own_pixels_when_it_was_resized_and_mirrored() -> None:
    target, (x0, y0, x1, y1) = _member(0)
    small = ImageOps.mirror(target).resize((360, 270), Image.Resampling.BICUBIC)
    s = 360 / 480
    expected = (round((480 - x1) * s), round(y0 * s), round((480 - x0) * s), round(y1 * s))
    found = localise_in_group(encode(small, 80), _siblings())
    assert found.box is not None and _iou(found.box, expected) >= 0.5


def test_difference_picture_is_a_png_bright_on_the_face() -> None:
    target, box = _member(0)
    found = localise_in_group(encode(target, 85), _siblings())
    diff = np.asarray(Image.open(io.BytesIO(found.diff_png)), dtype=np.float64)
    s = diff.shape[1] / 480
    x0, y0, x1, y1 = (round(v * s) for v in box)
    assert diff[y0:y1, x0:x1].mean() > 3 * diff.mean()


@pytest.mark.parametrize(
    ("mirrored", "scale"), [(False, 1.0), (True, 1.0), (False, 0.8), (True, 1.25)]
)
def test_align_recovers_mirror_and_scale(mirrored: bool, scale: float) -> None:
    scene = np.asarray(make_scene("test-align").convert("L"), dtype=np.float64)[::2, ::2]
    h, w = scene.shape
    moved = scene[:, ::-1] if mirrored else scene
    size = (round(w * scale), round(h * scale))
    moved = np.asarray(
        Image.fromarray(moved.astype(np.float32), "F").resize(size), dtype=np.float64
    )
    found = align(moved, scene)
    assert found.mirrored == mirrored
    assert found.scale == pytest.approx(1 / scale, rel=0.03)
    assert found.match > 0.8


def test_without_siblings_there_is_no_box() -> None:
    target, _ = _member(0)
    found = localise_in_group(encode(target, 85), [])
    assert found.box is None and found.confidence == 0.0 and found.siblings_used == 0
    assert found.diff_png.startswith(b"\x89PNG")


def test_unrelated_pictures_are_not_used_as_siblings() -> None:
    target, _ = _member(0)
    strangers = [encode(make_scene(f"test-stranger-{k}"), 85) for k in range(3)]
    found = localise_in_group(encode(target, 85), strangers)
    assert found.siblings_used == 0 and found.box is None


def test_undecodable_sibling_is_skipped_and_undecodable_target_refused() -> None:
    target, _ = _member(0)
    found = localise_in_group(encode(target, 85), [b"garbage", *_siblings()])
    assert found.siblings_used == 4 and found.box is not None
    with pytest.raises(ImageRefused):
        localise_in_group(b"\xff\xd8\xff truncated", _siblings())


def test_tiny_or_odd_target_gives_no_box_rather_than_a_crash() -> None:
    out = io.BytesIO()
    Image.new("RGB", (3, 3), "red").save(out, "PNG")
    found = localise_in_group(out.getvalue(), _siblings())
    assert found.box is None and found.confidence == 0.0 and found.siblings_used == 0


# ---- campaign evidence: what localisation adds to a picture's score ----


def test_campaign_evidence_needs_a_compact_region_and_two_siblings() -> None:
    from triage.manipulation.campaign import campaign_evidence, combine
    from triage.manipulation.localise import Localisation

    def found(box: Box | None, used: int, confidence: float = 0.7) -> Localisation:
        return Localisation(box=box, confidence=confidence, siblings_used=used, diff_png=b"",
                            reason="")  # fmt: skip

    face = campaign_evidence(found((100, 80, 200, 200), 4), 480, 360)
    assert face.probability == 0.7 and "4 aligned campaign siblings" in face.reason
    assert campaign_evidence(found(None, 4), 480, 360).probability == 0.0
    # where no box was drawn, the stored reason is the localiser's, not a guess at it
    small = Localisation(box=None, confidence=0.0, siblings_used=0, diff_png=b"",
                         reason="picture too small (48x36) to locate a paste in")  # fmt: skip
    assert "too small (48x36)" in campaign_evidence(small, 48, 36).reason
    assert campaign_evidence(found((100, 80, 200, 200), 1), 480, 360).probability == 0.0
    assert campaign_evidence(found((0, 0, 480, 360), 4), 480, 360).probability == 0.0  # all
    assert campaign_evidence(found((100, 80, 200, 200), 4, 2.0), 480, 360).probability < 1.0
    assert combine(0.2, 0.7) == pytest.approx(0.76)
    assert combine(None, 0.0) == 0.0 and combine(0.9, 0.0) == 0.9  # never lowers


def test_localised_campaign_raises_stored_scores_with_the_reason(tmp_path: Path) -> None:
    from tests.test_cluster import corpus, ingest
    from triage.pipeline import localise_campaigns
    from triage.queries import list_clusters, show_cluster

    items = corpus()
    ws = ingest(tmp_path, [(k, items[k]) for k in ("a0", "a1", "a2", "a3", "n0")])
    [campaign] = list_clusters(ws.store, include_all=False)
    before = campaign["max_manipulation"]
    localise_campaigns(ws, [campaign["id"]])
    images = [i for m in show_cluster(ws.store, campaign["id"])["messages"] for i in m["images"]]
    raised = [i for i in images if i["manipulation_campaign"]]
    assert raised, "no campaign member gained campaign evidence"
    for image in images:
        assert image["manipulation"] >= image["manipulation_picture"]
    for image in raised:
        assert image["manipulation"] > image["manipulation_picture"]
        assert "aligned campaign siblings" in image["manipulation_campaign_reason"]
    [after] = list_clusters(ws.store, include_all=False)
    assert after["max_manipulation"] >= before
    assert after["max_manipulation"] == max(i["manipulation"] for i in images)


# ---- the target's own edits are not the paste; blended pastes are still found ----


def _plain_siblings(count: int = 5) -> list[bytes]:
    return [encode(_member(k, dx=3 * k - 6)[0], 80) for k in range(1, count + 1)]


def _one_channel_jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("L").save(out, "JPEG", quality=80)
    return out.getvalue()


def test_caption_laid_over_a_grayscale_copy_is_not_taken_for_the_paste() -> None:
    target, box = _member(0)
    draw = ImageDraw.Draw(target)
    draw.rectangle((0, 0, 480, 48), fill=(20, 20, 30))  # over the picture: siblings cover it
    draw.text((10, 8), "PAY NOW OR EVERYONE SEES", fill="white",
              font=ImageFont.load_default(size=28))  # fmt: skip
    found = localise_in_group(_one_channel_jpeg(target), _plain_siblings())
    assert found.siblings_used == 5
    assert found.box is not None and _iou(found.box, box) >= 0.5
    assert found.box[1] > 48  # not the caption band


def test_striped_border_and_appended_caption_do_not_move_the_box() -> None:
    target, (x0, y0, x1, y1) = _member(0)
    framed = Image.new("RGB", (target.width + 40, target.height + 40), (230, 30, 30))
    draw = ImageDraw.Draw(framed)
    for i in range(0, framed.width + framed.height, 12):
        draw.line((i, 0, i - framed.height, framed.height), fill=(20, 200, 40), width=6)
    framed.paste(target, (20, 20))
    captioned = Image.new("RGB", (framed.width, framed.height + 50), (250, 250, 250))
    captioned.paste(framed, (0, 0))
    ImageDraw.Draw(captioned).text((10, framed.height + 10), "LAST CHANCE", fill="red",
                                   font=ImageFont.load_default(size=30))  # fmt: skip
    found = localise_in_group(encode(ImageOps.mirror(captioned), 80), _plain_siblings())
    w = captioned.width
    expected = (w - (x1 + 20), y0 + 20, w - (x0 + 20), y1 + 20)
    assert found.box is not None and _iou(found.box, expected) >= 0.5


def _found_leaving_each_out(data: list[bytes], boxes: list[Box]) -> int:
    """How many members' faces are found (IoU 0.5) against the group's other members."""
    hits = 0
    for k, box in enumerate(boxes):
        found = localise_in_group(data[k], data[:k] + data[k + 1 :])
        hits += found.box is not None and _iou(found.box, box) >= 0.5
    return hits


def test_poisson_cloned_faces_are_found_though_their_outline_blends_in() -> None:
    base = make_scene(BASE)
    members = []
    for k in range(6):
        rng = random.Random(f"test-localise-clone-{k}")
        members.append(paste(base, f"test-localise-clone-face-{k}", (250, 180, 96), "seamless",
                             rng))  # fmt: skip
    assert _found_leaving_each_out([encode(image, 85) for image, _ in members],
                                   [box for _, box in members]) >= 5  # fmt: skip


def test_faces_in_a_low_contrast_picture_are_found() -> None:
    """A foggy or dark copy: the whole campaign's contrast cut to a tenth, faces included."""
    members = []
    for k in range(6):
        image, box = _member(k, dx=(-9, 0, 7, -4, 11, 3)[k])
        members.append((image.point(lambda v: 110 + v // 10), box))
    assert _found_leaving_each_out([encode(image, 90) for image, _ in members],
                                   [box for _, box in members]) >= 5  # fmt: skip


def test_unpasted_copies_of_a_dark_picture_give_no_box() -> None:
    """The contrast-scaled floors must stay above what resizing and JPEG leave behind."""
    from fixtures.linkset import base_picture

    base = base_picture("night", "nopaste:night:1", size=(560, 420))
    rng = random.Random(1)
    data = []
    for _ in range(6):
        s = rng.uniform(0.7, 1.0)
        copy = base.resize((round(560 * s), round(420 * s)), Image.Resampling.BICUBIC)
        data.append(encode(copy, rng.randrange(60, 95)))
    for k in (0, 4):
        assert localise_in_group(data[k], data[:k] + data[k + 1 :]).box is None


# ---- faint pictures: caption bars trimmed, floors set by the siblings' own disagreement ----


def test_caption_bar_with_large_text_over_a_faint_picture_is_trimmed() -> None:
    """Lines through the text keep only part of their pixels at the bar's colour; the trim
    crosses them to the bar's far edge instead of stopping at the text."""
    faint = make_scene(BASE).point(lambda v: 110 + v // 10)
    draw = ImageDraw.Draw(faint)
    draw.rectangle((0, 0, faint.width, 47), fill=(25, 25, 35))
    draw.text((8, 6), "EVERYONE WILL SEE", fill="white", font=ImageFont.load_default(size=34))
    grey = np.asarray(faint.convert("L"), dtype=np.float64)
    left, top, right, bottom = content_box(grey)
    assert 48 <= top <= 50
    assert (left, right, bottom) == (0, faint.width, faint.height)


def test_plain_faint_picture_keeps_its_edges() -> None:
    faint = make_scene(BASE).point(lambda v: 110 + v // 10)
    grey = np.asarray(faint.convert("L"), dtype=np.float64)
    assert content_box(grey) == (0, 0, faint.width, faint.height)


def _dev_group(seed: str, pasted: bool) -> tuple[list[bytes], list[Box | None]]:
    """A campaign of the development part: a hazy or dim base, faces matched to the scene."""
    members = localise_groups(seed, DEV, campaigns=1, pasted=pasted)[0]
    return [m.data for m in members], [m.box for m in members]


def test_colour_matched_faces_in_a_hazy_picture_are_found_against_their_siblings() -> None:
    """Faces histogram-matched to the haze around them differ from their siblings by 2-5 grey
    levels, under the contrast floor of 4; the siblings' own disagreement there is well under
    one level (1 of 7 found with the contrast floor alone)."""
    data, boxes = _dev_group("test-a", pasted=True)
    assert all(box is not None for box in boxes)
    assert _found_leaving_each_out(data, [b for b in boxes if b is not None]) >= 5


def test_unpasted_copies_of_a_hazy_picture_give_no_box() -> None:
    """The same campaign's copies without faces: the lowered floors find nothing to box."""
    data, _ = _dev_group("test-a", pasted=False)
    for k in (0, 3, 6):  # overlaid caption + crop, a crop, a mirror
        assert localise_in_group(data[k], data[:k] + data[k + 1 :]).box is None


def test_box_does_not_grow_past_the_face_of_a_cropped_corpus_picture() -> None:
    """A cropped member of a fixture-corpus campaign whose box, when local pattern was compared
    too (reverted), grew to twice the face's width (IoU 0.48)."""
    from bench.corpus_images import extortion_images

    images, _ = extortion_images()
    group = [image for image in images if image.group == "camp-2:camp-2-base-1"]
    target = group[4]
    assert target.transforms == ("crop",)
    found = localise_in_group(target.data, [image.data for image in group if image is not target])
    assert found.box is not None and _iou(found.box, target.paste_box) >= 0.7
    x0, y0, x1, y1 = target.paste_box
    mx, my = (x1 - x0) // 5, (y1 - y0) // 5  # a fifth of the face beyond it on any side, at most
    assert found.box[0] >= x0 - mx and found.box[2] <= x1 + mx
    assert found.box[1] >= y0 - my and found.box[3] <= y1 + my


def test_a_shift_that_leaves_no_overlap_scores_as_no_match():
    """A sibling shifted past both edges shares no pixel with the target: the two negative
    sides of the overlap once multiplied to a positive area and gave a NaN correlation."""
    target = np.arange(100, dtype=np.float32).reshape(10, 10)
    assert localise._overlap_correlation(target, target, -30, -30) == -1.0
    assert localise._overlap_correlation(target, target, 0, 0) == pytest.approx(1.0)


# ---- faces pasted at each copy's own place; marks every sibling shares are not pastes ----

_OWN_PLACES = ((110, 90), (370, 100), (120, 270), (360, 260), (240, 175), (250, 80))


def _own_place_member(k: int, base: Image.Image | None = None) -> tuple[Image.Image, Box]:
    """The campaign's base with face k at a place and size of its own."""
    plan = PastePlan(base=BASE, face=f"test-localise-own-{k}", center=_OWN_PLACES[k],
                     face_width=70 + 6 * k, mask="hard", colour_match=False, quality=85,
                     post_scale=None, transforms=(), seed=f"test-localise-own-{k}")  # fmt: skip
    return paste_face(base if base is not None else make_scene(BASE), plan)


def _sticker(image: Image.Image) -> Image.Image:
    """One mark at one place, the same on every copy that carries it."""
    marked = image.copy()
    draw = ImageDraw.Draw(marked)
    draw.ellipse(STICKER, fill=(250, 210, 20), outline=(30, 30, 30), width=4)
    draw.text((352, 262), "XXX", fill=(200, 20, 20), font=ImageFont.load_default(size=26))
    return marked


def test_faces_pasted_at_each_copys_own_place_are_found() -> None:
    """Siblings show the base picture where the target has its face, so they do not differ
    among themselves there: the common place's test alone misses most of these."""
    members = [_own_place_member(k) for k in range(6)]
    data = [encode(image if k % 2 else ImageOps.mirror(image), 85 - 3 * k)
            for k, (image, _) in enumerate(members)]  # fmt: skip
    boxes = [box if k % 2 else (480 - box[2], box[1], 480 - box[0], box[3])
             for k, (_, box) in enumerate(members)]  # fmt: skip
    assert _found_leaving_each_out(data, boxes) >= 5


def test_the_base_picture_among_copies_with_faces_at_their_own_places_gets_no_box() -> None:
    siblings = [encode(_own_place_member(k)[0], 85) for k in range(6)]
    assert localise_in_group(encode(make_scene(BASE), 85), siblings).box is None


STICKER = (330, 230, 430, 330)


@pytest.mark.parametrize("faces", [True, False], ids=["faces_at_common_place", "no_faces"])
def test_a_clean_original_is_not_boxed_where_all_its_siblings_carry_one_sticker(
    faces: bool,
) -> None:
    """The original lacks the mark every sibling shares: it differs from each of them
    there, as a paste would, but no sibling has a region of its own elsewhere. (Where the
    siblings carry faces at a common place, the original lacks those too, and the common
    place's test boxes it there: a paste and its absence read alike to a difference.)"""
    siblings = []
    for k in range(1, 6):
        image = _member(k, dx=3 * k - 6)[0] if faces else make_scene(BASE)
        siblings.append(encode(_sticker(image), 80 + k))
    found = localise_in_group(encode(make_scene(BASE), 85), siblings)
    if faces:
        assert found.box is None or _iou(found.box, STICKER) == 0.0, found.reason
    else:
        assert found.box is None, found.reason


def test_a_copy_with_its_own_face_and_the_shared_sticker_is_found() -> None:
    members = [_own_place_member(k, _sticker(make_scene(BASE))) for k in range(5)]
    data = [encode(image, 85) for image, _ in members]
    found = localise_in_group(data[0], data[1:])
    assert found.box is not None and _iou(found.box, members[0][1]) >= 0.5
    assert "own" in found.reason
