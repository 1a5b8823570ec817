"""Real benign mail for the labelled set: mail-parser's test messages and Python's own email
test messages, read from disk where they are (reads files).

Neither is extortion; both are real mail with the shapes ours is not (delivery reports,
uuencoded parts, spam of 2010s vintage, multipart oddities), so they teach the model what
ordinary mail looks like without our wording. Rows carry family "real:<source>".
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from triage.analyse import visible_text
from triage.cues import guess_language
from triage.normalize import normalise_for_judging
from triage.parse import parse_message
from triage.unwrap import unwrap

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
MAIL_PARSER = SHARED / "corpora" / "mail-parser-tests"
MIN_CHARS = 40  # fewer characters of text say nothing to a text model
MAX_CHARS = 6000


def python_email_data() -> Path | None:
    """test/test_email/data of the running Python, when its test suite is installed."""
    spec = importlib.util.find_spec("test")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "test_email" / "data"
    return data if data.is_dir() else None


def real_negatives() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    sources = (("mail-parser", MAIL_PARSER.resolve()), ("python-email", python_email_data()))
    for name, folder in sources:
        if folder is None or not folder.is_dir():
            print(f"real mail: {name} not found; its rows are left out")
            continue
        rows.extend(_rows(name, folder))
    return rows


def _rows(name: str, folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.iterdir()):
        if not path.is_file() or (path.suffix in (".md", ".txt") and path.stem.isupper()):
            continue
        try:
            original = unwrap(parse_message(path.read_bytes()), mailbox_addresses=()).original
        except Exception:  # noqa: S112  (a message we cannot read teaches nothing)
            continue
        body, _ = visible_text(original.text, original.html)
        body = body.strip()[:MAX_CHARS]
        if len(body) < MIN_CHARS:
            continue
        yield {
            "id": f"real-{name}-{path.name}",
            "language": guess_language(normalise_for_judging(body)) or "en",
            "label": 0,
            "family": f"real:{name}",
            "kind": name,
            "obfuscation": None,
            "subject": original.subject or "",
            "text": body,
            "wallets": [],
            "recipient_name": None,
        }
