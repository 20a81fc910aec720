"""The Telegram adapter (python-telegram-bot v22): Update → Event, replies → messages and keyboards.

No conversation logic lives here: every decision is the dialogue core's. The core is kept in
`bot_data`, the store is closed in `post_shutdown`, and one error handler logs and apologises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
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

from bot.app import Core
from bot.channels.telegram.render import split_spans, to_html
from bot.dialogue import COMMANDS, Dialogue, Event
from bot.ui.replies import Reply
from bot.ui.texts import t

log = logging.getLogger(__name__)
CORE = "core"
DIALOGUE = "dialogue"
WORKER = "worker"


@dataclass(frozen=True)
class TelegramOptions:
    token: str
    base_url: str | None = None  # e.g. http://127.0.0.1:8081/bot (the token is appended)
    concurrent_updates: int = 16  # bounded: 256 in flight tripled PTB's CPU per update
    connection_pool: int = 32  # larger than concurrent_updates, so sends never wait for a connection
    rate_limit: float = 30.0  # messages per second overall (Telegram's limit); 0: only honour 429s
    reminder_check_seconds: float = 60.0
    purge_check_seconds: float = 6 * 3600.0


def file_url_for(base_url: str) -> str:
    """The file URL that goes with a Bot API base URL: …/bot → …/file/bot."""
    base = base_url.rstrip("/")
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"


def build_application(core: Core, options: TelegramOptions) -> Application:
    """The one factory: a bounded, rate-limited Application with every handler registered."""
    builder = (
        ApplicationBuilder()
        .token(options.token)
        .concurrent_updates(options.concurrent_updates)
        .connection_pool_size(options.connection_pool)
        .rate_limiter(AIORateLimiter(overall_max_rate=options.rate_limit, max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if options.base_url:
        builder = builder.base_url(options.base_url).base_file_url(file_url_for(options.base_url))
    app = builder.build()
    app.bot_data[CORE] = core
    app.bot_data[DIALOGUE] = Dialogue(core)
    # Charts and PDFs (a fraction of a second to most of a second) are rendered on worker threads, so
    # they never stall other users. The dialogue itself runs on the event loop: handing every update to
    # a thread cost more CPU (GIL hand-offs) than the core's own millisecond (docs/performance.md).
    app.bot_data[WORKER] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="awardbot-render")
    app.bot_data["options"] = options
    edited = filters.UpdateType.EDITED
    app.add_handler(MessageHandler(filters.COMMAND & ~edited, on_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~edited, on_text))
    app.add_handler(MessageHandler(edited, on_edited))
    app.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND & ~edited & ~filters.StatusUpdate.ALL, on_other))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(InlineQueryHandler(on_inline))
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application) -> None:
    app.bot_data[CORE].bot_username = app.bot.username
    for lang in ("zh", "en"):
        commands = [BotCommand(c, t("cmd_" + c, lang)[:256]) for c in COMMANDS if c != "start"]
        await app.bot.set_my_commands(commands, language_code=lang)
    await app.bot.set_my_commands([BotCommand(c, t("cmd_" + c, "en")[:256]) for c in COMMANDS if c != "start"])
    options: TelegramOptions = app.bot_data["options"]
    if app.job_queue is not None:
        app.job_queue.run_repeating(_send_reminders, interval=options.reminder_check_seconds, first=1.0,
                                    name="reminders")
        app.job_queue.run_repeating(_purge, interval=options.purge_check_seconds, first=5.0, name="purge")
    with contextlib.suppress(NotImplementedError, RuntimeError):  # SIGHUP: reload the knowledge base
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(reload(app)))
    log.info("bot @%s ready", app.bot.username)


async def reload(app: Application) -> list[str]:
    """Validate and index in a worker thread (seconds of CPU), then swap; broken knowledge changes nothing."""
    core: Core = app.bot_data[CORE]
    fresh, problems = await asyncio.to_thread(core.try_load)
    if fresh is not None:
        core.swap(fresh)
    else:
        for line in problems[:50]:
            log.warning("knowledge problem: %s", line)
    return problems


async def rendered(context, chat_id: int, make, action: str) -> bytes:
    """Run a deferred rendering (chart, PDF) on a worker thread; plain bytes pass through.

    While it renders, the user sees Telegram's "sending a photo/file…" status instead of silence."""
    if not callable(make):
        return make
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, action)
    return await asyncio.get_running_loop().run_in_executor(context.application.bot_data[WORKER], make)


async def _post_shutdown(app: Application) -> None:
    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    app.bot_data[WORKER].shutdown(wait=True)
    app.bot_data[CORE].close()
    log.info("store closed")


def _dialogue(context: ContextTypes.DEFAULT_TYPE) -> Dialogue:
    return context.application.bot_data[DIALOGUE]


def _event(update: Update, kind: str, text: str = "", command: str = "") -> Event:
    user = update.effective_user
    return Event(
        user=f"tg:{user.id}", kind=kind, text=text, command=command, channel="telegram",
        chat=str(update.effective_chat.id) if update.effective_chat else str(user.id),
        lang_hint=user.language_code,
    )


def _is_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def _addressed_to_bot(update: Update, context) -> str | None:
    """In groups, only messages that mention the bot or reply to it; the mention is removed."""
    message = update.effective_message
    text = message.text or ""
    if not _is_group(update):
        return text
    username = f"@{context.bot.username}".lower()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == context.bot.id:
        return text
    if username in text.lower():
        start = text.lower().index(username)
        return (text[:start] + text[start + len(username):]).strip()
    return None


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text or ""
    word, _, arg = text[1:].partition(" ")
    name, _, target = word.partition("@")
    if target and target.lower() != (context.bot.username or "").lower():
        return  # a command for another bot in a group
    await respond(update, context, _event(update, "command", arg.strip(), command=name))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = _addressed_to_bot(update, context)
    if text is None:
        return
    await respond(update, context, _event(update, "text", text))


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if _is_group(update):
        return
    await respond(update, context, _event(update, "edited"))


def _kind_of_message(update: Update) -> str:
    m = update.effective_message
    for kind in ("sticker", "photo", "voice", "video", "document", "location", "contact"):
        if getattr(m, kind, None):
            return kind
    return "other"


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None or update.effective_user is None or _is_group(update):
        return
    await respond(update, context, _event(update, "other", _kind_of_message(update)))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    replies = await _handle(context, _event(update, "button", query.data or ""))
    toast = next((r.toast for r in replies if r.toast), None)
    try:
        await query.answer(text=toast[:200] if toast else None)  # every press is answered, exactly once
    except BadRequest as exc:  # the press is too old: still act on it
        log.info("callback answer failed: %s", exc)
    await send(update, context, [r for r in replies if r.text or r.image or r.document])


async def respond(update: Update, context, event: Event) -> None:
    await send(update, context, await _handle(context, event))


async def _handle(context, event: Event) -> list[Reply]:
    """The core decides; one log line per event: user, kind, what was replied (text only if enabled)."""
    replies = _dialogue(context).handle(event)
    core: Core = context.application.bot_data[CORE]
    if log.isEnabledFor(logging.INFO):
        shown = f" text={event.text[:200]!r}" if core.settings.log_text and event.kind == "text" else ""
        log.info("user=%s kind=%s%s -> %s", event.user, event.command or event.kind, shown,
                 ",".join(r.kind for r in replies))
    return replies


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


async def send(update: Update, context, replies: list[Reply]) -> None:
    """Send replies in order; a button's `edit` reply replaces the message that carried the button."""
    chat_id = update.effective_chat.id
    pressed = update.callback_query.message if update.callback_query else None
    try:
        for reply in replies:
            if reply.image is not None:
                photo = await rendered(context, chat_id, reply.image, ChatAction.UPLOAD_PHOTO)
                await context.bot.send_photo(chat_id, photo=photo, filename=reply.image_name or "chart.png")
                continue
            if reply.document is not None:
                document = await rendered(context, chat_id, reply.document, ChatAction.UPLOAD_DOCUMENT)
                await context.bot.send_document(chat_id, document=document, filename=reply.document_name,
                                                caption=reply.text[:1024] or None)
                continue
            chunks = split_spans(reply.spans)
            edited = reply.edit and pressed is not None and len(chunks) == 1
            if edited and await _edit(pressed, chunks[0], markup(reply)):
                continue
            for i, chunk in enumerate(chunks):
                last = i == len(chunks) - 1
                await context.bot.send_message(chat_id, to_html(chunk), parse_mode=ParseMode.HTML,
                                               reply_markup=markup(reply) if last else None)
    except Forbidden as exc:
        await _mark_unreachable(context, update, exc)


async def _edit(message, spans, keyboard) -> bool:
    try:
        await message.edit_text(to_html(spans), parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True  # a double press: the message already shows this
        log.info("edit failed, sending instead: %s", exc)
        return False
    return True


async def _mark_unreachable(context, update: Update, exc: TelegramError) -> None:
    """A user who blocked the bot: mark inactive once; nothing is retried."""
    user = update.effective_user
    log.info("user %s unreachable (%s): marked inactive", user.id if user else "?", exc)
    if user is not None:
        context.application.bot_data[CORE].store.update_user(f"tg:{user.id}", active=0)


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot question` in any chat: the core's matches as articles to share."""
    query = update.inline_query
    found = _dialogue(context).inline(query.query, query.from_user.language_code)
    results = [InlineQueryResultArticle(
        id=s.entry_id[:64], title=s.title, description=s.description,
        input_message_content=InputTextMessageContent(to_html(s.reply.spans)[:4096], parse_mode=ParseMode.HTML))
        for s in found]
    await query.answer(results, cache_time=30, is_personal=False)


async def _send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    dialogue: Dialogue = context.application.bot_data[DIALOGUE]
    for user, reply in dialogue.due_reminders():
        if user.get("channel") != "telegram" or not user.get("chat_id"):
            continue
        try:
            await context.bot.send_message(int(user["chat_id"]), to_html(reply.spans), parse_mode=ParseMode.HTML,
                                           reply_markup=markup(reply))
        except Forbidden:
            context.application.bot_data[CORE].store.update_user(user["id"], active=0)
        except TelegramError as exc:
            log.warning("reminder to %s not sent: %s", user["id"], exc)


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    core: Core = context.application.bot_data[CORE]
    removed = core.store.purge_questions(core.settings.retention_days)
    if removed:
        log.info("retention: purged %d question(s) older than %d days", removed, core.settings.retention_days)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first, with context; then a short apology. No exception text reaches the user."""
    user = getattr(getattr(update, "effective_user", None), "id", None)
    log.error("error while handling an update for user %s", user, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    code = (update.effective_user.language_code if update.effective_user else None) or "zh"
    lang = "zh" if code.startswith("zh") else "en"
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, t("error", lang))
    except TelegramError:
        log.warning("apology not delivered to user %s", user)


def webhook_secret(given: str | None) -> str:
    """The secret Telegram must send with each delivery; generated when not configured."""
    return given or secrets.token_urlsafe(32)
