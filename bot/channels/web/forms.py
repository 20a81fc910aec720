"""The two small forms: the site's access code and the administrators' sign-in (plain HTML posts, no script)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.channels.web import page as pages
from bot.channels.web.handlers import _channel, _lang, _session, client, set_cookie
from bot.channels.web.strings import refusal

log = logging.getLogger("bot.channels.web.handlers")


async def access_form(request: web.Request) -> web.StreamResponse:
    ch = _channel(request)
    if ch.form_limiter.check("form:" + client(request).ip):
        raise web.HTTPTooManyRequests(text=refusal("rate_limited", _lang(request), seconds=60))
    form = await request.post()
    session = _session(request)
    lang = _lang(request)
    if session is None or not ch.signer.csrf_ok(session, str(form.get("csrf", ""))):
        raise web.HTTPForbidden(text=refusal("forbidden", lang))
    granted = ch.signer.with_access(session, str(form.get("code", "")))
    if granted is None:
        response = pages.form_page(ch, "access", lang, ch.signer.csrf(session), error=True, status=401)
        set_cookie(request, response, session)
        return response
    redirect = web.HTTPSeeOther(ch.root + "/")
    set_cookie(request, redirect, granted)
    raise redirect


async def admin_page(request: web.Request) -> web.StreamResponse:
    ch = _channel(request)
    session = _session(request)
    if session is None or not ch.signer.has_access(session):
        raise web.HTTPSeeOther(ch.root + "/")
    return pages.form_page(ch, "admin", _lang(request, session), ch.signer.csrf(session),
                           signed_in=ch.signer.is_admin(session))


async def admin_form(request: web.Request) -> web.StreamResponse:
    ch = _channel(request)
    if ch.form_limiter.check("form:" + client(request).ip):
        raise web.HTTPTooManyRequests(text=refusal("rate_limited", _lang(request), seconds=60))
    form = await request.post()
    session = _session(request)
    if session is None or not ch.signer.has_access(session) \
            or not ch.signer.csrf_ok(session, str(form.get("csrf", ""))):
        raise web.HTTPForbidden(text=refusal("forbidden", _lang(request)))
    lang = _lang(request, session)
    if form.get("action") == "signout":
        session = ch.signer.without_admin(session)
    else:
        granted = ch.signer.with_admin(session, str(form.get("secret", "")))
        if granted is None:
            log.warning("web admin sign-in refused from %s", client(request).ip)
            response = pages.form_page(ch, "admin", lang, ch.signer.csrf(session), error=True, status=403)
            set_cookie(request, response, session)
            return response
        session = granted
        log.info("web admin signed in: user=%s", session.user_id)
    redirect = web.HTTPSeeOther(ch.root + "/")
    set_cookie(request, redirect, session)
    raise redirect
