"""An unwrapped message -> everything derived from it: images and fingerprints, indicators,
link features (pure)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from triage.cluster import ImageFeature, MessageFeatures, contacts_of
from triage.extract import ExtractLimits, FoundImage, Refusal, extract_images
from triage.filler import split_filler
from triage.fingerprint import FINGERPRINT_SIDE, Fingerprint, fingerprint_decoded
from triage.htmltext import read_html
from triage.imagedecode import DecodedImage, ImageRefused, decode_image
from triage.indicators import Indicators, extract_indicators
from triage.keypoints import LinkKeys, link_keys_of_image
from triage.manipulation import ManipulationScore, ModelUnavailable, score_decoded
from triage.manipulation.features import WORK_SIDE
from triage.picturetext import PictureText
from triage.records import Unwrapped
from triage.textsim import signature

log = logging.getLogger(__name__)

# Pictures read per message: a mail of 200 pictures is a catalogue, not a demand. Each
# reading costs a decode and a QR scan; how many go to OCR is the reader's own, lower cap.
MAX_PICTURES_READ = 20

# One decode serves the fingerprint and the manipulation score: both work at this size.
assert FINGERPRINT_SIDE == WORK_SIDE


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysedImage:
    found: FoundImage
    fingerprint: Fingerprint
    manipulation: ManipulationScore | None
    manipulation_note: str  # the score's reasons, or why there is no score
    text: PictureText | None = None  # words and QR codes read in it; None when not read
    link_keys: LinkKeys | None = None  # for verifying same-base links; linkable pictures only


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    images: tuple[AnalysedImage, ...]
    refusals: tuple[Refusal, ...]
    attachment_texts: tuple[str, ...]  # text read from PDF attachments
    body: str  # the original's text the reader sees (HTML as text), filler set apart
    hidden_text: str  # text the reader cannot see (hidden HTML) and filler blocks
    picture_texts: tuple[str, ...]  # words and QR payloads read in the pictures
    indicators: Indicators
    features: MessageFeatures


def _manipulation(decoded: DecodedImage, data: bytes) -> tuple[ManipulationScore | None, str]:
    try:
        score = score_decoded(decoded, data)
    except ModelUnavailable as e:
        return None, f"not scored: {e}"
    except ImageRefused as e:  # too small to compare regions, or undecodable at full size
        return None, f"not scored: {e}"
    except Exception as e:  # a bug on one hostile picture: keep its hashes, lose its score
        log.debug("scoring an image failed", exc_info=True)
        return None, f"not scored: internal error: {type(e).__name__}: {e}"
    return score, "; ".join(score.reasons)


def _analyse_image(found: FoundImage) -> AnalysedImage | Refusal:
    """One picture; whatever goes wrong with it costs that picture only, never the message."""
    try:
        decoded = decode_image(found.data, max_side=FINGERPRINT_SIDE)
        fingerprint = fingerprint_decoded(decoded)
        score, note = _manipulation(decoded, found.data)
        keys = link_keys_of_image(decoded.image) if fingerprint.linkable else None
    except ImageRefused as e:
        return Refusal(where=found.where, name=found.name, reason=str(e), sha256=found.sha256)
    except Exception as e:  # a bug on one hostile picture: record it, keep the message
        log.debug("analysing image %s failed", found.sha256, exc_info=True)
        reason = f"image not analysed: internal error: {type(e).__name__}: {e}"
        return Refusal(where=found.where, name=found.name, reason=reason, sha256=found.sha256)
    return AnalysedImage(
        found=found, fingerprint=fingerprint, manipulation=score, manipulation_note=note,
        link_keys=keys,
    )  # fmt: skip


def analyse(
    u: Unwrapped,
    *,
    own_addresses: tuple[str, ...] = (),
    limits: ExtractLimits | None = None,
    read_picture: Callable[[bytes], PictureText] | None = None,
) -> Analysis:
    """`own_addresses`: the triage mailbox and protected people's addresses, never a link.
    `read_picture` reads the words and QR codes in each picture (None: pictures are not read)."""
    extraction = extract_images(u.outer, limits)
    images: list[AnalysedImage] = []
    refusals = list(extraction.refusals)
    for found in extraction.images:
        result = _analyse_image(found)
        if isinstance(result, Refusal):
            refusals.append(result)
            continue
        if read_picture is not None and len(images) < MAX_PICTURES_READ:
            result = replace(result, text=read_picture(found.data))
        images.append(result)
    original = u.original
    body, hidden_text = visible_text(original.text, original.html)
    picture_texts = tuple(t for i in images if i.text for t in (i.text.ocr, *i.text.qr) if t)
    text = "\n".join([original.subject or "", body, *extraction.pdf_texts, *picture_texts])
    indicators = extract_indicators(text)
    excluded = {*own_addresses, *(a.email for a in (*u.outer.from_, *original.to, *original.cc))}
    if u.forwarded_by:
        excluded.add(u.forwarded_by)
    names = tuple(a.name for a in original.to if a.name) + tuple(
        a.name for a in u.outer.from_ if a.name
    )
    features = MessageFeatures(
        wallets=tuple(w.address for w in indicators.wallets),
        contacts=contacts_of(
            indicators, [a.email for a in original.reply_to], excluded=sorted(excluded)
        ),
        signature=signature(body, exclude=names),
        images=tuple(
            ImageFeature(sha256=i.found.sha256, fingerprint=i.fingerprint, keys=i.link_keys)
            for i in images
        ),
    )
    return Analysis(
        images=tuple(images),
        refusals=tuple(refusals),
        attachment_texts=extraction.pdf_texts,
        body=body,
        hidden_text=hidden_text,
        picture_texts=picture_texts,
        indicators=indicators,
        features=features,
    )


def visible_text(plain: str, html: str) -> tuple[str, str]:
    """(what the reader reads, what is set apart): the plain part, else the HTML's visible
    text; hidden HTML and filler blocks go to the second."""
    hidden = ""
    if plain.strip():
        body = plain
    else:
        read = read_html(html)
        body, hidden = read.visible, read.hidden
    split = split_filler(body)
    return split.kept, "\n".join(t for t in (hidden, split.filler) if t)
