"""What the bot says about its database is true: a damaged file is noticed (health, backup, start-up), the
running bot's last database error reaches `health`, and another program's SQLite file is never written to.

Real `awardbot` processes on real SQLite files; the damage is done the way a disk does it, to the bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.store import Store
from tests.conftest import ROOT, run_cli
from tests.fakebotapi import FakeBotAPI
from tests.test_cli_errors import one_clear_line
from tests.tgharness import TOKEN, stop_process, wait_line


def filled_db(path: Path, rows: int = 3000) -> Path:
    store = Store(path)
    store.touch_user("tg:1", "telegram")
    for i in range(rows):
        store.log_question("tg:1", "telegram", "en", f"question number {i} " + "x" * 200, "answered", None, None, 0.5)
    store.close()  # the last close checkpoints the write-ahead log into the file
    assert not Path(str(path) + "-wal").exists()
    return path


def overwrite_middle_page(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        page, count = conn.execute("PRAGMA page_size").fetchone()[0], conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with path.open("r+b") as f:
        f.seek(page * (count // 2))
        f.write(os.urandom(page))
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):  # the damage is real
        conn.execute("PRAGMA quick_check").fetchall()
    conn.close()


def damage_an_index(path: Path) -> None:
    """Damage only integrity_check sees (quick_check skips index contents): the index on questions(user_id)
    is declared on another column, so its entries no longer match the rows."""
    conn = sqlite3.connect(path)
    name = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'questions' "
                        "AND sql LIKE '%user_id%'").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", [f"CREATE INDEX {name} ON questions (ts)", name])
    conn.commit()
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- corruption -------------------------------------------------------------------------------------

def test_a_damaged_page_is_named_by_health_and_refused_by_every_command(cli_env, tmp_path):
    db = filled_db(tmp_path / "awardbot.db")
    overwrite_middle_page(db)
    env = cli_env | {"AWARDBOT_DB": str(db)}
    health = run_cli("health", env=env)
    assert health.returncode == 1
    assert "Traceback" not in health.stderr
    assert f"database {db} is damaged (quick_check: " in health.stdout, health.stdout
    assert "awardbot restore FILE" in health.stdout
    assert "\n" not in health.stdout.strip()
    before = digest(db)
    for argv in (["stats"], ["backup", str(tmp_path / "b.db")], ["export", "--csv", str(tmp_path / "out")]):
        one_clear_line(run_cli(*argv, env=env), f"cannot open the database {db}: it is damaged (quick_check: ",
                       "awardbot restore FILE")
    assert not (tmp_path / "b.db").exists()
    # the bot itself refuses to start on it, before any network call (the API address is not listening)
    bot = run_cli("telegram", env=env | {"AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": "http://127.0.0.1:9/bot"})
    one_clear_line(bot, f"cannot open the database {db}: it is damaged", "awardbot restore FILE")
    assert digest(db) == before  # nothing wrote to it


def test_backup_verifies_its_copy_and_keeps_the_earlier_backup(cli_env, tmp_path):
    db = filled_db(tmp_path / "awardbot.db", rows=200)
    env = cli_env | {"AWARDBOT_DB": str(db)}
    target = tmp_path / "backup.db"
    ok = run_cli("backup", str(target), env=env)
    assert ok.returncode == 0, ok.stderr
    assert (target.stat().st_mode & 0o777) == 0o600  # a backup holds every user's questions
    good = digest(target)
    damage_an_index(db)
    bad = run_cli("backup", str(target), env=env)
    line = one_clear_line(bad, "backup NOT written: the copy failed its integrity check", f"{target} is unchanged",
                          "awardbot restore FILE", code=1)
    assert "missing from index" in line
    assert digest(target) == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == ["backup.db"]  # no .partial


# The running bot's database is locked by another process for longer than its busy timeout: the bot logs
# the error, and `health` reports it.
HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


async def test_health_reports_the_running_bots_last_database_error(cli_env, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env | {"AWARDBOT_TOKEN": TOKEN}
    async with FakeBotAPI(tokens={TOKEN}) as fake:
        env["AWARDBOT_API_BASE_URL"] = fake.base_url
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "telegram", env=env, cwd=ROOT,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        try:
            await wait_line(bot.stderr, "ready")
            healthy = await asyncio.to_thread(run_cli, "health", env=cli_env)
            assert healthy.stdout.strip() == "ok"
            holder = await asyncio.create_subprocess_exec(
                sys.executable, "-c", HOLD_LOCK, cli_env["AWARDBOT_DB"], stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE)
            try:
                await wait_line(holder.stdout, "locked")
                fake.message(5001, "你好")  # a new user: the bot must write, and waits out its busy timeout
                await wait_line(bot.stderr, "database is locked", 60)
            finally:
                await holder.communicate(b"\n")
            health = await asyncio.to_thread(run_cli, "health", env=cli_env)
            assert health.returncode == 1
            assert "the running bot's last database error: " in health.stdout
            assert "OperationalError: database is locked" in health.stdout
        finally:
            await stop_process(bot)


# -- another program's SQLite file ------------------------------------------------------------------

def foreign_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (login TEXT PRIMARY KEY, password_hash TEXT)")
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO users VALUES ('ann', 'x')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("argv", [["stats"], ["chat"], ["ask", "--record", "hi"], ["backup", "{tmp}/b.db"],
                                  ["telegram"]], ids=lambda a: a[0])
def test_another_programs_sqlite_file_is_refused_before_anything_is_written(argv, cli_env, tmp_path):
    db = foreign_db(tmp_path / "shop.db")
    before = digest(db)
    env = cli_env | {"AWARDBOT_DB": str(db), "AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": "http://127.0.0.1:9/bot"}
    out = run_cli(*(a.format(tmp=tmp_path) for a in argv), env=env, input="")
    one_clear_line(out, f"cannot open the database {db}: it is another program's SQLite database "
                        "(tables orders, users); awardbot leaves it untouched")
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]  # no -wal, -shm, lock or pid file
    health = run_cli("health", env=env)
    assert f"database {db} is not awardbot's: it is another program's SQLite database" in health.stdout
    restore = run_cli("restore", str(db), env=cli_env)
    one_clear_line(restore, f"{db} is not an awardbot database: it is another program's SQLite database")
