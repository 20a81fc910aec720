"""The conversation core: a normalised `Event` in, replies as plain values out.

Every decision is made here; channels only translate events and replies. Two route tables say what
each command and each kind of button does; `COMMANDS` (the menu, /help) is read from the first.
Expected trouble (empty or oversized text, stickers, stale buttons, unknown commands) gets a polite
reply; unexpected errors propagate to the channel's single error handler, which logs and apologises.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from bot.dialogue import account, answers, buttons, operator, quiz, teams, workbook
from bot.dialogue.core import Core
from bot.dialogue.events import NON_TEXT, Event, Turn, choose_lang, command_link
from bot.ui.replies import Button, Reply, reply
from bot.ui.texts import t

__all__ = ["ADMIN_COMMANDS", "COMMANDS", "NON_TEXT", "Dialogue", "Event", "Turn", "choose_lang"]

# Commands whose answer is personal (a data export, a deletion, a quiz): in a group they answer with a
# link that opens the private chat, and do nothing else.
PRIVATE_COMMANDS = ("mydata", "delete", "quiz")
# A typed choice: a number or a single letter, perhaps with a dot ("3", "B.", "2、").
OPTION_LIKE = re.compile(r"^\s*(?:\d{1,3}|[A-Za-z])\s*[.、)）]?\s*$")
Step = Callable[..., list[Reply] | None]


def start(turn: Turn, arg: str) -> list[Reply]:
    # Deep links: /start quiz, /start topic_<entry id>, /start team_<token>
    if arg == "quiz":
        return quiz.quiz_command(turn)
    if arg in ("mydata", "delete"):  # the links a group's private-only answer gives
        return COMMAND_ROUTES[arg](turn, "")
    if arg.startswith("team_"):
        return teams.join_link(turn, arg[len("team_"):])
    if arg.startswith("topic_"):
        entry = turn.core.kb.entries.get(arg[len("topic_"):])
        if entry is not None:
            return [answers.entry_reply(turn, entry)]
    lang = turn.lang
    rows = [[Button(t("btn_ask", lang), buttons.MENU.encode("ask"))],
            [Button(t("btn_quiz", lang), buttons.MENU.encode("quiz"))],
            [Button(t("btn_award", lang), buttons.MENU.encode("award"))]]
    return [reply(t("start", lang), rows, kind="start")]


def help_(turn: Turn, arg: str) -> list[Reply]:
    return [reply(t("help", turn.lang, commands=command_list(turn.lang)), kind="help")]


def menu(turn: Turn, item: str) -> list[Reply] | None:
    if item == "ask":
        return [reply(t("ask_hint", turn.lang), kind="ask_hint")]
    if item == "quiz":
        return quiz.quiz_command(turn)
    if item == "topics":
        return [answers.topics_reply(turn)]
    if item == "award" and "award.overview" in turn.core.kb.entries:
        return [answers.entry_reply(turn, turn.core.kb.entries["award.overview"])]
    return None


# The commands every user can send, in menu order: name → step(turn, argument text).
COMMAND_ROUTES: dict[str, Step] = {
    "start": start,
    "help": help_,
    "quiz": quiz.quiz_command_arg,
    "lang": account.lang,
    "topics": lambda turn, arg: [answers.topics_reply(turn)],
    "history": lambda turn, arg: quiz.history(turn),
    "report": teams.report_command,
    "workbook": workbook.workbook_command,
    "team": teams.team_command,
    "privacy": account.privacy,
    "mydata": account.mydata,
    "delete": account.delete,
    "cancel": lambda turn, arg: quiz.pause(turn),
}
# For the operator: the console, and AWARDBOT_ADMINS in Telegram.
ADMIN_ROUTES: dict[str, Step] = {"stats": operator.stats, "unanswered": operator.unanswered,
                                 "reload": operator.reload}
# Each kind of button: its codec (how the data reads) and the step its fields go to. A step returns
# None when the press does not match stored state: the button has expired.
BUTTON_ROUTES: dict[str, tuple[buttons.Codec, Step]] = {codec.prefix: (codec, step) for codec, step in (
    (buttons.OPEN_ENTRY, answers.open_entry),
    (buttons.READ_MORE, answers.read_more),
    (buttons.VOTE, answers.vote),
    (buttons.OPEN_GROUP, answers.open_group),
    (buttons.MENU, menu),
    (buttons.QUIZ_MODE, quiz.choose_mode),
    (buttons.QUIZ_ANSWER, quiz.answer),
    (buttons.QUIZ_RESUME, quiz.resume),
    (buttons.QUIZ_RESTART, quiz.restart),
    (buttons.QUIZ_PAUSE, quiz.pause_button),
    (buttons.HISTORY, quiz.history),
    (buttons.REMINDERS, account.reminders),
    (buttons.RESULT_PDF, teams.pdf_report),
    (buttons.PEERS_BEGIN, teams.peers_start),
    (buttons.PEERS_INDUSTRY, teams.peers_industry),
    (buttons.PEERS_SIZE, teams.peers_result),
    (buttons.TEAM_ROLE, teams.join_role),
    (buttons.TEAM_REPORT, teams.report_button),
    (buttons.TEAM_PDF, teams.pdf_button),
    (buttons.LANG, account.lang_button),
    (buttons.DELETE_YES, account.delete_confirmed),
    (buttons.DELETE_NO, account.delete_cancelled),
)}
COMMANDS = tuple(COMMAND_ROUTES)
# Buttons of the quiz, its results and the account: in a group they lead to the private chat.
PRIVATE_BUTTONS = frozenset(c.prefix for c in (
    buttons.QUIZ_MODE, buttons.QUIZ_ANSWER, buttons.QUIZ_RESUME, buttons.QUIZ_RESTART, buttons.QUIZ_PAUSE,
    buttons.HISTORY, buttons.REMINDERS, buttons.RESULT_PDF, buttons.PEERS_BEGIN, buttons.PEERS_INDUSTRY,
    buttons.PEERS_SIZE, buttons.DELETE_YES, buttons.DELETE_NO))
ADMIN_COMMANDS = tuple(ADMIN_ROUTES)


def command_list(lang: str) -> str:
    return "\n".join(f"/{c} — {t('cmd_' + c, lang)}" for c in COMMANDS)


def private_only(turn: Turn, name: str) -> Reply:
    """In a group: the link that opens the private chat and does the same there."""
    return reply(t("private_only", turn.lang, command=name, link=turn.link(name)), kind="private_only")


def unknown_command(turn: Turn, name: str) -> Reply:
    close = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.6)
    suggestion = t("did_you_mean_cmd", turn.lang, command=close[0]) if close else ""
    text = t("unknown_command", turn.lang, command=name[:32], suggestion=suggestion, commands=command_list(turn.lang))
    return reply(text, kind="unknown_command")


class Dialogue:
    """What a channel talks to: `handle` for each event, and the few things a channel does on its own
    schedule (reminders, retention, reload) or learns from its transport (an unreachable user)."""

    def __init__(self, core: Core):
        self.core = core
        # channel → deep link maker, e.g. "telegram" → t.me/<bot>?start=…; set by the channel at start-up
        self.deep_links: dict[str, Callable[[str], str]] = {}

    def turn(self, user_id: str, user: dict, lang: str, channel: str, admin: bool = False) -> Turn:
        return Turn(self.core, user_id, user, lang, channel, self.deep_links.get(channel, command_link), admin)

    def handle(self, event: Event) -> list[Reply]:
        store = self.core.store
        # A user's chat stays their private one: reminders never go to a group they spoke in.
        user = store.touch_user(event.user, event.channel, None if event.group else event.chat, event.lang_hint)
        lang = choose_lang(user, event)
        if lang != user.get("last_lang"):
            store.update_user(event.user, last_lang=lang)
        turn = self.turn(event.user, user, lang, event.channel, event.admin)
        if event.kind == "command":
            name, arg = event.command.lower(), event.text.strip()
            if event.group and (name in PRIVATE_COMMANDS or (name == "start" and arg in PRIVATE_COMMANDS)):
                return [private_only(turn, arg if name == "start" else name)]
            return self.command(turn, name, arg)
        if event.kind == "button":
            if event.group and (event.text == buttons.MENU.encode("quiz")
                                or buttons.split(event.text)[0] in PRIVATE_BUTTONS):
                return [private_only(turn, "quiz")]
            return self.button(turn, event.text)
        if event.kind == "edited":
            return [reply(t("edited", lang), kind="edited")]
        if event.kind == "other":
            what = event.text if event.text in NON_TEXT else "other"
            return [reply(t("non_text", lang, what=t("what_" + what, lang)), kind="non_text")]
        return self.text(turn, event.text)

    def text(self, turn: Turn, text: str) -> list[Reply]:
        if OPTION_LIKE.match(text):  # "3", "b": a choice typed instead of pressed, not a question
            return quiz.typed_option(turn)
        replies = answers.answer_question(turn, text)
        if replies and replies[0].kind in ("declined", "unsure") and self.core.store.active_quiz(turn.user_id):
            replies.append(reply(t("quiz_pending_hint", turn.lang), kind="hint"))
        return replies

    def command(self, turn: Turn, name: str, arg: str) -> list[Reply]:
        if name in ADMIN_ROUTES:
            if not operator.is_operator(turn):
                return [reply(t("admin_only", turn.lang), kind="admin_only")]
            return ADMIN_ROUTES[name](turn, arg)
        step = COMMAND_ROUTES.get(name)
        return step(turn, arg) if step else [unknown_command(turn, name)]

    def button(self, turn: Turn, data: str) -> list[Reply]:
        """Dispatch a button press; anything that does not match stored state has expired."""
        prefix, rest = buttons.split(data)
        codec, step = BUTTON_ROUTES.get(prefix, (None, None))
        fields = codec.parse(rest) if codec else None
        replies = step(turn, *fields) if fields is not None else None
        if not replies:
            return [reply(t("expired", turn.lang), toast=t("expired", turn.lang), kind="expired")]
        return replies

    def inline(self, text: str, lang_hint: str | None = None) -> list[answers.Suggestion]:
        """`@bot question` typed in any chat: matches to share; no user state is touched."""
        return answers.suggestions(self.core, text, lang_hint)

    # -- what a channel does on its own schedule, or learns from its transport -------------------------

    def due_reminders(self, channel: str) -> list[tuple[dict, Reply]]:
        """(user row, reminder) for each unfinished quiz of this channel's users whose one reminder is
        due; only those are marked sent, so another channel's reminders wait for that channel."""
        out = []
        store = self.core.store
        for row in store.due_reminders():
            if row["channel"] != channel:
                continue
            user = store.user(row["user_id"])
            session = store.quiz_session(row["session_id"])
            turn = self.turn(row["user_id"], user, choose_lang(user, Event(row["user_id"], "button")), channel)
            out.append((user, quiz.reminder(turn, session)))
            store.mark_reminded(row["session_id"])
        return out

    def user_unreachable(self, user_id: str) -> None:
        """The user blocked the bot: mark them inactive (their next message makes them active again)."""
        self.core.store.update_user(user_id, active=0)

    def purge(self) -> int:
        """Delete questions older than the retention period; how many went."""
        return self.core.store.purge_questions(self.core.settings.retention_days)

    def reload(self) -> list[str]:
        """Swap in the knowledge directory if it validates; otherwise the problem lines, nothing changed."""
        return self.core.reload()

    def close(self) -> None:
        self.core.close()
