"""Text -> a normalised skeleton used only for judging extortion (pure).

Senders dodge keyword filters with look-alike letters from other scripts, invisible
characters, letters spaced out with filler, and HTML entities left in text parts. The
skeleton undoes those so cues and the model see "bitcoin" however it was written. It
is lossy on purpose (case, accents, Cyrillic and Greek are folded into Latin), so it
is never stored: the evidence keeps the original text.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Invisible characters that are not in category Cf but render as nothing: Hangul
# fillers, the braille blank, Khmer inherent vowels, the combining grapheme joiner and
# variation selectors. Cf (zero-width space/joiners, soft hyphen, bidi controls, tag
# characters, BOM) is removed by category.
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
_VARIATION_SUPPLEMENT = range(0xE0100, 0xE01F0)

# Capitals first, before case folding: Greek Ν and Υ imitate N and Y, but their
# lower-case forms ν and υ imitate v and u, so folding first would pick the wrong letter.
_CAPITAL_HOMOGLYPHS = str.maketrans(
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧАВЕЅІЈКМНОРСТУХ", "ABEZHIKMNOPTYXABESIJKMHOPCTYX"
)
# Lower-case Cyrillic, Greek and other letters that pass for Latin ones, applied after
# case folding.
_HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic
        "а": "a", "б": "b", "в": "b", "г": "r", "д": "d", "е": "e", "ё": "e",
        "и": "u", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s", "і": "i", "ї": "i", "ј": "j",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y", "ғ": "f", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "ζ": "z", "η": "n", "ι": "i",
        "κ": "k", "μ": "u", "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t",
        "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
        # Latin letters without a decomposition
        "ı": "i", "ȷ": "j", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŀ": "l", "ɩ": "i",
        "æ": "ae", "œ": "oe", "þ": "th",
        # Armenian and Cherokee look-alikes seen in spam
        "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ո": "n",
        # Quotes and dashes folded so patterns need one spelling ("don't", "j'ai")
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    }
)  # fmt: skip

# Combining marks of Latin, Greek and Cyrillic diacritics. The kana voicing marks
# (U+3099, U+309A) are outside these ranges, so が never becomes か.
_DIACRITIC = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# A run of single letters with filler between them: "b.i.t.c.o.i.n", "p a y", "P*A*Y".
# Four letters at least, so "U.S." and "a b" in prose are left alone.
_LETTER = r"[^\W\d_]"
_FILLER = r"[\s.\-_*·•|/\\~+,'^:;=#]"
_SPACED = re.compile(rf"(?<!{_LETTER}){_LETTER}(?:{_FILLER}{{1,3}}{_LETTER}(?!{_LETTER})){{3,}}")
_FILLER_RUN = re.compile(rf"{_FILLER}+")
_SPACE = re.compile(r"\s+")
_MAX_UNESCAPE_ROUNDS = 3  # "&amp;#98;" is an entity escaped twice; more is not worth chasing


def normalise_for_judging(text: str) -> str:
    """The skeleton of `text` for matching: never shown, never stored."""
    text = _unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _drop_invisible(text)
    text = text.translate(_CAPITAL_HOMOGLYPHS).casefold().translate(_HOMOGLYPHS)
    text = _strip_diacritics(text)
    text = _SPACED.sub(lambda m: _FILLER_RUN.sub("", m.group()), text)
    return _SPACE.sub(" ", text).strip()


def _unescape(text: str) -> str:
    for _ in range(_MAX_UNESCAPE_ROUNDS):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _drop_invisible(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch) != "Cf"
        and ch not in _INVISIBLE
        and ord(ch) not in _VARIATION_SUPPLEMENT
    )


def _strip_diacritics(text: str) -> str:
    return unicodedata.normalize("NFC", _DIACRITIC.sub("", unicodedata.normalize("NFD", text)))
