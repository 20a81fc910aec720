"""The HTML the server sends: the chat page and the two small forms (access code, admin secret).

Templates live in `templates/`; every value put into them is escaped here. The chat page carries its
CSRF token and API root in `<meta>` tags for the script; there is no inline script or style.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.web.strings import PAGE, page_text

if TYPE_CHECKING:
    from bot.channels.web.server import WebChannel

TEMPLATES = Path(__file__).resolve().parent / "templates"


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def _words(lang: str) -> dict[str, str]:
    return {f"t_{key}": escape(page_text(key, lang)) for key in PAGE}


def _common(ch: WebChannel, lang: str, csrf: str) -> dict[str, str]:
    return {"lang": lang, "html_lang": "zh-CN" if lang == "zh" else "en", "root": escape(ch.root),
            "csrf": escape(csrf), "v": ch.static_version, **_words(lang)}


def chat_page(ch: WebChannel, lang: str, mode: str, csrf: str, admin: bool) -> web.Response:
    i18n = {f"i18n_{code}": escape(json.dumps({k: v[code] for k, v in PAGE.items()}, ensure_ascii=False))
            for code in ("zh", "en")}
    values = _common(ch, lang, csrf) | i18n | {"lang_mode": mode,
                                        "admin_badge": "" if not admin else
                                        f'<span class="badge">{escape(page_text("admin_badge", lang))}</span>'}
    return web.Response(text=_template("chat.html").substitute(values), content_type="text/html", charset="utf-8")


def form_page(ch: WebChannel, which: str, lang: str, csrf: str, error: bool = False, signed_in: bool = False,
              status: int = 200) -> web.Response:
    """The access-code form (`which="access"`) or the admin sign-in (`which="admin"`)."""
    words = _words(lang)
    if which == "access":
        title, hint, field, label, submit = "access_title", "access_hint", "code", "code", "enter"
        wrong = "access_wrong"
    else:
        title, hint, field, label, submit = "admin_title", "admin_hint", "secret", "secret", "sign_in"
        wrong = "admin_wrong"
    body = [f'<p class="hint">{words["t_" + hint]}</p>']
    if error:
        body.append(f'<p class="error" role="alert">{words["t_" + wrong]}</p>')
    action = f"{escape(ch.root)}/{which}"
    hidden = f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
    if which == "admin" and not ch.signer.admin_enabled:
        body = [f'<p class="hint">{words["t_admin_off"]}</p>']
    elif which == "admin" and signed_in:
        body = [f'<p class="hint">{words["t_admin_ok"]}</p>',
                f'<form method="post" action="{action}">{hidden}<input type="hidden" name="action" value="signout">'
                f'<button type="submit">{words["t_sign_out"]}</button></form>']
    else:
        body.append(f'<form method="post" action="{action}">{hidden}'
                    f'<label for="f">{words["t_" + label]}</label>'
                    f'<input id="f" name="{field}" type="password" autocomplete="off" required autofocus>'
                    f'<button type="submit">{words["t_" + submit]}</button></form>')
    if which == "admin":
        body.append(f'<p><a href="{escape(ch.root)}/">{words["t_back"]}</a></p>')
    values = _common(ch, lang, csrf) | {"title": words["t_" + title], "body": "\n".join(body)}
    return web.Response(text=_template("form.html").substitute(values), content_type="text/html",
                        charset="utf-8", status=status)
