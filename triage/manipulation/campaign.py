"""Campaign evidence: a region that differs from the aligned siblings raises a picture's score
(pure).

Within a campaign cluster the members share a base picture. When localisation
finds one compact region where a member differs from most of its aligned
siblings, at the place where the siblings differ among themselves, that region
was put there: it is evidence of a paste the picture alone may not
show (a well-blended face scores low on its own). The two are combined as
independent evidence (noisy-OR), so campaign evidence only ever raises a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.manipulation.localise import Localisation

MIN_SIBLINGS = 2  # aligned siblings the region must differ from
# Share of the picture a pasted face can cover: smaller is noise, larger is a different picture.
MIN_AREA, MAX_AREA = 0.003, 0.6
# A guess that only our generated campaigns justify: localisation confidence on them is
# 0.3 to 0.9 for a found face; capped so campaign evidence alone never reads as certain.
MAX_EVIDENCE = 0.95


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignEvidence:
    probability: float  # 0..1, campaign evidence alone
    reason: str


def campaign_evidence(found: Localisation, width: int, height: int) -> CampaignEvidence:
    """What the localisation of one member says about a paste (0 and why not, when nothing)."""
    if found.box is None or found.siblings_used < MIN_SIBLINGS:
        # the localiser's own reason where it drew no box: too small, nothing aligned, or no
        # region differs; each calls for something else from an investigator
        why = (
            (found.reason or "no region differs from its aligned siblings")
            if found.box is None
            else f"only {found.siblings_used} sibling(s) aligned"
        )
        return CampaignEvidence(probability=0.0, reason=f"no campaign evidence: {why}")
    x0, y0, x1, y1 = found.box
    area = max(0, x1 - x0) * max(0, y1 - y0) / max(1, width * height)
    if not MIN_AREA <= area <= MAX_AREA:
        return CampaignEvidence(
            probability=0.0,
            reason=f"no campaign evidence: the differing region covers {area:.1%} of the picture",
        )
    probability = round(min(MAX_EVIDENCE, max(0.0, found.confidence)), 4)
    return CampaignEvidence(
        probability=probability,
        reason=(
            f"region {list(found.box)} differs from most of {found.siblings_used} aligned "
            f"campaign siblings (confidence {found.confidence:.2f})"
        ),
    )


def combine(picture: float | None, campaign: float) -> float:
    """The picture's own score and campaign evidence as independent evidence (noisy-OR)."""
    own = 0.0 if picture is None else picture
    return round(1.0 - (1.0 - own) * (1.0 - campaign), 4)
