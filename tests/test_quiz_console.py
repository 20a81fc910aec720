"""`awardbot quiz` in a terminal: a real process, answers typed on standard input, a chart on disk."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_interactive_quick_quiz_ends_with_a_result_and_the_chart_path(cli_env):
    out = run_cli("quiz", "--mode", "quick", input="1\n" * 14, env=cli_env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "第 14/14 题" in out.stdout  # every question was shown and answered with its button [1] (A)
    result = out.stdout.split("测评完成")[-1]
    assert "估计总分：0 / 1000" in result  # fourteen A answers: the lowest band everywhere
    assert "不是评审员的评分" in result
    charts = [line.split("📎 ", 1)[1].strip() for line in out.stdout.splitlines() if line.startswith("📎 ")]
    assert len(charts) == 1, out.stdout[-800:]
    path = Path(charts[0])
    assert path.is_absolute()
    assert path.name.startswith("awardbot-quiz-")
    assert path.suffix == ".png"
    assert path.parent == (Path(cli_env["AWARDBOT_DB"]).parent / "files" / "console%3Alocal").resolve()  # beside the db
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert out.stdout.rstrip().endswith(charts[0])  # the process stops once the chart is written
