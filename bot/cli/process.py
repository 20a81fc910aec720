"""Process-level operations: one bot per database (a lock and a pid file beside it), reload by signal,
the bot's last database error, restoring a backup.

`instance(db_path)` is what a long-running channel (`awardbot telegram`, a web channel) holds for its
whole life: an exclusive `flock` on `<db>.lock`, released by the kernel however the process ends, so a
second instance refuses and a stale pid file never fools `health`, `reload` or `restore`.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from bot.store import files


class OpsError(Exception):
    """A user-ready reason an operation cannot be done."""


def pid_file(db_path: Path) -> Path:
    """The running bot's pid file sits beside its database, so each deployment has its own."""
    return db_path.with_name(db_path.name + ".pid")


def lock_file(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def error_file(db_path: Path) -> Path:
    """The running bot's last database error, for `awardbot health`."""
    return db_path.with_name(db_path.name + ".last-error")


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def write_pid(db_path: Path) -> Path:
    path = pid_file(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{os.getpid()}\n", encoding="ascii")
    return path


def remove_pid(db_path: Path) -> None:
    """Only the process named in the pid file removes it."""
    path = pid_file(db_path)
    if _read_pid(path) == os.getpid():
        path.unlink(missing_ok=True)


def _try_lock(db_path: Path, tries: int = 10) -> int | None:
    """The lock file's descriptor with the exclusive lock held, or None if another process holds it.
    A few short retries ride over a `health` probe that holds a shared lock for a moment."""
    path = lock_file(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    for attempt in range(tries):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if attempt < tries - 1:
                time.sleep(0.05)
    os.close(fd)
    return None


def running_pid(db_path: Path) -> int | None:
    """The pid of the process holding the database's lock, or None when none does (whatever a stale pid
    file says). 0 when the lock is held but its holder has not written its pid yet."""
    try:
        fd = os.open(lock_file(db_path), os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_pid(lock_file(db_path)) or _read_pid(pid_file(db_path)) or 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _busy(db_path: Path) -> str:
    pid = running_pid(db_path)
    return f"another awardbot (pid {pid or '?'}) is running on {db_path}"


class Instance:
    """The one-bot-per-database lock, held by a running channel until `release()` (or the process ends).

    Raises OpsError naming the running pid if another process holds it; sqlite3.DatabaseError if the file
    is not awardbot's or root would open a database that belongs to another user."""

    def __init__(self, db_path: Path):
        # Before the lock file is made: root must not leave one in the service's directory, nor anyone
        # beside another program's database (sqlite3.DatabaseError, as the store would raise).
        files.check_user(db_path)
        if db_path.is_file():
            files.check_ours(db_path)
        fd = _try_lock(db_path)
        if fd is None:
            raise OpsError(f"{_busy(db_path)}: stop it first, or give this one its own database (--db)")
        self.db_path, self._fd = db_path, fd
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        error_file(db_path).unlink(missing_ok=True)  # errors of an earlier run are not this one's
        write_pid(db_path)
        self._recorder = DatabaseErrorRecorder(error_file(db_path))
        logging.getLogger("bot").addHandler(self._recorder)  # not root: setup_logging resets root's handlers

    def release(self) -> None:
        if self._fd is None:
            return
        logging.getLogger("bot").removeHandler(self._recorder)
        remove_pid(self.db_path)
        os.close(self._fd)  # releases the lock
        self._fd = None


@contextlib.contextmanager
def instance(db_path: Path) -> Iterator[Instance]:
    """Hold the lock, with the pid file and a fresh last-error file, for the block. Raises OpsError naming
    the running pid if another process holds it."""
    held = Instance(db_path)
    try:
        yield held
    finally:
        held.release()


class DatabaseErrorRecorder(logging.Handler):
    """Keeps the last SQLite error the running bot logged in a file, so `health` can report it."""

    def __init__(self, path: Path):
        super().__init__(logging.ERROR)
        self.path = path

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if not isinstance(exc, sqlite3.Error):
            return
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        line = " ".join(f"{type(exc).__name__}: {exc}".split())
        with contextlib.suppress(OSError):
            self.path.write_text(f"{stamp} {line}\n", encoding="utf-8")


def last_db_error(db_path: Path) -> str | None:
    """The running bot's last database error ("<time> <error>"), if it logged one since it started."""
    try:
        return error_file(db_path).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def database_problem(db_path: Path) -> str | None:
    """What is wrong with an existing database file, read-only, for `health`: None when it is ours and intact."""
    try:
        files.check_user(db_path)
        verdict = files.verify_readonly(db_path, quick=True)
    except files.WrongUser as exc:
        return f"not checked: {exc}"
    except files.ForeignDatabase as exc:
        return f"is not awardbot's: {exc}"
    except sqlite3.Error as exc:
        return f"not readable: {exc}"
    if verdict != "ok":
        return f"is damaged (quick_check: {verdict}): restore the last good backup (awardbot restore FILE)"
    return None


def signal_running_bot(db_path: Path) -> int:
    pid = running_pid(db_path)
    if not pid:
        raise OpsError(f"no running bot for {db_path} (nothing holds {lock_file(db_path)}); "
                       "the next start loads the new knowledge")
    os.kill(pid, signal.SIGHUP)
    return pid


def _same_owner(path: Path, like: os.stat_result, mode: int) -> None:
    """Give `path` the owner and permission bits of the file it replaces (or of the directory it goes in)."""
    path.chmod(mode)
    st = path.stat()
    if (st.st_uid, st.st_gid) != (like.st_uid, like.st_gid):
        try:
            os.chown(path, like.st_uid, like.st_gid)
        except PermissionError as exc:
            raise OpsError(f"cannot give {path} the owner of the file it replaces (uid {like.st_uid}): "
                           "run restore as that user, or as root") from exc


def restore(backup: Path, db_path: Path) -> None:
    """Check the backup's integrity, keep the current file aside, and put the backup in place, with the
    owner and mode of the file it replaces. Holds the database's lock throughout, so no bot runs on it."""
    if not backup.is_file():
        raise OpsError(f"no backup file at {backup}")
    try:
        ok = files.verify_readonly(backup, quick=False)
    except sqlite3.DatabaseError as exc:
        raise OpsError(f"{backup} is not an awardbot database: {exc}") from exc
    if ok != "ok":
        raise OpsError(f"{backup} failed its integrity check: {ok}")
    if not db_path.parent.is_dir():
        raise OpsError(f"no directory {db_path.parent} for the database {db_path}")
    existed = db_path.exists()
    like = db_path.stat() if existed else db_path.parent.stat()
    mode = like.st_mode & 0o7777 if existed else 0o600
    lock_existed = lock_file(db_path).exists()
    fd = _try_lock(db_path, tries=1)
    if fd is None:
        raise OpsError(f"{_busy(db_path)}: stop it first (systemctl stop awardbot, or docker compose stop)")
    try:
        if not lock_existed:  # made by us (root, say): the service must still be able to open it
            _same_owner(lock_file(db_path), like, 0o600)
        if existed:
            aside = db_path.with_name(db_path.name + ".before-restore")
            shutil.copy2(db_path, aside)
            _same_owner(aside, like, mode)
        for suffix in ("-wal", "-shm"):  # a stale write-ahead log must not be replayed onto the backup
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        tmp = db_path.with_name(db_path.name + ".restoring")
        shutil.copyfile(backup, tmp)
        _same_owner(tmp, like, mode)
        tmp.replace(db_path)
    finally:
        os.close(fd)
