"""Messages -> campaign clusters: link features, edges with reasons, stable ids (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from triage.fingerprint import Fingerprint
from triage.indicators import Indicators
from triage.keypoints import LinkKeys

# Edge strengths: a checksum-valid wallet is as sure as it gets; the others carry their score.
WALLET_STRENGTH = 1.0
CONTACT_STRENGTH = 0.9


def founding_cluster_id(sha256: str) -> str:
    """The id of a cluster founded by the message with this sha256; never changes afterwards."""
    return f"C-{sha256[:12]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageFeature:
    sha256: str
    fingerprint: Fingerprint
    keys: LinkKeys | None = None  # for verifying a same-base link; None when not linkable


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageFeatures:
    """What one message offers for linking to others."""

    wallets: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()  # reply-to and addresses in the text, not ours or victims'
    signature: tuple[int, ...] | None = None  # MinHash of the text template
    images: tuple[ImageFeature, ...] = ()
    verdict_class: str = "unknown"  # extortion | benign | unknown, see verdict_class()

    @property
    def side(self) -> LinkSide:
        return LinkSide(
            verdict_class=self.verdict_class,
            wallet=bool(self.wallets),
            picture=any(i.fingerprint.linkable for i in self.images),
        )

    def keys(self, band_keys: Iterable[str]) -> list[tuple[str, str]]:
        return (
            [("wallet", w) for w in self.wallets]
            + [("contact", c) for c in self.contacts]
            + [("template", k) for k in band_keys]
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    a: str  # sha256 of one message; a < b
    b: str
    kind: str  # wallet | contact | template | image
    strength: float
    reason: str


def make_edge(x: str, y: str, kind: str, strength: float, reason: str) -> Edge:
    a, b = sorted((x, y))
    return Edge(a=a, b=b, kind=kind, strength=round(strength, 4), reason=reason)


def contacts_of(
    indicators: Indicators, reply_to: Iterable[str], *, excluded: Iterable[str]
) -> tuple[str, ...]:
    """Addresses that identify the sender's side: reply-to and those written in the text.

    The triage mailbox, protected people, their offices and the forwarders are excluded:
    they appear in every campaign and would chain unrelated ones together.
    """
    skip = {e.lower() for e in excluded}
    found = [*reply_to, *indicators.emails]
    return tuple(dict.fromkeys(e.lower() for e in found if e and e.lower() not in skip))


SURE_EXTORTION = 0.5
SURE_BENIGN = 0.2
ENOUGH_TEXT = 200  # below this a low score means "could not tell", not "benign"


def verdict_class(score: float, text_chars: int) -> str:
    """extortion | benign | unknown: what the text alone says of a message."""
    if score >= SURE_EXTORTION:
        return "extortion"
    if score < SURE_BENIGN and text_chars >= ENOUGH_TEXT:
        return "benign"
    return "unknown"


STRONG_KINDS = frozenset({"wallet", "image"})  # a checksum-valid wallet, a verified picture


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkSide:
    """What the guard needs to know of one end of an edge."""

    verdict_class: str
    wallet: bool  # carries a checksum-valid wallet
    picture: bool  # carries a picture big enough to link

    @property
    def campaign_shaped(self) -> bool:
        return self.wallet and self.picture


def compatible(a: LinkSide, b: LinkSide, kind: str) -> bool:
    """Whether an edge of `kind` may join these two messages.

    A message judged benign by its text links only to benign ones through weak evidence (a
    text template, a shared address): a stock photo or an address it shares with a campaign
    must not put an ordinary letter into it. Strong evidence (a shared wallet, a verified
    same-base picture) beats the text when the benign-judged message is shaped like a
    campaign mail itself (a wallet and a picture): spun text fools the text model, not the
    wallet. A news digest quoting a wallet, or a newsletter with a stock photo, carries one
    and not the other and stays apart. Deciding per pair keeps the partition independent of
    the order messages arrive in.
    """
    classes = (a.verdict_class, b.verdict_class)
    if classes[0] == classes[1] or "benign" not in classes:
        return True
    if kind not in STRONG_KINDS:
        return False
    benign = a if a.verdict_class == "benign" else b
    return benign.campaign_shaped


CAMPAIGN_RECIPIENTS = 3  # image-and-wallet mails to this many people are a campaign


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberFacts:
    """What a cluster verdict needs to know of one member beyond its text verdict."""

    recipient: str | None
    pictures: int  # linkable pictures it carries
    wallets: tuple[str, ...]
    verdict_class: str


def campaign_pattern(members: Iterable[MemberFacts]) -> str | None:
    """Why a cluster whose mails say next to nothing is still extortion, or None.

    Pictures and a crypto wallet mailed, with no text to speak of, to several protected
    people: nobody sends that for an ordinary reason, and image-only campaigns exist
    precisely to slip past text filters.
    """
    members = list(members)
    recipients = {m.recipient for m in members if m.recipient}
    wallets = sorted({w for m in members for w in m.wallets})
    if (
        len(recipients) >= CAMPAIGN_RECIPIENTS
        and wallets
        and all(m.pictures for m in members)
        and not any(m.verdict_class == "benign" for m in members)
    ):
        return (
            f"pictures and wallet {wallets[0]} mailed to {len(recipients)} recipients "
            "with next to no text"
        )
    return None


def choose_survivor(clusters: Iterable[tuple[str, str]]) -> str:
    """Of (created_at, id) pairs, the oldest cluster keeps its id; ties go to the smaller id."""
    return min(clusters)[1]
