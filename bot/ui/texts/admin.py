"""Interface strings of the operator's commands (/stats, /unanswered)."""

from __future__ import annotations

ADMIN_TEXTS: dict[str, dict[str, str]] = {
    "stats_title": {"zh": "使用统计", "en": "Usage"},
    "stats_users": {"zh": "用户：共 {total}，7 天活跃 {active_7d}，30 天活跃 {active_30d}，已停用 {inactive}",
                    "en": "Users: {total} in all, {active_7d} active in 7 days, {active_30d} in 30 days, {inactive} inactive"},
    "stats_questions": {"zh": "问题：共 {total}，已回答 {answered}，不确定 {unsure}，拒答 {declined}，寒暄 {smalltalk}",
                        "en": "Questions: {total} — answered {answered}, unsure {unsure}, declined {declined}, small talk {smalltalk}"},
    "stats_quiz": {"zh": "测评：开始 {started}，完成 {completed}，进行中 {in_progress}",
                   "en": "Quiz: {started} started, {completed} completed, {in_progress} in progress"},
    "stats_topics": {"zh": "热门主题：", "en": "Top topics:"},
    "stats_feedback": {"zh": "反馈 👍/👎（👎 多的在前）：", "en": "Feedback 👍/👎 (most 👎 first):"},
    "unanswered_usage": {"zh": "用法：/unanswered [天数]，例如 /unanswered 7 显示最近 7 天的问题。",
                         "en": "Usage: /unanswered [days], e.g. /unanswered 7 for the last 7 days."},
    "unanswered_title": {"zh": "未能回答的问题（按相似度分组）", "en": "Unanswered questions, grouped"},
    "unanswered_none": {"zh": "没有。", "en": "None."},
    "unanswered_nearest": {"zh": "最接近的主题：", "en": "nearest topics: "},
}
