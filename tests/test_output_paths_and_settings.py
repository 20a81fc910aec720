"""One rule for files the user names for output (backup, report, export): the directory must exist, and a
missing one is refused in one line, never created. Settings that cannot be right are refused the same way:
a knowledge directory that is not there, `-k` below 1, a log switch that is neither 0 nor 1.

Real `awardbot` processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store
from tests.conftest import run_cli
from tests.test_cli_errors import one_clear_line


@pytest.mark.parametrize(("argv", "what"), [
    (["backup", "{missing}/b.db"], "the backup"),
    (["report", "--answers", "{{}}", "--pdf", "{missing}/r.pdf"], "the report"),
    (["export", "--csv", "{missing}/out"], "the CSV files into"),
], ids=["backup", "report", "export"])
def test_a_missing_output_directory_is_refused_the_same_way_by_every_command(argv, what, cli_env, tmp_path):
    Store(Path(cli_env["AWARDBOT_DB"])).close()
    missing = tmp_path / "missing" / "dir"
    args = [a.format(missing=missing) for a in argv]
    target = Path(args[-1])
    one_clear_line(run_cli(*args, env=cli_env), f"cannot write {what} {target}: no directory {missing} "
                                                "(create it first)")
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("value", ["/nonexistent", "{tmp}/a-file"])
def test_a_knowledge_directory_that_is_not_there_is_a_bad_setting(value, cli_env, tmp_path):
    (tmp_path / "a-file").write_text("x", "utf-8")
    path = value.format(tmp=tmp_path)
    for argv in (["check"], ["ask", "hi"], ["stats"]):
        one_clear_line(run_cli(*argv, env=cli_env | {"AWARDBOT_KNOWLEDGE": path}),
                       f"awardbot: AWARDBOT_KNOWLEDGE: no knowledge directory at {path}")
    one_clear_line(run_cli("check", "--knowledge", path, env=cli_env),
                   f"awardbot: --knowledge: no knowledge directory at {path}")


@pytest.mark.parametrize("k", ["0", "-3", "51"])
def test_k_outside_1_to_50_is_refused(k, cli_env):
    one_clear_line(run_cli("ask", "-k", k, "战略部署怎么写", env=cli_env),
                   f"awardbot: -k: expected a whole number from 1 to 50, got {k}")


def test_k_within_range_is_accepted(cli_env):
    out = run_cli("ask", "-k", "1", "--json", "战略部署怎么写", env=cli_env)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("value", ["yes", "true", "on", "2", "TRUE"])
def test_log_text_accepts_only_0_or_1(value, cli_env):
    one_clear_line(run_cli("check", env=cli_env | {"AWARDBOT_LOG_TEXT": value}),
                   f"awardbot: AWARDBOT_LOG_TEXT: expected 1 (on) or 0 (off), got `{value}`")


@pytest.mark.parametrize("value", ["0", "1", ""])
def test_log_text_0_1_or_empty_is_accepted(value, cli_env):
    out = run_cli("check", env=cli_env | {"AWARDBOT_LOG_TEXT": value})
    assert out.returncode == 0, out.stderr
