"""`awardbot workbook`: the self-assessment report workbook (.docx) from answers, a team, or neither."""

from __future__ import annotations

import os
from pathlib import Path

from bot.cli.common import CliError, load_settings, open_core, parse_answers, reason


def words_arg(raw: str) -> int:
    from bot.reports.workbook_plan import MAX_WORDS

    value = raw.strip().replace(",", "").replace("_", "")
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_WORDS:
        raise CliError(f"--words must be a whole number of characters from 1 to {MAX_WORDS:,}, not {raw!r} "
                       "(the commonly cited example is 30000; use your city's cap)")
    return int(value)


def out_arg(raw: str) -> Path:
    """Check the target before the work: an existing, writable directory, and not a directory itself."""
    path = Path(raw)
    parent = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise CliError(f"cannot write the workbook {path}: it is a directory")
    if not parent.is_dir():
        raise CliError(f"cannot write the workbook {path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(f"cannot write the workbook {path}: permission denied")
    return path


def cmd_workbook(args) -> int:
    from bot.assessment import scoring
    from bot.dialogue import teams
    from bot.reports import summary, workbook

    words = words_arg(args.words)
    out = out_arg(args.out)
    if args.answers is not None and args.team is not None:
        raise CliError("give --answers JSON (one person's result) or --team TEAM (a team's), not both")
    settings = load_settings(args)
    core = open_core(settings, open_store=args.team is not None)
    options = {"organisation": (args.org or "")[:80], "words": words}
    try:
        if args.answers is not None:
            answers = parse_answers(args.answers)
            try:
                mode = scoring.validate_answers(core.kb.quiz, answers, args.mode)
            except scoring.QuizInputError as exc:
                raise CliError(str(exc)) from exc
            if not summary.has_estimate(summary.score(core.kb, mode, answers)):
                raise CliError("no result to build on: no answer was counted (all are \"I don't know\" or none "
                               "was given)")
            document = workbook.person_workbook(core.kb, mode, answers, args.lang, **options)
        elif args.team is not None:
            team = core.store.teams.find(args.team)
            if team is None:
                raise CliError(f"no team with id or name {args.team!r}")
            report = teams.build_report(core, team)
            if not report["enough"]:
                raise CliError(f"team {team['name']!r} has no result yet: {report['team']['respondents']} "
                               f"respondent(s), a team workbook needs at least {report['min_group']}")
            document = workbook.team_workbook(core.kb, report, args.lang, **options)
        else:
            document = workbook.build(core.kb, args.lang, **options)
    finally:
        core.close()
    try:
        out.write_bytes(document)
    except OSError as exc:
        raise CliError(f"cannot write the workbook {out}: {reason(out, exc)}") from exc
    print(f"workbook written: {out.resolve()}")
    return 0


def register(add) -> None:
    """Add `awardbot workbook` to the parser."""
    sp = add("workbook", cmd_workbook, "the self-assessment report workbook (Word .docx), clause by clause, "
             "from quiz answers (--answers), a team (--team), or blank")
    sp.add_argument("--answers", metavar="JSON", help="{question id: option index}, inline or @file.json")
    sp.add_argument("--team", metavar="TEAM", help="team id or name (at least 3 respondents)")
    sp.add_argument("--out", required=True, metavar="FILE.docx", help="where to write the workbook")
    sp.add_argument("--words", default="30000", metavar="N",
                    help="length budget in characters shared among the clauses (default 30000, a commonly "
                         "cited cap; caps vary by city)")
    sp.add_argument("--mode", choices=("quick", "full"))
    sp.add_argument("--lang", choices=("zh", "en"), default="zh")
    sp.add_argument("--org", metavar="NAME", help="organisation name for the cover")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
