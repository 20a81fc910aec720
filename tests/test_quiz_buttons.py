"""Quiz buttons that no longer match the stored attempt, and the reminder opt-out, through the dialogue.

Already covered elsewhere: /quiz offering resume or start over, and forged or replayed answer presses
(test_quiz.py); one reminder after a restart and the opt-out press in Telegram (test_telegram.py).
"""

from __future__ import annotations

from bot.dialogue import Dialogue
from bot.dialogue.core import Core
from tests.support.transcript import Chat


def quiz_buttons(chat: Chat) -> dict[str, str]:
    """The data of the resume, restart and pause buttons on screen, by prefix."""
    return {b.data.split(":")[0]: b.data for b in chat.buttons() if b.data.split(":")[0] in ("qc", "qr", "qx")}


def press_option(chat: Chat, option: int) -> None:
    chat.press_data(next(b.data for b in chat.buttons() if b.data.startswith("q:") and b.data.endswith(f":{option}")))


def assert_expired(chat: Chat) -> None:
    assert chat.kinds() == ["expired"]
    assert chat.last[0].toast  # acknowledged on the button itself as well
    assert "/quiz" in chat.text


def test_resume_restart_and_pause_buttons_of_an_abandoned_attempt_have_expired(chat, core):
    chat.say("/quiz quick")
    first_question = [b.data for b in chat.buttons() if b.data.startswith("q:")]
    pause_old = quiz_buttons(chat)["qx"]
    press_option(chat, 2)
    chat.say("/quiz")
    assert chat.kinds() == ["quiz_resume"]
    old = quiz_buttons(chat)
    old_sid = old["qc"].split(":")[1]
    chat.press("重新开始")
    new_sid = quiz_buttons(chat)["qx"].split(":")[1]
    assert new_sid != old_sid
    for data in (old["qc"], old["qr"], pause_old, first_question[3]):  # all belong to the abandoned attempt
        chat.press_data(data)
        assert_expired(chat)
    assert core.store.quiz_session(old_sid)["status"] == "abandoned"
    assert core.store.active_quiz("console:alice")["id"] == new_sid  # no second restart happened
    assert core.store.quiz_answers(new_sid) == {}
    assert len(core.store.quiz_answers(old_sid)) == 1


def test_another_users_resume_and_restart_buttons_have_expired(chat, core):
    chat.say("/quiz quick")
    press_option(chat, 1)
    chat.say("/quiz")
    mine = quiz_buttons(chat)
    mallory = Chat(Dialogue(core), user="console:mallory")
    for data in (mine["qc"], mine["qr"], "qc:ffffffff", "qr:", "qx:../etc"):
        mallory.press_data(data)
        assert_expired(mallory)
    sid = mine["qc"].split(":")[1]
    assert core.store.quiz_session(sid)["status"] == "active"
    assert len(core.store.quiz_answers(sid)) == 1
    assert core.store.active_quiz("console:mallory") is None


def test_buttons_of_a_finished_quiz_have_expired(chat, core):
    chat.say("/quiz quick")
    n = len(core.kb.quiz.modes["quick"])
    for _ in range(n - 1):
        press_option(chat, 3)
    last = [b.data for b in chat.buttons() if b.data.startswith("q:")]
    pause = quiz_buttons(chat)["qx"]
    press_option(chat, 3)
    assert chat.kinds() == ["quiz_done", "quiz_result", "quiz_chart"]
    sid = pause.split(":")[1]
    for data in (last[0], last[5], pause, f"qc:{sid}", f"qr:{sid}"):
        chat.press_data(data)
        assert_expired(chat)
    assert len(core.store.quiz_results("console:alice", limit=10)) == 1  # scored once, not again
    chat.say("/quiz")
    assert chat.kinds() == ["quiz_choose"]  # nothing left to resume


def test_reminders_off_stops_later_reminders_even_after_a_restart(settings, knowledge):
    now = [1_800_000_000.0]
    core = Core(settings, knowledge, None, clock=lambda: now[0])
    chat = Chat(Dialogue(core), user="tg:77")
    chat.say("/quiz quick")
    press_option(chat, 0)
    now[0] += 25 * 3600
    due = Dialogue(core).due_reminders(channel="telegram")
    assert [user["id"] for user, _ in due] == ["tg:77"]
    reminder = due[0][1]
    assert reminder.kind == "reminder"
    chat.last = [reminder]
    chat.press_data("r:on")  # not a button the bot ever sent
    assert chat.kinds() == ["expired"]
    assert core.store.user("tg:77")["reminders"] == 1
    chat.last = [reminder]
    chat.press("不再提醒")
    assert chat.kinds() == ["reminders_off"]
    core.close()

    core = Core(settings, knowledge, None, clock=lambda: now[0])  # a restart: the choice is in SQLite
    try:
        chat = Chat(Dialogue(core), user="tg:77")
        chat.say("/quiz")
        chat.press("重新开始")  # a new unfinished attempt, which would normally get its own reminder
        press_option(chat, 1)
        now[0] += 48 * 3600
        assert Dialogue(core).due_reminders(channel="telegram") == []
        assert core.store.next_reminder_due() is None
        other = Chat(Dialogue(core), user="tg:78")  # someone who did not opt out still gets one
        other.say("/quiz quick")
        now[0] += 25 * 3600
        assert [user["id"] for user, _ in Dialogue(core).due_reminders(channel="telegram")] == ["tg:78"]
    finally:
        core.close()
