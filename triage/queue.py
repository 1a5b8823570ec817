"""The unit's queue life cycle: items, the moves people make, growth and merges (pure)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from triage.errors import TriageError

NEW, ACKNOWLEDGED, ASSIGNED, CLOSED, REOPENED, MERGED = (
    "new", "acknowledged", "assigned", "closed", "reopened", "merged",
)  # fmt: skip
STATUSES = (NEW, ACKNOWLEDGED, ASSIGNED, CLOSED, REOPENED, MERGED)
OPEN = (NEW, ACKNOWLEDGED, ASSIGNED, REOPENED)
ACTIONS = ("ack", "assign", "close", "reopen")
SYSTEM = "triage"  # the actor of changes route makes on its own

# action -> (statuses it applies to, status it leads to)
_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "ack": ((NEW, REOPENED, ACKNOWLEDGED, ASSIGNED), ACKNOWLEDGED),
    "assign": (OPEN, ASSIGNED),
    "close": (OPEN, CLOSED),
    "reopen": ((CLOSED,), REOPENED),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueItem:
    id: str
    cluster_id: str
    status: str
    priority: float
    version: int  # one delivery to the unit per version
    victims: tuple[str, ...]  # as the last version reported them
    wallets: tuple[str, ...]
    size: int
    created_at: datetime
    updated_at: datetime
    assignee: str | None = None
    flag: str | None = None  # why the unit should look again; an ack clears it
    merged_into: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """What a cluster holds now, as routing saw it."""

    cluster_id: str
    victims: tuple[str, ...]
    wallets: tuple[str, ...]
    size: int
    priority: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One entry of the audit trail, with the item as it is after it."""

    item: QueueItem
    actor: str
    event: str
    from_status: str | None
    detail: str | None
    deliver: bool = False  # a new version the unit must receive
    audit: bool = True  # False: a recomputed priority, too frequent and too dull to log


def item_id_for(cluster_id: str) -> str:
    return "Q-" + cluster_id.removeprefix("C-")


def open_item(snap: Snapshot, now: datetime, reasons: str) -> Change:
    item = QueueItem(
        id=item_id_for(snap.cluster_id),
        cluster_id=snap.cluster_id,
        status=NEW,
        priority=snap.priority,
        version=1,
        victims=snap.victims,
        wallets=snap.wallets,
        size=snap.size,
        created_at=now,
        updated_at=now,
    )
    return Change(item=item, actor=SYSTEM, event="queued", from_status=None, detail=reasons,
                  deliver=True)  # fmt: skip


def act(
    item: QueueItem,
    action: str,
    *,
    by: str,
    now: datetime,
    to: str | None = None,
    note: str | None = None,
) -> Change:
    """A person's move on an item; raises TriageError when the life cycle does not allow it."""
    if action not in _MOVES:
        raise TriageError(f"unknown queue action {action!r}; one of {', '.join(ACTIONS)}")
    allowed, target = _MOVES[action]
    if item.status not in allowed:
        raise TriageError(f"{item.id} is {item.status}: cannot {action} it")
    if action == "assign" and not to:
        raise TriageError("assign needs --to NAME")
    if action == "ack" and item.status in (ACKNOWLEDGED, ASSIGNED) and item.flag is None:
        raise TriageError(f"{item.id} is {item.status} already, with no update to acknowledge")
    if action == "ack" and item.status == ASSIGNED:
        target = ASSIGNED  # acknowledging an update keeps the assignment
    assignee = to if action == "assign" else item.assignee
    flag = None if action in ("ack", "close") else item.flag
    detail = "; ".join(x for x in (f"to {to}" if to else None, _acked(item, action), note) if x)
    new = replace(item, status=target, assignee=assignee, flag=flag, updated_at=now)
    return Change(item=new, actor=by, event=action, from_status=item.status, detail=detail or None)


def observe(
    item: QueueItem, snap: Snapshot, now: datetime, *, reopen_on_growth: bool
) -> list[Change]:
    """Routing saw the item's cluster again: growth (new victims or wallets) makes a new
    version, flagged and delivered; other changes (priority, size) update it quietly."""
    new_victims = sorted(set(snap.victims) - set(item.victims))
    new_wallets = sorted(set(snap.wallets) - set(item.wallets))
    base = replace(
        item,
        cluster_id=snap.cluster_id,
        priority=snap.priority,
        size=max(item.size, snap.size),
        victims=tuple(sorted({*item.victims, *snap.victims})),
        wallets=tuple(sorted({*item.wallets, *snap.wallets})),
    )
    if not new_victims and not new_wallets:
        if base.size != item.size:
            detail = f"size {item.size} -> {base.size}, priority {base.priority:g}"
            return [_system(item, replace(base, updated_at=now), "updated", detail)]
        if base.priority != item.priority:  # recency alone moves it on every run
            detail = f"priority {item.priority:g} -> {base.priority:g}"
            return [replace(_system(item, base, "priority", detail), audit=False)]
        return []
    parts = []
    if new_victims:
        parts.append(f"+{len(new_victims)} victim(s): {', '.join(new_victims)}")
    if new_wallets:
        parts.append(f"+{len(new_wallets)} wallet(s): {', '.join(new_wallets)}")
    detail = "campaign grew: " + "; ".join(parts)
    return _new_version(item, base, now, "grew", detail, reopen_on_growth)


def fold(
    survivor: QueueItem, absorbed: QueueItem, now: datetime, *, reopen_on_growth: bool
) -> list[Change]:
    """Two queued clusters merged: the absorbed item folds into the survivor's, recorded on
    both, so one live item remains and the unit hears of the merge."""
    gone = replace(absorbed, status=MERGED, merged_into=survivor.id, updated_at=now)
    who = f" (was {absorbed.status}" + (f", {absorbed.assignee}" if absorbed.assignee else "") + ")"
    base = replace(
        survivor,
        victims=tuple(sorted({*survivor.victims, *absorbed.victims})),
        wallets=tuple(sorted({*survivor.wallets, *absorbed.wallets})),
        size=survivor.size + absorbed.size,
        priority=max(survivor.priority, absorbed.priority),
    )
    detail = f"absorbed {absorbed.id} of cluster {absorbed.cluster_id}{who}"
    return [
        _system(absorbed, gone, "merged", f"folded into {survivor.id} (cluster merge)"),
        *_new_version(survivor, base, now, "absorbed", detail, reopen_on_growth),
    ]


def move(item: QueueItem, survivor_cluster: str, now: datetime) -> Change:
    """The item's cluster was absorbed by one with no item: the item follows its members."""
    moved = replace(item, cluster_id=survivor_cluster, updated_at=now)
    detail = f"cluster {item.cluster_id} merged into {survivor_cluster}"
    return _system(item, moved, "moved", detail)


def _new_version(
    old: QueueItem, base: QueueItem, now: datetime, event: str, detail: str, reopen: bool
) -> list[Change]:
    status = REOPENED if reopen and old.status == CLOSED else old.status
    flag = f"{old.flag}; {detail}" if old.flag else detail
    new = replace(base, version=old.version + 1, flag=flag, status=status, updated_at=now)
    changes = [_system(old, new, event, detail, deliver=True)]
    if status != old.status:
        changes.append(
            Change(item=new, actor=SYSTEM, event="reopen", from_status=old.status,
                   detail="reopened: the campaign grew after it was closed")
        )  # fmt: skip
    return changes


def _system(
    old: QueueItem, new: QueueItem, event: str, detail: str, *, deliver: bool = False
) -> Change:
    return Change(item=new, actor=SYSTEM, event=event, from_status=old.status, detail=detail,
                  deliver=deliver)  # fmt: skip


def _acked(item: QueueItem, action: str) -> str | None:
    return f"acknowledged update: {item.flag}" if action == "ack" and item.flag else None
