"""`awardbot chat` and `awardbot quiz`: the console conversation, the question bank, and scoring `--answers`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli.common import load_settings, open_core, out_dir, score_answers


def _console(settings, args, **run) -> int:
    from bot.channels.console import Console
    from bot.dialogue import Dialogue

    core = open_core(settings)
    try:
        return Console(Dialogue(core), out_dir(settings), user=f"console:{args.user}").run(**run)
    finally:
        core.close()


def cmd_chat(args) -> int:
    return _console(load_settings(args), args)


def cmd_quiz(args) -> int:
    settings = load_settings(args)
    if args.list:
        return _list(open_core(settings, open_store=False).kb.quiz, args)
    if args.answers is not None:
        return _score(open_core(settings, open_store=False).kb, args)
    return _console(settings, args, first="/quiz " + args.mode if args.mode else "/quiz", stop_on="quiz_chart")


def _list(bank, args) -> int:
    rows = [{"id": q.id, "category": q.category, "item": q.item, "dimension": q.dimension,
             "options": q.option_count, "unknown_option": q.unknown_index,
             "text": q.text[args.lang]} for q in (bank.questions[i] for i in bank.modes[args.mode or "full"])]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['id']:<24} {r['category']:<16} {r['item'] or '':<6} {r['dimension']:<12} {r['text']}")
    return 0


def _score(kb, args) -> int:
    from bot.reports import summary

    result = score_answers(kb, args.answers, args.mode, args.lang)
    if args.chart:
        Path(args.chart).write_bytes(summary.result_chart(kb.quiz, result, args.lang))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(summary.result_text(kb.quiz, result, args.lang).plain)
    if args.chart:
        print(f"chart: {Path(args.chart).resolve()}", file=sys.stderr if args.json else sys.stdout)
    return 0


def register(add) -> None:
    sp = add("chat", cmd_chat, "talk to the bot in this terminal (buttons become numbered choices)")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--user", default="local", help="console user name (default: local)")

    sp = add("quiz", cmd_quiz, "take the diagnostic quiz in the console, or score answers given as JSON")
    sp.add_argument("--mode", choices=("quick", "full"), help="quick (14 questions) or full (33)")
    sp.add_argument("--list", action="store_true", help="print the question bank")
    sp.add_argument("--answers", metavar="JSON", help="score without a conversation: {question id: option index} "
                    "inline or @file.json")
    sp.add_argument("--chart", metavar="FILE.png", help="with --answers: write the radar chart to FILE.png")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.add_argument("--lang", choices=("zh", "en"), default="en", help="language of names in the output")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--user", default="local", help="console user name (default: local)")
