"""`awardbot check` and `awardbot eval`: is the knowledge base valid, and how well does it answer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli.common import CliError, load_settings, open_core, reason


def cmd_check(args) -> int:
    from bot.kb.load import load
    from bot.kb.problems import KnowledgeError

    settings = load_settings(args)
    try:
        kb = load(settings.knowledge_dir)
    except KnowledgeError as exc:
        lines = [str(p) for p in exc.problems]
        if args.json:
            print(json.dumps({"ok": False, "errors": lines, "entries": 0, "topics": {}}, ensure_ascii=False))
        else:
            print("\n".join(lines))
            print(f"{len(lines)} problem(s) in {settings.knowledge_dir}", file=sys.stderr)
        return 1
    counts = kb.topic_counts()
    from bot.answering.retrieval import near_duplicates

    # Not errors: two entries whose documents are this alike compete for the same questions (docs/retrieval.md).
    twins = near_duplicates(kb)
    if args.json:
        print(json.dumps({"ok": True, "errors": [], "entries": len(kb.entries), "topics": counts,
                          "near_duplicates": [{"entries": [a, b], "cosine": c} for a, b, c in twins]},
                         ensure_ascii=False))
    else:
        contract = sum(1 for t in kb.topics.values() if t.contract)
        print(f"ok: {len(kb.entries)} entries, {len(kb.topics)} topics ({contract} from the contract, "
              f"all covered in zh and en), {len(kb.synonyms)} synonym groups, "
              f"{len(kb.quiz.questions)} quiz questions in {settings.knowledge_dir}")
        for a, b, cosine in twins:
            print(f"warning: {a} and {b} are near-duplicates (document cosine {cosine:.2f}): they compete for "
                  "the same questions; give each its own questions or merge them", file=sys.stderr)
    return 0


def cmd_eval(args) -> int:
    from bot.answering import evaluation

    settings = load_settings(args)
    sets = _eval_sets(args, evaluation)
    core = open_core(settings, open_store=False)
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
            raise CliError(f"cannot read the question set {path}: {reason(path, exc)}") from exc
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


def register(add) -> None:
    sp = add("check", cmd_check, "validate a knowledge directory")
    sp.add_argument("--json", action="store_true", help="print the result as JSON")

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
