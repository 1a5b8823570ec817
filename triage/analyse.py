"""An unwrapped message -> everything derived from it: images and fingerprints, indicators,
link features (pure)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from triage.cluster import ImageFeature, MessageFeatures, contacts_of
from triage.extract import ExtractLimits, FoundImage, Refusal, extract_images
from triage.fingerprint import FINGERPRINT_SIDE, Fingerprint, fingerprint_decoded
from triage.htmltext import html_to_text
from triage.imagedecode import DecodedImage, ImageRefused, decode_image
from triage.indicators import Indicators, extract_indicators
from triage.keypoints import LinkKeys, link_keys_of_image
from triage.manipulation import ManipulationScore, ModelUnavailable, score_decoded
from triage.manipulation.features import WORK_SIDE
from triage.records import Unwrapped
from triage.textsim import signature

log = logging.getLogger(__name__)

# One decode serves the fingerprint and the manipulation score: both work at this size.
assert FINGERPRINT_SIDE == WORK_SIDE


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysedImage:
    found: FoundImage
    fingerprint: Fingerprint
    manipulation: ManipulationScore | None
    manipulation_note: str  # the score's reasons, or why there is no score
    link_keys: LinkKeys | None = None  # for verifying same-base links; linkable pictures only


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    images: tuple[AnalysedImage, ...]
    refusals: tuple[Refusal, ...]
    attachment_texts: tuple[str, ...]  # text read from PDF attachments
    body: str  # the original's text, from HTML when it has no plain part
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
) -> Analysis:
    """`own_addresses`: the triage mailbox and protected people's addresses, never a link."""
    extraction = extract_images(u.outer, limits)
    images: list[AnalysedImage] = []
    refusals = list(extraction.refusals)
    for found in extraction.images:
        result = _analyse_image(found)
        if isinstance(result, Refusal):
            refusals.append(result)
        else:
            images.append(result)
    original = u.original
    body = original.text if original.text.strip() else html_to_text(original.html)
    text = "\n".join([original.subject or "", body, *extraction.pdf_texts])
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
        indicators=indicators,
        features=features,
    )
