"""Dates as mail clients print them in forward headers -> aware UTC datetimes (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_WEEKDAYS = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*|[(（]?(星期|週|周|礼拜|禮拜)[一二三四五六日天][)）]?\s*",
    re.IGNORECASE,
)
_TZ = re.compile(r"\s*(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?\s*$|\s*(?:GMT|UTC|Z)\s*$")
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CJK_AMPM = re.compile(r"(上午|下午|晚上|中午|凌晨)\s*(\d{1,2})([:：]\d{2}(?:[:：]\d{2})?)")
_AMPM = re.compile(r"\b[AP]M\b|上午|下午|晚上|中午|凌晨", re.IGNORECASE)
_FORMATS = (
    "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M", "%d %B %Y %H:%M:%S", "%d %B %Y %H:%M",
    "%b %d %Y %H:%M:%S", "%b %d %Y %H:%M", "%B %d %Y %H:%M:%S", "%B %d %Y %H:%M",
    "%B %d %Y %I:%M %p", "%b %d %Y %I:%M %p", "%d %B %Y %I:%M %p", "%d %b %Y %I:%M %p",
    "%B %d %Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d/%m/%Y %H:%M",
    "%Y-%m-%d", "%d %B %Y", "%B %d %Y", "%d %b %Y",
)  # fmt: skip


def parse_loose_date(text: str) -> datetime | None:
    """Best effort: RFC 5322, Gmail/Outlook/Apple English styles, and Chinese 年月日 forms.

    A date without a zone is taken as UTC: forwarded headers often drop it.
    """
    text = " ".join(text.split())
    if not text or len(text) > 120:  # a date line is short; anything longer is not one
        return None
    if not _AMPM.search(text):  # parsedate_to_datetime drops AM/PM silently
        try:
            dt = parsedate_to_datetime(text)
            return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
        except (TypeError, ValueError, IndexError):
            pass
    text = _CJK_DATE.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", text)
    text = _CJK_AMPM.sub(_cjk_time, text)
    text = _WEEKDAYS.sub(" ", text)
    text = re.sub(r"\bat\b|,", " ", text)
    tz = UTC
    m = _TZ.search(text)
    if m:
        if m.group(1):
            minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
            tz = timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
        text = text[: m.start()]
    text = " ".join(text.replace("：", ":").split())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tz).astimezone(UTC)
        except ValueError:
            continue
    return None


def _cjk_time(m: re.Match[str]) -> str:
    hour = int(m[2])
    if m[1] in ("下午", "晚上") and hour < 12:
        hour += 12
    if m[1] == "凌晨" and hour == 12:
        hour = 0
    return f"{hour:02d}{m[3]}"
