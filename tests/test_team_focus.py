"""What a team should work on: strongest and weakest by the team's means, and recommendations."""

from __future__ import annotations

import pytest

from bot.assessment import benchmark
from bot.reports import pdf, team_summary
from tests.support.pdftext import extract

CATS = ("cat.leadership", "cat.strategy", "cat.customers", "cat.resources", "cat.process", "cat.measurement",
        "cat.results")


def member(role: str, pcts: dict[str, float]) -> dict:
    return {"member_role": role, "result": {"total": 0.0, "categories": {c: {"score_pct": p} for c, p in pcts.items()}}}


def report_of(kb, members: list[dict]) -> dict:
    return benchmark.team_report({"id": "t1", "name": "质量小组", "status": "open"}, members, kb.quiz.categories)


@pytest.fixture
def kb(knowledge):
    return knowledge.kb


@pytest.fixture
def uneven(kb):
    # Strategy is lowest (mean 20), resources highest (80); people disagree most about leadership (0 vs 100).
    base = dict.fromkeys(CATS, 50.0) | {"cat.strategy": 20.0, "cat.resources": 80.0}
    return report_of(kb, [member("leader", base | {"cat.leadership": 100.0}),
                          member("staff", base | {"cat.leadership": 0.0}),
                          member("staff", base | {"cat.leadership": 50.0})])


def test_the_weakest_category_gets_its_own_entries_and_the_disputed_one_a_discussion(kb, uneven):
    focus = team_summary.team_focus(uneven, kb, "en")
    assert (focus["strongest"], focus["weakest"], focus["all_equal"]) == ("cat.resources", "cat.strategy", False)
    recs = focus["recommendations"]
    assert 3 <= len(recs) <= 5
    assert all(r["entry"] in kb.entries for r in recs)
    assert [r["topic"].startswith("cat.strategy") for r in recs[:3]] == [True, True, True]
    assert "20%" in recs[0]["why"]
    clauses = [kb.entries[r["entry"]].clause for r in recs[:3]]
    assert clauses == sorted(clauses, key=lambda c: [int(p) for p in c.split(".")])  # 4.2, 4.2.2, 4.2.3
    assert uneven["most_disagreement"] == ["cat.leadership"]  # categories rated alike are not "disputed"
    assert recs[-1]["entry"] == "practice.self_assessment"
    assert "Leadership" in recs[-1]["why"]
    assert team_summary.focus_line(kb.quiz, focus, "en") == "Strongest: Resources; weakest: Strategy"


def test_a_flat_team_names_neither_and_starts_with_the_heaviest_category(kb):
    flat = report_of(kb, [member(role, dict.fromkeys(CATS, 40.0)) for role in ("leader", "staff", "manager")])
    focus = team_summary.team_focus(flat, kb, "zh")
    assert (focus["strongest"], focus["weakest"], focus["all_equal"]) == (None, None, True)
    assert focus["recommendations"][0]["topic"].startswith("cat.results")  # 400 points
    assert team_summary.focus_line(kb.quiz, focus, "zh") == "各类目的团队平均相同，没有哪一项更强或更弱。"


@pytest.mark.parametrize(("lang", "strongest", "heading"),
                         [("zh", "最强", "下一步"), ("en", "Strongest", "Whattowork")])
def test_the_team_pdf_has_strongest_weakest_and_recommendations(kb, uneven, lang, strongest, heading):
    _pages, text = extract(pdf.team_pdf(kb, uneven, lang))
    assert strongest in text
    assert heading in text
    first = team_summary.team_focus(uneven, kb, lang)["recommendations"][0]["title"]
    assert first.replace(" ", "") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_making_a_report_leaves_no_font_file_open(kb, uneven, lang):
    """fpdf2 reads fonts lazily and keeps the file open; a bot making reports for months must not leak them."""
    from pathlib import Path

    def open_fonts() -> int:
        fds = Path("/proc/self/fd")
        return sum(1 for fd in fds.iterdir() if str(fd.resolve(strict=False)).endswith((".otf", ".ttf")))

    before = open_fonts()
    for _ in range(3):
        pdf.team_pdf(kb, uneven, lang)
    assert open_fonts() == before
