"""The diagnostic quiz: scoring, the CLI shapes evaluations rely on, resume, forged buttons, the chart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from bot.dialogue import Dialogue
from bot.reports import chart, summary
from tests.conftest import ROOT, run_cli
from tests.support.transcript import Chat


@pytest.fixture
def kb(knowledge):
    return knowledge.kb


def all_answers(kb, mode, pick):
    bank = kb.quiz
    return {qid: pick(bank.questions[qid]) for qid in bank.modes[mode]}


def test_the_bank_has_seven_weighted_categories_and_two_modes(kb):
    bank = kb.quiz
    assert [(c.topic, c.points) for c in bank.categories.values()] == [
        ("cat.leadership", 110), ("cat.strategy", 90), ("cat.customers", 90), ("cat.resources", 130),
        ("cat.process", 100), ("cat.measurement", 80), ("cat.results", 400)]
    quick, full = bank.modes["quick"], bank.modes["full"]
    assert len(quick) <= 14
    assert {bank.questions[q].category for q in quick} == set(bank.categories)
    for cat in bank.categories:
        assert sum(bank.questions[q].category == cat for q in full) >= 4
    for q in bank.questions.values():
        assert [o.band for o in q.options] == sorted(o.band for o in q.options)
        assert q.unknown_index == len(q.options)


def test_all_lowest_scores_zero_and_level_one(kb):
    result = summary.score(kb, "full", all_answers(kb, "full", lambda q: 0))
    assert result["total"] == 0
    assert result["partial"] is False
    assert {c["level"] for c in result["categories"].values()} == {1}
    # a flat profile names no strongest or weakest; the advice starts with the category worth most points
    assert (result["strongest"], result["weakest"], result["all_equal"]) == (None, None, True)
    assert len([r for r in result["recommendations"] if r["topic"].startswith("cat.results")]) >= 3


def test_all_highest_scores_the_top_band_everywhere(kb):
    result = summary.score(kb, "full", all_answers(kb, "full", lambda q: len(q.options) - 1), lang="zh")
    top = kb.quiz.questions["lead_direction"].options[-1].band
    assert result["total"] == pytest.approx(top * 10)
    assert {c["level"] for c in result["categories"].values()} == {5}
    assert result["categories"]["cat.results"]["points"] == pytest.approx(top * 4)
    assert result["categories"]["cat.results"]["level_name"] == "卓越标杆"


def test_mixed_answers_weight_categories_by_their_points(kb):
    bank = kb.quiz
    answers = {}
    for qid in bank.modes["quick"]:
        q = bank.questions[qid]
        answers[qid] = 3 if q.category == "cat.results" else 1  # results at 60 %, the rest at 20 %
    result = summary.score(kb, "quick", answers)
    assert result["categories"]["cat.results"]["score_pct"] == 60
    assert result["categories"]["cat.results"]["level"] == 3
    assert result["categories"]["cat.leadership"]["points"] == pytest.approx(22)
    assert result["total"] == pytest.approx(0.6 * 400 + 0.2 * 600)
    assert result["strongest"] == "cat.results"
    assert result["weakest"] == "cat.resources"  # 20 % like the others, but it carries the most points
    assert result == summary.score(kb, "quick", answers)  # the same answers always give the same result


def test_all_unknown_is_partial_with_nulls_not_zeros(kb):
    result = summary.score(kb, "quick", all_answers(kb, "quick", lambda q: q.unknown_index))
    assert result["partial"] is True
    assert result["total"] == 0
    for c in result["categories"].values():
        assert (c["score_pct"], c["level"], c["points"]) == (None, None, None)
        assert c["unknown"] >= 1
    assert len(result["recommendations"]) >= 3
    one_known = {**all_answers(kb, "quick", lambda q: q.unknown_index), "lead_direction": 2}
    partial = summary.score(kb, "quick", one_known)
    assert partial["partial"] is True
    assert partial["total"] == partial["categories"]["cat.leadership"]["points"]


def test_quiz_cli_list_and_answers_json(cli_env, tmp_path):
    listed = run_cli("quiz", "--list", "--json", "--mode", "quick", env=cli_env)
    assert listed.returncode == 0, listed.stderr
    bank = json.loads(listed.stdout)
    assert len(bank) <= 14
    for q in bank:
        assert set(q) >= {"id", "category", "item", "dimension", "options", "unknown_option"}
        assert q["unknown_option"] == q["options"] - 1
    answers = {q["id"]: 1 for q in bank}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), "utf-8")
    chart_file = tmp_path / "chart.png"
    scored = run_cli("quiz", "--answers", f"@{path}", "--json", "--chart", str(chart_file), env=cli_env)
    assert scored.returncode == 0, scored.stderr
    out = json.loads(scored.stdout)
    assert out["mode"] == "quick"
    assert out["max_total"] == 1000
    assert out["partial"] is False
    for c in out["categories"].values():
        assert set(c) >= {"score_pct", "level", "level_name", "points", "max_points", "answered", "unknown"}
    for r in out["recommendations"]:
        assert set(r) >= {"topic", "entry", "title", "why"}
    assert chart_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    inline = run_cli("quiz", "--answers", json.dumps(answers), "--json", env=cli_env)
    assert json.loads(inline.stdout) == out  # deterministic


@pytest.mark.parametrize(("answers", "message"), [
    ('{"no_such_question": 1}', "unknown question id"),
    ('{"lead_direction": 9}', "option 9 is not an option index: give a whole number from 0 to 6"),
    ('{"lead_direction": -1}', "option -1 is not an option index"),
    ('{"lead_direction": "C"}', 'option "C" is not an option index'),  # as written, not as Python shows it
    ('{"lead_direction": true}', "option true is not an option index"),
    ("[1, 2]", "must be a JSON object"),
    ("{not json", "not valid JSON"),
])
def test_quiz_cli_rejects_bad_answers_with_exit_2(cli_env, answers, message):
    result = run_cli("quiz", "--answers", answers, "--json", env=cli_env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def take_quiz(chat, answers_by_index):
    """Answer the questions on screen by option index, pressing the real buttons."""
    for opt in answers_by_index:
        question = chat.last[0]
        assert question.kind == "quiz_question", chat.kinds()
        buttons = [b for row in question.buttons for b in row]
        answer_buttons = [b for b in buttons if b.data.startswith("q:")]
        chat.press_data(answer_buttons[opt].data)


def test_a_quiz_in_the_conversation_ends_with_result_chart_and_recommendation_buttons(chat):
    chat.say("/quiz")
    assert chat.kinds() == ["quiz_choose"]
    chat.press("⚡")
    n = len(chat.dialogue.core.kb.quiz.modes["quick"])
    take_quiz(chat, [2] * (n - 1))
    assert chat.last[0].edit  # each next question replaces the previous one in place
    take_quiz(chat, [6])  # "I don't know" on the last one
    assert chat.kinds() == ["quiz_done", "quiz_result", "quiz_chart"]
    assert chat.last[2].image_bytes()[:4] == b"\x89PNG"
    assert "估计总分" in chat.text or "Estimated total" in chat.text
    assert "不是评审员的评分" in chat.text or "not an assessor's score" in chat.text
    rec = next(b for b in chat.buttons() if b.label.startswith("📖"))
    chat.press_data(rec.data)
    assert chat.kinds() == ["answer"]
    # a second attempt shows the change since the first
    chat.say("/quiz quick")
    take_quiz(chat, [4] * n)
    assert "与上次" in chat.text or "Since your last result" in chat.text
    chat.say("/history")
    assert chat.text.count("1000") == 2


def test_replayed_and_forged_answer_presses_change_nothing(chat, core):
    chat.say("/quiz quick")
    first = [b.data for row in chat.last[0].buttons for b in row if b.data.startswith("q:")]
    chat.press_data(first[3])  # answers question 1
    chat.press_data(first[5])  # the same question again: stale
    assert chat.kinds() == ["expired"]
    sid = first[0].split(":")[1]
    assert core.store.quiz_answers(sid) == {core.kb.quiz.modes["quick"][0]: 3}
    for forged in (f"q:{sid}:1:99", f"q:{sid}:7:1", f"q:{sid}:1:x", "q:ffffffff:1:1", f"q:{sid}:-1:1"):
        chat.press_data(forged)
        assert chat.kinds() == ["expired"], forged
    mallory = Chat(Dialogue(core), user="console:mallory")
    mallory.press_data(f"q:{sid}:1:2")  # another user's attempt
    assert mallory.kinds() == ["expired"]
    assert len(core.store.quiz_answers(sid)) == 1


def test_quiz_while_one_is_in_progress_offers_resume_or_start_over(chat, core):
    chat.say("/quiz quick")
    take_quiz(chat, [1, 2])
    chat.say("/quiz")
    assert chat.kinds() == ["quiz_resume"]
    assert "2/14" in chat.text or "2 of 14" in chat.text
    chat.press("继续") if "继续" in chat.text else chat.press("Continue")
    assert "3/14" in chat.text or "3 of 14" in chat.text
    chat.say("/cancel")
    assert chat.kinds() == ["quiz_paused"]
    chat.say("/quiz")
    chat.press("重新开始") if "重新开始" in chat.text else chat.press("Start over")
    assert "1/14" in chat.text or "1 of 14" in chat.text
    assert [s["status"] for s in core.store.db.query("SELECT status FROM quiz_sessions ORDER BY started_at")] == [
        "abandoned", "active"]


def test_resume_after_the_process_is_killed(tmp_path, cli_env):
    """A real `awardbot chat` process answers three questions, is killed; a new process resumes at 4."""
    env = {**os.environ, **cli_env}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "chat", "--user", "kim"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True)
    proc.stdin.write("/quiz quick\n1\n2\n3\n")
    proc.stdin.flush()
    deadline = time.time() + 60
    out = ""
    while "4/14" not in out and time.time() < deadline:
        out += proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        stream.close()
    assert "4/14" in out
    again = run_cli("chat", "--user", "kim", input="/quiz\n1\n", env=cli_env)
    assert "已答 3/14" in again.stdout or "3 of 14 answered" in again.stdout
    assert "4/14" in again.stdout.split("继续")[-1] or "4 of 14" in again.stdout


def test_chart_font_has_every_glyph_of_every_label_in_both_languages(kb):
    result = summary.score(kb, "quick", all_answers(kb, "quick", lambda q: 2))
    partial = summary.score(kb, "quick", all_answers(kb, "quick", lambda q: q.unknown_index))
    for lang in ("zh", "en"):
        for r in (result, partial):
            texts = summary.chart_texts(kb.quiz, r, lang)
            drawn = "".join(texts["labels"]) + texts["title"] + "".join(texts["legend"])
            assert chart.missing_glyphs(drawn) == set(), lang
    assert chart.font_path().exists()
    licence = list(chart.font_path().parent.parent.glob("pylopdf_fonts_zh_cn-*.dist-info/licenses/*"))
    assert any("Open Font License" in p.read_text("utf-8", errors="replace") for p in licence)


def test_chart_is_a_png_in_the_users_language(kb):
    result = summary.score(kb, "quick", all_answers(kb, "quick", lambda q: 3))
    png = summary.result_chart(kb.quiz, result, "zh", previous=result)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 20_000


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("with_previous", [False, True])
def test_chart_labels_sit_outside_the_ring_inside_the_image_and_apart(kb, lang, with_previous):
    result = summary.score(kb, "full", all_answers(kb, "full", lambda q: 2))
    texts = summary.chart_texts(kb.quiz, result, lang)
    fig, ax, notes = chart.radar_figure(texts["labels"], texts["values"], texts["title"], legend=texts["legend"],
                                        previous=texts["values"] if with_previous else None)
    renderer = fig.canvas.get_renderer()
    cx, cy = ax.transData.transform((0, 0))
    top_x, top_y = ax.transData.transform((0, 100))
    radius = ((top_x - cx) ** 2 + (top_y - cy) ** 2) ** 0.5
    boxes = [note.get_window_extent(renderer) for note in notes]
    boxes.append(fig.texts[0].get_window_extent(renderer))  # the title
    for box in boxes:
        assert fig.bbox.x0 + 5 <= box.x0, box
        assert box.x1 <= fig.bbox.x1 - 5, box
        assert fig.bbox.y0 + 5 <= box.y0, box
        assert box.y1 <= fig.bbox.y1 - 5, box
    for box in boxes[:-1]:  # the nearest point of every category label is clear of the outer ring
        nearest_x, nearest_y = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
        assert ((nearest_x - cx) ** 2 + (nearest_y - cy) ** 2) ** 0.5 > radius + 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)
    assert all(label.get_fontsize() >= 10 for label in ax.get_yticklabels())
    assert all(note.get_fontsize() >= 12 for note in notes)
