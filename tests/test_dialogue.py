"""Conversations through the dialogue core, read as transcripts (user says → bot replies)."""

from __future__ import annotations

import json

from bot.dialogue import COMMANDS, Dialogue
from tests.support.transcript import Chat


def test_a_chinese_question_gets_the_entry_with_clause_points_and_follow_ups(chat):
    chat.say("战略部署怎么写")
    answer = chat.last[0]
    assert answer.kind == "answer"
    assert answer.spans[0].text.startswith("4.2.3")
    assert answer.spans[0].style == "b"
    assert "条款 4.2.3" in chat.text
    assert "通常引用的分值 50 分" in chat.text
    labels = [b.label for b in chat.buttons()]
    assert "📖 展开详细" in labels
    assert "👍 有帮助" in labels
    assert "👎 没帮助" in labels
    assert any(label.startswith("↪") for label in labels)  # related topics


def test_an_english_question_is_answered_in_english(chat):
    chat.say("how is a results item scored?")
    assert chat.kinds() == ["answer"]
    assert chat.last[0].spans[0].text == chat.dialogue.core.kb.entries["scoring.results_letci"].title["en"]
    assert "Read more" in " ".join(b.label for b in chat.buttons())


def test_read_more_shows_evidence_pitfalls_and_first_step(chat):
    chat.say("战略部署怎么写")
    chat.press("展开详细")
    assert chat.kinds() == ["more"]
    for heading in ("评审员通常要看的证据：", "常见薄弱点：", "第一步："):
        assert heading in chat.text


def test_a_weak_match_offers_three_candidates_to_pick_from(chat):
    core = chat.dialogue.core
    answerer = core.knowledge.answerer
    question = next(q for q in ("质量", "评价", "企业管理", "管理") if answerer.answer(q).status == "unsure")
    chat.say(question)
    assert chat.kinds()[0] == "unsure"
    assert len(chat.buttons()) == 3
    picked = chat.buttons()[0]
    chat.press_data(picked.data)
    assert chat.kinds() == ["answer"]
    assert chat.last[0].spans[0].text == picked.label


def test_out_of_domain_is_declined_honestly_with_what_the_bot_can_do(chat):
    chat.say("明天北京天气怎么样")
    assert chat.kinds() == ["declined"]
    assert "超出了我的范围" in chat.text
    assert "市长质量奖" in chat.text
    chat.say("ISO 14001 认证费用大概多少钱")
    assert chat.kinds() == ["declined"]
    assert "认证机构" in chat.text  # the out-of-scope entry says where to ask instead


def test_small_talk_gets_a_friendly_reply_not_an_entry(chat):
    for text, expected in (("你好", "你好！"), ("谢谢", "不客气"), ("who are you?", "I'm an assistant"),
                           ("bye", "Goodbye"), ("你是ChatGPT吗", "不是真人"), ("哈哈", "还有什么"),
                           ("are you chatgpt?", "a bot, not a person")):
        chat.say(text)
        assert chat.kinds() == ["smalltalk"], text
        assert expected in chat.text, text


def test_reply_language_follows_the_message_then_sticks_after_lang(chat):
    chat.say("what is the mayor quality award")
    assert chat.last[0].spans[0].text == chat.dialogue.core.kb.entries["award.overview"].title["en"]
    chat.say("/lang zh")
    assert "中文" in chat.text
    chat.say("what is the mayor quality award")
    assert chat.last[0].spans[0].text == chat.dialogue.core.kb.entries["award.overview"].title["zh"]
    chat.say("/lang auto")
    chat.say("what is the mayor quality award")
    assert chat.last[0].spans[0].text == chat.dialogue.core.kb.entries["award.overview"].title["en"]


def test_empty_oversized_and_non_text_input_get_polite_answers_and_are_logged(chat):
    store = chat.dialogue.core.store
    chat.say("   ")
    assert chat.kinds() == ["declined"]
    assert "没有收到文字" in chat.text or "didn't get any text" in chat.text
    chat.say("质" * 5000)
    assert chat.kinds() == ["declined"]
    assert "5000" in chat.text
    assert "1000" in chat.text
    chat.send("other", "sticker")
    assert chat.kinds() == ["non_text"]
    assert "贴纸" in chat.text or "stickers" in chat.text
    chat.send("edited")
    assert chat.kinds() == ["edited"]
    rows = list(store.db.query("SELECT text, status FROM questions WHERE user_id = ?", [chat.user]))
    assert [r["status"] for r in rows] == ["declined", "declined"]
    assert len(rows[1]["text"]) == 4096  # stored, truncated to what one message can hold


def test_every_question_is_recorded_with_topic_score_and_status(chat):
    chat.say("战略部署怎么写")
    chat.say("明天天气怎么样")
    rows = list(chat.dialogue.core.store.db.query(
        "SELECT user_id, lang, text, status, entry, topic, score, channel FROM questions ORDER BY id"))
    assert rows[0]["entry"] == "cat.strategy.deployment"
    assert rows[0]["status"] == "answered"
    assert rows[0]["lang"] == "zh"
    assert rows[0]["score"] > 0
    assert rows[1]["status"] == "declined"


def test_feedback_votes_are_stored_and_can_be_changed(chat):
    chat.say("战略部署怎么写")
    chat.press("👍")
    assert chat.last[0].toast == "谢谢反馈！"
    chat.say("战略部署怎么写")
    chat.press("👎")
    votes = list(chat.dialogue.core.store.db.query("SELECT entry, vote FROM feedback ORDER BY question_id"))
    assert votes == [{"entry": "cat.strategy.deployment", "vote": 1}, {"entry": "cat.strategy.deployment", "vote": -1}]


def test_forged_stale_and_foreign_buttons_change_nothing(chat, core):
    other = Chat(Dialogue(core), user="console:bob")
    other.say("战略部署怎么写")
    bobs_vote = next(b.data for b in other.buttons() if b.label.startswith("👍"))
    for data in ("q:deadbeef:0:1", "f:no.such.entry:1:1", bobs_vote, "d:guess", "zz:1", "", "e:cat.strategy:999",
                 "qm:expert", "__class__:x", "q:1:2", "m:" + "x" * 60):
        chat.press_data(data)
        assert chat.kinds() == ["expired"], data
        assert "过期" in chat.text or "expired" in chat.text
    assert list(core.store.db.query("SELECT * FROM feedback")) == []


def test_unknown_command_suggests_the_nearest_and_lists_commands(chat):
    chat.say("/quizz")
    assert chat.kinds() == ["unknown_command"]
    assert "/quiz" in chat.text
    for c in COMMANDS:
        assert f"/{c}" in chat.text


def test_help_lists_every_command(chat):
    chat.say("/help")
    for c in COMMANDS:
        assert f"/{c}" in chat.text


def test_start_deep_links_open_an_entry_or_the_quiz(chat):
    chat.say("/start topic_cat.results")
    assert chat.kinds() == ["answer"]
    assert "4.7" in chat.last[0].spans[0].text
    chat.say("/start quiz")
    assert chat.kinds() == ["quiz_choose"]
    chat.say("/start")
    assert chat.kinds() == ["start"]
    assert len(chat.buttons()) == 3


def test_topics_lists_the_groups_with_buttons(chat):
    chat.say("/topics")
    assert chat.kinds() == ["topics"]
    assert "七大类目" in chat.text or "seven categories" in chat.text
    assert len(chat.text) < 800  # one line per group, not every topic (that was 3,081 characters)
    categories = next(b for b in chat.buttons() if b.label == "七大类目与评分项")
    chat.press_data(categories.data)
    assert chat.kinds() == ["group"]
    titles = [b.label for b in chat.buttons()]
    assert titles[0] == "卓越绩效框架：两个三角与一条链"  # the group's introduction first
    assert titles.index("4.2 战略") < titles.index("4.2.2 战略制定") < titles.index("4.2.3 战略部署")
    assert len(titles) > 20  # every category and item can be opened
    chat.press_data(chat.buttons()[1].data)
    assert chat.kinds() == ["answer"]
    chat.press_data("g:nonsense")
    assert chat.kinds() == ["expired"]


def test_thumbs_down_offers_the_next_matches_for_the_same_question(chat, core):
    chat.say("过程项怎么评分")
    assert chat.text.startswith("过程项评价")
    chat.press("👎")
    assert chat.kinds() == ["feedback", "feedback_down"]
    offered = [b.data.split(":")[1] for b in chat.buttons()]
    assert offered
    assert "scoring.process_adli" not in offered  # not the answer just rejected
    assert core.store.db.execute("SELECT vote FROM feedback").fetchone()[0] == -1


def test_privacy_mydata_and_delete_with_confirmation(chat):
    store = chat.dialogue.core.store
    chat.say("战略部署怎么写")
    chat.say("/privacy")
    assert "365" in chat.text
    chat.say("/mydata")
    data = json.loads(chat.last[0].document_bytes())
    assert data["questions"][0]["text"] == "战略部署怎么写"
    assert chat.last[0].document_name.endswith(".json")
    chat.say("/delete")
    chat.press_data("d:wrong-token")
    assert chat.kinds() == ["expired"]
    assert store.user(chat.user) is not None
    chat.say("/delete")
    chat.press("取消")
    assert chat.kinds() == ["delete_cancelled"]
    chat.say("/delete")
    confirm = next(b.data for b in chat.buttons() if b.data.startswith("d:"))
    chat.press_data(confirm)
    assert chat.kinds() == ["deleted"]
    assert store.user(chat.user) is None
    assert list(store.db.query("SELECT * FROM questions WHERE user_id = ?", [chat.user])) == []
    chat.press_data(confirm)  # the old confirmation cannot be replayed
    assert chat.kinds() == ["expired"]


def test_read_more_cites_public_sources_only(chat):
    chat.say("/start topic_award.eligibility")
    chat.press("展开详细")
    assert "来源：" in chat.text
    assert "shenyang.gov.cn" in chat.text
    assert "facts.md" not in chat.text  # the project's own notes are not a reader's source


def test_inline_suggestions_come_from_the_core_and_record_nothing(core):
    dialogue = Dialogue(core)
    found = dialogue.inline("战略部署", "en")
    assert found[0].entry_id == "cat.strategy.deployment"
    assert found[0].title == "4.2.3 战略部署"  # the message's language wins over the client's
    assert found[0].reply.text.startswith(found[0].title)
    assert dialogue.inline("how is strategy deployed", "zh")[0].title == "4.2.3 Strategy deployment"
    assert [s.entry_id for s in dialogue.inline("", "zh")] == ["award.overview", "model.overview", "bot.quiz"]
    assert dialogue.inline("谢谢", "zh") == []  # small talk is not an article to share
    assert dialogue.inline("明天北京天气怎么样", "zh") == []  # nor is an out-of-domain guess
    assert core.store.db["questions"].count == 0  # inline queries arrive per keystroke: not logged


def test_a_choice_typed_during_the_quiz_shows_the_question_again_and_keeps_the_language(chat):
    chat.say("/quiz quick")
    first = chat.text
    for typed in ("99", "x", "3", "B."):
        chat.say(typed)
        assert chat.kinds() == ["hint", "quiz_question"], typed
        assert "请直接点选" in chat.text  # still in Chinese: a bare number or letter shows no language
        assert chat.last[1].text == first  # the same question, nothing answered
    chat.press_data(next(b.data for b in chat.buttons() if b.data.endswith(":2")))
    assert "2/14" in chat.text or "2 / 14" in chat.text


def test_a_number_that_is_no_choice_outside_the_quiz_is_said_so(chat):
    chat.say("战略部署怎么写")
    chat.say("9")
    assert chat.kinds() == ["no_such_choice"]
    assert "不是当前可选的选项" in chat.text
    chat.say("/team new")  # the language did not flip to English on "9"
    assert "团队" in chat.text
