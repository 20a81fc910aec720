"""Drive the web chat as its page does: open the page for a cookie and a CSRF token, then POST JSON.

`WebChat` speaks HTTP to a real aiohttp server on 127.0.0.1 (aiohttp's TestServer), so cookies, headers,
status codes and the JSON shape are all exercised; the transcript steps read like the other channels'.
"""

from __future__ import annotations

import re
from contextlib import asynccontextmanager

from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web.server import WebOptions, build_app

KEY = b"0123456789abcdef0123456789abcdef"
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def options(**changes) -> WebOptions:
    return WebOptions(key=KEY, **({"rate_per_minute": 0.0} | changes))


@asynccontextmanager
async def web_server(core, **changes):
    """The web channel on 127.0.0.1 (a random port); yields a client factory for independent browsers."""
    app = build_app(core, options(**changes))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    clients = []

    async def browser(**headers) -> WebChat:
        client = TestClient(server, cookie_jar=CookieJar(unsafe=True), headers=headers or None)
        await client.start_server()
        clients.append(client)
        chat = WebChat(client)
        await chat.open()
        return chat

    try:
        yield browser
    finally:
        for c in clients:
            await c.close()
        await server.close()


class WebChat:
    def __init__(self, client: TestClient, root: str = ""):
        self.client = client
        self.root = root
        self.csrf = ""
        self.page = ""
        self.last: list[dict] = []
        self.shown: list[list[dict]] = []  # every step's replies, oldest first (for press_earlier)
        self.status = 0

    async def open(self) -> str:
        response = await self.client.get(self.root + "/")
        self.page = await response.text()
        found = CSRF.search(self.page)
        self.csrf = found.group(1) if found else ""
        return self.page

    def cookie(self) -> str:
        from bot.channels.web.identity import COOKIE

        return self.client.session.cookie_jar.filter_cookies(self.client.make_url("/"))[COOKIE].value

    def adopt(self, cookie: str) -> None:
        """Become the browser that holds `cookie` (the same person after a restart, say)."""
        from bot.channels.web.identity import COOKIE

        jar = self.client.session.cookie_jar
        jar.clear()
        jar.update_cookies({COOKIE: cookie}, response_url=self.client.make_url("/"))

    async def post(self, path: str, body, headers=None):
        headers = {"X-CSRF-Token": self.csrf} | (headers or {})
        response = await self.client.post(self.root + path, json=body, headers=headers)
        self.status = response.status
        data = await response.json(content_type=None)
        self.last = data.get("replies", [])
        self.shown.append(self.last)
        return response, data

    async def say(self, text: str) -> list[dict]:
        await self.post("/api/messages", {"text": text})
        return self.last

    async def press_data(self, data: str) -> list[dict]:
        await self.post("/api/buttons", {"data": data})
        return self.last

    def buttons(self) -> list[dict]:
        return [b for r in self.last for row in r["buttons"] for b in row]

    async def press(self, label_part: str) -> list[dict]:
        for b in self.buttons():
            if label_part in b["label"]:
                return await self.press_data(b["data"])
        raise AssertionError(f"no button with {label_part!r}; on screen: {[b['label'] for b in self.buttons()]}")

    async def press_earlier(self, label_part: str) -> list[dict]:
        """Press a button from an earlier reply (the oldest that matches): a stale press."""
        for replies in self.shown[:-1]:
            for b in (b for r in replies for row in r["buttons"] for b in row):
                if label_part in b["label"]:
                    return await self.press_data(b["data"])
        raise AssertionError(f"no earlier button with {label_part!r}")

    @property
    def text(self) -> str:
        return "\n".join(r["text"] for r in self.last)

    def kinds(self) -> list[str]:
        return [r["kind"] for r in self.last]
