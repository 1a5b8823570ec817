"""`triage score` and manipulation in the store: scores, heatmaps, errors per file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.conftest import run_cli
from tests.pictures import campaign_picture


def test_score_json_per_file_and_exit_1_after_all_files(tmp_path: Path):
    (tmp_path / "paste.jpg").write_bytes(campaign_picture("scene-a", "f1"))
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    (tmp_path / "other.jpg").write_bytes(campaign_picture("scene-b", "f2"))
    result = run_cli(
        "score", "--json", "--heatmap", "maps", "paste.jpg", "broken.jpg", "missing.jpg",
        "other.jpg", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert [r["path"] for r in out] == ["paste.jpg", "broken.jpg", "missing.jpg", "other.jpg"]
    assert set(out[0]) >= {"path", "score", "signals"} and 0.0 <= out[0]["score"] <= 1.0
    assert "suspicion" in out[0]["signals"]
    assert "error" in out[1] and "error" in out[2] and "score" in out[3]
    heatmap = Path(tmp_path / out[0]["heatmap"])
    assert heatmap.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(heatmap.stat().st_mode) == 0o600


def test_score_of_good_files_exits_0(tmp_path: Path):
    (tmp_path / "a.jpg").write_bytes(campaign_picture("scene-a", "f1"))
    result = run_cli("score", "a.jpg", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("a.jpg: ")
