"""The fake Bot API itself, driven by a real telegram.Bot over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dtm

import aiohttp
import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, filters
from telegram.warnings import PTBDeprecationWarning

from tests.support.fakebotapi import FakeBotAPI, fast_request, make_png

TOKEN = "123:ABC"
USER = 4711


@pytest.fixture
async def server():
    async with FakeBotAPI(tokens={TOKEN}, bot_username="awardbot_test") as s:
        yield s


@pytest.fixture
async def bot(server):
    async with server.make_bot(TOKEN) as b:  # Bot(TOKEN, base_url=server.base_url, ...), faster to build
        yield b


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d) for d in data]])


async def eventually(condition, within: float = 2.0) -> None:
    for _ in range(int(within / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


async def test_get_me(server, bot):
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123, "awardbot_test", True)
    assert me.supports_inline_queries
    assert me.can_join_groups
    assert server.calls_of("getMe")[0].ok


async def test_bad_token_is_invalid_token_and_envelopes_are_json(server):
    with pytest.raises(InvalidToken):
        async with server.make_bot("999:nope"):
            pass
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.base_url}999:nope/getMe") as r:
            assert (r.status, await r.json()) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        async with http.post(f"{server.base_url}{TOKEN}/noSuchMethod") as r:
            assert (r.status, await r.json()) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_long_polling_returns_a_pushed_update_and_honours_offset(server, bot):
    started = asyncio.get_running_loop().time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await eventually(lambda: server.is_polling)
    pushed = server.message(USER, "你好")
    updates = await poll
    assert asyncio.get_running_loop().time() - started < 2
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert updates[0].message.text == "你好"
    assert updates[0].message.from_user.language_code == "zh-hans"

    second = server.message(USER, "second")["update_id"]
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [pushed["update_id"], second]
    assert [u.update_id for u in await bot.get_updates(offset=second, timeout=0)] == [second]
    assert await bot.get_updates(offset=second + 1, timeout=0) == ()
    assert server.pending_updates == []


async def test_a_second_waiting_get_updates_terminates_the_first_with_conflict(server, bot):
    async with server.make_bot() as other:  # another instance of the same bot
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await eventually(lambda: server.is_polling)
        second = asyncio.create_task(other.get_updates(timeout=5))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        await eventually(lambda: server.is_polling)
        server.message(USER, "hi")
        assert [u.message.text for u in await second] == ["hi"]


async def test_html_is_validated_like_telegram(server, bot):
    server.message(USER, "/start")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag") as bad:
        await bot.send_message(USER, "a < b", parse_mode="HTML")
    assert "byte offset 2" in str(bad.value)
    for broken in ("<b>bold", "<b><i>x</b></i>", "<br>", "<span>s</span>"):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(USER, broken, parse_mode="HTML")
    sent = await bot.send_message(USER, "<b>粗</b> &lt;x&gt; Tom & Jerry", parse_mode="HTML")
    assert sent.text == "粗 <x> Tom & Jerry"  # a lone "&" is literal on Telegram
    assert sent.entities[0].type == "bold"
    assert sent.text_html.startswith("<b>粗</b>")
    stored = server.sent_to(USER)[-1]
    assert (stored.raw_text, stored.text) == ("<b>粗</b> &lt;x&gt; Tom & Jerry", "粗 <x> Tom & Jerry")


async def test_length_counts_visible_text(server, bot):
    server.message(USER, "/start")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "a" * 4097)
    await bot.send_message(USER, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML")  # tags do not count
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "")


async def test_edit_unchanged_is_not_modified_and_omitting_the_keyboard_removes_it(server, bot):
    server.message(USER, "/start")
    sent = await bot.send_message(USER, "<b>Q1</b>", parse_mode="HTML", reply_markup=keyboard("a", "b"))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("<b>Q1</b>", USER, sent.message_id, parse_mode="HTML",
                                    reply_markup=keyboard("a", "b"))
    edited = await bot.edit_message_text("<b>Q1</b>", USER, sent.message_id, parse_mode="HTML")
    assert edited.reply_markup is None
    assert server.sent_to(USER)[-1].reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)


async def test_blocked_user_is_forbidden(server, bot):
    server.message(USER, "/start")
    server.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "reminder")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999_999, "nobody ever wrote to this bot")


async def test_rate_limit_is_retry_after(server, bot, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # else RetryAfter() itself emits a PTBDeprecationWarning
    server.message(USER, "/start")
    server.rate_limit("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(USER, "first")
    assert limited.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(USER, "second")  # times=1: the next call goes through
    assert [c.status for c in server.calls_of("sendMessage")] == [429, 200]


async def test_retry_after_warns_without_ptb_timedelta(server, bot, monkeypatch):
    monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    server.message(USER, "/start")
    server.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1})
    with pytest.warns(PTBDeprecationWarning), pytest.raises(RetryAfter):
        await bot.send_message(USER, "x")


async def test_send_photo_uploads_multipart_and_stores_the_bytes(server, bot):
    server.message(USER, "/start")
    png = make_png(800, 600)
    sent = await bot.send_photo(USER, photo=png, filename="chart.png", caption="<b>图表</b>", parse_mode="HTML")
    upload = server.calls_of("sendPhoto")[0].params["photo"]
    assert upload == png
    assert upload.filename == "chart.png"
    stored = server.sent_to(USER)[-1]
    assert stored.photo == png
    assert stored.caption == "图表"
    assert (sent.photo[-1].width, sent.photo[-1].height) == (800, 600)
    assert sent.caption == "图表"
    file = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == png
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(USER, photo=b"<svg/>", filename="chart.svg")
    doc = await bot.send_document(USER, document=b"a,b\n1,2\n", filename="成绩.csv")
    assert doc.document.file_name == "成绩.csv"
    assert server.sent_to(USER)[-1].document == b"a,b\n1,2\n"


async def test_callback_query_can_be_answered_once(server, bot):
    server.message(USER, "/start")
    sent = await bot.send_message(USER, "Pick", reply_markup=keyboard("quiz:1", "quiz:2"))
    update = Update.de_json(server.callback(USER, "quiz:2", message_id=sent.message_id), bot)
    assert update.callback_query.message.text == "Pick"
    assert update.callback_query.data == "quiz:2"
    assert await bot.answer_callback_query(update.callback_query.id, text="ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(update.callback_query.id)
    with pytest.raises(ValueError, match="no button"):
        server.callback(USER, "quiz:9", message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard("长" * 22))  # 66 bytes of UTF-8


async def test_commands_carry_a_bot_command_entity(server, bot):
    update = Update.de_json(server.message(USER, "/start deep-link"), bot)
    entity = update.message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)
    assert filters.COMMAND.check_update(update)
    assert not Update.de_json(server.message(USER, "/开始"), bot).message.entities  # not a command
    group = Update.de_json(server.group_message(USER, -100, "质量奖是什么", mention=True), bot)
    assert group.message.chat.type == "group"
    assert group.message.parse_entities(["mention"])
    sent = await bot.send_message(-100, "答")
    reply = Update.de_json(server.group_message(USER, -100, "谢谢", reply_to_bot=True), bot)
    assert reply.message.reply_to_message.message_id == sent.message_id
    assert reply.message.reply_to_message.from_user.id == bot.id


async def test_set_my_commands_refuses_zh_hans(server, bot):
    with pytest.raises(BadRequest, match=r"(?i)invalid language code"):
        await bot.set_my_commands([("quiz", "测验")], language_code="zh-hans")
    assert await bot.set_my_commands([("quiz", "测验")], language_code="zh")
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["quiz"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Quiz-Now", "x")])


async def test_webhook_delivery_carries_the_secret(server, bot):
    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        return web.Response(status=200 if secret == "s3cret_token-1" else 403)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        assert await bot.set_webhook(url, secret_token="s3cret_token-1")
        assert (await bot.get_webhook_info()).url == url
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        update = server.message(USER, "/start")
        assert await server.deliver_webhook(update) == 200
        assert received[0] == ("s3cret_token-1", update)
        assert server.pending_updates == []
        assert await server.deliver_webhook(server.message(USER, "x"), secret="wrong") == 403
        assert "403" in (await bot.get_webhook_info()).last_error_message
    finally:
        await runner.cleanup()
    server.webhook = {"url": "https://example.com/hook"}
    with pytest.raises(RuntimeError, match="non-loopback"):
        await server.deliver_webhook({"message": {}})


async def test_a_ptb_application_polls_and_answers(server):
    async def start(update: Update, context) -> None:
        await update.message.reply_text(f"<b>欢迎</b> {update.effective_user.first_name}", parse_mode="HTML")

    app = (ApplicationBuilder().token(TOKEN).base_url(server.base_url).base_file_url(server.base_file_url)
           .request(fast_request()).get_updates_request(fast_request(connection_pool_size=1)).build())
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=5))
        server.message(USER, "/start", first_name="小明")
        call = await server.wait_for(lambda c: c.method == "sendMessage", timeout=5)
        await app.updater.stop()
        await app.stop()
    assert call.ok
    assert server.texts_to(USER) == ["欢迎 小明"]
    assert server.calls_of("deleteWebhook")
    assert server.pending_updates == []
