"""One original reported by several offices: recognised as one, in `show` and the victim count."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import mailbuild as mb
from tests.conftest import run_cli, run_json
from triage.originals import Report, group_originals

CONFIG = """
[[protected]]
name = "Hon. Ada Kwok"
email = "ada.kwok@legco.example"
offices = ["office.ada.kwok@legco.example"]

[[protected]]
name = "Hon. Ben Lau"
email = "ben.lau@legco.example"
offices = ["staff.ben.lau@legco.example"]
"""
BLOCK = """---------- Forwarded message ---------
From: Night Owl <owl@badmail.test>
Date: Mon, 3 Feb 2025 at 10:15
Subject: Your pictures
To: Hon. Ada Kwok <ada.kwok@legco.example>

I have your pictures. Pay 0.5 BTC to bc1qexample within 48 hours.
"""


def _attached(by: str, fwd_id: str) -> bytes:
    return mb.raw(mb.forward_as_attachment(mb.original(), by=by, message_id=fwd_id))


def _inline(by: str, fwd_id: str, references: str | None) -> bytes:
    headers = {"References": references} if references else {}
    return mb.raw(mb.forward_inline(BLOCK, by=by, message_id=fwd_id, headers=headers))


def _redirect(by: str, fwd_id: str) -> bytes:
    return mb.redirect(mb.original(), by=by, resent_id=fwd_id)


# Two offices of one member (the office and the member's own address) report one original.
TWO_OFFICES = [
    pytest.param(_attached, _attached, id="attachment+attachment"),
    pytest.param(_attached, _redirect, id="attachment+redirect"),
    pytest.param(_attached, lambda by, i: _inline(by, i, "<orig-1@badmail.test>"),
                 id="attachment+inline-with-references"),
    pytest.param(_attached, lambda by, i: _inline(by, i, None), id="attachment+inline-no-id"),
    pytest.param(lambda by, i: _inline(by, i, None), _redirect, id="inline-no-id+redirect"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), TWO_OFFICES)
def test_two_offices_forwarding_one_original_are_one_original_two_reports(
    tmp_path: Path, first, second
):
    (tmp_path / "config.toml").write_text(CONFIG)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.eml").write_bytes(first("office.ada.kwok@legco.example", "<a@x>"))
    (tmp_path / "in" / "b.eml").write_bytes(second("ada.kwok@legco.example", "<b@x>"))
    assert run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)["new"] == 2
    [cluster] = run_json("--db", "t.db", "clusters", "--all", cwd=tmp_path)
    assert (cluster["size"], cluster["originals"]) == (2, 1)
    assert cluster["recipients"] == ["ada.kwok@legco.example"]  # one victim, counted once
    shown = run_json("--db", "t.db", "show", cluster["id"], cwd=tmp_path)
    assert len({m["original"] for m in shown["messages"]}) == 1
    assert sorted(m["message_id"] for m in shown["messages"]) == ["<a@x>", "<b@x>"]
    text = run_cli("--db", "t.db", "show", cluster["id"], cwd=tmp_path).stdout
    assert "originals: 1 (2 reports)" in text
    assert "same original as" in text


def test_one_campaign_to_two_victims_is_two_originals(tmp_path: Path):
    (tmp_path / "config.toml").write_text(CONFIG)
    (tmp_path / "in").mkdir()
    to_ben = mb.original(to="Ben Lau <ben.lau@legco.example>", message_id="<orig-2@badmail.test>")
    (tmp_path / "in" / "a.eml").write_bytes(_inline("office.ada.kwok@legco.example", "<a@x>", None))
    ben = mb.forward_inline(
        BLOCK.replace("Hon. Ada Kwok <ada.kwok", "Ben Lau <ben.lau"),
        by="staff.ben.lau@legco.example", message_id="<b@x>",
    )  # fmt: skip
    (tmp_path / "in" / "b.eml").write_bytes(mb.raw(ben))
    (tmp_path / "in" / "c.eml").write_bytes(mb.raw(mb.forward_as_attachment(to_ben)))
    run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)
    clusters = run_json("--db", "t.db", "clusters", "--all", cwd=tmp_path)
    messages = [m for c in clusters for m in c["messages"]]
    by_id = {m["message_id"]: m for m in messages}
    # same words and sender, different victims: not one original
    assert by_id["<a@x>"]["original"] != by_id["<b@x>"]["original"]
    assert by_id["<b@x>"]["recipient"] == "ben.lau@legco.example"


@pytest.mark.parametrize(
    ("reports", "groups"),
    [
        pytest.param([Report(sha256="a", original_message_id="<o>", digest="d1"),
                      Report(sha256="b", original_message_id="<o>", digest="d2")],
                     [["a", "b"]], id="same-id"),
        pytest.param([Report(sha256="a", original_message_id=None, digest="d1"),
                      Report(sha256="b", original_message_id=None, digest="d1")],
                     [["a", "b"]], id="same-digest-no-id"),
        pytest.param([Report(sha256="a", original_message_id="<o>", digest="d1"),
                      Report(sha256="b", original_message_id=None, digest="d2"),
                      Report(sha256="c", original_message_id="<o>", digest="d2")],
                     [["a", "b", "c"]], id="joined-through-a-third"),
        pytest.param([Report(sha256="a", original_message_id="<o1>", digest="d1"),
                      Report(sha256="b", original_message_id="<o2>", digest="d2"),
                      Report(sha256="c", original_message_id=None, digest=None)],
                     [["a"], ["b"], ["c"]], id="all-different"),
    ],
)  # fmt: skip
def test_group_originals(reports: list[Report], groups: list[list[str]]):
    assert group_originals(reports) == groups
