"""`awardbot ask`: one question, or a stream of them, through the same answerer as the chat channels."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, BinaryIO

from bot.channels.decode import NOTE, from_argv
from bot.cli.common import CliError, load_settings, open_core
from bot.ui.texts import t

if TYPE_CHECKING:
    from bot.answering.answerer import Answer  # numpy: not at parser build time

ASK_USER = "cli:ask"


def answer_json(ans: Answer) -> dict:
    """The `ask --json` object: stable keys that other parts and evaluations rely on."""
    answer_text = None
    if ans.status == "answered":
        answer_text = ans.best.entry.answer[ans.lang]
    elif ans.status == "smalltalk":
        answer_text = t("st_" + ans.reason, ans.lang)
    out = {
        "question": ans.question,
        "lang": ans.lang,
        "status": ans.status,
        "answered": ans.answered,
        "answer": answer_text,
        "results": [
            {"entry": c.entry.id, "topic": c.entry.topic, "score": round(c.score, 6), "title": c.entry.title[ans.lang]}
            for c in ans.candidates
        ],
    }
    if ans.status == "declined":
        out["reason"] = ans.reason
        if ans.redirect is not None:
            out["redirect"] = {"entry": ans.redirect.id, "topic": ans.redirect.topic}
    return out


def _answer(core, question: str, args) -> Answer:
    ans = core.knowledge.answerer.answer(question, lang=args.lang, k=max(args.k, 1))
    if args.record:
        from bot.dialogue.answers import record

        core.store.touch_user(ASK_USER, "cli")
        record(core.store, ASK_USER, "cli", ans)
    return ans


def ask_one(core, question: str, args) -> int:
    ans = _answer(core, question, args)
    if args.json:
        print(json.dumps(answer_json(ans), ensure_ascii=False))
        return 0
    print(_plain(ans))
    return 0


def _plain(ans: Answer) -> str:
    lines = [f"[{ans.status}]"]
    if ans.status == "answered":
        e = ans.best.entry
        lines += [e.title[ans.lang], "", e.answer[ans.lang]]
    elif ans.status == "smalltalk":
        lines.append(t("st_" + ans.reason, ans.lang))
    elif ans.status == "declined" and ans.redirect is not None:
        lines.append(ans.redirect.answer[ans.lang])
    if ans.candidates:
        lines.append("")
        lines += [f"{c.score:.3f}  {c.entry.id}  {c.entry.title[ans.lang]}" for c in ans.candidates]
    return "\n".join(lines)


def ask_lines(core, stdin: BinaryIO, stdout: BinaryIO, args) -> int:
    """Batch mode: one question per `\\n`-terminated line, one JSON object per line, flushed as it goes.

    Only `\\n` ends a question; every other character (U+2028, U+0085, form feeds, `\\r`) is part of it.
    """
    for raw in iter(stdin.readline, b""):
        line = raw[:-1] if raw.endswith(b"\n") else raw
        question = line.decode("utf-8", errors="replace")
        obj = answer_json(_answer(core, question, args))
        stdout.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
        stdout.flush()
    return 0


def cmd_ask(args) -> int:
    settings = load_settings(args)
    if not 1 <= args.k <= K_MAX:
        raise CliError(f"-k: expected a whole number from 1 to {K_MAX}, got {args.k}")
    core = open_core(settings, open_store=args.record)
    try:
        if args.question is not None:
            question, replaced = from_argv(" ".join(args.question))
            if replaced:
                print(f"awardbot: {NOTE}", file=sys.stderr)
            return ask_one(core, question, args)
        if not args.json:
            raise CliError("give a QUESTION, or use --json to read questions from standard input")
        return ask_lines(core, sys.stdin.buffer, sys.stdout.buffer, args)
    finally:
        core.close()


K_MAX = 50  # ranked results -k may ask for


def register(add) -> None:
    sp = add("ask", cmd_ask, "answer one question, or (with --json and no QUESTION) one per stdin line")
    sp.add_argument("question", nargs="*", default=None, metavar="QUESTION")
    sp.add_argument("--lang", choices=("zh", "en"), help="reply language (default: the question's script)")
    sp.add_argument("-k", type=int, default=5, metavar="N", help="number of ranked results (default 5)")
    sp.add_argument("--json", action="store_true", help="print JSON (one object per line in batch mode)")
    sp.add_argument("--record", action="store_true", help="record the questions in the question log")
    sp.add_argument("--db", metavar="FILE", help="SQLite file for --record (env AWARDBOT_DB)")
