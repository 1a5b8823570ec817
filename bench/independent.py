"""Extortion verdicts on corpora of the second, independently written generator
(fixtures.mailgen2): per-message precision and recall through clusters, as `triage clusters`
flags them (a cluster's verdict covers its members).

    .venv/bin/python -m bench.independent [--seeds 1 2] [--victims 6] [--per-kind 10]

For each seed a corpus is generated, ingested into a fresh database and judged. Prints, pooled
over the seeds and per seed: all messages, per language, per family half (dev / held-out),
per extortion family (found / missed), per benign kind (false alarms), per way benign filler
hides, whether the wallet sat in the text or only on a picture, and disguised text
(look-alike letters, zero-width spaces). Errors of the dev half
are listed with the verdict's scores and cue groups (to diagnose); the held-out half is
only counted. Each seed also gets the figures of every message's own verdict, before its
cluster's covers it. Writes bench/results/independent.json.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from bench.campaigns import flagged_by_sha, ingest
from fixtures.mailgen2.generate import generate

RESULTS = Path("bench/results/independent.json")


def counts(messages: list[dict[str, Any]], flagged: dict[str, bool]) -> dict[str, Any]:
    """tp/fp/fn/tn, precision, recall and the false-alarm rate of benign mail."""
    tp = sum(1 for m in messages if m["extortion"] and flagged.get(m["sha256"]))
    fp = sum(1 for m in messages if not m["extortion"] and flagged.get(m["sha256"]))
    fn = sum(1 for m in messages if m["extortion"] and not flagged.get(m["sha256"]))
    benign = sum(1 for m in messages if not m["extortion"])
    return {
        "n": len(messages),
        "extortion": tp + fn,
        "benign": benign,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "false_alarm_rate": round(fp / benign, 4) if benign else None,
    }


def grouped(
    messages: list[dict[str, Any]], flagged: dict[str, bool], key: Callable[[dict], str | None]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for m in messages:
        name = key(m)
        if name is not None:
            groups.setdefault(name, []).append(m)
    return {name: counts(group, flagged) for name, group in sorted(groups.items())}


def _hiding(m: dict[str, Any]) -> str | None:
    if m["extortion"]:
        return None
    filler = m.get("filler")
    if not filler:
        return "no filler"
    return filler["hiding"] + ("" if filler["delivered"] else " (lost in inline forward)")


def figures(messages: list[dict[str, Any]], flagged: dict[str, bool]) -> dict[str, Any]:
    ext = [m for m in messages if m["extortion"]]
    benign = [m for m in messages if not m["extortion"]]
    return {
        "all": counts(messages, flagged),
        "language": grouped(messages, flagged, lambda m: m["language"]),
        "half": grouped(messages, flagged, lambda m: m["half"]),
        "extortion_family": grouped(ext, flagged, lambda m: f"{m['half']}:{m['family']}"),
        "benign_kind": grouped(benign, flagged, lambda m: f"{m['half']}:{m['family']}"),
        "benign_filler": grouped(benign, flagged, _hiding),
        "wallet_in": grouped(ext, flagged, lambda m: m["wallet_in"]),
        "disguise": grouped(ext, flagged, lambda m: m.get("obfuscation") or "none"),
    }


def verdict_rows(db: Path) -> dict[str, dict[str, Any]]:
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT message_sha256, score, extortion, model_score, cues FROM verdicts"
        )
        return {
            r["message_sha256"]: {
                "score": round(r["score"], 3),
                "extortion": bool(r["extortion"]),
                "model_score": round(r["model_score"], 3),
                "cues": sorted({c["group"] for c in json.loads(r["cues"])}),
            }
            for r in rows
        }


def dev_errors(
    messages: list[dict[str, Any]], flagged: dict[str, bool], verdicts: dict[str, Any]
) -> list[dict[str, Any]]:
    """Misses and false alarms of the dev half, with the message's own verdict."""
    return [
        {
            "error": "miss" if m["extortion"] else "false alarm",
            "path": m["path"],
            "mbox_index": m["mbox_index"],
            "family": m["family"],
            "language": m["language"],
            "forward": m["forward"],
            "wallet_in": m.get("wallet_in"),
            "filler": m.get("filler"),
            **verdicts.get(m["sha256"], {"score": None}),
        }
        for m in messages
        if m["half"] == "dev" and bool(flagged.get(m["sha256"])) != m["extortion"]
    ]


def run_seed(seed: int, victims: int, per_kind: int, keep: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = (keep or Path(tmp)) / f"mailgen2-seed{seed}"
        truth = generate(corpus, seed, victims, per_kind)
        db = Path(tmp) / "bench.db"
        seconds = ingest(corpus, db)
        flagged = flagged_by_sha(corpus, db)
        verdicts = verdict_rows(db)
    messages = truth["messages"]
    alone = {s: v["extortion"] for s, v in verdicts.items()}
    return {
        "seed": seed,
        "corpus": str(corpus) if keep else None,
        "ingest_seconds": round(seconds, 1),
        "figures": figures(messages, flagged),
        # Each message by its own verdict, before its cluster's covers it.
        "alone_flags": alone,
        "alone_figures": figures(messages, alone),
        "dev_errors_alone": dev_errors(messages, alone, verdicts),
        "dev_errors": dev_errors(messages, flagged, verdicts),
        "messages": messages,
        "flagged": flagged,
    }


def _fmt(name: str, c: dict[str, Any]) -> str:
    def num(v: float | None) -> str:
        return f"{v:.3f}" if v is not None else "   - "

    return (
        f"  {name:38} {c['n']:>5} {c['extortion']:>4} {num(c['precision']):>6} "
        f"{num(c['recall']):>6} {c['fp']:>4} {c['fn']:>4} {c['fp']:>3}/{c['benign']:<4}"
    )


def print_figures(title: str, fig: dict[str, Any]) -> None:
    print(f"\n{title}")
    print(f"  {'':38} {'n':>5} {'ext':>4} {'prec':>6} {'recall':>6} {'fp':>4} {'fn':>4} "
          "false alarms")  # fmt: skip
    print(_fmt("all", fig["all"]))
    for section in ("language", "half", "extortion_family", "benign_kind", "benign_filler",
                    "wallet_in", "disguise"):  # fmt: skip
        print(f"  -- {section.replace('_', ' ')}")
        for name, c in fig[section].items():
            print(_fmt(name, c))


def commit() -> str | None:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--victims", type=int, default=6)
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="write the corpora here and keep them")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs = [run_seed(s, args.victims, args.per_kind, args.keep) for s in args.seeds]
    pooled_messages = [m for r in runs for m in r["messages"]]
    pooled_flags = {k: v for r in runs for k, v in r["flagged"].items()}
    pooled = figures(pooled_messages, pooled_flags)
    pooled_alone = figures(
        pooled_messages, {k: v for r in runs for k, v in r["alone_flags"].items()}
    )
    print_figures(f"pooled over seeds {args.seeds} (per message, through clusters)", pooled)
    print_figures("the same, each message by its own verdict (before its cluster's)", pooled_alone)
    for r in runs:
        a = r["figures"]["all"]
        print(f"\nseed {r['seed']}: ingest {r['ingest_seconds']} s; precision {a['precision']} "
              f"recall {a['recall']}, {a['fp']} false alarms of {a['benign']} benign, "
              f"{a['fn']} misses of {a['extortion']}")  # fmt: skip
        b = r["alone_figures"]["all"]
        print(f"  each message by its own verdict (no cluster): precision {b['precision']} "
              f"recall {b['recall']}, {b['fp']} false alarms, {b['fn']} misses")  # fmt: skip
        for e in r["dev_errors"]:
            print(f"  dev {e['error']}: {e['family']}/{e['language']} {e['path']} "
                  f"{e['forward']} score {e['score']} model {e.get('model_score')} "
                  f"cues {e.get('cues')}")  # fmt: skip
    result = {
        "commit": commit(),
        "command": "python -m bench.independent "
        + f"--seeds {' '.join(map(str, args.seeds))} --victims {args.victims} "
        + f"--per-kind {args.per_kind}",
        "pooled": pooled,
        "pooled_alone": pooled_alone,
        "seeds": [{k: v for k, v in r.items() if k not in ("messages", "flagged")} for r in runs],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
