"""The validated knowledge base as JSON, so a warm start neither imports YAML nor re-validates.

Keyed like the index: by the hash of the knowledge files (and this code). Only a base that passed
validation is ever written, so loading it back is as safe as loading the YAML. JSON, not pickle: the
cache directory may be writable by others than the installed code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from pathlib import Path

from bot.kb import editorial, fields, load, model, quizbank
from bot.kb.atomicfile import atomic_write
from bot.kb.model import Entry, Group, KnowledgeBase, SynonymGroup, Topic

log = logging.getLogger(__name__)
_TUPLE_DICTS = ("questions", "keywords", "evidence", "pitfalls")


def _key(fingerprint: str) -> str:
    h = hashlib.sha256(fingerprint.encode())
    # every module whose code shapes the stored value: a changed Entry or validator must not restore
    for module in (model, load, quizbank, fields, editorial):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()[:32]


def dump(kb: KnowledgeBase) -> dict:
    return {"fingerprint": kb.fingerprint, "kb": dataclasses.asdict(kb)}


def restore(data: dict) -> KnowledgeBase:
    raw = data["kb"]
    entries = {}
    for eid, e in raw["entries"].items():
        for field in _TUPLE_DICTS:
            if e.get(field) is not None:
                e[field] = {lang: tuple(items) for lang, items in e[field].items()}
        e["sources"], e["related"] = tuple(e["sources"]), tuple(e["related"])
        entries[eid] = Entry(**e)
    q = raw["quiz"]
    bank = quizbank.QuizBank(
        categories={k: quizbank.Category(**v) for k, v in q["categories"].items()},
        levels=tuple(quizbank.Level(**lv) for lv in q["levels"]),
        questions={k: quizbank.Question(**{
            **v, "options": tuple(quizbank.Option(**o) for o in v["options"]), "entries": tuple(v["entries"])})
            for k, v in q["questions"].items()},
        modes={k: tuple(v) for k, v in q["modes"].items()},
    )
    return KnowledgeBase(
        entries=entries,
        topics={k: Topic(**v) for k, v in raw["topics"].items()},
        groups={k: Group(**v) for k, v in raw["groups"].items()},
        synonyms=tuple(SynonymGroup(s["canonical"], tuple(s["variants"])) for s in raw["synonyms"]),
        quiz=bank,
        fingerprint=raw["fingerprint"],
        directory=raw["directory"],
        by_topic={k: tuple(v) for k, v in raw["by_topic"].items()},
    )


def load_cached(directory: Path, cache_dir: Path | None) -> KnowledgeBase:
    """The knowledge base: from the cache when the files are unchanged, else loaded, validated, cached."""
    fingerprint = load.fingerprint(directory)
    path = cache_dir / f"knowledge-{_key(fingerprint)}.json" if cache_dir else None
    if path is not None and path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("fingerprint") == fingerprint:
                kb = restore(data)
                return dataclasses.replace(kb, directory=str(directory))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("knowledge cache unreadable, reloading: %s", exc)
    kb = load.load(directory)  # raises KnowledgeError: nothing broken is ever cached
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, lambda f: f.write(json.dumps(dump(kb), ensure_ascii=False).encode("utf-8")))
        except OSError as exc:
            log.warning("knowledge cache not written to %s: %s", cache_dir, exc)
    return kb
