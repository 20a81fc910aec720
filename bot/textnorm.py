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
# A clause number (4.2.3), a Latin word (with inner / - ' +), a number, or a run of Chinese characters.
TOKEN_RE = re.compile(rf"\d+(?:\.\d+)+|[a-z0-9]+(?:[/'+-][a-z0-9]+)*|[{CJK}]+")
EN_STOP = frozenset(
    """a an the and or of to in on at for by with from is are was were be been being do does did done
    doing have has had i me my we our us you your it its this that these those what which who whom how
    why when where can could should would will shall may might must there their they them he she his her
    about into as if so than then too very just also any some all more most such not no nor only own same
    s t don't doesn't isn't aren't im i'm we're pls please tell explain know want need get
    """.split()
)
# Characters that carry grammar rather than meaning in chat questions.
ZH_STOP = frozenset("的了吗呢吧啊呀么嘛哦哈是在和与及或就都也还又很请问我你他她它们这那个些什怎样")


def _stem(word: str) -> str:
    """A light English stemmer: plural and common verb endings only (measured in docs/retrieval.md)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + repl
    return word


@dataclass(frozen=True)
class AnalyzerParams:
    """Tokeniser settings chosen on the development set (docs/retrieval.md)."""

    zh_ngrams: tuple[int, ...] = (1, 2)
    en_bigrams: bool = True
    stem: bool = True


class Normalizer:
    """Full-width → half-width (NFKC), traditional → simplified (OpenCC), lower case, synonyms folded."""

    def __init__(self, synonyms: dict[str, str] | None = None):
        self._converter = None  # OpenCC is loaded on the first Chinese text, not at start-up
        self._synonym_re, self._synonyms = _synonym_matcher(synonyms or {})

    def _t2s(self, text: str) -> str:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC("t2s")
        return self._converter.convert(text)

    def basic(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).lower()
        if CJK_RE.search(text):
            text = self._t2s(text)
        return text

    def __call__(self, text: str) -> str:
        text = self.basic(text)
        if self._synonym_re is not None:
            text = self._synonym_re.sub(lambda m: " " + self._synonyms[m.group(0)] + " ", text)
        return text


def _synonym_matcher(synonyms: dict[str, str]):
    if not synonyms:
        return None, {}
    parts = []
    for variant in sorted(synonyms, key=len, reverse=True):
        escaped = re.escape(variant)
        # Latin variants match whole words; Chinese ones match anywhere.
        parts.append(escaped if CJK_RE.search(variant) else rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile("|".join(parts)), synonyms


class Analyzer:
    """Callable text → tokens, usable as TfidfVectorizer(analyzer=...)."""

    def __init__(self, normalizer: Normalizer, params: AnalyzerParams = AnalyzerParams()):
        self.normalize = normalizer
        self.params = params

    def __call__(self, text: str) -> list[str]:
        p = self.params
        tokens: list[str] = []
        prev_word = None
        for match in TOKEN_RE.finditer(self.normalize(text)):
            run = match.group(0)
            if CJK_RE.match(run):
                prev_word = None
                for n in p.zh_ngrams:
                    if n == 1:
                        tokens.extend(ch for ch in run if ch not in ZH_STOP)
                    else:
                        tokens.extend(run[i : i + n] for i in range(len(run) - n + 1))
                continue
            if run in EN_STOP:
                prev_word = None
                continue
            word = _stem(run) if p.stem else run
            tokens.append(word)
            if p.en_bigrams and prev_word is not None:
                tokens.append(prev_word + " " + word)
            prev_word = word
        return tokens


LATIN_WORD_RE = re.compile(r"[A-Za-z]+")


def language_of(text: str) -> str:
    """The reply language a message implies. A Chinese word is about two characters, so "KPI怎么定" is
    Chinese and "how is 组织概述 scored" is English; ties go to Chinese, the primary audience."""
    cjk = len(CJK_RE.findall(text))
    if not cjk:
        return "en"
    return "zh" if cjk >= 2 * len(LATIN_WORD_RE.findall(text)) else "en"
