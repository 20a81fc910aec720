"""Expected failures of the `awardbot` command: one line naming what is wrong, exit code 2, no traceback.

Every case runs the real entry point in a subprocess, on real files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store
from tests.conftest import run_cli


def one_clear_line(out, *needles: str, code: int = 2) -> str:
    assert out.returncode == code, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# -- an unusable database ---------------------------------------------------------------------------

COMMANDS_ON_THE_DATABASE = [
    ["stats"], ["chat"], ["unanswered"], ["export", "--csv", "{tmp}/out"], ["backup", "{tmp}/backup.db"],
    ["team", "report", "Ops"], ["quiz"], ["ask", "--record", "hi"], ["report", "--team", "Ops", "--pdf", "{tmp}/r.pdf"],
]


@pytest.mark.parametrize("argv", COMMANDS_ON_THE_DATABASE, ids=lambda a: a[0])
def test_a_file_that_is_not_sqlite_is_named_in_one_line(argv, cli_env, tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n", "utf-8")
    out = run_cli(*(a.format(tmp=tmp_path) for a in argv), env=cli_env | {"AWARDBOT_DB": str(db)}, input="")
    line = one_clear_line(out, f"cannot open the database {db}", "file is not a database", "AWARDBOT_DB")
    assert line.startswith("awardbot: ")
    assert db.read_text("utf-8") == "these are my notes, not a database\n"  # untouched


def test_the_db_flag_is_named_too_and_wins_over_the_environment(cli_env, tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("not sqlite", "utf-8")
    out = run_cli("stats", "--db", str(db), env=cli_env)
    one_clear_line(out, str(db), "file is not a database", "--db")


@pytest.mark.parametrize("where", ["directory", "under_a_file", "proc"])
def test_a_database_path_that_cannot_be_opened_or_created(where, cli_env, tmp_path):
    if where == "directory":
        db, reason = tmp_path, "it is a directory"
    elif where == "under_a_file":
        (tmp_path / "plain").write_text("x", "utf-8")
        db, reason = tmp_path / "plain" / "x.db", ""
    else:
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc on this system")
        db, reason = Path("/proc/x.db"), "unable to open database file"
    out = run_cli("ask", "--record", "hi", env=cli_env | {"AWARDBOT_DB": str(db)})
    one_clear_line(out, f"cannot open the database {db}: {reason}")


def test_ask_without_record_never_touches_the_database(cli_env, tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("not sqlite", "utf-8")
    out = run_cli("ask", "战略部署怎么写", env=cli_env | {"AWARDBOT_DB": str(db)})
    assert out.returncode == 0, out.stderr


# -- settings from the environment ------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value"), [
    ("AWARDBOT_PORT", "abc"), ("AWARDBOT_PORT", "70000"),
    ("AWARDBOT_LOG_LEVEL", "LOUD"),
    ("AWARDBOT_RETENTION_DAYS", "soon"), ("AWARDBOT_RETENTION_DAYS", "²"), ("AWARDBOT_RETENTION_DAYS", "99999999"),
    ("AWARDBOT_REMINDER_HOURS", "0"), ("AWARDBOT_REMINDER_HOURS", "10000000"),
    ("AWARDBOT_ADMINS", "12,bob"), ("AWARDBOT_ADMINS", "--5"), ("AWARDBOT_ADMINS", "²"),
])
def test_a_bad_setting_is_named_with_its_value_before_anything_runs(name, value, cli_env):
    out = run_cli("stats", env=cli_env | {name: value})
    one_clear_line(out, f"awardbot: {name}: ", f"`{value.split(',')[-1]}`")
    assert not Path(cli_env["AWARDBOT_DB"]).exists()  # stopped before opening anything


def test_good_settings_in_any_case_are_accepted(cli_env):
    Store(Path(cli_env["AWARDBOT_DB"])).close()
    out = run_cli("stats", "--json", env=cli_env | {
        "AWARDBOT_LOG_LEVEL": "warning", "AWARDBOT_PORT": "8080", "AWARDBOT_ADMINS": "12, -34;56",
        "AWARDBOT_RETENTION_DAYS": "30", "AWARDBOT_REMINDER_HOURS": "48"})
    assert out.returncode == 0, out.stderr


# -- awardbot unanswered --since ---------------------------------------------------------------------

def _log(db: Path, when: float, text: str) -> None:
    store = Store(db, clock=lambda: when)
    store.touch_user("tg:1", "telegram")
    store.log_question("tg:1", "telegram", "zh", text, "declined", None, None, 0.0)
    store.close()


@pytest.mark.parametrize("since", ["notadate", "2025-13-01", "01/03/2025", "yesterday", ""])
def test_unanswered_since_rejects_what_is_not_a_date(since, cli_env, tmp_path):
    db = tmp_path / "a.db"
    _log(db, 1_740_787_200, "明天天气怎么样")  # 2025-03-01T00:00:00Z
    out = run_cli("unanswered", "--since", since, env=cli_env | {"AWARDBOT_DB": str(db)})
    one_clear_line(out, "--since", f"`{since}` is not a date", "YYYY-MM-DD")
    assert out.stdout == ""


def test_unanswered_since_takes_a_date_or_an_iso_time_with_its_offset(cli_env, tmp_path):
    db = tmp_path / "a.db"
    _log(db, 1_740_787_200, "明天天气怎么样")  # 2025-03-01T00:00:00Z
    _log(db, 1_740_960_000, "how do I bake bread")  # 2025-03-03T00:00:00Z
    env = cli_env | {"AWARDBOT_DB": str(db)}

    def shown(since: str) -> str:
        out = run_cli("unanswered", "--csv", "--since", since, env=env)
        assert out.returncode == 0, out.stderr
        return out.stdout

    everything, later = shown("2025-03-01"), shown("2025-03-02")
    assert "天气" in everything
    assert "bread" in everything
    assert "天气" not in later
    assert "bread" in later
    # 08:00 in Beijing on 1 March is midnight UTC: the first question is included
    assert "天气" in shown("2025-03-01T08:00+08:00")
    assert "天气" not in shown("2025-03-01T08:00:01+08:00")
    assert "bread" not in shown("2025-03-04")
