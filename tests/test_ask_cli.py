"""`awardbot ask`: the JSON shape and the batch protocol that other parts and evaluations rely on."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from tests.conftest import ROOT, run_cli

KEYS = {"question", "lang", "status", "answered", "answer", "results"}


def test_one_question_as_json(cli_env):
    out = run_cli("ask", "战略部署怎么写", "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) >= KEYS
    assert obj["status"] == "answered"
    assert obj["answered"] is True
    assert obj["lang"] == "zh"
    assert obj["results"][0]["entry"] == "cat.strategy.deployment"
    assert obj["results"][0]["topic"] == "cat.strategy.deployment"
    assert set(obj["results"][0]) >= {"entry", "topic", "score", "title"}
    assert obj["answer"].startswith("4.2.3")
    scores = [r["score"] for r in obj["results"]]
    assert scores == sorted(scores, reverse=True)


def test_lang_flag_and_k(cli_env):
    obj = json.loads(run_cli("ask", "战略部署怎么写", "--lang", "en", "-k", "7", "--json", env=cli_env).stdout)
    assert obj["lang"] == "en"
    assert obj["results"][0]["title"].startswith("4.2.3 Strategy")
    assert len(obj["results"]) == 7


def test_batch_mode_keeps_every_character_but_newline_and_never_crashes(cli_env):
    lines = [
        "how is a results item scored?",
        "",
        "   ",
        "战略\u2028部署",  # U+2028 is part of the text, not a line break
        "leadership\u0085category",  # so is U+0085
        "form\x0cfeed and\rcarriage",
        "\x00\x01 control",
        "q" * 5000,
        "你好",
        "明天天气怎么样",
    ]
    data = "\n".join(lines).encode("utf-8") + b"\n"
    out = run_cli("ask", "--json", input=data, env=cli_env)
    assert out.returncode == 0, out.stderr
    objs = [json.loads(line) for line in out.stdout.decode("utf-8").split("\n") if line]
    assert [o["question"] for o in objs] == lines
    for o in objs:
        assert set(o) >= KEYS
        assert o["answered"] == (o["status"] == "answered")
    assert objs[1]["status"] == "declined"
    assert objs[1]["results"] == []
    assert objs[2]["status"] == "declined"
    assert objs[7]["status"] == "declined"  # a pasted document, not a question
    assert objs[8]["status"] == "smalltalk"
    assert objs[8]["answer"]
    assert objs[9]["status"] in ("declined", "unsure")
    assert objs[0]["status"] == "answered"
    assert len(objs[0]["results"]) >= 3  # at least three candidates whenever there is any overlap
    assert len(objs[9]["results"]) >= 3 or objs[9]["results"] == []


def test_batch_mode_answers_line_by_line_before_stdin_closes(cli_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, cwd=ROOT)
    try:
        for q in ("战略部署怎么写", "what is the mayor quality award"):
            proc.stdin.write(q.encode() + b"\n")
            proc.stdin.flush()
            line = proc.stdout.readline()  # arrives while stdin is still open: flushed per line
            assert json.loads(line)["question"] == q
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == 0


def test_ask_records_nothing_unless_asked_to(cli_env, tmp_path):
    db = tmp_path / "cli.db"
    run_cli("ask", "战略部署怎么写", "--json", env=cli_env)
    assert not db.exists()
    recorded = run_cli("ask", "战略部署怎么写", "--json", "--record", env=cli_env)
    assert recorded.returncode == 0, recorded.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT text, status, entry, channel FROM questions").fetchall()
    assert rows == [("战略部署怎么写", "answered", "cat.strategy.deployment", "cli")]


def test_ask_without_question_or_json_is_a_clear_error(cli_env):
    out = run_cli("ask", env=cli_env)
    assert out.returncode == 2
    assert "give a QUESTION" in out.stderr


def test_version_and_help(cli_env):
    assert run_cli("--version", env=cli_env).stdout.startswith("awardbot ")
    helptext = run_cli("--help", env=cli_env).stdout
    for command in ("chat", "ask", "check", "eval", "quiz", "telegram"):
        assert command in helptext


def test_a_broken_knowledge_base_stops_the_cli_with_the_problem_lines(cli_env, kb_copy):
    (kb_copy / "award.yaml").write_text("entries: [", "utf-8")
    out = run_cli("ask", "hi", "--knowledge", str(kb_copy), env=cli_env)
    assert out.returncode == 1
    assert "award.yaml:-: yaml: syntax error" in out.stderr
    assert "Traceback" not in out.stderr
