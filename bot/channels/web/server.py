"""The web chat's aiohttp application: one factory, its lifecycle, and `run()` for the CLI.

Like the Telegram adapter, the core is built by the composition root and handed in; the dialogue runs on
the event loop (it takes about a millisecond), charts and PDFs render on two worker threads, SIGHUP
reloads the knowledge base in a thread and swaps it in, and SIGTERM stops the server, waits for requests
in flight, writes the last batch of web history, and closes the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.web import forms, handlers
from bot.channels.web.guard import HEADERS, RateLimiter
from bot.channels.web.history import History
from bot.channels.web.identity import Signer
from bot.dialogue import ADMIN_COMMANDS, COMMANDS, Dialogue

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
PURGE_SECONDS = 6 * 3600.0


@dataclass(frozen=True)
class WebOptions:
    key: bytes  # signs the session cookies and CSRF tokens
    root_path: str = ""  # e.g. "/awardbot" behind a proxy that forwards that prefix
    access_code: str | None = None
    admin_secret: str | None = None
    trusted_proxies: tuple = ()  # ip_network values whose X-Forwarded-* headers are believed
    files_dir: Path | None = None  # default: beside the database, <db>.web/
    rate_per_minute: float = 30.0  # per browser; 0 turns the limit off (benchmarks)
    rate_burst: int = 12
    max_body: int = 16 * 1024  # bytes of one request body
    max_text: int = 4000  # characters of one message (the core declines questions over 1,000 politely)
    render_workers: int = 2


@dataclass
class WebChannel:
    """Everything the handlers share: the core and its dialogue, identity, history, limits, workers."""

    core: Core
    options: WebOptions
    dialogue: Dialogue = field(init=False)
    signer: Signer = field(init=False)
    history: History = field(init=False)
    limiter: RateLimiter = field(init=False)
    ip_limiter: RateLimiter = field(init=False)
    form_limiter: RateLimiter = field(init=False)
    worker: ThreadPoolExecutor = field(init=False)
    commands: tuple[str, ...] = (*COMMANDS, *ADMIN_COMMANDS)
    static_version: str = ""
    _locks: dict = field(default_factory=lambda: defaultdict(_CountedLock))

    def __post_init__(self) -> None:
        o = self.options
        self.dialogue = Dialogue(self.core)
        self.signer = Signer(o.key, o.access_code, o.admin_secret)
        db = self.core.settings.db_path
        self.history = History(o.files_dir or db.with_name(db.name + ".web"))
        self.limiter = RateLimiter(o.rate_per_minute, o.rate_burst)
        # One address may be many people (an office behind NAT): ten times the per-browser allowance.
        self.ip_limiter = RateLimiter(o.rate_per_minute * 10, o.rate_burst * 10)
        self.form_limiter = RateLimiter(10 if o.rate_per_minute else 0, 5)  # access code and admin secret
        self.worker = ThreadPoolExecutor(max_workers=o.render_workers, thread_name_prefix="awardbot-web-render")
        digest = hashlib.sha256()
        for name in sorted(p.name for p in STATIC.iterdir()):
            digest.update((STATIC / name).read_bytes())
        self.static_version = digest.hexdigest()[:12]

    @property
    def root(self) -> str:
        return self.options.root_path

    @contextlib.asynccontextmanager
    async def user_lock(self, uid: str):
        """One request at a time per browser (two tabs cannot interleave a quiz step); other users never wait."""
        lock = self._locks[uid]
        lock.users += 1
        try:
            async with lock.lock:
                yield
        finally:
            lock.users -= 1
            if lock.users == 0:
                del self._locks[uid]

    async def rendered(self, make) -> bytes:
        if not callable(make):
            return make
        return await asyncio.get_running_loop().run_in_executor(self.worker, make)


class _CountedLock:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


CHANNEL = web.AppKey("channel", WebChannel)
_TASKS = web.AppKey("tasks", list)


def build_app(core: Core, options: WebOptions) -> web.Application:
    """The one factory: routes, middlewares, security headers, startup and cleanup."""
    app = web.Application(client_max_size=options.max_body, middlewares=[handlers.errors])
    channel = WebChannel(core, options)
    app[CHANNEL] = channel
    app[_TASKS] = []
    root = options.root_path
    r = app.router
    if root:
        r.add_get(root, handlers.to_root)
    r.add_get(root + "/", handlers.page)
    r.add_post(root + "/access", forms.access_form)
    r.add_get(root + "/admin", forms.admin_page)
    r.add_post(root + "/admin", forms.admin_form)
    r.add_get(root + "/api/history", handlers.history)
    r.add_post(root + "/api/messages", handlers.message)
    r.add_post(root + "/api/buttons", handlers.button)
    r.add_get(root + "/files/{token}/{name}", handlers.download)
    r.add_get(root + "/healthz", handlers.healthz)
    r.add_static(root + "/static", STATIC, show_index=False, follow_symlinks=False)
    app.on_response_prepare.append(_security_headers)
    app.on_startup.append(_startup)
    app.on_cleanup.append(_cleanup)
    return app


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(request.app[CHANNEL].root + "/static/"):
        response.headers.setdefault("Cache-Control", "public, max-age=86400")
    else:
        response.headers.setdefault("Cache-Control", "no-store")


async def _startup(app: web.Application) -> None:
    channel = app[CHANNEL]
    with contextlib.suppress(NotImplementedError, RuntimeError):  # SIGHUP: reload the knowledge base
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(reload(channel)))
    app[_TASKS].append(asyncio.create_task(_purge_loop(channel)))
    channel.core.store.batch_question_log()  # the question log off the request path; closed with the store


async def _cleanup(app: web.Application) -> None:
    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    for task in app[_TASKS]:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    channel = app[CHANNEL]
    channel.worker.shutdown(wait=True)
    channel.history.close()  # the conversation lines still in the writer's batch
    channel.core.close()
    log.info("store closed")


async def reload(channel: WebChannel) -> list[str]:
    """Validate and index in a worker thread, then swap; broken knowledge changes nothing."""
    fresh, problems = await asyncio.to_thread(channel.core.try_load)
    if fresh is not None:
        channel.core.swap(fresh)
    else:
        for line in problems[:50]:
            log.warning("knowledge problem: %s", line)
    return problems


async def _purge_loop(channel: WebChannel) -> None:
    """The retention period applies to the question log and to each browser's conversation and files."""
    days = channel.core.settings.retention_days
    while True:
        try:
            removed = channel.core.store.purge_questions(days)
            idle = await asyncio.to_thread(channel.history.purge_idle, days)
            if removed or idle:
                log.info("retention: purged %d question(s) and %d idle web conversation(s) older than %d days",
                         removed, idle, days)
        except Exception:
            log.exception("retention purge failed")
        await asyncio.sleep(PURGE_SECONDS)


def run(app: web.Application, listen: str, port: int, ready=None) -> None:
    """Serve until SIGTERM or Ctrl-C, then finish requests in flight and close the store.

    `ready(url)` is called once the socket listens; an OSError (port taken) propagates for the CLI."""
    asyncio.run(_serve(app, listen, port, ready))


async def _serve(app: web.Application, listen: str, port: int, ready) -> None:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=10)
    await runner.setup()
    try:
        site = web.TCPSite(runner, listen, port)
        await site.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if ready is not None:
            ready(f"http://{listen}:{port}{app[CHANNEL].root}/")
        await stop.wait()
        log.info("stopping: finishing requests in flight")
    finally:
        await runner.cleanup()
