"""The command line as cron and scripts see it: quiet stderr; docs/cli.md matches the real CLI."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.conftest import run_cli


def test_a_library_version_warning_stays_off_stderr_under_cron(tmp_path: Path) -> None:
    """scikit-learn warns when the shipped model was pickled by another release; run from cron
    (stderr not a terminal) that must not break "silent unless something failed"."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        "import sklearn.base\nsklearn.base.__version__ = '0.1.dev0'\n"  # another release
    )
    picture = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(picture, "PNG")
    (tmp_path / "p.png").write_bytes(picture.getvalue())
    env = {"PYTHONPATH": str(tmp_path / "site")}
    result = run_cli("score", "--json", "p.png", cwd=tmp_path, env=env)
    assert (result.returncode, result.stderr) == (0, "")
    assert '"score"' in result.stdout
    # The same run does warn where someone watches: the setup above is a real mismatch.
    probe = run_cli(
        "score", "p.png", cwd=tmp_path, env={**env, "PYTHONWARNINGS": "error::UserWarning"}
    )
    assert "InconsistentVersionWarning" in probe.stderr, probe.stderr
