"""Editorial confidence marks stay in `sources`, never in what a user reads.

An author's note such as "(400 points in all, verified)", "（常见说法，未核实）", "属中等可信" or "the article
this project started from" tells the user nothing they can check: hedge in plain words ("commonly cited",
"varies by city") and keep the confidence note beside the source. The patterns are few and general.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bot.kb.model import Entry
from bot.kb.problems import Problems

USER_FACING = ("title", "questions", "keywords", "answer", "details", "evidence", "pitfalls", "first_step")

MARKS = re.compile("|".join((
    r"\b(?:un)?verified\b",
    r"\b(?:low|medium|moderate|high)[- ]confidence\b|\bconfidence(?: level| rating)?:",
    r"\bthe (?:seed )?article (?:this project|the bot|this assistant) (?:started from|is based on)\b",
    r"已核实|未核实|待核实|尚未核实",
    r"可信度(?:[：:]|为|属|中等|较高|较低|一般)|属(?:中等|较高|较低)?可信|中等可信",
    r"本助手参考的",
)), re.IGNORECASE)


def _texts(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _texts(v)


def check(entries: Iterable[Entry], problems: Problems) -> None:
    for e in entries:
        for name in USER_FACING:
            value = getattr(e, name)
            langs = value.items() if isinstance(value, dict) else ()
            for lang, text in langs:
                for t in _texts(text):
                    m = MARKS.search(t)
                    if m:
                        problems.add(e.file, e.id, f"{name}.{lang}",
                                     f"editorial mark `{m.group(0)}` in user-facing text: say it in plain words "
                                     "(\"commonly cited\", \"varies by city\") and keep the note in `sources`")
