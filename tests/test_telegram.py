"""The real python-telegram-bot Application (polling and webhook) against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import sys
import time

import aiohttp
import pytest
from telegram.error import Conflict

from bot.dialogue.core import Core
from tests.conftest import ROOT, run_cli
from tests.support.fakebotapi import FakeBotAPI
from tests.support.tgharness import TOKEN, TgChat, running_bot, settle, spawn_bot, stop_process

ALICE = 1001
BOB = 1002



@pytest.fixture
async def bot(core, fake):
    async with running_bot(core, fake) as application:
        yield application


async def test_start_greets_in_the_users_language_and_registers_the_menu_in_both(bot, fake):
    en = TgChat(fake, 2002, language_code="en")
    await en.say("/start")
    assert "Hello!" in en.text
    labels = [b["text"] for b in fake.sent_to(2002)[-1].buttons]
    assert labels == ["💬 Ask a question", "📝 Take the quiz", "🏆 How the award works"]
    zh = TgChat(fake, 2003, language_code="zh-hans")
    await zh.say("/start")
    assert "你好！" in zh.text
    menus = {c.params.get("language_code") for c in fake.calls_of("setMyCommands")}
    assert {"zh", "en"} <= menus
    zh_menu = next(c for c in fake.calls_of("setMyCommands") if c.params.get("language_code") == "zh")
    names = [c["command"] for c in zh_menu.params["commands"]]
    for command in ("help", "quiz", "lang", "history", "privacy", "mydata", "delete", "cancel"):
        assert command in names


async def test_deep_links_open_the_quiz_or_an_entry(bot, fake):
    chat = TgChat(fake, ALICE)
    await chat.say("/start topic_cat.results")
    assert "4.7" in chat.text
    await chat.say("/start quiz")
    assert "快速版" in chat.text


async def test_answers_are_html_escaped_and_keep_their_buttons(bot, fake, core):
    fake.strict_ampersand = True  # stricter than Telegram: any unescaped & is refused
    entry = next(e for e in core.kb.entries.values() if "&" in e.answer["en"])
    chat = TgChat(fake, ALICE, language_code="en")
    await chat.say("/lang en")
    await chat.say(f"/start topic_{entry.id}")
    sent = chat.calls("sendMessage")[-1]
    assert sent.ok, sent.description
    assert sent.params["parse_mode"] == "HTML"
    assert "&amp;" in sent.params["text"]
    assert "&" in sent.result["text"]
    await chat.say("战略部署怎么写")
    sent = chat.calls("sendMessage")[-1]
    assert sent.params["text"].startswith("<b>4.2.3")
    labels = [b["text"] for b in fake.sent_to(ALICE)[-1].buttons]
    assert "👍 Helpful" in labels
    assert "📖 Read more" in labels


async def test_long_texts_are_split_under_the_message_limit(bot, fake, core):
    longest = max(core.kb.entries.values(), key=lambda e: len((e.details or {}).get("zh", "")))
    chat = TgChat(fake, ALICE)
    await chat.say(f"/start topic_{longest.id}")
    await chat.press("展开详细")
    sends = chat.calls("sendMessage")
    assert all(c.ok for c in sends)
    assert all(len(c.result["text"]) <= 4096 for c in sends)
    total = sum(len(c.result["text"]) for c in sends)
    assert total >= len(longest.details["zh"]) * 0.95


async def test_votes_are_stored_and_every_button_press_is_answered(bot, fake, core):
    chat = TgChat(fake, ALICE)
    await chat.say("战略部署怎么写")
    await chat.press("👍")
    answer = chat.calls("answerCallbackQuery")[0]
    assert answer.params.get("text") == "谢谢反馈！"
    votes = list(core.store.db.query("SELECT user_id, entry, vote FROM feedback"))
    assert votes == [{"user_id": f"tg:{ALICE}", "entry": "cat.strategy.deployment", "vote": 1}]


async def test_the_quiz_edits_in_place_and_ends_with_text_and_a_photo(bot, fake, core):
    chat = TgChat(fake, ALICE)
    await chat.say("/quiz quick")
    question_id = fake.sent_to(ALICE)[-1].message_id
    n = len(core.kb.quiz.modes["quick"])
    for i in range(n):
        await chat.press("B" if i % 2 else "D")
    edits = [c for c in fake.calls_of("editMessageText") if c.ok]
    assert len(edits) == n  # n-1 next questions, then "quiz complete", all in the same message
    assert {c.params["message_id"] for c in edits} == {question_id}
    photo = chat.calls("sendPhoto")[0]
    assert photo.ok
    assert bytes(photo.params["photo"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "估计总分" in chat.text
    await chat.press("📖")  # a recommendation opens its entry
    assert "条款" in chat.text or "Clause" in chat.text
    presses = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert len(presses) == n + 1  # every press answered, exactly once
    assert all(c.ok for c in presses)


async def test_stale_and_forged_buttons_are_answered_and_expire_politely(bot, fake, core):
    chat = TgChat(fake, ALICE)
    await chat.say("/quiz quick")
    msg = fake.sent_to(ALICE)[-1]
    first = msg.callback_data[0]
    await chat.press("A")
    start = len(fake.calls)
    fake.callback(ALICE, first, message_id=msg.message_id, check_button=False)  # replayed
    toast = await fake.wait_for("answerCallbackQuery", start=start)
    await settle(fake)
    assert "过期" in toast.params.get("text", "")
    assert not [c for c in fake.calls[start:] if c.method in ("sendMessage", "editMessageText")]  # the toast only
    start = len(fake.calls)
    fake.callback(ALICE, "q:ffffffff:0:1", message_id=msg.message_id, check_button=False)  # forged
    answered = await fake.wait_for("answerCallbackQuery", start=start)
    assert "过期" in answered.params.get("text", "")
    sid = first.split(":")[1]
    assert len(core.store.quiz_answers(sid)) == 1


async def test_message_not_modified_is_harmless(bot, fake, caplog):
    chat = TgChat(fake, ALICE)
    await chat.say("/quiz quick")
    fake.fail_next("editMessageText", 400, "Bad Request: message is not modified: specified new message "
                   "content and reply markup are exactly the same as a current content and reply markup of the message")
    with caplog.at_level(logging.INFO):
        await chat.press("A")
    assert chat.calls("answerCallbackQuery")
    assert [c.status for c in chat.calls("editMessageText")] == [400]
    assert not chat.calls("sendMessage")  # already on screen: no duplicate message
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(("builder", "expected"), [
    ("sticker", "贴纸"), ("photo", "图片"), ("voice", "语音"), ("document", "文件"),
])
async def test_non_text_messages_get_a_polite_reply(bot, fake, builder, expected):
    chat = TgChat(fake, ALICE)
    await chat._step(lambda: getattr(fake, builder)(ALICE))
    assert expected in chat.text


async def test_edited_and_oversized_messages(bot, fake):
    chat = TgChat(fake, ALICE)
    sent = {}
    await chat._step(lambda: sent.update(fake.message(ALICE, "战略部署怎么写")))
    await chat._step(lambda: fake.edited(ALICE, "战略制定怎么写", sent["message"]["message_id"]))
    assert "修改" in chat.text
    await chat.say("质" * 4096)  # the longest message Telegram delivers
    assert all(c.ok for c in chat.calls("sendMessage"))
    assert "太长" in chat.text


async def test_group_chats_answer_only_mentions_replies_and_commands(bot, fake):
    group = -500
    start = len(fake.calls)
    fake.group_message(ALICE, group, "战略部署怎么写")  # not addressed to the bot
    await settle(fake, quiet=0.4)
    assert not [c for c in fake.calls[start:] if c.method == "sendMessage"]
    start = len(fake.calls)
    fake.group_message(ALICE, group, "战略部署怎么写", mention=True)
    sent = await fake.wait_for("sendMessage", start=start)
    assert sent.params["chat_id"] == group
    assert "4.2.3" in sent.result["text"]
    start = len(fake.calls)
    fake.group_message(ALICE, group, "/help@awardbot_test")
    assert "/quiz" in (await fake.wait_for("sendMessage", start=start)).result["text"]
    start = len(fake.calls)
    fake.group_message(ALICE, group, "/help@some_other_bot")
    await settle(fake, quiet=0.4)
    assert not [c for c in fake.calls[start:] if c.method == "sendMessage"]
    start = len(fake.calls)
    fake.group_message(ALICE, group, "how is a results item scored?", reply_to_bot=True)
    assert (await fake.wait_for("sendMessage", start=start)).ok


async def test_inline_mode_offers_the_best_matches_as_articles(bot, fake):
    start = len(fake.calls)
    fake.inline(ALICE, "战略部署")
    call = await fake.wait_for("answerInlineQuery", start=start)
    assert call.ok
    results = call.params["results"]
    assert results[0]["id"] == "cat.strategy.deployment"
    assert results[0]["input_message_content"]["parse_mode"] == "HTML"


async def test_a_blocked_user_is_marked_inactive_and_not_retried(bot, fake, core):
    chat = TgChat(fake, ALICE)
    await chat.say("你好")
    fake.block(ALICE)
    start = len(fake.calls)
    fake.message(ALICE, "战略部署怎么写")
    await fake.wait_for("sendMessage", start=start)
    await settle(fake, quiet=0.5)
    assert len([c for c in fake.calls[start:] if c.method == "sendMessage"]) == 1
    assert core.store.user(f"tg:{ALICE}")["active"] == 0


async def test_429_retry_after_is_honoured(bot, fake):
    fake.rate_limit("sendMessage", retry_after=1, times=1)
    began = time.monotonic()
    start = len(fake.calls)
    fake.message(ALICE, "你好")
    delivered = await fake.wait_for(lambda c: c.method == "sendMessage" and c.ok, start=start, timeout=10)
    assert time.monotonic() - began >= 1.0
    assert "你好！" in delivered.result["text"]
    sends = [c.status for c in fake.calls[start:] if c.method == "sendMessage"]
    assert sends == [429, 200]


async def test_an_unexpected_error_is_logged_and_the_user_gets_an_apology(bot, fake, core, caplog):
    chat = TgChat(fake, ALICE)
    await chat.say("你好")
    core.store.db.conn.close()  # the database goes away under the running bot
    with caplog.at_level(logging.ERROR):
        await chat.say("战略部署怎么写")
    assert "抱歉" in chat.text
    assert "Traceback" not in chat.text
    assert "sqlite" not in chat.text.lower()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors
    assert "error while handling an update" in errors[0].getMessage()


async def test_reminders_come_once_and_survive_a_restart(fake, settings, knowledge):
    now = [1_800_000_000.0]
    core = Core(settings, knowledge, None, clock=lambda: now[0])
    async with running_bot(core, fake):
        chat = TgChat(fake, ALICE)
        await chat.say("/quiz quick")
        await chat.press("A")
    now[0] += 25 * 3600  # a day later, after a restart
    core = Core(settings, knowledge, None, clock=lambda: now[0])
    async with running_bot(core, fake):
        call = await fake.wait_for(lambda c: c.method == "sendMessage" and "没做完" in str(c.params.get("text")),
                                   timeout=5)
        assert "1/14" in call.params["text"]
        await asyncio.sleep(0.6)  # several more checks: no second reminder
        reminders = [c for c in fake.calls if c.method == "sendMessage" and "没做完" in str(c.params.get("text"))]
        assert len(reminders) == 1
        chat = TgChat(fake, ALICE)
        await chat.press("不再提醒")
        assert core.store.user(f"tg:{ALICE}")["reminders"] == 0


async def test_webhook_mode_checks_the_secret_on_every_delivery(core, fake):
    port = _free_port()
    options = {}
    async with running_bot(core, fake, **options) as application:
        await application.updater.stop()
        await application.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook",
                                                webhook_url=f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        await fake.wait_for("setWebhook")
        assert fake.webhook["secret_token"] == "s3cret"
        update = fake.message(ALICE, "战略部署怎么写")
        assert await fake.deliver_webhook(update) == 200
        sent = await fake.wait_for("sendMessage")
        assert "4.2.3" in sent.result["text"]
        start = len(fake.calls)
        assert await fake.deliver_webhook(fake.message(ALICE, "你好"), secret="wrong") == 403
        assert await fake.deliver_webhook(fake.message(ALICE, "你好"), secret=None) == 403
        await settle(fake, quiet=0.3)
        assert not [c for c in fake.calls[start:] if c.method == "sendMessage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_real_process_polls_answers_and_stops_cleanly_on_sigterm(fake, cli_env):
    proc = await spawn_bot(fake, cli_env)
    try:
        await fake.wait_for("getUpdates", timeout=60)
        start = len(fake.calls)
        fake.message(ALICE, "战略部署怎么写")
        sent = await fake.wait_for("sendMessage", start=start, timeout=20)
        assert "4.2.3" in sent.result["text"]
    finally:
        err = await stop_process(proc)  # SIGTERM: exit code 0 is checked there
    assert "store closed" in err
    assert TOKEN not in err
    assert TOKEN.split(":")[1] not in err


def test_missing_and_rejected_tokens_exit_2_with_one_line(cli_env, tmp_path):
    missing = run_cli("telegram", env=cli_env)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0
    assert "AWARDBOT_TOKEN" in missing.stderr
    malformed = run_cli("telegram", env=cli_env | {"AWARDBOT_TOKEN": "not a token"})
    assert malformed.returncode == 2
    token_file = tmp_path / "token"
    token_file.write_text("999:rejected\n")
    rejected = _run_against_fake(cli_env, token_file)
    assert rejected.returncode == 2, rejected.stderr
    assert "rejected the token" in rejected.stderr
    assert "Traceback" not in rejected.stderr
    assert "999:rejected" not in rejected.stderr


def _run_against_fake(cli_env, token_file):
    """`awardbot telegram --token-file` against a fake that knows a different token."""
    async def main():
        async with FakeBotAPI(tokens={TOKEN}) as server:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "telegram", "--token-file", str(token_file),
                "--api-base-url", server.base_url,
                env={k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env, cwd=ROOT,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
            return subprocess.CompletedProcess([], proc.returncode, out.decode(), err.decode())
    return asyncio.run(main())


async def test_a_409_conflict_is_logged_and_polling_resumes(bot, fake, caplog):
    """Another instance polling the same token (409): the bot logs it and keeps serving afterwards."""
    await fake.wait_for("getUpdates")
    intruder = fake.make_bot(TOKEN)
    async with intruder:
        with caplog.at_level(logging.ERROR), contextlib.suppress(Conflict):
            # a long poll from another instance terminates the bot's waiting one with 409 (and the bot's
            # next poll terminates this one in turn)
            await intruder.get_updates(timeout=2)
        await asyncio.sleep(0.3)
    conflicts = [c for c in fake.calls if c.method == "getUpdates" and c.status == 409]
    assert conflicts
    chat = TgChat(fake, ALICE)
    await chat.say("战略部署怎么写")
    assert "4.2.3" in chat.text


async def test_an_expired_callback_query_still_acts_on_the_press(core, settings, knowledge):
    async with (FakeBotAPI(tokens={TOKEN}, bot_username="awardbot_test", callback_ttl=0) as fake,
                running_bot(core, fake)):
        chat = TgChat(fake, ALICE)
        await chat.say("/quiz quick")
        await chat.press("A")
        answered = chat.calls("answerCallbackQuery")
        assert answered[0].status == 400  # "query is too old"
        assert "第 2/14 题" in chat.text  # the answer was still recorded and the next question shown


async def test_message_texts_are_logged_only_when_the_operator_asks(fake, settings, knowledge, caplog):
    for log_text in (False, True):
        core = Core(settings.with_(log_text=log_text), knowledge, None)
        async with running_bot(core, fake):
            caplog.clear()
            with caplog.at_level(logging.INFO, logger="bot.channels.telegram"):
                await TgChat(fake, ALICE).say("战略部署怎么写")
            lines = [r.getMessage() for r in caplog.records if "user=tg:1001" in r.getMessage()]
            assert lines
            assert ("战略部署怎么写" in lines[0]) is log_text


async def _webhook_process(fake, cli_env, port: int, **env):
    """The real `awardbot telegram` in webhook mode, pointed at the fake Bot API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env | {
        "AWARDBOT_TOKEN": TOKEN} | env
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", "--api-base-url", fake.base_url,
        "--webhook-url", f"http://127.0.0.1:{port}/awardbot", "--listen", "127.0.0.1", "--port", str(port),
        env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def _deliver_once_listening(fake, update, **kwargs) -> int | None:
    """Deliver an update to the webhook, waiting for the bot's server to bind its port."""
    for _ in range(100):
        with contextlib.suppress(aiohttp.ClientConnectorError):
            return await fake.deliver_webhook(update, **kwargs)
        await asyncio.sleep(0.2)
    return None


async def test_the_real_process_in_webhook_mode_rejects_deliveries_without_the_secret(fake, cli_env):
    port = _free_port()
    proc = await _webhook_process(fake, cli_env, port, AWARDBOT_WEBHOOK_SECRET="s3cret-from-env")
    try:
        await fake.wait_for("setWebhook", timeout=60)
        assert fake.webhook["url"] == f"http://127.0.0.1:{port}/awardbot"
        assert fake.webhook["secret_token"] == "s3cret-from-env"
        assert await _deliver_once_listening(fake, fake.message(ALICE, "战略部署怎么写")) == 200
        sent = await fake.wait_for("sendMessage", timeout=20)
        assert "4.2.3" in sent.result["text"]
        assert await fake.deliver_webhook(fake.message(ALICE, "你好"), secret="guess") == 403
    finally:
        err = await stop_process(proc)
    assert "s3cret-from-env" not in err


async def test_drop_pending_updates_discards_what_arrived_while_the_bot_was_down(fake, cli_env):
    fake.message(ALICE, "战略部署怎么写")  # sent while no bot runs
    fake.message(BOB, "how is a results item scored?")
    assert len(fake.pending_updates) == 2
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env | {
        "AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": fake.base_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", "--drop-pending-updates", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for("getUpdates", timeout=60)
        assert fake.pending_updates == []
        start = len(fake.calls)
        fake.message(ALICE, "你好")  # what comes after the start is answered as usual
        sent = await fake.wait_for("sendMessage", start=start, timeout=20)
        assert sent.params["chat_id"] in (ALICE, str(ALICE))
    finally:
        await stop_process(proc)
    texts = [c.params.get("text", "") for c in fake.calls if c.method == "sendMessage"]
    assert not any("4.2.3" in t or "LeTCI" in t for t in texts)  # the two old questions got no answer


async def test_a_generated_webhook_secret_is_registered_and_never_logged(fake, cli_env):
    proc = await _webhook_process(fake, cli_env, _free_port(), AWARDBOT_LOG_LEVEL="DEBUG")
    try:
        await fake.wait_for("setWebhook", timeout=60)
        secret = fake.webhook["secret_token"]
        assert len(secret or "") >= 32  # generated, and unguessable
        assert await _deliver_once_listening(fake, fake.message(ALICE, "你好"), secret=None) == 403
        assert await fake.deliver_webhook(fake.message(ALICE, "你好")) == 200  # with the registered secret
        await fake.wait_for("sendMessage", timeout=20)
    finally:
        err = await stop_process(proc)
    assert secret not in err  # not even at DEBUG
    assert TOKEN.split(":")[1] not in err
