"""Delivery that survives a flaky network, and updates scheduled so that one busy chat stalls only itself.

`Delivery` wraps every outgoing Bot API call (PTB hands each one to the rate limiter): transient failures
(5xx, connection errors, timeouts of calls that are safe to repeat, 429 with its `retry_after`) are retried
with bounded exponential backoff inside a time budget; then the error goes to the caller. A send whose
answer timed out may have been delivered (Telegram has no idempotency key), so it is never repeated: the
error is `MaybeDelivered`, and nobody apologises for a message that may be on the user's screen.

`PerChatProcessor` runs updates of one chat one at a time, in order, and at most `concurrency` overall:
an update waiting for its own chat holds no global slot, so a flooding group queues behind itself while
private users keep their latency. A group's backlog is bounded, and at shutdown what a group still has
queued is dropped (private updates are always handled), so stopping takes as long as the updates in
flight.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, BaseRateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

# Calls that change nothing when repeated (an edit to the same text is "not modified"; a second answer
# to a callback query is refused), so a timeout is simply retried.
IDEMPOTENT = frozenset({
    "getMe", "getUpdates", "getFile", "getChat", "getMyCommands", "getWebhookInfo", "setMyCommands",
    "deleteMyCommands", "setWebhook", "deleteWebhook", "setChatMenuButton", "editMessageText",
    "editMessageReplyMarkup", "editMessageCaption", "answerCallbackQuery", "answerInlineQuery",
    "sendChatAction", "logOut", "close",
})
# Cosmetic calls: a spinner, a "sending a photo…" status. Few attempts, so the step never waits on them.
ATTEMPTS = {"answerCallbackQuery": 2, "sendChatAction": 1, "answerInlineQuery": 2, "setMyCommands": 3}
# The request never reached the server: always safe to repeat.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class MaybeDelivered(TimedOut):
    """A send timed out after the request was written: it may have been delivered, so it is not repeated."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # per call, 429s included
    first_delay: float = 0.5  # then doubling
    max_delay: float = 8.0
    budget: float = 30.0  # seconds from the first attempt: after that, give up


def _transient(exc: Exception, endpoint: str) -> bool:
    """Worth another attempt: the server failed (5xx), or the request never arrived, or it is harmless
    to repeat."""
    if isinstance(exc, RetryAfter):
        return True
    if isinstance(exc, BadRequest) or not isinstance(exc, NetworkError):
        return False  # 400, 403, 401/404, 409: the same request would fail the same way
    cause = exc.__cause__
    if cause is None:
        return True  # an HTTP 5xx answer: the request was refused, not carried out
    return isinstance(cause, NOT_SENT) or endpoint in IDEMPOTENT


def _maybe_delivered(exc: Exception) -> bool:
    """The request was written and then the connection failed or timed out: it may have been carried out."""
    return (isinstance(exc, NetworkError) and not isinstance(exc, (BadRequest, MaybeDelivered))
            and exc.__cause__ is not None and not isinstance(exc.__cause__, NOT_SENT))


class Delivery(BaseRateLimiter[int]):
    """Every outgoing call, retried as `RetryPolicy` says, inside an optional proactive rate limit."""

    def __init__(self, policy: RetryPolicy, limiter: AIORateLimiter | None = None):
        self.policy = policy
        self.limiter = limiter

    async def initialize(self) -> None:
        if self.limiter:
            await self.limiter.initialize()

    async def shutdown(self) -> None:
        if self.limiter:
            await self.limiter.shutdown()

    async def process_request(self, callback, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None) -> Any:
        async def retrying(*a: Any, **kw: Any) -> Any:
            return await self._retrying(callback, a, kw, endpoint, rate_limit_args)

        if self.limiter is None:
            return await retrying(*args, **kwargs)
        # Retries happen inside the limiter's slot, and a final 429 leaves as a NetworkError: the
        # limiter's own retry (and its ERROR log line for a 429) never runs.
        return await self.limiter.process_request(retrying, args, kwargs, endpoint, data, 0)

    async def _retrying(self, callback, args, kwargs, endpoint: str, attempts: int | None) -> Any:
        policy = self.policy
        loop = asyncio.get_running_loop()
        deadline = loop.time() + policy.budget
        attempts = attempts or ATTEMPTS.get(endpoint, policy.attempts)
        delay = policy.first_delay
        for attempt in range(1, attempts + 1):
            try:
                return await callback(*args, **kwargs)
            except (NetworkError, RetryAfter) as exc:
                if not _transient(exc, endpoint):
                    if _maybe_delivered(exc):
                        raise MaybeDelivered(f"{endpoint}: the request went out but no answer came ({exc}); "
                                             "it may have been delivered, so it is not repeated") from exc
                    raise
                wait = exc.retry_after.total_seconds() + 0.1 if isinstance(exc, RetryAfter) \
                    else min(delay, policy.max_delay)
                if attempt == attempts or loop.time() + wait > deadline:
                    log.warning("%s failed %d time(s), giving up: %s", endpoint, attempt, exc)
                    if isinstance(exc, RetryAfter):
                        raise NetworkError(f"{endpoint}: still rate limited ({exc})") from exc
                    raise
                log.info("%s failed (%s); attempt %d in %.1f s", endpoint, exc, attempt + 1, wait)
                await asyncio.sleep(wait)
                if not isinstance(exc, RetryAfter):
                    delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover


def _chat_of(update: object) -> tuple[int | None, bool]:
    """(chat id, is it a group or channel) of an update; (None, False) for inline queries and the like."""
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None:
        return None, False
    return chat.id, chat.type in (ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL)


class PerChatProcessor(BaseUpdateProcessor):
    """One update at a time per chat, `concurrency` at a time overall; a group's queue is bounded."""

    def __init__(self, concurrency: int, group_backlog: int = 20):
        # PTB's own semaphore only bounds the tasks; the real limit is ours, taken after the chat's turn.
        super().__init__(max_concurrent_updates=max(concurrency * 16, 256))
        self._slots = asyncio.BoundedSemaphore(concurrency)
        self._chats: dict[int, list] = {}  # chat id → [lock, updates waiting or running]
        self.group_backlog = group_backlog
        self.running: Callable[[], bool] = lambda: True  # set to the Application's `running`
        self.dropped = 0

    async def do_process_update(self, update: object, coroutine) -> None:
        chat_id, group = _chat_of(update)
        if chat_id is None:
            async with self._slots:
                await coroutine
            return
        entry = self._chats.setdefault(chat_id, [asyncio.Lock(), 0])
        if group and entry[1] >= self.group_backlog:
            self._drop(coroutine, f"group {chat_id} has {entry[1]} updates queued")
            return
        entry[1] += 1
        try:
            async with entry[0]:
                if group and not self.running():
                    self._drop(coroutine, f"shutting down: group {chat_id}'s queued update")
                    return
                async with self._slots:
                    await coroutine
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._chats.pop(chat_id, None)

    def _drop(self, coroutine, why: str) -> None:
        coroutine.close()  # never started: nothing to undo
        self.dropped += 1
        log.info("update dropped (%s)", why)

    async def initialize(self) -> None:
        self.dropped = 0

    async def shutdown(self) -> None:
        if self.dropped:
            log.info("%d group update(s) dropped in all", self.dropped)
