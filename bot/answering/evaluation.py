"""`awardbot eval`: accuracy of retrieval and of the answer/unsure/decline decision on a question set.

Definitions (docs/retrieval.md):
- top-1 / top-3: an acceptable topic is the first / among the first three in-scope results, whatever the
  status (the ranking the user sees as the answer or the "did you mean" list);
- answered correctly: status "answered" and the top result acceptable;
- wrongly declined: an in-scope question whose status is "declined";
- out-of-scope not answered: status is anything but "answered" (declined or unsure);
- small talk recognised: status "smalltalk".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.answering.answerer import Answerer, Thresholds
from bot.answering.textnorm import language_of
from bot.kb.problems import Problems
from bot.kb.yamlio import load_yaml


@dataclass(frozen=True)
class Item:
    q: str
    topics: tuple[str, ...]  # acceptable topics; empty for out-of-scope and small talk
    expect: str  # answer | decline | smalltalk
    kind: str
    origin: str = ""  # held-out sets: real (collected verbatim from a public page) | written
    split: str = ""  # held-out sets: tune (thresholds and weights are chosen on it) | test (reported only)


def default_questions_file(package_dir: Path | None = None) -> Path:
    """The development question set: shipped inside the installed package as bot/eval/questions.yaml
    (pyproject.toml force-includes it), else the repository's tests/eval/questions.yaml."""
    here = package_dir or Path(__file__).resolve().parent.parent  # the `bot` package, not `answering`
    packaged = here / "eval" / "questions.yaml"
    return packaged if packaged.is_file() else here.parent / "tests" / "eval" / "questions.yaml"


def load_items(path: Path) -> list[Item]:
    """The question set in `path`; ValueError (or OSError) with a one-line reason if it is unusable."""
    problems = Problems()
    doc = load_yaml(path, problems)
    if problems.items:
        raise ValueError(str(problems.items[0]))
    if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
        found = "an empty file" if doc is None else f"a {type(doc).__name__}" if not isinstance(doc, dict) \
            else "a mapping without a `questions` list"
        raise ValueError(f"{path.name}: expected a mapping with a `questions` list, found {found}")
    if not doc["questions"]:
        raise ValueError(f"{path.name}: the `questions` list is empty")
    items = []
    for i, raw in enumerate(doc["questions"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
            raise ValueError(f"{path.name}: question #{i + 1} needs a `q` text")
        topics = raw.get("topics") or ()
        if not isinstance(topics, list | tuple) or not all(isinstance(t, str) for t in topics):
            raise ValueError(f"{path.name}: question #{i + 1}: `topics` must be a list of topic names")
        topics = tuple(topics)
        expect = raw.get("expect") or ("answer" if topics else "")
        if expect not in ("answer", "decline", "smalltalk") or (expect == "answer") != bool(topics):
            raise ValueError(f"{path.name}: question #{i + 1} needs `topics` or `expect: decline|smalltalk`")
        split = str(raw.get("split", ""))
        if split not in ("", "tune", "test"):
            raise ValueError(f"{path.name}: question #{i + 1}: `split` must be tune or test")
        items.append(Item(raw["q"], topics, expect, str(raw.get("kind", "")), str(raw.get("origin", "")), split))
    return items


HELDOUT_FILES = ("heldout_real.yaml", "heldout_written.yaml")


def heldout_files(package_dir: Path | None = None) -> list[Path]:
    """The held-out sets (tests/eval/heldout_*.yaml, shipped like the development set)."""
    dev = default_questions_file(package_dir)
    return [dev.parent / name for name in HELDOUT_FILES if (dev.parent / name).is_file()]


def load_split(paths: list[Path], split: str) -> list[Item]:
    """Every item of `paths` in one half (`tune` or `test`) of the held-out split."""
    return [it for path in paths for it in load_items(path) if it.split == split]


def language_group(item: Item) -> str:
    return "mixed" if item.kind == "mixed" else language_of(item.q)


def verbatim_alternates(items: list[Item], kb) -> list[Item]:
    """Items that are, word for word, an alternate question of some entry: they measure nothing."""
    alternates = {q for e in kb.entries.values() for lang in ("zh", "en") for q in e.questions[lang]}
    return [it for it in items if it.q in alternates]


def run(answerer: Answerer, items: list[Item], include_alternates: bool = False) -> dict:
    """Answer every item and collect the figures (verbatim alternate questions left out unless asked)."""
    skipped = [] if include_alternates else verbatim_alternates(items, answerer.kb)
    kept = [it for it in items if it not in skipped]
    summary = summarise([_row(item, answerer.answer(item.q)) for item in kept], answerer.kb)
    summary["excluded_verbatim_alternates"] = len(skipped)
    return summary


def _row(item: Item, ans) -> dict:
    return {"item": item, "status": ans.status, "topics": [c.entry.topic for c in ans.candidates],
            "top": ans.best.score if ans.best else 0.0}


def _share(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def summarise(rows: list[dict], kb) -> dict:
    inscope = [r for r in rows if r["item"].expect == "answer"]
    oos = [r for r in rows if r["item"].expect == "decline"]
    small = [r for r in rows if r["item"].expect == "smalltalk"]

    def hit(r, n):
        return any(t in r["item"].topics for t in r["topics"][:n])

    def right(r):
        return r["status"] == "answered" and hit(r, 1)

    def wrong(r):  # an answer the user reads as the bot's claim, about the wrong topic
        return r["status"] == "answered" and not hit(r, 1)

    def stats(group):
        ins = [r for r in group if r["item"].expect == "answer"]
        out = [r for r in group if r["item"].expect == "decline"]
        sm = [r for r in group if r["item"].expect == "smalltalk"]
        s = {"questions": len(group)}
        if ins:
            s.update(in_scope=len(ins), top1=_share(sum(hit(r, 1) for r in ins), len(ins)),
                     top3=_share(sum(hit(r, 3) for r in ins), len(ins)),
                     answered_correctly=_share(sum(right(r) for r in ins), len(ins)),
                     wrong=_share(sum(wrong(r) for r in ins), len(ins)),
                     unsure=_share(sum(r["status"] == "unsure" for r in ins), len(ins)),
                     wrongly_declined=_share(sum(r["status"] == "declined" for r in ins), len(ins)))
        if out:
            s.update(out_of_scope=len(out),
                     not_answered=_share(sum(r["status"] != "answered" for r in out), len(out)))
        if sm:
            s.update(smalltalk=len(sm), recognised=_share(sum(r["status"] == "smalltalk" for r in sm), len(sm)))
        return s

    confused = Counter()
    for r in inscope:
        if r["topics"] and not hit(r, 1):
            confused[(r["item"].topics[0], r["topics"][0])] += 1
    by_lang, by_kind, by_origin = defaultdict(list), defaultdict(list), defaultdict(list)
    for r in rows:
        by_lang[language_group(r["item"])].append(r)
        by_kind[r["item"].kind or "-"].append(r)
        by_origin[r["item"].origin or "dev"].append(r)
    statuses = Counter(r["status"] for r in inscope)
    return {
        "questions": len(rows),
        "in_scope": len(inscope),
        "top1": _share(sum(hit(r, 1) for r in inscope), len(inscope)),
        "top3": _share(sum(hit(r, 3) for r in inscope), len(inscope)),
        "answered_correctly": _share(sum(right(r) for r in inscope), len(inscope)),
        "wrong_answers": _share(sum(wrong(r) for r in inscope), len(inscope)),
        "unsure": _share(statuses.get("unsure", 0), len(inscope)),
        "in_scope_status": dict(statuses),
        "wrongly_declined": _share(statuses.get("declined", 0), len(inscope)),
        "out_of_scope": len(oos),
        "out_of_scope_not_answered": _share(sum(r["status"] != "answered" for r in oos), len(oos)),
        "out_of_scope_declined": _share(sum(r["status"] == "declined" for r in oos), len(oos)),
        "smalltalk": len(small),
        "smalltalk_recognised": _share(sum(r["status"] == "smalltalk" for r in small), len(small)),
        "by_language": {k: stats(v) for k, v in sorted(by_lang.items())},
        "by_kind": {k: stats(v) for k, v in sorted(by_kind.items())},
        "by_origin": {k: stats(v) for k, v in sorted(by_origin.items())},
        "confused": [{"expected": a, "got": b, "count": n} for (a, b), n in confused.most_common(15)],
        "misses": [{"q": r["item"].q, "expected": list(r["item"].topics), "got": r["topics"][:3], "status": r["status"]}
                   for r in inscope if not hit(r, 1)],
        "answered_out_of_scope": [{"q": r["item"].q, "got": r["topics"][:1], "score": round(r["top"], 3)}
                                  for r in oos if r["status"] == "answered"],
    }


def report(s: dict) -> str:
    """The human-readable summary `awardbot eval` prints."""
    def pct(x):
        return "-" if x is None else f"{100 * x:5.1f}%"

    lines = [
        f"questions: {s['questions']} ({s['in_scope']} in scope, {s['out_of_scope']} out of scope, "
        f"{s['smalltalk']} small talk); left out as verbatim alternate questions of entries: "
        f"{s.get('excluded_verbatim_alternates', 0)}",
        f"top-1 accuracy (in scope)          {pct(s['top1'])}",
        f"top-3 accuracy (in scope)          {pct(s['top3'])}",
        f"answered and correct (in scope)    {pct(s['answered_correctly'])}",
        f"answered but wrong (in scope)      {pct(s['wrong_answers'])}",
        f"unsure, did you mean (in scope)    {pct(s['unsure'])}",
        f"in scope wrongly declined          {pct(s['wrongly_declined'])}   statuses: {s['in_scope_status']}",
        f"out of scope not answered          {pct(s['out_of_scope_not_answered'])}"
        f"   (declined outright {pct(s['out_of_scope_declined'])})",
        f"small talk recognised              {pct(s['smalltalk_recognised'])}",
        "",
        "by language:",
    ]
    groups = [("by language", s["by_language"]), ("by kind", s["by_kind"])]
    if len(s.get("by_origin", {})) > 1:
        groups.append(("by origin", s["by_origin"]))
    for name, group in groups:
        if name != "by language":
            lines += ["", f"{name}:"]
        for k, v in group.items():
            parts = [f"{k:<12} n={v['questions']:<4}"]
            if "top1" in v:
                parts.append(f"top1 {pct(v['top1'])} top3 {pct(v['top3'])} right {pct(v['answered_correctly'])} "
                             f"wrong {pct(v['wrong'])} unsure {pct(v['unsure'])} declined {pct(v['wrongly_declined'])}")
            if "not_answered" in v:
                parts.append(f"oos not answered {pct(v['not_answered'])}")
            if "recognised" in v:
                parts.append(f"small talk {pct(v['recognised'])}")
            lines.append("  " + "  ".join(parts))
    if s["confused"]:
        lines += ["", "most confused topic pairs (expected → got):"]
        lines += [f"  {c['count']:>3}  {c['expected']} → {c['got']}" for c in s["confused"]]
    return "\n".join(lines)


# What each outcome is worth to a user (docs/retrieval.md): a wrong answer misleads, "did you mean"
# with the right entry among three costs a click, a decline sends the user away.
UTILITY = {
    ("answer", "answered", True): 1.0, ("answer", "answered", False): -1.0,
    ("answer", "unsure", True): 0.5, ("answer", "unsure", False): 0.0,
    ("answer", "declined", None): -0.5,
    ("decline", "answered", None): -1.0, ("decline", "unsure", None): 0.0, ("decline", "declined", None): 1.0,
}


def utility(rows: list[dict]) -> float:
    total = 0.0
    for r in rows:
        expect, status = r["item"].expect, r["status"]
        if expect == "smalltalk" or status == "smalltalk":
            continue
        correct = None
        if expect == "answer" and status != "declined":
            n = 1 if status == "answered" else 3
            correct = any(t in r["item"].topics for t in r["topics"][:n])
        total += UTILITY[(expect, status, correct)]
    return total


def calibrate(answerer: Answerer, items: list[Item]) -> tuple[Thresholds, dict]:
    """The thresholds with the highest user utility (UTILITY) under the targets, chosen per reply language:
    answered-but-wrong ≤ 5 % and wrongly declined ≤ 5 % of in-scope questions, out of scope not answered
    ≥ 90 %. Give it the development set and the held-out tune half, never the test half. Each question is
    ranked once; the grid replays only the decision, vectorised."""
    import itertools

    import numpy as np

    from bot.answering.answerer import lead

    items = [it for it in items if it not in verbatim_alternates(items, answerer.kb)]
    base = answerer.thresholds
    feats = []  # per question whose status depends on the thresholds
    for item in items:
        if item.expect == "smalltalk" or not item.q.strip():
            continue
        ans = answerer.answer(item.q)
        if ans.status == "smalltalk" or (ans.reason in ("no_match", "too_long", "empty") and not ans.candidates):
            continue
        ranking = answerer.rank(item.q.strip())
        topics = [c.entry.topic for c in ranking.inside]
        feats.append((language_of(item.q) == "en", item.expect == "answer",
                      ranking.inside[0].score if ranking.inside else 0.0, lead(ranking.inside),
                      ranking.outside.score if ranking.outside else 0.0,
                      any(t in item.topics for t in topics[:1]), any(t in item.topics for t in topics[:3])))
    en, ins, top, ahead, out, hit1, hit3 = (np.array(col) for col in zip(*feats, strict=True))

    def evaluate(mask, a, u, m, o):
        declined_oos = (out >= o) & (out > top)
        answered = ~declined_oos & (top >= a) & (ahead >= m * top)
        unsure = ~declined_oos & ~answered & (top >= u)
        declined = ~answered & ~unsure
        i, x = mask & ins, mask & ~ins
        n_in, n_out = max(int(i.sum()), 1), max(int(x.sum()), 1)
        util = ((answered & hit1 & i).sum() - (answered & ~hit1 & i).sum() + 0.5 * (unsure & hit3 & i).sum()
                - 0.5 * (declined & i).sum() - (answered & x).sum() + (declined & x).sum())
        ok = ((answered & ~hit1 & i).sum() / n_in <= 0.05 and (declined & i).sum() / n_in <= 0.05
              and (answered & x).sum() / n_out <= 0.10)
        return ok, float(util)

    answers = [round(0.10 + 0.01 * k, 2) for k in range(36)]
    unsures = [round(0.05 + 0.01 * k, 2) for k in range(21)]
    best, best_key = base, None
    for m, o in itertools.product((0.0, 0.05, 0.1, 0.15, 0.2, 0.25), (0.2, 0.25, 0.3)):
        chosen, total, all_ok = {}, 0.0, True
        for lang, mask in (("zh", ~en), ("en", en)):
            key, pick = None, (base.answer, base.unsure)
            for a, u in itertools.product(answers, unsures):
                if u <= a:
                    k = evaluate(mask, a, u, m, o)
                    if key is None or k > key:
                        key, pick = k, (a, u)
            chosen[lang] = pick
            total += key[1]
            all_ok &= key[0]
        cand = Thresholds(answer=chosen["zh"][0], unsure=chosen["zh"][1], out_of_scope=o,
                          answer_en=chosen["en"][0], unsure_en=chosen["en"][1], margin=m)
        if best_key is None or (all_ok, total) > best_key:
            best, best_key = cand, (all_ok, total)
    answerer.thresholds = best
    return best, run(answerer, items)
