"""Soft evidence: clusters that may be one campaign are suggested with reasons, never merged."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.test_cluster import THREAT, ingest, message
from triage.config import RoutingConfig
from triage.queries import list_clusters, show_cluster, suggestions
from triage.suggest import ClusterProfile, suggest
from triage.textsim import signature

SPUN_A = (
    "Listen carefully. I recorded you and made these pictures. Pay USD 5,000 in bitcoin to the "
    "address below within 48 hours or I send them to your colleagues and the press. Do not "
    "reply to this mail and do not tell anyone."
)
SPUN_B = (
    "I recorded you and made these pictures. Do not reply to this mail and do not tell anyone. "
    "Pay USD 5,500 in bitcoin to the address below within 48 hours or I send them to your "
    "colleagues and the press. Your choice."
)
LETTER = (
    "Dear Member, the bus stop on Harbour Road floods whenever it rains; please ask the operator."
)
DAY = datetime(2025, 3, 1, tzinfo=UTC)


def profile(name: str, text: str, **changes) -> ClusterProfile:
    base = ClusterProfile(
        id=name, first_seen=DAY, last_seen=DAY + timedelta(days=2), coins=frozenset({"btc-p2wpkh"}),
        amounts_usd=(5000.0,), signatures=tuple(s for s in [signature(text)] if s),
    )  # fmt: skip
    return replace(base, **changes)


def test_clusters_agreeing_on_coin_amount_time_and_wording_are_suggested_with_reasons():
    [found] = suggest([profile("C-a", SPUN_A), profile("C-b", SPUN_B, amounts_usd=(5500.0,))])
    assert found.clusters == ("C-a", "C-b")
    assert any(r.startswith("same coin") for r in found.reasons)
    assert any(r.startswith("wording of one family") for r in found.reasons)


def test_any_one_disagreement_means_no_suggestion():
    a = profile("C-a", SPUN_A)
    assert suggest([a, profile("C-b", SPUN_B, coins=frozenset({"eth"}))]) == []
    assert suggest([a, profile("C-b", SPUN_B, amounts_usd=(20_000.0,))]) == []
    later = DAY + timedelta(days=40)
    assert suggest([a, profile("C-b", SPUN_B, first_seen=later, last_seen=later)]) == []
    assert suggest([a, profile("C-b", LETTER)]) == []


def test_suggestions_come_from_the_store_and_show_lists_them_without_merging(tmp_path: Path):
    w1 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    w2 = "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"
    items = [
        ("s1", message(1, body=THREAT.format(w=w1), picture=None)),
        ("s2", message(2, body=THREAT.format(w=w2).replace("5,000", "5,500"), picture=None)),
    ]
    ws = ingest(tmp_path, items)
    assert len(list_clusters(ws.store, include_all=False)) == 2  # no hard link: two clusters
    [pair] = suggestions(ws.store, RoutingConfig())
    shown = show_cluster(ws.store, pair["clusters"][0])
    assert [s["cluster"] for s in shown["suggested"]] == [pair["clusters"][1]]
    assert len(list_clusters(ws.store, include_all=False)) == 2  # still two: never merged
