"""Peer comparison says ties as ties ("the same as N others", "higher than X %" with ties excluded), and a
result keeps its actions (compare, PDF) wherever it is shown: after another of its buttons in the console,
and in /history.
"""

from __future__ import annotations

import io

from bot.channels.console import Console
from bot.dialogue import Dialogue
from bot.store import files
from tests.support.transcript import Chat
from tests.test_teams import finished


def all_a(chat: Chat) -> None:
    chat.say("/quiz quick")
    while chat.last and chat.last[-1].kind == "quiz_question":
        chat.press_data(next(b.data for b in chat.buttons() if b.data.startswith("q:") and b.data.endswith(":0")))


def test_a_user_tied_at_0_percent_with_four_others_is_higher_than_nobody(core):
    for i in range(4):
        finished(core, f"tg:{300 + i}", 0, "manufacturing", "300_999")  # four others at 0 %
    for i in range(5):
        finished(core, f"tg:{400 + i}", 2, "manufacturing", "300_999")  # five others at 40 %
    me = Chat(Dialogue(core), "tg:100")
    all_a(me)
    sid = core.store.quiz_results("tg:100", limit=1)[0]["session_id"]
    me.press_data(f"ps:{sid}:manufacturing:300_999")
    assert me.kinds() == ["peers"]
    leadership = next(line for line in me.text.splitlines() if "领导" in line)
    assert leadership.endswith("高于 0% 的参与者，与另外 4 人相同"), leadership
    assert "22%" not in me.text
    me.lang_hint = "en"
    me.say("/lang en")
    me.press_data(f"ps:{sid}:manufacturing:300_999")
    assert "higher than 0% of participants, the same as 4 others" in me.text


def test_history_offers_compare_and_pdf_for_each_result(core):
    me = Chat(Dialogue(core), "tg:7")
    all_a(me)
    sid = core.store.quiz_results("tg:7", limit=1)[0]["session_id"]
    me.say("/history")
    data = [b.data for b in me.buttons()]
    assert f"pb:{sid}" in data
    assert f"rp:{sid}" in data
    me.press_data(f"rp:{sid}")
    assert me.kinds() == ["report_pdf"]
    me.say("/history")
    me.press_data(f"pb:{sid}")
    assert me.kinds() == ["peers_industry"]


def test_in_the_console_the_compare_button_survives_pressing_pdf(core):
    console = Console(Dialogue(core), files.files_dir(core.settings.db_path), user="console:gus", out=io.StringIO())
    console.step("/quiz quick")
    for _ in range(len(core.kb.quiz.modes["quick"])):
        console.step("1")
    labels = [b.label for b in console.buttons]
    pdf = next(i for i, b in enumerate(console.buttons, 1) if b.data.startswith("rp:"))
    peers = next(i for i, b in enumerate(console.buttons, 1) if b.data.startswith("pb:"))
    console.step(str(pdf))
    assert [b.label for b in console.buttons] == labels  # the PDF arrived; the result's choices stay
    shown = console.step(str(peers))
    assert "制造业" in shown or "Manufacturing" in shown, shown
