"""The Telegram bot under load, beside a python-telegram-bot bot that sends a reply of the same shape.

    python benchmarks/telegram.py [--users 50 200] [--seconds 10] [--repeat 3] [--flood-users 20]

Both bots run as separate processes, long polling the same kind of fake Bot API server on 127.0.0.1
(tests/support/fakebotapi.py). N simulated users run a closed loop: send a question, wait for the bot's
reply, send the next. awardbot answers real questions from the development set (retrieval, SQLite
question log, HTML reply with buttons); "echo-rich" sends a reply of awardbot's size and shape (1.5 KB
of HTML with entities and six buttons) without answering anything, so the ratio between the two is what
answering costs. Both run 16 updates at a time with a pool of 24 connections, the same HTTPX client
settings, and no proactive rate limit (the fake does not throttle). The runs are interleaved (echo-rich,
awardbot, then awardbot, echo-rich, ...) `--repeat` times and the medians are compared.

Then the latency of private users (`--flood-users` of them, closed loop) with and without a group that
mentions the bot 20 times a second, with Telegram's limits on (30 messages/s overall, 20 a minute per
group): the group's backlog must not reach the private users.

Prints per bot and user count: updates/s, reply latency p50/p99, CPU milliseconds per update (the bot
process) and its peak RSS; the machine and versions first. Everything is on loopback and each run stops
by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fakebotapi import FakeBotAPI  # noqa: E402

TOKEN = "424242:BENCH-token"  # noqa: S105 - a fake token for the fake server
ECHO_BOT = """
import os, sys
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

# RICH=1: the same shape of reply as awardbot's answers (about 1.5 KB of HTML with bold and italic
# entities, and six buttons), so that the reply's own cost is told apart from answering.
RICH = os.environ.get("RICH") == "1"
BODY = ("<b>4.2.3 战略部署</b>\\n<i>条款 4.2.3 · 通常引用的分值 50 分</i>\\n\\n"
        + "战略目标怎样变成各部门真正在做的事。" * 40)
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("📖 展开详细", callback_data="m:x:1")],
                                 [InlineKeyboardButton("↪ 4.2 战略", callback_data="e:a:1")],
                                 [InlineKeyboardButton("↪ 4.2.2 战略制定", callback_data="e:b:1")],
                                 [InlineKeyboardButton("↪ 关键绩效指标", callback_data="e:c:1")],
                                 [InlineKeyboardButton("👍 有帮助", callback_data="f:x:1:1"),
                                  InlineKeyboardButton("👎 没帮助", callback_data="f:x:1:0")]])

async def echo(update: Update, context) -> None:
    if RICH:
        await context.bot.send_message(update.effective_chat.id, BODY, parse_mode="HTML", reply_markup=KEYBOARD)
    else:
        await context.bot.send_message(update.effective_chat.id, update.effective_message.text)

app = (ApplicationBuilder().token(os.environ["TOKEN"]).base_url(sys.argv[1]).base_file_url(sys.argv[2])
       .concurrent_updates(16).connection_pool_size(24).build())  # awardbot's pool: 16 + 8
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling(allowed_updates=["message"])
"""


class CountingAPI(FakeBotAPI):
    """The fake server, waking the simulated user whose chat received a message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.waiters: dict[int, asyncio.Future] = {}

    def _record(self, call) -> None:
        if call.method == "sendMessage" and call.ok:
            waiter = self.waiters.pop(int(call.params["chat_id"]), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(time.perf_counter())
        if len(self.calls) < 1000:  # keep memory flat under load; the benchmark reads no call log
            self.calls.append(call)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) // 1024
    return 0


async def measure(command, env: dict, users: int, seconds: float, questions: tuple[list[str], list[str]],
                  flood_per_s: float = 0.0, think: float = 0.0) -> dict:
    async with CountingAPI(tokens={TOKEN}, bot_username="bench_bot", strict_chats=False) as api:
        quiet = asyncio.subprocess.DEVNULL
        proc = await asyncio.create_subprocess_exec(*command(api), env=env, cwd=ROOT, stdout=quiet, stderr=quiet)
        try:
            # warm up: one round trip per user, so that start-up is not measured
            await asyncio.gather(*(round_trip(api, 10_000 + u, "你好") for u in range(users)))
            latencies: list[float] = []
            cpu0, t0 = cpu_seconds(proc.pid), time.perf_counter()
            deadline = t0 + seconds
            rng = random.Random(1)

            async def user(uid: int) -> None:
                # A person keeps to one language: every other user asks in Chinese, the rest in English.
                mine = questions[uid % 2] or questions[0] + questions[1]
                while time.perf_counter() < deadline:
                    latencies.append(await round_trip(api, uid, rng.choice(mine)))
                    if think:
                        await asyncio.sleep(think * rng.uniform(0.5, 1.5))

            async def flood() -> None:  # a busy group mentioning the bot, far beyond 20 replies a minute
                n = 0
                while flood_per_s and time.perf_counter() < deadline:
                    api.group_message(50_000 + n % 500, -900, rng.choice(questions[0]), mention=True)
                    n += 1
                    await asyncio.sleep(1 / flood_per_s)

            await asyncio.gather(flood(), *(user(10_000 + u) for u in range(users)))
            elapsed = time.perf_counter() - t0
            cpu = cpu_seconds(proc.pid) - cpu0
            rss = peak_rss_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()
    latencies.sort()
    n = len(latencies)
    return {"updates_s": n / elapsed, "p50_ms": 1000 * latencies[n // 2], "p99_ms": 1000 * latencies[int(n * 0.99)],
            "cpu_ms": 1000 * cpu / n, "rss_mb": rss, "n": n}


async def round_trip(api: CountingAPI, uid: int, text: str) -> float:
    waiter = asyncio.get_running_loop().create_future()
    api.waiters[uid] = waiter
    start = time.perf_counter()
    api.message(uid, text, language_code="zh-hans")
    done = await asyncio.wait_for(waiter, timeout=60)
    return done - start


def row(name: str, users: int, r: dict, note: str = "") -> str:
    return (f"{name:<10} {users:>5} {r['updates_s']:>10.1f} {r['p50_ms']:>7.1f}ms {r['p99_ms']:>7.1f}ms "
            f"{r['cpu_ms']:>9.2f}ms {r['rss_mb']:>5}MB  {note}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, nargs="*", default=[50, 200])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--flood-users", type=int, default=20, help="private users beside the flooding group (0: skip)")
    args = p.parse_args()
    from importlib.metadata import version  # (`import telegram` here would be this file)

    from bot.answering import evaluation
    from bot.answering.textnorm import language_of

    asked = [it.q for it in evaluation.load_items(ROOT / "tests" / "eval" / "questions.yaml") if it.expect == "answer"]
    questions = ([q for q in asked if language_of(q) == "zh"], [q for q in asked if language_of(q) == "en"])
    tmp = Path(tempfile.mkdtemp(prefix="awardbot-tgbench-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")}
    env_ours = base_env | {"AWARDBOT_TOKEN": TOKEN, "AWARDBOT_DB": str(tmp / "bench.db"),
                           "AWARDBOT_CACHE": str(tmp / "cache"), "AWARDBOT_LOG_LEVEL": "WARNING"}

    def ours(api, rate_limit: str = "0"):
        return [sys.executable, "-m", "bot", "telegram", "--rate-limit", rate_limit, "--concurrency", "16",
                "--api-base-url", api.base_url]

    def echo(api):
        return [sys.executable, "-c", ECHO_BOT, api.base_url, api.base_file_url]

    bots = {"echo-rich": (echo, base_env | {"TOKEN": TOKEN, "RICH": "1"}), "awardbot": (ours, env_ours)}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}, "
          f"python-telegram-bot {version('python-telegram-bot')}, httpx {version('httpx')}")
    print(f"closed loop, {args.seconds:.0f} s per run, {args.repeat} interleaved repetitions; questions: "
          f"{len(asked)} development questions, each user keeping to one language\n")
    print(f"{'bot':<10} {'users':>5} {'updates/s':>10} {'p50':>9} {'p99':>9} {'CPU/update':>11} {'RSS':>7}")
    runs: dict[tuple[str, int], list[dict]] = {}
    for rep in range(args.repeat):
        for users in args.users:
            order = list(bots) if rep % 2 == 0 else list(reversed(bots))
            for name in order:
                cmd, env = bots[name]
                r = asyncio.run(measure(cmd, env, users, args.seconds, questions))
                runs.setdefault((name, users), []).append(r)
                print(row(name, users, r, f"run {rep + 1}"), flush=True)
    print("\nmedians")
    for users in args.users:
        med = {name: statistics.median(r["updates_s"] for r in runs[(name, users)]) for name in bots}
        for name in bots:
            best = sorted(runs[(name, users)], key=lambda r: r["updates_s"])[len(runs[(name, users)]) // 2]
            print(row(name, users, best, "(median run)"))
        print(f"{'÷ echo-rich':<10} {users:>5} {med['awardbot'] / med['echo-rich']:>10.2f}×   (target ≥ 0.85×)")
    if args.flood_users:
        print(f"\nprivate users ({args.flood_users}, about a second between questions, under the 30/s limit) "
              "beside a group mentioning the bot 20 times a second; Telegram's limits on (--rate-limit 30, "
              "20 replies a minute per group)")
        for label, per_s in (("idle", 0.0), ("flood", 20.0)):
            r = asyncio.run(measure(lambda api: ours(api, "30"), env_ours, args.flood_users, args.seconds,
                                    questions, flood_per_s=per_s, think=1.0))
            print(row("awardbot", args.flood_users, r, f"group {label}"), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
