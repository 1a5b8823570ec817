"""HTML body -> plain text with line breaks where the reader sees them (pure)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "br", "p", "div", "tr", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "hr", "pre", "section", "article", "header", "footer", "ul", "ol",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "noscript", "template"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of `html`: tags dropped, entities decoded, one line per block."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was read so far
        pass
    text = "".join(collector.parts).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
