"""The read side shared by the CLI and the web view: clusters and their members (SQLite reads)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from triage.classify import Cue, ExtortionVerdict, judge_cluster
from triage.cluster import MemberFacts, campaign_pattern, verdict_class
from triage.config import RoutingConfig
from triage.errors import NotFound
from triage.originals import Report, group_originals
from triage.store import Store
from triage.suggest import ClusterProfile, suggest

CAMPAIGN_PATTERN_SCORE = 0.7
_MESSAGE_FIELDS = """
    sha256, source, received_at, message_id, original_message_id, recipient, recipient_source,
    original_subject AS subject, COALESCE(original_date, date) AS date, forward_kind,
    forward_chain, forwarded_by, original_from AS sender, cluster_id,
    COALESCE(original_date, date, received_at) AS seen, original_id_source, original_digest
"""


def list_clusters(store: Store, *, include_all: bool) -> list[dict[str, Any]]:
    """Clusters in the shape of interface.md, oldest first; extortion ones unless include_all."""
    rows = store.rows(
        f"SELECT {_MESSAGE_FIELDS} FROM messages ORDER BY cluster_id, seen, sha256"  # noqa: S608
    )
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_cluster.setdefault(row["cluster_id"], []).append(row)
    facts = _Facts.load(store)
    clusters = [_cluster(cid, members, facts) for cid, members in by_cluster.items()]
    if not include_all:
        clusters = [c for c in clusters if c["extortion"]]
    return sorted(clusters, key=lambda c: (c["first_seen"] or "", c["id"]))


def suggestions(
    store: Store, rates: RoutingConfig, clusters: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Pairs of extortion clusters that may be one campaign (soft evidence, never merged)."""
    clusters = list_clusters(store, include_all=False) if clusters is None else clusters
    profiles = [_profile(store, rates, c) for c in clusters if c["first_seen"]]
    return [
        {"clusters": list(s.clusters), "score": s.score, "reasons": list(s.reasons)}
        for s in suggest(profiles)
    ]


def _profile(store: Store, rates: RoutingConfig, cluster: dict[str, Any]) -> ClusterProfile:
    shas = [m["sha256"] for m in cluster["messages"]]
    wanted = json.dumps(shas)
    coins = {
        json.loads(r["detail"]).get("kind", "")
        for r in store.rows(
            "SELECT detail FROM indicators WHERE kind = 'wallet' "
            "AND message_sha256 IN (SELECT value FROM json_each(?))",
            [wanted],
        )
    }
    amounts = []
    for r in store.rows(
        "SELECT detail FROM indicators WHERE kind = 'amount' "
        "AND message_sha256 IN (SELECT value FROM json_each(?))",
        [wanted],
    ):
        detail = json.loads(r["detail"])
        usd = rates.usd(float(detail["amount"]), str(detail["currency"]))
        if usd is not None:
            amounts.append(usd)
    signatures = tuple(sig for sig in (store.signature_of(s) for s in shas[:3]) if sig is not None)
    return ClusterProfile(
        id=cluster["id"],
        first_seen=datetime.fromisoformat(cluster["first_seen"]),
        last_seen=datetime.fromisoformat(cluster["last_seen"] or cluster["first_seen"]),
        coins=frozenset(c for c in coins if c),
        amounts_usd=tuple(amounts),
        signatures=signatures,
    )


def show_cluster(store: Store, ident: str, rates: RoutingConfig | None = None) -> dict[str, Any]:
    """One cluster whole. `ident` may be a cluster id, a message sha256 (prefix) or Message-ID."""
    cluster_id = resolve_cluster_id(store, ident)
    members = store.rows(
        f"SELECT {_MESSAGE_FIELDS}, defects FROM messages WHERE cluster_id = ? "  # noqa: S608
        "ORDER BY seen, sha256",
        [cluster_id],
    )
    facts = _Facts.load(store, cluster_id)
    cluster = _cluster(cluster_id, members, facts)
    for message, row in zip(cluster["messages"], members, strict=True):
        sha = row["sha256"]
        message["defects"] = json.loads(row["defects"])
        message["attachments"] = store.rows(
            "SELECT sha256, filename, content_type, size, inline FROM attachments "
            "WHERE message_sha256 = ? ORDER BY position",
            [sha],
        )
        message["images"] = [_image(r) for r in store.rows(
            "SELECT i.sha256, mi.found_in, mi.name, i.format, i.width, i.height, i.phash, "
            "i.phash_mirror, i.dhash, i.linkable, i.manipulation, i.manipulation_signals, "
            "i.manipulation_region, i.manipulation_note, i.manipulation_picture, "
            "i.manipulation_campaign, i.manipulation_campaign_reason, l.box AS paste_box, "
            "l.confidence AS paste_confidence, l.siblings AS paste_siblings, "
            "l.diff_sha256, l.reason AS paste_reason FROM message_images mi "
            "JOIN images i ON i.sha256 = mi.image_sha256 "
            "LEFT JOIN localisations l ON l.image_sha256 = i.sha256 "
            "WHERE mi.message_sha256 = ? ORDER BY i.sha256",
            [sha],
        )]  # fmt: skip
        message["refused"] = store.rows(
            "SELECT found_in, name, reason, sha256 FROM image_refusals "
            "WHERE message_sha256 = ? ORDER BY rowid",
            [sha],
        )
        message["indicators"] = _indicators(store, sha)
        message.update(_read_texts(store, sha))
        message["verdict"] = facts.verdict_json(sha)
    verdict = facts.cluster_verdict(members)
    cluster["reasons"] = verdict.reasons() if verdict else []
    cluster["joins"] = store.rows(
        "SELECT e.a_sha256 AS a, e.b_sha256 AS b, e.kind, e.strength, e.reason, e.created_at "
        "FROM edges e JOIN messages m ON m.sha256 = e.a_sha256 WHERE m.cluster_id = ? "
        "ORDER BY e.created_at, e.a_sha256, e.b_sha256, e.kind",
        [cluster_id],
    )
    extortion = bool(verdict and verdict.extortion)
    for message, row in zip(cluster["messages"], members, strict=True):
        message["joined_despite_text"] = _joined_despite_text(
            row["sha256"], facts.classes.get(row["sha256"]), cluster["joins"], extortion
        )
    cluster["curations"] = [
        {**c, "clusters": json.loads(c["clusters"])}
        for c in store.curations_of([m["sha256"] for m in members])
    ]
    cluster["suggested"] = [
        {"cluster": next(c for c in s["clusters"] if c != cluster_id), **s}
        for s in suggestions(store, rates or RoutingConfig())
        if cluster_id in s["clusters"]
    ]
    cluster["merged"] = store.rows(
        "SELECT absorbed, at, reason FROM cluster_merges WHERE survivor = ? ORDER BY id",
        [cluster_id],
    )
    return cluster


def _joined_despite_text(
    sha: str, own_class: str | None, joins: list[dict[str, Any]], extortion: bool
) -> str | None:
    """Why a member whose own text does not read as extortion sits in an extortion cluster,
    or None: its text judged benign, or too unsure either way (below the extortion line)."""
    if own_class not in ("benign", "unknown") or not extortion:
        return None
    kinds = sorted({j["kind"] for j in joins if sha in (j["a"], j["b"])})
    if not kinds:
        return None
    judged = "judged benign" if own_class == "benign" else "not judged extortion (unsure)"
    return f"joined by {' and '.join(kinds)}; own text {judged}"


def resolve_cluster_id(store: Store, ident: str) -> str:
    """A cluster id (an absorbed one leads to its survivor), message sha256 prefix or id."""
    ident = ident.strip()
    for _ in range(1000):  # merges chain: follow them to the cluster that holds the members
        row = store.rows("SELECT merged_into FROM clusters WHERE id = ?", [ident])
        if not row:
            break
        if row[0]["merged_into"] is None:
            return ident
        ident = row[0]["merged_into"]
    rows: list[dict[str, Any]] = []
    if len(ident) >= 8 and all(c in "0123456789abcdef" for c in ident.lower()):
        rows = store.rows(
            "SELECT DISTINCT cluster_id FROM messages WHERE sha256 LIKE ? || '%'", [ident.lower()]
        )
    if not rows:
        rows = store.rows(
            "SELECT DISTINCT cluster_id FROM messages WHERE message_id = ? "
            "OR original_message_id = ?",
            [ident, ident],
        )
    if len(rows) == 1:
        return str(rows[0]["cluster_id"])
    if len(rows) > 1:
        raise NotFound(f"{ident!r} matches {len(rows)} clusters; give more of it")
    raise NotFound(f"no cluster, message sha256 or Message-ID matches {ident!r}")


def _cluster(cluster_id: str, members: list[dict[str, Any]], facts: _Facts) -> dict[str, Any]:
    seen = [m["seen"] for m in members if m["seen"]]
    shas = [m["sha256"] for m in members]
    verdict = facts.cluster_verdict(members)
    original = _originals(members)
    return {
        "id": cluster_id,
        "extortion": bool(verdict and verdict.extortion),
        "extortion_score": round(verdict.score, 4) if verdict else 0.0,
        "size": len(members),
        "recipients": sorted({m["recipient"] for m in members if m["recipient"]}),
        "first_seen": min(seen) if seen else None,
        "last_seen": max(seen) if seen else None,
        "wallets": sorted({w for s in shas for w in facts.wallets.get(s, ())}),
        "max_manipulation": _max(facts.manipulation.get(s) for s in shas),
        "queue_status": facts.queue_status.get(cluster_id),
        "originals": len({original[m["sha256"]] for m in members}),
        "messages": [{**_message(m), "original": original[m["sha256"]]} for m in members],
    }


def _originals(members: list[dict[str, Any]]) -> dict[str, str]:
    """Each member's original, named by the first report of it (sha256): two offices that
    forwarded one original share it."""
    reports = [
        Report(
            sha256=m["sha256"],
            # a message sent straight to triage is its own original
            original_message_id=m["original_message_id"]
            or (m["message_id"] if m["forward_kind"] == "direct" else None),
            digest=m["original_digest"],
        )
        for m in members
    ]
    return {sha: group[0] for group in group_originals(reports) for sha in group}


class _Facts:
    """Verdicts and wallets of the messages being shown, read in one query each."""

    def __init__(
        self,
        verdicts: dict[str, ExtortionVerdict],
        classes: dict[str, str],
        wallets: dict[str, list[str]],
        pictures: dict[str, int],
        manipulation: dict[str, float],
        queue_status: dict[str, str] | None = None,
    ) -> None:
        self.manipulation = manipulation
        self.verdicts = verdicts
        self.classes = classes
        self.wallets = wallets
        self.pictures = pictures
        self.queue_status = queue_status or {}

    @classmethod
    def load(cls, store: Store, cluster_id: str | None = None) -> _Facts:
        params = [cluster_id, cluster_id]  # None: every cluster
        rows = store.rows(
            "SELECT v.* FROM verdicts v JOIN messages m ON m.sha256 = v.message_sha256 "
            "WHERE (? IS NULL OR m.cluster_id = ?)",
            params,
        )
        verdicts = {r["message_sha256"]: _verdict(r) for r in rows}
        classes = {r["message_sha256"]: verdict_class(r["score"], r["text_chars"]) for r in rows}
        pictures = {
            r["message_sha256"]: r["n"]
            for r in store.rows(
                "SELECT mi.message_sha256, count(*) AS n FROM message_images mi "
                "JOIN images i ON i.sha256 = mi.image_sha256 "
                "JOIN messages m ON m.sha256 = mi.message_sha256 "
                "WHERE (? IS NULL OR m.cluster_id = ?) AND i.linkable = 1 "
                "GROUP BY mi.message_sha256",
                params,
            )
        }
        wallets: dict[str, list[str]] = {}
        for r in store.rows(
            "SELECT i.message_sha256, i.value FROM indicators i "
            "JOIN messages m ON m.sha256 = i.message_sha256 "
            "WHERE (? IS NULL OR m.cluster_id = ?) AND i.kind = 'wallet'",
            params,
        ):
            wallets.setdefault(r["message_sha256"], []).append(r["value"])
        queue_status = {
            r["cluster_id"]: r["status"]
            for r in store.rows(
                "SELECT cluster_id, status FROM queue_items WHERE merged_into IS NULL "
                "AND (? IS NULL OR cluster_id = ?)",
                params,
            )
        }
        manipulation = {
            r["message_sha256"]: r["m"]
            for r in store.rows(
                "SELECT mi.message_sha256, max(i.manipulation) AS m FROM message_images mi "
                "JOIN images i ON i.sha256 = mi.image_sha256 "
                "JOIN messages m ON m.sha256 = mi.message_sha256 "
                "WHERE (? IS NULL OR m.cluster_id = ?) AND i.manipulation IS NOT NULL "
                "GROUP BY mi.message_sha256",
                params,
            )
        }
        return cls(verdicts, classes, wallets, pictures, manipulation, queue_status)

    def cluster_verdict(self, members: list[dict[str, Any]]) -> ExtortionVerdict | None:
        judged = [m["sha256"] for m in members if m["sha256"] in self.verdicts]
        if not judged:
            return None
        verdict = judge_cluster([self.verdicts[s] for s in judged], names=[s[:12] for s in judged])
        if verdict.extortion:
            return verdict
        pattern = campaign_pattern(
            MemberFacts(
                recipient=m["recipient"],
                pictures=self.pictures.get(m["sha256"], 0),
                wallets=tuple(self.wallets.get(m["sha256"], ())),
                verdict_class=self.classes.get(m["sha256"], "unknown"),
            )
            for m in members
        )
        if pattern is None:
            return verdict
        # The pattern is a strong reason but not a reading of a threat: scored just above the
        # line, so an investigator sees it flagged and why, not a certainty it has not earned.
        return replace(
            verdict,
            extortion=True,
            score=max(verdict.score, CAMPAIGN_PATTERN_SCORE),
            cues=(Cue(group="campaign", evidence=pattern), *verdict.cues),
        )

    def verdict_json(self, sha: str) -> dict[str, Any] | None:
        v = self.verdicts.get(sha)
        if v is None:
            return None
        return {
            "score": round(v.score, 4),
            "extortion": v.extortion,
            "model_score": round(v.model_score, 4),
            "language": v.language,
            "cues": [{"group": c.group, "evidence": c.evidence} for c in v.cues],
            "reasons": v.reasons(),
        }


def _verdict(row: dict[str, Any]) -> ExtortionVerdict:
    return ExtortionVerdict(
        score=row["score"],
        extortion=bool(row["extortion"]),
        cues=tuple(Cue(group=c["group"], evidence=c["evidence"]) for c in json.loads(row["cues"])),
        language=row["language"],
        model_score=row["model_score"],
    )


def _read_texts(store: Store, sha: str) -> dict[str, Any]:
    """Text set apart from the verdict's reading (hidden HTML, filler) and text read in
    pictures (OCR, QR codes), as stored by ingest."""
    hidden: list[str] = []
    pictures: list[dict[str, str]] = []
    for row in store.rows(
        "SELECT found_in, text FROM message_texts WHERE message_sha256 = ? ORDER BY rowid", [sha]
    ):
        kind, _, where = str(row["found_in"]).partition(": picture ")
        if kind == "hidden":
            hidden.append(row["text"])
        elif where:
            pictures.append({"picture": where, "kind": kind, "text": row["text"]})
    return {"hidden_text": "\n".join(hidden), "picture_texts": pictures}


def _image(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("manipulation_signals", "manipulation_region", "paste_box"):
        row[key] = json.loads(row[key]) if row[key] else None
    row["linkable"] = bool(row["linkable"])
    return row


def _max(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _indicators(store: Store, sha: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for r in store.rows(
        "SELECT kind, value, detail FROM indicators WHERE message_sha256 = ? ORDER BY kind, value",
        [sha],
    ):
        detail = json.loads(r["detail"]) if r["detail"] else {}
        out.setdefault(r["kind"] + "s", []).append({"value": r["value"], **detail})
    return out


def _message(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "message_id": row["message_id"],
        "original_message_id": row["original_message_id"],
        "recipient": row["recipient"],
        "subject": row["subject"],
        "date": row["date"],
        "source": row["source"],
        "sha256": row["sha256"],
        "sender": row["sender"],
        "forward_kind": row["forward_kind"],
        "forward_chain": json.loads(row["forward_chain"]),
        "forwarded_by": row["forwarded_by"],
        "recipient_source": row["recipient_source"],
        "original_id_source": row["original_id_source"],
    }
