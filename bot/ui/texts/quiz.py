"""Interface strings of the quiz, its result, history, reminders and the account commands."""

from __future__ import annotations

QUIZ_TEXTS: dict[str, dict[str, str]] = {
    "quiz_press_option": {
        "zh": "请直接点选下面的选项（或「不知道」）。想提问的话，输入完整的问题即可，进度会保留。",
        "en": "Please press one of the options below (or \u201cI don't know\u201d). To ask something instead, type the "
              "whole question; your progress is kept.",
    },
    "no_such_choice": {
        "zh": "这不是当前可选的选项。请按上面列出的编号或按钮选择，或者直接输入你的问题。",
        "en": "That is not one of the choices on screen. Pick a number or button shown above, or type your question.",
    },
    "quiz_choose": {
        "zh": "自评诊断有两种：\n• 快速版：{quick} 题，约 3 分钟，每个类目至少 1 题\n• 完整版：{full} 题，约 8 分钟，每个类目至少 4 题\n\n"
              "每题选最接近你们实际做法的描述；不确定就选「不知道」，它不计分。每答一题都会保存，随时可以暂停。",
        "en": "There are two versions:\n• Quick: {quick} questions, about 3 minutes, every category at least once\n"
              "• Full: {full} questions, about 8 minutes, at least 4 per category\n\nFor each question pick the "
              "statement closest to what your organisation actually does; if you are not sure, choose \u201cI "
              "don't know\u201d, which does not count. Every answer is saved, so you can pause at any time.",
    },
    "btn_quick": {"zh": "⚡ 快速版（{n} 题）", "en": "⚡ Quick ({n} questions)"},
    "btn_full": {"zh": "📋 完整版（{n} 题）", "en": "📋 Full ({n} questions)"},
    "mode_quick": {"zh": "快速版", "en": "quick"},
    "mode_full": {"zh": "完整版", "en": "full"},
    "quiz_resume": {
        "zh": "你有一次未完成的{mode}测评（已答 {done}/{total} 题）。继续，还是重新开始？",
        "en": "You have an unfinished {mode} quiz ({done} of {total} answered). Continue, or start over?",
    },
    "btn_continue": {"zh": "▶ 继续", "en": "▶ Continue"},
    "btn_restart": {"zh": "↺ 重新开始", "en": "↺ Start over"},
    "btn_pause": {"zh": "⏸ 暂停", "en": "⏸ Pause"},
    "btn_unknown": {"zh": "🤷 不知道", "en": "🤷 I don't know"},
    "unknown_option": {"zh": "不知道（不计分）", "en": "I don't know (not counted)"},
    "quiz_header": {"zh": "第 {n}/{total} 题 · {category}", "en": "Question {n} of {total} · {category}"},
    "quiz_paused": {"zh": "已暂停，进度已保存（{done}/{total}）。随时发送 /quiz 继续。",
                    "en": "Paused; your progress is saved ({done} of {total}). Send /quiz to continue any time."},
    "quiz_none": {"zh": "现在没有进行中的测评。发送 /quiz 开始。", "en": "There is no quiz in progress. Send /quiz to start one."},
    "quiz_done": {"zh": "✅ 测评完成，共 {n} 题。结果如下。", "en": "✅ Quiz complete: {n} questions. Here is your result."},
    "result_title": {"zh": "自评诊断结果（{mode}）", "en": "Diagnostic result ({mode})"},
    "result_total": {"zh": "估计总分：{total} / 1000", "en": "Estimated total: {total} / 1000"},
    "result_no_estimate": {"zh": "没有可估算的分数：没有一道题给出了计分的回答（全部为「不知道」或未作答）。",
                           "en": "No estimate: no question has a counted answer (all were \u201cI don't know\u201d or "
                                 "unanswered)."},
    "history_no_estimate": {"zh": "无估分", "en": "no estimate"},
    "result_partial": {"zh": "部分结果：{cats}没有计分的回答，未计入总分。",
                       "en": "Partial result: {cats} had no counted answer and are left out of the total."},
    "result_line": {"zh": "{name}：{pct}% · {level}级 {level_name} · 约 {points}/{max} 分",
                    "en": "{name}: {pct}% · level {level} {level_name} · about {points}/{max} points"},
    "result_line_none": {"zh": "{name}：没有计分的回答", "en": "{name}: no counted answer"},
    "result_unknown": {"zh": "「不知道」{n} 题，不计分。", "en": "\u201cI don't know\u201d: {n}, not counted."},
    "result_disclaimer": {
        "zh": "这是根据一个人的回答得出的估计，不是评审员的评分。用它找出值得深入的地方；正式自评请组织团队、对照证据进行。",
        "en": "This is an estimate from one person's answers, not an assessor's score. Use it to see where to "
              "look closer; a real self-assessment needs a team and evidence.",
    },
    "result_strong_weak": {"zh": "最强：{strong}；最需加强：{weak}", "en": "Strongest: {strong}; weakest: {weak}"},
    # several categories sharing the strongest (or weakest) score, in result_strong_weak
    "tied_names": {"zh": "{names}（并列）", "en": "{names} (tied)"},
    # instead of strongest/weakest when every counted category has the same score (result["all_equal"])
    "result_even": {"zh": "各类目处于同一水平：均为 {pct}%（{level}级 {level_name}），没有哪一项更强或更弱。",
                    "en": "All categories are at the same level: {pct}% each (level {level} {level_name}), so none "
                          "is stronger or weaker than another."},
    "result_even_partial": {
        "zh": "有计分回答的各类目处于同一水平：均为 {pct}%（{level}级 {level_name}），没有哪一项更强或更弱。",
        "en": "All categories with a counted answer are at the same level: {pct}% each (level {level} {level_name}), "
              "so none is stronger or weaker than another.",
    },
    "result_recs": {"zh": "建议下一步：", "en": "What to work on next:"},
    "result_change": {"zh": "与上次（{date}）相比：", "en": "Since your last result ({date}):"},
    "result_change_mode": {"zh": "（上次是{mode}，题目不同，仅供参考）",
                           "en": "(last time was the {mode} version, with other questions: compare with care)"},
    "result_change_total": {"zh": "总分 {delta}", "en": "total {delta}"},
    "chart_title": {"zh": "卓越绩效成熟度自评", "en": "Excellence maturity (self-assessment)"},
    "chart_now": {"zh": "本次", "en": "This time"},
    "chart_before": {"zh": "上次", "en": "Last time"},
    "btn_history": {"zh": "🕘 历史结果", "en": "🕘 History"},
    "history_empty": {"zh": "你还没有完成过测评。发送 /quiz 开始。", "en": "You have not finished a quiz yet. Send /quiz to start."},
    "history_title": {"zh": "你的历次诊断结果：", "en": "Your past results:"},
    "history_line": {"zh": "{date} · {mode} · {total}{partial}", "en": "{date} · {mode} · {total}{partial}"},
    "history_partial": {"zh": "（部分）", "en": " (partial)"},
    "reminder": {
        "zh": "你的自评诊断还没做完（已答 {done}/{total} 题），进度都保存着。要继续吗？",
        "en": "Your diagnostic quiz is not finished yet ({done} of {total} answered); your progress is saved. "
              "Continue?",
    },
    "btn_reminders_off": {"zh": "🔕 不再提醒", "en": "🔕 No more reminders"},
    "reminders_off": {"zh": "好的，以后不再提醒。", "en": "OK, no more reminders."},
    # -- account -----------------------------------------------------------------------------------
    "privacy": {
        "zh": "我保存的数据：\n• 你的用户 ID、语言设置和最近一次使用时间\n• 你问过的问题（文字、匹配到的主题和分数），"
              "用于改进知识库，{days} 天后自动删除\n• 测评的答案和结果（保留到你删除为止），用于显示历史和变化\n"
              "• 你的 👍/👎 反馈和提醒设置\n\n数据保存在运行本助手的机构（通常是你们的质量部门）的数据库里，不提供给第三方。\n"
              "/mydata 导出全部数据；/delete 删除全部数据。",
        "en": "What I store:\n• your user id, language setting and when you last used me\n• the questions you "
              "asked (text, matched topic and score), to improve the knowledge base; deleted after {days} days\n"
              "• your quiz answers and results (kept until you delete them), to show history and progress\n"
              "• your 👍/👎 feedback and reminder setting\n\nIt is kept in the database of whoever runs this "
              "assistant (usually your quality department) and shared with no third party.\n/mydata sends you "
              "all of it; /delete erases all of it.",
    },
    "mydata": {"zh": "这是我保存的关于你的全部数据（JSON 文件）。", "en": "Here is everything I store about you (a JSON file)."},
    "delete_confirm": {
        "zh": "这会永久删除我保存的关于你的全部数据：问题记录、测评答案和结果、反馈和设置。确定吗？",
        "en": "This permanently deletes everything I store about you: questions, quiz answers and results, "
              "feedback and settings. Are you sure?",
    },
    "btn_delete_yes": {"zh": "🗑 确定删除", "en": "🗑 Yes, delete everything"},
    "btn_delete_no": {"zh": "取消", "en": "Cancel"},
    "deleted": {"zh": "已删除你的全部数据。再给我发消息，我会重新开始。",
                "en": "Everything I stored about you has been deleted. If you write again, I start afresh."},
    "delete_cancelled": {"zh": "好的，什么都没有删除。", "en": "OK, nothing was deleted."},
}
