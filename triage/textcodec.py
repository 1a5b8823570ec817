"""Bytes of a text part -> str, when the declared charset is missing, unknown or a lie (pure)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Mail labelled with the narrow legacy charset is routinely written in its superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
}
# Labels that say nothing useful when the bytes are 8-bit: mislabelled CJK often hides here.
_WEAK_LABELS = {"ascii", "cp1252", "latin_1", "iso8859-1"}
# Only a multibyte guess may overrule a declared single-byte label: guessing among
# single-byte code pages is noise (Italian latin-1 came back as cp1258).
_MULTIBYTE = {
    "gb18030",
    "gbk",
    "gb2312",
    "big5",
    "big5hkscs",
    "cp950",
    "euc_jp",
    "shift_jis",
    "cp932",
    "euc_kr",
    "cp949",
    "iso2022_jp",
    "hz",
    "utf-16",
    "utf-32",
    "utf_8",
}


def decode_text(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode `data`; return the text and a defect note when the declared charset was wrong."""
    if not data:
        return "", None
    codec = _codec(declared)
    eight_bit = max(data) > 0x7F
    if eight_bit and codec not in ("utf_16", "utf_32", "utf_7"):
        # Valid multibyte UTF-8 is almost never an accident, whatever the label says.
        try:
            return data.decode("utf-8"), _note(declared, "utf-8", codec)
        except UnicodeDecodeError:
            pass
    if codec is not None and not (eight_bit and codec in _WEAK_LABELS):
        try:
            return data.decode(codec), None
        except UnicodeDecodeError:
            pass
    if not eight_bit:
        return data.decode("ascii", errors="replace"), None
    guess = _detect(data)
    if guess is not None and (codec is None or guess in _MULTIBYTE):
        return data.decode(guess, errors="replace"), _note(declared, guess, codec)
    fallback = codec or "cp1252"
    return data.decode(fallback, errors="replace"), _note(declared, fallback, codec)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _detect(data: bytes) -> str | None:
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    return _codec(best.encoding) or best.encoding


def _note(declared: str | None, used: str, codec: str | None) -> str | None:
    if codec is not None and used == codec:
        return None
    return f"CharsetMismatch: declared {declared or 'none'}, decoded as {used}"
