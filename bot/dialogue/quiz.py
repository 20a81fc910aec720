"""The quiz as a conversation: choose a mode, answer button by button, resume, pause, see the result.

Progress lives in the store, never in memory: every answer is saved before the next question is shown,
so a restart resumes at the next unanswered question. Button data names the attempt, the question's
position and the option; it is checked against the stored attempt, so a stale, replayed or forged press
changes nothing.
"""

from __future__ import annotations

import string
from functools import partial

from bot.assessment import scoring
from bot.dialogue import buttons
from bot.reports import summary
from bot.ui.replies import Button, Reply, Text, reply
from bot.ui.texts import number, t

LETTERS = string.ascii_uppercase


def _bank(turn):
    return turn.core.kb.quiz


def _live_ids(turn, session: dict) -> list[str]:
    """The attempt's questions that still exist (a knowledge reload may have removed one)."""
    return [q for q in session["question_ids"] if q in _bank(turn).questions]


def quiz_command(turn, arg: str = "") -> list[Reply]:
    lang = turn.lang
    bank = _bank(turn)
    active = turn.core.store.active_quiz(turn.user_id)
    if active:
        ids = _live_ids(turn, active)
        done = len(turn.core.store.quiz_answers(active["id"]))
        text = t("quiz_resume", lang, mode=t("mode_" + active["mode"], lang), done=done, total=len(ids))
        rows = [[Button(t("btn_continue", lang), buttons.QUIZ_RESUME.encode(active["id"])),
                 Button(t("btn_restart", lang), buttons.QUIZ_RESTART.encode(active["id"]))]]
        return [reply(text, rows, kind="quiz_resume")]
    if arg in scoring.MODES:
        return start(turn, arg)
    text = t("quiz_choose", lang, quick=len(bank.modes["quick"]), full=len(bank.modes["full"]))
    rows = [[Button(t("btn_quick", lang, n=len(bank.modes["quick"])), buttons.QUIZ_MODE.encode("quick"))],
            [Button(t("btn_full", lang, n=len(bank.modes["full"])), buttons.QUIZ_MODE.encode("full"))]]
    return [reply(text, rows, kind="quiz_choose")]


def start(turn, mode: str, team_id: str | None = None) -> list[Reply]:
    ids = scoring.question_ids(_bank(turn), mode)
    sid = turn.core.store.start_quiz(turn.user_id, mode, ids, turn.core.settings.reminder_hours)
    if team_id:
        turn.core.store.teams.link_session(sid, team_id)
    return [question_reply(turn, turn.core.store.quiz_session(sid), {}, edit=False)]


def question_reply(turn, session: dict, answers: dict, edit: bool) -> Reply:
    lang = turn.lang
    bank = _bank(turn)
    ids = _live_ids(turn, session)
    index, q = scoring.next_question(bank, ids, answers)
    cat = bank.categories[q.category]
    header = t("quiz_header", lang, n=index + 1, total=len(ids), category=cat.name[lang])
    if q.item:
        header += f" · {q.item}"
    filled = round(10 * index / len(ids))
    text = Text().i(header).nl().add("▰" * filled + "▱" * (10 - filled)).nl(2).b(q.text[lang]).nl(2)
    for i, opt in enumerate(q.options):
        text.add(f"{LETTERS[i]}. {opt.text[lang]}").nl()
    sid = session["id"]
    letters = [Button(LETTERS[i], buttons.QUIZ_ANSWER.encode(sid, index, i)) for i in range(len(q.options))]
    rows = [letters[:3], letters[3:]] if len(letters) > 3 else [letters]
    rows.append([Button(t("btn_unknown", lang), buttons.QUIZ_ANSWER.encode(sid, index, q.unknown_index)),
                 Button(t("btn_pause", lang), buttons.QUIZ_PAUSE.encode(sid))])
    return reply(text, rows, edit=edit, kind="quiz_question")


def typed_option(turn) -> list[Reply]:
    """A number or letter typed rather than pressed: during a quiz, show the question again with a hint;
    otherwise say that it is not a choice on screen."""
    session = turn.core.store.active_quiz(turn.user_id)
    if session is None:
        return [reply(t("no_such_choice", turn.lang), kind="no_such_choice")]
    answers = turn.core.store.quiz_answers(session["id"])
    if scoring.next_question(_bank(turn), _live_ids(turn, session), answers) is None:
        return finish(turn, session, answers)
    return [reply(t("quiz_press_option", turn.lang), kind="hint"), question_reply(turn, session, answers, edit=False)]


def answer(turn, sid: str, index: str, option: str) -> list[Reply] | None:
    """A press on an answer button; None when it does not match the stored attempt (expired)."""
    session = buttons.own_active_quiz(turn, sid)
    if session is None or not index.isdigit() or not option.isdigit():
        return None
    store = turn.core.store
    answers = store.quiz_answers(sid)
    ids = _live_ids(turn, session)
    step = scoring.next_question(_bank(turn), ids, answers)
    if step is None or step[0] != int(index) or int(option) >= step[1].option_count:
        return None
    store.save_answer(sid, step[1].id, int(option), turn.core.settings.reminder_hours)
    answers[step[1].id] = int(option)
    if scoring.next_question(_bank(turn), ids, answers) is None:
        return finish(turn, session, answers)
    return [question_reply(turn, session, answers, edit=True)]


def finish(turn, session: dict, answers: dict) -> list[Reply]:
    lang = turn.lang
    kb = turn.core.kb
    store = turn.core.store
    stored = scoring.score(kb, session["mode"], answers).to_json()  # numbers and codes: no words are stored
    history = store.quiz_results(turn.user_id, limit=1)
    previous = history[0] if history else None
    store.finish_quiz(session["id"], turn.user_id, session["mode"], stored)
    if session.get("team_id"):
        member = store.teams.membership(session["team_id"], turn.user_id)
        store.teams.tag_result(session["id"], team_id=session["team_id"], role=member["role"] if member else None)
    change = scoring.changes(stored, previous["result"] if previous else None)
    result = summary.as_dict(kb, stored, lang)  # worded now, in the language of this reply
    text = summary.result_text(kb.quiz, result, lang, change,
                               previous["finished_at"] if previous else "", previous["mode"] if previous else "")
    rows = [[Button("📖 " + r["title"], buttons.OPEN_ENTRY.encode(r["entry"], 0))] for r in result["recommendations"]]
    sid = session["id"]
    rows.append([Button(t("btn_peers", lang), buttons.PEERS_BEGIN.encode(sid)),
                 Button(t("btn_pdf", lang), buttons.RESULT_PDF.encode(sid))])
    rows.append([Button(t("btn_history", lang), buttons.HISTORY.encode())])
    png = partial(summary.result_chart, kb.quiz, result, lang,
                  summary.as_dict(kb, previous["result"], lang) if previous else None)
    return [
        reply(t("quiz_done", lang, n=len(_live_ids(turn, session))), edit=True, kind="quiz_done"),
        reply(text, rows, kind="quiz_result"),
        reply("", image=png, image_name=f"awardbot-quiz-{session['id']}.png", kind="quiz_chart"),
    ]


def resume(turn, sid: str) -> list[Reply] | None:
    session = buttons.own_active_quiz(turn, sid)
    if session is None:
        return None
    answers = turn.core.store.quiz_answers(sid)
    if scoring.next_question(_bank(turn), _live_ids(turn, session), answers) is None:
        return finish(turn, session, answers)
    return [question_reply(turn, session, answers, edit=False)]


def restart(turn, sid: str) -> list[Reply] | None:
    session = buttons.own_active_quiz(turn, sid)
    if session is None:
        return None
    return start(turn, session["mode"])  # start_quiz abandons the old attempt in the same transaction


def pause(turn, sid: str | None = None) -> list[Reply]:
    session = buttons.own_active_quiz(turn, sid) if sid else turn.core.store.active_quiz(turn.user_id)
    if session is None:
        return [reply(t("quiz_none", turn.lang), kind="quiz_none")]
    done = len(turn.core.store.quiz_answers(session["id"]))
    text = t("quiz_paused", turn.lang, done=done, total=len(_live_ids(turn, session)))
    return [reply(text, edit=bool(sid), kind="quiz_paused")]


def history(turn) -> list[Reply]:
    lang = turn.lang
    rows = turn.core.store.quiz_results(turn.user_id, limit=10)
    if not rows:
        return [reply(t("history_empty", lang), kind="history")]
    text = Text().b(t("history_title", lang)).nl()
    actions = []  # each result keeps its actions here too: compare with peers, the PDF
    for r in rows:
        partial = t("history_partial", lang) if r["partial"] else ""
        if not summary.has_estimate(r["result"]):
            total, partial = t("history_no_estimate", lang), ""
        else:
            total = number(scoring.Result.from_json(r["result"]).total) + "/1000"  # rounded as everywhere
        text.add("• " + t("history_line", lang, date=r["finished_at"][:10], mode=t("mode_" + r["mode"], lang),
                         total=total, partial=partial)).nl()
        if len(actions) < HISTORY_ACTIONS:
            day, sid = r["finished_at"][:10], r["session_id"]
            actions.append([Button(f"{day} {t('btn_peers', lang)}", buttons.PEERS_BEGIN.encode(sid)),
                            Button(f"{day} {t('btn_pdf', lang)}", buttons.RESULT_PDF.encode(sid))])
    return [reply(text, actions, kind="history")]


HISTORY_ACTIONS = 5  # results in /history with their buttons (the latest first)


def reminder(turn, session: dict) -> Reply:
    lang = turn.lang
    done = len(turn.core.store.quiz_answers(session["id"]))
    text = t("reminder", lang, done=done, total=len(_live_ids(turn, session)))
    rows = [[Button(t("btn_continue", lang), buttons.QUIZ_RESUME.encode(session["id"])),
             Button(t("btn_reminders_off", lang), buttons.REMINDERS.encode("off"))]]
    return reply(text, rows, kind="reminder")


# -- commands and buttons ------------------------------------------------------------------------------

def quiz_command_arg(turn, arg: str) -> list[Reply]:
    return quiz_command(turn, arg.lower())


def choose_mode(turn, mode: str) -> list[Reply] | None:
    return quiz_command(turn, mode) if mode in scoring.MODES else None


def pause_button(turn, sid: str) -> list[Reply] | None:
    return pause(turn, sid) if buttons.own_active_quiz(turn, sid) else None
