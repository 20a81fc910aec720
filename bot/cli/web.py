"""`awardbot web`: the web chat on the intranet (aiohttp), optionally with the Telegram bot in the same process.

One process per database: the web channel holds the database's instance lock like `awardbot telegram`,
so `health`, `reload` and `restore` find it the same way. To serve both channels, run `awardbot web
--telegram`: one core, one store, one event loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

from bot.cli.common import CliError, load_settings, open_core

log = logging.getLogger("bot.channels.web")


def url_file(db_path: Path) -> Path:
    """Where the running web channel announces its health URL, for `awardbot health`."""
    return db_path.with_name(db_path.name + ".web-url")


def _web_options(args, settings):
    from bot import config
    from bot.channels.web.identity import load_or_create_key
    from bot.channels.web.server import WebOptions

    try:
        listen = args.listen or config.web_listen()
        port = args.port if args.port is not None else config.web_port()
        root = config.root_path(args.root_path, "--root-path") if args.root_path is not None \
            else config.web_root_path()
        trusted = config.trusted_proxies(args.trusted_proxy, "--trusted-proxy") if args.trusted_proxy is not None \
            else config.web_trusted_proxies()
        access, admin = config.web_access_code(), config.web_admin_secret()
        key_file = config.web_secret_file(settings.db_path)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if not 1 <= port <= 65535:
        raise CliError(f"--port: expected a port from 1 to 65535, got {port}")
    if args.rate_limit < 0:
        raise CliError(f"--rate-limit: expected 0 or more messages per minute, got {args.rate_limit}")
    try:
        key = load_or_create_key(key_file)
    except OSError as exc:
        raise CliError(f"cannot use the web secret file {key_file}: {exc.strerror or exc} "
                       "(set AWARDBOT_WEB_SECRET_FILE)") from exc
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    options = WebOptions(key=key, root_path=root, access_code=access, admin_secret=admin, trusted_proxies=trusted,
                         rate_per_minute=args.rate_limit, rate_burst=max(1, round(args.rate_limit / 3)))
    return options, listen, port


def _health_url(listen: str, port: int, root: str) -> str:
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(listen, listen)  # noqa: S104
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}{root}/healthz"


def cmd_web(args) -> int:
    from bot.channels.web import server
    from bot.cli import process
    from bot.logs import setup_logging

    settings = load_settings(args)
    options, listen, port = _web_options(args, settings)
    setup_logging(settings.log_level, secrets=[options.access_code or "", options.admin_secret or ""])
    telegram = _telegram_parts(args, settings) if args.telegram else None
    try:  # one bot per database: a second one (web or Telegram) refuses, naming the first
        lock = process.Instance(settings.db_path)
    except process.OpsError as exc:
        raise CliError(str(exc), code=1) from exc
    announced = url_file(settings.db_path)
    try:
        core = open_core(settings)
        try:
            app = server.build_app(core, options)
            if telegram is not None:
                _attach_telegram(app, core, *telegram)

            def ready(url: str) -> None:
                announced.write_text(_health_url(listen, port, options.root_path) + "\n", encoding="utf-8")
                log.info("web chat ready on %s", url)

            try:
                server.run(app, listen, port, ready=ready)
            except OSError as exc:  # the port is taken, or the address is not this machine's
                raise CliError(f"the web chat cannot listen on {listen}:{port}: {exc.strerror or exc} "
                               "(set AWARDBOT_WEB_LISTEN, AWARDBOT_WEB_PORT or --listen, --port)", code=1) from exc
        finally:
            core.close()
    finally:
        announced.unlink(missing_ok=True)
        lock.release()
    return 0


# -- both channels in one process -------------------------------------------------------------------

def _telegram_parts(args, settings):
    from bot import config
    from bot.cli.telegram import _preflight

    try:
        tg_settings = config.telegram(token_file=args.token_file)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    from bot.channels.telegram import app as tg

    options = tg.TelegramOptions(token=tg_settings.token, base_url=tg_settings.api_base_url)
    _preflight(options, tg_settings.token)
    return (options,)


def _attach_telegram(web_app, core, options) -> None:
    """Long polling inside the web server's event loop: started after the web channel, stopped before it."""
    from bot.channels.telegram import app as tg
    from bot.cli.telegram import UPDATE_TYPES

    application = tg.build_application(core, options)

    async def start(_app) -> None:
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        await application.updater.start_polling(allowed_updates=UPDATE_TYPES, bootstrap_retries=3)
        await application.start()

    async def stop(_app) -> None:
        with contextlib.suppress(RuntimeError):
            await application.updater.stop()
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)

    web_app.on_startup.append(start)
    web_app.on_shutdown.append(stop)


# -- for `awardbot health` ----------------------------------------------------------------------------

def health_problems(db_path: Path, running: bool) -> list[str]:
    """If a web channel announced itself for this database, its /healthz must answer ok."""
    try:
        url = url_file(db_path).read_text(encoding="utf-8").strip()
    except OSError:
        return []
    if not running or not url.startswith("http://"):
        return []  # left by a process that is gone: the lock check already says so
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own loopback URL
            body = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError) as exc:
        return [f"the web chat does not answer at {url}: {getattr(exc, 'reason', exc)}"]
    return [] if body.get("ok") else [f"the web chat at {url} reports a problem: {body}"]


def register(add) -> None:
    """Add `awardbot web` to the parser."""
    sp = add("web", cmd_web, "serve the web chat (a page and its JSON API) on the intranet")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--listen", metavar="ADDR", help="listen address (env AWARDBOT_WEB_LISTEN, default 127.0.0.1)")
    sp.add_argument("--port", type=int, metavar="N", help="port (env AWARDBOT_WEB_PORT, default 8080)")
    sp.add_argument("--root-path", metavar="PATH", help="path prefix behind a reverse proxy, e.g. /awardbot "
                    "(env AWARDBOT_WEB_ROOT_PATH)")
    sp.add_argument("--trusted-proxy", metavar="ADDRS", help="comma-separated proxy addresses whose "
                    "X-Forwarded-For/-Proto/-Host are believed (env AWARDBOT_WEB_TRUSTED_PROXIES)")
    sp.add_argument("--rate-limit", type=float, default=30.0, metavar="PER_MIN",
                    help="messages and presses per minute per browser (default 30; 0: no limit)")
    sp.add_argument("--telegram", action="store_true", help="also run the Telegram bot (long polling) in this "
                    "process; needs AWARDBOT_TOKEN or --token-file")
    sp.add_argument("--token-file", metavar="FILE", help="with --telegram: read the bot token from FILE")
