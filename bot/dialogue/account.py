"""The user's own settings and data: /lang, /privacy, /mydata, /delete, reminders off, unreachable users."""

from __future__ import annotations

import json
import secrets

from bot.dialogue import buttons
from bot.ui.replies import Button, Reply, reply
from bot.ui.texts import LANGS, t


def lang(turn, arg: str) -> list[Reply]:
    choice = arg.lower()
    store = turn.core.store
    if choice in LANGS:
        store.update_user(turn.user_id, lang=choice, last_lang=choice)
        return [reply(t("lang_set", choice), kind="lang")]
    if choice == "auto":
        store.update_user(turn.user_id, lang=None)
        return [reply(t("lang_auto", turn.lang), kind="lang")]
    rows = [[Button("中文", buttons.LANG.encode("zh")), Button("English", buttons.LANG.encode("en")),
             Button("Auto", buttons.LANG.encode("auto"))]]
    return [reply(t("lang_usage", turn.lang), rows, kind="lang")]


def lang_button(turn, choice: str) -> list[Reply] | None:
    return lang(turn, choice) if choice in (*LANGS, "auto") else None


def privacy(turn, arg: str) -> list[Reply]:
    return [reply(t("privacy", turn.lang, days=turn.core.settings.retention_days), kind="privacy")]


def mydata(turn, arg: str) -> list[Reply]:
    data = turn.core.store.export_user(turn.user_id)
    blob = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return [reply(t("mydata", turn.lang), document=blob, document_name="awardbot-mydata.json", kind="mydata")]


def delete(turn, arg: str) -> list[Reply]:
    """Ask first: the confirming button carries a one-time token stored with the user."""
    token = secrets.token_hex(6)
    turn.core.store.update_user(turn.user_id, pending_delete=token)
    rows = [[Button(t("btn_delete_yes", turn.lang), buttons.DELETE_YES.encode(token)),
             Button(t("btn_delete_no", turn.lang), buttons.DELETE_NO.encode())]]
    return [reply(t("delete_confirm", turn.lang), rows, kind="delete_confirm")]


def delete_confirmed(turn, token: str) -> list[Reply] | None:
    pending = turn.user.get("pending_delete")
    if not pending or not secrets.compare_digest(pending, token):
        return None
    turn.core.store.delete_user(turn.user_id)
    return [reply(t("deleted", turn.lang), edit=True, kind="deleted")]


def delete_cancelled(turn) -> list[Reply] | None:
    if not turn.user.get("pending_delete"):
        return None
    turn.core.store.update_user(turn.user_id, pending_delete=None)
    return [reply(t("delete_cancelled", turn.lang), edit=True, kind="delete_cancelled")]


def reminders(turn, setting: str) -> list[Reply] | None:
    if setting != "off":
        return None
    turn.core.store.update_user(turn.user_id, reminders=0)
    return [reply(t("reminders_off", turn.lang), kind="reminders_off")]
