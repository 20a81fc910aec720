"""The operator's chat commands: /stats, /unanswered, /reload (the console, and AWARDBOT_ADMINS in Telegram).

The figures and groups come from the store and `answering.unanswered`; here they become words.
"""

from __future__ import annotations

from bot.ui.replies import Reply, Text, reply
from bot.ui.texts import t


def stats_text(s: dict, lang: str) -> Text:
    text = Text().b(t("stats_title", lang)).nl(2)
    text.add(t("stats_users", lang, **s["users"])).nl()
    text.add(t("stats_questions", lang, **s["questions"])).nl()
    text.add(t("stats_quiz", lang, **s["quiz"])).nl()
    if s["top_topics"]:
        text.nl().b(t("stats_topics", lang)).nl()
        text.bullets(f"{row['topic']} ({row['questions']})" for row in s["top_topics"])
    if s["feedback"]:
        text.nl().b(t("stats_feedback", lang)).nl()
        text.bullets(f"{f['entry']}: {f['up']}/{f['down']}" for f in s["feedback"][:10])
    return text


def unanswered_text(groups: list[dict], lang: str, limit: int = 15) -> Text:
    text = Text().b(t("unanswered_title", lang)).nl(2)
    if not groups:
        return text.add(t("unanswered_none", lang))
    for g in groups[:limit]:
        text.b(f"×{g['count']} ").add(" | ".join(g["examples"])).nl()
        text.i(t("unanswered_nearest", lang) + ", ".join(g["nearest_topics"] or ["—"])).nl(2)
    return text


def is_operator(turn) -> bool:
    """The console is the operator's own terminal; in Telegram, the ids in AWARDBOT_ADMINS; on the web,
    whoever the channel vouches for (the admin secret)."""
    return turn.channel == "console" or turn.admin or turn.user_id in turn.core.settings.operators


def stats(turn, arg: str) -> list[Reply]:
    return [reply(stats_text(turn.core.store.admin.stats(), turn.lang), kind="stats")]


def unanswered(turn, arg: str) -> list[Reply]:
    from bot.answering.unanswered import group_unanswered

    days = arg.strip()
    if days and not (days.isascii() and days.isdigit() and 1 <= int(days) <= 36500):
        return [reply(t("unanswered_usage", turn.lang), kind="unanswered_usage")]
    store = turn.core.store
    since = store.days_ago(int(days)) if days else None
    groups = group_unanswered(store.admin.unanswered(since), turn.core.knowledge.answerer)
    return [reply(unanswered_text(groups, turn.lang), kind="unanswered")]


def reload(turn, arg: str) -> list[Reply]:
    problems = turn.core.reload()
    if problems:
        text = t("reload_refused", turn.lang, n=len(problems)) + "\n" + "\n".join(problems[:30])
        return [reply(text, kind="reload_refused")]
    return [reply(t("reload_done", turn.lang, n=len(turn.core.kb.entries)), kind="reload_done")]
