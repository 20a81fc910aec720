"""The operator's commands: stats, unanswered, export, backup, restore, reload."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli import CliError, _core, _settings


def cmd_stats(args) -> int:
    from bot import admin

    core = _core(_settings(args))
    try:
        s = core.store.admin.stats()
        print(json.dumps(s, ensure_ascii=False, indent=1) if args.json else admin.stats_text(s, args.lang).plain)
    finally:
        core.close()
    return 0


def cmd_unanswered(args) -> int:
    import csv

    from bot import admin

    core = _core(_settings(args))
    try:
        groups = admin.group_unanswered(core.store.admin.unanswered(args.since), core.knowledge.answerer)
    finally:
        core.close()
    if args.csv:
        w = csv.writer(sys.stdout)
        w.writerow(["count", "examples", "nearest_topics", "statuses", "languages", "last_seen"])
        for g in groups:
            w.writerow([g["count"], " | ".join(g["examples"]), " ".join(g["nearest_topics"]),
                        json.dumps(g["statuses"]), json.dumps(g["languages"]), g["last_seen"]])
    else:
        print(admin.unanswered_text(groups, args.lang, limit=len(groups)).plain)
    return 0


def cmd_export(args) -> int:
    from bot import admin

    core = _core(_settings(args))
    try:
        paths = admin.export_csv(core.store.admin.quiz_export(), core.kb.quiz, Path(args.csv))
    finally:
        core.close()
    for p in paths:
        print(p.resolve())
    return 0


def cmd_backup(args) -> int:
    from bot.store import Store

    settings = _settings(args)
    if not settings.db_path.exists():
        raise CliError(f"no database at {settings.db_path}")
    store = Store(settings.db_path)
    try:
        store.backup(Path(args.file))
    finally:
        store.close()
    print(f"backup written: {Path(args.file).resolve()}")
    return 0


def cmd_restore(args) -> int:
    from bot import ops

    settings = _settings(args)
    try:
        ops.restore(Path(args.file), settings.db_path)
    except ops.OpsError as exc:
        raise CliError(str(exc)) from exc
    print(f"restored {args.file} → {settings.db_path}")
    return 0


def cmd_reload(args) -> int:
    from bot import knowledge, ops
    from bot.problems import KnowledgeError

    settings = _settings(args)
    try:
        knowledge.load(settings.knowledge_dir)
    except KnowledgeError as exc:
        print("\n".join(str(p) for p in exc.problems))
        print("not reloaded: the running bot keeps its current knowledge", file=sys.stderr)
        return 1
    try:
        pid = ops.signal_running_bot(settings.db_path)
    except ops.OpsError as exc:
        raise CliError(str(exc)) from exc
    print(f"knowledge is valid; reload signalled to the running bot (pid {pid})")
    return 0


def cmd_health(args) -> int:
    """For container and service health checks: bot process alive, database readable, knowledge valid."""
    import sqlite3

    from bot import kbcache, ops
    from bot.problems import KnowledgeError

    settings = _settings(args)
    problems = []
    if ops.running_pid(settings.db_path) is None:
        problems.append(f"no running bot for {settings.db_path}")
    try:
        with sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True) as conn:
            conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()
    except sqlite3.Error as exc:
        problems.append(f"database not readable: {exc}")
    try:
        kbcache.load_cached(settings.knowledge_dir, settings.cache_dir)
    except KnowledgeError as exc:
        problems.append(f"knowledge base broken: {len(exc.problems)} problem(s)")
    print("; ".join(problems) if problems else "ok")
    return 1 if problems else 0


def cmd_team(args) -> int:
    from bot import teamflow

    core = _core(_settings(args))
    try:
        team = core.store.teams.find(args.team)
        if team is None:
            raise CliError(f"no team with id or name {args.team!r}")
        report = teamflow.build_report(core, team)
    finally:
        core.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"{report['team']['name']}: {report['team']['respondents']} respondents {report['roles']}")
        for cat, c in report["categories"].items():
            print(f"  {cat:<16} mean {c['mean']}  spread {c['spread']}  by role "
                  f"{ {r: v['mean'] for r, v in c['by_role'].items()} }  gap {c['gap_leaders_minus_staff']}")
    return 0


def cmd_report(args) -> int:
    from bot import quiz, report_pdf, teamflow
    from bot.cli import _answers_arg

    settings = _settings(args)
    if (args.answers is None) == (args.team is None):
        raise CliError("give either --answers JSON (an individual report) or --team TEAM (a team report)")
    core = _core(settings, open_store=args.team is not None)
    try:
        if args.answers is not None:
            answers = _answers_arg(args.answers)
            try:
                mode = quiz.validate_answers(core.kb.quiz, answers, args.mode)
            except quiz.QuizInputError as exc:
                raise CliError(str(exc)) from exc
            result = quiz.score(core.kb, mode, answers, args.lang)
            pdf = report_pdf.result_pdf(core.kb, result, args.lang, organisation=args.org or "")
        else:
            team = core.store.teams.find(args.team)
            if team is None:
                raise CliError(f"no team with id or name {args.team!r}")
            pdf = report_pdf.team_pdf(core.kb, teamflow.build_report(core, team), args.lang)
    finally:
        core.close()
    Path(args.pdf).write_bytes(pdf)
    print(f"report written: {Path(args.pdf).resolve()}")
    return 0


def register(add) -> None:
    """Add these sub-commands to the `awardbot` parser."""
    sp = add("stats", cmd_stats, "usage figures: users, questions, top topics, quiz, feedback")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--lang", choices=("zh", "en"), default="en")

    sp = add("unanswered", cmd_unanswered, "declined and unsure questions, grouped, with the nearest topics")
    sp.add_argument("--since", metavar="DATE", help="only questions from DATE on (YYYY-MM-DD)")
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
