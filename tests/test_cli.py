"""The command line as cron and scripts see it: quiet stderr; docs/cli.md matches the real CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import run_cli


def test_a_library_warning_stays_off_stderr_under_cron(tmp_path: Path) -> None:
    """A dependency that warns (a version mismatch, a deprecation) while a run from cron (stderr
    not a terminal) goes well must not break "silent unless something failed"."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        "import warnings\nimport PIL.Image\n_open = PIL.Image.open\n"
        "def _warning_open(*a, **k):\n"
        "    warnings.warn('a library complains', UserWarning, stacklevel=2)\n"
        "    return _open(*a, **k)\n"
        "PIL.Image.open = _warning_open\n"
    )
    picture = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(picture, "PNG")
    (tmp_path / "p.png").write_bytes(picture.getvalue())
    env = {"PYTHONPATH": str(tmp_path / "site")}
    result = run_cli("score", "--json", "p.png", cwd=tmp_path, env=env)
    assert (result.returncode, result.stderr) == (0, "")
    assert '"score"' in result.stdout
    # The same run does warn: made an error, the warning is what fails it.
    probe = run_cli(
        "score", "p.png", cwd=tmp_path, env={**env, "PYTHONWARNINGS": "error::UserWarning"}
    )
    assert "a library complains" in probe.stdout + probe.stderr, probe


# --- docs/cli.md against the real command line ------------------------------------------------

DOC = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()
QUEUE_MOVES = ("ack", "assign", "close", "reopen")


def _sections() -> dict[str, str]:
    """Heading (the command, as `triage NAME`) -> its text."""
    parts = re.split(r"^#{2,3} (.*)$", DOC, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _section(command: str) -> str:
    """The section of `triage COMMAND` ("" for the global options)."""
    for heading, body in _sections().items():
        names = re.findall(r"`triage ([a-z ]+?)[ `]", heading) or re.findall(
            r"`([a-z]+) ID", heading
        )
        if (command == "" and heading == "Everywhere") or command in names:
            return body
        if command in {f"queue {m}" for m in QUEUE_MOVES} and "queue ack" in heading:
            return body
    raise AssertionError(f"docs/cli.md has no section for triage {command}")


def _flags(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text)) - {"--help"}


def _help(command: str) -> str:
    result = run_cli(*command.split(), "--help", cwd=Path(__file__).parent)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _commands(help_text: str) -> set[str]:
    block = help_text.split("Commands:", 1)[1] if "Commands:" in help_text else ""
    return set(re.findall(r"^  ([a-z]+)  ", block, flags=re.M))


ALL_COMMANDS = sorted(_commands(_help(""))) + [f"queue {m}" for m in QUEUE_MOVES]


def test_every_command_has_a_section_and_no_section_names_a_missing_one() -> None:
    documented = {
        name for heading in _sections() for name in re.findall(r"`triage ([a-z]+)", heading)
    }
    assert documented == _commands(_help(""))
    assert _commands(_help("queue")) == set(QUEUE_MOVES)


@pytest.mark.parametrize("command", ["", *ALL_COMMANDS], ids=lambda c: c or "global")
def test_every_flag_is_documented_and_every_documented_flag_exists(command: str) -> None:
    real = _flags(_help(command).split("Options:", 1)[1].split("Commands:", 1)[0])
    documented = set(re.findall(r"^- `(--[a-z-]+)`", _section(command), flags=re.M)) - {"--help"}
    if command.startswith("queue "):  # one section for the four moves; --to is assign's
        documented -= set() if command == "queue assign" else {"--to"}
    assert real == documented


def test_exit_statuses_are_the_documented_ones(tmp_path: Path) -> None:
    statuses = set(re.findall(r"^- `(\d)`:", _section(""), flags=re.M))
    assert statuses == {"0", "1", "2"}
    assert run_cli("--db", "t.db", "clusters", cwd=tmp_path).returncode == 0
    missing = run_cli("--db", "t.db", "show", "no-such-cluster", cwd=tmp_path)
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert run_cli("no-such-command", cwd=tmp_path).returncode == 2
    assert run_cli("clusters", "--no-such-flag", cwd=tmp_path).returncode == 2


def _documented_fields(command: str) -> set[str]:
    text = _section(command)
    json_part = text[text.index("\nJSON") :]
    return {t for t in re.findall(r"`([\[\]a-z0-9_.{}]+)`", json_part) if re.search("[a-z]", t)}


def _paths(value: object, maps: set[str], prefix: str = "") -> set[str]:
    """Every field path in `value` ("a[].b" style), not looking inside documented maps."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= _paths(item, maps, prefix + "[]")
    elif isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            if path + "{}" in maps:
                found.add(path + "{}")
            else:
                found |= {path} | _paths(inner, maps, path)
    return found


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contract")
    corpus = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "maildir"
    assert run_cli("--db", "t.db", "ingest", str(corpus), cwd=root).returncode == 0
    assert run_cli("--db", "t.db", "route", cwd=root).returncode == 0
    return root


def test_every_json_field_is_documented(store: Path) -> None:
    def json_of(*args: str) -> object:
        result = run_cli("--db", "t.db", *args, "--json", cwd=store)
        assert result.stdout, result.stderr
        return json.loads(result.stdout)

    clusters = json_of("clusters", "--all")
    item = json_of("queue")[0]["id"]  # type: ignore[index]
    picture = next(p for p in (store / "evidence" / "images").rglob("*") if p.is_file())
    outputs = {
        "ingest": json_of("ingest", str(store / "no-such-folder")),
        "clusters": clusters,
        "show": json_of("show", clusters[0]["id"]),  # type: ignore[index]
        "route": json_of("route", "--dry-run"),
        "queue": json_of("queue"),
        "queue ack": json_of("queue", "ack", item, "no-such-item"),
        "score": json_of("score", str(picture), str(store / "missing.png")),
        "localise": json_of("localise"),
    }
    for command, output in outputs.items():
        documented = _documented_fields(command)
        maps = {f for f in documented if f.endswith("{}")}
        undocumented = _paths(output, maps) - documented
        assert not undocumented, f"triage {command} --json: {sorted(undocumented)}"
