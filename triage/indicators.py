"""Indicators in a message's text: wallets (checksummed), addresses, URLs, phones, amounts,
deadlines; English and Chinese, defanged forms refanged (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from triage.wallets import canonical, wallet_kind

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

_WALLET_CANDIDATES = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"[13][1-9A-HJ-NP-Za-km-z]{25,34}"  # Bitcoin legacy / P2SH
    r"|(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}"  # Bitcoin segwit
    r"|T[1-9A-HJ-NP-Za-km-z]{33}"  # TRON
    r"|0x[0-9a-fA-F]{40}"  # Ethereum and EVM chains
    r"|[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?"  # Monero
    r")(?![0-9A-Za-z])"
)
# Linear on hostile text: no optional spacing inside a repeated group (an earlier form with
# " dot " separators took minutes on "a at b dot b dot b ..."). Defanged forms are refanged
# before matching, so only plain addresses are matched here.
_EMAIL = re.compile(
    r"(?<![\w.+-])([\w.+-]{1,64})@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24})\b"
)
_DEFANGED_AT = re.compile(r"\s?(?:\[at\]|\(at\)|\{at\}|\[@\])\s?", re.IGNORECASE)
_URL = re.compile(
    r"\b(?:(?:h[tx]{2}ps?|fxp)(?::|\[:\])//|www(?:\.|\[\.\]))[^\s<>\"'）)\]」】]{2,2000}",
    re.IGNORECASE,
)
_DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)|\[dot\]|\(dot\)|\{\.\}", re.IGNORECASE)
_PHONE = re.compile(
    r"(?:(?<=[\s:：(（])|^)(\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,3})"
    r"|(?:(?:tel|phone|whatsapp|telegram|signal|電話|电话|手機|手机)\s*[:：]?\s*(\d[\d\s-]{6,16}\d))",
    re.IGNORECASE | re.MULTILINE,
)
_NUMBER = r"(\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_CURRENCIES = {
    "usd": "USD", "us$": "USD", "$": "USD", "美元": "USD", "美金": "USD", "dollars": "USD",
    "hkd": "HKD", "hk$": "HKD", "港元": "HKD", "港幣": "HKD", "港币": "HKD",
    "eur": "EUR", "€": "EUR", "euro": "EUR", "euros": "EUR", "rmb": "CNY", "cny": "CNY",
    "人民幣": "CNY", "人民币": "CNY", "元": "CNY", "mop": "MOP", "澳門元": "MOP", "澳门元": "MOP",
    "btc": "BTC", "bitcoin": "BTC", "比特幣": "BTC", "比特币": "BTC", "eth": "ETH",
    "usdt": "USDT", "xmr": "XMR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "円": "JPY",
}  # fmt: skip
_CUR = "|".join(sorted((re.escape(c) for c in _CURRENCIES), key=len, reverse=True))
_AMOUNT_BEFORE = re.compile(rf"({_CUR})\s?{_NUMBER}\s?(萬|万|k\b|thousand)?", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(
    rf"{_NUMBER}\s?(萬|万|k\b|thousand)?\s?({_CUR})(?![A-Za-z])", re.IGNORECASE
)
_UNITS = {
    "hour": 1.0, "hours": 1.0, "hr": 1.0, "hrs": 1.0, "h": 1.0, "小時": 1.0, "小时": 1.0,
    "day": 24.0, "days": 24.0, "天": 24.0, "日": 24.0, "week": 168.0, "weeks": 168.0,
    "minutes": 1 / 60, "mins": 1 / 60, "分鐘": 1 / 60, "分钟": 1 / 60,
}  # fmt: skip
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7,
                 "twenty-four": 24, "forty-eight": 48, "seventy-two": 72,
                 "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "七": 7,
                 "二十四": 24, "四十八": 48, "七十二": 72}  # fmt: skip
# Every pattern here starts at a token and never rescans a run of spaces or digits: they
# run on hostile text (see _tame), and an earlier deadline pattern went quadratic on spaces.
_DEADLINE = re.compile(
    r"(?<![0-9])(\d{1,3}|twenty-four|forty-eight|seventy-two|one|two|three|four|five|seven|"
    r"二十四|四十八|七十二|一|二|兩|两|三|四|五|七)[ \t]{0,3}(?:個|个)?[ \t]{0,3}"
    r"(hours|hour|hrs|hr|h|days|day|weeks|week|minutes|mins|小時|小时|天|日|分鐘|分钟)(?![A-Za-z])"
    r"[ \t]{0,3}(內|内|之內|之内|以內|以内)?",
    re.IGNORECASE,
)


_DEADLINE_CONTEXT = re.compile(r"within|in |next|before|內|内|deadline|期限|否則|否则")


@dataclass(frozen=True, slots=True, kw_only=True)
class Wallet:
    kind: str  # btc | eth | tron | xmr
    address: str  # canonical spelling


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount:
    value: float
    currency: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline:
    hours: float
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicators:
    wallets: tuple[Wallet, ...] = ()
    emails: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()
    deadlines: tuple[Deadline, ...] = ()


def extract_indicators(text: str) -> Indicators:
    """Every indicator in `text`, deduplicated, in order of first appearance."""
    text = _tame(unicodedata.normalize("NFKC", text).translate(_INVISIBLE))
    refanged = _DEFANGED_AT.sub("@", _DEFANGED_DOT.sub(".", text)).replace("[:]", ":")
    return Indicators(
        wallets=find_wallets(text),
        emails=_unique(_refang_email(m) for m in _EMAIL.finditer(refanged)),
        urls=_unique(_refang_url(m.group(0)) for m in _URL.finditer(refanged)),
        phones=_unique(_phone(m) for m in _PHONE.finditer(text)),
        amounts=_amounts(text),
        deadlines=_deadlines(text),
    )


def _tame(text: str) -> str:
    """Cap runs of digits and blanks no real indicator needs, so no pattern can be made to
    rescan them: hostile mail is free to send 50,000 of either."""
    text = re.sub(r"\d{65,}", lambda m: m.group(0)[:64], text)
    return re.sub(r"[ \t]{33,}", " " * 32, text)


def find_wallets(text: str) -> tuple[Wallet, ...]:
    found: dict[str, Wallet] = {}
    for m in _WALLET_CANDIDATES.finditer(text):
        kind = wallet_kind(m.group(0))
        if kind is not None:
            address = canonical(m.group(0), kind)
            found.setdefault(address, Wallet(kind=kind, address=address))
    return tuple(found.values())


def _refang_email(m: re.Match[str]) -> str:
    return f"{m.group(1)}@{m.group(2)}".lower().strip(".")


def _refang_url(url: str) -> str:
    url = re.sub(r"^h[tx]{2}p", "http", url, flags=re.IGNORECASE)
    url = re.sub(r"^fxp", "ftp", url, flags=re.IGNORECASE).replace("[:]", ":")
    url = _DEFANGED_DOT.sub(".", url).rstrip(".,;:!?。，；")
    return url if "://" in url else f"http://{url}"


def _phone(m: re.Match[str]) -> str:
    digits = m.group(1) or m.group(2)
    return re.sub(r"[^\d+]", "", digits)


def _amounts(text: str) -> tuple[Amount, ...]:
    found: dict[tuple[float, str], Amount] = {}
    spans: list[tuple[int, int]] = []
    for m in _AMOUNT_BEFORE.finditer(text):
        _add_amount(found, m.group(1), m.group(2), m.group(3), m.group(0))
        spans.append(m.span())
    for m in _AMOUNT_AFTER.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        _add_amount(found, m.group(3), m.group(1), m.group(2), m.group(0))
    return tuple(found.values())


def _add_amount(
    found: dict[tuple[float, str], Amount], cur: str, number: str, mult: str | None, text: str
) -> None:
    currency = _CURRENCIES.get(cur.lower())
    if currency is None:
        return
    value = float(number.replace(",", "").replace("，", ""))
    if mult in ("萬", "万"):
        value *= 10_000
    elif mult and mult.lower() in ("k", "thousand"):
        value *= 1000
    if value > 0:
        amount = Amount(value=value, currency=currency, text=text.strip())
        found.setdefault((value, currency), amount)


def _deadlines(text: str) -> tuple[Deadline, ...]:
    found: dict[float, Deadline] = {}
    for m in _DEADLINE.finditer(text):
        number, unit = m.group(1).lower(), m.group(2).lower()
        count = int(number) if number.isdigit() else _WORD_NUMBERS.get(number)
        if count is None or unit not in _UNITS:
            continue
        context = text[max(0, m.start() - 12) : m.end() + 4].lower()
        # "48 hours" alone is any duration; a deadline says within/內 or sits near a demand
        if not _DEADLINE_CONTEXT.search(context):
            continue
        hours = count * _UNITS[unit]
        found.setdefault(hours, Deadline(hours=hours, text=m.group(0).strip()))
    return tuple(found.values())


def _unique(items: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))  # type: ignore[attr-defined]
