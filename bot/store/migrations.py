"""Schema migrations. Each runs once, with its record, in one transaction; an old file is upgraded in place.

Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("awardbot")


@migrations()
def m001_initial(db: Database) -> None:
    db["users"].create(
        {
            "id": str,  # channel-qualified: "tg:12345", "console:local"
            "channel": str,
            "chat_id": str,
            "lang": str,  # explicit choice from /lang; NULL follows each message's script
            "last_lang": str,
            "hint_lang": str,  # the client's language (Telegram language_code)
            "created_at": str,
            "last_seen": str,
            "active": int,  # 0 once the user blocked the bot (403)
            "reminders": int,  # 1: one reminder for an unfinished quiz
            "pending_delete": str,  # token of the /delete confirmation button
        },
        pk="id",
        defaults={"active": 1, "reminders": 1},
        not_null={"channel", "created_at", "last_seen"},
    )
    db["questions"].create(
        {
            "id": int,
            "user_id": str,
            "ts": str,
            "channel": str,
            "lang": str,
            "text": str,
            "status": str,
            "entry": str,
            "topic": str,
            "score": float,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["questions"].create_index(["user_id"])
    db["questions"].create_index(["ts"])
    db["feedback"].create(
        # question_id 0: an entry opened from a button with no logged question behind it
        {"user_id": str, "question_id": int, "entry": str, "vote": int, "ts": str},
        pk=("user_id", "question_id", "entry"),
        foreign_keys=[("user_id", "users", "id")],
    )
    db["quiz_sessions"].create(
        {
            "id": str,
            "user_id": str,
            "mode": str,
            "question_ids": str,  # JSON list: the order this attempt asks them in
            "status": str,  # active | finished | abandoned
            "started_at": str,
            "updated_at": str,
            "finished_at": str,
            "reminder_due": str,
            "reminder_sent": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["quiz_sessions"].create_index(["user_id", "status"])
    db["quiz_answers"].create(
        {"session_id": str, "question_id": str, "option": int, "answered_at": str},
        pk=("session_id", "question_id"),
        foreign_keys=[("session_id", "quiz_sessions", "id")],
    )
    db["quiz_results"].create(
        {
            "session_id": str,
            "user_id": str,
            "finished_at": str,
            "mode": str,
            "total": float,
            "partial": int,
            "result": str,  # JSON of the scored result
        },
        pk="session_id",
        foreign_keys=[("session_id", "quiz_sessions", "id"), ("user_id", "users", "id")],
    )
    db["quiz_results"].create_index(["user_id", "finished_at"])


@migrations()
def m002_teams_and_peer_benchmark(db: Database) -> None:
    """Team assessments and the anonymous peer benchmark (industry and size of a finished attempt)."""
    db["teams"].create(
        {
            "id": str,
            "name": str,
            "owner_id": str,
            "token": str,  # the unguessable part of the /start team_<token> link
            "status": str,  # open | closed
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("owner_id", "users", "id")],
    )
    db["teams"].create_index(["token"], unique=True)
    db["team_members"].create(
        {"team_id": str, "user_id": str, "role": str, "joined_at": str},
        pk=("team_id", "user_id"),
        foreign_keys=[("team_id", "teams", "id"), ("user_id", "users", "id")],
    )
    db["quiz_sessions"].add_column("team_id", str)
    db["quiz_results"].add_column("team_id", str)
    db["quiz_results"].add_column("role", str)
    db["quiz_results"].add_column("industry", str)
    db["quiz_results"].add_column("size", str)
    db["users"].add_column("pending", str)  # what the next text answers (e.g. the team role), JSON
