"""Routing: rules and priority with reasons (pure), config, and `route` on the fixture corpus."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_json
from triage.config import PriorityWeights, ProtectedPerson, RoutingConfig, parse_config
from triage.errors import ConfigError
from triage.route import Amount, ClusterFacts, decide

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "corpus"
NOW = datetime(2025, 2, 1, tzinfo=UTC)
ADA = ProtectedPerson(name="Hon. Ada Kwok", email="ada.kwok@legco.example",
                      offices=("office.ada.kwok@legco.example",))  # fmt: skip
BASE = ClusterFacts(
    cluster_id="C-1", extortion=True, extortion_score=0.9, victims=("x@legco.example",),
    wallets=("w",), size=1, last_seen=NOW, max_manipulation=None,
)  # fmt: skip


def rules_of(d: object) -> dict[str, str]:
    return {r.rule: r.text for r in d.reasons}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("facts", "queued", "why"),
    [
        pytest.param(BASE, True, ("extortion", "extortion verdict"), id="extortion_queued"),
        pytest.param(
            replace(BASE, extortion=False),
            False,
            ("extortion", "no extortion verdict"),
            id="not_extortion_stays_out",
        ),
        pytest.param(
            replace(BASE, extortion_score=0.3),
            False,
            ("min_score", "0.30 < 0.50"),
            id="score_below_minimum_stays_out",
        ),
    ],
)
def test_rules_decide_with_reasons(facts: ClusterFacts, queued: bool, why: tuple) -> None:
    d = decide(facts, RoutingConfig(), (), now=NOW)
    assert d.queue is queued
    assert why[1] in rules_of(d)[why[0]]
    assert set(rules_of(d)) >= set(PriorityWeights.__dataclass_fields__)  # every factor says why


@pytest.mark.parametrize(
    ("more", "factor", "text"),
    [
        pytest.param(
            {"victims": ("ada.kwok@legco.example",)},
            "protected",
            "Hon. Ada Kwok",
            id="protected_person_raises",
        ),
        pytest.param(
            {"victims": tuple(f"v{i}@x" for i in range(8))},
            "victims",
            "8 victim(s)",
            id="more_victims_raise",
        ),
        pytest.param(
            {"max_manipulation": 0.9}, "manipulation", "0.90", id="manipulated_picture_raises"
        ),
        pytest.param(
            {"amounts": (Amount(value=40000, currency="HKD"),)},
            "amount",
            "USD 5,120",
            id="amount_converted_and_raises",
        ),
    ],
)
def test_each_factor_raises_priority(more: dict, factor: str, text: str) -> None:
    low = decide(BASE, RoutingConfig(), (ADA,), now=NOW)
    high = decide(replace(BASE, **more), RoutingConfig(), (ADA,), now=NOW)
    assert high.priority > low.priority
    assert text in rules_of(high)[factor]


def test_priority_fades_with_age_and_unknown_currency_is_said() -> None:
    rules = RoutingConfig()
    old = replace(
        BASE, last_seen=NOW - timedelta(days=7), amounts=(Amount(value=1, currency="ZZZ"),)
    )
    d_new, d_old = decide(BASE, rules, (), now=NOW), decide(old, rules, (), now=NOW)
    assert d_old.priority < d_new.priority
    assert "7.0 day(s) ago" in rules_of(d_old)["recency"]
    assert "no rate for ZZZ" in rules_of(d_old)["amount"]
    assert 0 <= d_old.priority <= d_new.priority <= 100


def test_routing_config_parses_and_reports_every_problem() -> None:
    doc = {
        "routing": {
            "min_score": 0.7,
            "weights": {"protected": 5, "recency": 0},
            "amount_rates": {"zzz": 2.5},
        }
    }
    r = parse_config(doc, base_dir=ROOT).routing
    assert r.min_score == 0.7 and r.weights.protected == 5 and r.weights.recency == 0
    assert r.usd(2, "ZZZ") == 5.0 and r.usd(1, "USD") == 1.0
    bad = {"routing": {"min_score": 2, "weights": {"victim": 1}, "reopen_on_growth": "yes"}}
    with pytest.raises(ConfigError) as e:
        parse_config(bad, base_dir=ROOT)
    assert len(e.value.problems) == 3


# -- the fixture corpus ---------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """demo.toml without localisation: 2 minutes of picture alignment that test_cluster and
    the campaign bench cover; routing is what is tested here."""
    path = tmp_path_factory.mktemp("config") / "demo.toml"
    text = (FIXTURES / "demo.toml").read_text()
    path.write_text(text.replace("[triage]", "[routing]\nlocalise = false\n\n[triage]", 1))
    return path


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory, corpus_config: Path) -> Path:
    """The fixture corpus ingested once, as `make demo` does (~5-10 s)."""
    db = tmp_path_factory.mktemp("corpus") / "triage.db"
    cfg = str(corpus_config)
    result = run_cli("--config", cfg, "--db", str(db), "ingest", str(FIXTURES), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return db


def _truth_campaigns() -> dict[str, set[str]]:
    truth = json.loads((FIXTURES / "truth.json").read_text())
    out: dict[str, set[str]] = {}
    for m in truth["messages"]:
        if m["extortion"] and m["campaign"]:
            out.setdefault(m["campaign"], set()).add(m["sha256"])
    return out


def test_route_queues_exactly_the_extortion_campaigns_of_the_corpus(
    corpus_db: Path, corpus_config: Path
) -> None:
    g = ("--config", str(corpus_config), "--db", str(corpus_db))
    dry = run_json(*g, "route", "--dry-run", cwd=ROOT)
    assert dry["dry_run"] is True and len(dry["to_queue"]) == len(dry["queued"]) == 4  # type: ignore[index]
    assert run_json(*g, "queue", cwd=ROOT) == []  # a dry run changes nothing
    report = run_json(*g, "route", cwd=ROOT)
    assert isinstance(report, dict) and len(report["queued"]) == 4
    items = run_json(*g, "queue", "--status", "new", cwd=ROOT)
    assert isinstance(items, list) and len(items) == 4
    clusters = {c["id"]: c for c in run_json(*g, "clusters", "--all", cwd=ROOT)}
    queued = {frozenset(m["sha256"] for m in clusters[i["cluster_id"]]["messages"]) for i in items}
    truth = _truth_campaigns()
    assert len(truth) == 4
    assert queued == {frozenset(s) for s in truth.values()}
    for i in items:
        assert {r["rule"] for r in i["reasons"]} >= {"extortion", "min_score", "protected"}
        assert "protected person(s): Hon." in next(
            r["text"] for r in i["reasons"] if r["rule"] == "protected"
        )
    with closing(sqlite3.connect(corpus_db)) as conn:
        stored = conn.execute("SELECT count(*), sum(queue) FROM routing_decisions").fetchone()
    conn.close()
    assert stored == (len(clusters), 4)  # every decision is kept, with its reasons
    again = run_json(*g, "route", cwd=ROOT)
    assert again["queued"] == [] and again["updated"] == []  # type: ignore[index]


@pytest.mark.parametrize("command", [("route",), ("queue",), ("export",)])
def test_help(tmp_path: Path, command: tuple[str, ...]) -> None:
    result = run_cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "Usage:" in result.stdout
