"""The `awardbot` command line: a thin layer over the core. Expected failures print one line and exit."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from bot import __version__


class CliError(Exception):
    """A user-facing failure: printed as one line, exit code `code`."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def _settings(args):
    from bot import config

    try:
        return config.from_env(
            knowledge_dir=Path(args.knowledge) if getattr(args, "knowledge", None) else None,
            db_path=Path(args.db) if getattr(args, "db", None) else None,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def cmd_check(args) -> int:
    from bot.kb import model as knowledge
    from bot.kb.problems import KnowledgeError

    settings = _settings(args)
    try:
        kb = knowledge.load(settings.knowledge_dir)
    except KnowledgeError as exc:
        lines = [str(p) for p in exc.problems]
        if args.json:
            print(json.dumps({"ok": False, "errors": lines, "entries": 0, "topics": {}}, ensure_ascii=False))
        else:
            print("\n".join(lines))
            print(f"{len(lines)} problem(s) in {settings.knowledge_dir}", file=sys.stderr)
        return 1
    counts = kb.topic_counts()
    if args.json:
        print(json.dumps({"ok": True, "errors": [], "entries": len(kb.entries), "topics": counts},
                         ensure_ascii=False))
    else:
        contract = sum(1 for t in kb.topics.values() if t.contract)
        print(f"ok: {len(kb.entries)} entries, {len(kb.topics)} topics ({contract} from the contract, "
              f"all covered in zh and en), {len(kb.synonyms)} synonym groups, "
              f"{len(kb.quiz.questions)} quiz questions in {settings.knowledge_dir}")
    return 0


def _reason(path: Path, exc: Exception) -> str:
    if path.is_dir():
        return "it is a directory"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


def database_error(path: Path, exc: Exception, action: str = "open") -> CliError:
    """An unusable database file (not SQLite, unreadable, a directory, a path that cannot be created)."""
    return CliError(f"cannot {action} the database {path}: {_reason(path, exc)} (set AWARDBOT_DB or --db)")


def open_db(settings):
    """The store, or one line naming the file and what is wrong with it."""
    from bot.store import Store

    try:
        return Store(settings.db_path)
    except (sqlite3.Error, OSError) as exc:
        raise database_error(settings.db_path, exc) from exc


def _core(settings, open_store=True):
    from bot import app
    from bot.kb.problems import KnowledgeError

    try:
        core = app.build(settings, open_store=False)
    except KnowledgeError as exc:
        lines = "\n".join(str(p) for p in exc.problems[:20])
        raise CliError(f"the knowledge base in {settings.knowledge_dir} is broken:\n{lines}", code=1) from exc
    if open_store:
        try:
            _ = core.store  # open (and migrate) now, so that a broken database fails at start
        except (sqlite3.Error, OSError) as exc:
            raise database_error(settings.db_path, exc) from exc
    return core


def _out_dir(settings) -> Path:
    return settings.db_path.parent / "files"


def cmd_chat(args) -> int:
    from bot.channels.console import Console
    from bot.dialogue import Dialogue

    settings = _settings(args)
    core = _core(settings)
    try:
        console = Console(Dialogue(core), _out_dir(settings), user=f"console:{args.user}")
        return console.run()
    finally:
        core.close()


def cmd_ask(args) -> int:
    from bot.cli.ask import ask_lines, ask_one

    settings = _settings(args)
    core = _core(settings, open_store=args.record)
    try:
        if args.question is not None:
            return ask_one(core, " ".join(args.question), args)
        if not args.json:
            raise CliError("give a QUESTION, or use --json to read questions from standard input")
        return ask_lines(core, sys.stdin.buffer, sys.stdout.buffer, args)
    finally:
        core.close()


def _answers_arg(raw: str) -> dict:
    text = raw
    if raw.startswith("@"):
        try:
            text = Path(raw[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read answers file {raw[1:]}: {exc.strerror}") from exc
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"--answers is not valid JSON: {exc.msg} at position {exc.pos}") from exc
    return value


def cmd_quiz(args) -> int:
    from bot.assessment import scoring as quiz

    settings = _settings(args)
    if args.list:
        core = _core(settings, open_store=False)
        bank = core.kb.quiz
        mode = args.mode or "full"
        rows = [{"id": q.id, "category": q.category, "item": q.item, "dimension": q.dimension,
                 "options": q.option_count, "unknown_option": q.unknown_index,
                 "text": q.text[args.lang]} for q in (bank.questions[i] for i in bank.modes[mode])]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        else:
            for r in rows:
                print(f"{r['id']:<24} {r['category']:<16} {r['item'] or '':<6} {r['dimension']:<12} {r['text']}")
        return 0
    if args.answers is not None:
        answers = _answers_arg(args.answers)
        core = _core(settings, open_store=False)
        try:
            mode = quiz.validate_answers(core.kb.quiz, answers, args.mode)
        except quiz.QuizInputError as exc:
            raise CliError(str(exc)) from exc
        result = quiz.score(core.kb, mode, answers, args.lang)
        if args.chart:
            from bot.reports import summary as results

            Path(args.chart).write_bytes(results.result_chart(core.kb.quiz, result, args.lang))
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            from bot.reports import summary as results

            print(results.result_text(core.kb.quiz, result, args.lang).plain)
        if args.chart:
            print(f"chart: {Path(args.chart).resolve()}", file=sys.stderr if args.json else sys.stdout)
        return 0
    from bot.channels.console import Console
    from bot.dialogue import Dialogue

    core = _core(settings)
    try:
        console = Console(Dialogue(core), _out_dir(settings), user=f"console:{args.user}")
        first = "/quiz " + args.mode if args.mode else "/quiz"
        return console.run(first=first, stop_on="quiz_chart")
    finally:
        core.close()


def cmd_eval(args) -> int:
    from bot.answering import evaluation

    settings = _settings(args)
    sets = _eval_sets(args, evaluation)
    core = _core(settings, open_store=False)
    answerer = core.knowledge.answerer
    if args.calibrate:  # thresholds are chosen on the development set and the held-out tune half only
        tuning = [it for name, items in sets if name != "held-out test" for it in items]
        best, _ = evaluation.calibrate(answerer, tuning)
        print(f"best thresholds: answer={best.answer} unsure={best.unsure} out_of_scope={best.out_of_scope}")
    summaries = [(name, evaluation.run(answerer, items, include_alternates=args.include_alternates))
                 for name, items in sets]
    if args.json:
        first, *rest = summaries
        doc = dict(first[1])
        if rest:
            doc["heldout"] = {name.removeprefix("held-out "): summary for name, summary in rest}
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    for i, (name, summary) in enumerate(summaries):
        if len(summaries) > 1:
            print(("\n" if i else "") + f"== {name} ==")
        print(evaluation.report(summary))
        if args.misses:
            print("\nmisses (expected → got top 3, status):")
            for m in summary["misses"]:
                print(f"  {m['q']!r}: {m['expected']} → {m['got']} [{m['status']}]")
            for m in summary["answered_out_of_scope"]:
                print(f"  OOS answered: {m['q']!r} → {m['got']} {m['score']}")
    return 0


def _eval_sets(args, evaluation) -> list[tuple[str, list]]:
    """(name, items) per question set: FILE alone, or the development set and the held-out halves."""
    def load(path: Path, split: str | None = None) -> list:
        try:
            return evaluation.load_split([path], split) if split else evaluation.load_items(path)
        except OSError as exc:
            raise CliError(f"cannot read the question set {path}: {_reason(path, exc)}") from exc
        except ValueError as exc:
            raise CliError(f"the question set {path} is not usable: {exc}") from exc

    if args.file:
        return [(args.file, load(Path(args.file), args.split if args.split in ("tune", "test") else None))]
    sets = []
    if args.split in (None, "dev"):
        sets.append(("development set", load(evaluation.default_questions_file())))
    for half in ("tune", "test"):
        if args.split in (None, half):
            sets.append((f"held-out {half}", [it for f in evaluation.heldout_files() for it in load(f, half)]))
    return [(name, items) for name, items in sets if items]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="awardbot",
        description="Guidance assistant for the mayor quality award (市长质量奖) and GB/T 19580.",
    )
    p.add_argument("--version", action="version", version=f"awardbot {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name, func, help_):
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        sp.add_argument("--knowledge", metavar="DIR", help="knowledge directory (env AWARDBOT_KNOWLEDGE)")
        return sp

    sp = add("check", cmd_check, "validate a knowledge directory")
    sp.add_argument("--json", action="store_true", help="print the result as JSON")

    sp = add("chat", cmd_chat, "talk to the bot in this terminal (buttons become numbered choices)")
    sp.add_argument("--db", metavar="FILE", help="SQLite file (env AWARDBOT_DB)")
    sp.add_argument("--user", default="local", help="console user name (default: local)")

    sp = add("ask", cmd_ask, "answer one question, or (with --json and no QUESTION) one per stdin line")
    sp.add_argument("question", nargs="*", default=None, metavar="QUESTION")
    sp.add_argument("--lang", choices=("zh", "en"), help="reply language (default: the question's script)")
    sp.add_argument("-k", type=int, default=5, metavar="N", help="number of ranked results (default 5)")
    sp.add_argument("--json", action="store_true", help="print JSON (one object per line in batch mode)")
    sp.add_argument("--record", action="store_true", help="record the questions in the question log")
    sp.add_argument("--db", metavar="FILE", help="SQLite file for --record (env AWARDBOT_DB)")

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

    sp = add("eval", cmd_eval, "measure retrieval and answer decisions on a question set")
    sp.add_argument("file", nargs="?", metavar="FILE",
                    help="question set (default: the development set and both halves of the held-out set)")
    sp.add_argument("--split", choices=("dev", "tune", "test"),
                    help="only the development set, or one half of the held-out set (with FILE: its half)")
    sp.add_argument("--json", action="store_true", help="print the figures as JSON")
    sp.add_argument("--misses", action="store_true", help="list every miss")
    sp.add_argument("--calibrate", action="store_true", help="search the answer/unsure/decline thresholds")
    sp.add_argument("--include-alternates", action="store_true",
                    help="also count questions that are word for word an entry's alternate question")

    from bot.cli import ops as cli_ops  # the operator's commands
    from bot.cli import telegram as cli_telegram  # the bot itself

    cli_ops.register(add)
    cli_telegram.register(add)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "question", None) == []:
        args.question = None
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except CliError as exc:
        print(f"awardbot: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except sqlite3.Error as exc:  # the database went bad after it opened (locked, malformed, disk full)
        from bot import config

        path = Path(args.db) if getattr(args, "db", None) else config.db_path()
        print(f"awardbot: {database_error(path, exc, 'use')}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the user named cannot be written or read
        if not exc.filename:
            raise
        print(f"awardbot: cannot use {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
