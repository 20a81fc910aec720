"""The button codec: what a button's callback data says, written and read in this one place.

Each kind of button is a `Codec`: its prefix and the fields after it (`q:{session}:{index}:{option}`).
`encode` writes the data (≤ 64 bytes: names, never correctness); `parse` reads it back, or None when it
has the wrong shape. A parsed press still means nothing until it is checked against the store: the
`own_*` helpers return the row only when it belongs to the user pressing, the one owner check.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Codec:
    prefix: str
    fields: tuple[str, ...] = ()
    defaults: tuple[str, ...] = ()  # values for trailing fields the data may leave out

    def encode(self, *values: object) -> str:
        assert len(values) == len(self.fields), (self.prefix, values)  # noqa: S101 - a programming error
        return ":".join((self.prefix, *(str(v) for v in values)))

    def parse(self, rest: str) -> tuple[str, ...] | None:
        """The fields of the data after `prefix:`; the last field takes any further colons."""
        if not self.fields:
            return ()
        parts = rest.split(":", len(self.fields) - 1)
        missing = len(self.fields) - len(parts)
        if missing > len(self.defaults):
            return None
        return (*parts, *self.defaults[len(self.defaults) - missing:]) if missing else tuple(parts)


# answers
OPEN_ENTRY = Codec("e", ("entry", "question"), defaults=("0",))
READ_MORE = Codec("m", ("entry", "question"), defaults=("0",))
VOTE = Codec("f", ("entry", "question", "vote"))
OPEN_GROUP = Codec("g", ("group",))
MENU = Codec("menu", ("item",))
# quiz
QUIZ_MODE = Codec("qm", ("mode",))
QUIZ_ANSWER = Codec("q", ("session", "index", "option"))
QUIZ_RESUME = Codec("qc", ("session",))
QUIZ_RESTART = Codec("qr", ("session",))
QUIZ_PAUSE = Codec("qx", ("session",))
HISTORY = Codec("h")
REMINDERS = Codec("r", ("setting",))
RESULT_PDF = Codec("rp", ("session",))
# peers and teams
PEERS_BEGIN = Codec("pb", ("session",))
PEERS_INDUSTRY = Codec("pi", ("session", "industry"))
PEERS_SIZE = Codec("ps", ("session", "industry", "size"))
TEAM_ROLE = Codec("tj", ("team", "role"))
TEAM_REPORT = Codec("tr", ("team",))
TEAM_PDF = Codec("tp", ("team",))
# account
LANG = Codec("l", ("lang",))
DELETE_YES = Codec("d", ("token",))
DELETE_NO = Codec("dn")


def split(data: str) -> tuple[str, str]:
    """(prefix, rest) of a button's data."""
    prefix, _, rest = data.partition(":")
    return prefix, rest


# -- the owner check ---------------------------------------------------------------------------------

def owned(turn, row: dict | None, owner: str = "user_id") -> dict | None:
    """The row if it belongs to the user of this turn: the one place that says "this is yours"."""
    return row if row is not None and row.get(owner) == turn.user_id else None


def own_question(turn, raw: str) -> int | None:
    """A logged question id from a button: 0 (none) or one of this user's own questions."""
    if not raw.isdigit():
        return None
    qid = int(raw)
    if qid == 0:
        return 0
    return qid if owned(turn, turn.core.store.question(qid)) else None


def own_active_quiz(turn, sid: str) -> dict | None:
    """This user's attempt, while it is still being answered."""
    session = owned(turn, turn.core.store.quiz_session(sid))
    return session if session is not None and session["status"] == "active" else None


def own_result(turn, sid: str) -> dict | None:
    """This user's finished result of an attempt."""
    return owned(turn, turn.core.store.teams.result(sid))


def own_team(turn, team_id: str) -> dict | None:
    """A team this user owns."""
    return owned(turn, turn.core.store.teams.get(team_id), owner="owner_id")
