"""Replies → Telegram messages: text as escaped HTML, buttons as inline keyboards, charts and PDFs
rendered on a worker thread. The keys under which the running channel keeps its parts in `bot_data`."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram.render import split_spans, to_html
from bot.ui.replies import Reply

log = logging.getLogger(__name__)
DIALOGUE = "dialogue"
WORKER = "worker"
OPTIONS = "options"


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


async def rendered(context, chat_id: int, make, action: str) -> bytes:
    """Run a deferred rendering (chart, PDF) on a worker thread; plain bytes pass through.

    While it renders, the user sees Telegram's "sending a photo/file…" status instead of silence."""
    if not callable(make):
        return make
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, action)
    return await asyncio.get_running_loop().run_in_executor(context.application.bot_data[WORKER], make)


async def send(update: Update, context, replies: list[Reply]) -> None:
    """Send replies in order; a button's `edit` reply replaces the message that carried the button."""
    chat_id = update.effective_chat.id
    pressed = update.callback_query.message if update.callback_query else None
    if not isinstance(pressed, Message):  # none, or too old to edit ("inaccessible")
        pressed = None
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
        user = update.effective_user
        log.info("user %s unreachable (%s): marked inactive", user.id if user else "?", exc)
        if user is not None:
            context.application.bot_data[DIALOGUE].user_unreachable(f"tg:{user.id}")


async def send_to_chat(bot, chat_id: int, reply: Reply) -> None:
    """One text reply to a chat nobody is talking in right now (a reminder)."""
    await bot.send_message(chat_id, to_html(reply.spans), parse_mode=ParseMode.HTML, reply_markup=markup(reply))


async def _edit(message, spans, keyboard) -> bool:
    """Edit the pressed message in place; False when that failed, so the screen is sent as a new message
    (the old one keeps dead buttons, the new one works). Edits are retried by `Delivery` first."""
    try:
        await message.edit_text(to_html(spans), parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True  # a double press: the message already shows this
        log.info("edit failed, sending instead: %s", exc)
        return False
    except Forbidden:
        raise
    except TelegramError as exc:
        log.warning("edit failed (%s: %s), sending the screen as a new message", type(exc).__name__, exc)
        return False
    return True
