"""The store: a real SQLite file, migrations applied in place, nothing lost across a reopen."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from bot.store import Store
from bot.store.migrations import migrations


def test_an_old_database_file_is_upgraded_in_place_keeping_its_rows(tmp_path):
    path = tmp_path / "old.db"
    db = Database(path)
    names = [m.name for m in migrations.pending(db)]
    migrations.apply(db, stop_before=names[1])  # the database as the first release left it
    db["users"].insert({"id": "tg:1", "channel": "telegram", "created_at": "2026-01-01T00:00:00+00:00",
                        "last_seen": "2026-01-01T00:00:00+00:00"})
    db.close()
    store = Store(path)
    assert [m.name for m in migrations.applied(store.db)] == names
    assert store.user("tg:1")["channel"] == "telegram"
    assert "team_id" in store.db["quiz_results"].columns_dict
    store.close()
    again = Store(path)  # reopening applies nothing twice
    assert len(list(again.db.query("SELECT * FROM _sqlite_migrations"))) == len(names)
    again.close()


def test_wal_mode_and_durable_writes(tmp_path):
    store = Store(tmp_path / "a.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.touch_user("tg:7", "telegram")
    sid = store.start_quiz("tg:7", "quick", ["a", "b"], reminder_hours=24)
    store.save_answer(sid, "a", 3, reminder_hours=24)
    # a second connection sees the answer at once: it was committed, not left in a transaction
    with sqlite3.connect(tmp_path / "a.db") as other:
        assert other.execute("SELECT option FROM quiz_answers").fetchall() == [(3,)]
    store.close()


def test_retention_purges_old_questions_and_their_votes_only(tmp_path):
    now = [1_800_000_000.0]
    store = Store(tmp_path / "r.db", clock=lambda: now[0])
    store.touch_user("tg:1", "telegram")
    old = store.log_question("tg:1", "telegram", "zh", "old", "answered", "award.overview", "award.overview", 0.5)
    store.record_feedback("tg:1", old, "award.overview", 1)
    now[0] += 400 * 86400
    new = store.log_question("tg:1", "telegram", "zh", "new", "answered", "award.overview", "award.overview", 0.5)
    assert store.purge_questions(365) == 1
    assert store.question(old) is None
    assert store.question(new)["text"] == "new"
    assert list(store.db.query("SELECT * FROM feedback")) == []
    store.close()


def test_reminders_are_due_once_and_survive_a_reopen(tmp_path):
    now = [1_800_000_000.0]
    path = tmp_path / "rem.db"
    store = Store(path, clock=lambda: now[0])
    store.touch_user("tg:5", "telegram", chat_id="5")
    sid = store.start_quiz("tg:5", "quick", ["a", "b"], reminder_hours=24)
    assert store.due_reminders() == []
    store.close()
    now[0] += 25 * 3600
    reopened = Store(path, clock=lambda: now[0])  # a restart: the schedule lives in SQLite
    due = reopened.due_reminders()
    assert [d["session_id"] for d in due] == [sid]
    reopened.mark_reminded(sid)
    assert reopened.due_reminders() == []
    reopened.close()
