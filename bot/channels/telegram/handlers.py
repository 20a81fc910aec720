"""Telegram updates → dialogue events, and back: one short handler per kind of update, one error handler.

No conversation logic lives here: every decision is the dialogue's. Telegram's own details (the `tg:`
user ids, group mentions, commands for another bot) are settled here and go no further.
"""

from __future__ import annotations

import logging

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Conflict, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram.delivery import MaybeDelivered
from bot.channels.telegram.render import to_html
from bot.channels.telegram.send import DIALOGUE, send
from bot.dialogue import NON_TEXT, Dialogue, Event
from bot.dialogue.events import lang_from_hint
from bot.ui.replies import Reply
from bot.ui.texts import t

log = logging.getLogger(__name__)


def user_id(telegram_id: int) -> str:
    """The channel-qualified id the dialogue and the store know a Telegram user by."""
    return f"tg:{telegram_id}"


def _dialogue(context: ContextTypes.DEFAULT_TYPE) -> Dialogue:
    return context.application.bot_data[DIALOGUE]


def _event(update: Update, kind: str, text: str = "", command: str = "") -> Event:
    user = update.effective_user
    chat = update.effective_chat
    return Event(
        user=user_id(user.id), kind=kind, text=text, command=command, channel="telegram",
        chat=str(chat.id) if chat else None, lang_hint=user.language_code,
        group=chat is not None and chat.type != ChatType.PRIVATE,
    )


def _from_a_person(update: Update) -> bool:
    """Updates the bot answers: a user wrote them, and not in a channel (channel posts, anonymous
    admins and service messages have no sender to answer or to store)."""
    user = update.effective_user
    chat = update.effective_chat
    return (user is not None and not user.is_bot and update.effective_message is not None
            and (chat is None or chat.type != ChatType.CHANNEL))


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
    if not _from_a_person(update):
        return
    text = update.effective_message.text or ""
    word, _, arg = text[1:].partition(" ")
    name, _, target = word.partition("@")
    if target and target.lower() != (context.bot.username or "").lower():
        return  # a command for another bot in a group
    await respond(update, context, _event(update, "command", arg.strip(), command=name))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not _from_a_person(update):
        return
    text = _addressed_to_bot(update, context)
    if text is None:
        return
    await respond(update, context, _event(update, "text", text))


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if _is_group(update) or not _from_a_person(update):
        return
    await respond(update, context, _event(update, "edited"))


def _kind_of_message(update: Update) -> str:
    m = update.effective_message
    return next((kind for kind in NON_TEXT if getattr(m, kind, None)), "other")


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not _from_a_person(update) or _is_group(update):
        return
    await respond(update, context, _event(update, "other", _kind_of_message(update)))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.from_user is None or query.from_user.is_bot:
        return
    replies = await _handle(context, _event(update, "button", query.data or ""))
    toast = next((r.toast for r in replies if r.toast), None)
    try:
        await query.answer(text=toast[:200] if toast else None)  # every press is answered, exactly once
    except TelegramError as exc:  # too old, or the network: the spinner stops by itself; the step goes on
        log.info("callback answer failed: %s", exc)
    if not isinstance(query.message, Message) or query.message.chat.type == ChatType.CHANNEL:
        return  # a button on an inline message, one too old to reach, or in a channel: the toast is all
    # A stale or doubled press: its toast is the whole answer, no new message in the chat.
    await send(update, context, [r for r in replies if (r.text or r.image or r.document) and r.kind != "expired"])


async def respond(update: Update, context, event: Event) -> None:
    await send(update, context, await _handle(context, event))


async def _handle(context, event: Event) -> list[Reply]:
    """The core decides; one log line per event: user, kind, what was replied (text only if enabled)."""
    dialogue = _dialogue(context)
    replies = dialogue.handle(event)
    if log.isEnabledFor(logging.INFO):
        shown = f" text={event.text[:200]!r}" if dialogue.core.settings.log_text and event.kind == "text" else ""
        log.info("user=%s kind=%s%s -> %s", event.user, event.command or event.kind, shown,
                 ",".join(r.kind for r in replies))
    return replies


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot question` in any chat: the core's matches as articles to share."""
    query = update.inline_query
    found = _dialogue(context).inline(query.query, query.from_user.language_code)
    results = [InlineQueryResultArticle(
        id=s.entry_id[:64], title=s.title, description=s.description,
        input_message_content=InputTextMessageContent(to_html(s.reply.spans)[:4096], parse_mode=ParseMode.HTML))
        for s in found]
    button = None if results else InlineQueryResultsButton(  # nothing matched: open the private chat
        text=t("inline_open_chat", lang_from_hint(query.from_user.language_code))[:64], start_parameter="inline")
    try:
        await query.answer(results, cache_time=30, is_personal=False, button=button)
    except TelegramError as exc:  # the user typed on: this query is gone, the next one gets its answer
        log.info("inline answer failed: %s", exc)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first, with context; then a short apology, once. No exception text reaches the user.

    Polling trouble (no update) is one WARNING line: PTB retries it by itself. A send that may have been
    delivered gets no apology: the user would see the apology and then the late answer."""
    error = context.error
    if update is None and isinstance(error, NetworkError | Conflict):
        log.warning("polling: %s: %s (retrying)", type(error).__name__, error)
        return
    user = getattr(getattr(update, "effective_user", None), "id", None)
    if isinstance(error, MaybeDelivered):
        log.warning("no answer from Telegram for user %s, not repeated: %s", user, error)
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.error("reply to user %s not delivered: %s: %s", user, type(error).__name__, error)
    else:
        log.error("error while handling an update for user %s", user, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    lang = lang_from_hint(update.effective_user.language_code if update.effective_user else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, t("error", lang))
    except TelegramError:
        log.warning("apology not delivered to user %s", user)
