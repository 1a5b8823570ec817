"""Extortion verdicts: precision and recall per language on held-out labelled rows, per
held-out template family (leave-one-family-out), on real-style hard negatives, and on the
fixture corpus.

    .venv/bin/python -m bench.verdicts [--corpus fixtures/corpus] [--threshold 0.5] [--no-lofo]

Leave-one-family-out refits the n-gram model once per family (about four CPU minutes): each
family is judged by a text model that never saw its wording, as a new campaign would be,
and by a combiner and decide-alone thresholds fitted without it too (on the other
families' unseen-family scores), so neither part has seen the family it judges.

The hard negatives' families are split into a tuned part (studied while the cues and the
combiner were worked on; `--why` lists its false alarms and their reasons) and a held-out
part that is only counted (bench/hard_negatives.py names both). For each part the false
alarms are also counted by what carried them (the text model alone, the cues alone, or the
combiner weighing both), which says why without reading a held-out row.

The fixture corpus is written by another generator with its own wording, so it is the
honest held-out test; the labelled rows share phrasing across the split. Messages whose
original carries no words (only a picture and a wallet) cannot be judged from text:
they are counted apart, and shown judged with their campaign (judge_cluster over the
campaign's members, the campaign taken from truth.json as a stand-in for a cluster).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from bench.hard_negatives import (
    HELD_OUT_FAMILIES,
    TUNED_FAMILIES,
    hard_negative_part,
    hard_negative_rows,
)
from bench.honeypot_style import HELD_OUT_FAMILIES as NEW_HELD_OUT
from bench.honeypot_style import TUNING_FAMILIES as NEW_TUNING
from bench.honeypot_style import honeypot_style_part, honeypot_style_rows
from fixtures.layout import read_message
from training.verdicts.families import LATEST_BATCH, PASSWORD_BATCH
from training.verdicts.train import (
    evaluate,
    family_of,
    fit_combiner,
    format_counts,
    is_held_out,
    leave_one_family_out,
    load_rows,
    row_text,
)
from triage.analyse import visible_text
from triage.classify import (
    DEFAULT_THRESHOLD,
    Cue,
    ExtortionVerdict,
    MessageText,
    VerdictModel,
    combiner_features,
    judge_cluster,
    judge_message,
    judging_text,
    load_model,
    make_vectorizer,
    message_cues,
)
from triage.parse import parse_message
from triage.pdf import read_pdf
from triage.records import ParsedMessage
from triage.unwrap import unwrap

# A stand-in for the pipeline's indicator extractor: shapes only, no checksums.
_WALLET = re.compile(
    r"\b(?:bc1[02-9ac-hj-np-z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33}"
    r"|0x[0-9a-fA-F]{40})\b"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_MIN_WORDS = 3  # fewer words than this, besides wallets and amounts, is an image-only mail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("fixtures/corpus"))
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--no-lofo", action="store_true", help="skip leave-one-family-out")
    parser.add_argument(
        "--why", action="store_true", help="list the tuned part's false alarms with their reasons"
    )
    args = parser.parse_args(argv)

    model = load_model()
    rows = load_rows()
    held_out = [r for r in rows if is_held_out(r)]
    print(f"== labelled set, held-out rows, per language ({len(held_out)}) ==")
    print(format_counts(evaluate(model, held_out, args.threshold)))
    print()
    hard = hard_negative_rows() + honeypot_style_rows()
    if not args.no_lofo:
        bench_families(model, rows, hard, args.threshold, why=args.why)
    for part in _PARTS:
        mine = [r for r in hard if _part(r) == part]
        print(f"== real-style hard negatives, {part} part, shipped model ({len(mine)}) ==")
        print(format_counts(evaluate(model, mine, args.threshold)))
        print()
    trained = {family_of(r) for r in rows}
    never = [r for r in hard if family_of(r) not in trained and not r.get("kin")]
    if never:
        kinds = ", ".join(sorted({family_of(r) for r in never}))
        print(f"== hard negatives of families never trained on ({kinds}), shipped, {len(never)} ==")
        print(format_counts(evaluate(model, never, args.threshold)))
        print()
    bench_corpus(args.corpus, args.threshold)
    return 0


def bench_families(
    model: VerdictModel,
    rows: list[dict[str, Any]],
    hard: list[dict[str, Any]],
    threshold: float,
    *,
    why: bool = False,
) -> None:
    """Each family (and each hard negative, by its family) judged as a new campaign would
    be: by a text model fitted without that family, weighed by a combiner (and its
    decide-alone thresholds) fitted without it too, on the other families' unseen scores."""
    skeletons = [judging_text(row_text(r)) for r in rows]
    x = make_vectorizer().transform(skeletons)
    labels = np.array([int(r["label"]) for r in rows])
    families = [family_of(r) for r in rows]
    hard_x = make_vectorizer().transform([judging_text(row_text(r)) for r in hard])
    # The second set is judged without its kindred training family (its `kin`).
    hard_families = np.array([str(r.get("kin") or family_of(r)) for r in hard])
    unseen = np.zeros(len(rows))
    hard_unseen = np.array([model.ngram_score(judging_text(row_text(r))) for r in hard])
    for family, held, fitted in leave_one_family_out(x, labels, families):
        unseen[held] = fitted.predict_proba(x[held])[:, 1]
        mine = hard_families == family
        if mine.any():
            hard_unseen[mine] = fitted.predict_proba(hard_x[mine])[:, 1]
    cues = [message_cues(row_text(r), s) for r, s in zip(rows, skeletons, strict=True)]
    hard_cues = [message_cues(row_text(r), judging_text(row_text(r))) for r in hard]
    training = np.array([not is_held_out(r) for r in rows])
    per_family: dict[str, dict[str, int]] = {}
    per_language = _counts()
    hard_counts: dict[str, dict[str, dict[str, int]]] = {part: {} for part in _PARTS}
    hard_languages = {part: _counts() for part in _PARTS}
    alarms: list[str] = []
    paths: dict[str, dict[str, int]] = {part: defaultdict(int) for part in _PARTS}
    names = np.array(families)

    def judge_hard(i: int, judge: VerdictModel) -> None:
        """Count hard negative i, judged by `judge`, in its part's tables."""
        part, row, score, said = _part(hard[i]), hard[i], hard_unseen[i], hard_cues[i]
        flagged = _count(hard_counts[part], family_of(row), row, judge, score, said, threshold)
        _count(hard_languages[part], row["language"], row, judge, score, said, threshold)
        if flagged:
            paths[part][_path(judge, score, said)] += 1
        if flagged and why and part in ("tuned", "new tuning"):
            alarms.append(_why(row, judge, score, said))

    for family in sorted(set(families)):
        keep = training & (names != family)
        combiner = fit_combiner(
            unseen[keep],
            [c for c, k in zip(cues, keep, strict=True) if k],
            labels[keep],
            names[keep].tolist(),
        )
        for i in np.flatnonzero(names == family):
            _count(per_family, family, rows[i], combiner, unseen[i], cues[i], threshold)
            _count(
                per_language, rows[i]["language"], rows[i], combiner, unseen[i], cues[i], threshold
            )
        for i in np.flatnonzero(hard_families == family):
            judge_hard(int(i), combiner)
    for i in np.flatnonzero(~np.isin(hard_families, names)):  # never trained on: shipped
        judge_hard(int(i), model)
    print("== held-out template families (leave-one-family-out: text model and combiner ==")
    print("== fitted without the family), per family ==")
    print(format_counts(per_family))
    print()
    print("== held-out template families, per language ==")
    per_language["all"] = _sum(per_family.values())
    print(format_counts(dict(per_language)))
    print()
    print("== held-out template families, older families apart from the later batches ==")
    later = LATEST_BATCH | PASSWORD_BATCH
    print(
        format_counts({
            "older": _sum(c for f, c in per_family.items() if f not in later),
            "fourth batch": _sum(c for f, c in per_family.items() if f in LATEST_BATCH),
            "password batch": _sum(c for f, c in per_family.items() if f in PASSWORD_BATCH),
        })
    )  # fmt: skip
    print()
    for part, families_of_part in (
        ("tuned", TUNED_FAMILIES),
        ("held-out", HELD_OUT_FAMILIES),
        ("new tuning", NEW_TUNING),
        ("new held-out", NEW_HELD_OUT),
    ):
        counts = hard_counts[part]
        if not counts:
            continue
        print(
            f"== real-style hard negatives, {part} part ({', '.join(sorted(families_of_part))}), "
            "each judged without its family =="
        )
        counts["all"] = _sum(counts.values())
        print(format_counts(counts))
        print("per language:")
        languages = hard_languages[part]
        languages["all"] = counts["all"]
        print(format_counts(dict(languages)))
        decided = ", ".join(f"{path} {n}" for path, n in sorted(paths[part].items()))
        print(f"false alarms by what decided: {decided or 'none'}")
        print()
    if alarms:
        print("== false alarms of the tuned parts, and why ==")
        print("\n".join(alarms))
        print()


# The first set's tuned and held-out parts, then the second set's (bench/honeypot_style.py).
_PARTS = ("tuned", "held-out", "new tuning", "new held-out")


def _part(row: dict[str, Any]) -> str:
    if str(row["family"]).startswith("hp:"):
        return f"new {honeypot_style_part(row)}"
    return hard_negative_part(row)


def _counts() -> dict[str, dict[str, int]]:
    return defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})


def _count(
    counts: dict[str, dict[str, int]],
    key: str,
    row: dict[str, Any],
    combiner: VerdictModel,
    model_score: float,
    cues: tuple[Cue, ...],
    threshold: float,
) -> bool:
    score, _ = combiner.decide(float(model_score), combiner_features(float(model_score), cues))
    flagged = score >= threshold
    outcome = ("t" if flagged == bool(row["label"]) else "f") + ("p" if flagged else "n")
    counts.setdefault(key, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})[outcome] += 1
    return flagged


def _path(combiner: VerdictModel, model_score: float, cues: tuple[Cue, ...]) -> str:
    """Which part carried a verdict: counted for the held-out part, whose rows are not read."""
    _, note = combiner.decide(float(model_score), combiner_features(float(model_score), cues))
    if note is None or note.evidence.startswith("parts disagree"):
        return "combiner"
    return "text model alone" if note.evidence.startswith("by the text model") else "cues alone"


def _why(
    row: dict[str, Any], combiner: VerdictModel, model_score: float, cues: tuple[Cue, ...]
) -> str:
    features = combiner_features(float(model_score), cues)
    score, note = combiner.decide(float(model_score), features)
    said = "; ".join(f"{c.group}: {c.evidence}" for c in cues) or "no cues"
    decided = f"; {note.evidence}" if note else ""
    return (
        f"  {row['id']}: score {score:.2f}, text model {model_score:.2f}, "
        f"cues alone {combiner.cues_score(features):.2f}{decided}\n    {said}"
    )


def _sum(counts: Any) -> dict[str, int]:
    total = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for c in counts:
        for key in total:
            total[key] += c[key]
    return total


def bench_corpus(corpus: Path, threshold: float) -> None:
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    names = _legislator_names(truth)
    mailbox_address = truth["triage_mailbox"]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    image_only: list[tuple[dict[str, Any], ExtortionVerdict]] = []
    by_campaign: dict[str, list[tuple[str, ExtortionVerdict]]] = defaultdict(list)
    mistakes: list[str] = []
    for entry in truth["messages"]:
        original = unwrap(
            parse_message(read_message(corpus, entry)), mailbox_addresses=(mailbox_address,)
        ).original
        text = message_text(original, names)
        verdict = judge_message(text, threshold=threshold)
        label = (
            f"{entry['path']}#{entry['mbox_index']}"
            if entry["mbox_index"] is not None
            else entry["path"]
        )
        if entry["campaign"]:
            by_campaign[entry["campaign"]].append((label, verdict))
        if not _has_words(text):
            image_only.append((entry, verdict))
            continue
        key = ("t" if verdict.extortion == entry["extortion"] else "f") + (
            "p" if verdict.extortion else "n"
        )
        counts["all"][key] += 1
        counts[entry["language"]][key] += 1
        if key[0] == "f":
            mistakes.append(f"  {label} ({entry['category']}): {'; '.join(verdict.reasons())}")
    judged = sum(counts["all"].values())
    print(f"== fixture corpus, messages with text ({judged} of {len(truth['messages'])}) ==")
    print(format_counts(dict(counts)))
    if mistakes:
        print("mistakes:")
        print("\n".join(mistakes))
    print()
    _report_image_only(image_only, by_campaign)


def _report_image_only(
    image_only: list[tuple[dict[str, Any], ExtortionVerdict]],
    by_campaign: dict[str, list[tuple[str, ExtortionVerdict]]],
) -> None:
    clusters = {
        campaign: judge_cluster([v for _, v in members], names=[n for n, _ in members])
        for campaign, members in by_campaign.items()
    }
    alone = sum(v.extortion for _, v in image_only)
    rescued = sum(bool(e["campaign"]) and clusters[e["campaign"]].extortion for e, _ in image_only)
    extortion = sum(e["extortion"] for e, _ in image_only)
    print(f"== image-only messages ({len(image_only)}, {extortion} of them extortion) ==")
    print(f"judged extortion on their own:     {alone}")
    print(f"judged extortion with their campaign: {rescued}")
    print("campaign verdicts:")
    for campaign in sorted(clusters):
        cluster = clusters[campaign]
        members = by_campaign[campaign]
        flagged = sum(v.extortion for _, v in members)
        print(
            f"  {campaign}: {'extortion' if cluster.extortion else 'not extortion'} "
            f"(score {cluster.score:.2f}; {flagged} of {len(members)} members flagged)"
        )


def message_text(original: ParsedMessage, names: dict[str, str]) -> MessageText:
    """MessageText as the pipeline builds it: text part or HTML as text, PDF texts."""
    body, _ = visible_text(original.text, original.html)
    pdfs = tuple(
        read_pdf(a.data).text
        for a in original.attachments
        if a.content_type == "application/pdf" or (a.filename or "").lower().endswith(".pdf")
    )
    wallets = tuple(dict.fromkeys(_WALLET.findall("\n".join((body, *pdfs)))))
    recipients = [a.email for a in original.to]
    name = next((names[r] for r in recipients if r in names), None)
    return MessageText(
        subject=original.subject or "",
        body=body,
        attachment_texts=tuple(p for p in pdfs if p),
        wallets=wallets,
        recipient_name=name,
    )


def _has_words(text: MessageText) -> bool:
    words = "\n".join((text.body, *text.attachment_texts))
    for wallet in text.wallets:
        words = words.replace(wallet, " ")
    return len(_WORD.findall(words)) >= _MIN_WORDS or len(_CJK.findall(words)) >= 2 * _MIN_WORDS


def _legislator_names(truth: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for person in truth["legislators"]:
        for address in (person["email"], *person["offices"]):
            names[address] = person["name"]
    return names


if __name__ == "__main__":
    sys.exit(main())
