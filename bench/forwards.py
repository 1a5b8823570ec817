"""Forward fidelity against the fixture truth: the share of forwards whose original Message-ID
is reported where the stored message still names it, wrong ids, and the received id.

    .venv/bin/python -m bench.forwards [--corpus DIR] [--cli]

By default each message goes through `parse_message` and `unwrap` (what ingest stores as
`message_id` and `original_message_id`); `--cli` ingests the corpus with the real command
and reads `triage clusters --all --json` instead (slower: pictures are analysed too).
Without --corpus, a corpus is generated (seed 7, scale 3) in a temporary folder, so the
committed corpus need not carry the truth field this bench reads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from fixtures.layout import read_message
from triage.config import load_config
from triage.parse import parse_message
from triage.unwrap import unwrap


def reported_by_unwrap(corpus: Path, truth: dict) -> dict[str, tuple[str | None, str | None]]:
    config = load_config(corpus / "demo.toml")
    out = {}
    for entry in truth["messages"]:
        u = unwrap(
            parse_message(read_message(corpus, entry), max_mime_depth=config.ingest.max_mime_depth),
            mailbox_addresses=config.mailbox_addresses,
            office_map=config.office_map(),
            max_depth=config.ingest.max_forward_depth,
        )
        out[entry["sha256"]] = (u.received_id, u.original_id)
    return out


def reported_by_cli(corpus: Path) -> dict[str, tuple[str | None, str | None]]:
    triage = Path(sys.executable).parent / "triage"
    with tempfile.TemporaryDirectory() as tmp:
        base = [str(triage), "--config", str(corpus / "demo.toml"), "--db", f"{tmp}/b.db"]
        subprocess.run([*base, "ingest", str(corpus)], check=True, capture_output=True)
        listed = subprocess.run(
            [*base, "clusters", "--all", "--json"], check=True, capture_output=True, text=True
        ).stdout
    return {
        m["sha256"]: (m["message_id"], m["original_message_id"])
        for c in json.loads(listed)
        for m in c["messages"]
    }


def _kind(entry: dict) -> str:
    return entry["forward"] if entry["nested"] < 2 else "nested"


def report(truth: dict, found: dict[str, tuple[str | None, str | None]]) -> list[str]:
    readable, right, wrong, unreadable_reported, received_right = (Counter() for _ in range(5))
    totals: Counter[str] = Counter()
    for entry in truth["messages"]:
        if entry["forward"] == "direct":
            continue
        kind = _kind(entry)
        totals[kind] += 1
        received, original = found.get(entry["sha256"], (None, None))
        received_right[kind] += received == (entry["resent_message_id"] or entry["message_id"])
        if original is not None and original != entry["original_message_id"]:
            wrong[kind] += 1
        if entry.get("original_id_readable"):
            readable[kind] += 1
            right[kind] += original == entry["original_message_id"]
        elif original is not None:
            unreadable_reported[kind] += 1
    rows = [f"{'forward':10} {'n':>4} {'id named':>8} {'reported':>8} {'share':>6} "
            f"{'wrong id':>8} {'received id ok':>14}"]  # fmt: skip
    for kind in sorted(totals):
        share = right[kind] / readable[kind] if readable[kind] else 1.0
        rows.append(
            f"{kind:10} {totals[kind]:>4} {readable[kind]:>8} {right[kind]:>8} {share:>6.1%} "
            f"{wrong[kind]:>8} {received_right[kind]:>8}/{totals[kind]}"
        )
    n, ok = sum(readable.values()), sum(right.values())
    rows.append(
        f"original id reported where the message names it: {ok}/{n} ({ok / n if n else 1:.1%}); "
        f"wrong ids: {sum(wrong.values())}; ids reported where none is named: "
        f"{sum(unreadable_reported.values())}"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--cli", action="store_true", help="ingest with the real command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if corpus is None:
            corpus = Path(tmp) / "corpus"
            subprocess.run(
                [sys.executable, "-m", "fixtures.generate", "--seed", "7", "--scale", "3",
                 "--out", str(corpus)], check=True,
            )  # fmt: skip
        truth = json.loads((corpus / "truth.json").read_text())
        if not any("original_id_readable" in m for m in truth["messages"]):
            print(f"{corpus}: truth.json predates original_id_readable; regenerate it")
            return
        found = reported_by_cli(corpus) if args.cli else reported_by_unwrap(corpus, truth)
        print(f"forward fidelity, corpus {corpus} ({len(truth['messages'])} messages):")
        print("\n".join(report(truth, found)))


if __name__ == "__main__":
    main()
