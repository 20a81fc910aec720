"""The unanswered log as an author reads it: questions about the same thing form one group."""

from __future__ import annotations

from bot.answering.unanswered import group_unanswered


def rows(*texts: str) -> list[dict]:
    return [{"text": q, "status": "declined", "ts": f"2026-12-0{i + 1}T10:00:00+00:00"} for i, q in enumerate(texts)]


def test_english_questions_on_one_subject_group_together_whatever_the_wording(knowledge):
    groups = group_unanswered(rows("weather today", "weather tomorrow", "what is the weather today",
                                         "how do I renew a passport"), knowledge.answerer)
    assert [g["count"] for g in groups] == [3, 1]
    assert groups[0]["examples"][0] == "weather today"
    assert groups[0]["languages"] == {"en": 3}
    assert groups[1]["examples"] == ["how do I renew a passport"]


def test_unrelated_questions_stay_apart(knowledge):
    groups = group_unanswered(rows("明天天气怎么样", "专利申请费多少", "how do I renew a passport"),
                                    knowledge.answerer)
    assert sorted(g["count"] for g in groups) == [1, 1, 1]


def test_unanswered_in_chat_takes_a_number_of_days_or_explains_itself(core):
    from bot.dialogue import Dialogue
    from tests.support.transcript import Chat

    operator = Chat(Dialogue(core), "console:local")
    operator.say("明天天气怎么样")
    for arg in ("abc", "²", "99999999999", "0"):
        operator.say(f"/unanswered {arg}")
        assert operator.kinds() == ["unanswered_usage"], arg
    operator.say("/unanswered 7")
    assert operator.kinds() == ["unanswered"]
    assert "明天天气怎么样" in operator.text
