"""The operator's commands: stats, unanswered, export, backup, restore, reload."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli.common import CliError, load_settings, open_core, open_db, reason, score_answers


def existing(settings):
    """Settings whose database exists: a report on a database nobody made is a mistaken path, not zero users."""
    if not settings.db_path.is_file():
        raise CliError(f"no database at {settings.db_path} (set AWARDBOT_DB or --db)")
    return settings


def output(path: Path, what: str) -> Path:
    """A file (or directory) the user named for output. One rule for all: its parent directory must exist;
    a mistyped path is not created."""
    if not path.parent.is_dir():
        raise CliError(f"cannot write {what} {path}: no directory {path.parent} (create it first)")
    return path


def cmd_stats(args) -> int:
    from bot.dialogue import operator

    core = open_core(existing(load_settings(args)))
    try:
        s = core.store.admin.stats()
        print(json.dumps(s, ensure_ascii=False, indent=1) if args.json else operator.stats_text(s, args.lang).plain)
    finally:
        core.close()
    return 0


def cmd_unanswered(args) -> int:
    import csv

    from bot.answering.unanswered import group_unanswered
    from bot.dialogue import operator
    from bot.store.admin import since_timestamp

    settings = load_settings(args)
    try:
        since = since_timestamp(args.since) if args.since is not None else None
    except ValueError as exc:
        raise CliError(f"--since: {exc}") from exc
    core = open_core(existing(settings))
    try:
        groups = group_unanswered(core.store.admin.unanswered(since), core.knowledge.answerer)
    finally:
        core.close()
    if args.csv:
        w = csv.writer(sys.stdout)
        w.writerow(["count", "examples", "nearest_topics", "statuses", "languages", "last_seen"])
        for g in groups:
            w.writerow([g["count"], " | ".join(g["examples"]), " ".join(g["nearest_topics"]),
                        json.dumps(g["statuses"]), json.dumps(g["languages"]), g["last_seen"]])
    else:
        print(operator.unanswered_text(groups, args.lang, limit=len(groups)).plain)
    return 0


def cmd_export(args) -> int:
    from bot.reports.csv import export_csv

    directory = output(Path(args.csv), "the CSV files into")
    core = open_core(existing(load_settings(args)))
    try:
        paths = export_csv(core.store.admin.quiz_export(), core.kb.quiz, directory)
    finally:
        core.close()
    for p in paths:
        print(p.resolve())
    return 0


def cmd_backup(args) -> int:
    import sqlite3

    from bot.store import DamagedCopy

    settings = existing(load_settings(args))
    target = output(Path(args.file), "the backup")
    if target.resolve() == settings.db_path.resolve():
        raise CliError(f"the backup file {target} is the database itself: name another file")
    store = open_db(settings)
    try:
        store.backup(target)
    except DamagedCopy as exc:
        raise CliError(f"backup NOT written: the copy failed its integrity check ({exc}), so the database "
                       f"{settings.db_path} itself is damaged; {target} is unchanged. Keep the bot stopped and "
                       "restore the last good backup (awardbot restore FILE)", code=1) from exc
    except (sqlite3.Error, OSError) as exc:
        raise CliError(f"cannot write the backup {target}: {reason(target, exc)}") from exc
    finally:
        store.close()
    print(f"backup written: {target.resolve()}")
    return 0


def cmd_restore(args) -> int:
    from bot.cli import process

    settings = load_settings(args)
    try:
        process.restore(Path(args.file), settings.db_path)
    except process.OpsError as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:
        raise CliError(f"cannot restore to {settings.db_path}: {reason(settings.db_path, exc)}") from exc
    print(f"restored {args.file} → {settings.db_path}")
    return 0


def cmd_reload(args) -> int:
    from bot.cli import process
    from bot.kb.load import load
    from bot.kb.problems import KnowledgeError

    settings = load_settings(args)
    try:
        load(settings.knowledge_dir)
    except KnowledgeError as exc:
        print("\n".join(str(p) for p in exc.problems))
        print("not reloaded: the running bot keeps its current knowledge", file=sys.stderr)
        return 1
    try:
        pid = process.signal_running_bot(settings.db_path)
    except process.OpsError as exc:
        raise CliError(str(exc)) from exc
    print(f"knowledge is valid; reload signalled to the running bot (pid {pid})")
    return 0


def cmd_health(args) -> int:
    """For container and service health checks: bot process alive, database readable, knowledge valid."""
    from bot.cli import process
    from bot.kb import cache as kbcache
    from bot.kb.problems import KnowledgeError

    settings = load_settings(args)
    problems = []
    if process.running_pid(settings.db_path) is None:
        problems.append(f"no running bot for {settings.db_path}")
    elif error := process.last_db_error(settings.db_path):
        problems.append(f"the running bot's last database error: {error}")
    if not settings.db_path.is_file():
        problems.append(f"no database at {settings.db_path}")
    elif trouble := process.database_problem(settings.db_path):
        problems.append(f"database {settings.db_path} {trouble}")
    try:
        kbcache.load_cached(settings.knowledge_dir, settings.cache_dir)
    except KnowledgeError as exc:
        first = exc.problems[0] if exc.problems else ""
        problems.append(f"knowledge base {settings.knowledge_dir} broken: {len(exc.problems)} problem(s), "
                        f"first {first} (see `awardbot check`)")
    from bot.cli import web

    problems += web.health_problems(settings.db_path, running=process.running_pid(settings.db_path) is not None)
    print("; ".join(problems) if problems else "ok")
    return 1 if problems else 0


def cmd_team(args) -> int:
    from bot.dialogue import teams

    core = open_core(existing(load_settings(args)))
    try:
        team = core.store.teams.find(args.team)
        if team is None:
            raise CliError(f"no team with id or name {args.team!r}")
        report = teams.build_report(core, team)
    finally:
        core.close()
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else team_table(report))
    return 0


def team_table(report: dict) -> str:
    """The team report as a plain-text table; "—" where a figure is hidden (too few in a group) or absent."""
    from bot.store.teams import ROLES

    def num(value, signed=False) -> str:
        if value is None:
            return "—"
        return f"{value:+.1f}" if signed else f"{value:.1f}"

    team = report["team"]
    roles = ", ".join(f"{r} {n}" for r, n in report["roles"].items())
    lines = [f"{team['name']} (team {team['id']}, {team['status']}): {team['respondents']} respondents ({roles});"
             " category scores in %"]
    if not report["enough"]:
        lines.append(f"a team report needs at least {report['min_group']} respondents: no figures yet")
        return "\n".join(lines)
    header = ["category", "mean", "spread", *ROLES, "leader-staff"]
    rows = [[cat, num(c["mean"]), num(c["spread"]), *(num(c["by_role"][r]["mean"]) for r in ROLES),
             num(c["gap_leaders_minus_staff"], signed=True)] for cat, c in report["categories"].items()]
    total = report["total"]
    rows.append(["total (of 1000)", num(total["mean"]), "—", *(num(total["by_role"][r]["mean"]) for r in ROLES),
                 "—"])
    width = max(len(r[0]) for r in [header, *rows])
    cols = [max(len(r[i]) for r in [header, *rows]) for i in range(1, len(header))]
    for r in [header, *rows]:
        lines.append(r[0].ljust(width) + "".join("  " + cell.rjust(w) for cell, w in zip(r[1:], cols, strict=True)))
    if report["most_disagreement"]:
        lines.append("most disagreement (highest spread): " + ", ".join(report["most_disagreement"]))
    lines.append(f"— hidden: a role with fewer than {report['min_group']} respondents, or no answers")
    return "\n".join(lines)


def cmd_report(args) -> int:
    from bot.dialogue import teams
    from bot.reports import pdf

    settings = load_settings(args)
    if (args.answers is None) == (args.team is None):
        raise CliError("give either --answers JSON (an individual report) or --team TEAM (a team report)")
    output(Path(args.pdf), "the report")
    core = open_core(existing(settings) if args.team is not None else settings, open_store=args.team is not None)
    try:
        if args.answers is not None:
            result = score_answers(core.kb, args.answers, args.mode, args.lang)
            document = pdf.result_pdf(core.kb, result, args.lang, organisation=args.org or "")
        else:
            team = core.store.teams.find(args.team)
            if team is None:
                raise CliError(f"no team with id or name {args.team!r}")
            document = pdf.team_pdf(core.kb, teams.build_report(core, team), args.lang)
    finally:
        core.close()
    Path(args.pdf).write_bytes(document)
    print(f"report written: {Path(args.pdf).resolve()}")
    return 0


def register(add) -> None:
    """Add these sub-commands to the `awardbot` parser."""
    sp = add("stats", cmd_stats, "usage figures: users, questions, top topics, quiz, feedback")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--lang", choices=("zh", "en"), default="en")

    sp = add("unanswered", cmd_unanswered, "declined and unsure questions, grouped, with the nearest topics")
    sp.add_argument("--since", metavar="DATE", help="only questions from DATE on: YYYY-MM-DD or an ISO date "
                    "and time (UTC unless it gives an offset)")
    sp.add_argument("--csv", action="store_true", help="print CSV")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--lang", choices=("zh", "en"), default="en")

    sp = add("export", cmd_export, "write quiz results and per-category scores as CSV (UTF-8 with BOM)")
    sp.add_argument("--csv", required=True, metavar="DIR", help="directory for the CSV files")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")

    sp = add("backup", cmd_backup, "a consistent copy of the database, safe while the bot runs")
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")

    sp = add("restore", cmd_restore, "put a backup back in place (stop the bot first)")
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")

    sp = add("team", cmd_team, "team assessment: `awardbot team report TEAM [--json]`")
    sp.add_argument("action", choices=("report",))
    sp.add_argument("team", metavar="TEAM", help="team id or name")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")

    sp = add("report", cmd_report, "a PDF report from quiz answers (--answers) or for a team (--team)")
    sp.add_argument("--answers", metavar="JSON", help="{question id: option index}, inline or @file.json")
    sp.add_argument("--team", metavar="TEAM", help="team id or name")
    sp.add_argument("--pdf", required=True, metavar="FILE", help="where to write the PDF")
    sp.add_argument("--mode", choices=("quick", "full"))
    sp.add_argument("--lang", choices=("zh", "en"), default="zh")
    sp.add_argument("--org", metavar="NAME", help="organisation name printed on the report")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")

    sp = add("health", cmd_health, "exit 0 if the bot runs, its database is readable and the knowledge valid")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")

    sp = add("reload", cmd_reload, "validate the knowledge and tell the running bot to reload it")
    sp.add_argument("--db", metavar="FILE", help="SQLite file of the running bot (its pid file sits beside it)")
