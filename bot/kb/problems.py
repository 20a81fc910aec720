"""Validation problems, reported as `file:entry: field: problem` lines."""

from __future__ import annotations

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


class KnowledgeError(Exception):
    """A knowledge directory that must not be loaded; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
