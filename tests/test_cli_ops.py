"""The operator's commands as real processes on real SQLite files: backup, restore, health, team report."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.dialogue import Dialogue
from bot.store import Store
from tests.conftest import ROOT, run_cli
from tests.fakebotapi import FakeBotAPI
from tests.test_cli_errors import one_clear_line
from tests.tgharness import TOKEN, stop_process, wait_line
from tests.transcript import Chat

# Another process holding the database open and writing to it, as the running bot does, until told to
# stop (a file appears) or 60 s have passed.
WRITER = """
import sys, time
from pathlib import Path
from bot.store import Store
db, stop = Path(sys.argv[1]), Path(sys.argv[2])
store = Store(db)
store.touch_user("tg:busy", "telegram")
deadline, i = time.monotonic() + 60, 0
while not stop.exists() and time.monotonic() < deadline:
    store.log_question("tg:busy", "telegram", "en", f"busy {i}", "answered", None, None, 0.5)
    i += 1
    if i == 20:
        print("writing", flush=True)
    time.sleep(0.002)
store.close()
"""


def count(db: Path, sql: str, params=()):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def test_backup_while_another_process_writes_then_restore_puts_the_data_back(cli_env, tmp_path):
    db, backup = tmp_path / "awardbot.db", tmp_path / "copies" / "backup.db"
    backup.parent.mkdir()
    env = cli_env | {"AWARDBOT_DB": str(db)}
    store = Store(db)
    store.touch_user("tg:keep", "telegram")
    store.log_question("tg:keep", "telegram", "zh", "战略部署怎么写", "answered", None, None, 0.9)
    store.close()
    stop = tmp_path / "stop"
    with subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(stop)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True) as writer:
        try:
            assert writer.stdout.readline().strip() == "writing"
            for _ in range(3):  # each copy is taken while the writer commits every few milliseconds
                out = run_cli("backup", str(backup), env=env)
                assert out.returncode == 0, out.stderr
                assert out.stdout.strip() == f"backup written: {backup.resolve()}"
                assert count(backup, "PRAGMA integrity_check") == "ok"
                assert writer.poll() is None  # still writing while the copy was taken
        finally:
            stop.touch()
            try:
                writer.wait(timeout=30)
            finally:
                if writer.returncode is None:
                    writer.kill()
    assert writer.returncode == 0
    busy_in_backup = count(backup, "SELECT COUNT(*) FROM questions WHERE user_id = 'tg:busy'")
    assert busy_in_backup >= 20
    assert count(db, "SELECT COUNT(*) FROM questions WHERE user_id = 'tg:busy'") >= busy_in_backup

    # after the backup, a user is deleted and another arrives; restore brings back the backed-up state
    store = Store(db)
    store.delete_user("tg:keep")
    store.touch_user("tg:after", "telegram")
    store.close()
    out = run_cli("restore", str(backup), env=env)
    assert out.returncode == 0, out.stderr
    assert str(db) in out.stdout
    assert count(db, "SELECT COUNT(*) FROM users WHERE id = 'tg:keep'") == 1
    assert count(db, "SELECT COUNT(*) FROM questions WHERE user_id = 'tg:keep'") == 1
    assert count(db, "SELECT COUNT(*) FROM users WHERE id = 'tg:after'") == 0
    assert count(db, "SELECT COUNT(*) FROM questions WHERE user_id = 'tg:busy'") == busy_in_backup
    aside = tmp_path / "awardbot.db.before-restore"  # the state just before, kept aside
    assert count(aside, "SELECT COUNT(*) FROM users WHERE id = 'tg:after'") == 1
    assert count(aside, "SELECT COUNT(*) FROM users WHERE id = 'tg:keep'") == 0
    # the restored file is a working database for the bot
    out = run_cli("stats", "--json", env=env)
    assert out.returncode == 0, out.stderr


def test_backup_and_restore_refusals_are_one_line(cli_env, tmp_path):
    db = tmp_path / "awardbot.db"
    env = cli_env | {"AWARDBOT_DB": str(db)}
    one_clear_line(run_cli("backup", str(tmp_path / "b.db"), env=env), f"no database at {db}")
    Store(db).close()
    one_clear_line(run_cli("backup", str(db), env=env), "is the database itself")
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n", "utf-8")
    one_clear_line(run_cli("backup", str(notes), env=env), f"cannot write the backup {notes}")
    assert notes.read_text("utf-8") == "shopping list\n"
    one_clear_line(run_cli("restore", str(notes), env=env), f"{notes} is not an awardbot database")
    one_clear_line(run_cli("restore", str(tmp_path / "missing.db"), env=env), "no backup file at")
    assert not (tmp_path / "awardbot.db.before-restore").exists()


# -- awardbot health ------------------------------------------------------------------------------

async def test_health_is_ok_while_the_bot_runs_and_names_a_broken_knowledge_base(cli_env, kb_copy):
    env = cli_env | {"AWARDBOT_KNOWLEDGE": str(kb_copy)}
    async with FakeBotAPI(tokens={TOKEN}) as fake:
        bot_env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | env | {
            "AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": fake.base_url}
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "telegram", env=bot_env, cwd=ROOT,
                                                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        try:
            await wait_line(proc.stderr, "ready")
            healthy = await asyncio.to_thread(run_cli, "health", env=env)
            assert (healthy.returncode, healthy.stdout.strip()) == (0, "ok"), healthy.stderr
            # an edit breaks the knowledge base: the running bot keeps the old one, health says so
            award = kb_copy / "award.yaml"
            award.write_text(award.read_text("utf-8").replace(
                "    topic: award.process", "    topic: award.nonsense", 1), "utf-8")
            broken = await asyncio.to_thread(run_cli, "health", env=env)
            assert broken.returncode == 1
            line = broken.stdout.strip()
            assert "\n" not in line
            head = rf"knowledge base {re.escape(str(kb_copy))} broken: \d+ problem\(s\), first award.yaml:"
            assert re.match(head, line), line
            assert "unknown topic `award.nonsense`" in line
        finally:
            await stop_process(proc)
    stopped = await asyncio.to_thread(run_cli, "health", env=env)
    assert stopped.returncode == 1
    assert stopped.stdout.strip().startswith(f"no running bot for {cli_env['AWARDBOT_DB']}")


@pytest.mark.parametrize("kind", ["text file", "missing"])
def test_health_names_a_broken_or_missing_database(kind, cli_env, tmp_path):
    db = tmp_path / "awardbot.db"
    if kind == "text file":
        db.write_text("not a database", "utf-8")
    out = run_cli("health", env=cli_env | {"AWARDBOT_DB": str(db)})
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    line = out.stdout.strip()
    assert "\n" not in line
    expected = f"database {db} not readable: file is not a database" if kind == "text file" \
        else f"no database at {db}"
    assert expected in line, line


# -- awardbot team report -----------------------------------------------------------------------------

def make_team(core, name: str, members: dict[str, tuple[str, int]]) -> None:
    """Members join through the real dialogue and answer every quick question with the same option."""
    owner = Chat(Dialogue(core), "tg:1")
    owner.say(f"/team new {name}")
    token = re.search(r"team_([\w-]+)", owner.text).group(1)
    for user, (role, option) in members.items():
        member = Chat(Dialogue(core), user)
        member.say(f"/start team_{token}")
        member.press_data(next(b.data for b in member.buttons()
                               if b.data.startswith("tj:") and b.data.endswith(":" + role)))
        for _ in range(14):
            member.press_data(next(b.data for b in member.buttons()
                                   if b.data.startswith("q:") and b.data.endswith(f":{option}")))


def test_team_report_prints_a_table_with_dashes_for_hidden_groups(core, settings, cli_env):
    make_team(core, "Quality dept", {
        "tg:11": ("leader", 4), "tg:12": ("leader", 5), "tg:13": ("leader", 3),
        "tg:14": ("staff", 1), "tg:15": ("staff", 2), "tg:16": ("staff", 2), "tg:17": ("manager", 3)})
    make_team(core, "Small", {"tg:21": ("staff", 1), "tg:22": ("staff", 2)})
    core.close()
    env = cli_env | {"AWARDBOT_DB": str(settings.db_path)}
    out = run_cli("team", "report", "Quality dept", env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "{" not in out.stdout  # no Python reprs
    assert "None" not in out.stdout
    assert lines[0].startswith("Quality dept (team ")
    assert "7 respondents (leader 3, manager 1, staff 3)" in lines[0]
    assert lines[1].split() == ["category", "mean", "spread", "leader", "manager", "staff", "leader-staff"]
    rows = {line.split()[0]: line.split() for line in lines[2:] if line.startswith("cat.")}
    assert set(rows) == set(core.kb.quiz.categories)
    data = json.loads(run_cli("team", "report", "Quality dept", "--json", env=env).stdout)
    for cat, c in data["categories"].items():
        mean, spread, leader, manager, staff, gap = rows[cat][1:]
        assert float(mean) == c["mean"]
        assert float(spread) == c["spread"]
        assert float(leader) == c["by_role"]["leader"]["mean"]
        assert manager == "—"  # one manager: hidden
        assert float(staff) == c["by_role"]["staff"]["mean"]
        assert gap.startswith("+")
        assert float(gap) == c["gap_leaders_minus_staff"]
    total = next(line for line in lines if line.startswith("total"))
    assert f"{data['total']['mean']:.1f}" in total
    assert any(line.startswith("— hidden:") for line in lines)
    # columns line up: every row of the table has the same width
    table = [line for line in lines[1:] if line.startswith(("category", "cat.", "total"))]
    assert len({len(line) for line in table}) == 1

    small = run_cli("team", "report", "Small", env=env)
    assert small.returncode == 0, small.stderr
    assert "2 respondents" in small.stdout
    assert "needs at least 3 respondents" in small.stdout
    assert "{" not in small.stdout
