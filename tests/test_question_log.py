"""The batched question log (issue 16, throughput): ids at once, every read sees every row, a deletion
takes rows still on their way, close writes everything, and a crash loses at most the unwritten batch
without ever reusing an id."""

from __future__ import annotations

import subprocess
import sys

from bot.store import Store
from tests.conftest import ROOT


def _log(store: Store, user: str, text: str) -> int:
    return store.log_question(user, "telegram", "zh", text, "answered", "cat.strategy.deployment", "t", 0.9)


def test_batched_rows_have_ids_at_once_and_every_read_sees_them(tmp_path):
    store = Store(tmp_path / "a.db")
    store.touch_user("tg:1", "telegram")
    store.touch_user("tg:2", "telegram")
    store.batch_question_log()
    ids = [_log(store, "tg:1", f"q{i}") for i in range(50)]
    assert ids == sorted(set(ids))
    assert store.question(ids[-1])["text"] == "q49"
    assert len(store.export_user("tg:1")["questions"]) == 50
    _log(store, "tg:2", "kept")
    other = _log(store, "tg:1", "on its way")
    store.delete_user("tg:1")  # takes the row still queued too
    assert store.question(other) is None
    assert store.admin.stats()["questions"]  # the operator's counts read a flushed log
    store.close()
    again = Store(tmp_path / "a.db")
    assert [q["text"] for q in again.export_user("tg:2")["questions"]] == ["kept"]
    again.close()


def test_quiz_answers_stay_synchronous_while_the_log_is_batched(tmp_path):
    store = Store(tmp_path / "a.db")
    store.touch_user("tg:1", "telegram")
    store.batch_question_log()
    sid = store.start_quiz("tg:1", "quick", ["q1", "q2"], 24)
    store.save_answer(sid, "q1", 2, 24)
    reader = Store(tmp_path / "a.db")  # another connection sees it at once: committed, not queued
    assert reader.quiz_answers(sid) == {"q1": 2}
    reader.close()
    store.close()


CRASH = """
import os, sys
from bot.store import Store
store = Store(sys.argv[1])
store.touch_user("tg:1", "telegram")
store.batch_question_log(max_pending=16)
ids = [store.log_question("tg:1", "telegram", "zh", f"q{i}", "answered", None, None, None) for i in range(200)]
print(max(ids), flush=True)
os._exit(0)  # as kill -9: no close, no flush
"""


def test_a_crash_loses_at_most_the_unwritten_batch_and_no_id_is_reused(tmp_path):
    db = tmp_path / "a.db"
    out = subprocess.run([sys.executable, "-c", CRASH, str(db)], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    handed_out = int(out.stdout.strip())
    store = Store(db)
    kept = store.db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
    assert kept >= 200 - 16
    store.batch_question_log(max_pending=16)
    assert _log(store, "tg:1", "after the crash") > handed_out
    store.close()
