"""/workbook: the self-assessment report workbook (.docx) from the user's latest result or their team's.

`/workbook [organisation]` uses the latest personal result (without one, the first team the user owns
that has enough respondents); `/workbook team [NAME]` uses a team the user owns. The document is a
deferred rendering: Telegram sends it, the console writes it and prints the path, the web offers it."""

from __future__ import annotations

from functools import partial

from bot.dialogue import teams
from bot.reports import summary, workbook
from bot.reports.workbook_plan import Diagnosis
from bot.ui.replies import Reply, reply
from bot.ui.texts import t

ORG_LIMIT = 80


def workbook_command(turn, arg: str) -> list[Reply]:
    action, _, rest = arg.strip().partition(" ")
    if action.lower() == "team":
        return _team(turn, rest.strip(), explicit=True)
    store = turn.core.store
    latest = store.quiz_results(turn.user_id, limit=1)
    if not latest:
        return _team(turn, "", explicit=False)
    row = latest[0]
    answers = store.quiz_answers(row["session_id"])
    options = {"organisation": arg.strip()[:ORG_LIMIT]}
    if answers:  # scored again in the reply language, so the recommendations read in it too
        render = partial(workbook.person_workbook, turn.core.kb, row["result"]["mode"], answers, turn.lang, **options)
    else:
        worded = summary.as_dict(turn.core.kb, row["result"], turn.lang)  # stored results carry no words
        render = partial(workbook.build, turn.core.kb, turn.lang, Diagnosis(turn.core.kb, result=worded), **options)
    return [_document(turn, render, row["session_id"])]


def _team(turn, key: str, explicit: bool) -> list[Reply]:
    owned = turn.core.store.teams.owned_by(turn.user_id)
    team = next((tm for tm in owned if key in (tm["id"], tm["name"])), None) if key else (owned[0] if owned else None)
    if team is None:
        kind = "team_not_found" if explicit else "workbook_none"
        return [reply(t(kind, turn.lang), kind=kind)]
    report = teams.build_report(turn.core, team)
    if not report["enough"]:
        if not explicit:
            return [reply(t("workbook_none", turn.lang), kind="workbook_none")]
        return [reply(t("workbook_team_wait", turn.lang, name=team["name"], n=report["team"]["respondents"]),
                      kind="workbook_team_wait")]
    render = partial(workbook.team_workbook, turn.core.kb, report, turn.lang)
    return [_document(turn, render, f"team-{team['id']}")]


def _document(turn, render, suffix: str) -> Reply:
    return reply(t("workbook_caption", turn.lang), document=render, document_name=f"awardbot-workbook-{suffix}.docx",
                 kind="workbook")
