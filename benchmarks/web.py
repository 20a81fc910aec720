"""The web chat under load, beside a hello-world aiohttp handler measured in the same run.

    python benchmarks/web.py [--clients 1 50 200] [--seconds 8] [--sessions 1000]

A server process (this script with --serve) runs the real web channel (`build_app` over the packaged
knowledge, a fresh SQLite file, the rate limit off) and, on a second port, a hello-world aiohttp app
whose POST handler parses the same JSON and returns a small JSON reply. Both listen on 127.0.0.1 only.
The load runs in this process: N clients in a closed loop (each with its own cookie and CSRF token, one
request in flight each) POST questions from the development set to /api/messages; the same N clients
POST to the hello handler. Prints requests/s and latency p50/p99 per client count.

Then 1,000 browsers take the quick quiz interleaved (50 requests in flight, browsers in random order at
every step, each answering a pattern of its own) and the stored answers of every browser are compared
with what it sent: any difference is a crossed state. Everything stops by itself (time-boxed phases,
a hard deadline) and the server is stopped with SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
DEADLINE = 900  # seconds: the whole run stops by then, whatever happens


# -- the server process ------------------------------------------------------------------------------

def serve(workdir: Path) -> None:
    from aiohttp import web

    from bot import app, config
    from bot.channels.web.server import WebOptions, build_app

    settings = config.Settings(knowledge_dir=config.default_knowledge_dir(), db_path=workdir / "bench.db",
                               cache_dir=workdir / "cache")
    core = app.build(settings)
    chat = build_app(core, WebOptions(key=os.urandom(32), rate_per_minute=0))
    # The same channel over SQLite in memory: what the web layer and the core cost without the disk's fsync
    # (the real store commits every logged question with synchronous=FULL).
    memory = app.build(settings.with_(db_path=Path(":memory:")))
    chat_memory = build_app(memory, WebOptions(key=os.urandom(32), rate_per_minute=0, files_dir=workdir / "mem-web"))

    async def hello(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"replies": [{"text": "hello " + str(body.get("text", ""))[:20]}]})

    hello_app = web.Application()
    hello_app.router.add_post("/api/messages", hello)

    async def main() -> None:
        runners = []
        ports = []
        for application in (chat, hello_app, chat_memory):
            runner = web.AppRunner(application, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            runners.append(runner)
            ports.append(site._server.sockets[0].getsockname()[1])
        (workdir / "ports").write_text(json.dumps(ports))
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await asyncio.wait_for(stop.wait(), DEADLINE)
        for runner in runners:
            await runner.cleanup()

    asyncio.run(main())


# -- the load ----------------------------------------------------------------------------------------

class Browser:
    def __init__(self, session, base: str):
        self.session, self.base, self.csrf = session, base, ""

    async def open(self) -> None:
        async with self.session.get(self.base + "/") as response:
            found = CSRF.search(await response.text())
            self.csrf = found.group(1) if found else ""

    async def post(self, path: str, body: dict) -> dict:
        async with self.session.post(self.base + path, json=body, headers={"X-CSRF-Token": self.csrf}) as response:
            data = await response.json(content_type=None)
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status} {data}")
            return data


def session(connector):
    import aiohttp

    # unsafe=True: keep cookies for an IP address (127.0.0.1), as a browser does
    return aiohttp.ClientSession(connector=connector, connector_owner=False, cookie_jar=aiohttp.CookieJar(unsafe=True))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


async def closed_loop(base: str, clients: int, seconds: float, questions: list[str], page: bool) -> dict:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0)
    latencies: list[float] = []
    async with contextlib.AsyncExitStack() as stack:
        sessions = [await stack.enter_async_context(session(connector))
                    for _ in range(clients)]
        browsers = [Browser(s, base) for s in sessions]
        if page:
            await asyncio.gather(*(b.open() for b in browsers))
        warm = time.perf_counter() + min(1.0, seconds / 4)  # not counted: first queries, first users
        end = warm + seconds

        async def client(b: Browser, i: int) -> None:
            n = i
            while time.perf_counter() < end:
                start = time.perf_counter()
                await b.post("/api/messages", {"text": questions[n % len(questions)]})
                if start >= warm:
                    latencies.append(time.perf_counter() - start)
                n += clients

        await asyncio.gather(*(client(b, i) for i, b in enumerate(browsers)))
        elapsed = time.perf_counter() - warm
    await connector.close()
    return {"rps": len(latencies) / elapsed, "p50": percentile(latencies, 50) * 1000,
            "p99": percentile(latencies, 99) * 1000, "n": len(latencies)}


async def interleaved_quizzes(base: str, sessions: int, in_flight: int) -> dict:
    """Every browser answers the quick quiz's first 13 questions with its own pattern, all interleaved."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=in_flight)
    gate = asyncio.Semaphore(in_flight)
    rng = random.Random(7)
    async with contextlib.AsyncExitStack() as stack:
        browsers = [Browser(await stack.enter_async_context(
            session(connector)), base) for _ in range(sessions)]

        async def limited(coro):
            async with gate:
                return await coro

        await asyncio.gather(*(limited(b.open()) for b in browsers))
        starts = await asyncio.gather(*(limited(b.post("/api/messages", {"text": "/quiz quick"})) for b in browsers))
        screens = [s["replies"][-1] for s in starts]
        sent: list[list[int]] = [[] for _ in browsers]
        began = time.perf_counter()
        for step in range(13):
            order = list(range(sessions))
            rng.shuffle(order)

            async def press(i: int, step: int = step) -> None:
                option = (i * 7 + step * 3) % 6  # a pattern of this browser's own
                data = next(b["data"] for row in screens[i]["buttons"] for b in row if b["label"] == "ABCDEF"[option])
                reply = (await browsers[i].post("/api/buttons", {"data": data}))["replies"][-1]
                screens[i] = reply
                sent[i].append(option)

            await asyncio.gather(*(limited(press(i)) for i in order))
        elapsed = time.perf_counter() - began
        cookies = [next(c.value for c in b.session.cookie_jar) for b in browsers]
    await connector.close()
    return {"sent": sent, "cookies": cookies, "presses": sessions * 13, "seconds": elapsed}


def crossed_states(db: Path, key_cookies: list[str], sent: list[list[int]]) -> tuple[int, int]:
    """Compare each browser's stored answers (by position in its own quiz) with what it pressed."""
    import base64

    crossed = checked = 0
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for cookie, options in zip(key_cookies, sent, strict=True):
            uid = base64.urlsafe_b64decode(cookie.split(".")[0] + "==").decode().split("|")[1]
            rows = conn.execute("SELECT id, question_ids FROM quiz_sessions WHERE user_id = ?",
                                [f"web:{uid}"]).fetchall()
            if len(rows) != 1:
                crossed += 1
                continue
            sid, ids = rows[0][0], json.loads(rows[0][1])
            stored = dict(conn.execute("SELECT question_id, option FROM quiz_answers WHERE session_id = ?", [sid]))
            expected = {ids[i]: option for i, option in enumerate(options)}
            checked += 1
            crossed += stored != expected
    return crossed, checked


async def run(args) -> None:
    import aiohttp

    from bot.answering.evaluation import default_questions_file, load_items

    questions = [item["q"] if isinstance(item, dict) else item.q for item in load_items(default_questions_file())]
    with tempfile.TemporaryDirectory(prefix="awardbot-bench-web-") as tmp:
        workdir = Path(tmp)
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(workdir)], cwd=ROOT)  # noqa: ASYNC220
        try:
            for _ in range(600):
                if (workdir / "ports").exists():
                    break
                await asyncio.sleep(0.1)
            web_port, hello_port, memory_port = json.loads((workdir / "ports").read_text())
            print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
            print(f"python {platform.python_version()}, aiohttp {aiohttp.__version__}; server: one process, "
                  f"client: this process; loopback only; {args.seconds:g} s per measurement\n")
            print(f"{'clients':>7}  {'handler':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}")
            for clients in args.clients:
                for name, port, page in (("hello-world aiohttp", hello_port, False),
                                         ("awardbot /api/messages", web_port, True),
                                         ("  same, SQLite in memory", memory_port, True)):
                    r = await closed_loop(f"http://127.0.0.1:{port}", clients, args.seconds, questions, page)
                    print(f"{clients:>7}  {name:<22} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['n']:>9}")
            q = await interleaved_quizzes(f"http://127.0.0.1:{web_port}", args.sessions, 50)
            crossed, checked = crossed_states(workdir / "bench.db", q["cookies"], q["sent"])
            print(f"\n{args.sessions} browsers, quick quiz interleaved (13 answers each, random order, 50 in flight): "
                  f"{q['presses']} presses in {q['seconds']:.1f} s ({q['presses'] / q['seconds']:.0f}/s); "
                  f"checked {checked}, crossed states: {crossed}")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--serve", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve))
        return
    asyncio.run(asyncio.wait_for(run(args), DEADLINE))


if __name__ == "__main__":
    main()
