"""Localising a campaign's paste in pictures sent small, and in pictures inside PDFs."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from bench.boxes import iou
from fixtures.containers import flate_pdf, placed_pdf
from fixtures.localiseset import TUNE, Member, localise_groups, send_small
from tests import mailbuild as mb
from tests.test_cluster import THREAT, W1, ingest
from triage.manipulation import localise_in_group
from triage.pipeline import localise_campaigns
from triage.queries import list_clusters, show_cluster


@pytest.fixture(scope="module")
def group() -> list[Member]:
    """Six copies of one base, a different face pasted in each, no other edit."""
    [members] = localise_groups("test-delivery", TUNE, campaigns=1, members=6, edit_rate=0.0)
    return members


def test_a_copy_sent_at_250_px_among_full_size_siblings_is_localised(
    group: list[Member],
) -> None:
    first = group[0]
    assert first.box is not None
    small, box, _ = send_small(first.data, first.box, random.Random(1), side=250)
    assert box is not None and max(Image.open(io.BytesIO(small)).size) == 250
    found = localise_in_group(small, [m.data for m in group[1:]])
    assert found.siblings_used == 5
    assert found.box is not None and iou(found.box, box) >= 0.5


def test_a_full_size_copy_is_still_localised_beside_small_siblings(group: list[Member]) -> None:
    target = group[0]
    assert target.box is not None
    rng = random.Random(2)
    siblings = [m.data for m in group[1:4]]
    siblings += [send_small(m.data, m.box, rng, side=200)[0] for m in group[4:]]
    found = localise_in_group(target.data, siblings)
    assert found.box is not None and iou(found.box, target.box) >= 0.5


def _mail(n: int, picture: bytes, pdf: bool = False) -> bytes:
    msg = mb.original(
        sender=f"Sender <s{n}@mail.test>", to=f"Member {n} <member{n}@legco.example>",
        subject=f"your photo {n}", body=THREAT.format(w=W1), message_id=f"<d{n}@x.test>",
        image=False,
    )  # fmt: skip
    if pdf:
        msg.add_attachment(picture, maintype="application", subtype="pdf", filename="letter.pdf")
    else:
        msg.add_attachment(picture, maintype="image", subtype="jpeg", filename=f"p{n}.jpg")
    return mb.raw(msg)


def test_pictures_from_pdfs_and_thumbnails_are_localised_in_their_own_pixels(
    group: list[Member], tmp_path: Path
) -> None:
    """One copy drawn small on an A4 letter (DCT), one stored Flate-compressed (the pipeline
    keeps a re-encoded picture): each box in that picture's pixels, not the page's. A
    thumbnail too small to join mail (150 px) is localised too; one of 48 px is not, and
    says why."""
    pdfs = {0: placed_pdf(group[0].data), 1: flate_pdf(group[1].data)}
    rng = random.Random(3)
    thumb, thumb_box, _ = send_small(group[2].data, group[2].box, rng, side=150)
    tiny, _, _ = send_small(group[3].data, group[3].box, rng, side=48)
    pictures = {2: thumb, 3: tiny}
    items = [(f"d{n}", _mail(n, pdfs[n], pdf=True)) for n in pdfs]
    items += [(f"d{n}", _mail(n, pictures.get(n, m.data))) for n, m in enumerate(group) if n > 1]
    ws = ingest(tmp_path, items)
    [campaign] = list_clusters(ws.store, include_all=False)
    assert localise_campaigns(ws, [campaign["id"]]) == len(group)
    shown = {m["source"]: m for m in show_cluster(ws.store, campaign["id"])["messages"]}
    [small] = shown["d2"]["images"]
    assert not small["linkable"] and thumb_box is not None
    assert small["paste_box"] is not None and iou(small["paste_box"], thumb_box) >= 0.5
    [smallest] = shown["d3"]["images"]
    assert smallest["paste_box"] is None and "too small (48x" in smallest["paste_reason"]
    for n in pdfs:
        [image] = shown[f"d{n}"]["images"]
        truth = group[n]
        assert truth.box is not None
        assert image["found_in"] == "pdf"
        assert (image["width"], image["height"]) == Image.open(io.BytesIO(truth.data)).size
        assert image["paste_box"] is not None, image["paste_reason"]
        assert iou(image["paste_box"], truth.box) >= 0.5


def test_a_picture_too_small_to_look_in_is_refused_without_reading_its_siblings(
    group: list[Member], tmp_path: Path
) -> None:
    """A 48 px copy gets its reason from its own size: its siblings are not read (a message
    of many tiny campaign pictures would otherwise read every sibling for each). With the
    siblings' evidence gone, the others cannot be localised, and the tiny one still is
    refused with its reason."""
    tiny, _, _ = send_small(group[0].data, group[0].box, random.Random(5), side=48)
    items = [("d0", _mail(0, tiny))] + [
        (f"d{n}", _mail(n, m.data)) for n, m in enumerate(group) if n
    ]
    ws = ingest(tmp_path, items)
    [campaign] = list_clusters(ws.store, include_all=False)
    tiny_sha = next(
        sha for sha, *_, w, h in ws.store.cluster_pictures(campaign["id"]) if max(w, h) < 80
    )
    for sha, *_ in ws.store.cluster_pictures(campaign["id"]):
        if sha != tiny_sha:
            ws.evidence.path(sha, "images").unlink()
    assert localise_campaigns(ws, [campaign["id"]]) == 1
    shown = {m["source"]: m for m in show_cluster(ws.store, campaign["id"])["messages"]}
    [smallest] = shown["d0"]["images"]
    assert smallest["paste_box"] is None and "too small (48x" in smallest["paste_reason"]
    # the picture's score says why the campaign added nothing, in the localiser's words
    assert "too small (48x" in smallest["manipulation_campaign_reason"]
