"""Text normalisation and tokenisation shared by index fitting and query serving.

The same `Analyzer` instance is handed to scikit-learn's TfidfVectorizer when the index is fitted and
is called directly when a query is served, so both sides always see identical tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
# A folded term (see Normalizer), a clause number (4.2.3), a Latin word (with inner / - ' +), a number,
# or a run of Chinese characters.
TERM_OPEN, TERM_CLOSE = "\ue000", "\ue001"  # private-use characters: never in real text after NFKC
TOKEN_RE = re.compile(rf"{TERM_OPEN}\d+{TERM_CLOSE}|\d+(?:\.\d+)+|[a-z0-9]+(?:[/'+-][a-z0-9]+)*|[{CJK}]+")
# Only words that carry grammar: "what can you do" must keep its meaning (measured in docs/retrieval.md).
EN_STOP = frozenset((
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with", "from", "is", "are",
    "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "there", "their",
    "they", "them", "he", "she", "his", "her", "as", "if", "so", "than", "then", "too", "very", "just",
    "also", "i", "me", "my", "s", "t", "im", "i'm", "we're", "pls", "please",
    # Question words: near the max_df cut, they would drop in and out of the index as content grows.
    "what", "how", "which", "where", "when", "why", "whats", "what's",
))
# Characters that carry grammar rather than meaning in chat questions.
ZH_STOP = frozenset("的了吗呢吧啊呀么嘛哦哈是在和与及或就都也还又很请问我你他她它们这那个些什怎样")
# A bigram with one of these ("是多", "的分", "怎么") is grammar, not a word; 问 and 个 stay ("问题", "个人").
ZH_BIGRAM_STOP = frozenset("的了吗呢吧啊呀么嘛哦哈是我你他她它们这那些什怎")
# Question words: always grammar, and near the max_df cut they would drop in and out as content grows.
ZH_QUESTION_BIGRAMS = frozenset(("什么", "怎么", "怎样", "如何", "哪些", "为何", "是否", "为什"))


def _stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed and -ment, then a final -e, so that derivations meet
    ("deployed", "deployment" → "deploy"; "managing", "management" → "manag")."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ments", ""), ("ment", ""), ("ies", "y"), ("sses", "ss"), ("ings", ""), ("ing", ""),
                         ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: len(word) - len(suffix)] + repl
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


@dataclass(frozen=True)
class AnalyzerParams:
    """Tokeniser settings chosen on the development set (docs/retrieval.md)."""

    zh_ngrams: tuple[int, ...] = (1, 2)
    en_bigrams: bool = True
    stem: bool = True
    en_char_ngrams: tuple[int, ...] = (3, 4)  # within words: robust to typos ("leadershp")
    zh_stop: bool = True
    # The synonym list's terms (市长质量奖, "mayor quality award") count as one token each, so a
    # name repeated in every award question does not outweigh what the question is about.
    atomic_terms: bool = True
    zh_bigram_stop: bool = False  # measured: no gain (docs/retrieval.md)


# A clause number typed with the Chinese IME or without dots: "4。2。3", "4、2、3", "4 4 3", "4-6" → "4.2.3".
# Not when a count follows ("4、5年", "4 5 个人"): that is "four or five", not a clause.
_SEP = r"\s*[。.、,，·\-\s]\s*"
CLAUSE_TYPED_RE = re.compile(
    rf"(?<![\d.])4{_SEP}([1-7])(?:{_SEP}(\d{{1,2}}))?(?![\d.])"
    r"(?!\s*(?:个|年|月|日|天|人|万|千|次|家|名|分|岁|周|项|页|章|点|%|years?|months?|days?|people|points?))")
# OpenCC's Taiwan phrases read 指標 as "pointer" (指针); in this field it is always an indicator (指标).
# 品質 is Taiwan's word for 质量 (quality), kept as 品质 by OpenCC.
_TW_FIXES = (("指针", "指标"), ("品质", "质量"))


def _clause(m: re.Match) -> str:
    return "4." + m.group(1) + (("." + m.group(2)) if m.group(2) else "")


# Each category's first item (4.1.1 … 4.7.1) is its summary (提要): what the category entry explains.
SUMMARY_ITEM_RE = re.compile(r"(?<![\d.])(4\.[1-7])\.1(?![\d.]*\d)")


class Normalizer:
    """Full-width → half-width (NFKC), Taiwan/HK traditional → simplified with Taiwan vocabulary mapped
    (OpenCC `tw2sp`: 資訊 → 信息, 軟體 → 软件), lower case, typed clause numbers, synonyms folded."""

    def __init__(self, synonyms: dict[str, str] | None = None, atomic: bool = False):
        self._converter = None  # OpenCC is loaded on the first Chinese text, not at start-up
        self._last: tuple[str | None, str] = (None, "")
        self._synonyms = dict(synonyms or {})
        self.atomic = atomic
        self.terms = sorted(set(self._synonyms.values()))
        if atomic:  # the canonical term itself is folded into its atomic token too
            self._synonyms.update({c: c for c in self.terms})
        self._marker = {c: f" {TERM_OPEN}{i}{TERM_CLOSE} " for i, c in enumerate(self.terms)}
        # Longest first, so "鲍德里奇奖" is folded before any shorter variant inside it.
        self._variants = sorted(self._synonyms, key=len, reverse=True)
        self._patterns: dict[tuple[str, ...], re.Pattern] = {}
        # Variants by first character: a question is only checked for variants that could start in it.
        self._by_first: dict[str, list[str]] = {}
        for v in self._variants:
            self._by_first.setdefault(v[0], []).append(v)

    def _t2s(self, text: str) -> str:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC("tw2sp")
        text = self._converter.convert(text)
        for wrong, right in _TW_FIXES:
            text = text.replace(wrong, right)
        return text

    def basic(self, text: str) -> str:
        # The answerer reads a question's basic form (small talk, clauses) just before retrieval tokenises
        # it: the last result is kept, as one tuple (safe to read from any thread), so OpenCC runs once.
        last = self._last
        if last[0] == text:
            return last[1]
        out = unicodedata.normalize("NFKC", text).lower()
        if CJK_RE.search(out):
            out = self._t2s(out)
        if "4" in out:
            out = SUMMARY_ITEM_RE.sub(r"\1", CLAUSE_TYPED_RE.sub(_clause, out))
        self._last = (text, out)
        return out

    @staticmethod
    def _pattern(variants: tuple[str, ...]) -> re.Pattern:
        # Latin variants match whole words; Chinese ones match anywhere.
        return re.compile("|".join(re.escape(v) if CJK_RE.search(v) else rf"(?<![a-z0-9]){re.escape(v)}(?![a-z0-9])"
                                   for v in variants))

    def _fold(self, text: str) -> str:
        # Plain substring tests first: most texts contain no variant, and one big alternation regex
        # cost seconds per fit over long entry texts and 40 µs per question.
        chars = set(text)
        present = tuple(sorted((v for c in chars for v in self._by_first.get(c, ()) if v in text),
                               key=len, reverse=True))
        if not present:
            return text
        pattern = self._patterns.get(present)
        if pattern is None:
            pattern = self._patterns[present] = self._pattern(present)
        if self.atomic:
            return pattern.sub(lambda m: self._marker[self._synonyms[m.group(0)]], text)
        return pattern.sub(lambda m: " " + self._synonyms[m.group(0)] + " ", text)

    def __call__(self, text: str) -> str:
        return self._fold(self.basic(text))


class Analyzer:
    """Callable text → tokens, usable as TfidfVectorizer(analyzer=...)."""

    def __init__(self, normalizer: Normalizer, params: AnalyzerParams = AnalyzerParams()):
        self.normalize = normalizer
        self.params = params
        self._words: dict[str, tuple[str, tuple[str, ...]]] = {}  # a word's stem and character n-grams

    def _word(self, run: str) -> tuple[str, tuple[str, ...]]:
        cached = self._words.get(run)
        if cached is None:
            p = self.params
            word = _stem(run) if p.stem else run
            grams: tuple[str, ...] = ()
            if p.en_char_ngrams and len(run) > 3 and run.isalpha():
                padded = f"<{run}>"
                grams = tuple("#" + padded[i : i + n] for n in p.en_char_ngrams for i in range(len(padded) - n + 1))
            cached = (word, grams)
            if len(self._words) < 200_000:  # bounded: vocabulary-sized, not input-sized
                self._words[run] = cached
        return cached

    def __call__(self, text: str, known=None) -> list[str]:
        """Tokens of `text`. With `known` (a vocabulary), an English word that is known as a whole gets
        no character n-grams: they are there to catch misspelt words, not to amplify correct ones."""
        p = self.params
        tokens: list[str] = []
        prev_word = None
        for match in TOKEN_RE.finditer(self.normalize(text)):
            run = match.group(0)
            if run[0] == TERM_OPEN:
                tokens.append("@" + self.normalize.terms[int(run[1:-1])])
                prev_word = None
                continue
            if CJK_RE.match(run):
                prev_word = None
                for n in p.zh_ngrams:
                    if n == 1:
                        tokens.extend(ch for ch in run if not (p.zh_stop and ch in ZH_STOP))
                    else:
                        grams = (g for g in (run[i : i + n] for i in range(len(run) - n + 1))
                                 if g not in ZH_QUESTION_BIGRAMS)
                        if p.zh_bigram_stop:
                            grams = (g for g in grams if not any(ch in ZH_BIGRAM_STOP for ch in g))
                        tokens.extend(grams)
                continue
            # "self-assess", "input/output": the parts are the words ("self assess", "input output").
            for part in _PARTS_RE.split(run) if ("-" in run or "/" in run) else (run,):
                if not part or part in EN_STOP:
                    prev_word = None
                    continue
                word, grams = self._word(part)
                tokens.append(word)
                if grams and (known is None or word not in known):
                    tokens.extend(grams)
                if p.en_bigrams and prev_word is not None:
                    tokens.append(prev_word + " " + word)
                prev_word = word
        return tokens


_PARTS_RE = re.compile(r"[/-]")


LATIN_WORD_RE = re.compile(r"[A-Za-z]+")


def has_language(text: str) -> bool:
    """Whether a message shows its language at all: "3", "B" or "👍" do not, so the reply language stays."""
    return bool(CJK_RE.search(text)) or any(len(w) > 1 for w in LATIN_WORD_RE.findall(text))


def language_of(text: str) -> str:
    """The reply language a message implies. A Chinese word is about two characters, so "KPI怎么定" is
    Chinese and "how is 组织概述 scored" is English; ties go to Chinese, the primary audience."""
    cjk = len(CJK_RE.findall(text))
    if not cjk:
        return "en"
    return "zh" if cjk >= 2 * len(LATIN_WORD_RE.findall(text)) else "en"
