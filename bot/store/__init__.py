"""All persistent state, in SQLite through sqlite-utils. The only module that speaks SQL.

Writes that belong together run in one `db.atomic()` transaction; every query is parameterised; rows are
keyed by user. WAL mode with `synchronous=FULL`: a write that returned is on disk, so a crash (even
kill -9 or power loss) loses nothing a user saw acknowledged. The one exception is the language of the
last reply (`_relaxed`): it survives kill -9, and a power loss may take the last few of those.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.store import files
from bot.store.admin import AdminQueries
from bot.store.migrations import migrations
from bot.store.questionlog import QuestionLog
from bot.store.teams import TeamQueries

Clock = Callable[[], float]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str | Path, clock: Clock = time.time):
        self.path = Path(path)
        self.clock = clock
        if str(path) != ":memory:":
            files.check_user(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=10)
        try:
            files.recognise(conn, self.path)  # before the first write: another program's file stays untouched
            files.check_intact(conn)  # a damaged file is refused at start, with how to restore
        except sqlite3.DatabaseError:
            conn.close()
            raise
        self.db = Database(conn)
        self.db.execute("PRAGMA busy_timeout = 10000")
        if str(path) != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(self.db)
        self._admin = AdminQueries(self.db, self.days_ago)
        self.teams = TeamQueries(self.db, self.now)
        self._log: QuestionLog | None = None

    def batch_question_log(self, interval: float = 0.005, max_pending: int = 256) -> None:
        """From now on the question log is written in batches by a writer thread (`questionlog.py`), not
        with one commit per question on the caller's thread. Long-running channels turn this on; reads
        of the log flush first, and so does `close`."""
        if self._log is None and str(self.path) != ":memory:":
            highest = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM questions").fetchone()[0]
            self._log = QuestionLog(self.path, highest, interval, max_pending)

    def flush(self) -> None:
        """Every logged question is on disk when this returns."""
        if self._log is not None:
            self._log.flush()

    @property
    def admin(self) -> AdminQueries:
        self.flush()  # the operator's statistics read the question log
        return self._admin

    def close(self) -> None:
        log, self._log = self._log, None
        try:
            if log is not None:
                log.close()
        finally:
            self.db.close()

    def now(self) -> str:
        return iso(self.clock())

    def _select(self, sql: str, params: list) -> list[dict]:
        """Rows as dicts, for the reads made on every message and button press. sqlite-utils' query()
        guards each statement with a savepoint (two more statements), which these fixed SELECTs need not."""
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    # -- users -------------------------------------------------------------------------------------

    def touch_user(self, user_id: str, channel: str, chat_id: str | None = None,
                   hint_lang: str | None = None) -> dict:
        """Create or refresh a user; a message from them means they are reachable again. Within a minute
        of the last refresh nothing is written: a conversation costs one read per message, not a write."""
        now = self.clock()
        user = self.user(user_id)
        if user is not None and user["active"] == 1 and (chat_id is None or user["chat_id"] == chat_id) \
                and (hint_lang is None or user["hint_lang"] == hint_lang) and user["last_seen"] >= iso(now - 60):
            return user
        with self.db.atomic():
            self.db.execute(
                """INSERT INTO users (id, channel, chat_id, hint_lang, created_at, last_seen, active, reminders)
                   VALUES (?, ?, ?, ?, ?, ?, 1, 1)
                   ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen, active = 1,
                     chat_id = COALESCE(excluded.chat_id, users.chat_id),
                     hint_lang = COALESCE(excluded.hint_lang, users.hint_lang)""",
                [user_id, channel, chat_id, hint_lang, iso(now), iso(now)],
            )
        return self.user(user_id)

    def user(self, user_id: str) -> dict | None:
        rows = self._select("SELECT * FROM users WHERE id = ?", [user_id])
        return rows[0] if rows else None

    def update_user(self, user_id: str, **fields: Any) -> None:
        allowed = {"lang", "last_lang", "active", "reminders", "pending_delete", "pending"}
        assert set(fields) <= allowed, fields  # noqa: S101 - a programming error, not input
        sets = ", ".join(f"{k} = ?" for k in fields)
        sql, params = f"UPDATE users SET {sets} WHERE id = ?", [*fields.values(), user_id]  # noqa: S608
        if set(fields) == {"last_lang"}:
            self._relaxed(sql, params)
        else:
            self.db.execute(sql, params)

    def _relaxed(self, sql: str, params: list) -> None:
        """A write a power cut may lose without harm (the language of the last reply, which the next
        message sets again): committed without waiting for the disk. Under WAL, synchronous=NORMAL still
        survives a crash of the process (kill -9); only the last such commits before a power loss can go,
        and the next durable commit (every other write) makes them durable too. Inside a transaction it is
        simply part of that transaction (SQLite does not change the level there)."""
        if self.db.conn.in_transaction:
            self.db.execute(sql, params)
            return
        self.db.execute("PRAGMA synchronous = NORMAL")
        try:
            self.db.execute(sql, params)
        finally:
            self.db.execute("PRAGMA synchronous = FULL")

    # -- question log and feedback -----------------------------------------------------------------

    def log_question(self, user_id: str, channel: str, lang: str, text: str, status: str,
                     entry: str | None, topic: str | None, score: float | None) -> int:
        if self._log is not None:
            return self._log.add((user_id, self.now(), channel, lang, text, status, entry, topic, score))
        cur = self.db.execute(
            """INSERT INTO questions (user_id, ts, channel, lang, text, status, entry, topic, score)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [user_id, self.now(), channel, lang, text, status, entry, topic, score],
        )
        return int(cur.lastrowid)

    def question(self, question_id: int) -> dict | None:
        self.flush()
        rows = list(self.db.query("SELECT * FROM questions WHERE id = ?", [question_id]))
        return rows[0] if rows else None

    def record_feedback(self, user_id: str, question_id: int, entry: str, vote: int) -> None:
        self.db.execute(
            """INSERT INTO feedback (user_id, question_id, entry, vote, ts) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(user_id, question_id, entry) DO UPDATE SET vote = excluded.vote, ts = excluded.ts""",
            [user_id, question_id, entry, vote, self.now()],
        )

    def purge_questions(self, older_than_days: int) -> int:
        """Delete logged questions (and their votes) older than the retention period."""
        cutoff = iso(self.clock() - older_than_days * 86400)
        self.flush()
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM feedback WHERE question_id IN (SELECT id FROM questions WHERE ts < ?)", [cutoff])
            cur = self.db.execute("DELETE FROM questions WHERE ts < ?", [cutoff])
        if str(self.path) != ":memory:":  # the files a user had written (exports, PDFs, charts) age out too
            files.purge_files(self.path, older_than_days, now=self.clock())
        return cur.rowcount

    # -- quiz --------------------------------------------------------------------------------------

    def start_quiz(self, user_id: str, mode: str, question_ids: list[str], reminder_hours: int) -> str:
        """A new attempt; any unfinished one is abandoned in the same transaction."""
        sid = secrets.token_hex(4)
        now = self.clock()
        with self.db.atomic():
            self.db.execute(
                "UPDATE quiz_sessions SET status = 'abandoned', updated_at = ? WHERE user_id = ? AND status = 'active'",
                [iso(now), user_id])
            self.db["quiz_sessions"].insert({
                "id": sid, "user_id": user_id, "mode": mode, "question_ids": json.dumps(question_ids),
                "status": "active", "started_at": iso(now), "updated_at": iso(now),
                "reminder_due": iso(now + reminder_hours * 3600),
            })
        return sid

    def quiz_session(self, sid: str) -> dict | None:
        rows = self._select("SELECT * FROM quiz_sessions WHERE id = ?", [sid])
        if not rows:
            return None
        row = rows[0]
        row["question_ids"] = json.loads(row["question_ids"])
        return row

    def active_quiz(self, user_id: str) -> dict | None:
        rows = self._select(
            "SELECT id FROM quiz_sessions WHERE user_id = ? AND status = 'active' ORDER BY started_at DESC LIMIT 1",
            [user_id])
        return self.quiz_session(rows[0]["id"]) if rows else None

    def quiz_answers(self, sid: str) -> dict[str, int]:
        return {r["question_id"]: r["option"] for r in self._select(
            "SELECT question_id, option FROM quiz_answers WHERE session_id = ?", [sid])}

    def save_answer(self, sid: str, question_id: str, option: int, reminder_hours: int) -> None:
        """Written the moment it is given; the reminder clock restarts from the last answer."""
        now = self.clock()
        with self.db.atomic():
            self.db.execute(
                """INSERT INTO quiz_answers (session_id, question_id, option, answered_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT(session_id, question_id) DO UPDATE SET option = excluded.option,
                     answered_at = excluded.answered_at""",
                [sid, question_id, option, iso(now)])
            self.db.execute(
                "UPDATE quiz_sessions SET updated_at = ?, reminder_due = ? WHERE id = ?",
                [iso(now), iso(now + reminder_hours * 3600), sid])

    def finish_quiz(self, sid: str, user_id: str, mode: str, result: dict) -> None:
        now = self.now()
        with self.db.atomic():
            self.db.execute(
                "UPDATE quiz_sessions SET status = 'finished', finished_at = ?, updated_at = ? WHERE id = ?",
                [now, now, sid])
            self.db["quiz_results"].insert({
                "session_id": sid, "user_id": user_id, "finished_at": now, "mode": mode,
                "total": result["total"], "partial": int(result["partial"]),
                "result": json.dumps(result, ensure_ascii=False),
            }, replace=True)

    def abandon_quiz(self, sid: str) -> None:
        self.db.execute("UPDATE quiz_sessions SET status = 'abandoned', updated_at = ? WHERE id = ?",
                        [self.now(), sid])

    def quiz_results(self, user_id: str, limit: int = 20) -> list[dict]:
        """Finished attempts, newest first."""
        rows = self.db.query(
            "SELECT * FROM quiz_results WHERE user_id = ? ORDER BY finished_at DESC, rowid DESC LIMIT ?",
            [user_id, limit])
        return [{**r, "result": json.loads(r["result"])} for r in rows]

    # -- reminders ---------------------------------------------------------------------------------

    def due_reminders(self) -> list[dict]:
        """Unfinished quizzes whose reminder is due, of users who want reminders and can be reached."""
        return list(self.db.query(
            """SELECT s.id AS session_id, s.user_id, u.chat_id, u.channel
               FROM quiz_sessions s JOIN users u ON u.id = s.user_id
               WHERE s.status = 'active' AND s.reminder_sent IS NULL AND s.reminder_due <= ?
                 AND u.reminders = 1 AND u.active = 1""",
            [self.now()]))

    def next_reminder_due(self) -> str | None:
        rows = list(self.db.query(
            """SELECT MIN(s.reminder_due) AS due FROM quiz_sessions s JOIN users u ON u.id = s.user_id
               WHERE s.status = 'active' AND s.reminder_sent IS NULL AND u.reminders = 1 AND u.active = 1"""))
        return rows[0]["due"] if rows else None

    def mark_reminded(self, sid: str) -> None:
        self.db.execute("UPDATE quiz_sessions SET reminder_sent = ? WHERE id = ?", [self.now(), sid])

    # -- privacy -----------------------------------------------------------------------------------

    def export_user(self, user_id: str) -> dict:
        """Everything stored about one user, for /mydata."""
        def rows(sql: str) -> list[dict]:
            return list(self.db.query(sql, [user_id]))

        self.flush()

        sessions = rows("SELECT * FROM quiz_sessions WHERE user_id = ? ORDER BY started_at")
        for s in sessions:
            s["question_ids"] = json.loads(s["question_ids"])
            s["answers"] = self.quiz_answers(s["id"])
        return {
            "user": self.user(user_id),
            "questions": rows("SELECT id, ts, channel, lang, text, status, entry, topic, score "
                              "FROM questions WHERE user_id = ? ORDER BY id"),
            "feedback": rows("SELECT * FROM feedback WHERE user_id = ? ORDER BY ts"),
            "quiz_sessions": sessions,
            "quiz_results": list(reversed(self.quiz_results(user_id, limit=10_000))),
            "teams_owned": rows("SELECT id, name, status, created_at FROM teams WHERE owner_id = ?"),
            "team_memberships": rows("SELECT team_id, role, joined_at FROM team_members WHERE user_id = ?"),
        }

    def delete_user(self, user_id: str) -> None:
        """Remove every row about a user, in one transaction, then the files written for them."""
        self.flush()  # a question still on its way to disk would outlive the deletion
        with self.db.atomic():
            self.db.execute("DELETE FROM feedback WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM questions WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM quiz_results WHERE user_id = ?", [user_id])
            self.db.execute(
                "DELETE FROM quiz_answers WHERE session_id IN (SELECT id FROM quiz_sessions WHERE user_id = ?)",
                [user_id])
            self.db.execute("DELETE FROM quiz_sessions WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM team_members WHERE user_id = ?", [user_id])
            # Teams they own stay for their members, closed and without an owner.
            self.db.execute("UPDATE teams SET owner_id = NULL, status = 'closed' WHERE owner_id = ?", [user_id])
            self.db.execute("DELETE FROM users WHERE id = ?", [user_id])
        if str(self.path) != ":memory:":  # then their written files: exports, PDFs, charts
            files.delete_user_files(self.path, user_id)

    def days_ago(self, days: float) -> str:
        return iso(self.clock() - timedelta(days=days).total_seconds())

    # -- backup ------------------------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """A consistent copy while the bot runs: SQLite's online backup API, page by page, into a file
        beside `target`, then checked with integrity_check and only then renamed onto `target`. A damaged
        copy raises DamagedCopy and leaves `target` (an older backup, say) as it was. The directory must
        exist: a mistyped path is not created."""
        if not target.parent.is_dir():
            raise FileNotFoundError(2, "No such directory", str(target.parent))
        if target.exists():  # only an earlier backup is replaced, never some other file
            files.check_ours(target)
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)
        self.flush()
        dest = sqlite3.connect(str(tmp))
        try:
            with dest:
                self.db.conn.backup(dest, pages=256)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            verdict = files.integrity(dest, quick=False)
        finally:
            dest.close()
        if verdict != "ok":
            tmp.unlink(missing_ok=True)
            raise DamagedCopy(verdict)
        tmp.chmod(0o600)
        tmp.replace(target)


class DamagedCopy(Exception):
    """A backup copy failed its integrity check: the database itself is damaged."""
