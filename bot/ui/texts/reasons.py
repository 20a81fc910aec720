"""Why a quiz result recommends an entry, by reason code (`assessment.scoring.Recommendation.reason`)."""

from __future__ import annotations

ANSWER_REASONS = {
    "chosen": {
        "zh": "{category}：你选择了「{said}」。{advice}",
        "en": "{category}: you chose \u201c{said}\u201d. {advice}",
    },
    "unknown": {
        "zh": "{category}：对「{question}」你选择了「不知道」。{advice}",
        "en": "{category}: to \u201c{question}\u201d you answered \u201cI don't know\u201d. {advice}",
    },
    "unanswered": {
        "zh": "{category}：「{question}」这一题没有作答。{advice}",
        "en": "{category}: \u201c{question}\u201d was not answered. {advice}",
    },
}
CATEGORY_REASONS = {
    "lowest": {
        "zh": "{category}是你得分最低的类目，先读懂它要求什么。",
        "en": "{category} is your lowest-scoring category: start with what it asks for.",
    },
    "even": {
        "zh": "有计分回答的各类目得分相同；其中{category}分值最高，先读懂它要求什么。",
        "en": "Every category with a counted answer scored the same; {category} carries the most points: "
              "start with what it asks for.",
    },
    "lowest_tied": {
        "zh": "{category}与其他类目并列得分最低，其中它分值最高：先读懂它要求什么。",
        "en": "{category} is tied for your lowest score and carries the most points of the tied categories: "
              "start with what it asks for.",
    },
    "only": {
        "zh": "{category}是唯一有计分回答的类目，先读懂它要求什么。",
        "en": "{category} is the only category with a counted answer: start with what it asks for.",
    },
}
NEXT_REASONS = {
    "lowest": {"zh": "{category}是你第二弱的类目。", "en": "{category} is your second-weakest category."},
    "even": {"zh": "{category}的分值次高。", "en": "{category} carries the next-most points."},
    "tied_lowest": {"zh": "{category}与上面的类目并列得分最低。",
                    "en": "{category} is tied with the category above for your lowest score."},
    "tied_second": {"zh": "{category}与其他类目并列第二低。",
                    "en": "{category} is tied with other categories for your second-lowest score."},
}
NONE_REASON = {
    "zh": "还没有计分的回答：先了解模式和自评方法，再做一次测评。",
    "en": "No answer was counted yet: learn the model and how to self-assess, then take the quiz again.",
}
