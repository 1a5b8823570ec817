"""Write training/verdicts/labelled.jsonl from the per-language wording, deterministically.

Positives are assembled from parts (greeting, hook, threat, demand, deadline, secrecy,
aftermath) in several structures: long sextortion letters, pasted-picture notes, terse
two-liners, text-only blackmail, threats of harm, and a form-like block. Negatives are
whole letters of the kinds the triage mailbox really gets, hard ones first: crypto
investment scams, account-suspension phishing, news and police warnings about
sextortion, a constituent upset about a video, invoices, charities asking for crypto.
A share of rows of both labels is obfuscated the way spam is, so obfuscation itself
never tells the classes apart.

    .venv/bin/python -m training.verdicts.make_labelled
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from training.verdicts.families import de as f_de
from training.verdicts.families import en as f_en
from training.verdicts.families import es as f_es
from training.verdicts.families import fr as f_fr
from training.verdicts.families import it as f_it
from training.verdicts.families import ja as f_ja
from training.verdicts.families import pt as f_pt
from training.verdicts.families import zh_hans as f_zh_hans
from training.verdicts.families import zh_hant as f_zh_hant
from training.verdicts.phrases import de, en, es, fr, it, ja, pt, zh_hans, zh_hant
from training.verdicts.real_mail import real_negatives

OUT = Path(__file__).with_name("labelled.jsonl")
SEED = 5
POSITIVES_PER_LANGUAGE = 52
NEGATIVES_PER_LANGUAGE = 60
OBFUSCATED_SHARE = 0.12
LANGUAGES: tuple[ModuleType, ...] = (en, zh_hant, zh_hans, es, pt, de, fr, it, ja)
FAMILIES: dict[str, ModuleType] = {
    "en": f_en, "zh-Hant": f_zh_hant, "zh-Hans": f_zh_hans, "es": f_es, "pt": f_pt,
    "de": f_de, "fr": f_fr, "it": f_it, "ja": f_ja,
}  # fmt: skip
ROWS_PER_FAMILY = {1: 14, 0: 12}  # per language
FILLER_SHARE = 0.35  # rows of both labels padded as bulk mail pads them

_COINS = {
    "zh-Hant": ("比特幣", "BTC", "USDT", "以太幣"),
    "zh-Hans": ("比特币", "BTC", "USDT", "以太坊"),
    "ja": ("ビットコイン", "BTC", "USDT", "イーサリアム"),
}
_COINS_LATIN = ("Bitcoin", "BTC", "USDT", "Ethereum", "Litecoin")
_AMOUNTS = {
    "en": ("${n:,}", "USD {n:,}", "£{n:,}", "{n:,} dollars", "{n:,} US dollars"),
    "zh-Hant": ("{n}美元", "港幣{h:,}", "{h:,}港元", "{n:,}美金"),
    "zh-Hans": ("{n}美元", "{n:,}美金", "人民币{r:,}元", "{r}元"),
    "es": ("{d} €", "{d} dólares", "{d} USD", "{d} euros"),
    "pt": ("R$ {d}", "US$ {d}", "{d} dólares", "{d} euros"),
    "de": ("{d} €", "{d} Euro", "{d} USD", "{d} Dollar"),
    "fr": ("{s} €", "{s} euros", "{s} dollars", "{s} USD"),
    "it": ("{d} €", "{d} euro", "{d} dollari", "{d} USD"),
    "ja": ("{m}万円", "{n:,}ドル", "{n:,}米ドル", "{y:,}円"),
}
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def main() -> None:
    rows = build_rows()
    with OUT.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(rows)} rows to {OUT}")


def build_rows() -> list[dict[str, Any]]:
    """Rows of three sources, each row naming its template family (held out whole in
    training's leave-one-family-out): the assembled letters of phrases/ (one family for
    all positives, since their parts are shared), the whole letters of families/, and
    real benign mail the project may ship."""
    rows: list[dict[str, Any]] = []
    for phrases in LANGUAGES:
        rng = random.Random(f"{SEED}:{phrases.LANGUAGE}")
        for i in range(POSITIVES_PER_LANGUAGE):
            row = _finish(_positive(phrases, rng, i), phrases, rng, i, label=1)
            rows.append({**row, "family": "pos:assembled"})
        kinds = sorted(phrases.NEG)
        for i in range(NEGATIVES_PER_LANGUAGE):
            kind = kinds[i % len(kinds)]
            row = _finish(_negative(phrases, kind, rng, i), phrases, rng, i, label=0)
            rows.append({**row, "family": f"neg:{kind}"})
    for phrases in LANGUAGES:
        rows.extend(_family_rows(phrases))
    rows.extend(real_negatives())
    return rows


def _family_rows(phrases: ModuleType) -> list[dict[str, Any]]:
    lang = phrases.LANGUAGE
    letters = FAMILIES[lang]
    rows: list[dict[str, Any]] = []
    for label, templates in ((1, letters.POS), (0, letters.NEG)):
        for family in sorted(templates):
            # One stream per family, so adding a family leaves the others' rows as they were.
            rng = random.Random(f"{SEED}:families:{lang}:{family}")
            for i in range(ROWS_PER_FAMILY[label]):
                slots = _slots(phrases, rng)
                text = spin(templates[family], rng).format(**slots)
                filler = None
                if rng.random() < FILLER_SHARE:
                    filler = rng.choice(("sentences", "words"))
                    text = pad(text, letters, filler, rng, cjk=lang in ("ja", "zh-Hans", "zh-Hant"))
                rows.append(
                    {
                        "id": f"{lang}-{family}-{i:03d}",
                        "language": lang,
                        "label": label,
                        "family": family,
                        "kind": family.split(":", 1)[1],
                        "obfuscation": filler and f"filler-{filler}",
                        "subject": "",
                        "text": text,
                        "wallets": [slots["wallet"]] if slots["wallet"] in text else [],
                        "recipient_name": slots["name"] if slots["name"] in text else None,
                    }
                )
    return rows


_SPIN = re.compile(r"\[([^\[\]]*)\]")


def spin(template: str, rng: random.Random) -> str:
    """One paraphrase of a spintax template: each `[a|b|c]` becomes one of its parts."""
    return _SPIN.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def pad(text: str, letters: ModuleType, how: str, rng: random.Random, *, cjk: bool) -> str:
    """Hash-busting filler before or after the letter: prose lifted from elsewhere that
    carries cue words, or a block of random words with no punctuation."""
    if how == "sentences":
        sentences = list(letters.FILLER)
        rng.shuffle(sentences)
        block = " ".join(sentences[: rng.randint(3, len(sentences))])
    else:
        sep = "" if cjk else " "
        block = sep.join(rng.choice(letters.WORDS) for _ in range(rng.randint(40, 90)))
    return f"{block}\n\n{text}" if rng.random() < 0.3 else f"{text}\n\n\n{block}"


def _finish(
    row: dict[str, Any], phrases: ModuleType, rng: random.Random, i: int, *, label: int
) -> dict[str, Any]:
    obfuscation = None
    if rng.random() < OBFUSCATED_SHARE:
        obfuscation = rng.choice(("homoglyph", "zero-width", "filler", "entities", "fullwidth"))
        row["text"] = obfuscate(row["text"], obfuscation, rng)
    return {
        "id": f"{phrases.LANGUAGE}-{'pos' if label else 'neg'}-{i:03d}",
        "language": phrases.LANGUAGE,
        "label": label,
        "obfuscation": obfuscation,
        **row,
    }


def _slots(phrases: ModuleType, rng: random.Random) -> dict[str, str]:
    lang = phrases.LANGUAGE
    n = rng.choice((500, 800, 950, 1200, 1500, 2000, 2500, 3000, 4500, 5000))
    amount = rng.choice(_AMOUNTS[lang]).format(
        n=n,
        h=n * 8,
        r=n * 7,
        y=n * 150,
        m=n * 150 // 10_000 or 1,
        d=f"{n:,}".replace(",", "."),
        s=f"{n:,}".replace(",", " "),
    )
    slots = {
        "name": rng.choice(phrases.NAMES),
        "amount": amount,
        "coin": rng.choice(_COINS.get(lang, _COINS_LATIN)),
        "wallet": fake_wallet(rng),
        "hours": str(rng.choice((12, 24, 36, 48, 48, 72, 72, 96))),
        "days": str(rng.choice((14, 30, 60))),
        "n": str(rng.randint(100, 9999)),
    }
    return {**slots, **_leaked(slots["wallet"])}


_PASSWORD_WORDS = (
    "summer", "liverpool", "qwerty", "bella", "iloveyou", "monkey", "dragon", "sunshine",
    "football", "princess", "charlie", "letmein", "shadow", "master", "freedom", "tigger",
)  # fmt: skip


def _leaked(wallet: str) -> dict[str, str]:
    """A leaked password and phone number as quoted in "proof" letters, drawn from their
    own stream seeded by the row's wallet: the shared stream stays as it was, so adding
    these slots left every older row unchanged."""
    rng = random.Random(f"leaked:{wallet}")
    word = rng.choice(_PASSWORD_WORDS)
    word = word.capitalize() if rng.random() < 0.4 else word
    password = word + str(rng.choice((1, 7, 12, 22, 77, 88, 123, 2010, 2014, 2016, 2019)))
    password += rng.choice(("", "", "!", "#"))
    digits = "".join(rng.choice("0123456789") for _ in range(9))
    return {
        "password": password,
        "phone": f"+{rng.choice((1, 44, 49, 33))} {digits[:3]} {digits[3:6]} {digits[6:]}",
    }


def _positive(phrases: ModuleType, rng: random.Random, i: int) -> dict[str, Any]:
    pos, slots = phrases.POS, _slots(phrases, rng)
    named = rng.random() < 0.5
    greeting = rng.choice(pos["open_named"] if named else pos["open"])

    def pick(part: str) -> str:
        if part == "demand" and rng.random() < 0.15:  # wallet sent later, or in the picture
            part = "demand_later"
        return str(rng.choice(pos[part]))

    kind = ("sextortion_hack", "sextortion_photo", "terse", "blackmail", "harm", "form")[i % 6]
    if kind == "sextortion_hack":
        middle = [pick("hack"), pick("record"), pick("threat"), pick("demand"), pick("deadline")]
        tail = [pick("secrecy")] * (rng.random() < 0.6) + [pick("after")] * (rng.random() < 0.6)
    elif kind == "sextortion_photo":
        middle = [pick("photo"), pick("threat"), pick("demand"), pick("deadline")]
        tail = [pick("secrecy")] * (rng.random() < 0.5)
    elif kind == "terse":
        middle = [pick(rng.choice(("photo", "record", "threat"))), pick("demand")]
        middle += [pick("deadline")] * (rng.random() < 0.7)
        tail, greeting = [], greeting if named else ""
    elif kind == "blackmail":
        middle = [pick("secret"), pick("threat"), pick("demand"), pick("deadline")]
        tail = [pick("secrecy")] * (rng.random() < 0.5)
    elif kind == "harm":
        middle = [pick("harm"), pick("demand"), pick("deadline"), pick("secrecy")]
        tail = []
    else:
        labels = phrases.LABELS
        block = (
            f"{labels['amount']}: {{amount}} ({{coin}})\n{labels['wallet']}: {{wallet}}\n"
            f"{labels['deadline']}: {{hours}}h"
        )
        middle = [pick(rng.choice(("photo", "hack", "secret"))), pick("threat"), block]
        tail = [pick("secrecy")] * (rng.random() < 0.5)
    if kind != "terse" and rng.random() < 0.35:  # demand before threat, as many letters do
        middle[1:3] = middle[2:0:-1]
    paragraphs = [p for p in (greeting, *middle, *tail) if p]
    joiner = rng.choice(("\n\n", "\n", " ")) if phrases.LANGUAGE not in ("ja",) else "\n"
    text = joiner.join(paragraphs).format(**slots)
    return {
        "kind": kind,
        "subject": rng.choice(pos["subject"]).format(**slots),
        "text": text,
        "wallets": [slots["wallet"]] if slots["wallet"] in text else [],
        "recipient_name": slots["name"] if named or rng.random() < 0.5 else None,
    }


def _negative(phrases: ModuleType, kind: str, rng: random.Random, i: int) -> dict[str, Any]:
    slots = _slots(phrases, rng)
    subject, body = rng.choice(phrases.NEG[kind])
    text = body.format(**slots)
    return {
        "kind": kind,
        "subject": subject.format(**slots),
        "text": text,
        "wallets": [slots["wallet"]] if slots["wallet"] in text else [],
        "recipient_name": slots["name"] if rng.random() < 0.6 else None,
    }


def fake_wallet(rng: random.Random) -> str:
    """An address of a common shape; checksums do not matter to the text model."""
    kind = rng.choice(("p2pkh", "bech32", "eth", "tron"))
    if kind == "p2pkh":
        return "1" + "".join(rng.choice(_B58) for _ in range(33))
    if kind == "bech32":
        return "bc1q" + "".join(rng.choice(_BECH) for _ in range(38))
    if kind == "eth":
        return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
    return "T" + "".join(rng.choice(_B58) for _ in range(33))


_CYRILLIC = str.maketrans("aeopcxyiAEOPCXHBMTK", "аеорсхуіАЕОРСХНВМТК")
_ENTITY_ROUNDS = 0.25


def obfuscate(text: str, how: str, rng: random.Random) -> str:
    """Spam tricks: the normaliser must undo each of them."""
    words = text.split(" ")
    if how == "homoglyph":
        return " ".join(w.translate(_CYRILLIC) if rng.random() < 0.4 else w for w in words)
    if how == "zero-width":
        return "".join(
            ch + ("\u200b" if ch.isalpha() and rng.random() < 0.3 else "") for ch in text
        )
    if how == "filler":
        return " ".join(
            rng.choice(".-*_").join(w) if len(w) >= 5 and w.isalpha() and rng.random() < 0.3 else w
            for w in words
        )
    if how == "entities":
        return "".join(
            f"&#{ord(ch)};" if ch.isalpha() and rng.random() < _ENTITY_ROUNDS else ch for ch in text
        )
    return " ".join(
        "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w)
        if rng.random() < 0.3
        else w
        for w in words
    )


if __name__ == "__main__":
    main()
