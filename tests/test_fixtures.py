"""Tests of the fixture generator: determinism, parseability, and truth that checks out."""

import ast
import hashlib
import io
import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from PIL import Image

from fixtures.campaigns import make_campaign
from fixtures.generate import distinct_contacts, generate, main
from fixtures.layout import read_message
from fixtures.people import start_date

SMALL = {"campaigns": 2, "victims": 6, "benign": 12, "text_only": 0}
STYLES = {"gmail-en", "outlook-en", "apple-mail", "thunderbird", "outlook-zh-hant", "zh-hans"}
PARSER = BytesParser(policy=policy.default)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, generate(out, seed=7, **SMALL)


# --- determinism ---------------------------------------------------------------------


def test_same_seed_gives_byte_identical_corpus(tmp_path: Path, corpus: tuple) -> None:
    generate(tmp_path, seed=7, **SMALL)
    assert _tree(tmp_path) == _tree(corpus[0])


def test_make_fixtures_regenerates_the_committed_corpus_byte_identically(tmp_path: Path) -> None:
    """What `make fixtures` runs, for seed 1, gives exactly the files in fixtures/corpus."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "fixtures.generate", "--seed", "1", "--out", str(tmp_path)],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip
    fresh, committed = _tree(tmp_path), _tree(root / "fixtures" / "corpus")
    assert sorted(fresh) == sorted(committed)
    assert [name for name in sorted(fresh) if fresh[name] != committed[name]] == []


def test_regenerating_in_place_gives_identical_files(tmp_path: Path) -> None:
    generate(tmp_path, seed=3, **SMALL)
    before = _tree(tmp_path)
    (tmp_path / "mail" / "0001.eml").unlink()
    generate(tmp_path, seed=3, **SMALL)
    assert _tree(tmp_path) == before


def test_different_seed_differs(tmp_path: Path, corpus: tuple) -> None:
    generate(tmp_path, seed=8, **SMALL)
    assert _tree(tmp_path)["truth.json"] != _tree(corpus[0])["truth.json"]


# --- messages parse and match the truth ----------------------------------------------


def test_every_message_parses_with_required_headers(corpus: tuple) -> None:
    root, truth = corpus
    for entry in truth["messages"]:
        msg = PARSER.parsebytes(read_message(root, entry))
        assert msg["Message-ID"] and msg["Date"] and msg["From"], entry["path"]
        assert not msg.defects, (entry["path"], msg.defects)


def test_eml_files_use_crlf_and_all_are_in_truth(corpus: tuple) -> None:
    root, truth = corpus
    listed = {e["path"] for e in truth["messages"]}
    files = {str(p.relative_to(root)) for p in (root / "mail").glob("*.eml")}
    files |= {str(p.relative_to(root)) for p in (root / "maildir").rglob("*") if p.is_file()}
    assert files | {"archive.mbox"} == listed
    for name in (root / "mail").glob("*.eml"):
        raw = name.read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n"), name


def test_sha256_in_truth_matches_stored_bytes(corpus: tuple) -> None:
    root, truth = corpus
    for entry in truth["messages"]:
        assert hashlib.sha256(read_message(root, entry)).hexdigest() == entry["sha256"], entry[
            "path"
        ]


def test_mbox_escapes_from_lines_mboxrd_style(corpus: tuple) -> None:
    text = (corpus[0] / "archive.mbox").read_bytes()
    bodies = re.split(rb"\n\nFrom \S+ \w{3} \w{3} [ \d]\d ", b"\n\n" + text)
    assert all(not re.search(rb"\nFrom ", body) for body in bodies)


def test_message_id_in_truth_is_the_stored_header(corpus: tuple) -> None:
    root, truth = corpus
    for entry in truth["messages"]:
        msg = PARSER.parsebytes(read_message(root, entry))
        assert msg["Message-ID"] == entry["message_id"]
        if entry["forward"] == "redirect":
            assert msg["Resent-Message-ID"] == entry["resent_message_id"]
            assert msg["Resent-To"] == truth["triage_mailbox"]


def test_inline_forwards_name_the_forwarded_message_as_their_client_does(corpus: tuple) -> None:
    root, truth = corpus
    single = [m for m in truth["messages"] if m["forward"] == "inline" and m["nested"] == 1]
    assert {m["client_style"] for m in single} == STYLES
    for entry in single:
        msg = PARSER.parsebytes(read_message(root, entry))
        references = str(msg["References"] or "").split()
        names = entry["client_style"] != "zh-hans"
        assert entry["original_id_readable"] is names
        assert (references[-1:] == [entry["original_message_id"]]) is names
        if entry["client_style"] == "thunderbird":
            assert msg["X-Forwarded-Message-Id"] == entry["original_message_id"]
    readable = {
        (m["forward"], m["original_id_readable"]) for m in truth["messages"] if m["nested"] < 2
    }
    assert {r for r in readable if r[0] != "inline"} == {
        ("attachment", True),
        ("redirect", True),
        ("direct", None),
    }


def test_each_hop_comes_after_the_one_it_forwards(corpus: tuple) -> None:
    root, truth = corpus
    for entry in truth["messages"]:
        msg = PARSER.parsebytes(read_message(root, entry))
        dates = [datetime.fromisoformat(h["date"]) for h in entry["hops"]]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        if entry["forward"] in ("attachment", "inline"):
            assert msg["Date"].datetime == dates[-1]
            assert msg["To"] == truth["triage_mailbox"]
        if dates:
            assert msg["Date"].datetime < dates[-1] or entry["forward"] != "redirect"


# --- wallets: an independent checker ---------------------------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _base58check_version(text: str) -> int:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    pad = len(text) - len(text.lstrip("1"))
    data = b"\0" * pad + number.to_bytes((number.bit_length() + 7) // 8, "big")
    body, check = data[:-4], data[-4:]
    assert hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] == check, text
    assert len(body) == 21, text
    return body[0]


def _bech32_constant(text: str) -> int:
    hrp, _, data = text.rpartition("1")
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    values += [BECH.index(c) for c in data]
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            check ^= gen if (top >> i) & 1 else 0
    return check


def _check_wallet(wallet: str) -> str:
    if wallet.startswith("0x"):
        assert re.fullmatch(r"0x[0-9a-f]{40}", wallet)
        return "eth"
    if wallet.startswith("bc1q"):
        assert _bech32_constant(wallet) == 1 and len(wallet) == 42
        return "bech32"
    if wallet.startswith("bc1p"):
        assert _bech32_constant(wallet) == 0x2BC830A3 and len(wallet) == 62
        return "bech32m"
    version = _base58check_version(wallet)
    assert (wallet[0], version) in {("1", 0x00), ("T", 0x41)}, wallet
    return "tron" if version == 0x41 else "p2pkh"


def test_every_wallet_has_a_valid_checksum(corpus: tuple) -> None:
    _, truth = corpus
    wallets = {w for e in truth["messages"] for w in e["wallets"]}
    wallets |= {w for c in truth["campaigns"] for w in c["wallets"]}
    kinds = {_check_wallet(w) for w in wallets}
    assert kinds == {"eth", "bech32", "bech32m", "tron", "p2pkh"}


def test_checker_rejects_a_corrupted_wallet() -> None:
    assert _bech32_constant("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5") not in (1, 0x2BC830A3)
    with pytest.raises(AssertionError):
        _base58check_version("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")


# --- forwarding coverage -------------------------------------------------------------


def test_every_forward_kind_and_client_style_appears(corpus: tuple) -> None:
    messages = corpus[1]["messages"]
    assert {e["forward"] for e in messages} == {"attachment", "inline", "redirect", "direct"}
    styles = [h["style"] for e in messages for h in e["hops"] if h["kind"] == "inline"]
    assert {s for s in styles if styles.count(s) >= 2} == STYLES
    assert {h["style"] for e in messages for h in e["hops"]} >= {"rfc822", "octet"}
    assert any(e["nested"] == 2 for e in messages)
    assert {e["path"].split("/")[0] for e in messages} == {"mail", "maildir", "archive.mbox"}


# --- pictures --------------------------------------------------------------------------


def _pdf_jpegs(data: bytes) -> list[bytes]:
    found = re.finditer(rb"/Length (\d+) >>\nstream\n", data)
    return [
        data[m.end() : m.end() + int(m.group(1))]
        for m in found
        if data[m.end() : m.end() + 2] == b"\xff\xd8"
    ]


def _check_pdf_xref(data: bytes) -> None:
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    rows = data[start:].split(b"\n")[3:]
    for number, row in enumerate(rows[: int(data[start:].split(b"\n")[1].split()[1]) - 1], 1):
        offset = int(row[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number)


def _blobs(msg: EmailMessage) -> list[bytes]:
    """Every picture in a message: parts, embedded messages, .eml files, ZIPs, PDFs."""
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        kind, data = part.get_content_type(), part.get_payload(decode=True)
        if kind == "application/octet-stream":
            out += _blobs(PARSER.parsebytes(data))
        elif kind == "application/zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                out += [archive.read(n) for n in archive.namelist()]
        elif kind == "application/pdf":
            _check_pdf_xref(data)
            out += _pdf_jpegs(data)
        elif part.get_content_maintype() == "image":
            out.append(data)
    return out


def test_every_truth_image_is_in_its_message_with_its_size(corpus: tuple) -> None:
    root, truth = corpus
    wheres = set()
    for entry in truth["messages"]:
        blobs = {
            hashlib.sha256(b).hexdigest(): b
            for b in _blobs(PARSER.parsebytes(read_message(root, entry)))
        }
        for image in entry["images"]:
            wheres.add(image["where"])
            with Image.open(io.BytesIO(blobs[image["sha256"]])) as picture:
                assert picture.size == (image["width"], image["height"])
    assert wheres == {"attachment", "inline", "pdf", "zip"}


def test_paste_boxes_lie_inside_the_final_image(corpus: tuple) -> None:
    boxes = 0
    for entry in corpus[1]["messages"]:
        for image in entry["images"]:
            if image["paste_box"] is None:
                assert entry["category"] != "sextortion"
                continue
            x0, y0, x1, y1 = image["paste_box"]
            assert 0 <= x0 < x1 <= image["width"] and 0 <= y0 < y1 <= image["height"]
            boxes += 1
    assert boxes > 0


def test_wallets_in_truth_appear_in_the_message_text(corpus: tuple) -> None:
    root, truth = corpus
    for entry in truth["messages"]:
        msg = PARSER.parsebytes(read_message(root, entry))
        text = "".join(_texts(msg))
        for wallet in entry["wallets"]:
            assert wallet in text.replace("\r", ""), (entry["path"], wallet)


def _texts(msg: EmailMessage) -> list[str]:
    out = []
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            out.append(part.get_content())
        elif part.get_content_type() == "application/octet-stream":
            out += _texts(PARSER.parsebytes(part.get_payload(decode=True)))
    return out


# --- CLI, config, independence -----------------------------------------------------------


def test_cli_writes_text_only_messages_and_demo_config(tmp_path: Path) -> None:
    argv = [
        "--seed",
        "2",
        "--out",
        str(tmp_path),
        "--campaigns",
        "1",
        "--victims",
        "2",
        "--benign",
        "3",
        "--text-only",
        "40",
    ]
    assert main(argv) == 0
    files = sorted((tmp_path / "text-only").glob("*.eml"))
    assert len(files) == 40
    assert all(PARSER.parsebytes(f.read_bytes())["Message-ID"] for f in files)
    demo = tomllib.loads((tmp_path / "demo.toml").read_text())
    assert demo["triage"]["mailbox_addresses"] == ["triage@cyber.legco.example"]
    assert demo["store"]["path"] == "demo/triage.db"
    assert len(demo["protected"]) == 12
    assert demo["protected"][0]["offices"] == ["office.ada.kwok@legco.example"]


def test_generator_does_not_import_the_code_under_test() -> None:
    for source in Path(__file__).parent.parent.joinpath("fixtures").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in getattr(node, "names", [])] + [getattr(node, "module", "")]
            assert not any((n or "").split(".")[0] == "triage" for n in names), source


def test_no_two_campaigns_share_a_contact_address_even_at_hundreds_of_campaigns() -> None:
    # seed 31's 834 campaigns (the 10k throughput corpus) drew four addresses twice
    camps = distinct_contacts([make_campaign(i, 31, start_date(31)) for i in range(834)], 31)
    contacts = [c.contact for c in camps if c.contact]
    assert len(contacts) > 300 and len(set(contacts)) == len(contacts)
