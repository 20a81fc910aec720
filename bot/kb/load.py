"""Load and validate a knowledge directory (``knowledge/*.yaml``) into a `KnowledgeBase`.

A knowledge directory is self-contained: ``topics.yaml`` (the canonical topic list), ``synonyms.yaml``,
``quiz.yaml`` (the diagnostic question bank) and any number of entry files with an ``entries:`` list.
Loading is all or nothing: every problem is collected as a ``file:entry: field: problem`` line and a
broken directory raises ``KnowledgeError`` with all of them, so nothing half-loads.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from bot.kb import editorial, quizbank
from bot.kb.fields import LANGS, bilingual_list, bilingual_text, did_you_mean, str_list
from bot.kb.model import Entry, Group, KnowledgeBase, SynonymGroup, Topic
from bot.kb.problems import KnowledgeError, Problems

RESERVED_FILES = {"topics.yaml", "synonyms.yaml", "quiz.yaml"}
MIN_QUESTIONS = 5
# The short answer is sent as one Telegram message (4096 characters) together with its title, clause
# line and follow-up hints; 3500 leaves room for those.
ANSWER_LIMIT = 3500
DETAILS_LIMIT = 12000
ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
CLAUSE_RE = re.compile(r"^\d+(\.\d+)*$")

TEXT_FIELDS = ("title", "answer", "details", "first_step")
LIST_FIELDS = ("questions", "keywords", "evidence", "pitfalls")
REQUIRED = ("id", "topic", "title", "questions", "keywords", "answer", "sources")
OPTIONAL = ("clause", "points", "points_verified", "details", "related", "evidence", "pitfalls", "first_step")
# Category and item entries carry what an applicant needs to act on (knowledge issue).
CAT_REQUIRED = ("clause", "points", "evidence", "pitfalls", "first_step")


def knowledge_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def fingerprint(directory: Path) -> str:
    """A hash of every YAML file's name and bytes: the cache key of the fitted index."""
    h = hashlib.sha256()
    for p in knowledge_files(directory):
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def load(directory: str | Path) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem."""
    from bot.kb.yamlio import load_yaml  # PyYAML only when the files are read, not on a cached start

    directory = Path(directory)
    problems = Problems()
    if not directory.is_dir():
        problems.add(str(directory), "-", "-", "knowledge directory not found")
        raise KnowledgeError(problems.items)
    docs = {}
    for path in knowledge_files(directory):
        doc = load_yaml(path, problems)
        if doc is not None:
            docs[path.name] = doc
    if problems.items:  # cross-file checks over a half-read base would only add noise
        raise KnowledgeError(problems.items)
    for name in ("topics.yaml", "synonyms.yaml", "quiz.yaml"):
        if not (directory / name).exists():
            problems.add(name, "-", "-", "file missing: a knowledge directory needs its own " + name)
    groups, topics = _topics(docs.get("topics.yaml"), problems)
    synonyms = _synonyms(docs.get("synonyms.yaml"), problems)
    entries: dict[str, Entry] = {}
    duplicates: list[Entry] = []
    for fname, doc in docs.items():
        if fname not in RESERVED_FILES:
            duplicates += _entry_file(fname, doc, topics, groups, entries, problems)
    _check_related(entries, problems)
    editorial.check(entries.values(), problems)  # confidence marks belong in sources, not in answers
    for g in groups.values():
        if g.start is not None and g.start not in entries:
            problems.add("topics.yaml", g.id, "start", f"`{g.start}` is not an entry id")
    _check_coverage([*entries.values(), *duplicates], topics, problems)
    quiz = quizbank.parse(docs.get("quiz.yaml"), set(entries), topics, problems)
    if problems.items:
        raise KnowledgeError(problems.items)
    by_topic: dict[str, list[str]] = {}
    for e in entries.values():
        by_topic.setdefault(e.topic, []).append(e.id)
    return KnowledgeBase(
        entries=entries,
        topics=topics,
        groups=groups,
        synonyms=synonyms,
        quiz=quiz,
        fingerprint=fingerprint(directory),
        directory=str(directory),
        by_topic={k: tuple(v) for k, v in by_topic.items()},
    )


def _topics(doc: Any, problems: Problems) -> tuple[dict[str, Group], dict[str, Topic]]:
    f = "topics.yaml"
    groups: dict[str, Group] = {}
    topics: dict[str, Topic] = {}
    if doc is None:
        return groups, topics
    if not isinstance(doc, dict) or set(doc) - {"groups", "topics"}:
        problems.add(f, "-", "-", "expected a mapping with `groups` and `topics`")
        return groups, topics
    for gid, g in (doc.get("groups") or {}).items():
        if not isinstance(g, dict):
            problems.add(f, gid, "groups", "expected {zh, en, scope}")
            continue
        name = bilingual_text(g, f, gid, "name", problems, extra={"scope", "start"}, whole=True)
        scope = g.get("scope", "in")
        if scope not in ("in", "out"):
            problems.add(f, gid, "scope", f"must be `in` or `out`, not {scope!r}")
        groups[gid] = Group(gid, name or {}, scope != "out", g.get("start"))
    for i, t in enumerate(doc.get("topics") or []):
        if not isinstance(t, dict) or not isinstance(t.get("id"), str):
            problems.add(f, f"#{i + 1}", "id", "each topic needs an `id`")
            continue
        tid = t["id"]
        unknown = set(t) - {"id", "contract", "covers"}
        if unknown:
            problems.add(f, tid, ", ".join(sorted(unknown)), "unknown field")
        if not ID_RE.match(tid) or "." not in tid:
            problems.add(f, tid, "id", "topic ids look like `group.name` (lower case, digits, _ and .)")
        group = tid.split(".", 1)[0]
        if group not in groups:
            problems.add(f, tid, "id", f"unknown group `{group}`: declare it under `groups`")
        if tid in topics:
            problems.add(f, tid, "id", "duplicate topic id")
        topics[tid] = Topic(tid, group, bool(t.get("contract", False)), str(t.get("covers", "")))
    return groups, topics


def _synonyms(doc: Any, problems: Problems) -> tuple[SynonymGroup, ...]:
    f = "synonyms.yaml"
    if doc is None:
        return ()
    if not isinstance(doc, dict) or not isinstance(doc.get("synonyms"), list):
        problems.add(f, "-", "synonyms", "expected a `synonyms:` list of {canonical, variants}")
        return ()
    seen: dict[str, str] = {}
    canonicals: set[str] = set()
    out = []
    for i, g in enumerate(doc["synonyms"]):
        where = f"#{i + 1}"
        if not isinstance(g, dict) or not isinstance(g.get("canonical"), str) or not g["canonical"].strip():
            problems.add(f, where, "canonical", "each group needs a non-empty `canonical` term")
            continue
        canon = g["canonical"].strip().lower()
        where = canon
        unknown = set(g) - {"canonical", "variants"}
        if unknown:
            problems.add(f, where, ", ".join(sorted(unknown)), "unknown field")
        variants = g.get("variants")
        if not isinstance(variants, list) or not variants:
            problems.add(f, where, "variants", "needs a non-empty list of variants")
            continue
        clean = []
        for v in variants:
            if not isinstance(v, str) or not v.strip():
                problems.add(f, where, "variants", "empty variant")
                continue
            v = v.strip().lower()
            if v == canon:
                problems.add(f, where, "variants", f"`{v}` is the canonical term itself")
            elif v in seen:
                problems.add(f, where, "variants", f"`{v}` is already a variant of `{seen[v]}`")
            else:
                seen[v] = canon
                clean.append(v)
        canonicals.add(canon)
        out.append(SynonymGroup(canon, tuple(clean)))
    for v, canon in seen.items():
        if v in canonicals:
            problems.add(f, canon, "variants", f"`{v}` is also a canonical term: chains are not allowed")
    return tuple(out)


def _entry_file(fname, doc, topics, groups, entries, problems) -> list[Entry]:
    """Add a file's valid entries to `entries`; return those whose id was already taken."""
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        problems.add(fname, "-", "entries", "expected a mapping with an `entries:` list")
        return []
    duplicates = []
    if set(doc) - {"entries"}:
        problems.add(fname, "-", ", ".join(sorted(set(doc) - {"entries"})), "unknown top-level key")
    for i, raw in enumerate(doc["entries"]):
        entry = _entry(fname, i, raw, topics, groups, problems)
        if entry is None:
            continue
        if entry.id in entries:
            problems.add(fname, entry.id, "id", f"duplicate id (also in {entries[entry.id].file})")
            duplicates.append(entry)  # still counts for topic coverage: the one problem is the id
            continue
        entries[entry.id] = entry
    return duplicates


def _entry(fname, index, raw, topics, groups, problems) -> Entry | None:
    if not isinstance(raw, dict):
        problems.add(fname, f"#{index + 1}", "-", "an entry must be a mapping")
        return None
    eid = raw.get("id")
    if not isinstance(eid, str) or not ID_RE.match(eid):
        problems.add(fname, f"#{index + 1}", "id", "missing or malformed id (lower case, digits, _ and .)")
        return None
    n = len(problems.items)
    for k in sorted(set(raw) - set(REQUIRED) - set(OPTIONAL)):
        hint = did_you_mean(k, REQUIRED + OPTIONAL)
        problems.add(fname, eid, k, "unknown field" + (f" (did you mean `{hint}`?)" if hint else ""))
    for k in REQUIRED:
        if k not in raw:
            problems.add(fname, eid, k, "missing field")
    topic = raw.get("topic")
    if "topic" in raw and topic not in topics:
        problems.add(fname, eid, "topic", f"unknown topic `{topic}` (see topics.yaml)")
    group = topics[topic].group if topic in topics else ""
    texts = {k: bilingual_text(raw, fname, eid, k, problems) for k in TEXT_FIELDS if k in raw}
    lists = {k: bilingual_list(raw, fname, eid, k, problems) for k in LIST_FIELDS if k in raw}
    _limits(raw, fname, eid, texts, lists, problems)
    clause, points, verified = _clause_points(raw, fname, eid, problems)
    if group == "cat":
        for k in CAT_REQUIRED:
            if k not in raw:
                problems.add(fname, eid, k, "category entries need it (clause, points, evidence, pitfalls, first_step)")
    related = str_list(raw.get("related", []), fname, eid, "related", problems)
    sources = str_list(raw.get("sources", []), fname, eid, "sources", problems)
    if "sources" in raw and not sources:
        problems.add(fname, eid, "sources", "list at least one source")
    if len(problems.items) > n:
        return None
    return Entry(
        id=eid,
        topic=topic,
        title=texts["title"],
        questions=lists["questions"],
        keywords=lists["keywords"],
        answer=texts["answer"],
        sources=tuple(sources),
        file=fname,
        in_scope=groups[group].in_scope if group in groups else True,
        clause=clause,
        points=points,
        points_verified=verified,
        details=texts.get("details"),
        related=tuple(related),
        evidence=lists.get("evidence"),
        pitfalls=lists.get("pitfalls"),
        first_step=texts.get("first_step"),
    )


def _limits(raw, fname, eid, texts, lists, problems) -> None:
    for lang in LANGS:
        answer = (texts.get("answer") or {}).get(lang, "")
        if len(answer) > ANSWER_LIMIT:
            problems.add(fname, eid, f"answer.{lang}",
                         f"{len(answer)} characters: over {ANSWER_LIMIT}, it would not fit one Telegram message")
        details = (texts.get("details") or {}).get(lang, "")
        if len(details) > DETAILS_LIMIT:
            problems.add(fname, eid, f"details.{lang}", f"{len(details)} characters: over {DETAILS_LIMIT}")
        qs = (lists.get("questions") or {}).get(lang)
        if qs is not None and len(qs) < MIN_QUESTIONS:
            problems.add(fname, eid, f"questions.{lang}",
                         f"{len(qs)} alternate questions: write at least {MIN_QUESTIONS}")


def _clause_points(raw, fname, eid, problems) -> tuple[str | None, int | None, bool]:
    clause = raw.get("clause")
    if clause is not None:
        clause = str(clause)
        if not CLAUSE_RE.match(clause):
            problems.add(fname, eid, "clause", f"`{clause}` is not a clause number like 4.2.3")
    points = raw.get("points")
    if points is not None and (not isinstance(points, int) or isinstance(points, bool) or points <= 0):
        problems.add(fname, eid, "points", "must be a positive whole number")
        points = None
    verified = raw.get("points_verified", False)
    if not isinstance(verified, bool):
        problems.add(fname, eid, "points_verified", "must be true or false")
        verified = False
    if points is not None and clause is None:
        problems.add(fname, eid, "points", "points need a clause")
    return clause, points, verified


def _check_related(entries: dict[str, Entry], problems: Problems) -> None:
    for e in entries.values():
        for r in e.related:
            if r == e.id:
                problems.add(e.file, e.id, "related", "an entry cannot be related to itself")
            elif r not in entries:
                hint = did_you_mean(r, tuple(entries))
                problems.add(e.file, e.id, "related",
                             f"`{r}` is not an entry id" + (f" (did you mean `{hint}`?)" if hint else ""))


def _check_coverage(entries: list[Entry], topics: dict[str, Topic], problems: Problems) -> None:
    covered = {e.topic for e in entries}
    for t in topics.values():
        if t.contract and t.id not in covered:
            problems.add("topics.yaml", t.id, "topic", "contract topic has no entry")
