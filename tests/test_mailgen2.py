"""The second mail generator: deterministic per seed, parseable, and its truth says what it wrote."""

import email
import hashlib
import json
import re
import shutil
import subprocess
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from fixtures.layout import read_message
from fixtures.mailgen2.generate import generate
from fixtures.mailgen2.values import LANGUAGES

SMALL = {"victims": 1, "per_kind": 1}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("mailgen2")
    return out, generate(out, 3, **SMALL)


def _texts(msg: EmailMessage) -> list[str]:
    """Every text part, also inside forwarded messages (message/rfc822 or an .eml file)."""
    out = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            out.append(part.get_content())
        elif part.get_content_type() == "application/octet-stream" and (
            part.get_filename() or ""
        ).endswith(".eml"):
            inner = email.message_from_bytes(part.get_payload(decode=True), policy=policy.default)
            out += _texts(inner)  # type: ignore[arg-type]
    return out


def _parsed(root: Path, entry: dict[str, Any]) -> EmailMessage:
    raw = read_message(root, entry)
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_seed_writes_the_same_bytes_and_another_seed_does_not(corpus, tmp_path):
    root, _ = corpus
    generate(tmp_path / "again", 3, **SMALL)
    assert _files(tmp_path / "again") == _files(root)
    generate(tmp_path / "other", 4, **SMALL)
    assert _files(tmp_path / "other")["truth.json"] != _files(root)["truth.json"]


def test_both_halves_and_every_language_have_extortion_and_benign_mail(corpus):
    _, truth = corpus
    messages = truth["messages"]
    for half in ("dev", "held-out"):
        assert {m["extortion"] for m in messages if m["half"] == half} == {True, False}
    for language in LANGUAGES:
        assert {m["extortion"] for m in messages if m["language"] == language} == {True, False}
    assert any(m.get("wallet_in") == "picture" for m in messages)
    assert any(m["forward"] != "direct" for m in messages if m["extortion"])


def test_every_message_parses_and_has_no_template_left_in_it(corpus):
    root, truth = corpus
    for entry in truth["messages"]:
        text = "\n".join(_texts(_parsed(root, entry)))
        assert text.strip(), entry["path"]
        assert not re.search(r"\{[^{}\n]*\|[^{}\n]*\}|<[A-Z_]{3,}>", text), entry["path"]


def test_an_extortion_wallet_is_in_the_text_or_on_the_card_and_not_both(corpus):
    root, truth = corpus
    for entry in (m for m in truth["messages"] if m["extortion"]):
        (wallet,) = entry["wallets"]
        text = "\n".join(_texts(_parsed(root, entry)))
        if entry["wallet_in"] == "text":
            assert wallet in text, entry["path"]
        else:
            assert wallet not in text, entry["path"]
            assert any(wallet in line for line in entry["card_lines"]), entry["path"]
            assert any(i["base"] is None for i in entry["images"]), entry["path"]


def test_benign_filler_carries_the_words_truth_claims(corpus):
    root, truth = corpus
    with_filler = [m for m in truth["messages"] if m.get("filler")]
    assert any(m["filler"]["delivered"] for m in with_filler)
    assert any(not m["filler"]["delivered"] for m in with_filler)
    for entry in (m for m in with_filler if m["filler"]["delivered"]):
        assert not entry["extortion"]
        text = "\n".join(_texts(_parsed(root, entry)))
        for word in entry["filler"]["words"]:
            assert word in text, (entry["path"], word)
    assert any(entry["filler"]["words"] for entry in with_filler)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_a_card_picture_shows_its_wallet_to_a_reader_of_pictures(corpus, tmp_path):
    root, truth = corpus
    entry = next(m for m in truth["messages"] if m.get("wallet_in") == "picture")
    msg = _parsed(root, entry)
    card_shas = {i["sha256"] for i in entry["images"] if i["base"] is None}
    cards = [
        p.get_payload(decode=True)
        for p in msg.walk()
        if p.get_content_maintype() == "image"
        and hashlib.sha256(p.get_payload(decode=True)).hexdigest() in card_shas
    ]
    assert len(cards) == 1
    (tmp_path / "card").write_bytes(cards[0])
    read = subprocess.run(
        ["tesseract", str(tmp_path / "card"), "-", "-l", "eng"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    # Tesseract confuses 1/l/I, 0/O and letter case in these fonts (the product's reading has
    # to cope); the address must still be there whole, not cut off or wrapped apart.
    def norm(text: str) -> str:
        return text.replace(" ", "").lower().translate(str.maketrans("lio", "110"))

    assert norm(entry["wallets"][0]) in norm(read)


def test_truth_json_is_what_generate_returned(corpus):
    root, truth = corpus
    assert json.loads((root / "truth.json").read_text()) == truth


def test_disguised_campaigns_carry_look_alikes_or_zero_width_spaces_and_others_do_not(corpus):
    root, truth = corpus
    seen = set()
    for entry in (m for m in truth["messages"] if m.get("wallet_in") == "text"):
        text = "\n".join(_texts(_parsed(root, entry)))
        style = entry["obfuscation"]
        seen.add(style)
        assert ("\u200b" in text) == (style == "zero-width"), entry["path"]
        has_cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in text)
        assert has_cyrillic == (style == "homoglyph"), entry["path"]
    assert seen == {None, "homoglyph", "zero-width"}
