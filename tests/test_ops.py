"""Operations: admin figures, the unanswered log, exports, backups, reload, crash safety, deploy files."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import signal
import sqlite3
import sys
import threading

import pytest
import yaml

from bot.answering.unanswered import group_unanswered
from bot.cli import process as ops
from bot.config import ENV
from bot.dialogue import Dialogue
from bot.dialogue.core import Core
from bot.reports.csv import pseudonym
from bot.store import Store
from tests.conftest import ROOT, run_cli
from tests.fakebotapi import FakeBotAPI
from tests.tgharness import TOKEN, wait_line
from tests.transcript import Chat


def some_activity(core) -> None:
    alice, bob = Chat(Dialogue(core), "tg:1"), Chat(Dialogue(core), "tg:2")
    for q in ("战略部署怎么写", "明天天气怎么样", "明天天气如何", "今天天气怎么样啊", "how is a results item scored?"):
        alice.say(q)
    alice.say("战略部署怎么写")
    alice.press("👎")
    bob.say("/quiz quick")
    for _ in range(14):
        bob.press_data(next(b.data for b in bob.buttons() if b.data.startswith("q:") and b.data.endswith(":2")))


def test_stats_cli_counts_users_questions_quiz_and_feedback(core, cli_env, settings):
    some_activity(core)
    core.close()
    out = run_cli("stats", "--json", env=cli_env | {"AWARDBOT_DB": str(settings.db_path)})
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["users"]["total"] == 2
    assert s["users"]["active_7d"] == 2
    assert s["questions"]["answered"] >= 3
    assert s["questions"]["declined"] + s["questions"]["unsure"] >= 3
    assert s["quiz"] == {"started": 1, "completed": 1, "in_progress": 0}
    assert {"entry": "cat.strategy.deployment", "up": 0, "down": 1} in s["feedback"]
    assert s["top_topics"][0]["topic"] == "cat.strategy.deployment"


def test_unanswered_questions_are_grouped_with_their_nearest_topics(core, cli_env, settings):
    some_activity(core)
    groups = group_unanswered(core.store.admin.unanswered(), core.knowledge.answerer)
    weather = groups[0]
    assert weather["count"] == 3  # the three weather questions, whatever their wording
    assert all("天气" in e for e in weather["examples"])
    assert len(weather["nearest_topics"]) <= 3
    core.close()
    out = run_cli("unanswered", "--csv", env=cli_env | {"AWARDBOT_DB": str(settings.db_path)})
    rows = list(csv.reader(out.stdout.splitlines()))
    assert rows[0][:3] == ["count", "examples", "nearest_topics"]
    assert rows[1][0] == "3"
    later = run_cli("unanswered", "--since", "2999-01-01", env=cli_env | {"AWARDBOT_DB": str(settings.db_path)})
    assert "None." in later.stdout


def test_export_writes_excel_ready_csv_with_bom(core, cli_env, settings, tmp_path):
    some_activity(core)
    core.close()
    out = run_cli("export", "--csv", str(tmp_path / "out"), env=cli_env | {"AWARDBOT_DB": str(settings.db_path)})
    assert out.returncode == 0, out.stderr
    results = (tmp_path / "out" / "quiz_results.csv").read_bytes()
    scores = (tmp_path / "out" / "category_scores.csv").read_bytes()
    assert results.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens the Chinese correctly
    rows = list(csv.DictReader(scores.decode("utf-8-sig").splitlines()))
    assert len(rows) == 7
    assert {r["名称"] for r in rows} >= {"领导", "结果"}
    assert rows[0]["respondent"] == pseudonym("tg:2")  # a code, not the Telegram id


def test_backup_while_writing_is_consistent_and_restore_puts_it_back(settings, tmp_path):
    store = Store(settings.db_path)
    store.touch_user("tg:9", "telegram")
    stop = threading.Event()

    def writer():
        other = Store(settings.db_path)
        i = 0
        while not stop.is_set():
            other.log_question("tg:9", "telegram", "zh", f"q{i}", "answered", None, None, 0.5)
            i += 1
        other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(3):
            store.backup(tmp_path / "backup.db")
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(tmp_path / "backup.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        backed_up = conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
    assert backed_up > 0
    store.close()

    (tmp_path / "junk.db").write_bytes(b"not a database")
    with pytest.raises(ops.OpsError, match="not an awardbot database"):
        ops.restore(tmp_path / "junk.db", settings.db_path)
    with ops.instance(settings.db_path), pytest.raises(ops.OpsError, match="stop it first"):
        ops.restore(tmp_path / "backup.db", settings.db_path)  # "the bot is running": this process holds the lock
    ops.restore(tmp_path / "backup.db", settings.db_path)
    restored = Store(settings.db_path)
    assert restored.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == backed_up
    restored.close()


def test_reload_in_chat_is_for_admins_and_refuses_broken_knowledge(settings, knowledge, kb_copy):
    core = Core(settings.with_(knowledge_dir=kb_copy), knowledge, None)
    visitor = Chat(Dialogue(core), "tg:7")
    visitor.say("/reload")
    assert visitor.kinds() == ["admin_only"]
    operator = Chat(Dialogue(core), "tg:4242")  # in AWARDBOT_ADMINS for these tests
    (kb_copy / "award.yaml").write_text((kb_copy / "award.yaml").read_text("utf-8").replace(
        "    topic: award.process", "    topic: award.nonsense", 1), "utf-8")
    operator.say("/reload")
    assert operator.kinds() == ["reload_refused"]
    assert "award.yaml:award.process: topic: unknown topic `award.nonsense`" in operator.text
    assert core.knowledge is knowledge  # still serving the old one
    (kb_copy / "award.yaml").write_text((kb_copy / "award.yaml").read_text("utf-8").replace(
        "award.nonsense", "award.process"), "utf-8")
    operator.say("/reload")
    assert operator.kinds() == ["reload_done"]
    assert core.knowledge is not knowledge
    operator.say("/stats")
    assert operator.kinds() == ["stats"]
    core.close()


def test_deploy_files_name_only_settings_the_program_reads():
    deploy = ROOT / "deploy"
    example = (deploy / ".env.example").read_text("utf-8")
    assert set(re.findall(r"^(?:# )?(AWARDBOT_\w+)=", example, re.M)) == set(ENV)  # commented: set elsewhere
    for name in ("compose.yaml", "awardbot.service", "Dockerfile"):
        used = set(re.findall(r"AWARDBOT_[A-Z_]+", (deploy / name).read_text("utf-8")))
        assert used <= set(ENV), (name, used - set(ENV))
    dockerfile = (deploy / "Dockerfile").read_text("utf-8")
    assert re.search(r"^USER awardbot", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile
    assert 'VOLUME ["/data"]' in dockerfile
    unit = (deploy / "awardbot.service").read_text("utf-8")
    for line in ("User=awardbot", "ProtectSystem=strict", "NoNewPrivileges=true", "Restart=on-failure",
                 "ExecReload=/bin/kill -HUP $MAINPID"):
        assert line in unit
    assert "token" not in example.lower().split("awardbot_token=")[1].split("\n")[0]  # no token committed




async def test_reload_signal_swaps_knowledge_in_a_running_bot_and_kill9_loses_no_answer(cli_env, kb_copy, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env | {
        "AWARDBOT_TOKEN": TOKEN, "AWARDBOT_KNOWLEDGE": str(kb_copy)}
    async with FakeBotAPI(tokens={TOKEN}) as fake:
        env["AWARDBOT_API_BASE_URL"] = fake.base_url
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "telegram", env=env, cwd=ROOT,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await wait_line(proc.stderr, "ready", 60)
            # a broken edit: `awardbot reload` refuses it, the bot keeps answering with the old knowledge
            bot_yaml = kb_copy / "bot.yaml"
            good = bot_yaml.read_text("utf-8")
            bot_yaml.write_text(good + "\n  - id: [broken\n", "utf-8")
            refused = await asyncio.to_thread(run_cli, "reload", env=cli_env | {"AWARDBOT_KNOWLEDGE": str(kb_copy)})
            assert refused.returncode == 1
            assert "bot.yaml:-: yaml: syntax error" in refused.stdout
            # a good edit: a new alternate question, picked up without a restart
            bot_yaml.write_text(good.replace("    questions:\n      zh:\n", "    questions:\n      zh:\n"
                                             "        - 葡萄柚紫罗兰测试问题\n", 1), "utf-8")
            done = await asyncio.to_thread(run_cli, "reload", env=cli_env | {"AWARDBOT_KNOWLEDGE": str(kb_copy)})
            assert done.returncode == 0, done.stderr
            await wait_line(proc.stderr, "knowledge reloaded", 60)
            start = len(fake.calls)
            fake.message(1001, "葡萄柚紫罗兰测试问题")
            sent = await fake.wait_for("sendMessage", start=start, timeout=20)
            owner = yaml.safe_load(good)["entries"][0]  # the entry that got the new question
            assert sent.result["text"].startswith(owner["title"]["zh"])
            # three quiz answers acknowledged on screen, then kill -9
            start = len(fake.calls)
            fake.message(1001, "/quiz quick")
            await fake.wait_for("sendMessage", start=start, timeout=20)
            for _ in range(3):
                msg = fake.sent_to(1001)[-1]
                start = len(fake.calls)
                fake.callback(1001, msg.callback_data[1], message_id=msg.message_id)
                await fake.wait_for(lambda c: c.method == "editMessageText" and c.ok, start=start, timeout=20)
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    with sqlite3.connect(cli_env["AWARDBOT_DB"]) as conn:
        answers = conn.execute("SELECT COUNT(*) FROM quiz_answers").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert answers == 3


def test_the_docker_image_copies_everything_the_package_build_needs():
    """`pip install .` inside the image sees only what the Dockerfile copies; the wheel's force-include
    (knowledge/, the eval set) fails the build if a source is missing."""
    import tomllib

    build = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {"pyproject.toml", "README.md", *build["packages"], *build["force-include"]}
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text("utf-8")
    copied = {src for line in re.findall(r"^COPY (.+)$", dockerfile, re.M) for src in line.split()[:-1]}
    assert needed <= copied, needed - copied
