"""What the pages show, shaped from the read side's rows: campaign rows, timelines, search
hits grouped by campaign, pictures nearest an uploaded one (pure)."""

from __future__ import annotations

from typing import Any

THUMBS_PER_CAMPAIGN = 6  # the campaign list's strip
# pHash bits within which the pipeline itself proposes two pictures as one base
# (triage.imagelinks.CANDIDATE_BITS): a closer picture is shown as a likely match.
LIKELY_BITS = 22


def campaign_row(
    cluster: dict[str, Any], pictures: list[str], item: dict[str, Any] | None
) -> dict[str, Any]:
    """One line of the campaign list."""
    return {
        "id": cluster["id"],
        "extortion": cluster["extortion"],
        "size": cluster["size"],
        "victims": cluster["recipients"],
        "first_seen": cluster["first_seen"],
        "last_seen": cluster["last_seen"],
        "wallets": cluster["wallets"],
        "max_manipulation": cluster["max_manipulation"],
        "queue_status": item["status"] if item else None,
        "priority": item["priority"] if item else None,
        "pictures": len(pictures),
        "thumbs": pictures[:THUMBS_PER_CAMPAIGN],
    }


def order_campaigns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Queued campaigns by priority, then the rest, most recent first."""
    recent = sorted(rows, key=lambda r: r["last_seen"] or "", reverse=True)
    return sorted(recent, key=lambda r: -(r["priority"] if r["priority"] is not None else -1))


def timeline(cluster: dict[str, Any], history: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Everything that happened to a campaign, oldest first: mail received, joins, merges,
    investigators' curations and queue moves."""
    events: list[dict[str, str]] = []
    for m in cluster["messages"]:
        if m["date"]:
            to = m["recipient"] or "?"
            events.append(
                {"at": m["date"], "kind": "mail", "text": f"to {to}: {m['subject'] or ''}"}
            )
    for j in cluster.get("joins", []):
        events.append(
            {"at": j["created_at"], "kind": f"joined by {j['kind']}", "text": j["reason"]}
        )
    for c in cluster.get("merged", []):
        events.append({"at": c["at"], "kind": "merged", "text": f"{c['absorbed']}: {c['reason']}"})
    for c in cluster.get("curations", []):
        text = f"{c['action']} by {c['by']}: {c['note']} ({', '.join(c['clusters'])})"
        events.append({"at": c["at"], "kind": "curation", "text": text})
    for h in history:
        text = f"{h['actor']}: {h['from_status'] or '-'} -> {h['to_status']}"
        if h["detail"]:
            text += f" ({h['detail']})"
        events.append({"at": h["at"], "kind": f"queue {h['event']}", "text": text})
    return sorted(events, key=lambda e: (e["at"], e["kind"]))


def fts_query(text: str) -> tuple[str | None, list[str]]:
    """(an FTS5 MATCH expression requiring every word of 3+ characters, the shorter words).
    Each word is one quoted phrase, so FTS5 operators typed by a person are plain text."""
    words = [w for w in text.split() if w]
    long = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    match = " AND ".join('"' + w.replace('"', '""') + '"' for w in long) or None
    return match, short


def group_hits(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Search hits (message rows with `matched`) by campaign; a message hit twice is listed
    once with all it matched. Campaigns ordered by their earliest hit."""
    by_sha: dict[str, dict[str, Any]] = {}
    for h in hits:
        kept = by_sha.setdefault(h["sha256"], {**h, "matched": []})
        if h["matched"] not in kept["matched"]:
            kept["matched"].append(h["matched"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for h in sorted(by_sha.values(), key=lambda h: (h["date"] or "", h["sha256"])):
        groups.setdefault(h["cluster_id"], []).append(h)
    return [{"cluster_id": cid, "messages": ms} for cid, ms in groups.items()]


def nearest_pictures(
    phash: str, phash_mirror: str, pictures: list[dict[str, Any]], limit: int = 12
) -> list[dict[str, Any]]:
    """Stored pictures nearest an uploaded one by pHash (either may be mirrored), closest
    first, each with its distance in bits and whether it is within LIKELY_BITS."""
    q, qm = int(phash, 16), int(phash_mirror, 16)
    scored = []
    for p in pictures:
        h = int(p["phash"], 16)
        bits = min((q ^ h).bit_count(), (qm ^ h).bit_count())
        scored.append({**p, "bits": bits, "likely": bits <= LIKELY_BITS,
                       "clusters": sorted(str(p["clusters"] or "").split(","))})  # fmt: skip
    return sorted(scored, key=lambda p: (p["bits"], p["sha256"]))[:limit]


def victim_campaigns(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A person's or office's mail grouped by campaign, campaigns by first message."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for m in messages:
        groups.setdefault(m["cluster_id"], []).append(m)
    return [{"cluster_id": cid, "messages": ms} for cid, ms in groups.items()]
