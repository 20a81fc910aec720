"""What a result says about the answers: truthful reasons, and no category both strongest and weakest."""

from __future__ import annotations

import json
import re

import pytest

from bot.reports import pdf, summary
from tests.conftest import run_cli
from tests.support.pdftext import extract

QUICK = ("lead_direction", "lead_performance_review", "strat_planning", "strat_cascade", "cust_needs",
         "cust_satisfaction", "res_people", "res_knowledge", "proc_identify", "proc_improve", "meas_indicators",
         "meas_improvement", "rslt_customer", "rslt_financial")
LEADERSHIP_FULL = ("lead_direction", "lead_communication", "lead_performance_review", "lead_governance",
                   "lead_social_responsibility")


@pytest.fixture
def kb(knowledge):
    return knowledge.kb


def answer_all(chat, option: int) -> None:
    """Press option `option` (0 = A … 6 = "I don't know") on every question of the attempt on screen."""
    while chat.last and chat.last[-1].kind == "quiz_question":
        chat.press_data(next(b.data for b in chat.buttons()
                             if b.data.startswith("q:") and b.data.endswith(f":{option}")))


# -- 1. the reason of a recommendation says what happened: an option, "I don't know", or no answer ----------

def test_the_quick_bank_is_the_one_these_tests_name(kb):
    assert tuple(kb.quiz.modes["quick"]) == QUICK
    assert tuple(q for q in kb.quiz.modes["full"] if kb.quiz.questions[q].category == "cat.leadership") == \
        LEADERSHIP_FULL


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reasons_tell_a_chosen_option_from_i_dont_know_from_no_answer(kb, lang):
    bank = kb.quiz
    # Every other category at the top band, so leadership (mean of 0 and 20 = 10 %) is the weakest.
    answers = {qid: 5 for qid in bank.modes["full"] if bank.questions[qid].category != "cat.leadership"}
    answers |= {"lead_direction": 0, "lead_governance": 1,  # low bands: A (0 %) and B (20 %)
                "lead_communication": bank.questions["lead_communication"].unknown_index}  # "I don't know"
    # lead_performance_review and lead_social_responsibility are not answered at all
    result = summary.score(kb, "full", answers, lang)
    assert result["weakest"] == "cat.leadership"
    assert result["categories"]["cat.leadership"]["unknown"] == 1
    why = {r["entry"]: r["why"] for r in result["recommendations"]}
    q = bank.questions
    dont_know, unanswered = {"en": ("I don't know", "was not answered"), "zh": ("不知道", "没有作答")}[lang]
    # each reason names its own case (entries: the first unused one of each question's list, lowest first)
    chosen = {"cat.leadership.senior_leaders": q["lead_direction"].options[0].text[lang],
              "cat.leadership.governance": q["lead_governance"].options[1].text[lang]}
    for entry, option_text in chosen.items():
        assert option_text.rstrip("。.") in why[entry]
        assert dont_know not in why[entry]
        assert unanswered not in why[entry]
    unknown_why = why["scoring.process_adli"]  # lead_communication's second entry
    assert dont_know in unknown_why
    assert q["lead_communication"].text[lang] in unknown_why
    assert unanswered not in unknown_why
    for entry, qid in (("cat.measurement.analysis", "lead_performance_review"),
                       ("cat.leadership.social_responsibility", "lead_social_responsibility")):
        assert unanswered in why[entry]
        assert q[qid].text[lang] in why[entry]
        assert dont_know not in why[entry]
    assert list(why) == ["cat.leadership.senior_leaders", "cat.leadership.governance", "scoring.process_adli",
                         "cat.measurement.analysis", "cat.leadership.social_responsibility"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cli_does_not_call_an_unanswered_question_i_dont_know(cli_env, lang):
    """The reported case: one leadership answer, the other leadership question left out."""
    out = run_cli("quiz", "--answers", '{"lead_direction":3}', "--json", "--lang", lang, env=cli_env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["unknown"] == 0
    reasons = " ".join(r["why"] for r in result["recommendations"])
    assert ("I don't know" if lang == "en" else "不知道") not in reasons
    assert ("was not answered" if lang == "en" else "没有作答") in reasons
    # the one counted category is not called the lowest-scoring: there is nothing to compare it with
    assert ("lowest-scoring" if lang == "en" else "得分最低") not in reasons
    assert (result["strongest"], result["weakest"], result["all_equal"]) == (None, None, False)


def test_i_dont_know_pressed_in_the_conversation_is_reported_as_such(chat, core):
    """Through the dialogue: "I don't know" on the first leadership question, A on the second, F elsewhere."""
    chat.say("/lang en")
    chat.say("/quiz quick")
    unknown = core.kb.quiz.questions["lead_direction"].unknown_index
    for i in range(len(QUICK)):
        option = unknown if i == 0 else 0 if i == 1 else 5
        chat.press_data(next(b.data for b in chat.buttons() if b.data.startswith("q:") and
                             b.data.endswith(f":{option}")))
    assert chat.kinds() == ["quiz_done", "quiz_result", "quiz_chart"]
    stored = summary.as_dict(core.kb, core.store.quiz_results("console:alice", limit=1)[0]["result"], "en")
    reasons = [r["why"] for r in stored["recommendations"]]
    assert any("I don't know" in w and core.kb.quiz.questions["lead_direction"].text["en"] in w for w in reasons)
    assert not any("not answered" in w for w in reasons)
    assert "I don't know" in chat.text


# -- 2. strongest and weakest are never the same category -------------------------------------------------

@pytest.mark.parametrize("option", [0, 1, 5])
def test_a_flat_profile_names_no_strongest_or_weakest(kb, option):
    result = summary.score(kb, "quick", dict.fromkeys(QUICK, option))
    assert (result["strongest"], result["weakest"]) == (None, None)
    assert result["all_equal"] is True
    assert result["partial"] is False
    assert result["recommendations"]  # still somewhere to start: the category worth the most points
    reasons = " ".join(r["why"] for r in result["recommendations"])
    assert "lowest-scoring" not in reasons
    assert "second-weakest" not in reasons


def test_strongest_and_weakest_differ_whenever_they_are_named(kb):
    bank = kb.quiz
    patterns = [
        {qid: i % 6 for i, qid in enumerate(QUICK)},
        {qid: 5 if bank.questions[qid].category == "cat.strategy" else 2 for qid in QUICK},
        {"lead_direction": 4, "strat_planning": 1},  # two categories, the rest unanswered
        {"lead_direction": 3, "strat_planning": 3},  # two categories at the same score: partial and flat
        {"lead_direction": 3},  # one category: nothing to compare
        {},  # nothing counted
    ]
    for answers in patterns:
        r = summary.score(kb, "quick", answers)
        scored = {c: v["score_pct"] for c, v in r["categories"].items() if v["score_pct"] is not None}
        if len(set(scored.values())) >= 2:
            assert r["strongest"] != r["weakest"]
            assert scored[r["strongest"]] == max(scored.values())
            assert scored[r["weakest"]] == min(scored.values())
            assert r["all_equal"] is False
        else:
            assert (r["strongest"], r["weakest"]) == (None, None), answers
            assert r["all_equal"] is (len(scored) >= 2), answers
    flat_partial = summary.score(kb, "quick", {"lead_direction": 3, "strat_planning": 3})
    assert flat_partial["partial"] is True
    assert flat_partial["all_equal"] is True


def test_the_cli_json_shows_a_flat_profile_as_nulls_and_a_flag(cli_env):
    out = run_cli("quiz", "--answers", json.dumps(dict.fromkeys(QUICK, 5)), "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["strongest"], result["weakest"], result["all_equal"]) == (None, None, True)
    text = run_cli("quiz", "--answers", json.dumps(dict.fromkeys(QUICK, 5)), env=cli_env)
    assert text.returncode == 0, text.stderr
    assert "Strongest" not in text.stdout


def test_an_all_lowest_quiz_in_the_conversation_stores_and_shows_no_strongest_or_weakest(chat, core):
    chat.say("/quiz quick")
    answer_all(chat, 0)
    assert chat.kinds() == ["quiz_done", "quiz_result", "quiz_chart"]
    stored = core.store.quiz_results("console:alice", limit=1)[0]["result"]  # as saved in SQLite
    assert (stored["strongest"], stored["weakest"], stored["all_equal"]) == (None, None, True)
    assert "最强" not in chat.text
    chat.say("/report")
    _pages, text = extract(chat.last[0].document_bytes())
    assert "最强" not in text  # the PDF does not name 结果 as both strongest and weakest
    assert "估计总分" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pdf_of_a_flat_profile_names_no_category_as_both(kb, lang):
    result = summary.score(kb, "quick", dict.fromkeys(QUICK, 5), lang)
    _pages, text = extract(pdf.result_pdf(kb, result, lang))
    assert ("Strongest" if lang == "en" else "最强") not in text


def test_a_flat_profile_says_all_categories_are_at_the_same_level(chat, core):
    chat.say("/quiz quick")
    answer_all(chat, 0)
    assert "各类目处于同一水平：均为 0%（1级 被动应对）" in chat.text
    chat.say("/lang en")
    chat.say("/quiz quick")
    answer_all(chat, 5)
    assert "All categories are at the same level: 95% each (level 5 Role model)" in chat.text
    partial = summary.score(core.kb, "quick", {"lead_direction": 3, "strat_planning": 3}, "en")

    assert "All categories with a counted answer are at the same level: 60% each" in \
        summary.result_text(core.kb.quiz, partial, "en").plain
    _pages, text = extract(pdf.result_pdf(core.kb, summary.score(core.kb, "quick", dict.fromkeys(QUICK, 5),
                                                                     "en"), "en"))
    assert re.sub(r"\s+", "", "All categories are at the same level") in text


def test_all_i_dont_know_gives_no_estimate_rather_than_a_total_of_zero(chat):
    chat.say("/quiz quick")
    for _ in range(14):
        chat.press_data(next(b.data for b in chat.buttons() if b.data.startswith("q:") and b.data.endswith(":6")))
    assert "没有可估算的分数" in chat.text
    assert "0 / 1000" not in chat.text
    chat.say("/history")
    assert "无估分" in chat.text
    assert "/1000" not in chat.text
