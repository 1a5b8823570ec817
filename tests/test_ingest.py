"""`triage ingest` end to end: files, folders, Maildir, mbox, idempotence, hostile input."""

from __future__ import annotations

import contextlib
import json
import mailbox
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests import mailbuild as mb
from tests.conftest import CORPUS, run_cli, run_json
from tests.test_parse import nested
from triage import mailfiles


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def sample(i: int) -> bytes:
    return mb.raw(mb.original(message_id=f"<s{i}@badmail.test>", subject=f"pictures {i}"))


def stored(db: Path) -> list[dict]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM messages ORDER BY source")]


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_fifo()}


def test_ingest_folder_twice_stores_nothing_new(tmp_path: Path):
    for i in range(5):
        write(tmp_path / "in" / f"m{i}.eml", sample(i))
    write(tmp_path / "in" / "notes.txt", b"not mail, not picked from a folder walk")
    skipped = [{"source": "in/notes.txt", "reason": mailfiles._NOT_MAIL}]
    first = run_json("--db", "s/t.db", "ingest", "in", cwd=tmp_path)
    assert first == {"read": 5, "new": 5, "duplicates": 0, "failed": [], "skipped": skipped}
    second = run_json("--db", "s/t.db", "ingest", "in", cwd=tmp_path)
    assert second == {"read": 5, "new": 0, "duplicates": 5, "failed": [], "skipped": skipped}
    assert len(stored(tmp_path / "s/t.db")) == 5


def test_same_bytes_from_two_places_are_one_message_with_two_sources(tmp_path: Path):
    write(tmp_path / "a" / "x.eml", sample(1))
    write(tmp_path / "b" / "y.eml", sample(1))
    report = run_json("--db", "t.db", "ingest", "a", "b", cwd=tmp_path)
    assert (report["new"], report["duplicates"]) == (1, 1)
    with contextlib.closing(sqlite3.connect(tmp_path / "t.db")) as conn:
        sources = sorted(r[0] for r in conn.execute("SELECT source FROM message_sources"))
    assert sources == ["a/x.eml", "b/y.eml"]


def test_maildir_and_mbox_are_read(tmp_path: Path):
    (tmp_path / "in").mkdir()
    md = mailbox.Maildir(tmp_path / "in" / "Maildir", create=True)
    for i in range(3):
        md.add(sample(i))
    write(tmp_path / "in" / "Maildir" / "tmp" / "partial", b"half-delivered; must be ignored")
    box = mailbox.mbox(tmp_path / "in" / "archive.mbox", create=True)
    for i in range(3, 7):
        box.add(sample(i))
    box.flush()
    box.close()
    report = run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)
    assert report == {
        "read": 7, "new": 7, "duplicates": 0, "failed": [],
        "skipped": [{"source": "in/Maildir/tmp/partial", "reason": mailfiles._IN_DELIVERY}],
    }  # fmt: skip
    sources = sorted(r["source"] for r in stored(tmp_path / "t.db"))
    assert sources[3:] == [f"in/archive.mbox#{i}" for i in range(4)]
    assert all(s.startswith("in/Maildir/new/") for s in sources[:3])


def test_maildir_copied_without_its_empty_tmp_folder(tmp_path: Path):
    for part, i in (("cur", 1), ("new", 2)):
        write(tmp_path / "in" / "box" / part / f"17000000{i}.M1P1.host:2,S", sample(i))
    assert run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)["new"] == 2


def test_explicit_mbox_file_without_extension(tmp_path: Path):
    box = mailbox.mbox(tmp_path / "spool", create=True)
    for i in range(2):
        box.add(sample(i))
    box.close()
    assert run_json("--db", "t.db", "ingest", "spool", cwd=tmp_path)["new"] == 2


def test_real_malformed_corpus_always_ingests(tmp_path: Path):
    files = sorted(CORPUS.glob("mail_*"))
    assert len(files) == 23
    report = run_json("--db", "t.db", "ingest", *map(str, files), cwd=tmp_path)
    assert report["read"] == 23
    # mail_outlook_1 is an Outlook .msg item: read as such since Outlook items are parsed
    assert (report["new"], report["failed"]) == (23, [])
    evidence = [p for p in (tmp_path / "evidence" / "raw").rglob("*") if p.is_file()]
    assert len(evidence) == 23


HOSTILE = {
    "nested2000.eml": nested(2000),
    "picture.eml": b"\x89PNG\r\n\x1a\n" + bytes(100),
    "empty.eml": b"",
    "prose.eml": b"Dear all, this is a plain note that somebody saved with .eml\n",
}


def test_hostile_files_fail_with_reasons_and_the_run_goes_on(tmp_path: Path):
    inbox = tmp_path / "in"
    for name, data in HOSTILE.items():
        write(inbox / name, data)
    traversal = mb.original()
    traversal.add_attachment(b"x", maintype="text", subtype="plain", filename="../../../../evil.sh")
    write(inbox / "traversal.eml", mb.raw(traversal))
    write(inbox / "good.eml", sample(1))
    os.mkfifo(inbox / "fifo.eml")  # would block a naive read forever
    before = all_files(tmp_path)
    report = run_json("--db", "store/t.db", "ingest", "in", cwd=tmp_path)
    failed = {Path(f["source"]).name: f["error"] for f in report["failed"]}
    assert failed == {
        "nested2000.eml": failed["nested2000.eml"],
        "picture.eml": "a PNG image, not an e-mail",
        "empty.eml": "empty file",
        "prose.eml": "does not start with e-mail headers",
        "fifo.eml": "not a regular file",
    }
    assert "nesting" in failed["nested2000.eml"]
    assert report["new"] == 2
    # Nothing written anywhere but the store and its evidence folder.
    created = all_files(tmp_path) - before
    assert all(p.is_relative_to(tmp_path / "store") for p in created), created
    assert not list(tmp_path.rglob("evil.sh"))
    evidence = {p.name for p in (tmp_path / "store" / "evidence" / "raw").rglob("*") if p.is_file()}
    assert len(evidence) == 5  # nested, png, prose, traversal, good: all but empty and fifo
    rows = stored(tmp_path / "store/t.db")
    with contextlib.closing(sqlite3.connect(tmp_path / "store/t.db")) as conn:
        names = [r[0] for r in conn.execute("SELECT filename FROM attachments")]
        audit = {r[0] for r in conn.execute("SELECT event FROM audit")}
    assert "evil.sh" in names and len(rows) == 2
    assert audit == {"stored", "failed"}


def test_unreadable_file_is_reported_and_others_ingest(tmp_path: Path):
    inbox = tmp_path / "in"
    write(inbox / "good.eml", sample(1))
    locked = write(inbox / "locked.eml", sample(2))
    locked.chmod(0)
    cmd = ["--db", str(tmp_path / "store" / "t.db"), "ingest", str(inbox), "--json"]
    result = run_cli(*cmd, cwd=tmp_path, prefix=_WITHOUT_ROOTS_READ_ANYTHING)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["new"] == 1
    assert [(Path(f["source"]).name, f["error"]) for f in report["failed"]] == [
        ("locked.eml", "cannot read: Permission denied")
    ]


# Root reads a mode-0 file through CAP_DAC_OVERRIDE: without it (and CAP_DAC_READ_SEARCH) root
# obeys permission bits like anyone. Staying root keeps the venv reachable wherever the
# checkout is (another user cannot enter a 0700 home folder).
_WITHOUT_ROOTS_READ_ANYTHING = (
    ("setpriv", "--inh-caps=-dac_override,-dac_read_search",
     "--bounding-set=-dac_override,-dac_read_search")
    if os.geteuid() == 0
    else ()
)  # fmt: skip


def test_evidence_and_store_are_private(tmp_path: Path):
    write(tmp_path / "in" / "a.eml", sample(1))
    run_json("--db", "store/t.db", "ingest", "in", cwd=tmp_path)
    ev = tmp_path / "store" / "evidence"
    for p in [ev, *ev.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), (p, oct(mode))
    for p in (tmp_path / "store").glob("t.db*"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    raw = sample(1)
    files = [p for p in (ev / "raw").rglob("*") if p.is_file()]
    assert [f.read_bytes() for f in files] == [raw]
    assert (ev / "images").is_dir()  # the message's picture is kept as evidence too


def test_unwrapped_fields_reach_the_store_and_cluster_json(tmp_path: Path):
    write(tmp_path / "in" / "fwd.eml", mb.raw(mb.forward_as_attachment(mb.original())))
    run_json("--db", "t.db", "ingest", "in", cwd=tmp_path)
    clusters = run_json("--db", "t.db", "clusters", "--all", cwd=tmp_path)
    assert len(clusters) == 1
    c = clusters[0]
    for key in ("id", "extortion", "extortion_score", "size", "recipients", "first_seen",
                "last_seen", "wallets", "max_manipulation", "queue_status", "messages"):  # fmt: skip
        assert key in c
    assert c["recipients"] == ["ada.kwok@legco.example"]
    m = c["messages"][0]
    assert m["message_id"] == "<fwd-1@legco.example>"
    assert m["original_message_id"] == "<orig-1@badmail.test>"
    assert m["subject"] == "Your pictures"
    assert m["source"] == "in/fwd.eml"
    shown = run_json("--db", "t.db", "show", c["id"], cwd=tmp_path)
    assert shown["messages"][0]["attachments"][0]["filename"] == "photo.jpg"
    by_message_id = run_json("--db", "t.db", "show", "<orig-1@badmail.test>", cwd=tmp_path)
    assert by_message_id["id"] == c["id"]


def test_show_unknown_id_is_one_line_and_exit_1(tmp_path: Path):
    result = run_cli("--db", "t.db", "show", "C-nothing", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "C-nothing" in result.stderr


def test_cron_run_is_silent_on_success_and_one_line_on_failure(tmp_path: Path):
    write(tmp_path / "in" / "a.eml", sample(1))
    ok = run_cli("--db", "t.db", "ingest", "in", cwd=tmp_path)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    write(tmp_path / "in" / "b.eml", b"")
    bad = run_cli("--db", "t.db", "ingest", "in", cwd=tmp_path)
    assert bad.returncode == 0
    assert "1 failed" in bad.stderr and "empty file" in bad.stderr


@pytest.mark.parametrize("cmd", [[], ["ingest"], ["clusters"], ["show"]])
def test_help_of_every_command(tmp_path: Path, cmd: list[str]):
    result = run_cli(*cmd, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_bad_usage_exits_2(tmp_path: Path):
    assert run_cli("ingest", cwd=tmp_path).returncode == 2
    assert run_cli("no-such-command", cwd=tmp_path).returncode == 2


def test_a_terminal_sees_live_progress(tmp_path: Path):
    import pty
    import subprocess
    import sys

    for i in range(3):
        write(tmp_path / "in" / f"m{i}.eml", sample(i))
    leader, follower = pty.openpty()
    triage = str(Path(sys.executable).parent / "triage")
    proc = subprocess.run(
        [triage, "--db", "t.db", "ingest", "in"],
        cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower,
        timeout=120,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(leader, 4096):
            shown += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert b"\ringest: 3 read, 3 new, 0 duplicates, 0 failed" in shown


def test_files_a_folder_walk_does_not_read_are_listed_with_why(tmp_path: Path):
    write(tmp_path / "in" / "m.eml", sample(1))
    write(tmp_path / "in" / "index.csv", b"file,label\nm.eml,spam\n")
    write(tmp_path / "in" / ".DS_Store", b"\0\0\0\1Bud1")
    write(tmp_path / "in" / ".git" / "HEAD", b"ref: refs/heads/main\n")
    result = run_cli("--db", "t.db", "ingest", "in", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["read"], report["new"], report["failed"]) == (1, 1, [])
    assert report["skipped"] == [
        {"source": "in/.DS_Store", "reason": "hidden file: not read"},
        {"source": "in/.git", "reason": "hidden folder: not read"},
        {"source": "in/index.csv", "reason": mailfiles._NOT_MAIL},
    ]
    assert f"skipped: in/index.csv: {mailfiles._NOT_MAIL}" in result.stderr.splitlines()
    plain = run_cli("--db", "t.db", "ingest", "in", cwd=tmp_path)
    assert plain.returncode == 0
    assert [ln for ln in plain.stderr.splitlines() if ln.startswith("skipped:")] == [
        f"skipped: in/{s['source'][3:]}: {s['reason']}" for s in report["skipped"]
    ]
