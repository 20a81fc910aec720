# ruff: noqa: E501  (bilingual strings: Chinese characters count double, as in bot/ui/texts)
"""The web page's own words (its frame around the conversation), in 简体中文 and English. What the bot
says comes from the core (bot/ui/texts); these are only the page's labels and the HTTP-level refusals."""

from __future__ import annotations

PAGE = {
    "title": {"zh": "市长质量奖助手", "en": "Quality Award Assistant"},
    "subtitle": {"zh": "卓越绩效 · GB/T 19580", "en": "Performance excellence · GB/T 19580"},
    "placeholder": {"zh": "输入问题，例如：战略部署怎么写", "en": "Ask a question, e.g. how is a results item scored?"},
    "send": {"zh": "发送", "en": "Send"},
    "typing": {"zh": "正在输入…", "en": "typing…"},
    "quick_quiz": {"zh": "📝 自评诊断", "en": "📝 Quiz"},
    "quick_topics": {"zh": "📚 主题", "en": "📚 Topics"},
    "quick_help": {"zh": "❓ 帮助", "en": "❓ Help"},
    "quick_history": {"zh": "🕘 我的结果", "en": "🕘 My results"},
    "lang_label": {"zh": "语言", "en": "Language"},
    "offline": {"zh": "连接失败，请检查网络后重试。", "en": "Could not reach the server; check the connection and try again."},
    "download": {"zh": "下载", "en": "Download"},
    "admin_badge": {"zh": "管理员", "en": "Admin"},
    "footer": {"zh": "回答仅供参考，以所在城市的《管理办法》为准。",
               "en": "Guidance only; your city's award rules (管理办法) prevail."},
    # the access-code and admin forms
    "access_title": {"zh": "请输入访问码", "en": "Enter the access code"},
    "access_hint": {"zh": "这个助手只对本单位开放。访问码可以向质量部门索取。",
                    "en": "This assistant is for staff of this organisation. Ask the quality department for the code."},
    "access_wrong": {"zh": "访问码不正确，请重试。", "en": "That code is not right; please try again."},
    "code": {"zh": "访问码", "en": "Access code"},
    "enter": {"zh": "进入", "en": "Enter"},
    "admin_title": {"zh": "管理员登录", "en": "Administrator sign-in"},
    "admin_hint": {"zh": "输入管理员密钥后，本浏览器可以使用 /stats、/unanswered 和 /reload。",
                   "en": "With the admin secret, this browser may use /stats, /unanswered and /reload."},
    "admin_wrong": {"zh": "密钥不正确。", "en": "That secret is not right."},
    "admin_off": {"zh": "本站未设置管理员密钥（AWARDBOT_WEB_ADMIN_SECRET）。",
                  "en": "No admin secret is set for this site (AWARDBOT_WEB_ADMIN_SECRET)."},
    "admin_ok": {"zh": "本浏览器现在是管理员。", "en": "This browser is now an administrator."},
    "secret": {"zh": "管理员密钥", "en": "Admin secret"},
    "sign_in": {"zh": "登录", "en": "Sign in"},
    "sign_out": {"zh": "退出管理员", "en": "Sign out as admin"},
    "back": {"zh": "返回对话", "en": "Back to the chat"},
}

# Refusals at the HTTP level, shown by the page as a bot message.
REFUSALS = {
    "rate_limited": {"zh": "消息发得有点快了，请 {seconds} 秒后再试。",
                     "en": "That was a lot of messages at once; please try again in {seconds} s."},
    "too_long": {"zh": "这条消息太长了（最多 {limit} 个字符）。请只发问题本身，不要粘贴整篇文档。",
                 "en": "That message is too long (at most {limit} characters). Please send the question itself, "
                       "not a whole document."},
    "too_large": {"zh": "请求太大了。", "en": "That request is too large."},
    "bad_request": {"zh": "请求的格式不对。", "en": "That request is not in the expected form."},
    "forbidden": {"zh": "页面已过期，请刷新页面后重试。", "en": "This page has expired; please reload it and try again."},
    "access": {"zh": "请先输入访问码。", "en": "Please enter the access code first."},
}


def page_text(key: str, lang: str) -> str:
    return PAGE[key][lang]


def refusal(key: str, lang: str, **values) -> str:
    return REFUSALS[key][lang].format(**values)
