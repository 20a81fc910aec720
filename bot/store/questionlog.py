"""The question log, written off the hot path: rows are handed to one writer thread with its own SQLite
connection, which commits them in batches (a few milliseconds' worth, or `max_pending` rows).

Ids are given out here, so the caller has its row id at once (the 👍/👎 buttons carry it). The store
flushes before every read of the log and on close, so readers never miss a row. What a crash (kill -9,
power loss) can lose: the rows of the last few milliseconds, never more than `max_pending`; ids are
never reused, because a store opened after a crash starts `max_pending` past the highest id on disk.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
COLUMNS = ("id", "user_id", "ts", "channel", "lang", "text", "status", "entry", "topic", "score")
_INSERT = f"INSERT INTO questions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608


class QuestionLog:
    def __init__(self, path: Path, highest_id: int, interval: float = 0.005, max_pending: int = 256):
        self.interval = interval
        self.max_pending = max_pending
        self._next = highest_id + 1 + max_pending  # past any id a crashed predecessor could have handed out
        self._rows: list[tuple] = []
        self._unwritten = 0  # rows handed in and not yet committed
        self._cond = threading.Condition()
        self._closing = False
        self._conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout = 10000")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._thread = threading.Thread(target=self._run, name="awardbot-question-log", daemon=True)
        self._thread.start()

    def add(self, row: tuple) -> int:
        """Queue one row (every column but the id); its id, at once."""
        with self._cond:
            while self._unwritten >= self.max_pending and not self._closing:  # the writer is behind: wait
                self._cond.wait()
            qid = self._next
            self._next += 1
            self._rows.append((qid, *row))
            self._unwritten += 1
            self._cond.notify_all()
        return qid

    def flush(self, timeout: float = 30.0) -> None:
        """Return once every row handed in so far is committed."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._cond.notify_all()
            while self._unwritten:
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    raise RuntimeError(f"question log: {self._unwritten} row(s) not written")
                self._cond.wait(left)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            self._thread.join(timeout=30)
            self._conn.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._rows and not self._closing:
                    self._cond.wait()
                if not self._rows:
                    return
            time.sleep(self.interval)  # let a batch gather
            with self._cond:
                batch, self._rows = self._rows, []
            try:
                with self._conn:
                    self._conn.executemany(_INSERT, batch)
            except sqlite3.IntegrityError:  # one bad row (its user deleted meanwhile): the others still go in
                self._one_by_one(batch)
            except sqlite3.Error:
                log.exception("question log: %d row(s) not written yet; retrying", len(batch))
                with self._cond:
                    self._rows[:0] = batch
                time.sleep(0.5)
                continue
            with self._cond:
                self._unwritten -= len(batch)
                self._cond.notify_all()

    def _one_by_one(self, batch: list[tuple]) -> None:
        for row in batch:
            try:
                with self._conn:
                    self._conn.execute(_INSERT, row)
            except sqlite3.IntegrityError as exc:
                log.warning("question log: row %s dropped: %s", row[0], exc)
