"""Bytes that are not UTF-8 (GBK text from an old terminal, noise) at the edges: `chat` on standard input and
`ask` on the command line. They are decoded with replacement at the edge, the user reads one line saying
so, the question is answered and logged whole, and no traceback appears.

Real `awardbot` processes; the question log is read from the real SQLite file afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from bot.channels.decode import NOTE
from tests.conftest import ROOT

GBK = "战略部署怎么写".encode("gbk")
NOISE = bytes([0xFF, 0xFE, 0x80, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x41])


def run(argv: list[bytes | str], env: dict, stdin: bytes = b"") -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | env | {"LC_ALL": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "bot", *argv], input=stdin, capture_output=True, env=full, cwd=ROOT,
                          timeout=120, check=False)


def logged(db: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = [r[0] for r in conn.execute("SELECT text FROM questions ORDER BY id")]
    conn.close()
    return rows


def test_chat_reads_gbk_and_noise_as_text_with_one_note_each(cli_env):
    stdin = GBK + b"\n" + NOISE + b"\n" + "战略部署怎么写\n".encode() + b"/quit\n"
    out = run([b"chat"], cli_env, stdin)
    stdout, stderr = out.stdout.decode("utf-8"), out.stderr.decode("utf-8")
    assert out.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stderr == ""
    assert stdout.count(NOTE) == 2  # one line for each unreadable input, none for the good one
    questions = logged(cli_env["AWARDBOT_DB"])
    assert len(questions) == 3  # all three answered and logged, none lost half-way
    assert "\ufffd" in questions[0]
    assert "\ufffd" in questions[1]
    assert questions[1].endswith("A")  # the readable byte survives
    assert questions[2] == "战略部署怎么写"


def test_ask_with_random_bytes_as_arguments_answers_and_records_them(cli_env):
    out = run([b"ask", b"--record", GBK, NOISE], cli_env)
    stderr = out.stderr.decode("utf-8")
    assert out.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines() == [f"awardbot: {NOTE}"]
    assert out.stdout.decode("utf-8").strip()  # an answer (or a polite decline) was printed
    [question] = logged(cli_env["AWARDBOT_DB"])
    assert "\ufffd" in question
    assert question.encode("utf-8")  # valid UTF-8, whole


def test_chat_with_a_user_name_in_bytes_that_are_not_utf8(cli_env):
    out = run([b"chat", b"--user", NOISE], cli_env, "你好\n".encode())
    assert out.returncode == 0, out.stderr.decode()
    assert b"Traceback" not in out.stderr
