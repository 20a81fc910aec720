"""Each browser's conversation and files, on disk beside the database, so a page reload or a restart
shows the conversation again and a chart or PDF stays downloadable.

Layout: `<dir>/<uid>/history.jsonl` (one line per message; a quiz step that replaces the message whose
button was pressed is one `replace` line) and `<dir>/<uid>/files/<token>/<name>`. Everything of a user is
in their folder, so `/delete` removes it in one step and a file URL only resolves inside the requesting
cookie's own folder. Reads go through a small in-memory cache, which a message updates at once; the
lines are appended to the files by one writer thread in batches (every `interval`, 0.2 s), and flushed
before any read of the files, before `/delete` and the retention purge, and on `close`. What a crash
(kill -9, power loss) can lose: the last fraction of a second of shown conversation, never a quiz answer
(those are in the database, written before the reply).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from pathlib import Path

log = logging.getLogger(__name__)
KEEP = 120  # messages shown again after a reload (and whose buttons may be pressed)
KEEP_FILES = 40  # per user; older charts and PDFs are removed
_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def safe_name(name: str, default: str = "file") -> str:
    cleaned = _NAME.sub("-", name).strip(".-")[:80]
    return cleaned or default


class History:
    def __init__(self, directory: Path, cache_users: int = 2000, interval: float = 0.2):
        self.dir = directory
        self.cache_users = cache_users
        self.interval = interval
        self._cache: OrderedDict[str, list[dict]] = OrderedDict()
        self._pending: dict[str, list[str]] = {}  # uid → lines not yet appended to its history.jsonl
        self._lock = threading.Lock()  # guards _pending
        self._io = threading.Lock()  # one writer of the files at a time (the thread, a flush, a wipe)
        self._wake = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None

    # -- the writer ------------------------------------------------------------------------------

    def flush(self) -> None:
        """Every recorded line is in its file when this returns."""
        with self._io:
            with self._lock:
                pending, self._pending = self._pending, {}
            for uid, lines in pending.items():
                try:
                    folder = self._user_dir(uid)
                    folder.mkdir(parents=True, exist_ok=True)
                    with (folder / "history.jsonl").open("a", encoding="utf-8") as f:
                        f.write("".join(lines))
                except OSError:  # kept for the next flush (a full disk, say); the cache still shows them
                    log.exception("web history: %d line(s) of one browser not written yet", len(lines))
                    with self._lock:
                        self._pending[uid] = lines + self._pending.get(uid, [])

    def close(self) -> None:
        """Stop the writer thread and write what is left."""
        self._closing = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.flush()

    def _start(self) -> None:
        if self._thread is None and not self._closing:
            self._thread = threading.Thread(target=self._run, name="awardbot-web-history", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._closing:
            self._wake.wait(self.interval)
            try:
                self.flush()
            except Exception:
                log.exception("web history: flush failed")

    def _user_dir(self, uid: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{32}", uid):
            raise ValueError("not a web user id")
        return self.dir / uid

    # -- messages --------------------------------------------------------------------------------

    def messages(self, uid: str) -> list[dict]:
        cached = self._cache.get(uid)
        if cached is None:
            cached = self._read(uid)
            self._cache[uid] = cached
            while len(self._cache) > self.cache_users:
                self._cache.popitem(last=False)
        self._cache.move_to_end(uid)
        return cached

    def _read(self, uid: str) -> list[dict]:
        self.flush()  # an evicted user's last lines may still be on their way to the file
        path = self._user_dir(uid) / "history.jsonl"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        messages: list[dict] = []
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
            _apply(messages, record)
        if len(lines) > 3 * KEEP:
            self._compact(uid, messages[-KEEP:])
        return messages[-KEEP:]

    def _compact(self, uid: str, messages: list[dict]) -> None:
        path = self._user_dir(uid) / "history.jsonl"
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps({"add": m}, ensure_ascii=False) + "\n" for m in messages), "utf-8")
        tmp.replace(path)

    def record(self, uid: str, records: list[dict]) -> None:
        """Append `{"add": message}` and `{"replace": id, "with": message}` records."""
        if not records:
            return
        messages = self.messages(uid)
        for record in records:
            _apply(messages, record)
        del messages[:-KEEP]
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
        with self._lock:
            self._pending.setdefault(uid, []).extend(lines)
        if self._closing:
            self.flush()  # after close (a late request while stopping): written at once
        else:
            self._start()

    def pressed(self, uid: str, data: str) -> dict | None:
        """The latest message on this user's screen that offers a button with `data`."""
        for message in reversed(self.messages(uid)):
            for row in message.get("buttons", ()):
                if any(b.get("data") == data for b in row):
                    return message
        return None

    # -- files -----------------------------------------------------------------------------------

    def save_file(self, uid: str, name: str, data: bytes) -> tuple[str, str]:
        """Store a file for this user; returns (token, safe name)."""
        token = secrets.token_urlsafe(18)
        name = safe_name(name)
        folder = self._user_dir(uid) / "files" / token
        folder.mkdir(parents=True)
        (folder / name).write_bytes(data)
        self._prune_files(uid)
        return token, name

    def _prune_files(self, uid: str) -> None:
        root = self._user_dir(uid) / "files"
        folders = sorted(root.iterdir(), key=lambda p: p.stat().st_mtime)
        for old in folders[:-KEEP_FILES]:
            shutil.rmtree(old, ignore_errors=True)

    def file(self, uid: str, token: str, name: str) -> Path | None:
        """The file, only if it is this user's: another user's token resolves to nothing."""
        if not _TOKEN.fullmatch(token) or safe_name(name) != name:
            return None
        path = self._user_dir(uid) / "files" / token / name
        return path if path.is_file() else None

    # -- privacy ---------------------------------------------------------------------------------

    def wipe(self, uid: str) -> None:
        folder = self._user_dir(uid)
        with self._io:  # no batch of this user's lines lands after the folder is gone
            with self._lock:
                self._pending.pop(uid, None)
            self._cache.pop(uid, None)
            shutil.rmtree(folder, ignore_errors=True)

    def purge_idle(self, days: int, now: float | None = None) -> int:
        """Remove the folders of browsers idle for longer than the retention period."""
        cutoff = (now or time.time()) - days * 86400
        removed = 0
        self.flush()  # a browser active a moment ago is not idle
        if not self.dir.is_dir():
            return 0
        for folder in self.dir.iterdir():
            journal = folder / "history.jsonl"
            stamp = journal.stat().st_mtime if journal.exists() else folder.stat().st_mtime
            if stamp < cutoff:
                self._cache.pop(folder.name, None)
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed


def _apply(messages: list[dict], record: dict) -> None:
    if "add" in record:
        messages.append(record["add"])
    elif "replace" in record:
        for i, m in enumerate(messages):
            if m.get("id") == record["replace"]:
                messages[i] = record["with"]
                return
        messages.append(record["with"])
