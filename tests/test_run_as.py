"""Ops commands run as the service would: restore keeps the owner and mode of the file it replaces; root
refuses a database that belongs to another user (it would leave root-owned files the service cannot
write); commands that only read never create an empty database in place of a mistyped or missing one.

Real `awardbot` processes on real files. The ownership cases need root (they chown to `nobody`).
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from bot.store import Store
from tests.conftest import run_cli
from tests.test_cli_errors import one_clear_line

as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")


def nobody() -> tuple[int, int]:
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def listing(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


@as_root
def test_restore_as_root_keeps_the_owner_and_mode_of_the_database_it_replaces(cli_env, tmp_path):
    uid, gid = nobody()
    service = tmp_path / "var"
    service.mkdir()
    db = service / "awardbot.db"
    Store(db).close()
    backup = tmp_path / "backup.db"
    store = Store(db)
    store.touch_user("tg:1", "telegram")
    store.backup(backup)
    store.close()
    for p in (service, db):
        os.chown(p, uid, gid)
    db.chmod(0o640)
    out = run_cli("restore", str(backup), env=cli_env | {"AWARDBOT_DB": str(db)})
    assert out.returncode == 0, out.stderr
    for name in ("awardbot.db", "awardbot.db.before-restore", "awardbot.db.lock"):
        st = (service / name).stat()
        assert (st.st_uid, st.st_gid) == (uid, gid), name
    assert (db.stat().st_mode & 0o777) == 0o640
    assert ((service / "awardbot.db.before-restore").stat().st_mode & 0o777) == 0o640


@as_root
@pytest.mark.parametrize("argv", [["stats"], ["backup", "{tmp}/b.db"], ["chat"], ["ask", "--record", "hi"],
                                  ["export", "--csv", "{tmp}/out"], ["telegram"]], ids=lambda a: a[0])
def test_root_refuses_a_database_that_belongs_to_the_service_user(argv, cli_env, tmp_path):
    uid, gid = nobody()
    service = tmp_path / "var"
    service.mkdir()
    db = service / "awardbot.db"
    Store(db).close()
    for p in (service, db):
        os.chown(p, uid, gid)
    before = listing(tmp_path)
    env = cli_env | {"AWARDBOT_DB": str(db), "AWARDBOT_TOKEN": "123456:TEST-token",
                     "AWARDBOT_API_BASE_URL": "http://127.0.0.1:9/bot"}
    out = run_cli(*(a.format(tmp=tmp_path) for a in argv), env=env, input="")
    one_clear_line(out, f"cannot open the database {db}: it belongs to nobody and this runs as root",
                   "run it as nobody", "README")
    assert listing(tmp_path) == before  # no root-owned -wal, -shm, lock, backup or export
    health = run_cli("health", env=env)
    assert f"database {db} not checked: it belongs to nobody" in health.stdout


@as_root
def test_root_does_not_create_a_database_in_the_service_users_directory(cli_env, tmp_path):
    uid, gid = nobody()
    service = tmp_path / "var"
    service.mkdir()
    os.chown(service, uid, gid)
    db = service / "awardbot.db"
    out = run_cli("chat", env=cli_env | {"AWARDBOT_DB": str(db)}, input="")
    one_clear_line(out, f"cannot open the database {db}: it belongs to nobody")
    assert listing(service) == []


@pytest.mark.parametrize("argv", [["stats"], ["unanswered"], ["export", "--csv", "{tmp}/out"],
                                  ["backup", "{tmp}/b.db"], ["team", "report", "Ops"],
                                  ["report", "--team", "Ops", "--pdf", "{tmp}/r.pdf"]], ids=lambda a: a[0])
def test_reading_commands_say_no_database_instead_of_creating_an_empty_one(argv, cli_env, tmp_path):
    """Without AWARDBOT_DB (as `sudo awardbot stats` would run): the default path in the home directory."""
    env = {k: v for k, v in cli_env.items() if k != "AWARDBOT_DB"} | {"HOME": str(tmp_path / "home")}
    default = tmp_path / "data" / "awardbot" / "awardbot.db"  # XDG_DATA_HOME is tmp/data in cli_env
    out = run_cli(*(a.format(tmp=tmp_path) for a in argv), env=env)
    one_clear_line(out, f"no database at {default} (set AWARDBOT_DB or --db)")
    assert listing(tmp_path) == []
