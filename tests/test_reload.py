"""A knowledge reload in the middle of conversations: nothing in flight is lost."""

from __future__ import annotations

from bot.dialogue import Dialogue
from bot.dialogue.core import Core
from tests.support.transcript import Chat


def answer_next(chat: Chat, option: int = 2) -> None:
    chat.press_data(next(b.data for b in chat.buttons() if b.data.startswith("q:") and b.data.endswith(f":{option}")))


def test_a_quiz_and_an_answer_in_flight_survive_a_reload(settings, knowledge, kb_copy):
    core = Core(settings.with_(knowledge_dir=kb_copy), knowledge, None)
    user, operator = Chat(Dialogue(core), "tg:7"), Chat(Dialogue(core), "tg:4242")
    user.say("战略部署怎么写")
    answer_buttons = user.buttons()
    user.say("/quiz quick")
    for _ in range(5):
        answer_next(user)
    on_screen = [b.data for b in user.buttons() if b.data.startswith("q:")]  # the sixth question's options
    # An author adds an alternate question; the operator reloads.
    award = kb_copy / "award.yaml"
    marker = "    questions:\n      zh:\n"
    award.write_text(award.read_text("utf-8").replace(marker, marker + "        - 蓝莓重载测试\n", 1), "utf-8")
    operator.say("/reload")
    assert operator.kinds() == ["reload_done"]
    assert core.knowledge is not knowledge
    # The buttons under the answer from before the reload still work.
    user.press_data(next(b.data for b in answer_buttons if b.data.startswith("m:")))
    assert user.kinds() == ["more"]
    # The quiz goes on from the question that was on screen, and finishes with all 14 answers counted.
    user.press_data(next(d for d in on_screen if d.endswith(":2")))
    for _ in range(8):
        answer_next(user)
    assert user.kinds() == ["quiz_done", "quiz_result", "quiz_chart"]
    session = core.store.db.execute("SELECT id FROM quiz_sessions WHERE user_id = 'tg:7'").fetchone()[0]
    counted = core.store.db.execute("SELECT COUNT(*) FROM quiz_answers WHERE session_id = ?", [session]).fetchone()
    assert counted[0] == 14
    # And the new question is answered from the new knowledge.
    user.say("蓝莓重载测试")
    assert user.kinds() == ["answer"]
    core.close()
