"""Answering on questions nobody tuned for: surface forms, clause numbers, pinyin, small talk, the
owner of a question, and the held-out evaluation's hygiene (issue 14)."""

from __future__ import annotations

import json

import pytest

from bot.answering import evaluation
from bot.answering.textnorm import Analyzer, Normalizer
from tests.conftest import run_cli


def best_topic(knowledge, question):
    ans = knowledge.answerer.answer(question)
    return ans.status, (ans.best.entry.topic if ans.best else None)


@pytest.mark.parametrize("question", [
    "4。2。3怎么写", "4、2、3 要求什么", "4 2 3 战略部署", "第4.2.3条讲什么", "４．２．３", "4.2.3",
])
def test_a_clause_typed_with_the_chinese_ime_or_spaces_finds_its_entry(knowledge, question):
    assert best_topic(knowledge, question) == ("answered", "cat.strategy.deployment")


def test_counts_are_not_read_as_clause_numbers():
    normalize = Normalizer()
    assert normalize.basic("4、5年的数据") == "4、5年的数据"
    assert normalize.basic("4 5 个人负责") == "4 5 个人负责"
    assert normalize.basic("4-6 测量") == "4.6 测量"


@pytest.mark.parametrize(("question", "category"), [
    ("4.7.9 怎么写", "4.7"), ("clause 4.1.5 requirements?", "4.1"), ("What's in item 4.6.4?", "4.6"), ("4.8", "4.7"),
])
def test_a_clause_that_does_not_exist_is_declined_with_the_nearest_ones(knowledge, question, category):
    ans = knowledge.answerer.answer(question)
    assert (ans.status, ans.reason) == ("declined", "no_such_clause")
    assert ans.candidates
    assert all(c.entry.clause.startswith(category) for c in ans.candidates)


def test_a_category_summary_item_is_its_category(knowledge):
    assert best_topic(knowledge, "4.7.1是什么") == ("answered", "cat.results")


def test_the_no_such_clause_reply_names_the_clause_and_offers_the_nearest(chat):
    replies = chat.send("text", "4.7.9 怎么写")
    assert "4.7.9" in replies[0].text
    labels = [b.label for row in replies[0].buttons for b in row]
    assert any(label.startswith("4.7.") for label in labels)


@pytest.mark.parametrize(("question", "topic"), [
    ("zi ping bao gao zen me xie", "practice.report_writing"),
    ("ping shen liu cheng you na ji bu", "award.process"),
])
def test_a_question_typed_in_pinyin_is_read_as_chinese(knowledge, question, topic):
    assert best_topic(knowledge, question)[1] == topic


def test_english_is_not_mistaken_for_pinyin(knowledge):
    assert knowledge.answerer.pinyin.to_chinese("how is a process item scored") is None
    assert best_topic(knowledge, "how is a process item scored") == ("answered", "scoring.process_adli")


def test_taiwan_vocabulary_becomes_mainland_vocabulary():
    assert Normalizer().basic("資訊系統 軟體 績效指標 品質管理 專案") == "信息系统 软件 绩效指标 质量管理 项目"


def test_hyphens_and_slashes_split_words():
    tokens = Analyzer(Normalizer())("self-assess input/output")
    assert {"self", "assess", "input", "output"} <= set(tokens)


def test_english_questions_that_match_an_alternate_are_answered_not_doubted(knowledge):
    """The alternate-question half of the score is not capped for English: asked as written, nearly every
    English alternate is answered with its own entry (the rest tie with a neighbour and are offered)."""
    kb = knowledge.answerer.kb
    asked = [(q, e.topic) for e in kb.entries.values() if e.in_scope for q in e.questions["en"]]
    right = sum(best_topic(knowledge, q) == ("answered", topic) for q, topic in asked)
    assert right / len(asked) >= 0.9


@pytest.mark.parametrize("message", [
    "thx 多谢", "Thanks, that was really helpful!", "辛苦了，太有用了，谢谢", "Hi there", "谢谢，你太厉害了",
    "thanks 谢谢啦",
])
def test_small_talk_in_two_languages_or_with_a_compliment_is_small_talk(knowledge, message):
    assert knowledge.answerer.answer(message).status == "smalltalk"


def test_a_question_after_thanks_is_still_a_question(knowledge):
    assert knowledge.answerer.answer("thanks, how is 4.2 scored?").status != "smalltalk"


def test_the_glossary_owns_definitions_and_the_practice_entry_owns_how_to(knowledge):
    assert best_topic(knowledge, "what is a benchmark")[1] == "glossary.benchmark"
    assert best_topic(knowledge, "how do we benchmark against our competitors")[1] == "practice.benchmarking"


def test_the_held_out_set_is_split_once_and_never_copied_into_the_knowledge_base(knowledge):
    files = evaluation.heldout_files()
    assert len(files) == 2
    tune, test = evaluation.load_split(files, "tune"), evaluation.load_split(files, "test")
    assert len(tune) + len(test) >= 300
    assert not {it.q for it in tune} & {it.q for it in test}
    assert {it.origin for it in tune + test} == {"real", "written"}
    assert evaluation.verbatim_alternates(test + tune, knowledge.answerer.kb) == []


def test_check_warns_about_entries_whose_documents_compete(cli_env):
    done = run_cli("check", env=cli_env)
    assert done.returncode == 0
    assert "glossary.benchmark and practice.benchmarking are near-duplicates (document cosine 0." in done.stderr
    twins = json.loads(run_cli("check", "--json", env=cli_env).stdout)["near_duplicates"]
    pair = next(t for t in twins if set(t["entries"]) == {"glossary.benchmark", "practice.benchmarking"})
    assert 0.6 <= pair["cosine"] <= 1.0
