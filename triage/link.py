"""Finds each new message's links to stored ones and joins their clusters (reads and writes
the store, reads image evidence).

Exact keys (wallets, contact addresses, text-template bands) are index lookups; images are
proposed by mirror-aware pHash distance over an in-memory index and verified by keypoints.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime

from triage.cluster import (
    CONTACT_STRENGTH,
    WALLET_STRENGTH,
    Edge,
    ImageFeature,
    MessageFeatures,
    choose_survivor,
    compatible,
    make_edge,
)
from triage.errors import StoreError
from triage.evidence import EvidenceStore
from triage.imagedecode import ImageRefused
from triage.imageindex import ImageIndex
from triage.keypoints import SAME_BASE, KeypointSet, keypoints_of, match_score
from triage.store import Store
from triage.textsim import SAME_TEMPLATE, band_keys, similarity

log = logging.getLogger(__name__)

CANDIDATE_BITS = 22  # pHash distance that proposes a pair (same base: median 12, p90 24)
NEAR_DUPLICATE_BITS = 6  # this close needs no keypoint check
MAX_VERIFY = 12  # keypoint checks per image of a new message, nearest first
TEMPLATE_TRIES = 5  # members of one cluster compared before giving up on its template
_CACHE = 512


class Linker:
    """Links messages as they are stored; keeps the image hash index and keypoints in memory."""

    def __init__(self, store: Store, evidence: EvidenceStore) -> None:
        self.store = store
        self.evidence = evidence
        self._index = ImageIndex()
        self._loaded = False
        self._keypoints: OrderedDict[str, KeypointSet | None] = OrderedDict()

    def link(self, message: str, features: MessageFeatures, now: datetime) -> list[Edge]:
        """Record the edges of `message` and merge the clusters they connect."""
        edges = [
            e
            for e in self._key_edges(message, features) + self._image_edges(message, features)
            if compatible(features.verdict_class, self.store.verdict_class(_peer(e, message)))
        ]
        for image in features.images:
            if image.fingerprint.linkable:
                self._add(image.sha256, image.fingerprint.phash, image.fingerprint.phash_mirror)
        if edges:
            self._join(message, edges, now)
        return edges

    # -- candidates and verification --------------------------------------------------

    def _key_edges(self, message: str, features: MessageFeatures) -> list[Edge]:
        """Edges from shared wallets, addresses and text templates: one per cluster and key,
        so a campaign of thousands costs a new member a few edges, not thousands."""
        bands = band_keys(features.signature) if features.signature else []
        edges: list[Edge] = []
        seen: set[tuple[str, str, str]] = set()
        template_peers: dict[str, list[str]] = {}
        for kind, key, other, cluster in self.store.messages_sharing(features.keys(bands), message):
            if kind == "template":
                template_peers.setdefault(cluster, []).append(other)
            elif (kind, key, cluster) not in seen:
                seen.add((kind, key, cluster))
                strength = WALLET_STRENGTH if kind == "wallet" else CONTACT_STRENGTH
                label = "wallet" if kind == "wallet" else "address"
                edges.append(make_edge(message, other, kind, strength, f"{label} {key}"))
        for cluster in sorted(template_peers):
            peers = sorted(set(template_peers[cluster]))
            edge = self._template_edge(message, features, peers[:TEMPLATE_TRIES])
            if edge is not None:
                edges.append(edge)
        return edges

    def _template_edge(
        self, message: str, features: MessageFeatures, peers: list[str]
    ) -> Edge | None:
        assert features.signature is not None
        for other in peers:
            theirs = self.store.signature_of(other)
            if theirs is None:
                continue
            their_wallets = set(self.store.wallets_of(other))
            if features.wallets and their_wallets and not their_wallets & set(features.wallets):
                continue  # same words, different wallets: a shared kit, not one campaign
            score = similarity(features.signature, theirs)
            if score >= SAME_TEMPLATE:
                reason = f"same text template (similarity {score:.2f})"
                return make_edge(message, other, "template", score, reason)
        return None

    def _image_edges(self, message: str, features: MessageFeatures) -> list[Edge]:
        self._load()
        edges: list[Edge] = []
        joined: set[str] = set()  # clusters already reached: no need to verify into them again
        for image in features.images:
            if not image.fingerprint.linkable:
                continue
            # The same bytes in an earlier message come back at distance 0: the surest link.
            for other_image, bits in self._candidates(image):
                others = [m for m in self.store.messages_with_image(other_image) if m != message]
                clusters = {self.store.cluster_of(m)[1] for m in others}
                if not others or clusters <= joined:
                    continue
                score = 1.0 if bits <= NEAR_DUPLICATE_BITS else self._verify(image, other_image)
                if score < SAME_BASE:
                    continue
                how = "near-duplicate" if bits <= NEAR_DUPLICATE_BITS else "keypoints"
                reason = (
                    f"same base picture ({how}: match {score:.2f}, pHash {bits} bits) "
                    f"{image.sha256[:12]} ~ {other_image[:12]}"
                )
                edges.extend(make_edge(message, m, "image", score, reason) for m in others)
                joined |= clusters
        return edges

    def _candidates(self, image: ImageFeature) -> list[tuple[str, int]]:
        return self._index.near(int(image.fingerprint.phash, 16), CANDIDATE_BITS, MAX_VERIFY)

    def _verify(self, image: ImageFeature, other: str) -> float:
        # Always in sha order, so the score of a pair does not depend on which came first.
        first, second = sorted((image.sha256, other))
        a, b = self._keypoints_of(first), self._keypoints_of(second)
        if a is None or b is None:
            return 0.0
        return match_score(a, b)

    def _keypoints_of(self, sha: str) -> KeypointSet | None:
        if sha in self._keypoints:
            self._keypoints.move_to_end(sha)
            return self._keypoints[sha]
        try:
            found: KeypointSet | None = keypoints_of(self.evidence.get(sha, "images"))
        except (ImageRefused, StoreError) as e:
            log.warning("no keypoints for image %s: %s", sha[:12], e)
            found = None
        self._keypoints[sha] = found
        if len(self._keypoints) > _CACHE:
            self._keypoints.popitem(last=False)
        return found

    # -- index and clusters ------------------------------------------------------------

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for sha, phash, mirror in self.store.linkable_images():
            self._add(sha, phash, mirror)

    def _add(self, sha: str, phash: str, mirror: str) -> None:
        self._load()
        self._index.add(sha, int(phash, 16), int(mirror, 16))

    def _join(self, message: str, edges: list[Edge], now: datetime) -> None:
        for edge in edges:
            self.store.add_edge(edge, now)
        peers = {_peer(e, message) for e in edges}
        clusters = {self.store.cluster_of(m) for m in peers | {message}}
        survivor = choose_survivor(clusters)
        kinds = ", ".join(sorted({e.kind for e in edges}))
        for _, cluster_id in sorted(clusters):
            if cluster_id != survivor:
                self.store.merge_clusters(survivor, cluster_id, f"linked by {kinds}", now)


def _peer(edge: Edge, message: str) -> str:
    return edge.a if edge.b == message else edge.b
