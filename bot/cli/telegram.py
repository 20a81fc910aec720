"""`awardbot telegram`: token, pre-flight check, polling or webhook."""

from __future__ import annotations

import argparse
import os
import sqlite3

from bot.cli.common import CliError, database_error, load_settings, open_core

# Update types the bot handles (allowed_updates): messages, edits, buttons and inline queries.
UPDATE_TYPES = ["message", "edited_message", "callback_query", "inline_query"]


def _telegram_settings(args):
    from bot import config

    try:
        return config.telegram(token_file=args.token_file, api_base_url=args.api_base_url,
                               webhook_url=args.webhook_url, webhook_secret=args.webhook_secret, listen=args.listen)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _preflight(options, token: str, attempts: int = 4) -> None:
    """Check the token with getMe before starting, so that a rejected token or an unreachable API is one
    clear line, not a library traceback. A transient failure (5xx, network) is retried with backoff
    (1, 2, 4 s): one bad moment at start-up does not stop the bot."""
    import asyncio
    import logging

    from telegram import Bot
    from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

    from bot.channels.telegram.app import file_url_for

    async def check() -> None:
        kwargs = {"base_url": options.base_url, "base_file_url": file_url_for(options.base_url)} \
            if options.base_url else {}
        for attempt in range(1, attempts + 1):
            try:
                async with Bot(token, **kwargs):
                    return  # initialize() calls getMe
            except NetworkError as exc:
                if isinstance(exc, BadRequest) or attempt == attempts:
                    raise
                logging.getLogger("bot.cli").warning("getMe failed (%s); retrying in %d s",
                                                     str(exc).replace(token, "***"), 2 ** (attempt - 1))
                await asyncio.sleep(2 ** (attempt - 1))

    try:
        asyncio.run(check())
    except InvalidToken as exc:
        raise CliError("Telegram rejected the token (InvalidToken): check AWARDBOT_TOKEN with @BotFather") from exc
    except (NetworkError, TelegramError) as exc:
        raise CliError(f"cannot reach the Telegram Bot API: {str(exc).replace(token, '***')}", code=1) from exc


def _lock_and_open(settings):
    """One bot per database, for the life of the process (a second one refuses, naming the first), then the
    core: a broken database or knowledge base stops us before any network call."""
    from bot.cli import process

    try:
        lock = process.Instance(settings.db_path)
    except process.OpsError as exc:
        raise CliError(str(exc), code=1) from exc
    except (sqlite3.Error, OSError) as exc:
        raise database_error(settings.db_path, exc) from exc
    try:
        return lock, open_core(settings)
    except BaseException:
        lock.release()
        raise


def cmd_telegram(args) -> int:
    from urllib.parse import urlparse

    from bot.logs import setup_logging

    settings = load_settings(args)
    if args.port is not None and not 1 <= args.port <= 65535:
        raise CliError(f"--port: expected a port from 1 to 65535, got {args.port}")
    tg_settings = _telegram_settings(args)
    token = tg_settings.token
    setup_logging(settings.log_level, secrets=[token])
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # timedelta durations: PTB 22 deprecates the int form
    from telegram.error import InvalidToken, NetworkError

    from bot.channels.telegram import app as tg

    options = tg.TelegramOptions(
        token=token,
        base_url=tg_settings.api_base_url,
        concurrent_updates=args.concurrency,
        connection_pool=args.concurrency + 8,  # each request scans the pool (httpcore): no bigger than needed
        rate_limit=args.rate_limit,
        reminder_check_seconds=args.reminder_check,
    )
    lock, core = _lock_and_open(settings)
    try:
        _preflight(options, token)
    except BaseException:
        core.close()
        lock.release()
        raise
    app = tg.build_application(core, options)
    webhook_url, listen = tg_settings.webhook_url, tg_settings.listen
    port = args.port or settings.port
    try:
        if webhook_url:
            secret = tg.webhook_secret(tg_settings.webhook_secret)
            setup_logging(settings.log_level, secrets=[token, secret])
            try:
                app.run_webhook(
                    listen=listen, port=port, url_path=urlparse(webhook_url).path.lstrip("/"),
                    webhook_url=webhook_url, secret_token=secret,
                    drop_pending_updates=args.drop_pending_updates, allowed_updates=UPDATE_TYPES)
            except OSError as exc:  # the port is taken, or the address is not this machine's
                raise CliError(f"the webhook server cannot listen on {listen}:{port}: {exc.strerror or exc} "
                               "(set AWARDBOT_LISTEN, AWARDBOT_PORT or --listen, --port)", code=1) from exc
        else:
            app.run_polling(drop_pending_updates=args.drop_pending_updates, allowed_updates=UPDATE_TYPES,
                            bootstrap_retries=3)
    except InvalidToken as exc:
        raise CliError("Telegram rejected the token (InvalidToken): check AWARDBOT_TOKEN with @BotFather") from exc
    except NetworkError as exc:
        raise CliError(f"cannot reach the Telegram Bot API: {exc}", code=1) from exc
    finally:
        core.close()
        lock.release()
    return 0


def register(add) -> None:
    """Add these sub-commands to the `awardbot` parser."""
    sp = add("telegram", cmd_telegram, "run the Telegram bot (long polling, or a webhook with --webhook-url)")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--token-file", metavar="FILE", help="read the bot token from FILE (else env AWARDBOT_TOKEN)")
    sp.add_argument("--webhook-url", metavar="URL", help="public HTTPS URL: run a webhook instead of polling")
    sp.add_argument("--listen", metavar="ADDR", help="webhook listen address (default 127.0.0.1)")
    sp.add_argument("--port", type=int, metavar="N", help="webhook port (default 8443)")
    sp.add_argument("--webhook-secret", metavar="TEXT", help="secret token checked on every delivery "
                    "(env AWARDBOT_WEBHOOK_SECRET; generated when not given, never logged)")
    sp.add_argument("--drop-pending-updates", action="store_true", help="discard updates that arrived while down")
    sp.add_argument("--api-base-url", metavar="URL", help="Bot API base URL, e.g. http://127.0.0.1:8081/bot")
    sp.add_argument("--concurrency", type=int, default=16, metavar="N", help="updates handled at once (default 16)")
    sp.add_argument("--rate-limit", type=float, default=30.0, metavar="PER_S",
                    help="messages per second overall (default 30, Telegram's limit; 0: only honour 429s)")
    sp.add_argument("--reminder-check", type=float, default=60.0, metavar="SECONDS", help=argparse.SUPPRESS)
