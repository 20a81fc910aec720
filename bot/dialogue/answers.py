"""Question answering replies: an answer, "did you mean", an honest decline, and knowledge entries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.answerer import CLAUSE_RE, LOG_LIMIT, MAX_QUESTION, Answer
from bot.dialogue import buttons
from bot.dialogue.events import lang_from_hint
from bot.kb.model import Entry
from bot.ui.replies import Button, Reply, Text, reply
from bot.ui.texts import t

RELATED_BUTTONS = 3


def record(store, user_id: str, channel: str, ans: Answer) -> int:
    """Log a question with its outcome (best entry, topic, score) for later review."""
    best = ans.best
    return store.log_question(user_id, channel, ans.lang, ans.question[:LOG_LIMIT], ans.status,
                              best.entry.id if best else None, best.entry.topic if best else None,
                              round(best.score, 4) if best else None)


@dataclass(frozen=True)
class Suggestion:
    """One match offered for inline sharing (`@bot question` in any chat)."""

    entry_id: str
    title: str
    description: str
    reply: Reply  # what is posted when the user picks it: the title and the short answer


INLINE_DEFAULTS = ("award.overview", "model.overview", "bot.quiz")


def suggestions(core, text: str, lang_hint: str | None, limit: int = 5) -> list[Suggestion]:
    """The entries worth offering for a partly typed inline query: the candidates a chat question would
    show as its answer or as "did you mean" (same thresholds), or a few starting points when nothing is
    typed yet. Inline queries arrive on every keystroke, so nothing is recorded."""
    lang = lang_from_hint(lang_hint, default="en")
    text = text.strip()
    if not text:
        entries = [core.kb.entries[e] for e in INLINE_DEFAULTS if e in core.kb.entries]
    else:
        answerer = core.knowledge.answerer
        ans = answerer.answer(text, k=limit)
        lang = ans.lang
        shown = ans.status in ("answered", "unsure")  # small talk, out of scope and no match offer nothing
        entries = [c.entry for c in ans.candidates if shown and c.score >= answerer.thresholds.unsure]
    out = []
    for entry in entries[:limit]:
        body = Text().b(entry.title[lang]).nl(2).add(entry.answer[lang])
        out.append(Suggestion(entry.id, entry.title[lang], entry.answer[lang][:120].replace("\n", " "),
                              reply(body, kind="inline")))
    return out


def answer_question(turn, text: str) -> list[Reply]:
    """Answer a free-text question; the chat channels always record it in the question log."""
    ans: Answer = turn.core.knowledge.answerer.answer(text, lang=turn.lang)
    best = ans.best
    qid = record(turn.core.store, turn.user_id, turn.channel, ans)
    if ans.status == "smalltalk":
        return [reply(t("st_" + ans.reason, turn.lang), kind="smalltalk")]
    if ans.status == "answered":
        return [entry_reply(turn, best.entry, qid)]
    if ans.status == "unsure":
        rows = [[Button(c.entry.title[turn.lang], buttons.OPEN_ENTRY.encode(c.entry.id, qid))]
                for c in ans.candidates[:3]]
        return [reply(t("unsure", turn.lang), rows, kind="unsure")]
    return [declined_reply(turn, ans)]


def declined_reply(turn, ans: Answer) -> Reply:
    lang = turn.lang
    if ans.reason == "empty":
        return reply(t("empty", lang), kind="declined")
    if ans.reason == "too_long":
        return reply(t("too_long", lang, length=len(ans.question), limit=MAX_QUESTION), kind="declined")
    menu = [[Button(t("btn_quiz", lang), buttons.MENU.encode("quiz")),
             Button("📚 /topics", buttons.MENU.encode("topics"))]]
    if ans.reason == "no_such_clause":
        number = CLAUSE_RE.findall(turn.core.knowledge.answerer.retriever.analyzer.normalize.basic(ans.question))
        rows = [[Button(f"{c.entry.clause} {c.entry.title[lang]}", buttons.OPEN_ENTRY.encode(c.entry.id, 0))]
                for c in ans.candidates]
        return reply(t("no_such_clause", lang, clause=number[0] if number else "?"), rows + menu, kind="declined")
    if ans.reason == "no_such_clause":
        number = CLAUSE_RE.findall(turn.core.knowledge.answerer.retriever.analyzer.normalize.basic(ans.question))
        rows = [[Button(f"{c.entry.clause} {c.entry.title[lang]}", buttons.OPEN_ENTRY.encode(c.entry.id, 0))]
                for c in ans.candidates]
        return reply(t("no_such_clause", lang, clause=number[0] if number else "?"), rows + menu, kind="declined")
    if ans.reason == "out_of_scope" and ans.redirect is not None:
        text = Text().add(ans.redirect.answer[lang]).nl(2).i(t("out_of_scope_tail", lang))
        return reply(text, menu, kind="declined")
    groups = "\n".join(f"• {g.name[lang]}" for g in turn.core.kb.groups.values() if g.in_scope)
    return reply(t("declined", lang, groups=groups), menu, kind="declined")


def _header(entry: Entry, lang: str) -> str:
    parts = []
    if entry.clause:
        parts.append(t("clause_line", lang, clause=entry.clause))
    if entry.points:
        parts.append(t("points_verified" if entry.points_verified else "points_cited", lang, points=entry.points))
    return " · ".join(parts)


def _related_buttons(turn, entry: Entry, qid: int) -> list[list[Button]]:
    kb = turn.core.kb
    rows = []
    for rid in entry.related[:RELATED_BUTTONS]:
        if rid in kb.entries:
            rows.append([Button("↪ " + kb.entries[rid].title[turn.lang], buttons.OPEN_ENTRY.encode(rid, qid))])
    return rows


def _has_more(entry: Entry) -> bool:
    return any((entry.details, entry.evidence, entry.pitfalls, entry.first_step))


def entry_reply(turn, entry: Entry, qid: int = 0) -> Reply:
    """The short answer: title, clause and points, the answer, then read-more, related and feedback."""
    lang = turn.lang
    text = Text().b(entry.title[lang]).nl()
    header = _header(entry, lang)
    if header:
        text.i(header).nl()
    text.nl().add(entry.answer[lang])
    rows = []
    if _has_more(entry):
        rows.append([Button(t("btn_more", lang), buttons.READ_MORE.encode(entry.id, qid))])
    rows += _related_buttons(turn, entry, qid)
    rows.append([Button(t("btn_up", lang), buttons.VOTE.encode(entry.id, qid, 1)),
                 Button(t("btn_down", lang), buttons.VOTE.encode(entry.id, qid, 0))])
    return reply(text, rows, kind="answer")


def more_reply(turn, entry: Entry, qid: int = 0) -> Reply:
    """The "read more" body: details, evidence checklist, weaknesses, first step and sources."""
    lang = turn.lang
    text = Text().b(entry.title[lang]).nl(2)
    if entry.details:
        text.add(entry.details[lang]).nl(2)
    for key, items in (("evidence", entry.evidence), ("pitfalls", entry.pitfalls)):
        if items:
            text.b(t(key, lang)).nl().bullets(items[lang]).nl()
    if entry.first_step:
        text.b(t("first_step", lang)).add(" " + entry.first_step[lang]).nl(2)
    public = public_sources(entry)
    if public:
        text.i(t("sources", lang) + " " + "; ".join(public))
    return reply(text, _related_buttons(turn, entry, qid), kind="more")


INTERNAL_SOURCES = ("facts.md", "scope decision", "awardbot design", "seed article")


URL_RE = re.compile(r"https?://[^\s;,)]+")


def public_sources(entry: Entry) -> list[str]:
    """Sources a reader can follow: web pages and named documents, not the project's own notes (whose
    web addresses are kept)."""
    out: list[str] = []
    for source in entry.sources:
        internal = any(marker in source.lower() for marker in INTERNAL_SOURCES)
        for item in (URL_RE.findall(source) if internal else [source]):
            if item not in out:
                out.append(item)
    return out


def topics_reply(turn) -> Reply:
    """The in-scope groups, one line and one button each (how many topics it holds); the button lists
    that group's entries. Listing every entry here made one 3,000-character message."""
    lang = turn.lang
    kb = turn.core.kb
    text = Text().b(t("topics", lang)).nl()
    rows = []
    for group in kb.groups.values():
        if not group.in_scope:
            continue
        count = len(kb.in_group(group.id))
        text.add(f"• {group.name[lang]}").add(t("topics_count", lang, count=count)).nl()
        rows.append([Button(group.name[lang], buttons.OPEN_GROUP.encode(group.id))])
    text.nl().i(t("topics_tail", lang))
    return reply(text, rows, kind="topics")


def group_reply(turn, group_id: str) -> Reply | None:
    """One group's entries as buttons: its introduction, then the rest in clause order."""
    group = turn.core.kb.groups.get(group_id)
    if group is None or not group.in_scope:
        return None
    lang = turn.lang
    kb = turn.core.kb
    entries = kb.in_group(group_id)
    if group.start in kb.entries:  # the group's introduction first
        entries = [kb.entries[group.start], *(e for e in entries if e.id != group.start)]
    rows = [[Button(e.title[lang], buttons.OPEN_ENTRY.encode(e.id, 0))] for e in entries]
    return reply(Text().b(group.name[lang]).nl().add(t("group_pick", lang)), rows, kind="group")


def other_matches_reply(turn, qid: int, rejected: str) -> Reply:
    """After a 👎: the next candidates for the same question, or how to ask again."""
    lang = turn.lang
    logged = buttons.owned(turn, turn.core.store.question(qid)) if qid else None
    rows = []
    if logged:
        answerer = turn.core.knowledge.answerer
        ranking = answerer.rank(logged["text"], k=4)
        rows = [[Button(c.entry.title[lang], buttons.OPEN_ENTRY.encode(c.entry.id, qid))] for c in ranking.inside
                if c.entry.id != rejected and c.score >= answerer.thresholds.unsure][:3]
    return reply(t("feedback_down_others" if rows else "feedback_down_rephrase", lang), rows, kind="feedback_down")


# -- buttons -------------------------------------------------------------------------------------------

def open_entry(turn, entry_id: str, raw_qid: str) -> list[Reply] | None:
    entry = turn.core.kb.entries.get(entry_id)
    qid = buttons.own_question(turn, raw_qid or "0")
    return [entry_reply(turn, entry, qid)] if entry and qid is not None else None


def read_more(turn, entry_id: str, raw_qid: str) -> list[Reply] | None:
    entry = turn.core.kb.entries.get(entry_id)
    qid = buttons.own_question(turn, raw_qid or "0")
    return [more_reply(turn, entry, qid)] if entry and qid is not None else None


def vote(turn, entry_id: str, raw_qid: str, value: str) -> list[Reply] | None:
    """👍 thanks; 👎 thanks and offers the next matches for the same question."""
    qid = buttons.own_question(turn, raw_qid)
    if entry_id not in turn.core.kb.entries or qid is None or value not in ("0", "1"):
        return None
    turn.core.store.record_feedback(turn.user_id, qid, entry_id, 1 if value == "1" else -1)
    thanks = Reply(toast=t("feedback_thanks", turn.lang), kind="feedback")
    return [thanks] if value == "1" else [thanks, other_matches_reply(turn, qid, entry_id)]


def open_group(turn, group_id: str) -> list[Reply] | None:
    found = group_reply(turn, group_id)
    return [found] if found else None
