"""The team PDF's radar overlays leaders and staff (the gap is the point of a team assessment), each label
with both means, beside the gap table; with a role too small to show, the team's mean alone.
"""

from __future__ import annotations

import pytest

from bot.dialogue import teams
from bot.reports import chart, pdf
from tests.support.pdftext import extract
from tests.test_team_roles import LEADERS, STAFF, TEAM, join_and_answer, owner, team_of_six  # noqa: F401


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_team_radar_overlays_leaders_and_staff(team_of_six, core, lang):  # noqa: F811
    report = teams.build_report(core, team_of_six)
    bank = core.kb.quiz
    series = pdf.team_chart_series(bank, report, lang)
    leaders = [report["categories"][c]["by_role"]["leader"]["mean"] for c in bank.categories]
    staff = [report["categories"][c]["by_role"]["staff"]["mean"] for c in bank.categories]
    assert series["values"] == leaders
    assert series["previous"] == staff
    assert series["legend"] == ({"zh": "领导", "en": "Leaders"}[lang], {"zh": "员工", "en": "Staff"}[lang])
    process = list(bank.categories).index("cat.process")
    assert series["labels"][process].endswith("78.3 / 20")  # both means on the label, as in the gap table
    _fig, ax, _ = chart.radar_figure(series["labels"], series["values"], series["title"],
                                     previous=series["previous"], legend=series["legend"])
    drawn = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert set(drawn) == set(series["legend"])  # two series drawn, each named in the legend
    _, text = extract(pdf.team_pdf(core.kb, report, lang))
    assert "58.3" in text  # the gap table is still there, beside the chart


def test_a_team_without_enough_leaders_draws_the_team_mean(core, owner):  # noqa: F811
    for user, member in (dict(list(LEADERS.items())[:2]) | STAFF).items():
        join_and_answer(core, owner, user, *member)
    report = teams.build_report(core, core.store.teams.find(TEAM))
    series = pdf.team_chart_series(core.kb.quiz, report, "en")
    assert series["previous"] is None
    assert series["values"] == [report["categories"][c]["mean"] for c in core.kb.quiz.categories]
