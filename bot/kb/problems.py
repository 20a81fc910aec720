"""Validation problems, reported as `file:entry: field: problem` lines.

A rejected entry (say, one field renamed) makes every reference to it fail too: `related`, a group's
`start`, the quiz's `entries`. Those are consequences, not causes: `KnowledgeError` lists each rejected
entry's own problems first, then one line grouping the references that fail because of it, then the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.entry}: {self.field}: {self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, entry: str, field_: str, message: str) -> None:
        self.items.append(Problem(file, str(entry), field_, message))


REFERENCE = re.compile(r"^`([^`]+)` is not an entry id")
UNCOVERED = "contract topic has no entry"
SHOWN = 6  # references named on a consequence line; the rest are counted


def root_causes_first(items: list[Problem]) -> list[Problem]:
    """Each referenced entry's own problems, then one line for the references that fail because of it;
    then every other problem, in the order found."""
    own: dict[str, list[Problem]] = {}
    for p in items:
        if not REFERENCE.match(p.message) and p.message != UNCOVERED:
            own.setdefault(p.entry, []).append(p)
    consequences: dict[str, list[Problem]] = {}
    for p in items:
        m = REFERENCE.match(p.message)
        if m and m.group(1) in own:
            consequences.setdefault(m.group(1), []).append(p)
    out: list[Problem] = []
    for eid, refs in consequences.items():
        out += own[eid]
        where = ", ".join(f"{r.file}:{r.entry} ({r.field})" for r in refs[:SHOWN])
        more = f" and {len(refs) - SHOWN} more" if len(refs) > SHOWN else ""
        out.append(Problem(own[eid][0].file, eid, "-", f"rejected for the problem(s) above, so {len(refs)} "
                           f"reference(s) to it fail too: {where}{more}"))
    grouped = {id(p) for p in out} | {id(r) for refs in consequences.values() for r in refs}
    rest = [p for p in items if id(p) not in grouped]
    if not consequences:
        return rest
    # a topic left without entries is most likely left so by an entry rejected above: said, and listed last
    uncovered = [Problem(p.file, p.entry, p.field, f"{p.message} (its entry may be one rejected above)")
                 for p in rest if p.message == UNCOVERED]
    return out + [p for p in rest if p.message != UNCOVERED] + uncovered


class KnowledgeError(Exception):
    """A knowledge directory that must not be loaded; `problems` says where and why, causes first."""

    def __init__(self, problems: list[Problem]):
        self.problems = root_causes_first(list(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
