"""Checks for the fields of knowledge and quiz files: bilingual texts and lists, id lists, suggestions."""

from __future__ import annotations

import difflib
import re

LANGS = ("zh", "en")
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def bilingual_text(raw, fname, eid, key, problems, *, label=None, extra=frozenset(), whole=False):
    """A `{zh, en}` text field; `whole` reads the languages from `raw` itself; `label` names it in errors."""
    value = raw if whole else raw.get(key)
    key = label or key
    if not isinstance(value, dict):
        problems.add(fname, eid, key, "expected {zh: ..., en: ...}")
        return None
    for k in set(value) - set(LANGS) - set(extra):
        problems.add(fname, eid, f"{key}.{k}", "unknown language (use zh and en)")
    out = {}
    for lang in LANGS:
        text = value.get(lang)
        if lang not in value:
            problems.add(fname, eid, f"{key}.{lang}", "missing language")
        elif not isinstance(text, str) or not text.strip():
            problems.add(fname, eid, f"{key}.{lang}", "empty text")
        else:
            out[lang] = text.strip()
    if "zh" in out and not CJK_RE.search(out["zh"]):
        problems.add(fname, eid, f"{key}.zh", "has no Chinese characters: is it in the wrong language?")
    return out if len(out) == 2 else None


def bilingual_list(raw, fname, eid, key, problems) -> dict[str, tuple[str, ...]] | None:
    value = raw.get(key)
    if not isinstance(value, dict):
        problems.add(fname, eid, key, "expected {zh: [...], en: [...]}")
        return None
    for k in set(value) - set(LANGS):
        problems.add(fname, eid, f"{key}.{k}", "unknown language (use zh and en)")
    out = {}
    for lang in LANGS:
        items = value.get(lang)
        if lang not in value:
            problems.add(fname, eid, f"{key}.{lang}", "missing language")
            continue
        if not isinstance(items, list) or not items:
            problems.add(fname, eid, f"{key}.{lang}", "expected a non-empty list")
            continue
        clean = []
        for i, item in enumerate(items):
            if not isinstance(item, str | int | float) or not str(item).strip():
                problems.add(fname, eid, f"{key}.{lang}[{i}]", "empty text")
            else:
                clean.append(str(item).strip())
        out[lang] = tuple(clean)
    return out if len(out) == 2 else None


def str_list(value, fname, eid, key, problems) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.add(fname, eid, key, "expected a list of non-empty strings")
        return []
    return [v.strip() for v in value]


def did_you_mean(word: str, options) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.75)
    return close[0] if close else None
