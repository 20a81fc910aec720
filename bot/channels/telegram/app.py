"""The Telegram channel (python-telegram-bot v22): one factory for the Application, its start and stop,
and the scheduled jobs (reminders, retention). The dialogue lives in `bot_data`; its store is closed in
`post_shutdown`. Handlers are in `handlers.py`, sending in `send.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from telegram import BotCommand
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.channels.telegram import handlers
from bot.channels.telegram.delivery import Delivery, PerChatProcessor, RetryPolicy
from bot.channels.telegram.send import DIALOGUE, OPTIONS, WORKER, send_to_chat
from bot.dialogue import COMMANDS, Dialogue
from bot.dialogue.core import Core
from bot.ui.texts import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramOptions:
    token: str
    base_url: str | None = None  # e.g. http://127.0.0.1:8081/bot (the token is appended)
    concurrent_updates: int = 16  # bounded: 256 in flight tripled PTB's CPU per update; one per chat
    group_backlog: int = 20  # updates a group may have queued (~1 minute at Telegram's 20/min per group)
    connection_pool: int = 24  # concurrent_updates + 8 (chat actions, callback answers); httpcore scans it per request
    rate_limit: float = 30.0  # messages per second overall (Telegram's limit); 0: only honour 429s
    reminder_check_seconds: float = 60.0
    purge_check_seconds: float = 6 * 3600.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # every outgoing call: attempts, backoff, time budget
    read_timeout: float = 15.0  # long, so a slow send arrives instead of timing out (and being unsure)
    write_timeout: float = 20.0


def file_url_for(base_url: str) -> str:
    """The file URL that goes with a Bot API base URL: …/bot → …/file/bot."""
    base = base_url.rstrip("/")
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"


def start_link(username: str, payload: str) -> str:
    """A t.me deep link: opening it sends `/start payload` to this bot."""
    return f"https://t.me/{username}?start={payload}"


def build_application(core: Core, options: TelegramOptions) -> Application:
    """The one factory: a bounded, rate-limited Application with every handler registered."""
    processor = PerChatProcessor(options.concurrent_updates, options.group_backlog)
    builder = (
        ApplicationBuilder()
        .token(options.token)
        .concurrent_updates(processor)
        .connection_pool_size(options.connection_pool)
        .read_timeout(options.read_timeout)
        .write_timeout(options.write_timeout)
        .pool_timeout(5.0)
        .rate_limiter(Delivery(options.retry, AIORateLimiter(overall_max_rate=options.rate_limit, max_retries=0)))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if options.base_url:
        builder = builder.base_url(options.base_url).base_file_url(file_url_for(options.base_url))
    app = builder.build()
    processor.running = lambda: app.running  # at shutdown, what groups still have queued is dropped
    app.bot_data[DIALOGUE] = Dialogue(core)
    # Charts and PDFs (a fraction of a second to most of a second) are rendered on worker threads, so
    # they never stall other users. The dialogue itself runs on the event loop: handing every update to
    # a thread cost more CPU (GIL hand-offs) than the core's own millisecond (docs/performance.md).
    app.bot_data[WORKER] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="awardbot-render")
    app.bot_data[OPTIONS] = options
    edited = filters.UpdateType.EDITED
    app.add_handler(MessageHandler(filters.COMMAND & ~edited, handlers.on_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~edited, handlers.on_text))
    app.add_handler(MessageHandler(edited, handlers.on_edited))
    app.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND & ~edited & ~filters.StatusUpdate.ALL,
                                   handlers.on_other))
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(InlineQueryHandler(handlers.on_inline))
    app.add_error_handler(handlers.on_error)
    return app


async def _post_init(app: Application) -> None:
    # invitation links made in this channel open this bot (the username is known only after getMe)
    app.bot_data[DIALOGUE].deep_links["telegram"] = partial(start_link, app.bot.username)
    app.bot_data[DIALOGUE].core.store.batch_question_log()  # off the hot path; flushed when the store closes
    try:  # the menu is cosmetic: retried like every call, and if it still fails the bot runs without it
        for lang in ("zh", "en"):
            commands = [BotCommand(c, t("cmd_" + c, lang)[:256]) for c in COMMANDS if c != "start"]
            await app.bot.set_my_commands(commands, language_code=lang)
        await app.bot.set_my_commands([BotCommand(c, t("cmd_" + c, "en")[:256]) for c in COMMANDS if c != "start"])
    except TelegramError as exc:
        log.warning("the command menu was not registered (%s); the bot runs without it", exc)
    options: TelegramOptions = app.bot_data[OPTIONS]
    if app.job_queue is not None:
        app.job_queue.run_repeating(_send_reminders, interval=options.reminder_check_seconds, first=1.0,
                                    name="reminders")
        app.job_queue.run_repeating(_purge, interval=options.purge_check_seconds, first=5.0, name="purge")
    with contextlib.suppress(NotImplementedError, RuntimeError):  # SIGHUP: reload the knowledge base
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(reload(app)))
    log.info("bot @%s ready", app.bot.username)


async def reload(app: Application) -> list[str]:
    """Validate and index in a worker thread (seconds of CPU); the swap is one assignment, so answers
    in flight see the old base or the new one. Broken knowledge changes nothing."""
    problems = await asyncio.to_thread(app.bot_data[DIALOGUE].reload)
    for line in problems[:50]:
        log.warning("knowledge problem: %s", line)
    return problems


async def _post_shutdown(app: Application) -> None:
    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    app.bot_data[WORKER].shutdown(wait=True)
    app.bot_data[DIALOGUE].close()
    log.info("store closed")


async def _send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    dialogue: Dialogue = context.application.bot_data[DIALOGUE]
    for user, reply in dialogue.due_reminders(channel="telegram"):
        try:  # to the private chat only: in Telegram its id is the user's id, whatever chat they last used
            await send_to_chat(context.bot, int(user["id"].removeprefix("tg:")), reply)
        except Forbidden:
            dialogue.user_unreachable(user["id"])
        except TelegramError as exc:
            log.warning("reminder to %s not sent: %s", user["id"], exc)


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    dialogue: Dialogue = context.application.bot_data[DIALOGUE]
    removed = dialogue.purge()
    if removed:
        log.info("retention: purged %d question(s) older than %d days", removed,
                 dialogue.core.settings.retention_days)


def webhook_secret(given: str | None) -> str:
    """The secret Telegram must send with each delivery; generated when not configured."""
    return given or secrets.token_urlsafe(32)
