"""Team assessment, the anonymous peer comparison and the PDF report, as conversation steps."""

from __future__ import annotations

import json
from functools import partial

from bot.assessment import benchmark
from bot.dialogue import buttons, quiz
from bot.reports import pdf, summary, team_summary
from bot.store.teams import ROLES
from bot.ui.replies import Button, Reply, Text, reply
from bot.ui.texts import number, t


def _link(turn, token: str) -> str:
    return turn.link(f"team_{token}")  # the channel's own deep link (t.me in Telegram)


def _owned(turn, key: str) -> dict | None:
    teams_ = turn.core.store.teams.owned_by(turn.user_id)
    if not key:
        return teams_[0] if teams_ else None
    return next((tm for tm in teams_ if key in (tm["id"], tm["name"])), None)


def team_command(turn, arg: str) -> list[Reply]:
    lang = turn.lang
    action, _, rest = arg.strip().partition(" ")
    rest = rest.strip()
    store = turn.core.store.teams
    if action == "new":
        if not rest:
            return [reply(t("team_name_needed", lang), kind="team_usage")]
        team = store.create(turn.user_id, rest[:60])
        return [reply(t("team_created", lang, name=team["name"], link=_link(turn, team["token"])),
                      _owner_buttons(turn, team), kind="team_created")]
    if action in ("report", "link", "close"):
        team = _owned(turn, rest)
        if team is None:
            return [reply(t("team_not_found", lang), kind="team_not_found")]
        if action == "report":
            return report_replies(turn, team)
        if action == "link":
            token = store.renew_token(team["id"])
            return [reply(t("team_link", lang, name=team["name"], link=_link(turn, token)), kind="team_link")]
        store.set_status(team["id"], "closed")
        return [reply(t("team_closed_done", lang, name=team["name"]), kind="team_closed")]
    text = Text().add(t("team_usage", lang))
    owned = store.owned_by(turn.user_id)
    if owned:
        text.nl(2).b(t("team_your", lang)).nl()
        for tm in owned:
            n = len(store.latest_results(tm["id"]))
            text.add("• " + t("team_line", lang, name=tm["name"], n=n, status=t("team_" + tm["status"], lang))).nl()
    return [reply(text, kind="team_usage")]


def _owner_buttons(turn, team: dict) -> list[list[Button]]:
    return [[Button(t("btn_team_report", turn.lang), buttons.TEAM_REPORT.encode(team["id"])),
             Button(t("btn_team_pdf", turn.lang), buttons.TEAM_PDF.encode(team["id"]))]]


def report_replies(turn, team: dict) -> list[Reply]:
    lang = turn.lang
    report = build_report(turn.core, team)
    if not report["enough"]:
        return [reply(t("team_report_wait", lang, name=team["name"], n=report["team"]["respondents"]),
                      kind="team_report")]
    bank = turn.core.kb.quiz
    roles = report["roles"]
    text = Text().b(t("team_report_title", lang, name=team["name"], n=report["team"]["respondents"], **roles)).nl(2)
    for cat_id, c in report["categories"].items():
        per = c["by_role"]
        text.add(t("team_report_line", lang, name=bank.categories[cat_id].name[lang],
                   mean=number(c["mean"]), spread=number(c["spread"]))).nl()
        gap = c["gap_leaders_minus_staff"]
        text.add(t("team_report_roles", lang, leader=number(per["leader"]["mean"]),
                   manager=number(per["manager"]["mean"]), staff=number(per["staff"]["mean"]),
                   gap=t("team_report_gap", lang, gap=number(gap)) if gap is not None else "")).nl()
    text.nl().b(t("team_report_total", lang, mean=number(report["total"]["mean"]))).nl()
    if report["most_disagreement"]:
        sep = "、" if lang == "zh" else ", "
        text.add(t("team_report_disagree", lang, cats=sep.join(bank.categories[c].name[lang]
                                                                 for c in report["most_disagreement"]))).nl()
    focus = team_summary.team_focus(report, turn.core.kb, lang)
    line = team_summary.focus_line(bank, focus, lang)
    if line:
        text.nl().add(line).nl()
    if focus["recommendations"]:
        text.nl().b(t("result_recs", lang)).nl()
        for i, rec in enumerate(focus["recommendations"], 1):
            text.add(f"{i}. ").b(rec["title"]).add(" — " + rec["why"]).nl()
    text.nl().i(t("team_report_small", lang))
    rows = [[Button("📖 " + r["title"], buttons.OPEN_ENTRY.encode(r["entry"], 0))] for r in focus["recommendations"]]
    return [reply(text, rows + _owner_buttons(turn, team), kind="team_report")]


def build_report(core, team: dict) -> dict:
    return benchmark.team_report(team, core.store.teams.latest_results(team["id"]), core.kb.quiz.categories)


def team_pdf_reply(turn, team: dict) -> Reply:
    render = partial(pdf.team_pdf, turn.core.kb, build_report(turn.core, team), turn.lang)
    return reply(team["name"], document=render, document_name=f"awardbot-team-{team['id']}.pdf", kind="team_pdf")


# -- joining -----------------------------------------------------------------------------------------

def join_link(turn, token: str) -> list[Reply]:
    team = turn.core.store.teams.by_token(token)
    if team is None or team["status"] != "open":
        return [reply(t("team_join_closed", turn.lang), kind="team_join_closed")]
    turn.core.store.update_user(turn.user_id, pending=json.dumps({"join": team["id"]}))
    rows = [[Button(t("role_" + r, turn.lang), buttons.TEAM_ROLE.encode(team["id"], r))] for r in ROLES]
    return [reply(t("team_join", turn.lang, name=team["name"]), rows, kind="team_join")]


def join_role(turn, team_id: str, role: str) -> list[Reply] | None:
    """A role button: valid only for the team this user was just invited to, while it is open."""
    pending = json.loads(turn.user.get("pending") or "{}")
    team = turn.core.store.teams.get(team_id)
    if role not in ROLES or pending.get("join") != team_id or team is None or team["status"] != "open":
        return None
    store = turn.core.store
    store.teams.join(team_id, turn.user_id, role)
    store.update_user(turn.user_id, pending=None)
    first = reply(t("team_joined", turn.lang, name=team["name"], role=t("role_" + role, turn.lang)), kind="team_joined")
    return [first, *quiz.start(turn, "quick", team_id=team_id)]


# -- peers and the personal report --------------------------------------------------------------------

def peers_start(turn, sid: str) -> list[Reply] | None:
    if buttons.own_result(turn, sid) is None:
        return None
    rows, row = [], []
    for ind in benchmark.INDUSTRIES:
        row.append(Button(t("ind_" + ind, turn.lang), buttons.PEERS_INDUSTRY.encode(sid, ind)))
        if len(row) == 2:
            rows.append(row)
            row = []
    return [reply(t("peers_industry", turn.lang), rows + ([row] if row else []), kind="peers_industry")]


def peers_industry(turn, sid: str, industry: str) -> list[Reply] | None:
    if buttons.own_result(turn, sid) is None or industry not in benchmark.INDUSTRIES:
        return None
    rows = [[Button(t("size_" + s, turn.lang), buttons.PEERS_SIZE.encode(sid, industry, s))] for s in benchmark.SIZES]
    return [reply(t("peers_size", turn.lang), rows, edit=True, kind="peers_size")]


def peers_result(turn, sid: str, industry: str, size: str) -> list[Reply] | None:
    row = buttons.own_result(turn, sid)
    if row is None or industry not in benchmark.INDUSTRIES or size not in benchmark.SIZES:
        return None
    store = turn.core.store.teams
    store.tag_result(sid, industry=industry, size=size)
    lang = turn.lang
    peers, scope = store.peer_results(turn.user_id, industry, size), "peers_scope_same"
    if len(peers) < benchmark.MIN_PEERS:
        peers, scope = store.peer_results(turn.user_id), "peers_scope_all"
    if len(peers) < benchmark.MIN_PEERS:
        return [reply(t("peers_few", lang, min=benchmark.MIN_PEERS), edit=True, kind="peers_few")]
    pct = benchmark.percentiles(row["result"], peers)
    bank = turn.core.kb.quiz
    text = Text().b(t("peers_title", lang, scope=t(scope, lang), n=len(peers))).nl()
    for cat_id, value in pct.items():
        name = bank.categories[cat_id].name[lang]
        if value is None:
            line = t("peers_none", lang, name=name)
        else:
            line = t("peers_line_same" if value["same"] else "peers_line", lang, name=name, pct=value["higher"],
                     same=value["same"])
        text.add("• " + line).nl()
    text.i(t("peers_note", lang, min=benchmark.MIN_PEERS))
    return [reply(text, edit=True, kind="peers")]


def pdf_report(turn, sid: str | None = None, organisation: str = "") -> list[Reply] | None:
    if sid is None:
        latest = turn.core.store.quiz_results(turn.user_id, limit=1)
        if not latest:
            return [reply(t("report_none", turn.lang), kind="report_none")]
        row = latest[0]
    else:
        row = buttons.own_result(turn, sid)
        if row is None:
            return None
    result = summary.as_dict(turn.core.kb, row["result"], turn.lang)  # in today's language, whenever it was taken
    render = partial(pdf.result_pdf, turn.core.kb, result, turn.lang, organisation=organisation[:80])
    return [reply(t("report_caption", turn.lang), document=render,
                  document_name=f"awardbot-report-{row['session_id']}.pdf", kind="report_pdf")]


# -- commands and buttons ------------------------------------------------------------------------------

def report_command(turn, arg: str) -> list[Reply] | None:
    """/report [organisation]: the latest result as a PDF."""
    return pdf_report(turn, organisation=arg)


def report_button(turn, team_id: str) -> list[Reply] | None:
    team = buttons.own_team(turn, team_id)
    return report_replies(turn, team) if team else None


def pdf_button(turn, team_id: str) -> list[Reply] | None:
    team = buttons.own_team(turn, team_id)
    return [team_pdf_reply(turn, team)] if team else None
