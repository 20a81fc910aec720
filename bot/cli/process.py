"""Process-level operations: the running bot's pid file, reload by signal, restoring a backup."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from pathlib import Path


class OpsError(Exception):
    """A user-ready reason an operation cannot be done."""


def pid_file(db_path: Path) -> Path:
    """The Telegram bot's pid file sits beside its database, so each deployment has its own."""
    return db_path.with_name(db_path.name + ".pid")


def write_pid(db_path: Path) -> Path:
    path = pid_file(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{os.getpid()}\n", encoding="ascii")
    return path


def remove_pid(db_path: Path) -> None:
    path = pid_file(db_path)
    try:
        if path.read_text(encoding="ascii").strip() == str(os.getpid()):
            path.unlink()
    except OSError:
        pass


def running_pid(db_path: Path) -> int | None:
    try:
        pid = int(pid_file(db_path).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)  # is it alive?
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def signal_running_bot(db_path: Path) -> int:
    pid = running_pid(db_path)
    if pid is None:
        raise OpsError(f"no running bot for {db_path} (no live pid in {pid_file(db_path)}); "
                       "the next start loads the new knowledge")
    os.kill(pid, signal.SIGHUP)
    return pid


def restore(backup: Path, db_path: Path) -> None:
    """Check the backup's integrity, keep the current file aside, and put the backup in place."""
    if running_pid(db_path) is not None:
        raise OpsError("the bot is running on this database: stop it first (systemctl stop awardbot)")
    if not backup.is_file():
        raise OpsError(f"no backup file at {backup}")
    try:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()
    except sqlite3.DatabaseError as exc:
        raise OpsError(f"{backup} is not an awardbot database: {exc}") from exc
    if ok != "ok":
        raise OpsError(f"{backup} failed its integrity check: {ok}")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if db_path.exists():
        aside = db_path.with_name(db_path.name + ".before-restore")
        shutil.copy2(db_path, aside)
    for suffix in ("-wal", "-shm"):  # a stale write-ahead log must not be replayed onto the backup
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copy2(backup, tmp)
    tmp.replace(db_path)
