"""Exports: JSON, CSV, STIX 2.1 (checked with stix2) and MISP (loaded with pymisp)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import stix2
from pymisp import MISPEvent

from tests.conftest import run_cli
from tests.pictures import campaign_picture
from tests.test_queue import W1, W2, add, clock, threat, workspace
from triage.export import render, to_misp, to_stix
from triage.routing import export_documents, route


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two campaigns, one with a picture, the first of them queued."""
    import email
    from email import policy

    db = tmp_path_factory.mktemp("export") / "t.db"
    ws = workspace(db)
    pictured = email.message_from_bytes(threat(1, "ada.kwok@legco.example", W1),
                                        policy=policy.default)  # fmt: skip
    pictured.add_attachment(  # type: ignore[attr-defined]
        campaign_picture("scene-x", "f1"), maintype="image", subtype="jpeg", filename="p.jpg"
    )
    add(ws, pictured.as_bytes(), threat(2, "b@legco.example", W1))
    route(ws, clock=clock())
    add(ws, threat(3, "c@legco.example", W2))  # not routed yet: no queue item
    ws.close()
    return db


@pytest.fixture(scope="module")
def docs(store: Path) -> list[dict]:
    ws = workspace(store)
    try:
        return export_documents(ws.store, [])
    finally:
        ws.close()


def test_json_and_csv_reference_evidence_by_sha256(docs: list[dict]) -> None:
    assert len(docs) == 2
    a = next(d for d in docs if d["wallets"] == [W1])
    assert a["queue"]["status"] == "new" and a["queue_status"] == "new"
    assert len(a["evidence"]["images"]) == 1 and len(a["evidence"]["messages"]) == 2
    assert a["evidence"]["images"][0]["messages"][0] in {
        m["sha256"] for m in a["evidence"]["messages"]
    }
    assert json.loads(render(docs, "json")) == docs
    rows = list(csv.DictReader(io.StringIO(render(docs, "csv"))))
    assert len(rows) == 3 and all(len(r["message_sha256"]) == 64 for r in rows)
    assert {r["wallets"] for r in rows} == {W1, W2}
    assert sum(bool(r["image_sha256s"]) for r in rows) == 1
    assert {r["amounts"] for r in rows} == {"5000USD"}


def test_stix_bundle_is_valid_and_stable(docs: list[dict]) -> None:
    bundle = stix2.parse(json.dumps(to_stix(docs)), allow_custom=False)
    by_type: dict[str, list] = {}
    for o in bundle.objects:
        by_type.setdefault(o.type, []).append(o)
    assert len(by_type["campaign"]) == 2 and len(by_type["observed-data"]) == 2
    patterns = {i.pattern for i in by_type["indicator"]}
    assert f"[cryptocurrency-wallet:address = '{W1}']" in patterns
    assert "[email-addr:value = 'owl1@bad1.test']" in patterns
    ids = {o.id for o in bundle.objects}
    for r in by_type["relationship"]:
        assert r.source_ref in ids and r.target_ref in ids
    for f in by_type["file"]:  # our ids are the ones STIX's own rule gives
        assert f.id == stix2.v21.File(hashes=dict(f.hashes)).id
        assert len(f.hashes["SHA-256"]) == 64
    for od in by_type["observed-data"]:
        assert set(od.object_refs) <= ids
    assert to_stix(docs) == to_stix(json.loads(json.dumps(docs)))  # same ids on re-export


def test_misp_events_load_with_pymisp(docs: list[dict]) -> None:
    from importlib.resources import files

    events = to_misp(docs)["response"]
    assert len(events) == 2
    templates = files("pymisp") / "data" / "misp-objects" / "objects"
    for raw in events:
        event = MISPEvent()
        event.load(json.loads(json.dumps(raw)))
        names = {o.name for o in event.objects}
        assert {"email", "file", "coin-address"} <= names
        for obj in event.objects:
            known = json.loads((templates / obj.name / "definition.json").read_text())
            assert obj.template_uuid == known["uuid"]
            for attr in obj.attributes:
                assert attr.object_relation in known["attributes"]
                assert attr.type == known["attributes"][attr.object_relation]["misp-attribute"]
        coins = [o for o in event.objects if o.name == "coin-address"]
        assert [a.type for c in coins for a in c.attributes if a.object_relation == "address"] == [
            "btc"
        ]
    assert to_misp(docs) == to_misp(docs)


def test_export_cli_writes_a_file_and_refuses_unknown_ids(store: Path, tmp_path: Path) -> None:
    g = ("--db", str(store))
    out = tmp_path / "bundle.json"
    result = run_cli(*g, "export", "--format", "stix", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(out.read_text())["type"] == "bundle"
    bad = run_cli(*g, "export", "--format", "misp", "C-000000000000", cwd=tmp_path)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    usage = run_cli(*g, "export", "--format", "xml", cwd=tmp_path)
    assert usage.returncode == 2
