"""Routing run and queue actions: composes route, queue, export and deliver with the store.

The only module that reads the store for routing and writes queue items, their audit trail
and the outbox; each cluster's change commits with its outbox rows in one transaction.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from triage import queue as q
from triage.config import Config
from triage.deliver import Delivery, deliver
from triage.errors import NotFound, TriageError
from triage.export import cluster_document, notice_text, office_ack_text
from triage.pipeline import Clock, Workspace, localise_campaigns, utc_now
from triage.queries import list_clusters, resolve_cluster_id, show_cluster
from triage.route import Amount, ClusterFacts, RoutingDecision, decide
from triage.store import Store, iso

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryOutcome:
    key: str
    channel: str
    item_id: str
    error: str | None  # None: the receiver accepted it
    dead: bool = False  # this failure was the last attempt allowed: now a dead letter


@dataclass(slots=True, kw_only=True)
class RouteReport:
    dry_run: bool
    decisions: list[RoutingDecision] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)  # item ids created (dry run: would be)
    updated: list[str] = field(default_factory=list)  # item ids with a new version
    folded: list[str] = field(default_factory=list)  # item ids folded into a survivor
    deliveries: list[DeliveryOutcome] = field(default_factory=list)
    pending: int = 0  # outbox rows still waiting for their receiver
    dead_letters: list[dict[str, Any]] = field(default_factory=list)  # no more attempts

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "clusters": len(self.decisions),
            "to_queue": [d.cluster_id for d in self.decisions if d.queue],
            "queued": self.queued,
            "updated": self.updated,
            "folded": self.folded,
            "delivered": [_outcome(o) for o in self.deliveries if o.error is None],
            "failed": [_outcome(o) for o in self.deliveries if o.error is not None],
            "pending": self.pending,
            "dead_letters": self.dead_letters,
            "decisions": [
                {
                    "cluster_id": d.cluster_id,
                    "queue": d.queue,
                    "priority": d.priority,
                    "reasons": [r.as_json() for r in d.reasons],
                }
                for d in self.decisions
            ],
        }


def route(ws: Workspace, *, dry_run: bool = False, clock: Clock = utc_now) -> RouteReport:
    """Apply the routing rules to every cluster, update the queue, deliver what is due."""
    now = clock()
    config, store = ws.config, ws.store
    report = RouteReport(dry_run=dry_run)
    if not dry_run:
        for row in store.items_of_retired_clusters():
            changes = _fold(store, _item(row), now, config)
            _apply(store, config, changes, now)
            report.folded += [c.item.id for c in changes if c.event == "merged"]
    clusters = list_clusters(store, include_all=True)
    if not dry_run and config.routing.localise:
        # The pasted region of each campaign picture goes to the unit with the case.
        extortion = [c["id"] for c in clusters if c["extortion"]]
        if localise_campaigns(ws, extortion, clock=clock):
            # campaign evidence has raised manipulation scores: decide on the new ones
            clusters = list_clusters(store, include_all=True)
    amounts = _amounts(store)
    for cluster in clusters:
        decision = decide(
            _facts(cluster, amounts.get(cluster["id"], ())),
            config.routing,
            config.protected,
            now=now,
        )
        report.decisions.append(decision)
        if dry_run:
            if decision.queue and store.live_queue_item(cluster["id"]) is None:
                report.queued.append(q.item_id_for(cluster["id"]))
            continue
        with store.transaction():
            store.put_routing_decision(
                decision.cluster_id,
                decision.queue,
                decision.priority,
                json.dumps([r.as_json() for r in decision.reasons], ensure_ascii=False),
                now,
            )
            changes = _plan(store, config, cluster, decision, now)
            _apply(store, config, changes, now)
            _office_acks(store, config, cluster, now)
        report.queued += [c.item.id for c in changes if c.event == "queued"]
        report.updated += [c.item.id for c in changes if c.deliver and c.event != "queued"]
    if not dry_run:
        report.deliveries = deliver_due(ws, clock=clock)
    report.pending = len(store.outbox(pending_only=True))
    report.dead_letters = store.dead_deliveries()
    return report


def deliver_due(ws: Workspace, *, clock: Clock = utc_now) -> list[DeliveryOutcome]:
    """Send every due outbox row once; a failure leaves it for a later run, with backoff."""
    cfg = ws.config.delivery
    now = clock()
    outcomes: list[DeliveryOutcome] = []
    down: set[str] = set()  # a receiver that failed once is not hammered again this run
    for row in ws.store.due_deliveries(now):
        key, channel = row["key"], row["channel"]
        if channel in down:
            continue
        delay = min(cfg.retry_max_seconds, cfg.retry_base_seconds * 2 ** row["attempts"])
        if not ws.store.claim_delivery(key, channel, now, now + timedelta(seconds=delay)):
            continue  # an overlapping run took it
        envelope = json.loads(row["payload"])
        d = Delivery(
            key=key,
            channel=channel,
            target=row["target"],
            subject=envelope["subject"],
            text=envelope["text"],
            body=envelope["body"],
        )
        error = deliver(d, cfg)
        ws.store.finish_delivery(key, channel, clock(), error)
        dead = error is not None and row["attempts"] + 1 >= cfg.max_attempts
        if error is not None:
            log.warning("delivery %s over %s failed: %s", key, channel, error)
            down.add(channel)
        if dead:
            ws.store.bury_delivery(key, channel, clock())
            log.warning(
                "delivery %s over %s: %d attempts, given up", key, channel, cfg.max_attempts
            )
        outcomes.append(DeliveryOutcome(key=key, channel=channel, item_id=row["item_id"],
                                        error=error, dead=dead))  # fmt: skip
    return outcomes


def list_queue(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """Queue items in the shape of interface.md, most urgent first; folded ones only when
    asked for by --status merged."""
    rows = store.queue_items(status)
    return [item_json(store, r) for r in rows if status == q.MERGED or r["merged_into"] is None]


def act(
    ws: Workspace,
    idents: list[str],
    action: str,
    *,
    by: str,
    to: str | None = None,
    note: str | None = None,
    clock: Clock = utc_now,
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Apply a person's move to each item; (changed items, {"id", "error"} per refusal).
    One refused id never stops the others."""
    changed, errors = [], []
    for ident in idents:
        try:
            with ws.store.transaction():
                item = find_item(ws.store, ident)
                change = q.act(item, action, by=by, to=to, note=note, now=clock())
                _apply(ws.store, ws.config, [change], clock())
            changed.append(item_json(ws.store, _row(change.item)))
        except TriageError as e:
            errors.append({"id": ident, "error": str(e)})
    return changed, errors


def find_item(store: Store, ident: str) -> q.QueueItem:
    """An item by its id (a folded one leads to its survivor) or by anything naming its cluster."""
    ident = ident.strip()
    row = store.queue_item(ident)
    for _ in range(1000):  # folds chain like merges
        if row is None or row["merged_into"] is None:
            break
        row = store.queue_item(row["merged_into"])
    if row is None:
        cluster_id = resolve_cluster_id(store, ident)
        row = store.live_queue_item(cluster_id)
        if row is None:
            raise NotFound(f"cluster {cluster_id} is not on the queue")
    return _item(row)


def item_json(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    decision = store.routing_decision(row["cluster_id"])
    deliveries = store.outbox(item_id=row["id"])
    return {
        "id": row["id"],
        "cluster_id": row["cluster_id"],
        "status": row["status"],
        "priority": row["priority"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "assignee": row["assignee"],
        "version": row["version"],
        "flag": row["flag"],
        "size": row["size"],
        "victims": json.loads(row["victims"]),
        "wallets": json.loads(row["wallets"]),
        "merged_into": row["merged_into"],
        "reasons": json.loads(decision["reasons"]) if decision else [],
        "deliveries": [
            {
                k: o[k]
                for k in ("key", "channel", "attempts", "delivered_at", "last_error", "dead_at")
            }
            for o in deliveries
        ],
        "history": store.queue_events(row["id"]),
    }


# -- planning: read-only --------------------------------------------------------------


def _plan(
    store: Store,
    config: Config,
    cluster: dict[str, Any],
    decision: RoutingDecision,
    now: datetime,
) -> list[q.Change]:
    snap = q.Snapshot(
        cluster_id=cluster["id"],
        victims=tuple(cluster["recipients"]),
        wallets=tuple(cluster["wallets"]),
        size=cluster["size"],
        priority=decision.priority,
    )
    row = store.live_queue_item(cluster["id"])
    if row is None:
        if not decision.queue:
            return []
        why = "; ".join(r.text for r in decision.reasons if r.rule in _GATES)
        return [q.open_item(snap, now, why)]
    return q.observe(_item(row), snap, now, reopen_on_growth=config.routing.reopen_on_growth)


def _fold(store: Store, item: q.QueueItem, now: datetime, config: Config) -> list[q.Change]:
    survivor_cluster = resolve_cluster_id(store, item.cluster_id)
    survivor = store.live_queue_item(survivor_cluster)
    if survivor is None:
        return [q.move(item, survivor_cluster, now)]
    reopen = config.routing.reopen_on_growth
    return q.fold(_item(survivor), item, now, reopen_on_growth=reopen)


# -- applying: writes -----------------------------------------------------------------


def _apply(store: Store, config: Config, changes: list[q.Change], now: datetime) -> None:
    """Items, their audit entries and, for a new version, its outbox rows: one transaction."""
    if not changes:
        return
    with store.transaction():
        for change in changes:
            store.put_queue_item(_row(change.item))
            if not change.audit:
                continue
            store.add_queue_event(
                change.item.id,
                now,
                actor=change.actor,
                event=change.event,
                from_status=change.from_status,
                to_status=change.item.status,
                detail=change.detail,
            )
        for change in changes:
            if change.deliver:
                _enqueue(store, config, change, now)


def _enqueue(store: Store, config: Config, change: q.Change, now: datetime) -> None:
    item = change.item
    channels = config.delivery.channels()
    if not channels:
        return
    key = f"{item.id}.v{item.version}"
    doc = cluster_document(show_cluster(store, item.cluster_id), item_json(store, _row(item)))
    doc["queue"].pop("history")  # the unit's own trail; not news to the unit
    doc["queue"].pop("deliveries")
    body = json.dumps(
        {"delivery_key": key, "event": change.event, "change": item.flag, "cluster": doc},
        ensure_ascii=False,
        sort_keys=True,
    )
    what = "New" if item.version == 1 else "Updated"
    subject = (
        f"[triage] {what} extortion campaign {item.cluster_id}: priority {item.priority:g}, "
        f"{len(item.victims)} victim(s)"
    )
    text = notice_text(doc, key=key, version=item.version, flag=item.flag)
    payload = json.dumps({"subject": subject, "text": text, "body": body}, ensure_ascii=False)
    for channel in channels:
        store.enqueue_delivery(key, channel, item_id=item.id, version=item.version, target=None,
                               payload=payload, now=now)  # fmt: skip


def _office_acks(store: Store, config: Config, cluster: dict[str, Any], now: datetime) -> None:
    """Tell each forwarding office once per item that its forward reached the unit."""
    ack = config.delivery.office_ack
    row = store.live_queue_item(cluster["id"])
    if not ack.enabled or row is None:
        return
    registered = set(config.office_map())
    offices: dict[str, int] = {}
    for m in cluster["messages"]:
        office = (m.get("forwarded_by") or "").lower()
        if office and (office in registered or not ack.registered_only):
            offices[office] = offices.get(office, 0) + 1
    for office, count in sorted(offices.items()):
        key = f"{row['id']}.ack.{office}"
        body = json.dumps({"delivery_key": key, "event": "office_ack", "office": office,
                           "cluster_id": cluster["id"], "item_id": row["id"]})  # fmt: skip
        payload = json.dumps(
            {
                "subject": f"Received: your forwarded message (campaign {cluster['id']})",
                "text": office_ack_text(
                    cluster_id=cluster["id"], item_id=row["id"], messages=count
                ),
                "body": body,
            }
        )
        store.enqueue_delivery(key, "office_ack", item_id=row["id"], version=row["version"],
                               target=office, payload=payload, now=now)  # fmt: skip


# -- records <-> rows -----------------------------------------------------------------

_GATES = ("extortion", "min_score", "min_victims")


def _facts(cluster: dict[str, Any], amounts: tuple[Amount, ...]) -> ClusterFacts:
    last = cluster["last_seen"]
    last_seen = datetime.fromisoformat(last) if last else None
    if last_seen is not None and last_seen.tzinfo is None:
        last_seen = last_seen.replace(tzinfo=UTC)
    return ClusterFacts(
        cluster_id=cluster["id"],
        extortion=cluster["extortion"],
        extortion_score=cluster["extortion_score"],
        victims=tuple(cluster["recipients"]),
        wallets=tuple(cluster["wallets"]),
        size=cluster["size"],
        last_seen=last_seen,
        max_manipulation=cluster["max_manipulation"],
        amounts=amounts,
    )


def _amounts(store: Store) -> dict[str, tuple[Amount, ...]]:
    out: dict[str, set[Amount]] = {}
    for r in store.amount_indicators():
        detail = json.loads(r["detail"] or "{}")
        value = detail.get("amount", detail.get("value"))  # older stores said "value"
        if isinstance(value, int | float) and isinstance(detail.get("currency"), str):
            out.setdefault(r["cluster_id"], set()).add(
                Amount(value=float(value), currency=detail["currency"])
            )
    return {k: tuple(sorted(v, key=lambda a: (a.currency, a.value))) for k, v in out.items()}


def _item(row: dict[str, Any]) -> q.QueueItem:
    return q.QueueItem(
        id=row["id"],
        cluster_id=row["cluster_id"],
        status=row["status"],
        priority=row["priority"],
        version=row["version"],
        victims=tuple(json.loads(row["victims"])),
        wallets=tuple(json.loads(row["wallets"])),
        size=row["size"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        assignee=row["assignee"],
        flag=row["flag"],
        merged_into=row["merged_into"],
    )


def _row(item: q.QueueItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "cluster_id": item.cluster_id,
        "status": item.status,
        "priority": item.priority,
        "assignee": item.assignee,
        "version": item.version,
        "flag": item.flag,
        "victims": json.dumps(list(item.victims)),
        "wallets": json.dumps(list(item.wallets)),
        "size": item.size,
        "merged_into": item.merged_into,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }


def _outcome(o: DeliveryOutcome) -> dict[str, Any]:
    out: dict[str, Any] = {"key": o.key, "channel": o.channel, "item_id": o.item_id}
    if o.error is not None:
        out["error"] = o.error
        out["dead"] = o.dead
    return out


def export_documents(store: Store, idents: list[str]) -> list[dict[str, Any]]:
    """Export documents of the named clusters, or of every extortion cluster when none is."""
    if idents:
        ids = list(dict.fromkeys(resolve_cluster_id(store, i) for i in idents))
    else:
        ids = [c["id"] for c in list_clusters(store, include_all=False)]
    docs = []
    for cluster_id in ids:
        row = store.live_queue_item(cluster_id)
        item = item_json(store, row) if row else None
        if item is not None:
            item.pop("history")
            item.pop("deliveries")
        docs.append(cluster_document(show_cluster(store, cluster_id), item))
    return docs
