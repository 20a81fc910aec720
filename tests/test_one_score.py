"""One score, one form: the same result reads the same number in chat, in the PDF and in /history, for a
category (104.5 of 110 is 105 everywhere) and for the total; a row stored before the rounding rule shows the
same way.
"""

from __future__ import annotations

import json
import re

from bot.dialogue import Dialogue
from tests.support.pdftext import extract
from tests.support.transcript import Chat


def take_quiz(chat: Chat, core, options: dict[str, int]) -> None:
    chat.say("/quiz quick")
    bank = core.kb.quiz
    while chat.last and chat.last[-1].kind == "quiz_question":
        index = int(next(b.data for b in chat.buttons() if b.data.startswith("q:")).split(":")[2])
        qid = core.store.active_quiz(chat.user)["question_ids"][index]
        cat = bank.questions[qid].category
        chat.press_data(next(b.data for b in chat.buttons()
                             if b.data.startswith("q:") and b.data.endswith(f":{options[cat]}")))


def test_a_category_at_104_5_of_110_and_the_total_read_the_same_in_chat_pdf_and_history(core):
    chat = Chat(Dialogue(core), "console:erin", lang_hint="en")
    # leadership at 95 % of 110 = 104.5; strategy at 95 % of 90 = 85.5; the rest at 40 %
    options = dict.fromkeys(core.kb.quiz.categories, 2) | {"cat.leadership": 5, "cat.strategy": 5}
    take_quiz(chat, core, options)
    shown = chat.text
    assert "105/110" in shown, shown
    assert "104/110" not in shown
    total = int(re.search(r"Estimated total: (\d+) / 1000", shown).group(1))
    chat.say("/report")
    pdf = next(r for r in chat.last if r.document_bytes())
    _, text = extract(pdf.document_bytes())
    assert "105/110" in text
    assert "104.5" not in text
    assert f"{total}/1000" in text
    chat.say("/history")
    assert f"{total}/1000" in chat.text
    assert not re.search(r"\d+\.\d+/1000", chat.text)
    stored = json.loads(core.store.db.execute("SELECT result FROM quiz_results").fetchone()[0])
    assert stored["categories"]["cat.leadership"]["points"] == 105
    assert stored["total"] == total


def test_a_row_stored_with_decimals_shows_whole_numbers_everywhere(core):
    chat = Chat(Dialogue(core), "console:fay", lang_hint="en")
    take_quiz(chat, core, dict.fromkeys(core.kb.quiz.categories, 2))
    row = json.loads(core.store.db.execute("SELECT result FROM quiz_results").fetchone()[0])
    row["categories"]["cat.leadership"]["points"] = 104.5  # as results were stored before
    row["total"] = 300.5
    core.store.db.execute("UPDATE quiz_results SET result = ?, total = 300.5", [json.dumps(row)])
    chat.say("/history")
    assert "301/1000" in chat.text
    assert "300.5" not in chat.text
