"""Recognise greetings, thanks, farewells, "who are you" and acknowledgements.

Only a message that is *entirely* small talk counts: "你好，战略部署怎么写" is a question.
"""

from __future__ import annotations

import re
import unicodedata

_PATTERNS = {
    "greeting": [
        r"(你|您)好(呀|啊|哇|吗)?", r"嗨", r"哈喽", r"哈啰", r"(早上|上午|中午|下午|晚上)好", r"早安?",
        r"在吗", r"在不在",
        r"大家好", r"hi+( there| all| everyone)?", r"hello+( there| all| everyone)?", r"hey+( there)?",
        r"good (morning|afternoon|evening|day)",
        r"morning", r"yo", r"greetings", r"hiya", r"howdy", r"你好啊?机器人", r"(hi|hello) bot",
        r"how are you( doing| today)?", r"what'?s up", r"sup", r"你好吗", r"最近好吗",
    ],
    "thanks": [
        r"(谢谢|多谢|感谢|谢啦|谢了)(你|您|啦|了|哈)?(的帮助|帮忙)?", r"非常感谢(你|您)?", r"太感谢(你|您)?了",
        r"辛苦(你)?了",
        r"thanks?( you)?( so much| very much| a lot| again)?", r"thx", r"ty", r"cheers", r"many thanks",
        r"(ok|okay|great|cool|perfect|nice),? thanks?( you)?", r"thanks?,? (that|this) (helps|helped)",
        r"appreciate it", r"好的?谢谢", r"明白了?,?谢谢",
    ],
    "bye": [
        r"再见", r"拜拜", r"回见", r"下次见", r"晚安", r"先这样", r"bye+", r"good ?bye", r"see (you|ya)( later)?",
        r"bye for now", r"have a nice day", r"good night", r"later",
    ],
    "identity": [
        r"你是(谁|什么|啥)", r"你叫(什么|啥)(名字)?",
        r"你是(机器人|人|ai|真人|人工智能|chat ?gpt|gpt|大模型|deepseek|文心一言|豆包)(吗|么|嘛)?",
        r"你是不是(机器人|真人)",
        r"(who|what) are you", r"are you (a |an )?(bot|robot|human|real|person|ai|chat ?gpt|gpt|llm)",
        r"what'?s your name",
        r"who (made|built|created) you", r"谁(开发|做|创建)了你", r"你是哪个(公司|单位)的",
    ],
    "ack": [
        r"好的?(呀|啊|吧)?", r"嗯+", r"行", r"可以", r"ok+", r"okay", r"明白(了)?", r"知道了", r"收到", r"了解",
        r"got it", r"i see", r"understood", r"alright", r"sure", r"fine", r"k",
        r"哈{2,}", r"呵{2,}", r"嘿{2,}", r"(ha){2,}h?", r"(he){2,}", r"lol", r"lmao",
    ],
    "praise": [
        r"(你)?(真|太|好)?(棒|厉害|牛|赞)(了|啊|呀)?", r"不错(嘛|哦)?", r"很好", r"great", r"awesome", r"nice",
        r"cool", r"perfect", r"excellent", r"good (bot|job)", r"well done", r"amazing", r"wow",
        r"(太|很|真|非常|特别)?(有用|有帮助|实用|专业|清楚|详细)(了|啊|呀)?", r"帮(了)?大忙(了)?", r"学到了",
        r"((that|this|it) (was|is)|that's|this's|it's|you're|you are|very|really|so|super) "
        r"(really |very |so |super )?(helpful|useful|great|clear|smart|good|awesome|amazing)",
        r"(very |really |so |super )?(helpful|useful|informative)", r"you('re| are) (the best|great|amazing)",
    ],
}
# Chinese chat particles may follow any of them ("拜拜啦", "好的哈"); acknowledgements may repeat ("嗯嗯收到").
_PARTICLES = "(?:啦|了|哈|呀|哦|噢|啊|嘛|喔|~)*"
_COMPILED = {
    kind: re.compile("(?:(?:" + "|".join(ps) + ")" + _PARTICLES + (r"\s?)+" if kind == "ack" else ")"))
    for kind, ps in _PATTERNS.items()
}
_LEADING_GREETING = re.compile(r"^(?:hi|hello|hey|你好|您好|嗨|哈喽)\s*")
_STRIP = re.compile(r"[\W_]+")
_SPLIT = re.compile(r"[,，。.!！?？~～、;；:：…\n]+")
# "thx 多谢", "谢谢 thanks": where Chinese meets Latin letters, a new piece begins.
_SCRIPT_BOUNDARY = re.compile(r"(?<=[\u3400-\u9fff])\s*(?=[a-z])|(?<=[a-z])\s*(?=[\u3400-\u9fff])")
# "hi, thanks" → the most telling kind: thanks and farewells outrank a greeting or an "ok".
_PRIORITY = ("identity", "thanks", "bye", "greeting", "praise", "ack")


def _kind_of(piece: str) -> list[str] | None:
    """Kinds of one punctuation-free piece: itself, or a leading greeting plus the rest."""
    words = " ".join(_STRIP.sub(" ", piece).split())
    for kind, rx in _COMPILED.items():
        if rx.fullmatch(words):
            return [kind]
    rest = _LEADING_GREETING.sub("", words, count=1)
    if rest != words and rest:
        inner = _kind_of(rest)
        return ["greeting", *inner] if inner else None
    return None


def classify(text: str) -> str | None:
    """The small-talk kind of a whole message ("greeting", "thanks", ...), or None for anything else.

    Every piece between punctuation must be small talk: "hi, thanks" is, "hi, 4.2 怎么写" is not.
    Give it normalised text (simplified Chinese, lower case): the answerer does.
    """
    text = unicodedata.normalize("NFKC", text).lower().strip()
    if not text or len(text) > 60:
        return None
    if not _STRIP.sub("", text) and any(unicodedata.category(ch) == "So" for ch in text):
        return "ack"  # 👍 🙏 and other emoji-only replies
    kinds: list[str] = []
    for piece in _SPLIT.split(text):
        if not _STRIP.sub("", piece):
            continue  # punctuation or emoji only
        found = _kind_of(piece)
        if found is None and _SCRIPT_BOUNDARY.search(piece):  # "thx 多谢": each script on its own
            parts = [_kind_of(p) for p in _SCRIPT_BOUNDARY.sub("\n", piece).split("\n") if _STRIP.sub("", p)]
            found = None if None in parts else [k for part in parts for k in part]
        if found is None:
            return None
        kinds.extend(found)
    return next((k for k in _PRIORITY if k in kinds), None)
