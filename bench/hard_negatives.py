"""Real-style hard negatives for the verdict bench: phishing and spam padded the way bulk
mail pads it, in every language, and the real benign mail of the labelled set (pure).

Each letter is one of the benign families of training/verdicts/families (bank, parcel,
investment, diet pills, lottery, security warning, news, toll camera, crypto recovery, a
reporter's deadline, party bulletin, dating spam, breach notice, event photos, crisis PR,
and a victim's story the model is never trained on) in a fresh paraphrase, padded with
what the honeypot's false alarms carried: news sentences about sextortion lifted into
hidden HTML, the same in visible text, or a block of random words. HTML variants go
through the pipeline's own reading (visible text, hidden text apart, filler apart), so
the bench measures what ingest would judge.

The families are split in two, by hand and before any of them was studied, one of each
pair of kindred families to each side: the tuned part may be read row by row while the
cues and the combiner are worked on; the held-out part is only ever counted. Both sides
keep the kinds the honeypot's false alarms came from (bank phishing and diet pills are
held out; parcel fees and the lottery are studied).
"""

from __future__ import annotations

import random
from html import escape
from typing import Any

from training.verdicts.make_labelled import FAMILIES, LANGUAGES, _slots, spin
from training.verdicts.train import load_rows
from triage.analyse import visible_text

SEED = 11
PER_FAMILY = 3  # per language and padding
PADDINGS = ("hidden-html", "visible-news", "word-salad")
# tuned part / held-out part, pair by pair: parcel / bank, invest / recovery, lottery / diet,
# news / warning, toll / breach notice, crisis PR / victim story, press query / party
# bulletin, event photos / constituent letter, dating spam / -, mail-parser / Python's mail;
# the fourth batch's benign families are all on the tuned side, so the held-out part stays
# the one measured before them.
TUNED_FAMILIES = frozenset(
    (
        "neg:parcel", "neg:invest", "neg:lottery", "neg:news", "neg:toll", "neg:crisis_pr",
        "neg:press_query", "neg:event_photos", "neg:dating_spam", "real:mail-parser",
        # Written later, to study mail about an extortion on the tuned side (held out: the
        # victim's story and the staff warning): a retold scam, a police advisory, a news
        # digest, a helpdesk's answer, an office memo, a scam pasted into a plea.
        "neg:scam_report", "neg:advisory", "neg:digest", "neg:helpdesk", "neg:office_memo",
        "neg:pasted_scam",
        # Written with the fourth batch of families: a constituent robbed by a crypto
        # "broker", an antivirus scare, a debt collector, a crypto giveaway.
        "neg:robbed_investor", "neg:antivirus", "neg:debt_collector", "neg:giveaway",
        # Written with the fifth batch: password reset and expiry notices, a breach-check
        # alert, a newsletter explaining the password scam, a helpdesk's answer about it,
        # a public video of the member that family and colleagues have seen.
        "neg:password_notice", "neg:breach_check", "neg:scam_explainer",
        "neg:password_helpdesk", "neg:viral_clip",
    )
)  # fmt: skip
HELD_OUT_FAMILIES = frozenset(
    (
        "neg:bank", "neg:recovery", "neg:diet", "neg:warning", "neg:breach_notice",
        "neg:victim_story", "neg:party_bulletin", "neg:letter", "real:python-email",
    )
)  # fmt: skip


def hard_negative_part(row: dict[str, Any]) -> str:
    """The side of the split the row's family is on: "tuned" or "held-out"."""
    family = str(row["family"])
    if family in TUNED_FAMILIES:
        return "tuned"
    if family in HELD_OUT_FAMILIES:
        return "held-out"
    raise ValueError(f"hard-negative family {family} is on neither side of the split")


def hard_negative_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for phrases in LANGUAGES:
        lang = phrases.LANGUAGE
        letters = FAMILIES[lang]
        templates = {**letters.NEG, **letters.HELD_BACK}
        for family in sorted(templates):
            rng = random.Random(f"{SEED}:{lang}:{family}")  # adding a family changes no other
            for padding in PADDINGS:
                for i in range(PER_FAMILY):
                    slots = _slots(phrases, rng)
                    letter = spin(templates[family], rng).format(**slots)
                    news = " ".join(
                        spin(letters.NEG["neg:news"], rng).format(**slots) for _ in range(3)
                    )
                    body = _padded(letter, news, padding, letters.WORDS, rng, lang)
                    rows.append(
                        {
                            "id": f"hard-{lang}-{family}-{padding}-{i}",
                            "language": lang,
                            "label": 0,
                            "family": family,
                            "kind": padding,
                            "subject": "",
                            "text": body,
                            # as the indicator extractor would find it in the text
                            "wallets": [slots["wallet"]] if slots["wallet"] in body else [],
                            "recipient_name": None,
                        }
                    )
    rows.extend(r for r in load_rows() if str(r.get("family", "")).startswith("real:"))
    return rows


def _padded(
    letter: str, news: str, padding: str, words: list[str], rng: random.Random, lang: str
) -> str:
    if padding == "hidden-html":
        html = (
            f"<html><body><p>{escape(letter)}</p>"
            f'<div style="display:none;font-size:0">{escape(news)}</div>'
            f'<p><span style="color:#ffffff">{escape(news)}</span></p></body></html>'
        )
        return visible_text("", html)[0]
    if padding == "visible-news":
        return f"{letter}\n\n\n\n{news}"
    sep = "" if lang in ("ja", "zh-Hans", "zh-Hant") else " "
    salad = sep.join(rng.choice(words) for _ in range(rng.randint(60, 150)))
    return f"{letter}\n\n{salad}"
