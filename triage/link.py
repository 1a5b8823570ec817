"""Finds each new message's links to stored ones and joins their clusters (reads and writes
the store).

Exact keys (wallets, contact addresses, text-template bands) are index lookups. Pictures are
proposed by triage.imagelinks (global hash and keypoint descriptors) and every proposal is
verified by triage.keypoints against keypoints stored at ingest: no image link rests on a
hash alone, because across a large store unrelated dark or flat pictures collide at a few
bits. The same picture bytes in two messages are the one link that needs no check.
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
    LinkSide,
    MessageFeatures,
    choose_survivor,
    compatible,
    make_edge,
)
from triage.errors import StoreError
from triage.evidence import EvidenceStore
from triage.imagedecode import ImageRefused
from triage.imagelinks import CandidateIndex
from triage.keypoints import LinkKeys, link_keys_of, verify
from triage.store import Store
from triage.textsim import SAME_TEMPLATE, band_keys, similarity

log = logging.getLogger(__name__)

CORROBORATED_SIZE = 5  # clusters this big need two verified pictures to join a message
# Other pictures of a big cluster a message's picture is compared with when one verification
# reached it and two are needed (_image_edges). Chosen by a throwaway script on
# fixtures.linkgen2 tuning seeds 1 and 2 at 12 campaigns, as the product joins: recall
# 0.697 -> 0.708 at 2, 4, 8 or 16 alike (seed 2 unchanged at 0.441), no false pair more;
# 4 bounds the cost of a message whatever the cluster's size.
COUSINS = 4
TEMPLATE_TRIES = 5  # members of one cluster compared before giving up on its template
_CACHE = 512


class Linker:
    """Links messages as they are stored; keeps the candidate index in memory, topped up from
    the store before each message so pictures another process stored are seen too."""

    def __init__(self, store: Store, evidence: EvidenceStore) -> None:
        self.store = store
        self.evidence = evidence
        self._index = CandidateIndex()
        self._seen_rowid = 0
        self._keys: OrderedDict[str, LinkKeys | None] = OrderedDict()

    def link(self, message: str, features: MessageFeatures, now: datetime) -> list[Edge]:
        """Record the edges of `message` and merge the clusters they connect."""
        self._top_up()
        mine = features.side
        sides: dict[str, LinkSide] = {}
        edges = []
        for e in self._key_edges(message, features) + self._image_edges(message, features):
            peer = _peer(e, message)
            if peer not in sides:
                sides[peer] = self.store.link_side(peer)
            if compatible(mine, sides[peer], e.kind):
                edges.append(e)
        for image in features.images:
            if image.fingerprint.linkable:
                self._add(image)
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
        edges: list[Edge] = []
        # Verified pictures per cluster reached, and the edges they make. A cluster of
        # CORROBORATED_SIZE or more messages is joined only on two different verified pictures:
        # across thousands of pictures a rare false verification does happen (measured: 2 in
        # 2,300 generated mails), and one merge of two big clusters mixes whole campaigns; a true
        # member of a big campaign matches several of its siblings. One strong verification
        # (keypoints.STRONG_SCORE) stands for two: small or much-edited copies often match
        # only one sibling well enough.
        witnesses: dict[str, set[str]] = {}
        strong: set[str] = set()
        pending: dict[str, list[Edge]] = {}
        sizes: dict[str, int] = {}
        sure: set[str] = set()  # clusters holding the very same picture bytes: no check needed

        def settled(cluster: str) -> bool:
            if cluster in sure or cluster in strong:
                return True
            if cluster not in sizes:
                sizes[cluster] = self.store.cluster_size(cluster)
            need = 2 if sizes[cluster] >= CORROBORATED_SIZE else 1
            return len(witnesses.get(cluster, ())) >= need

        mine: list[tuple[str, LinkKeys]] = []  # this message's pictures with keys
        tried: set[tuple[str, str]] = set()
        reached: dict[str, set[str]] = {}  # cluster: this message's pictures verified with it

        def witness(sha: str, keys: LinkKeys, other_image: str) -> bool:
            """Verify `sha` against `other_image` where that can still settle a cluster, and
            record a verified pair as witness and edges; whether a verification was made."""
            if (sha, other_image) in tried:
                return False
            tried.add((sha, other_image))
            others = [m for m in self.store.messages_with_image(other_image) if m != message]
            by_cluster: dict[str, list[str]] = {}
            for m in others:
                by_cluster.setdefault(self.store.cluster_of(m)[1], []).append(m)
            if not by_cluster or all(settled(c) for c in by_cluster):
                return False
            theirs = self._stored_keys(other_image)
            if theirs is None:
                return False
            # Always in sha order, so a pair's verdict does not depend on which came first.
            first, second = sorted(((sha, keys), (other_image, theirs)))
            check = verify(first[1], second[1])
            if not check.same_base:
                return True
            reason = f"same base picture ({check.reason}) {sha[:12]} ~ {other_image[:12]}"
            for cluster, members in by_cluster.items():
                witnesses.setdefault(cluster, set()).add(other_image)
                reached.setdefault(cluster, set()).add(sha)
                if check.strong:
                    strong.add(cluster)
                pending.setdefault(cluster, []).extend(
                    make_edge(message, m, "image", check.score, reason) for m in members
                )
            return True

        for image in features.images:
            if not image.fingerprint.linkable:
                continue
            # The same bytes in an earlier message: the surest link there is.
            same = [m for m in self.store.messages_with_image(image.sha256) if m != message]
            for m in same:
                cluster = self.store.cluster_of(m)[1]
                sure.add(cluster)
                reason = f"the same picture {image.sha256[:12]}"
                pending.setdefault(cluster, []).append(make_edge(message, m, "image", 1.0, reason))
            keys = image.keys if image.keys is not None else self._stored_keys(image.sha256)
            if keys is None:
                continue
            mine.append((image.sha256, keys))
            for other_image in self._index.propose(int(image.fingerprint.phash, 16), keys):
                if other_image != image.sha256:
                    witness(image.sha256, keys, other_image)
        # A big cluster reached by one weak verification is asked again through up to
        # COUSINS of its latest other pictures: a copy's siblings are often outranked among
        # the proposals by pictures that look alike (faces, dark rooms), while the one that
        # was proposed shows the copy belongs. Still two verified pictures, as before.
        # Only the message's pictures that reached the cluster are compared: the others of a
        # mail of several pictures spent the budget, the unproposed sibling never asked
        # (tests/test_linking.py); bench.linking, one picture a mail, was measured so.
        for cluster in sorted(pending):
            if settled(cluster):  # the query's cost grows with the cluster: not for nothing
                continue
            budget = COUSINS
            # the pictures already compared come first among the latest: skip past them
            for other_image in self.store.cluster_images(cluster, 4 * COUSINS):
                for sha, keys in mine:
                    if sha not in reached.get(cluster, ()):
                        continue
                    if budget > 0 and not settled(cluster) and other_image != sha:
                        budget -= int(witness(sha, keys, other_image))
        for cluster, found in pending.items():
            if settled(cluster):
                edges.extend(found)
            else:
                log.info("picture link to %s not corroborated by a second picture", cluster)
        return edges

    def _stored_keys(self, sha: str) -> LinkKeys | None:
        if sha in self._keys:
            self._keys.move_to_end(sha)
            return self._keys[sha]
        found = self._keys_from_store(sha, upgrade=True)
        self._keys[sha] = found
        if len(self._keys) > _CACHE:
            self._keys.popitem(last=False)
        return found

    def _keys_from_store(self, sha: str, upgrade: bool = False) -> LinkKeys | None:
        """With `upgrade`, keys stored before they held colour, or before a faint picture
        was detected a second time, are recomputed from evidence (a picture about to be
        verified). The index needs only descriptors: recomputing a whole store's keys at
        start-up would stall the first run after an upgrade."""
        raw = self.store.link_keys(sha)
        try:
            keys = LinkKeys.from_bytes(raw) if raw is not None else None
        except ValueError as e:  # a damaged row costs a recomputation, not the message
            log.warning("unreadable keys for image %s (%s): recomputed", sha[:12], e)
            keys = None
        if keys is None:
            return self._keys_from_evidence(sha)
        if upgrade and keys.outdated:  # without evidence, they are used as they are
            return self._keys_from_evidence(sha) or keys
        return keys

    def _keys_from_evidence(self, sha: str) -> LinkKeys | None:
        """Pictures stored before keys were kept, or with outdated keys: computed once from
        evidence, then stored."""
        try:
            keys = link_keys_of(self.evidence.get(sha, "images"))
        except (ImageRefused, StoreError) as e:
            log.warning("no keypoints for image %s: %s", sha[:12], e)
            return None
        self.store.add_link_keys(sha, keys.to_bytes())
        return keys

    # -- index and clusters ------------------------------------------------------------

    def _top_up(self) -> None:
        for rowid, sha, phash, mirror in self.store.linkable_images_since(self._seen_rowid):
            self._seen_rowid = rowid
            if sha in self._index:  # our own, added as it was linked
                continue
            self._index.add(sha, int(phash, 16), int(mirror, 16), self._keys_from_store(sha))

    def _add(self, image: ImageFeature) -> None:
        fp = image.fingerprint
        self._index.add(image.sha256, int(fp.phash, 16), int(fp.phash_mirror, 16), image.keys)

    def _join(self, message: str, edges: list[Edge], now: datetime) -> None:
        for edge in edges:
            self.store.add_edge(edge, now)
        peers = {_peer(e, message) for e in edges}
        clusters = sorted({self.store.cluster_of(m) for m in peers | {message}})
        survivor = choose_survivor(clusters)
        kinds = ", ".join(sorted({e.kind for e in edges}))
        # An investigator's split stands: a cluster walled off from the survivor stays apart.
        for _, cluster_id in clusters:
            if cluster_id == survivor:
                continue
            walls = self.store.walls_between(survivor, cluster_id)
            if walls:
                log.info("%s stays apart from %s: split %s", cluster_id, survivor, walls)
                continue
            self.store.merge_clusters(survivor, cluster_id, f"linked by {kinds}", now)


def _peer(edge: Edge, message: str) -> str:
    return edge.a if edge.b == message else edge.b
