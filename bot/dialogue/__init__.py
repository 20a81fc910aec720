"""The conversation core. It takes a normalised event and returns replies as plain values.

Every decision is made here; the console and Telegram adapters only translate events and replies.
Expected trouble (empty or oversized text, stickers, stale buttons, unknown commands) gets a polite
reply; unexpected errors propagate to the adapter's single error handler, which logs and apologises.
"""

from __future__ import annotations

import difflib
import json
import re
import secrets
from dataclasses import dataclass

from bot.answering.textnorm import has_language, language_of
from bot.app import Core
from bot.dialogue import answers as qa
from bot.dialogue import quiz as quizflow
from bot.dialogue import teams as teamflow
from bot.ui.replies import Button, Reply, reply
from bot.ui.texts import LANGS, t

# The commands every user can send, in menu order; admin commands are for AWARDBOT_ADMINS (and the console).
COMMANDS = ("start", "help", "quiz", "lang", "topics", "history", "report", "team", "privacy", "mydata", "delete",
            "cancel")
ADMIN_COMMANDS = ("stats", "unanswered", "reload")
# A typed choice: a number or a single letter, perhaps with a dot ("3", "B.", "2、").
OPTION_LIKE = re.compile(r"^\s*(?:\d{1,3}|[A-Za-z])\s*[.、)）]?\s*$")
NON_TEXT = ("sticker", "photo", "voice", "video", "document", "location", "contact")


@dataclass(frozen=True)
class Event:
    user: str  # channel-qualified id, e.g. "tg:123" or "console:local"
    kind: str  # text | command | button | other | edited
    text: str = ""  # message text, command arguments, button data, or the non-text kind
    command: str = ""
    channel: str = "console"
    chat: str | None = None
    lang_hint: str | None = None  # the client's language (Telegram language_code)
    admin: bool = False  # the channel vouches for an operator (web: the admin secret was presented)


@dataclass
class Turn:
    """One event being handled: the core, who is speaking, and the language to answer in."""

    core: Core
    user_id: str
    user: dict
    lang: str
    channel: str
    admin: bool = False


def choose_lang(user: dict, event: Event) -> str:
    """/lang wins; then the script of this message; then the last language used; then the client's."""
    if user.get("lang") in LANGS:
        return user["lang"]
    if event.kind == "text" and has_language(event.text):
        return language_of(event.text)
    if user.get("last_lang") in LANGS:
        return user["last_lang"]
    hint = (event.lang_hint or "").lower()
    if hint:
        return "zh" if hint.startswith("zh") else "en"
    return "zh"


class Dialogue:
    def __init__(self, core: Core):
        self.core = core

    def handle(self, event: Event) -> list[Reply]:
        store = self.core.store
        user = store.touch_user(event.user, event.channel, event.chat, event.lang_hint)
        lang = choose_lang(user, event)
        if lang != user.get("last_lang"):
            store.update_user(event.user, last_lang=lang)
        turn = Turn(self.core, event.user, user, lang, event.channel, event.admin)
        if event.kind == "command":
            return self.command(turn, event.command.lower(), event.text.strip())
        if event.kind == "button":
            return self.button(turn, event.text)
        if event.kind == "edited":
            return [reply(t("edited", lang), kind="edited")]
        if event.kind == "other":
            what = event.text if event.text in NON_TEXT else "other"
            return [reply(t("non_text", lang, what=t("what_" + what, lang)), kind="non_text")]
        return self.text(turn, event.text)

    # -- text and commands ---------------------------------------------------------------------------

    def text(self, turn: Turn, text: str) -> list[Reply]:
        if OPTION_LIKE.match(text):  # "3", "b": a choice typed instead of pressed, not a question
            return quizflow.typed_option(turn)
        replies = qa.answer_question(turn, text)
        if replies and replies[0].kind in ("declined", "unsure") and self.core.store.active_quiz(turn.user_id):
            replies.append(reply(t("quiz_pending_hint", turn.lang), kind="hint"))
        return replies

    def command(self, turn: Turn, name: str, arg: str) -> list[Reply]:
        handler = getattr(self, "cmd_" + name, None)
        if name in ADMIN_COMMANDS and handler is not None:
            if not self.is_admin(turn):
                return [reply(t("admin_only", turn.lang), kind="admin_only")]
            return handler(turn, arg)
        if name not in COMMANDS or handler is None:
            return [self.unknown_command(turn, name)]
        return handler(turn, arg)

    def is_admin(self, turn: Turn) -> bool:
        """The console is the operator's own terminal; in Telegram, the ids in AWARDBOT_ADMINS; on the web,
        whoever the channel vouches for (the admin secret)."""
        if turn.channel == "console" or turn.admin:
            return True
        kind, _, number = turn.user_id.partition(":")
        return kind == "tg" and number.lstrip("-").isdigit() and int(number) in self.core.settings.admins

    def command_list(self, lang: str) -> str:
        return "\n".join(f"/{c} — {t('cmd_' + c, lang)}" for c in COMMANDS)

    def unknown_command(self, turn: Turn, name: str) -> Reply:
        close = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.6)
        suggestion = t("did_you_mean_cmd", turn.lang, command=close[0]) if close else ""
        text = t("unknown_command", turn.lang, command=name[:32], suggestion=suggestion,
                 commands=self.command_list(turn.lang))
        return reply(text, kind="unknown_command")

    def cmd_start(self, turn: Turn, arg: str) -> list[Reply]:
        # Deep links: /start quiz, /start topic_<entry id>, /start team_<token>
        if arg == "quiz":
            return quizflow.quiz_command(turn)
        if arg.startswith("team_"):
            return teamflow.join_link(turn, arg[len("team_"):])
        if arg.startswith("topic_"):
            entry = self.core.kb.entries.get(arg[len("topic_"):])
            if entry is not None:
                return [qa.entry_reply(turn, entry)]
        lang = turn.lang
        buttons = [[Button(t("btn_ask", lang), "menu:ask")], [Button(t("btn_quiz", lang), "menu:quiz")],
                   [Button(t("btn_award", lang), "menu:award")]]
        return [reply(t("start", lang), buttons, kind="start")]

    def cmd_help(self, turn: Turn, arg: str) -> list[Reply]:
        return [reply(t("help", turn.lang, commands=self.command_list(turn.lang)), kind="help")]

    def cmd_quiz(self, turn: Turn, arg: str) -> list[Reply]:
        return quizflow.quiz_command(turn, arg.lower())

    def cmd_team(self, turn: Turn, arg: str) -> list[Reply]:
        return teamflow.team_command(turn, arg)

    def cmd_report(self, turn: Turn, arg: str) -> list[Reply]:
        return teamflow.pdf_report(turn, organisation=arg)

    def cmd_cancel(self, turn: Turn, arg: str) -> list[Reply]:
        return quizflow.pause(turn)

    def cmd_history(self, turn: Turn, arg: str) -> list[Reply]:
        return quizflow.history(turn)

    def cmd_topics(self, turn: Turn, arg: str) -> list[Reply]:
        return [qa.topics_reply(turn)]

    def cmd_lang(self, turn: Turn, arg: str) -> list[Reply]:
        choice = arg.lower()
        if choice in LANGS:
            self.core.store.update_user(turn.user_id, lang=choice, last_lang=choice)
            return [reply(t("lang_set", choice), kind="lang")]
        if choice == "auto":
            self.core.store.update_user(turn.user_id, lang=None)
            return [reply(t("lang_auto", turn.lang), kind="lang")]
        buttons = [[Button("中文", "l:zh"), Button("English", "l:en"), Button("Auto", "l:auto")]]
        return [reply(t("lang_usage", turn.lang), buttons, kind="lang")]

    def cmd_privacy(self, turn: Turn, arg: str) -> list[Reply]:
        return [reply(t("privacy", turn.lang, days=self.core.settings.retention_days), kind="privacy")]

    def cmd_mydata(self, turn: Turn, arg: str) -> list[Reply]:
        data = self.core.store.export_user(turn.user_id)
        blob = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        return [reply(t("mydata", turn.lang), document=blob, document_name="awardbot-mydata.json", kind="mydata")]

    def cmd_delete(self, turn: Turn, arg: str) -> list[Reply]:
        token = secrets.token_hex(6)
        self.core.store.update_user(turn.user_id, pending_delete=token)
        buttons = [[Button(t("btn_delete_yes", turn.lang), f"d:{token}"),
                    Button(t("btn_delete_no", turn.lang), "dn")]]
        return [reply(t("delete_confirm", turn.lang), buttons, kind="delete_confirm")]

    # -- admin ---------------------------------------------------------------------------------------

    def cmd_stats(self, turn: Turn, arg: str) -> list[Reply]:
        from bot.reports import admin

        return [reply(admin.stats_text(self.core.store.admin.stats(), turn.lang), kind="stats")]

    def cmd_unanswered(self, turn: Turn, arg: str) -> list[Reply]:
        from bot.reports import admin

        days = arg.strip()
        if days and not (days.isascii() and days.isdigit() and 1 <= int(days) <= 36500):
            return [reply(t("unanswered_usage", turn.lang), kind="unanswered_usage")]
        since = self.core.store.days_ago(int(days)) if days else None
        groups = admin.group_unanswered(self.core.store.admin.unanswered(since), self.core.knowledge.answerer)
        return [reply(admin.unanswered_text(groups, turn.lang), kind="unanswered")]

    def cmd_reload(self, turn: Turn, arg: str) -> list[Reply]:
        problems = self.core.reload()
        if problems:
            text = t("reload_refused", turn.lang, n=len(problems)) + "\n" + "\n".join(problems[:30])
            return [reply(text, kind="reload_refused")]
        return [reply(t("reload_done", turn.lang, n=len(self.core.kb.entries)), kind="reload_done")]

    # -- buttons -----------------------------------------------------------------------------------

    def button(self, turn: Turn, data: str) -> list[Reply]:
        """Dispatch a button press; anything that does not match stored state has expired."""
        kind, _, rest = data.partition(":")
        handler = getattr(self, "btn_" + kind, None) if kind.isalpha() else None
        replies = handler(turn, rest) if handler else None
        if not replies:
            return [reply(t("expired", turn.lang), toast=t("expired", turn.lang), kind="expired")]
        return replies

    def _qid(self, turn: Turn, raw: str) -> int | None:
        """A logged question id carried by a button; 0 (none) or one of this user's own questions."""
        if not raw.isdigit():
            return None
        qid = int(raw)
        if qid == 0:
            return 0
        row = self.core.store.question(qid)
        return qid if row and row["user_id"] == turn.user_id else None

    def btn_e(self, turn: Turn, rest: str):
        entry_id, _, raw_qid = rest.partition(":")
        entry = self.core.kb.entries.get(entry_id)
        qid = self._qid(turn, raw_qid or "0")
        return [qa.entry_reply(turn, entry, qid)] if entry and qid is not None else None

    def btn_m(self, turn: Turn, rest: str):
        entry_id, _, raw_qid = rest.partition(":")
        entry = self.core.kb.entries.get(entry_id)
        qid = self._qid(turn, raw_qid or "0")
        return [qa.more_reply(turn, entry, qid)] if entry and qid is not None else None

    def btn_f(self, turn: Turn, rest: str):
        entry_id, raw_qid, vote = [*rest.split(":"), "", ""][:3]
        qid = self._qid(turn, raw_qid)
        if entry_id not in self.core.kb.entries or qid is None or vote not in ("0", "1"):
            return None
        self.core.store.record_feedback(turn.user_id, qid, entry_id, 1 if vote == "1" else -1)
        thanks = Reply(toast=t("feedback_thanks", turn.lang), kind="feedback")
        return [thanks] if vote == "1" else [thanks, qa.other_matches_reply(turn, qid, entry_id)]

    def btn_g(self, turn: Turn, rest: str):
        found = qa.group_reply(turn, rest)
        return [found] if found else None

    def btn_q(self, turn: Turn, rest: str):
        parts = rest.split(":")
        return quizflow.answer(turn, *parts) if len(parts) == 3 else None

    def btn_qm(self, turn: Turn, rest: str):
        if rest not in ("quick", "full"):
            return None
        return quizflow.quiz_command(turn, rest)

    def btn_qc(self, turn: Turn, rest: str):
        return quizflow.resume(turn, rest)

    def btn_qr(self, turn: Turn, rest: str):
        return quizflow.restart(turn, rest)

    def btn_qx(self, turn: Turn, rest: str):
        session = self.core.store.quiz_session(rest)
        if session is None or session["user_id"] != turn.user_id or session["status"] != "active":
            return None
        return quizflow.pause(turn, rest)

    def btn_tj(self, turn: Turn, rest: str):
        team_id, _, role = rest.partition(":")
        return teamflow.join_role(turn, team_id, role)

    def _own_team(self, turn: Turn, team_id: str) -> dict | None:
        team = self.core.store.teams.get(team_id)
        return team if team and team["owner_id"] == turn.user_id else None

    def btn_tr(self, turn: Turn, rest: str):
        team = self._own_team(turn, rest)
        return teamflow.report_replies(turn, team) if team else None

    def btn_tp(self, turn: Turn, rest: str):
        team = self._own_team(turn, rest)
        return [teamflow.team_pdf_reply(turn, team)] if team else None

    def btn_pb(self, turn: Turn, rest: str):
        return teamflow.peers_start(turn, rest)

    def btn_pi(self, turn: Turn, rest: str):
        sid, _, industry = rest.partition(":")
        return teamflow.peers_industry(turn, sid, industry)

    def btn_ps(self, turn: Turn, rest: str):
        parts = rest.split(":")
        return teamflow.peers_result(turn, *parts) if len(parts) == 3 else None

    def btn_rp(self, turn: Turn, rest: str):
        return teamflow.pdf_report(turn, rest)

    def btn_h(self, turn: Turn, rest: str):
        return quizflow.history(turn)

    def btn_r(self, turn: Turn, rest: str):
        if rest != "off":
            return None
        self.core.store.update_user(turn.user_id, reminders=0)
        return [reply(t("reminders_off", turn.lang), kind="reminders_off")]

    def btn_l(self, turn: Turn, rest: str):
        return self.cmd_lang(turn, rest) if rest in (*LANGS, "auto") else None

    def btn_menu(self, turn: Turn, rest: str):
        if rest == "ask":
            return [reply(t("ask_hint", turn.lang), kind="ask_hint")]
        if rest == "quiz":
            return quizflow.quiz_command(turn)
        if rest == "topics":
            return [qa.topics_reply(turn)]
        if rest == "award" and "award.overview" in self.core.kb.entries:
            return [qa.entry_reply(turn, self.core.kb.entries["award.overview"])]
        return None

    def btn_d(self, turn: Turn, rest: str):
        pending = turn.user.get("pending_delete")
        if not pending or not secrets.compare_digest(pending, rest):
            return None
        self.core.store.delete_user(turn.user_id)
        return [reply(t("deleted", turn.lang), edit=True, kind="deleted")]

    def btn_dn(self, turn: Turn, rest: str):
        if not turn.user.get("pending_delete"):
            return None
        self.core.store.update_user(turn.user_id, pending_delete=None)
        return [reply(t("delete_cancelled", turn.lang), edit=True, kind="delete_cancelled")]

    # -- inline queries ------------------------------------------------------------------------------

    def inline(self, text: str, lang_hint: str | None = None) -> list[qa.Suggestion]:
        """`@bot question` typed in any chat: matches to share; no user state is touched."""
        return qa.suggestions(self.core, text, lang_hint)

    # -- scheduled ---------------------------------------------------------------------------------

    def due_reminders(self) -> list[tuple[dict, Reply]]:
        """(user row, reminder reply) for each unfinished quiz whose one reminder is due; marks them sent."""
        out = []
        store = self.core.store
        for row in store.due_reminders():
            user = store.user(row["user_id"])
            session = store.quiz_session(row["session_id"])
            turn = Turn(self.core, row["user_id"], user, choose_lang(user, Event(row["user_id"], "button")),
                        row["channel"])
            out.append((user, quizflow.reminder(turn, session)))
            store.mark_reminded(row["session_id"])
        return out
