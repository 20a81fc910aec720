"""The web history's batched writes: shown at once from memory, in the file after a flush or close, never
written back after /delete, and read from the file again by a fresh process."""

from __future__ import annotations

from bot.channels.web.history import History

UID = "0123456789abcdef0123456789abcdef"


def test_lines_reach_the_file_on_close_and_a_new_process_reads_them(tmp_path):
    history = History(tmp_path, interval=60)  # the writer thread would wait a minute: only close writes
    history.record(UID, [{"add": {"id": "m1", "from": "user", "text": "你好"}}])
    assert [m["id"] for m in history.messages(UID)] == ["m1"]
    history.close()
    assert '"m1"' in (tmp_path / UID / "history.jsonl").read_text(encoding="utf-8")
    again = History(tmp_path)
    assert [m["text"] for m in again.messages(UID)] == ["你好"]
    again.close()


def test_a_cache_miss_flushes_first_and_a_wipe_drops_what_was_pending(tmp_path):
    history = History(tmp_path, cache_users=1, interval=60)
    other = "f" * 32
    history.record(UID, [{"add": {"id": "m1", "from": "user", "text": "a"}}])
    history.record(other, [{"add": {"id": "m2", "from": "user", "text": "b"}}])  # evicts UID from the cache
    assert [m["id"] for m in history.messages(UID)] == ["m1"]  # read back from the file, flushed first
    history.record(other, [{"add": {"id": "m3", "from": "bot", "text": "c"}}])
    history.wipe(other)
    history.close()
    assert not (tmp_path / other).exists()
    assert (tmp_path / UID / "history.jsonl").exists()
