"""The web chat over real HTTP on 127.0.0.1: transcripts, and every safety point of the channel."""

from __future__ import annotations

import json
import logging

import pytest

from bot.channels.web.identity import COOKIE
from tests.support.transcript import SCENARIOS
from tests.webchat import CSRF, web_server


@pytest.fixture
async def browser(core):
    async with web_server(core) as make:
        yield make


async def quiz_to_result(chat, answer: str = "C") -> None:
    await chat.say("/quiz quick")
    for _ in range(14):
        assert "quiz_question" in chat.kinds(), chat.text[:200]
        await chat.press(answer)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_the_spine_transcripts_run_through_the_web(browser, name):
    chat = await browser()
    for action, arg, expected in SCENARIOS[name]:
        await getattr(chat, action)(arg)  # say, press or press_earlier (tests/support/transcript.py)
        assert chat.status == 200
        for part in expected:
            assert part in chat.text, (name, action, arg, part, chat.text[:300])


async def test_the_page_carries_a_csrf_token_a_strict_csp_and_a_signed_httponly_cookie(core):
    async with web_server(core) as browser:
        chat = await browser()
        response = await chat.client.get("/")
        assert response.status == 200
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        cookie = response.cookies[COOKIE]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        assert not cookie["secure"]
        assert len(chat.csrf) == 32
        page = await response.text()
        assert "<script>" not in page
        assert "onclick" not in page
        assert "style=" not in page
        health = await chat.client.get("/healthz")
        assert health.status == 200
        body = await health.json()
        assert body["ok"] is True
        assert body["channel"] == "web"


async def test_the_cookie_is_secure_behind_https_only_from_a_trusted_proxy(core):
    import ipaddress

    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3", "X-Forwarded-Host": "chat.example.cn"}
    async with web_server(core) as browser:  # no trusted proxy: the headers are a client's claim
        chat = await browser()
        response = await chat.client.get("/", headers=https)
        assert not response.cookies[COOKIE]["secure"]
    async with web_server(core, trusted_proxies=(ipaddress.ip_network("127.0.0.1/32"),)) as browser:
        chat = await browser()
        response = await chat.client.get("/", headers=https)
        cookie = response.cookies[COOKIE]
        assert cookie["secure"]
        csrf = CSRF.search(await response.text()).group(1)
        chat.client.session.cookie_jar.clear()  # a Secure cookie is never sent over plain http: send it by hand
        sent = await chat.client.post("/api/messages", json={"text": "/team new 质量部"},
                                      headers=https | {"Cookie": f"{COOKIE}={cookie.value}", "X-CSRF-Token": csrf})
        body = await sent.json()  # the invitation link uses the address the browser sees
        assert "https://chat.example.cn/?start=team_" in body["replies"][0]["html"]


async def test_requests_without_the_csrf_token_are_refused(browser):
    alice, bob = await browser(), await browser()
    response, data = await alice.post("/api/messages", {"text": "你好"}, headers={"X-CSRF-Token": ""})
    assert response.status == 403
    assert data["error"] == "forbidden"
    assert data["replies"][0]["text"]
    response, _ = await alice.post("/api/buttons", {"data": "menu:quiz"}, headers={"X-CSRF-Token": "x" * 32})
    assert response.status == 403
    response, _ = await alice.post("/api/messages", {"text": "你好"}, headers={"X-CSRF-Token": bob.csrf})
    assert response.status == 403
    await alice.say("你好")
    assert alice.status == 200


async def test_a_tampered_cookie_is_no_identity(browser):
    chat = await browser()
    await chat.say("/quiz quick")
    original = chat.client.session.cookie_jar.filter_cookies(chat.client.make_url("/"))[COOKIE].value
    body, mac = original.split(".")
    import base64

    payload = base64.urlsafe_b64decode(body + "==").decode()
    forged = payload.replace(payload.split("|")[1], "f" * 32)
    forged_body = base64.urlsafe_b64encode(forged.encode()).rstrip(b"=").decode()
    chat.client.session.cookie_jar.clear()
    response, _ = await chat.post("/api/messages", {"text": "你好"}, headers={"Cookie": f"{COOKIE}={original}"})
    assert response.status == 200  # the untouched cookie, sent by hand, is accepted
    edited = original[:-2] + ("BB" if original.endswith("AA") else "AA")  # never the signature it already has
    for value in (f"{forged_body}.{mac}", edited, "garbage", ""):
        response, data = await chat.post("/api/messages", {"text": "你好"}, headers={"Cookie": f"{COOKIE}={value}"})
        assert response.status == 403, value
        assert data["error"] == "forbidden", value
    page = await chat.client.get("/", headers={"Cookie": f"{COOKIE}={forged_body}.{mac}"})  # a fresh identity
    assert page.cookies[COOKIE].value != original


async def test_files_are_served_only_to_their_owner_and_are_gone_after_delete(browser):
    alice, bob = await browser(), await browser()
    await quiz_to_result(alice)
    image = next(r["image"] for r in alice.last if r["image"])
    response = await alice.client.get(image)
    assert response.status == 200
    assert response.content_type == "image/png"
    assert (await response.read()).startswith(b"\x89PNG")
    assert (await bob.client.get(image)).status == 404
    await alice.say("/mydata")
    export = alice.last[0]["file"]
    assert export["name"].endswith(".json")
    response = await alice.client.get(export["url"])
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(await response.read())
    assert data["user"]["id"].startswith("web:")
    assert data["web_conversation"]
    assert (await bob.client.get(export["url"])).status == 404
    await alice.say("/delete")
    await alice.press("删除")
    assert "deleted" in alice.kinds()
    assert (await alice.client.get(image)).status == 404
    assert (await alice.client.get(export["url"])).status == 404
    history = await (await alice.client.get("/api/history")).json()
    assert history["messages"] == []


async def test_a_result_comes_with_the_chart_inline_and_the_pdf_as_a_download(browser):
    chat = await browser()
    await quiz_to_result(chat)
    assert any(r["image"] for r in chat.last)
    await chat.press("PDF")
    pdf = next(r["file"] for r in chat.last if r["file"])
    response = await chat.client.get(pdf["url"])
    assert response.status == 200
    assert response.content_type == "application/pdf"
    assert (await response.read()).startswith(b"%PDF")


async def test_user_text_is_escaped_everywhere(browser):
    chat = await browser()
    attack = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    await chat.say(attack)
    for r in chat.last:
        assert "<script" not in r["html"], r["html"]
        assert "<img" not in r["html"], r["html"]
    await chat.say("/" + attack)  # an unknown command is named in the reply
    assert "&lt;script&gt;" in chat.last[0]["html"] or "script" not in chat.last[0]["text"]
    assert "<script" not in chat.last[0]["html"]
    history = await (await chat.client.get("/api/history")).json()
    assert history["messages"][0] == {"id": history["messages"][0]["id"], "from": "user", "text": attack}
    assert all("<script" not in m.get("html", "") for m in history["messages"])


async def test_oversized_bodies_and_messages_are_refused_politely(core):
    async with web_server(core, max_body=4096, max_text=1000) as browser:
        chat = await browser()
        response, data = await chat.post("/api/messages", {"text": "质" * 3000})
        assert response.status == 413
        assert data["error"] == "too_large"
        response, data = await chat.post("/api/messages", {"text": "a" * 1001})
        assert response.status == 413
        assert data["error"] == "too_long"
        assert "1000" in data["replies"][0]["text"]
        for body in ([], {"text": 5}, {"data": "x"}):
            response, data = await chat.post("/api/messages", body)
            assert response.status == 400, body
        response = await chat.client.post("/api/messages", data="text=hi", headers={"X-CSRF-Token": chat.csrf})
        assert response.status == 400
        await chat.say("a" * 1000)
        assert chat.status == 200


async def test_a_fast_client_gets_a_polite_429_and_others_are_not_slowed(core):
    async with web_server(core, rate_per_minute=6, rate_burst=3) as browser:
        alice, bob = await browser(), await browser()
        for _ in range(3):
            await alice.say("你好")
            assert alice.status == 200
        response, data = await alice.post("/api/messages", {"text": "你好"})
        assert response.status == 429
        assert int(response.headers["Retry-After"]) >= 1
        assert data["error"] == "rate_limited"
        assert "秒" in data["replies"][0]["text"]
        await bob.say("你好")
        assert bob.status == 200


async def test_stale_and_forged_buttons_are_refused_as_on_telegram(browser):
    chat = await browser()
    await chat.say("/quiz quick")
    first = next(b["data"] for b in chat.buttons() if b["label"] == "C")
    await chat.press_data(first)
    assert "第 2/14 题" in chat.text
    assert chat.last[0]["replaces"]  # the quiz step replaces the message whose button was pressed
    await chat.press_data(first)  # the same press again: stale
    assert chat.kinds() == ["expired"]
    assert "过期" in chat.text
    for forged in ("q:deadbeef:1:0", "d:000000000000", "tj:team:leader", "menu:quiz"):  # never shown to this browser
        await chat.press_data(forged)
        assert chat.status == 200, forged
        assert chat.kinds() == ["expired"], forged
    response, _ = await chat.post("/api/buttons", {"data": "x" * 65})
    assert response.status == 400


async def test_an_access_code_guards_the_whole_site(core):
    async with web_server(core, access_code="质量2026") as browser:
        chat = await browser()
        assert "csrf-token" not in chat.page
        assert 'name="code"' in chat.page
        response, data = await chat.post("/api/messages", {"text": "你好"})
        assert response.status == 401
        assert data["error"] == "access"
        form_csrf = chat.page.split('name="csrf" value="')[1].split('"')[0]
        wrong = await chat.client.post("/access", data={"code": "nope", "csrf": form_csrf}, allow_redirects=False)
        assert wrong.status == 401
        forged = await chat.client.post("/access", data={"code": "质量2026", "csrf": "x"}, allow_redirects=False)
        assert forged.status == 403
        right = await chat.client.post("/access", data={"code": "质量2026", "csrf": form_csrf}, allow_redirects=False)
        assert right.status == 303
        await chat.open()
        await chat.say("你好")
        assert chat.status == 200
        assert "你好" in chat.text
        assert (await chat.client.get("/healthz")).status == 200  # health checks need no code


async def test_admin_commands_need_the_admin_secret(core):
    secret = "s3cret-admin-key-0123"
    async with web_server(core, admin_secret=secret) as browser:
        chat = await browser()
        await chat.say("/stats")
        assert chat.kinds() == ["admin_only"]
        form = await (await chat.client.get("/admin")).text()
        token = form.split('name="csrf" value="')[1].split('"')[0]
        wrong = await chat.client.post("/admin", data={"secret": "guess", "csrf": token}, allow_redirects=False)
        assert wrong.status == 403
        right = await chat.client.post("/admin", data={"secret": secret, "csrf": token}, allow_redirects=False)
        assert right.status == 303
        await chat.open()
        await chat.say("/stats")
        assert chat.kinds() == ["stats"]
        await chat.say("/unanswered")
        assert chat.kinds() == ["unanswered"]
        other = await browser()
        await other.say("/stats")
        assert other.kinds() == ["admin_only"]
        out = await chat.client.post("/admin", data={"action": "signout", "csrf": token}, allow_redirects=False)
        assert out.status == 303
        await chat.open()
        await chat.say("/stats")
        assert chat.kinds() == ["admin_only"]


async def test_the_conversation_and_the_quiz_survive_a_reload_and_a_restart(core, settings, knowledge):
    from bot import app

    async with web_server(core) as browser:
        chat = await browser()
        await chat.say("战略部署怎么写")
        await chat.say("/quiz quick")
        await chat.press("B")
        await chat.press("C")
        cookie = chat.cookie()
    again = app.Core(settings, knowledge, None)  # a new process on the same database and files
    async with web_server(again) as browser:
        chat = await browser()
        chat.adopt(cookie)
        await chat.open()
        history = await (await chat.client.get("/api/history")).json()
        texts = [m["text"] for m in history["messages"]]
        assert texts[0] == "战略部署怎么写"
        assert "4.2.3" in texts[1]
        assert "第 3/14 题" in texts[-1]
        assert len([t for t in texts if "/14 题" in t]) == 1
        chat.last = [history["messages"][-1]]
        await chat.press("D")  # the buttons on the reloaded page still work
        assert "第 4/14 题" in chat.text


async def test_team_invitations_are_links_to_this_site_that_open_the_join_step(browser):
    owner, member = await browser(), await browser()
    await owner.say("/team new 质量部自评")
    html = owner.last[0]["html"]
    link = html.split('class="invite">')[1].split("<")[0]
    assert link.startswith("http://127.0.0.1:")
    assert "/?start=team_" in link
    payload = link.split("?start=")[1]
    await member.say(f"/start {payload}")
    assert member.kinds() == ["team_join"]


async def test_lang_switch_and_commands_in_text_are_links(browser):
    chat = await browser()
    _, data = await chat.post("/api/messages", {"text": "/lang en"})
    assert data["lang"] == "en"
    assert data["lang_mode"] == "en"
    await chat.say("/help")
    assert 'data-cmd="/quiz"' in chat.last[0]["html"]
    _response, data = await chat.post("/api/messages", {"text": "/lang auto"})
    assert data["lang_mode"] == "auto"


async def test_an_unexpected_error_is_logged_and_answered_with_an_apology(browser, caplog):
    from bot.channels.web.server import CHANNEL

    chat = await browser()
    channel = chat.client.server.app[CHANNEL]

    def broken(event):
        raise RuntimeError("disk on fire")

    channel.dialogue.handle = broken
    with caplog.at_level(logging.ERROR):
        response, data = await chat.post("/api/messages", {"text": "你好"})
    assert response.status == 500
    assert "抱歉" in data["replies"][0]["text"]
    assert "disk on fire" not in json.dumps(data)
    assert any("error while handling" in r.message for r in caplog.records)


async def test_the_chat_is_served_under_a_root_path(core):
    async with web_server(core, root_path="/awardbot") as browser:
        chat = await browser()  # opens "/", which is not the chat
        assert chat.csrf == ""
        chat.root = "/awardbot"
        await chat.open()
        assert chat.csrf
        assert 'src="/awardbot/static/chat.js' in chat.page
        response = await chat.client.get("/awardbot/", allow_redirects=False)
        assert response.cookies[COOKIE]["path"] == "/awardbot/"
        await chat.say("你好")
        assert chat.status == 200
        assert (await chat.client.get("/awardbot/static/chat.js")).status == 200
        redirect = await chat.client.get("/awardbot", allow_redirects=False)
        assert redirect.status == 302
        assert redirect.headers["Location"] == "/awardbot/"


def test_bad_web_settings_are_one_line_and_exit_2(cli_env):
    from tests.conftest import run_cli

    for env, part in (({"AWARDBOT_WEB_PORT": "abc"}, "AWARDBOT_WEB_PORT"),
                      ({"AWARDBOT_WEB_ADMIN_SECRET": "short"}, "AWARDBOT_WEB_ADMIN_SECRET"),
                      ({"AWARDBOT_WEB_ROOT_PATH": "no slash"}, "AWARDBOT_WEB_ROOT_PATH"),
                      ({"AWARDBOT_WEB_TRUSTED_PROXIES": "nginx"}, "AWARDBOT_WEB_TRUSTED_PROXIES")):
        result = run_cli("web", env=cli_env | env)
        assert result.returncode == 2, result.stderr
        assert part in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


async def test_awardbot_web_serves_reports_health_reloads_and_stops_on_sigterm(cli_env, tmp_path):
    import asyncio
    import os
    import signal
    import socket
    import sys

    import aiohttp

    from tests.conftest import ROOT, run_cli

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "web", "--port", str(port), env=env,
                                                cwd=ROOT, stderr=asyncio.subprocess.PIPE)
    seen = []

    async def wait_line(part: str) -> None:
        while True:
            line = (await asyncio.wait_for(proc.stderr.readline(), 60)).decode()
            assert line, "".join(seen)
            seen.append(line)
            if part in line:
                return

    try:
        await wait_line("web chat ready")
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as r:
            assert (await r.json())["ok"] is True
        health = await asyncio.to_thread(run_cli, "health", env=cli_env)
        assert health.returncode == 0, health.stdout + health.stderr
        second = await asyncio.to_thread(run_cli, "web", "--port", str(port + 1), env=cli_env)
        assert second.returncode == 1  # one process per database
        reload = await asyncio.to_thread(run_cli, "reload", env=cli_env)
        assert reload.returncode == 0, reload.stderr
        await wait_line("knowledge reloaded")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        rest = (await proc.stderr.read()).decode()
        assert "store closed" in rest
        assert "Traceback" not in "".join(seen) + rest
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    after = await asyncio.to_thread(run_cli, "health", env=cli_env)
    assert after.returncode == 1
