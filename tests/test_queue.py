"""The unit's queue: pure life cycle, growth and merges, and the same from the CLI."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import mailbuild as mb
from tests.conftest import run_cli, run_json
from triage import queue as q
from triage.config import Config, DeliveryConfig, FolderDelivery, ProtectedPerson
from triage.errors import TriageError
from triage.pipeline import Workspace, ingest_stream
from triage.queries import list_clusters
from triage.records import RawMessage
from triage.routing import find_item, list_queue, route

W1 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
W2 = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
THREAT = (
    "I recorded you and made these pictures. Pay USD 5,000 in bitcoin to {w} within 48 hours "
    "or I send them to your colleagues, the press and your family. Do not reply to this mail "
    "and do not tell anyone, or the pictures go out at once."
)
T0 = datetime(2025, 2, 3, 12, 0, tzinfo=UTC)
PROTECTED = (
    ProtectedPerson(
        name="Hon. Ada Kwok",
        email="ada.kwok@legco.example",
        offices=("office.ada.kwok@legco.example",),
    ),
)


# -- builders shared by the routing, delivery and export tests -------------------------


def threat(n: int, victim: str, *wallets: str) -> bytes:
    body = THREAT.format(w=wallets[0]) + "".join(f" Or pay to {w}." for w in wallets[1:])
    msg = mb.original(
        sender=f"Owl {n} <owl{n}@bad{n}.test>",
        to=f"Member <{victim}>",
        subject=f"your pictures {n}",
        body=body,
        message_id=f"<m{n}@bad.test>",
        image=False,
    )
    return mb.raw(msg)


def add(ws: Workspace, *mails: bytes, at: datetime = T0) -> None:
    raws = [
        RawMessage.from_bytes(m, source=f"m{i}.eml", received_at=at) for i, m in enumerate(mails)
    ]
    ingest_stream(ws, raws, clock=lambda: at)


def workspace(path: Path, **config: object) -> Workspace:
    return Workspace.open(Config(protected=PROTECTED, **config), path)  # type: ignore[arg-type]


def clone(src: Path, dst: Path) -> Path:
    """A copy of a store built once per module (sqlite backup: WAL included)."""
    with closing(sqlite3.connect(src)) as a, closing(sqlite3.connect(dst)) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


def clock(at: datetime = T0):
    return lambda: at


# -- pure life cycle ------------------------------------------------------------------


def item(status: str = q.NEW, **kw: object) -> q.QueueItem:
    base: dict = {
        "id": "Q-1", "cluster_id": "C-1", "status": status, "priority": 50.0, "version": 1,
        "victims": ("a@x",), "wallets": (W1,), "size": 1, "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    return q.QueueItem(**(base | kw))


@pytest.mark.parametrize(
    ("start", "action", "expected"),
    [
        pytest.param(q.NEW, "ack", q.ACKNOWLEDGED, id="ack_new"),
        pytest.param(q.NEW, "assign", q.ASSIGNED, id="assign_new_skips_ack"),
        pytest.param(q.ACKNOWLEDGED, "assign", q.ASSIGNED, id="assign_acknowledged"),
        pytest.param(q.ASSIGNED, "assign", q.ASSIGNED, id="reassign"),
        pytest.param(q.ASSIGNED, "close", q.CLOSED, id="close_assigned"),
        pytest.param(q.CLOSED, "reopen", q.REOPENED, id="reopen_closed"),
        pytest.param(q.REOPENED, "ack", q.ACKNOWLEDGED, id="ack_reopened"),
        pytest.param(q.CLOSED, "ack", None, id="ack_closed_refused"),
        pytest.param(q.NEW, "reopen", None, id="reopen_open_refused"),
        pytest.param(q.ACKNOWLEDGED, "ack", None, id="ack_twice_refused"),
        pytest.param(q.MERGED, "close", None, id="close_merged_refused"),
        pytest.param(q.NEW, "delete", None, id="unknown_action_refused"),
    ],
)
def test_life_cycle_moves(start: str, action: str, expected: str | None) -> None:
    it = item(start)
    if expected is None:
        with pytest.raises(TriageError):
            q.act(it, action, by="alice", to="bob", now=T0)
        return
    change = q.act(it, action, by="alice", to="bob", now=T0 + timedelta(hours=1))
    assert change.item.status == expected
    assert (change.actor, change.event, change.from_status) == ("alice", action, start)
    assert change.item.updated_at == T0 + timedelta(hours=1) and not change.deliver


def test_assign_needs_a_name_and_records_it() -> None:
    with pytest.raises(TriageError, match="--to"):
        q.act(item(), "assign", by="alice", now=T0)
    change = q.act(item(), "assign", by="alice", to="bob", now=T0, note="urgent")
    assert change.item.assignee == "bob" and change.detail == "to bob; urgent"


def snap(**kw: object) -> q.Snapshot:
    base: dict = {"cluster_id": "C-1", "victims": ("a@x",), "wallets": (W1,), "size": 1}
    return q.Snapshot(**({"priority": 50.0} | base | kw))


def test_growth_makes_a_flagged_version_and_ack_clears_the_flag() -> None:
    [change] = q.observe(item(q.ASSIGNED, assignee="bob"), snap(victims=("a@x", "b@x"), size=2),
                         T0, reopen_on_growth=True)  # fmt: skip
    new = change.item
    assert change.deliver and change.event == "grew"
    assert (new.version, new.status, new.victims) == (2, q.ASSIGNED, ("a@x", "b@x"))
    assert new.flag is not None and "+1 victim(s): b@x" in new.flag
    acked = q.act(new, "ack", by="bob", now=T0).item
    assert acked.flag is None and acked.status == q.ASSIGNED and acked.assignee == "bob"


@pytest.mark.parametrize(
    ("kw", "events"),
    [
        pytest.param({}, [], id="nothing_changed"),
        pytest.param({"priority": 60.0, "size": 3}, ["updated"], id="size_only_is_quiet"),
        pytest.param({"priority": 40.0}, ["priority"], id="priority_only_not_audited"),
        pytest.param({"wallets": (W1, W2)}, ["grew"], id="new_wallet_grows"),
    ],
)
def test_observe(kw: dict, events: list[str]) -> None:
    changes = q.observe(item(), snap(**kw), T0, reopen_on_growth=True)
    assert [c.event for c in changes] == events
    assert [c.audit for c in changes] == [e != "priority" for e in events]
    assert [c.deliver for c in changes] == [e == "grew" for e in events]


def test_growth_after_close_reopens_unless_configured_not_to() -> None:
    grown = snap(victims=("a@x", "c@x"))
    events = [c.event for c in q.observe(item(q.CLOSED), grown, T0, reopen_on_growth=True)]
    assert events == ["grew", "reopen"]
    [c] = q.observe(item(q.CLOSED), grown, T0, reopen_on_growth=False)
    assert c.item.status == q.CLOSED and c.item.version == 2


def test_fold_leaves_one_live_item_recorded_on_both() -> None:
    survivor = item(q.NEW)
    absorbed = item(q.ASSIGNED, id="Q-2", cluster_id="C-2", victims=("z@x",), wallets=(W2,),
                    assignee="carol", priority=70.0)  # fmt: skip
    gone, grown = q.fold(survivor, absorbed, T0, reopen_on_growth=True)
    assert (gone.item.status, gone.item.merged_into) == (q.MERGED, "Q-1")
    assert grown.item.victims == ("a@x", "z@x") and grown.item.wallets == tuple(sorted((W1, W2)))
    assert grown.deliver and grown.item.version == 2 and grown.item.priority == 70.0
    assert "absorbed Q-2" in (grown.detail or "") and "carol" in (grown.detail or "")


# -- with the store -------------------------------------------------------------------


def test_growth_updates_the_item_and_never_duplicates_it(tmp_path: Path) -> None:
    drop = FolderDelivery(path=tmp_path / "drop")
    ws = workspace(tmp_path / "t.db", delivery=DeliveryConfig(folder=drop))
    add(ws, threat(1, "ada.kwok@legco.example", W1), threat(2, "b@legco.example", W1))
    first = route(ws, clock=clock())
    assert len(first.queued) == 1 and not first.updated
    again = route(ws, clock=clock())
    assert not again.queued and not again.updated and not again.deliveries
    add(ws, threat(3, "c@legco.example", W1))
    grown = route(ws, clock=clock(T0 + timedelta(hours=1)))
    assert grown.updated == first.queued and not grown.queued
    [it] = list_queue(ws.store)
    assert it["version"] == 2 and "+1 victim(s): c@legco.example" in it["flag"]
    assert [d["key"] for d in it["deliveries"]] == [f"{it['id']}.v1", f"{it['id']}.v2"]
    assert all(d["delivered_at"] for d in it["deliveries"])
    assert [h["event"] for h in it["history"]] == ["queued", "grew"]
    assert {f.name for f in drop.path.iterdir()} == {f"{it['id']}.v1.json", f"{it['id']}.v2.json"}
    ws.close()


def test_merge_of_two_queued_clusters_folds_into_the_survivor(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "t.db")
    add(ws, threat(1, "a@legco.example", W1), threat(2, "b@legco.example", W2))
    assert len(route(ws, clock=clock()).queued) == 2
    add(ws, threat(3, "c@legco.example", W1, W2))  # names both wallets: the campaigns are one
    report = route(ws, clock=clock(T0 + timedelta(hours=1)))
    assert len(report.folded) == 1 and not report.queued
    [live] = list_queue(ws.store)
    [gone] = list_queue(ws.store, "merged")
    assert gone["merged_into"] == live["id"] and gone["history"][-1]["event"] == "merged"
    assert set(live["victims"]) == {"a@legco.example", "b@legco.example", "c@legco.example"}
    assert any(h["event"] == "absorbed" and gone["id"] in h["detail"] for h in live["history"])
    assert find_item(ws.store, gone["id"]).id == live["id"]
    assert find_item(ws.store, gone["cluster_id"]).id == live["id"]  # absorbed cluster id
    [cluster] = list_clusters(ws.store, include_all=False)
    assert cluster["queue_status"] == live["status"]
    ws.close()


def test_life_cycle_and_growth_from_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    ws = workspace(db)
    add(ws, threat(1, "a@legco.example", W1))
    ws.close()
    g = ("--db", str(db))
    assert run_cli(*g, "route", cwd=tmp_path).returncode == 0
    [it] = run_json(*g, "queue", "--status", "new", cwd=tmp_path)  # type: ignore[misc]
    assert set(it) >= {"id", "cluster_id", "status", "priority", "created_at", "updated_at"}
    ident = it["id"]
    assert run_cli(*g, "queue", "ack", ident, "--by", "alice", cwd=tmp_path).returncode == 0
    out = run_json(*g, "queue", "assign", ident, "--to", "bob", "--by", "alice", cwd=tmp_path)
    assert out["changed"][0]["assignee"] == "bob"  # type: ignore[index]
    refused = run_cli(*g, "queue", "reopen", it["cluster_id"], "--by", "bob", cwd=tmp_path)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "cannot reopen" in refused.stderr
    assert run_cli(*g, "queue", "close", ident, "--by", "bob", cwd=tmp_path).returncode == 0
    assert run_json(*g, "queue", "--status", "new", cwd=tmp_path) == []
    (tmp_path / "more.eml").write_bytes(threat(5, "d@legco.example", W1))
    assert run_cli(*g, "ingest", str(tmp_path / "more.eml"), cwd=tmp_path).returncode == 0
    report = run_json(*g, "route", cwd=tmp_path)
    assert report["updated"] == [ident] and report["queued"] == []  # type: ignore[index]
    [it] = run_json(*g, "queue", cwd=tmp_path)  # type: ignore[misc]
    assert it["status"] == "reopened" and it["version"] == 2 and it["flag"]
    trail = [(h["actor"], h["event"]) for h in it["history"]]
    assert trail == [("triage", "queued"), ("alice", "ack"), ("alice", "assign"),
                     ("bob", "close"), ("triage", "grew"), ("triage", "reopen")]  # fmt: skip
    [c] = run_json(*g, "clusters", cwd=tmp_path)  # type: ignore[misc]
    assert c["queue_status"] == "reopened"
    assert run_cli(*g, "queue", "ack", "nonexistent", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize("sub", ["ack", "assign", "close", "reopen"])
def test_queue_subcommand_help(tmp_path: Path, sub: str) -> None:
    result = run_cli("queue", sub, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--by" in result.stdout
    assert ("--to" in result.stdout) == (sub == "assign")


def test_queue_json_is_one_document(tmp_path: Path) -> None:
    out = run_cli("--db", str(tmp_path / "t.db"), "queue", "--json", cwd=tmp_path)
    assert out.returncode == 0 and json.loads(out.stdout) == []
