"""Read-only queries for the operator: usage figures, the unanswered-question log, quiz exports.

Part of the store (SQL lives only in store*.py); opened as `store.admin`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlite_utils import Database


def since_timestamp(text: str) -> str:
    """A date (YYYY-MM-DD) or ISO date and time → the question log's UTC timestamp form, for `ts >= ?`.
    A date, or a time without an offset, is read as UTC. ValueError with a user-ready reason otherwise."""
    raw = text.strip()
    try:
        if not raw.isascii():
            raise ValueError(raw)
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"`{text}` is not a date: expected YYYY-MM-DD or an ISO date and time "
                         "(e.g. 2025-03-01 or 2025-03-01T08:00+08:00)") from exc


class AdminQueries:
    def __init__(self, db: Database, days_ago):
        self.db = db
        self.days_ago = days_ago  # days → ISO timestamp, from the store's clock

    def _one(self, sql: str, params=()) -> int:
        return next(iter(self.db.execute(sql, params).fetchone()), 0) or 0

    def stats(self, top: int = 10) -> dict:
        week, month = self.days_ago(7), self.days_ago(30)
        statuses = {r["status"]: r["n"] for r in self.db.query(
            "SELECT status, COUNT(*) AS n FROM questions GROUP BY status")}
        topics = list(self.db.query(
            """SELECT topic, COUNT(*) AS questions FROM questions WHERE status = 'answered' AND topic IS NOT NULL
               GROUP BY topic ORDER BY questions DESC, topic LIMIT ?""", [top]))
        feedback = list(self.db.query(
            """SELECT entry, SUM(vote > 0) AS up, SUM(vote < 0) AS down FROM feedback
               GROUP BY entry ORDER BY (SUM(vote < 0) - SUM(vote > 0)) DESC, entry"""))
        return {
            "users": {
                "total": self._one("SELECT COUNT(*) FROM users"),
                "active_7d": self._one("SELECT COUNT(*) FROM users WHERE last_seen >= ?", [week]),
                "active_30d": self._one("SELECT COUNT(*) FROM users WHERE last_seen >= ?", [month]),
                "inactive": self._one("SELECT COUNT(*) FROM users WHERE active = 0"),
            },
            "questions": {
                "total": sum(statuses.values()),
                "answered": statuses.get("answered", 0),
                "unsure": statuses.get("unsure", 0),
                "declined": statuses.get("declined", 0),
                "smalltalk": statuses.get("smalltalk", 0),
            },
            "top_topics": topics,
            "quiz": {
                "started": self._one("SELECT COUNT(*) FROM quiz_sessions"),
                "completed": self._one("SELECT COUNT(*) FROM quiz_results"),
                "in_progress": self._one("SELECT COUNT(*) FROM quiz_sessions WHERE status = 'active'"),
            },
            "feedback": [{"entry": f["entry"], "up": f["up"] or 0, "down": f["down"] or 0} for f in feedback],
        }

    def unanswered(self, since: str | None = None) -> list[dict]:
        """Declined and unsure questions, newest first (the grouping is done by the caller)."""
        sql = """SELECT id, ts, lang, text, status, entry, topic, score FROM questions
                 WHERE status IN ('declined', 'unsure') AND TRIM(text) != ''"""
        params: list = []
        if since:
            sql += " AND ts >= ?"
            params.append(since)
        return list(self.db.query(sql + " ORDER BY ts DESC", params))

    def quiz_export(self) -> list[dict]:
        rows = []
        for r in self.db.query("SELECT * FROM quiz_results ORDER BY finished_at"):
            result = json.loads(r["result"])
            rows.append({**{k: v for k, v in r.items() if k != "result"}, "parsed": result})
        return rows
