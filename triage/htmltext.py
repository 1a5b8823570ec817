"""HTML body -> plain text with line breaks where the reader sees them, and the text hidden
from the reader set apart (pure).

Spam hides hash-busting filler in HTML the reader never sees: display:none, zero or tiny
fonts, white on white, collapsed boxes. That text is kept (it is evidence, and `show`
prints it) but apart from the visible text, so the verdict judges what the reader reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_BLOCK = {
    "br", "p", "div", "tr", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "hr", "pre", "section", "article", "header", "footer", "ul", "ol",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "noscript", "template"}
# Elements that never have an end tag, so they never open a scope.
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_MAX_DEPTH = 500  # deeper markup is treated as one scope: hostile nesting costs nothing

_WHITE = {"white", "#fff", "#ffffff", "#fefefe", "#fdfdfd", "rgb(255,255,255)", "#fffffe"}
_TINY_FONT_PX = 3.0  # 3px and below cannot be read; 6px footers still can
_HIDING = (
    re.compile(r"display\s*:\s*none"),
    re.compile(r"visibility\s*:\s*(?:hidden|collapse)"),
    re.compile(r"(?<![\w-])opacity\s*:\s*0*(?:\.0+)?\s*(?:;|$|!)"),
    re.compile(r"mso-hide\s*:\s*all"),
    re.compile(
        r"(?<![\w-])(?:max-)?height\s*:\s*0+(?:px|em|pt|%)?\s*(?:;|$|!)[^\"]*overflow\s*:\s*hidden"
    ),
    re.compile(
        r"overflow\s*:\s*hidden[^\"]*(?<![\w-])(?:max-)?height\s*:\s*0+(?:px|em|pt|%)?\s*(?:;|$|!)"
    ),
    re.compile(r"(?:left|top|text-indent)\s*:\s*-\d{4,}"),
)
_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(px|pt|em|rem|%)?")
_COLOR = re.compile(r"(?<![\w-])color\s*:\s*([^;!]+)")
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;!]+)")


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlText:
    visible: str  # what the reader sees, one line per block
    hidden: str  # text in the markup the reader cannot see


@dataclass(frozen=True, slots=True)
class _Scope:
    tag: str
    hidden: bool
    background: str | None  # the colour behind this element's text, when set
    color: str | None


def _colour(value: str) -> str:
    return re.sub(r"\s+", "", value.strip().lower())


def _font_px(size: str, unit: str | None) -> float:
    value = float(size) if size.replace(".", "", 1).isdigit() else 16.0
    return {"pt": value * 4 / 3, "em": value * 16, "rem": value * 16, "%": value * 0.16}.get(
        unit or "px", value
    )


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.hidden: list[str] = []
        self._skipping = 0
        self._stack: list[_Scope] = []

    def _top(self) -> _Scope:
        return self._stack[-1] if self._stack else _Scope("", False, None, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
            return
        if tag in _BLOCK:
            self._out().append("\n")
        if tag in _VOID or len(self._stack) >= _MAX_DEPTH:
            return
        self._stack.append(self._scope(tag, dict(attrs)))

    def _scope(self, tag: str, attrs: dict[str, str | None]) -> _Scope:
        parent = self._top()
        style = (attrs.get("style") or "").lower()
        background = parent.background
        color = parent.color
        if (m := _BACKGROUND.search(style)) or attrs.get("bgcolor"):
            background = _colour(m.group(1) if m else attrs["bgcolor"] or "")
        if m := _COLOR.search(style):
            color = _colour(m.group(1))
        elif tag == "font" and attrs.get("color"):
            color = _colour(attrs["color"] or "")
        hidden = parent.hidden or "hidden" in attrs or any(p.search(style) for p in _HIDING)
        if (size := _FONT_SIZE.search(style)) and _font_px(*size.groups()) <= _TINY_FONT_PX:
            hidden = True
        if (color is not None and color == (background or "white")) or (
            color in _WHITE and (background or "white") in _WHITE
        ):
            hidden = True
        return _Scope(tag, hidden, background, color)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
            return
        if tag in _BLOCK:
            self._out().append("\n")
        # Close the nearest open element of this name and everything left open inside it;
        # an end tag nothing opened is ignored, as browsers do.
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i].tag == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._top().hidden:
            self.hidden.append(data + " ")  # hidden runs sit apart: keep their words apart
        else:
            self.visible.append(data)

    def _out(self) -> list[str]:
        return self.hidden if self._top().hidden else self.visible


def _tidy(parts: list[str]) -> str:
    text = "".join(parts).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_html(html: str) -> HtmlText:
    """Visible and hidden text of `html`: tags dropped, entities decoded, one line per block."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was read so far
        pass
    return HtmlText(visible=_tidy(collector.visible), hidden=_tidy(collector.hidden))


def body_text(plain: str, html: str) -> str:
    """What a message says: its plain part, else the visible text of its HTML part."""
    return plain if plain.strip() else html_to_text(html)


def html_to_text(html: str) -> str:
    """Visible text of `html`: tags dropped, entities decoded, one line per block."""
    return read_html(html).visible
