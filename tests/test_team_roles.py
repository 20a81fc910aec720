"""A team's means per role and the leader–staff gap, against numbers worked out by hand.

Members join through the dialogue (invitation link, role button, fourteen quiz buttons) into a real SQLite
file; the report is read from the core, the chat reply and the `awardbot report --team` PDF.
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from bot.dialogue import Dialogue, teams
from tests.conftest import run_cli
from tests.support.pdftext import extract
from tests.support.transcript import Chat

TEAM = "三对三质量小组"
LETTERS = "ABCDEF"  # bands 0, 20, 40, 60, 80, 95 %
# user: (role, letter for every question of the six process categories, letter for the two results questions)
LEADERS = {"tg:6101": ("leader", "D", "B"), "tg:6102": ("leader", "E", "C")}
THIRD_LEADER = {"tg:6103": ("leader", "F", "D")}
STAFF = {"tg:6201": ("staff", "A", "A"), "tg:6202": ("staff", "B", "B"), "tg:6203": ("staff", "C", "A")}
PROCESS_CATS = ("cat.leadership", "cat.strategy", "cat.customers", "cat.resources", "cat.process", "cat.measurement")

# Hand-computed (a member's category score is the band of its letter; totals use the category points
# 110 + 90 + 90 + 130 + 100 + 80 = 600 for the six process categories and 400 for results):
#   member totals   D/B: 0.60·600 + 0.20·400 = 440    E/C: 0.80·600 + 0.40·400 = 640    F/D: 0.95·600 + 0.60·400 = 810
#                   A/A: 0                            B/B: 0.20·600 + 0.20·400 = 200    C/A: 0.40·600 + 0 = 240
#
# Two leaders and three staff (5 respondents):
#   process categories  all (60+80+0+20+40)/5 = 40.0   spread √((20²+40²+40²+20²+0²)/5) = √800 = 28.3
#                       staff (0+20+40)/3 = 20.0       leaders: 2 < 3, not shown, so no gap
#   results             all (20+40+0+20+0)/5 = 16.0    spread √((4²+24²+16²+4²+16²)/5) = √224 = 15.0
#                       staff (0+20+0)/3 = 6.7
#   total               all (440+640+0+200+240)/5 = 304.0 (the two leaders count)   staff 440/3 = 146.7
#
# Three leaders and three staff (6 respondents):
#   process categories  all 295/6 = 49.2    spread √(6520.83/6) = √1086.8 = 33.0, where 6520.83 is
#                       10.83² + 30.83² + 45.83² + 49.17² + 29.17² + 9.17² (each band minus 49.17)
#                       leaders (60+80+95)/3 = 78.3    staff 20.0    gap 78.3 − 20.0 = 58.3
#   results             all 140/6 = 23.3    spread √(2733.33/6) = √455.6 = 21.3, where 2733.33 is
#                       3.33² + 16.67² + 36.67² + 23.33² + 3.33² + 23.33² (each band minus 23.33)
#                       leaders (20+40+60)/3 = 40.0    staff 6.7     gap 40.0 − 6.7 = 33.3
#   total               all 2330/6 = 388.3    leaders 1890/3 = 630.0    staff 146.7
#   most disagreement   the process categories (33.0 each), the first three in bank order


def join_and_answer(core, owner: Chat, user: str, role: str, process_letter: str, results_letter: str) -> None:
    """Open the owner's current invitation, choose the role, and answer every quick question by its button."""
    owner.say(f"/team link {TEAM}")
    token = re.search(r"team_([\w-]+)", owner.text).group(1)
    member = Chat(Dialogue(core), user)
    member.say(f"/start team_{token}")
    member.press({"leader": "高层领导", "staff": "员工"}[role])
    quick = core.kb.quiz.modes["quick"]
    for qid in quick:
        letter = results_letter if core.kb.quiz.questions[qid].category == "cat.results" else process_letter
        option = str(LETTERS.index(letter))
        member.press_data(next(b.data for b in member.buttons()
                               if b.data.startswith("q:") and b.data.split(":")[3] == option))
    assert member.kinds() == ["quiz_done", "quiz_result", "quiz_chart"]


@pytest.fixture
def owner(core) -> Chat:
    chat = Chat(Dialogue(core), "tg:6000")
    chat.say(f"/team new {TEAM}")
    assert chat.kinds() == ["team_created"]
    return chat


@pytest.fixture
def team_of_six(core, owner) -> dict:
    for user, member in (LEADERS | STAFF | THIRD_LEADER).items():
        join_and_answer(core, owner, user, *member)
    return core.store.teams.find(TEAM)


def test_three_leaders_and_three_staff_give_role_means_and_the_gap(core, owner):
    for user, member in (LEADERS | STAFF).items():
        join_and_answer(core, owner, user, *member)
    team = core.store.teams.find(TEAM)

    # two leaders: hidden as a group, counted in every mean
    report = teams.build_report(core, team)
    assert report["team"]["respondents"] == 5
    assert report["roles"] == {"leader": 2, "manager": 0, "staff": 3}
    for cat in PROCESS_CATS:
        c = report["categories"][cat]
        assert (c["n"], c["mean"], c["spread"]) == (5, 40.0, 28.3), cat
        assert c["by_role"]["leader"] == {"n": 2, "mean": None, "suppressed": True}
        assert c["by_role"]["staff"] == {"n": 3, "mean": 20.0}
        assert c["gap_leaders_minus_staff"] is None
    results = report["categories"]["cat.results"]
    assert (results["mean"], results["spread"], results["by_role"]["staff"]["mean"]) == (16.0, 15.0, 6.7)
    assert report["total"]["mean"] == 304.0  # not the staff's 146.7: the two leaders are in it
    assert report["total"]["by_role"]["leader"] == {"n": 2, "mean": None, "suppressed": True}
    assert report["total"]["by_role"]["staff"] == {"n": 3, "mean": 146.7}
    owner.say(f"/team report {TEAM}")
    assert "领导 — · 管理者 — · 员工 20" in owner.text
    assert "领导−员工" not in owner.text
    assert "估计总分平均：304 / 1000" in owner.text

    # a third leader: the group is shown and the gap appears
    for user, member in THIRD_LEADER.items():
        join_and_answer(core, owner, user, *member)
    report = teams.build_report(core, team)
    assert report["team"]["respondents"] == 6
    assert report["roles"] == {"leader": 3, "manager": 0, "staff": 3}
    for cat in PROCESS_CATS:
        c = report["categories"][cat]
        assert (c["n"], c["mean"], c["spread"]) == (6, 49.2, 33.0), cat
        assert c["by_role"]["leader"] == {"n": 3, "mean": 78.3}
        assert c["by_role"]["staff"] == {"n": 3, "mean": 20.0}
        assert c["by_role"]["manager"] == {"n": 0, "mean": None, "suppressed": False}
        assert c["gap_leaders_minus_staff"] == 58.3
    results = report["categories"]["cat.results"]
    assert (results["mean"], results["spread"]) == (23.3, 21.3)
    assert (results["by_role"]["leader"]["mean"], results["by_role"]["staff"]["mean"]) == (40.0, 6.7)
    assert results["gap_leaders_minus_staff"] == 33.3
    assert report["total"]["mean"] == 388.3
    assert report["total"]["by_role"]["leader"] == {"n": 3, "mean": 630.0}
    assert report["total"]["by_role"]["staff"] == {"n": 3, "mean": 146.7}
    assert report["most_disagreement"] == ["cat.leadership", "cat.strategy", "cat.customers"]
    owner.say(f"/team report {TEAM}")
    assert "领导 78.3 · 管理者 — · 员工 20 · 领导−员工 58.3" in owner.text
    assert "领导 40 · 管理者 — · 员工 6.7 · 领导−员工 33.3" in owner.text
    assert "估计总分平均：388.3 / 1000" in owner.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_command_writes_the_team_pdf(team_of_six, core, cli_env, settings, tmp_path, lang):
    pdf = tmp_path / "team.pdf"
    out = run_cli("report", "--team", TEAM, "--pdf", str(pdf), "--lang", lang,
                  env=cli_env | {"AWARDBOT_DB": str(settings.db_path)})
    assert out.returncode == 0, out.stderr
    assert str(pdf.resolve()) in out.stdout
    data = pdf.read_bytes()
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    titles = {"zh": "卓越绩效团队诊断报告", "en": "Performance-excellence team assessment report"}
    assert reader.metadata.title == titles[lang]
    pages, text = extract(data)
    assert pages == len(reader.pages)
    assert TEAM in text
    for cat in core.kb.quiz.categories.values():
        assert re.sub(r"\s+", "", cat.name[lang]) in text, cat.name[lang]
    assert "388.3" in text  # the mean total of the six (hand-computed above)
    assert "78.3" in text  # the leaders' mean of a process category
    assert "58.3" in text  # its leader–staff gap
    missing = run_cli("report", "--team", "no such team", "--pdf", str(tmp_path / "x.pdf"),
                      env=cli_env | {"AWARDBOT_DB": str(settings.db_path)})
    assert missing.returncode == 2
    assert "no team" in missing.stderr
    assert not (tmp_path / "x.pdf").exists()
