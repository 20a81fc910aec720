"""How a broken knowledge base is reported: a renamed field names its cause first, with the references that
fail because of it grouped in one line; editorial confidence marks in user-facing text are refused.

`awardbot check` on a private copy of the knowledge directory, run as a real process.
"""

from __future__ import annotations

import re

import pytest
import yaml

from bot.kb.load import load
from tests.conftest import run_cli
from tests.test_knowledge import edit_entry, problems_of


def referenced_most(kb_dir) -> tuple[str, str, int]:
    """The entry most others point at (file, id, number of references)."""
    counts: dict[str, int] = {}
    owner: dict[str, str] = {}
    for path in sorted(kb_dir.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(doc, dict) and "entries" in doc:
            for e in doc["entries"]:
                owner[e["id"]] = path.name
                for r in e.get("related", []):
                    counts[r] = counts.get(r, 0) + 1
    eid = max(counts, key=counts.get)
    return owner[eid], eid, counts[eid]


def test_a_renamed_field_is_reported_first_and_its_consequences_grouped(kb_copy, cli_env):
    fname, eid, refs = referenced_most(kb_copy)
    assert refs >= 5
    edit_entry(kb_copy / fname, eid, lambda e: e.__setitem__("answers", e.pop("answer")))
    out = run_cli("check", env=cli_env | {"AWARDBOT_KNOWLEDGE": str(kb_copy)})
    assert out.returncode == 1
    lines = out.stdout.strip().splitlines()
    assert lines[0] == f"{fname}:{eid}: answers: unknown field (did you mean `answer`?)"
    assert lines[1] == f"{fname}:{eid}: answer: missing field"
    assert lines[2].startswith(f"{fname}:{eid}: -: rejected for the problem(s) above, so ")
    n = int(re.search(r"so (\d+) reference", lines[2]).group(1))
    assert n >= refs  # every `related` pointing at it (and any quiz link or group start)
    assert re.search(r"and \d+ more$", lines[2])  # named up to six, the rest counted
    assert not any("is not an entry id" in line for line in lines)  # no noise line per reference
    assert len(lines) <= 6  # from one line per reference (26+) to a handful
    assert out.stderr.strip() == f"{len(lines)} problem(s) in {kb_copy}"


def test_unrelated_problems_keep_their_own_lines(kb_copy):
    fname, eid, _ = referenced_most(kb_copy)
    edit_entry(kb_copy / fname, eid, lambda e: e.__setitem__("related", ["no.such.entry"]))
    problems = problems_of(kb_copy)
    assert problems == [f"{fname}:{eid}: related: `no.such.entry` is not an entry id"]


@pytest.mark.parametrize(("field", "lang", "mark"), [
    ("answer", "en", "400 points in all (verified)."),
    ("answer", "zh", "共 400 分（常见说法，未核实）。"),
    ("details", "zh", "这个数字属中等可信。"),
    ("title", "zh", "本助手参考的文章里的七个方面"),
    ("answer", "en", "As the article this project started from says, it varies."),
    ("questions", "en", "is the medium-confidence figure right"),
])
def test_editorial_confidence_marks_in_user_facing_text_are_refused(field, lang, mark, kb_copy):
    fname, eid, _ = referenced_most(kb_copy)

    def add_mark(e):
        if isinstance(e[field][lang], list):
            e[field][lang].append(mark)
        else:
            e[field][lang] = e[field][lang] + " " + mark

    edit_entry(kb_copy / fname, eid, add_mark)
    problems = problems_of(kb_copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{fname}:{eid}: {field}.{lang}: editorial mark `")
    assert "keep the note in `sources`" in problems[0]


def test_confidence_marks_in_sources_are_where_they_belong(kb_copy):
    fname, eid, _ = referenced_most(kb_copy)
    edit_entry(kb_copy / fname, eid, lambda e: e["sources"].append("GB/T 19580-2012 (verified; 可信度：高)"))
    assert load(kb_copy).entries[eid]


def test_the_shipped_knowledge_has_no_editorial_marks(cli_env):
    out = run_cli("check", env=cli_env)
    assert out.returncode == 0, out.stdout
