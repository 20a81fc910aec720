"""One bot per database: a second `awardbot telegram` on the same file refuses, naming the running pid; the
first keeps its pid file; `health`, `reload` and `restore` go by the lock, not by a pid file's word.

Real `awardbot telegram` processes against the fake Bot API on 127.0.0.1, on a real SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.cli import process
from bot.store import Store
from tests.conftest import ROOT, run_cli
from tests.fakebotapi import FakeBotAPI
from tests.test_cli_errors import one_clear_line
from tests.tgharness import TOKEN, stop_process, wait_line


async def start_bot(env: dict):
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "telegram", env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


def bot_env(cli_env: dict, fake: FakeBotAPI) -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env | {
        "AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": fake.base_url}


async def test_a_second_bot_on_the_same_database_refuses_and_the_first_stays_visible(cli_env, tmp_path):
    db = Path(cli_env["AWARDBOT_DB"])
    backup = tmp_path / "backup.db"
    async with FakeBotAPI(tokens={TOKEN}) as fake:
        env = bot_env(cli_env, fake)
        first = await start_bot(env)
        try:
            await wait_line(first.stderr, "ready")
            second = await start_bot(env)
            await asyncio.wait_for(second.wait(), 60)
            err = (await second.stderr.read()).decode()
            assert second.returncode == 1, err
            assert "Traceback" not in err
            lines = err.strip().splitlines()
            assert lines[-1] == (f"awardbot: another awardbot (pid {first.pid}) is running on {db}: stop it "
                                 "first, or give this one its own database (--db)"), err
            # the second one left the first's pid file alone: health, reload and restore still see it
            assert process.pid_file(db).read_text().strip() == str(first.pid)
            healthy = await asyncio.to_thread(run_cli, "health", env=cli_env)
            assert (healthy.returncode, healthy.stdout.strip()) == (0, "ok"), healthy.stdout
            store = Store(tmp_path / "other.db")
            store.backup(backup)
            store.close()
            refused = await asyncio.to_thread(run_cli, "restore", str(backup), env=cli_env)
            one_clear_line(refused, f"another awardbot (pid {first.pid}) is running on {db}", "stop it first")
            assert not db.with_name("cli.db.before-restore").exists()
        finally:
            await stop_process(first)
    assert not process.pid_file(db).exists()  # removed by its owner as it stopped
    stopped = await asyncio.to_thread(run_cli, "health", env=cli_env)
    assert stopped.returncode == 1
    assert stopped.stdout.startswith(f"no running bot for {db}")


async def test_a_killed_bot_leaves_a_stale_pid_file_that_fools_nobody(cli_env):
    db = Path(cli_env["AWARDBOT_DB"])
    async with FakeBotAPI(tokens={TOKEN}) as fake:
        env = bot_env(cli_env, fake)
        bot = await start_bot(env)
        try:
            await wait_line(bot.stderr, "ready")
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
            assert process.pid_file(db).read_text().strip() == str(bot.pid)  # stale
            health = await asyncio.to_thread(run_cli, "health", env=cli_env)
            assert health.stdout.startswith(f"no running bot for {db}"), health.stdout
            reload = await asyncio.to_thread(run_cli, "reload", env=cli_env)
            one_clear_line(reload, f"no running bot for {db}")
            again = await start_bot(env)  # the kernel released the lock: a new bot starts
            try:
                await wait_line(again.stderr, "ready")
                start = len(fake.calls)
                fake.message(1001, "你好")  # it answers: polling is up (a SIGTERM before that can race PTB's start)
                await fake.wait_for("sendMessage", start=start, timeout=30)
                assert process.pid_file(db).read_text().strip() == str(again.pid)
                assert process.running_pid(db) == again.pid
            finally:
                await stop_process(again)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
