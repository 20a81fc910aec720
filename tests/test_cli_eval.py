"""`awardbot eval`: an unusable question set is one line; the default set is found installed or in a checkout."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from bot.answering import evaluation
from tests.conftest import ROOT, run_cli
from tests.test_cli_errors import one_clear_line

QUESTIONS = ROOT / "tests" / "eval" / "questions.yaml"


@pytest.mark.parametrize(("content", "reason"), [
    ("- q: 战略部署怎么写\n  topics: [cat.strategy.deployment]\n",
     "expected a mapping with a `questions` list, found a list"),
    ("questions: [\n", "yaml: syntax error at line 2"),
    ("", "found an empty file"),
    ("questions: {q: hi}\n", "expected a mapping with a `questions` list"),
    ("questions: []\n", "the `questions` list is empty"),
    ("questions:\n  - q: 战略部署怎么写\n    topics: cat.strategy.deployment\n", "`topics` must be a list"),
    ("questions:\n  - hello\n", "question #1 needs a `q` text"),
], ids=["top-level-list", "malformed", "empty", "questions-not-a-list", "no-questions", "topics-not-a-list",
        "question-not-a-mapping"])
def test_an_unusable_question_set_is_one_line(content, reason, cli_env, tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text(content, "utf-8")
    out = run_cli("eval", str(path), env=cli_env)
    one_clear_line(out, f"awardbot: the question set {path} is not usable: ", reason)


def test_a_missing_question_set_is_one_line(cli_env, tmp_path):
    out = run_cli("eval", str(tmp_path / "nope.yaml"), env=cli_env)
    one_clear_line(out, f"cannot read the question set {tmp_path / 'nope.yaml'}: no such file or directory")
    out = run_cli("eval", str(tmp_path), env=cli_env)
    one_clear_line(out, f"cannot read the question set {tmp_path}: it is a directory")


def test_a_small_good_set_runs(cli_env, tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text("questions:\n  - q: 战略部署应该怎么写才好\n    topics: [cat.strategy.deployment]\n"
                    "  - q: 明天天气怎么样\n    expect: decline\n", "utf-8")
    out = run_cli("eval", str(path), "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    assert '"questions": 2' in out.stdout


def test_the_default_set_in_a_checkout_is_the_repository_file():
    assert evaluation.default_questions_file() == QUESTIONS
    assert QUESTIONS.is_file()


def test_the_default_set_when_installed_is_the_copy_the_wheel_ships(tmp_path):
    """Lay out the package as the wheel does (pyproject's force-include) and resolve from there:
    a non-editable install has no tests/ directory beside the package."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["hatch"]["build"]
    force = build["targets"]["wheel"]["force-include"]
    shipped_as = force["tests/eval/questions.yaml"]
    package = tmp_path / "site-packages" / "bot"
    (package / shipped_as.removeprefix("bot/")).parent.mkdir(parents=True)
    shutil.copy(QUESTIONS, tmp_path / "site-packages" / shipped_as)
    resolved = evaluation.default_questions_file(package)
    assert resolved == package / "eval" / "questions.yaml"
    assert len(evaluation.load_items(resolved)) == len(evaluation.load_items(QUESTIONS))
    # and without the shipped copy, the repository layout is the fallback
    bare = tmp_path / "checkout" / "bot"
    bare.mkdir(parents=True)
    assert evaluation.default_questions_file(bare) == tmp_path / "checkout" / "tests" / "eval" / "questions.yaml"
