"""A user's files go with the user: the `/mydata` export, report PDFs and radar charts the console writes
sit in the user's own folder under `files/` beside the database, mode 0600; `/delete` removes them with the
rows, and retention ages them out like the question log. The tests list the data directory before and after.
"""

from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path

from bot.channels.console import Console
from bot.dialogue import Dialogue
from bot.store import files


def console(core, user: str) -> Console:
    return Console(Dialogue(core), files.files_dir(core.settings.db_path), user=user, out=io.StringIO())


def take_quick_quiz(c: Console, core) -> None:
    c.step("/quiz quick")
    for _ in range(len(core.kb.quiz.modes["quick"])):
        c.step("3")


def listing(root: Path) -> dict[str, int]:
    """Every path under the data directory with its permission bits."""
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in sorted(root.rglob("*"))}


def test_delete_removes_the_users_files_and_leaves_everyone_elses(core):
    data = core.settings.db_path.parent
    alice, bob = console(core, "console:alice"), console(core, "console:bob")
    alice.step("/mydata")
    take_quick_quiz(alice, core)
    alice.step("/report")
    bob.step("/mydata")
    before = listing(data)
    alices = sorted(k for k in before if k.startswith("files/console%3Aalice/"))
    names = [Path(k).name for k in alices]
    assert "awardbot-mydata.json" in names
    assert any(n.endswith(".png") for n in names), names
    assert any(n.endswith(".pdf") for n in names), names
    assert all(before[k] == 0o600 for k in alices)  # owner only: the export holds every question asked
    assert before["files/console%3Aalice"] == 0o700
    assert before["files/console%3Abob/awardbot-mydata.json"] == 0o600

    alice.step("/delete")
    shown = alice.step(next(str(i) for i, b in enumerate(alice.buttons, 1) if b.data.startswith("d:")))
    assert shown.strip()
    after = listing(data)
    assert not [k for k in after if "alice" in k]
    assert {k: v for k, v in before.items() if "alice" not in k}.items() <= after.items()  # bob's untouched
    assert core.store.user("console:alice") is None


def test_retention_removes_files_older_than_the_period(core):
    data = core.settings.db_path.parent
    carol, dan = console(core, "console:carol"), console(core, "console:dan")
    carol.step("/mydata")
    dan.step("/mydata")
    old = time.time() - (core.settings.retention_days + 1) * 86400
    carols = files.user_dir(files.files_dir(core.settings.db_path), "console:carol") / "awardbot-mydata.json"
    os.utime(carols, (old, old))
    before = listing(data)
    assert "files/console%3Acarol/awardbot-mydata.json" in before
    core.store.purge_questions(core.settings.retention_days)
    after = listing(data)
    assert not [k for k in after if "carol" in k]  # the file, then its empty folder
    assert "files/console%3Adan/awardbot-mydata.json" in after


def test_user_folders_cannot_collide_or_escape(tmp_path):
    root = tmp_path / "files"
    ids = ["console:a-b", "console-a:b", "console:..", "console:../x", "tg:1/2", "console:张三"]
    dirs = {files.user_dir(root, i) for i in ids}
    assert len(dirs) == len(ids)
    assert all(d.parent == root for d in dirs)
    assert all(".." not in d.name and "/" not in d.name for d in dirs)
