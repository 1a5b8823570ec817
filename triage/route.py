"""Routing rules: a cluster's facts and the rules -> queue it or not, its priority, why (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from triage.config import PriorityWeights, ProtectedPerson, RoutingConfig


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    rule: str  # the rule or priority factor that spoke
    text: str

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule, "text": self.text}


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount:
    value: float
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterFacts:
    """What routing reads of a cluster."""

    cluster_id: str
    extortion: bool
    extortion_score: float
    victims: tuple[str, ...]  # real recipients, lowercased
    wallets: tuple[str, ...]
    size: int
    last_seen: datetime | None
    max_manipulation: float | None
    amounts: tuple[Amount, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingDecision:
    cluster_id: str
    queue: bool
    priority: float  # 0..100: weighted mean of the factors, whether queued or not
    reasons: tuple[Reason, ...]  # the rules first, then each priority factor


def decide(
    facts: ClusterFacts,
    rules: RoutingConfig,
    protected: tuple[ProtectedPerson, ...],
    *,
    now: datetime,
) -> RoutingDecision:
    """Whether a cluster goes to the unit's queue, and how urgent it is, with every reason."""
    gates = _gates(facts, rules)
    factors = _factors(facts, rules, protected, now)
    weights = rules.weights
    total = sum(getattr(weights, name) for name, _, _ in factors)
    score = sum(getattr(weights, name) * value for name, value, _ in factors)
    priority = round(100 * score / total, 1) if total > 0 else 0.0
    reasons = (
        *(reason for _, reason in gates),
        *(
            Reason(
                rule=name, text=f"{text} (factor {value:.2f} x weight {getattr(weights, name):g})"
            )
            for name, value, text in factors
        ),
    )
    return RoutingDecision(
        cluster_id=facts.cluster_id,
        queue=all(ok for ok, _ in gates),
        priority=priority,
        reasons=reasons,
    )


def protected_reached(
    victims: tuple[str, ...], protected: tuple[ProtectedPerson, ...]
) -> list[ProtectedPerson]:
    """The protected persons among the victims, by their own address or an office's."""
    found = []
    for person in protected:
        addresses = {person.email, *person.offices}
        if addresses & set(victims):
            found.append(person)
    return found


def _gates(facts: ClusterFacts, rules: RoutingConfig) -> list[tuple[bool, Reason]]:
    gates: list[tuple[bool, Reason]] = []
    if rules.require_extortion:
        ok = facts.extortion
        text = "extortion verdict" if ok else "no extortion verdict (rules require one)"
        gates.append((ok, Reason(rule="extortion", text=text)))
    ok = facts.extortion_score >= rules.min_score
    cmp = ">=" if ok else "<"
    gates.append(
        (
            ok,
            Reason(
                rule="min_score",
                text=f"extortion score {facts.extortion_score:.2f} {cmp} {rules.min_score:.2f}",
            ),
        )
    )
    if rules.min_victims > 1:
        n = len(facts.victims)
        ok = n >= rules.min_victims
        cmp = ">=" if ok else "<"
        gates.append(
            (ok, Reason(rule="min_victims", text=f"{n} victim(s) {cmp} {rules.min_victims}"))
        )
    return gates


def _factors(
    facts: ClusterFacts,
    rules: RoutingConfig,
    protected: tuple[ProtectedPerson, ...],
    now: datetime,
) -> list[tuple[str, float, str]]:
    """(weight name, value 0..1, why) for each factor of PriorityWeights, in its order."""
    n = len(facts.victims)
    reached = protected_reached(facts.victims, protected)
    names = ", ".join(p.name for p in reached)
    out: dict[str, tuple[float, str]] = {
        "victims": (min(1.0, n / rules.victims_full), f"{n} victim(s)"),
        "protected": (
            min(1.0, len(reached) / rules.protected_full),
            f"reaches {len(reached)} protected person(s)" + (f": {names}" if names else ""),
        ),
        "manipulation": (
            (facts.max_manipulation or 0.0, f"manipulation score {facts.max_manipulation:.2f}")
            if facts.max_manipulation is not None
            else (0.0, "no manipulation score")
        ),
        "amount": _amount_factor(facts.amounts, rules),
        "recency": _recency_factor(facts.last_seen, rules, now),
    }
    return [(name, *out[name]) for name in PriorityWeights.__dataclass_fields__]


def _amount_factor(amounts: tuple[Amount, ...], rules: RoutingConfig) -> tuple[float, str]:
    known = [(rules.usd(a.value, a.currency), a) for a in amounts]
    priced = [(usd, a) for usd, a in known if usd is not None]
    unpriced = sorted({a.currency for usd, a in known if usd is None})
    note = f"; no rate for {', '.join(unpriced)}" if unpriced else ""
    if not priced:
        return 0.0, ("no amount demanded" if not amounts else "no priced amount") + note
    usd, top = max(priced, key=lambda p: (p[0], p[1].currency))
    text = f"demands up to {top.value:,.8g} {top.currency} (about USD {usd:,.0f}){note}"
    return min(1.0, usd / rules.amount_full), text


def _recency_factor(
    last_seen: datetime | None, rules: RoutingConfig, now: datetime
) -> tuple[float, str]:
    if last_seen is None:
        return 0.0, "no date seen"
    days = max(0.0, (now - last_seen).total_seconds() / 86400)
    return 0.5 ** (days / rules.recency_half_life_days), f"last seen {days:.1f} day(s) ago"
