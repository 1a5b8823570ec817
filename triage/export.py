"""Clusters -> JSON, CSV, STIX 2.1 bundles and MISP events; evidence referenced by sha256 (pure).

Input is what queries.show_cluster returns. STIX and MISP ids are uuid5 of a fixed namespace
and what they describe, so exporting the same cluster twice gives the same ids.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

FORMATS = ("json", "csv", "stix", "misp")
# Ours: every STIX and MISP id we make is uuid5(NAMESPACE, what it describes).
NAMESPACE = uuid.UUID("6f1b7a52-1d0e-5d1e-9a53-5b0e7c4f2d11")
# STIX 2.1 section 2.9: the namespace of deterministic ids of cyber observables.
STIX_SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
CSV_COLUMNS = (
    "cluster_id", "extortion", "extortion_score", "queue_status", "message_sha256",
    "message_id", "original_message_id", "recipient", "sender", "subject", "date",
    "wallets", "emails", "urls", "amounts", "image_sha256s", "source",
)  # fmt: skip
_MISP_TEMPLATES = {  # name -> (template uuid, version) as pymisp ships them
    "email": ("a0c666e0-fc65-4be8-b48f-3423d788b552", "19"),
    "file": ("688c46fb-5edb-40a3-8273-1af7923e2215", "25"),
    "coin-address": ("d0e6997e-78da-4815-a6a1-cfc1c1cb8a46", "7"),
}
_COIN = {"btc": ("address", "btc", "BTC"), "xmr": ("address-xmr", "xmr", "XMR")}


def cluster_document(cluster: dict[str, Any], item: dict[str, Any] | None) -> dict[str, Any]:
    """One cluster for other tools: the interface.md fields, its queue item, its indicators
    and its evidence (messages and images by sha256)."""
    images: dict[str, dict[str, Any]] = {}
    for m in cluster["messages"]:
        for im in m.get("images", []):
            entry = images.setdefault(
                im["sha256"],
                {k: im[k] for k in ("sha256", "format", "width", "height", "phash", "dhash")}
                | {"messages": []},
            )
            entry["messages"].append(m["sha256"])
    return {
        **{k: cluster[k] for k in _SUMMARY},
        "queue": item,
        "reasons": cluster.get("reasons", []),
        "indicators": _indicators(cluster),
        "evidence": {
            "messages": [
                {**{k: m.get(k) for k in _MESSAGE}, "indicators": _message_indicators(m)}
                for m in cluster["messages"]
            ],
            "images": [images[k] for k in sorted(images)],
        },
        "joins": cluster.get("joins", []),
    }


def to_json(docs: list[dict[str, Any]]) -> str:
    return json.dumps(docs, ensure_ascii=False, indent=2) + "\n"


def to_csv(docs: list[dict[str, Any]]) -> str:
    """One row per message; lists joined by spaces."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for doc in docs:
        for m in doc["evidence"]["messages"]:
            ind = m["indicators"]
            images = [
                i["sha256"] for i in doc["evidence"]["images"] if m["sha256"] in i["messages"]
            ]
            writer.writerow(
                {
                    "cluster_id": doc["id"],
                    "extortion": str(doc["extortion"]).lower(),
                    "extortion_score": doc["extortion_score"],
                    "queue_status": doc["queue_status"] or "",
                    "message_sha256": m["sha256"],
                    **{k: m[k] or "" for k in ("message_id", "original_message_id")},
                    **{k: m[k] or "" for k in ("recipient", "sender", "subject", "date")},
                    "wallets": " ".join(ind.get("wallets", [])),
                    "emails": " ".join(ind.get("emails", [])),
                    "urls": " ".join(ind.get("urls", [])),
                    "amounts": " ".join(f"{a['amount']:g}{a['currency']}" for a in ind["amounts"]),
                    "image_sha256s": " ".join(images),
                    "source": m["source"],
                }
            )
    return out.getvalue()


def to_stix(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """A STIX 2.1 bundle: per cluster a campaign, indicators for its wallets, contact and
    sender addresses and URLs, and observed-data naming its evidence files by SHA-256."""
    identity = {
        "type": "identity", "spec_version": "2.1", "id": _sid("identity", "triage"),
        "created": _EPOCH, "modified": _EPOCH, "name": "triage", "identity_class": "system",
    }  # fmt: skip
    objects: list[dict[str, Any]] = [identity]
    for doc in docs:
        objects.extend(_stix_cluster(doc, identity["id"]))
    ids = ",".join(sorted(o["id"] for o in objects))
    return {"type": "bundle", "id": _sid("bundle", ids), "objects": objects}


def to_misp(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """MISP events, one per cluster, as MISP's own search answers: {"response": [...]}."""
    return {"response": [_misp_event(doc) for doc in docs]}


def render(docs: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return to_json(docs)
    if fmt == "csv":
        return to_csv(docs)
    if fmt == "stix":
        return json.dumps(to_stix(docs), ensure_ascii=False, indent=2) + "\n"
    if fmt == "misp":
        return json.dumps(to_misp(docs), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown export format {fmt!r}")


def notice_text(doc: dict[str, Any], *, key: str, version: int, flag: str | None) -> str:
    """The plain-text body of a delivery to the unit (the JSON document travels with it)."""
    item = doc["queue"] or {}
    lines = [
        f"Campaign {doc['id']} (queue item {item.get('id')}, version {version}, "
        f"priority {item.get('priority')})",
        f"Delivery key: {key}",
        "",
        f"{doc['size']} message(s) to {len(doc['recipients'])} victim(s), "
        f"seen {doc['first_seen']} .. {doc['last_seen']}",
        f"Victims: {', '.join(doc['recipients']) or '(unknown)'}",
        f"Wallets: {', '.join(doc['wallets']) or '-'}",
    ]
    if flag:
        lines += ["", f"What changed: {flag}"]
    lines += ["", "Why it is here:"]
    lines += [f"  - {r['text']}" for r in item.get("reasons", [])]
    lines += ["", "Evidence (sha256):"]
    lines += [f"  message {m['sha256']}  {m['subject']!r}" for m in doc["evidence"]["messages"]]
    lines += [f"  image   {i['sha256']}" for i in doc["evidence"]["images"]]
    return "\n".join(lines) + "\n"


def office_ack_text(*, cluster_id: str, item_id: str, messages: int) -> str:
    return (
        "Thank you. The triage mailbox received the message(s) your office forwarded "
        f"({messages} so far). They are part of campaign {cluster_id}, which has been "
        f"reported to the cyber-crime unit (reference {item_id}).\n\n"
        "Please keep forwarding any further messages of this kind; do not reply to the sender.\n"
    )


_SUMMARY = (
    "id", "extortion", "extortion_score", "size", "recipients", "first_seen", "last_seen",
    "wallets", "max_manipulation", "queue_status",
)  # fmt: skip
_MESSAGE = (
    "sha256", "message_id", "original_message_id", "recipient", "sender", "subject", "date",
    "source", "forwarded_by",
)  # fmt: skip
_EPOCH = "2025-01-01T00:00:00.000Z"  # created/modified of our fixed identity


def _indicators(cluster: dict[str, Any]) -> dict[str, Any]:
    wallets: dict[str, str | None] = {}
    found: dict[str, set[str]] = {"emails": set(), "urls": set(), "phones": set()}
    amounts: set[tuple[float, str]] = set()
    for m in cluster["messages"]:
        ind = m.get("indicators", {})
        for w in ind.get("wallets", []):
            wallets[w["value"]] = w.get("kind")
        for kind, values in found.items():
            values.update(v["value"] for v in ind.get(kind, []))
        for a in ind.get("amounts", []):
            value = a.get("amount", a.get("value"))
            if isinstance(value, int | float) and a.get("currency"):
                amounts.add((float(value), str(a["currency"])))
    senders = {m["sender"] for m in cluster["messages"] if m.get("sender")}
    victims = set(cluster["recipients"])
    return {
        "wallets": [{"value": w, "kind": wallets[w]} for w in sorted(wallets)],
        **{kind: sorted(values) for kind, values in found.items()},
        # A sender that is a victim's own address is spoofed, not the extortioner's.
        "senders": sorted(senders - victims),
        "amounts": [{"amount": v, "currency": c} for v, c in sorted(amounts)],
    }


def _message_indicators(m: dict[str, Any]) -> dict[str, Any]:
    ind = m.get("indicators", {})
    return {
        "wallets": [w["value"] for w in ind.get("wallets", [])],
        "emails": [e["value"] for e in ind.get("emails", [])],
        "urls": [u["value"] for u in ind.get("urls", [])],
        "amounts": [
            {"amount": a.get("amount", a.get("value")), "currency": a["currency"]}
            for a in ind.get("amounts", [])
            if isinstance(a.get("amount", a.get("value")), int | float) and a.get("currency")
        ],
    }


# -- STIX -----------------------------------------------------------------------------


def _stix_cluster(doc: dict[str, Any], creator: str) -> list[dict[str, Any]]:
    cid = doc["id"]
    first, last = _stix_time(doc["first_seen"]), _stix_time(doc["last_seen"])
    last = max(first, last)
    common = {"spec_version": "2.1", "created_by_ref": creator, "created": first, "modified": last}
    campaign: dict[str, Any] = {
        "type": "campaign", "id": _sid("campaign", cid), **common,
        "name": f"Extortion campaign {cid}",
        "description": (
            f"{doc['size']} extortion message(s) to {len(doc['recipients'])} recipient(s); "
            f"extortion score {doc['extortion_score']}"
        ),
        "first_seen": first, "last_seen": last,
        "external_references": [{"source_name": "triage", "external_id": cid}],
    }  # fmt: skip
    out: list[dict[str, Any]] = [campaign]
    ind = doc["indicators"]
    patterns = [
        *((f"[cryptocurrency-wallet:address = '{_q(w['value'])}']",
           f"{(w['kind'] or 'crypto').upper()} wallet {w['value']}") for w in ind["wallets"]),
        *((f"[email-addr:value = '{_q(e)}']", f"contact address {e}") for e in ind["emails"]),
        *((f"[email-addr:value = '{_q(e)}']", f"sender {e}") for e in ind["senders"]
          if e not in ind["emails"]),
        *((f"[url:value = '{_q(u)}']", f"URL {u}") for u in ind["urls"]),
    ]  # fmt: skip
    for pattern, name in patterns:
        indicator_id = _sid("indicator", f"{cid}|{pattern}")
        out.append(
            {"type": "indicator", "id": indicator_id, **common, "name": name,
             "indicator_types": ["malicious-activity"], "pattern": pattern,
             "pattern_type": "stix", "valid_from": first}
        )  # fmt: skip
        out.append(_relationship(indicator_id, "indicates", campaign["id"], common))
    files = [
        *((m["sha256"], "message/rfc822") for m in doc["evidence"]["messages"]),
        *((i["sha256"], f"image/{i['format'].lower()}") for i in doc["evidence"]["images"]),
    ]
    scos = {sha: _file_sco(sha, mime) for sha, mime in files}
    if scos:
        observed: dict[str, Any] = {
            "type": "observed-data", "id": _sid("observed-data", cid), **common,
            "first_observed": first, "last_observed": last,
            "number_observed": max(1, doc["size"]),
            "object_refs": [scos[k]["id"] for k in sorted(scos)],
        }  # fmt: skip
        out += [observed, _relationship(observed["id"], "related-to", campaign["id"], common)]
        out += [scos[k] for k in sorted(scos)]
    return out


def _file_sco(sha256: str, mime: str) -> dict[str, Any]:
    hashes = {"SHA-256": sha256}
    contributing = json.dumps({"hashes": hashes}, separators=(",", ":"), sort_keys=True)
    ident = uuid.uuid5(STIX_SCO_NAMESPACE, contributing)
    return {"type": "file", "spec_version": "2.1", "id": f"file--{ident}", "hashes": hashes,
            "mime_type": mime}  # fmt: skip


def _relationship(src: str, kind: str, dst: str, common: dict[str, Any]) -> dict[str, Any]:
    return {"type": "relationship", "id": _sid("relationship", f"{src}|{kind}|{dst}"), **common,
            "relationship_type": kind, "source_ref": src, "target_ref": dst}  # fmt: skip


def _sid(kind: str, name: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{name}')}"


def _q(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _stix_time(text: str | None) -> str:
    if not text:
        return _EPOCH
    dt = datetime.fromisoformat(text)
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


# -- MISP -----------------------------------------------------------------------------


def _misp_event(doc: dict[str, Any]) -> dict[str, Any]:
    cid = doc["id"]
    objects = [_misp_email(cid, m) for m in doc["evidence"]["messages"]]
    objects += [
        _misp_object(cid, "file", m["sha256"], [
            ("sha256", "sha256", m["sha256"], "Payload delivery"),
            ("filename", "filename", f"{m['sha256']}.eml", "Payload delivery"),
            ("mimetype", "mime-type", "message/rfc822", "Payload delivery"),
        ]) for m in doc["evidence"]["messages"]
    ]  # fmt: skip
    objects += [
        _misp_object(cid, "file", i["sha256"], [
            ("sha256", "sha256", i["sha256"], "Payload delivery"),
            ("mimetype", "mime-type", f"image/{i['format'].lower()}", "Payload delivery"),
        ]) for i in doc["evidence"]["images"]
    ]  # fmt: skip
    for w in doc["indicators"]["wallets"]:
        relation, kind, symbol = _COIN.get(w["kind"] or "", ("address-crypto", "text", None))
        attrs = [(relation, kind, w["value"], "Financial fraud")]
        symbol = symbol or (w["kind"] or "").upper() or None
        if symbol:
            attrs.append(("symbol", "text", symbol, "Financial fraud"))
        objects.append(_misp_object(cid, "coin-address", w["value"], attrs))
    attributes = [
        _misp_attribute(cid, "cluster", None, "text", cid, "Other", "triage cluster id"),
        *(_misp_attribute(cid, "contact", None, "email", e, "Payload delivery",
                          "contact address in the messages") for e in doc["indicators"]["emails"]),
        *(_misp_attribute(cid, "url", None, "url", u, "Network activity", None)
          for u in doc["indicators"]["urls"]),
    ]  # fmt: skip
    return {
        "Event": {
            "uuid": str(uuid.uuid5(NAMESPACE, f"misp-event:{cid}")),
            "info": f"Extortion campaign {cid}: {doc['size']} message(s) to "
            f"{len(doc['recipients'])} recipient(s)",
            "date": _stix_time(doc["first_seen"])[:10],
            "threat_level_id": "2",  # medium
            "analysis": "1",  # ongoing
            "distribution": "0",  # this organisation only: victims are named
            "published": False,
            "Tag": [{"name": "tlp:amber"}, {"name": f'triage:cluster="{cid}"'}],
            "Attribute": attributes,
            "Object": objects,
        }
    }


def _misp_email(cid: str, m: dict[str, Any]) -> dict[str, Any]:
    rows = [
        ("from", "email-src", m.get("sender")),
        ("to", "email-dst", m.get("recipient")),
        ("subject", "email-subject", m.get("subject")),
        ("message-id", "email-message-id", m.get("original_message_id") or m.get("message_id")),
    ]
    attrs = [(rel, kind, value, "Payload delivery") for rel, kind, value in rows if value]
    if m.get("date"):
        attrs.append(("send-date", "datetime", m["date"], "Other"))
    return _misp_object(cid, "email", m["sha256"], attrs, comment=f"evidence sha256 {m['sha256']}")


def _misp_object(
    cid: str,
    name: str,
    what: str,
    attrs: list[tuple[str, str, str, str]],
    comment: str | None = None,
) -> dict[str, Any]:
    template, version = _MISP_TEMPLATES[name]
    obj: dict[str, Any] = {
        "name": name,
        "meta-category": {"email": "network", "file": "file", "coin-address": "financial"}[name],
        "template_uuid": template,
        "template_version": version,
        "uuid": str(uuid.uuid5(NAMESPACE, f"misp-object:{cid}:{name}:{what}")),
        "distribution": "5",  # as the event
        "Attribute": [
            _misp_attribute(cid, f"{name}:{what}", rel, kind, value, category, None)
            for rel, kind, value, category in attrs
        ],
    }
    if comment:
        obj["comment"] = comment
    return obj


def _misp_attribute(
    cid: str,
    scope: str,
    relation: str | None,
    kind: str,
    value: str,
    category: str,
    comment: str | None,
) -> dict[str, Any]:
    attr: dict[str, Any] = {
        "uuid": str(uuid.uuid5(NAMESPACE, f"misp-attribute:{cid}:{scope}:{relation}:{value}")),
        "type": kind,
        "category": category,
        "value": value,
        "to_ids": kind in ("btc", "xmr", "email-src", "email", "url"),
        "distribution": "5",
    }
    if relation:
        attr["object_relation"] = relation
    if comment:
        attr["comment"] = comment
    return attr
