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
