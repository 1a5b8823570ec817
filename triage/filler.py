"""Visible text -> the letter and the hash-busting filler set apart from it (pure).

Bulk mail pads each copy with blocks of random words so no two copies hash alike. Such a
block is long and has no punctuation at all: prose of thirty words without one comma or
full stop is not written by people. The filler is kept (`show` prints it as hidden text)
but not judged, so words scattered through it cannot fire cues. Sentences lifted from
elsewhere do have punctuation; they stay, and the cues' passage rule (cues count when
they fall close together) keeps their scattered words from adding up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_FILLER_WORDS = 30  # a run of this many words with no punctuation between them
_WORD = re.compile(r"(?<!\S)[^\W\d_]{2,}(?!\S)")  # a token of letters only: no wallet, no URL
_WRAPPED_LINE = 50  # lines this long on average are wrapped prose: read them joined
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_RUN = re.compile(r"[^.,;:!?()\"«»„“”¿¡。，、！？：；]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitText:
    kept: str  # the text to judge
    filler: str  # blocks set apart as filler, one per line


def split_filler(text: str) -> SplitText:
    """Set apart runs of MIN_FILLER_WORDS or more words with no punctuation among them.

    Paragraphs are read with their lines joined, so filler wrapped at 72 columns is found.
    """
    kept: list[str] = []
    filler: list[str] = []
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        if not paragraph.strip():
            kept.append(paragraph)
            continue
        rest, cut = _cut_runs(paragraph)
        kept.append(rest)
        filler.extend(cut)
    return SplitText(kept="".join(kept), filler="\n".join(filler))


def _cut_runs(paragraph: str) -> tuple[str, list[str]]:
    """The paragraph without its unpunctuated runs of words, and those runs."""
    if _CJK.search(paragraph):
        return paragraph, []
    lines = paragraph.split("\n")
    if len(lines) > 1 and sum(map(len, lines)) / len(lines) < _WRAPPED_LINE:
        # Short lines (a list, a terse note) are read one by one, never as one run.
        parts = [_cut_runs(line) for line in lines]
        return "\n".join(p[0] for p in parts), [c for p in parts for c in p[1]]
    # Lines joined by a space of the same length, so spans found here cut the original.
    flat = paragraph.replace("\n", " ")
    runs = [m for m in _RUN.finditer(flat) if len(_WORD.findall(m.group())) >= MIN_FILLER_WORDS]
    if not runs:
        return paragraph, []
    kept, cut, at = [], [], 0
    for m in runs:
        kept.append(paragraph[at : m.start()])
        cut.append(" ".join(m.group().split()))
        at = m.end()
    kept.append(paragraph[at:])
    return " ".join(kept), cut
