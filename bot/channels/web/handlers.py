"""HTTP requests → Events → replies as JSON. No conversation logic: every decision is the core's.

Each API call passes the same gate (`_gate`): the client's address, the rate limits, a valid signed
cookie, the access code when the site has one, and the CSRF header for anything that changes state.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.web import page as pages
from bot.channels.web.guard import Client, client_of
from bot.channels.web.identity import COOKIE, MAX_AGE, Session
from bot.channels.web.render import reply_json
from bot.channels.web.strings import refusal
from bot.dialogue import Event
from bot.ui.replies import CALLBACK_LIMIT
from bot.ui.texts import t

if TYPE_CHECKING:
    from bot.channels.web.server import WebChannel

log = logging.getLogger(__name__)
API = ("/api/", "/files/")


def _channel(request: web.Request) -> WebChannel:
    from bot.channels.web.server import CHANNEL

    return request.app[CHANNEL]


def client(request: web.Request) -> Client:
    ch = _channel(request)
    return client_of(request.remote, request.scheme, request.host, request.headers, ch.options.trusted_proxies)


def accept_lang(request: web.Request) -> str | None:
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip().lower()
    return first[:16] or None


def _lang(request: web.Request, session: Session | None = None) -> str:
    return lang_state(request, session)[0]


def lang_state(request: web.Request, session: Session | None = None) -> tuple[str, str]:
    """(the language to show, the setting: "zh" | "en" | "auto"): the conversation's if this browser has
    one, else the browser's own."""
    if session is not None:
        user = _channel(request).core.store.user(session.user_id)
        if user and user.get("lang") in ("zh", "en"):
            return user["lang"], user["lang"]
        if user and user.get("last_lang") in ("zh", "en"):
            return user["last_lang"], "auto"
    hint = accept_lang(request) or "zh"
    return ("en" if hint.startswith("en") else "zh"), "auto"


def _refuse(request: web.Request, status: int, key: str, headers=None, **values) -> web.HTTPException:
    """An HTTP refusal the page can show: `{"error": key, "replies": [a polite bot message]}`."""
    text = refusal(key, _lang(request), **values)
    body = {"error": key, "replies": [{"id": "x" + secrets.token_hex(4), "text": text, "html": pages.escape(text),
                                       "buttons": [], "image": None, "file": None, "kind": key, "replaces": None,
                                       "toast": ""}]}
    if status == 413:
        return web.HTTPRequestEntityTooLarge(_channel(request).options.max_body, request.content_length or 0,
                                             text=json.dumps(body, ensure_ascii=False),
                                             content_type="application/json")
    cls = web.HTTPException
    for candidate in (web.HTTPBadRequest, web.HTTPUnauthorized, web.HTTPForbidden, web.HTTPNotFound,
                      web.HTTPTooManyRequests):
        if candidate.status_code == status:
            cls = candidate
    return cls(text=json.dumps(body, ensure_ascii=False), content_type="application/json", headers=headers)


def set_cookie(request: web.Request, response: web.StreamResponse, session: Session) -> None:
    ch = _channel(request)
    response.set_cookie(COOKIE, ch.signer.dumps(ch.signer.renewed(session)), max_age=MAX_AGE,
                        path=(ch.root or "") + "/", httponly=True, samesite="Lax", secure=client(request).secure)


def _session(request: web.Request) -> Session | None:
    return _channel(request).signer.loads(request.cookies.get(COOKIE))


def _gate(request: web.Request, csrf: bool = True) -> Session:
    ch = _channel(request)
    wait = ch.ip_limiter.check("ip:" + client(request).ip)
    session = _session(request)
    if session is None:
        raise _refuse(request, 403, "forbidden")
    if not ch.signer.has_access(session):
        raise _refuse(request, 401, "access")
    if csrf and not ch.signer.csrf_ok(session, request.headers.get("X-CSRF-Token")):
        raise _refuse(request, 403, "forbidden")
    wait = wait or ch.limiter.check(session.uid)
    if wait:
        seconds = max(1, round(wait + 0.5))
        raise _refuse(request, 429, "rate_limited", headers={"Retry-After": str(seconds)}, seconds=seconds)
    return session


async def _json_field(request: web.Request, name: str) -> str:
    if request.content_type != "application/json":
        raise _refuse(request, 400, "bad_request")
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise _refuse(request, 400, "bad_request") from None
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str):
        raise _refuse(request, 400, "bad_request")
    return value


# -- the page -------------------------------------------------------------------------------------

async def to_root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(_channel(request).root + "/" + (f"?{request.query_string}" if request.query_string else ""))


async def page(request: web.Request) -> web.StreamResponse:
    ch = _channel(request)
    session = _session(request) or ch.signer.new_session()
    if not ch.signer.has_access(session):
        response = pages.form_page(ch, "access", _lang(request), ch.signer.csrf(session), status=401)
    else:
        lang, mode = lang_state(request, session)
        response = pages.chat_page(ch, lang, mode, ch.signer.csrf(session), admin=ch.signer.is_admin(session))
    set_cookie(request, response, session)
    return response


# -- the API --------------------------------------------------------------------------------------

async def history(request: web.Request) -> web.StreamResponse:
    session = _gate(request, csrf=False)
    ch = _channel(request)
    lang, mode = lang_state(request, session)
    return web.json_response({"messages": ch.history.messages(session.uid), "lang": lang, "lang_mode": mode})


async def message(request: web.Request) -> web.StreamResponse:
    session = _gate(request)
    ch = _channel(request)
    text = await _json_field(request, "text")
    if len(text) > ch.options.max_text:
        raise _refuse(request, 413, "too_long", limit=ch.options.max_text)
    event = _event(request, session, "text", text)
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, arg = stripped[1:].partition(" ")
        event = _event(request, session, "command", arg.strip(), command=name.split("@")[0])
    # /start is what the page sends by itself on a first visit or an invitation link: not kept as said
    echo = None if event.command == "start" else text
    async with ch.user_lock(session.uid):
        return await _respond(request, ch, session, event, echo=echo)


async def button(request: web.Request) -> web.StreamResponse:
    session = _gate(request)
    ch = _channel(request)
    data = await _json_field(request, "data")
    if not data or len(data.encode()) > CALLBACK_LIMIT:
        raise _refuse(request, 400, "bad_request")
    async with ch.user_lock(session.uid):
        pressed = ch.history.pressed(session.uid, data)
        # Only a button this browser was shown may be pressed; anything else is answered as expired by the
        # core (empty data names no handler), exactly like a stale button on Telegram.
        event = _event(request, session, "button", data if pressed is not None else "")
        return await _respond(request, ch, session, event, pressed=pressed)


def _event(request: web.Request, session: Session, kind: str, text: str, command: str = "") -> Event:
    ch = _channel(request)
    return Event(user=session.user_id, kind=kind, text=text, command=command, channel="web",
                 lang_hint=accept_lang(request), admin=ch.signer.is_admin(session))


async def _respond(request, ch: WebChannel, session: Session, event: Event, echo: str | None = None,
                   pressed: dict | None = None) -> web.StreamResponse:
    replies = ch.dialogue.handle(event)
    if log.isEnabledFor(logging.INFO):
        shown = f" text={event.text[:200]!r}" if ch.core.settings.log_text and event.kind == "text" else ""
        log.info("user=%s kind=%s%s -> %s", event.user, event.command or event.kind, shown,
                 ",".join(r.kind for r in replies))
    c = client(request)
    base = f"{c.scheme}://{c.host}{ch.root}/"
    uid = session.uid
    records = [{"add": {"id": _new_id(), "from": "user", "text": echo}}] if echo is not None else []
    out = []
    replace_id = pressed["id"] if pressed is not None else None
    for r in replies:
        image = file = None
        if r.image is not None:
            token, name = ch.history.save_file(uid, r.image_name or "chart.png", await ch.rendered(r.image))
            image = f"{ch.root}/files/{token}/{name}"
        if r.document is not None:
            data = await ch.rendered(r.document)
            if r.kind == "mydata":
                data = _with_web_history(data, ch.history.messages(uid))
            token, name = ch.history.save_file(uid, r.document_name or "awardbot-file", data)
            file = {"name": name, "url": f"{ch.root}/files/{token}/{name}"}
        replaces = replace_id if r.edit and replace_id else None
        if replaces:
            replace_id = None  # one reply takes the pressed message's place
        shown = reply_json(r, _new_id(), base, ch.commands, image=image, file=file, replaces=replaces)
        out.append(shown)
        if r.text or image or file:
            kept = {**shown, "from": "bot", "replaces": None, "toast": ""}
            records.append({"replace": replaces, "with": kept} if replaces else {"add": kept})
    if any(r.kind == "deleted" for r in replies):
        ch.history.wipe(uid)  # the conversation and every file go with the stored data
    else:
        ch.history.record(uid, records)
    lang, mode = lang_state(request, session)
    return web.json_response({"replies": out, "lang": lang, "lang_mode": mode})


def _new_id() -> str:
    return "m" + secrets.token_hex(6)


def _with_web_history(document: bytes, messages: list[dict]) -> bytes:
    """/mydata from the web also carries this browser's stored conversation."""
    data = json.loads(document)
    data["web_conversation"] = [{"from": m.get("from"), "text": m.get("text", "")} for m in messages]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


_TYPES = {".png": "image/png", ".pdf": "application/pdf", ".json": "application/json",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


async def download(request: web.Request) -> web.StreamResponse:
    session = _gate(request, csrf=False)
    ch = _channel(request)
    path = ch.history.file(session.uid, request.match_info["token"], request.match_info["name"])
    if path is None:
        raise _refuse(request, 404, "bad_request")  # another user's file looks exactly like no file
    kind = _TYPES.get(path.suffix.lower(), "application/octet-stream")
    disposition = "inline" if kind == "image/png" else "attachment"
    return web.FileResponse(path, headers={"Content-Type": kind, "Cache-Control": "private, no-store",
                                           "Content-Disposition": f'{disposition}; filename="{path.name}"'})


async def healthz(request: web.Request) -> web.StreamResponse:
    from bot import __version__

    ch = _channel(request)
    try:
        ch.core.store.user("web:healthz")  # a read from the database this process writes to
        db_ok = True
    except Exception:
        log.exception("health check: the database is not readable")
        db_ok = False
    body = {"ok": db_ok, "channel": "web", "version": __version__, "entries": len(ch.core.kb.entries),
            "database": db_ok}
    return web.json_response(body, status=200 if db_ok else 503)


# -- the one error handler ------------------------------------------------------------------------

@web.middleware
async def errors(request: web.Request, handler):
    """Log first, with context; then a short apology. No exception text reaches the user."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge as exc:
        if exc.content_type == "application/json":
            raise  # already one of ours (a message over the length limit)
        raise _refuse(request, 413, "too_large") from None
    except web.HTTPException:
        raise
    except Exception:
        session = _session(request)
        log.exception("error while handling %s %s for user %s", request.method, request.path,
                      session.user_id if session else "-")
        lang = _lang(request)
        if any(part in request.path for part in API):
            text = t("error", lang)
            body = {"error": "internal", "replies": [{"id": _new_id(), "text": text, "html": pages.escape(text),
                                                       "buttons": [], "image": None, "file": None, "kind": "error",
                                                       "replaces": None, "toast": ""}]}
            return web.json_response(body, status=500)
        return web.Response(text=t("error", lang), status=500)
