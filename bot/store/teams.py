"""Teams and the peer benchmark: part of the store (SQL lives only in store*.py); opened as `store.teams`."""

from __future__ import annotations

import json
import secrets

from sqlite_utils import Database

ROLES = ("leader", "manager", "staff")


class TeamQueries:
    def __init__(self, db: Database, now):
        self.db = db
        self.now = now

    def create(self, owner_id: str, name: str) -> dict:
        team = {"id": secrets.token_hex(4), "name": name, "owner_id": owner_id,
                "token": secrets.token_urlsafe(12), "status": "open", "created_at": self.now()}
        self.db["teams"].insert(team)
        return team

    def get(self, team_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM teams WHERE id = ?", [team_id]))
        return rows[0] if rows else None

    def by_token(self, token: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM teams WHERE token = ?", [token]))
        return rows[0] if rows else None

    def owned_by(self, owner_id: str) -> list[dict]:
        return list(self.db.query("SELECT * FROM teams WHERE owner_id = ? ORDER BY created_at DESC", [owner_id]))

    def find(self, key: str) -> dict | None:
        """A team by id or by name (the newest of that name)."""
        rows = list(self.db.query("SELECT * FROM teams WHERE id = ? OR name = ? ORDER BY created_at DESC LIMIT 1",
                                  [key, key]))
        return rows[0] if rows else None

    def set_status(self, team_id: str, status: str) -> None:
        self.db.execute("UPDATE teams SET status = ? WHERE id = ?", [status, team_id])

    def renew_token(self, team_id: str) -> str:
        token = secrets.token_urlsafe(12)
        self.db.execute("UPDATE teams SET token = ? WHERE id = ?", [token, team_id])
        return token

    def join(self, team_id: str, user_id: str, role: str) -> None:
        self.db.execute(
            """INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
               ON CONFLICT(team_id, user_id) DO UPDATE SET role = excluded.role""",
            [team_id, user_id, role, self.now()])

    def membership(self, team_id: str, user_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM team_members WHERE team_id = ? AND user_id = ?", [team_id, user_id]))
        return rows[0] if rows else None

    def link_session(self, session_id: str, team_id: str) -> None:
        self.db.execute("UPDATE quiz_sessions SET team_id = ? WHERE id = ?", [team_id, session_id])

    def tag_result(self, session_id: str, **fields) -> None:
        allowed = {"team_id", "role", "industry", "size"}
        assert set(fields) <= allowed, fields  # noqa: S101 - a programming error, not input
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE quiz_results SET {sets} WHERE session_id = ?",  # noqa: S608 - fixed names
                        [*fields.values(), session_id])

    def latest_results(self, team_id: str) -> list[dict]:
        """Each member's latest finished attempt for the team, with the member's role."""
        rows = self.db.query(
            """SELECT r.*, m.role AS member_role FROM quiz_results r
               JOIN team_members m ON m.team_id = r.team_id AND m.user_id = r.user_id
               WHERE r.team_id = ? AND r.finished_at = (
                   SELECT MAX(r2.finished_at) FROM quiz_results r2
                   WHERE r2.team_id = r.team_id AND r2.user_id = r.user_id)
               GROUP BY r.user_id""", [team_id])
        return [{**r, "result": json.loads(r["result"])} for r in rows]

    def peer_results(self, exclude_user: str, industry: str | None = None, size: str | None = None) -> list[dict]:
        """Every other user's latest result (optionally of one industry and size band)."""
        sql = """SELECT r.result FROM quiz_results r
                 WHERE r.user_id != ? AND r.finished_at = (
                     SELECT MAX(r2.finished_at) FROM quiz_results r2 WHERE r2.user_id = r.user_id)"""
        params: list = [exclude_user]
        if industry:
            sql += " AND r.industry = ? AND r.size = ?"
            params += [industry, size]
        return [json.loads(r["result"]) for r in self.db.query(sql + " GROUP BY r.user_id", params)]

    def result(self, session_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM quiz_results WHERE session_id = ?", [session_id]))
        return {**rows[0], "result": json.loads(rows[0]["result"])} if rows else None
