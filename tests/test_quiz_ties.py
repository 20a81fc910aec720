"""A tie is named as a tie wherever the result names a category: strongest, weakest, the focus and the
second-weakest of the recommendations. The words agree with the table: a category tied with five others
is never "your strongest" or "your second-weakest" on its own.
"""

from __future__ import annotations

import pytest

from bot.reports import summary
from tests.test_quiz_result import QUICK


@pytest.fixture
def kb(knowledge):
    return knowledge.kb


def answers_by_category(kb, options: dict[str, int]) -> dict[str, int]:
    return {qid: options[kb.quiz.questions[qid].category] for qid in QUICK}


def names(kb, cats, lang):
    return [kb.quiz.categories[c].name[lang] for c in cats]


SIX_AT_20 = {"cat.leadership": 1, "cat.strategy": 1, "cat.customers": 1, "cat.resources": 1, "cat.process": 1,
             "cat.measurement": 1, "cat.results": 0}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_six_categories_tied_at_20_percent_are_all_named_strongest_as_a_tie(kb, lang):
    result = summary.score(kb, "quick", answers_by_category(kb, SIX_AT_20), lang)
    shown = summary.result_text(kb.quiz, result, lang).plain
    line = summary.strength_line(kb.quiz, result, lang)
    tied = names(kb, [c for c, o in SIX_AT_20.items() if o == 1], lang)
    assert all(n in line for n in tied), line
    assert ("并列" if lang == "zh" else "tied") in line
    assert names(kb, ["cat.results"], lang)[0] in line
    # the recommendations after the focus (results, alone at 0 %) never call one of the six "second-weakest"
    reasons = [r["why"] for r in result["recommendations"]]
    assert not any(("第二弱的类目" if lang == "zh" else "your second-weakest category") in w for w in reasons), reasons
    next_reasons = [r["why"] for r in result["recommendations"] if "cat.results" not in r["topic"]]
    assert next_reasons, result["recommendations"]
    assert all(("并列" if lang == "zh" else "tied") in w for w in next_reasons), next_reasons
    assert "最强：" + tied[0] + "；" not in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_tie_for_weakest_is_named_and_the_focus_says_it_is_tied(kb, lang):
    options = dict.fromkeys(SIX_AT_20, 3) | {"cat.leadership": 0, "cat.strategy": 0, "cat.results": 4}
    result = summary.score(kb, "quick", answers_by_category(kb, options), lang)
    line = summary.strength_line(kb.quiz, result, lang)
    weak = names(kb, ["cat.leadership", "cat.strategy"], lang)
    assert all(n in line.split("；" if lang == "zh" else "; ")[1] for n in weak), line
    assert ("并列" if lang == "zh" else "tied") in line.split("；" if lang == "zh" else "; ")[1]
    strong = names(kb, ["cat.results"], lang)[0]
    assert strong in line.split("；" if lang == "zh" else "; ")[0]
    assert ("并列" if lang == "zh" else "tied") not in line.split("；" if lang == "zh" else "; ")[0]  # alone
    reasons = [r["why"] for r in result["recommendations"]]
    assert not any(("得分最低的类目" if lang == "zh" else "is your lowest-scoring category") in w for w in reasons)
    assert not any(("第二弱" if lang == "zh" else "second-weakest") in w for w in reasons), reasons


def test_a_unique_order_keeps_its_plain_words(kb):
    options = {"cat.leadership": 0, "cat.strategy": 1, "cat.customers": 2, "cat.resources": 3, "cat.process": 4,
               "cat.measurement": 4, "cat.results": 5}
    result = summary.score(kb, "quick", answers_by_category(kb, options), "en")
    line = summary.strength_line(kb.quiz, result, "en")
    assert "tied" not in line
    reasons = " ".join(r["why"] for r in result["recommendations"])
    assert "tied" not in reasons


def test_a_team_tie_is_named_as_a_tie_too(kb):
    from bot.reports.team_summary import focus_line, team_focus

    means = {"cat.leadership": 20.0, "cat.strategy": 20.0, "cat.customers": 50.0, "cat.resources": 50.0,
             "cat.process": 50.0, "cat.measurement": 60.0, "cat.results": 60.0}
    report = {"categories": {c: {"mean": m, "spread": 0} for c, m in means.items()}, "most_disagreement": []}
    focus = team_focus(report, kb, "en")
    line = focus_line(kb.quiz, focus, "en")
    strong, weak = line.split("; ")
    assert strong.endswith("(tied)")
    assert weak.endswith("(tied)")
    assert all(kb.quiz.categories[c].name["en"] in weak for c in ("cat.leadership", "cat.strategy"))
    assert "lowest of the seven" not in focus["recommendations"][0]["why"]
    assert "tied for the lowest" in focus["recommendations"][0]["why"]
