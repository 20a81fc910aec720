"""The installed package finds its own data: the wheel, installed into a fresh virtual environment away
from the repository, runs `awardbot check` on the packaged knowledge and `awardbot eval` on the packaged
question set (layout hazard: paths computed from `__file__` that only hold inside the repository)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import ROOT


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=180, check=False, **kwargs)


def test_the_installed_wheel_checks_and_evaluates_its_packaged_data(tmp_path, cache_dir):
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                "-w", str(tmp_path / "dist"), str(ROOT))
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("awardbot-*.whl"))
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", str(venv)).returncode == 0
    python = venv / "bin" / "python"
    # Dependencies come from the test run's own environment, nothing is downloaded. A .pth line adds that
    # site-packages after the new one; its own .pth files (the editable install) are not read.
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = run(str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel))
    assert installed.returncode == 0, installed.stderr[-2000:]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWARDBOT_", "PYTHON"))} | {
        "AWARDBOT_CACHE": str(cache_dir), "AWARDBOT_DB": str(tmp_path / "bot.db")}
    awardbot = str(venv / "bin" / "awardbot")
    where = run(str(python), "-c", "import bot; print(bot.__file__)", cwd=tmp_path, env=env)
    assert where.stdout.strip().startswith(str(site)), where.stdout  # the wheel, not the repository
    check = run(awardbot, "check", cwd=tmp_path, env=env)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("ok: ")
    assert str(site / "bot" / "knowledge") in check.stdout
    evaluated = run(awardbot, "eval", cwd=tmp_path, env=env)
    assert evaluated.returncode == 0, evaluated.stderr
    assert "top-1 accuracy (in scope)" in evaluated.stdout, evaluated.stdout[:500]
    # the development set and both held-out halves ship in the wheel
    for section in ("== development set ==", "== held-out tune ==", "== held-out test =="):
        assert section in evaluated.stdout, section
