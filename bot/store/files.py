"""Files that belong to the store: each user's written files, and what a database file is before we touch it.

A user's exports, PDFs and charts go under `files/<user>/` beside the database, mode 0600, so `/delete`
removes them with the user's rows and retention ages them out like the question log.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from pathlib import Path

MIGRATION_SET = "awardbot"


class ForeignDatabase(sqlite3.DatabaseError):
    """An SQLite file that another program made: awardbot writes nothing to it."""


def files_dir(db_path: Path) -> Path:
    return db_path.parent / "files"


def user_key(user_id: str) -> str:
    """A directory name for a user id, one-to-one and without path separators or dots ("console:a" →
    "console%3Aa")."""
    return "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else f"%{ord(c):02X}" for c in user_id)


def user_dir(root: Path, user_id: str) -> Path:
    return root / user_key(user_id)


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` readable by the owner only (0600, its directory 0700), even if the file existed."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)
    return path


def delete_user_files(db_path: Path, user_id: str) -> int:
    """Remove the user's directory of written files; the number of files removed."""
    where = user_dir(files_dir(db_path), user_id)
    if not where.is_dir():
        return 0
    count = sum(1 for p in where.rglob("*") if p.is_file())
    shutil.rmtree(where, ignore_errors=True)
    return count


def purge_files(db_path: Path, older_than_days: int, now: float | None = None) -> int:
    """Retention for written files: remove those older than the period, and user directories left empty."""
    root = files_dir(db_path)
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - older_than_days * 86400
    removed = 0
    for p in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        try:
            if p.is_file() and p.stat().st_mtime < cutoff:
                p.unlink()
                removed += 1
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
        except OSError:
            continue
    return removed


def recognise(conn: sqlite3.Connection, path: Path) -> None:
    """Raise ForeignDatabase unless the file is empty (new) or carries awardbot's migration record.

    Reads only: nothing (not even the journal mode) is written before this passes."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if not tables:
        return
    if "_sqlite_migrations" in tables:
        ours = conn.execute("SELECT COUNT(*) FROM _sqlite_migrations WHERE migration_set = ?",
                            [MIGRATION_SET]).fetchone()[0]
        if ours:
            return
    shown = ", ".join(tables[:4]) + (", …" if len(tables) > 4 else "")
    raise ForeignDatabase(f"it is another program's SQLite database (tables {shown}); awardbot leaves it "
                          "untouched")


def verify_readonly(path: Path, quick: bool = True) -> str:
    """Open `path` read-only, check that it is awardbot's (ForeignDatabase if not) and run the integrity
    check: "ok" or the problem. sqlite3.Error if it cannot be read at all."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        recognise(conn, path)
        verdict = integrity(conn, quick=quick)
        conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()
    return verdict


def integrity(conn: sqlite3.Connection, quick: bool = True) -> str:
    """"ok", or SQLite's first complaints joined in one line (quick_check: seconds on a large file, no
    index cross-check; integrity_check: the full check)."""
    pragma = "quick_check(5)" if quick else "integrity_check(5)"
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "ok" if rows == ["ok"] else "; ".join(rows)


def check_ours(path: Path) -> None:
    """Raise sqlite3.DatabaseError unless `path` is an awardbot database (an earlier backup, the bot's own)
    or empty. Reads the schema only, without locks: it may run while the bot writes."""
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    with path.open("rb") as f:
        head = f.read(16)
    if head and head != b"SQLite format 3\x00":
        raise sqlite3.DatabaseError("file is not a database")
    if head:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)  # no -wal or -shm made beside it
        try:
            recognise(conn, path)
        finally:
            conn.close()


class WrongUser(sqlite3.DatabaseError):
    """Root about to open a database that belongs to another user: it would leave root-owned files."""


def check_user(db_path: Path) -> None:
    """As root, refuse a database (or, if it does not exist yet, its directory) that belongs to another
    user: the -wal/-shm files and a new database would be root's, and the service could not write them."""
    if os.geteuid() != 0:
        return
    ref = db_path
    while not ref.exists() and ref != ref.parent:
        ref = ref.parent
    uid = ref.stat().st_uid
    if uid == 0:
        return
    try:
        import pwd

        owner = pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):
        owner = f"uid {uid}"
    raise WrongUser(f"it belongs to {owner} and this runs as root, which would leave files the service "
                    f"cannot write: run it as {owner} (see README, Operations: running ops commands)")


class DamagedDatabase(sqlite3.DatabaseError):
    """An awardbot database that fails SQLite's quick_check: nothing should run on it until it is restored."""


def check_intact(conn: sqlite3.Connection) -> None:
    verdict = integrity(conn, quick=True)
    if verdict != "ok":
        raise DamagedDatabase(f"it is damaged (quick_check: {verdict}): stop the bot and put the last good "
                              "backup back with `awardbot restore FILE` (README, Operations)")
