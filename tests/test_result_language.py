"""A quiz result is stored without words and read in the reader's language: a quiz taken in Chinese and
read after /lang en shows no Chinese outside names, in chat, history, the PDF and the comparison."""

from __future__ import annotations

import json
import re

from tests.support.pdftext import extract
from tests.test_quiz_result import answer_all

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def cjk(text: str) -> list[str]:
    return sorted(set(CJK.findall(text)))


def test_a_quiz_taken_in_chinese_reads_in_english_after_lang_en(chat, core):
    chat.say("/quiz quick")
    answer_all(chat, 1)
    assert "估计总分" in chat.text  # taken in Chinese
    stored = core.store.quiz_results("console:alice", limit=1)[0]["result"]
    assert cjk(json.dumps(stored, ensure_ascii=False)) == []  # the stored result carries no words

    chat.say("/lang en")
    chat.say("/history")
    assert "Your past results:" in chat.text
    assert cjk(chat.text) == []
    chat.say("/report")
    _pages, text = extract(chat.last[0].document_bytes())
    assert "Whattoworkonnext" in re.sub(r"\s+", "", text)
    assert cjk(text) == []

    chat.say("/quiz quick")
    answer_all(chat, 3)  # compared with the Chinese attempt
    assert chat.kinds() == ["quiz_done", "quiz_result", "quiz_chart"]
    assert cjk(chat.text) == []
    texts = chat.last[-1]
    assert texts.image_bytes()  # the chart with the earlier attempt drawn in


def test_a_result_stored_with_its_words_before_the_change_still_reads(chat, core):
    """Rows written before results became language-free hold lang, level_name, title and why."""
    chat.say("/quiz quick")
    answer_all(chat, 2)
    row = core.store.quiz_results("console:alice", limit=1)[0]
    old = json.loads(json.dumps(row["result"]))
    old["lang"] = "zh"
    for c in old["categories"].values():
        c["level_name"] = "旧名称" if c["level"] else None
    old["recommendations"] = [{"topic": r["topic"], "entry": r["entry"], "title": "旧标题", "why": "旧理由"}
                              for r in old["recommendations"]]
    core.store.db.execute("UPDATE quiz_results SET result = ? WHERE session_id = ?",
                          [json.dumps(old, ensure_ascii=False), row["session_id"]])
    chat.say("/lang en")
    chat.say("/history")
    assert chat.kinds() == ["history"]
    chat.say("/report")
    _pages, text = extract(chat.last[0].document_bytes())
    assert "旧名称" not in text  # the level is worded again from its number
    assert "旧标题" not in text  # titles follow the reader's language
    assert "旧理由" in text  # a reason had no code then: it is shown as it was written
