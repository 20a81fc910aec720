"""Every user-facing interface string, in 简体中文 and English. Knowledge content lives in knowledge/."""

from __future__ import annotations

from bot.ui.texts.admin import ADMIN_TEXTS
from bot.ui.texts.quiz import QUIZ_TEXTS
from bot.ui.texts.team import TEAM_TEXTS
from bot.ui.texts.workbook import WORKBOOK_TEXTS

LANGS = ("zh", "en")

_GENERAL: dict[str, dict[str, str]] = {
    # -- greeting and help --------------------------------------------------------------------------
    "start": {
        "zh": "你好！我是市长质量奖与卓越绩效模式（GB/T 19580）的问答助手。\n"
              "你可以直接用中文或英文提问，也可以做一次 3 分钟的自评诊断，看看企业在七大类目上的成熟度。",
        "en": "Hello! I answer questions about the mayor quality award and the performance-excellence model "
              "(GB/T 19580).\nAsk in Chinese or English, or take a 3-minute diagnostic quiz to see how mature "
              "your organisation is in the seven categories.",
    },
    "btn_ask": {"zh": "💬 怎么提问", "en": "💬 Ask a question"},
    "btn_quiz": {"zh": "📝 开始自评诊断", "en": "📝 Take the quiz"},
    "btn_award": {"zh": "🏆 市长质量奖是什么", "en": "🏆 How the award works"},
    "ask_hint": {
        "zh": "直接输入你的问题即可，例如：\n• 战略部署怎么写\n• 过程类条款怎么评分\n• 市长质量奖申报要什么材料",
        "en": "Just type your question, for example:\n• how do we deploy strategy\n• how is a process item "
              "scored\n• what do we submit for the mayor quality award",
    },
    "help": {
        "zh": "我能做的：\n• 回答关于市长质量奖、GB/T 19580 七大类目、评分方法、自评与自评报告的问题（中英文均可）\n"
              "• 通过简短的诊断测评，估计各类目的成熟度和总分，并给出改进建议\n\n命令：\n{commands}",
        "en": "What I can do:\n• answer questions about the mayor quality award, the seven categories of "
              "GB/T 19580, scoring, self-assessment and the self-assessment report (Chinese or English)\n"
              "• estimate your maturity per category and a total score with a short diagnostic quiz, and "
              "suggest what to work on next\n\nCommands:\n{commands}",
    },
    "cmd_start": {"zh": "开始", "en": "start"},
    "cmd_help": {"zh": "我能做什么", "en": "what I can do"},
    "cmd_quiz": {"zh": "自评诊断（quick 快速 / full 完整）", "en": "diagnostic quiz (quick or full)"},
    "cmd_lang": {"zh": "切换语言：/lang zh 或 /lang en", "en": "language: /lang zh or /lang en"},
    "cmd_topics": {"zh": "我能解答的主题", "en": "the topics I can explain"},
    "cmd_history": {"zh": "历次诊断结果", "en": "your past quiz results"},
    "cmd_privacy": {"zh": "我保存了哪些数据", "en": "what I store about you"},
    "cmd_mydata": {"zh": "导出我的全部数据", "en": "download everything stored about you"},
    "cmd_delete": {"zh": "删除我的全部数据", "en": "delete everything stored about you"},
    "cmd_cancel": {"zh": "暂停当前测评（进度保留）", "en": "pause the current quiz (progress is kept)"},
    "unknown_command": {
        "zh": "我不认识命令 /{command}。{suggestion}可用的命令：\n{commands}",
        "en": "I don't know the command /{command}. {suggestion}Available commands:\n{commands}",
    },
    "did_you_mean_cmd": {"zh": "你是不是想用 /{command}？\n", "en": "Did you mean /{command}?\n"},
    "lang_set": {"zh": "好的，以后我用中文回复。", "en": "OK, I will reply in English from now on."},
    "lang_auto": {"zh": "好的，我会按你每条消息的语言回复。", "en": "OK, I will reply in the language of each message."},
    "lang_usage": {"zh": "用法：/lang zh（中文）、/lang en（English）或 /lang auto（跟随消息语言）",
                   "en": "Usage: /lang zh (中文), /lang en (English) or /lang auto (follow each message)"},
    # -- answers -----------------------------------------------------------------------------------
    "clause_line": {"zh": "条款 {clause}", "en": "Clause {clause}"},
    "points_verified": {"zh": "{points} 分", "en": "{points} points"},
    "points_cited": {"zh": "通常引用的分值 {points} 分", "en": "{points} points (commonly cited)"},
    "btn_more": {"zh": "📖 展开详细", "en": "📖 Read more"},
    "btn_up": {"zh": "👍 有帮助", "en": "👍 Helpful"},
    "btn_down": {"zh": "👎 没帮助", "en": "👎 Not helpful"},
    "related": {"zh": "相关主题：", "en": "Related topics:"},
    "evidence": {"zh": "评审员通常要看的证据：", "en": "Evidence assessors usually expect:"},
    "pitfalls": {"zh": "常见薄弱点：", "en": "Common weaknesses:"},
    "first_step": {"zh": "第一步：", "en": "First step:"},
    "sources": {"zh": "来源：", "en": "Sources:"},
    "no_such_clause": {"zh": "GB/T 19580-2012 没有 {clause} 这个条款。最接近的是：",
                       "en": "GB/T 19580-2012 has no clause {clause}. The nearest ones are:"},
    "unsure": {"zh": "我不太确定你问的是哪一个，是下面这些吗？", "en": "I'm not sure which of these you mean. Is it one of them?"},
    "declined": {
        "zh": "这个问题似乎超出了我的范围，我不想随便回答。我能帮你的是：\n{groups}\n\n"
              "你可以换个说法再问，或者发送 /topics 看看全部主题。",
        "en": "That seems to be outside what I know, and I'd rather not guess. I can help with:\n{groups}\n\n"
              "Try asking another way, or send /topics to see everything I cover.",
    },
    "out_of_scope_tail": {
        "zh": "我专注于市长质量奖和卓越绩效模式，发送 /topics 看看我能解答的主题。",
        "en": "I focus on the mayor quality award and the excellence model: send /topics to see what I cover.",
    },
    "empty": {"zh": "我没有收到文字内容。请直接输入你的问题，或发送 /help。",
              "en": "I didn't get any text. Type your question, or send /help."},
    "too_long": {
        "zh": "这条消息太长了（{length} 个字符），我一次最多读 {limit} 个字符。请把问题缩短成一两句话再发给我，"
              "比如「战略部署要准备哪些证据」。",
        "en": "That message is too long ({length} characters); I read at most {limit}. Please ask in a "
              "sentence or two, for example \u201cwhat evidence does strategy deployment need\u201d.",
    },
    "non_text": {
        "zh": "我只能读文字消息，暂时看不懂{what}。请用文字提问，或发送 /help。",
        "en": "I can only read text messages, not {what}. Please type your question, or send /help.",
    },
    "what_sticker": {"zh": "贴纸", "en": "stickers"},
    "what_photo": {"zh": "图片", "en": "photos"},
    "what_voice": {"zh": "语音", "en": "voice messages"},
    "what_video": {"zh": "视频", "en": "videos"},
    "what_document": {"zh": "文件", "en": "files"},
    "what_location": {"zh": "位置", "en": "locations"},
    "what_contact": {"zh": "名片", "en": "contacts"},
    "what_other": {"zh": "这类消息", "en": "this kind of message"},
    "edited": {"zh": "我看到你修改了消息，但我只回答新消息。请把修改后的问题重新发一遍。",
               "en": "I saw you edited a message, but I only answer new ones. Please send the corrected "
                     "question again."},
    "private_only": {
        "zh": "/{command} 涉及你个人的信息，只在私聊里使用。点这里打开和我的私聊：{link}",
        "en": "/{command} is about you personally, so it works in a private chat only. Open one here: {link}",
    },
    "inline_open_chat": {"zh": "没有找到，打开私聊问我", "en": "No match: ask me in a private chat"},
    "topics": {"zh": "我能解答的主题：", "en": "Topics I can explain:"},
    "topics_count": {"zh": "（{count} 个主题）", "en": " ({count} topics)"},
    "topics_tail": {"zh": "直接输入问题，或点一组主题。", "en": "Type a question, or pick a group of topics."},
    "expired": {"zh": "这个按钮已经过期了。发送 /quiz 继续测评，或直接提问。",
                "en": "This button has expired. Send /quiz to continue the quiz, or ask a question."},
    "feedback_down_others": {"zh": "抱歉没帮上忙。你想问的是不是下面这些？也可以换个说法再问一次。",
                             "en": "Sorry that didn't help. Did you mean one of these? Or ask again in other words."},
    "feedback_down_rephrase": {"zh": "抱歉没帮上忙。换个说法再问一次，或发送 /topics 看看我能解答的主题。",
                               "en": "Sorry that didn't help. Try asking in other words, or send /topics to see what "
                                     "I can explain."},
    "group_pick": {"zh": "选一个主题：", "en": "Pick a topic:"},
    "feedback_thanks": {"zh": "谢谢反馈！", "en": "Thanks for the feedback!"},
    "error": {"zh": "抱歉，我这边出了点问题，已经记录下来了。你的进度没有丢失，请稍后再试。",
              "en": "Sorry, something went wrong on my side and it has been logged. Nothing you saved is "
                    "lost; please try again in a moment."},
    "quiz_pending_hint": {"zh": "（你有一次未完成的测评，发送 /quiz 继续。）",
                          "en": "(You have an unfinished quiz: send /quiz to continue.)"},
    "admin_only": {"zh": "抱歉，这个命令只对管理员开放。发送 /help 查看可用的命令。",
                   "en": "Sorry, that command is for administrators only. Send /help for the commands you can use."},
    "reload_refused": {"zh": "知识库有 {n} 处问题，没有重新加载，仍在使用原来的版本：",
                       "en": "The knowledge base has {n} problem(s); nothing was reloaded, the previous version stays in use:"},
    "reload_done": {"zh": "知识库已重新加载：{n} 个条目。", "en": "Knowledge base reloaded: {n} entries."},
    # -- small talk --------------------------------------------------------------------------------
    "st_greeting": {"zh": "你好！有什么关于市长质量奖或卓越绩效的问题，尽管问。也可以发送 /quiz 做个自评诊断。",
                    "en": "Hi! Ask me anything about the mayor quality award or performance excellence, or "
                          "send /quiz for a diagnostic quiz."},
    "st_thanks": {"zh": "不客气！还有问题随时问我。", "en": "You're welcome! Ask me anything else any time."},
    "st_bye": {"zh": "再见，祝申报顺利！", "en": "Goodbye, and good luck with your application!"},
    "st_identity": {
        "zh": "我是一个问答助手（机器人，不是真人），帮助企业了解市长质量奖和 GB/T 19580 卓越绩效评价准则。"
              "我的回答来自团队整理的知识库；涉及具体城市的规定，请以当地最新的管理办法和申报通知为准。",
        "en": "I'm an assistant (a bot, not a person) that helps organisations understand the mayor quality "
              "award and the GB/T 19580 excellence criteria. My answers come from a knowledge base the team "
              "wrote; for any city's rules, check that city's current measures and call for applications.",
    },
    "st_ack": {"zh": "好的。还有什么想了解的吗？", "en": "OK. Anything else you'd like to know?"},
    "st_praise": {"zh": "谢谢！有问题继续问我吧。", "en": "Thank you! Keep the questions coming."},
}


TEXTS: dict[str, dict[str, str]] = (  # a test checks no key repeats
    _GENERAL | QUIZ_TEXTS | ADMIN_TEXTS | TEAM_TEXTS | WORKBOOK_TEXTS)


def t(key: str, lang: str, **kwargs) -> str:
    text = TEXTS[key][lang if lang in LANGS else "zh"]
    return text.format(**kwargs) if kwargs else text


def number(x: float | None) -> str:
    """A score or mean as people read it: 40, 62.5, or "—" where there is none."""
    if x is None:
        return "—"
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"
