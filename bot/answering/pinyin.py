"""A question typed in pinyin without tones ("zi ping bao gao zen me xie"), read as Chinese.

Users whose input method is off type the sounds of the words. Every Chinese word of the knowledge base
has a toneless pinyin spelling; each pair of typed syllables is replaced by the knowledge base's most
common two-character word that sounds like it, and the result is searched as a Chinese question.
pypinyin and the sound table are loaded on the first pinyin-looking question only.
"""

from __future__ import annotations

import itertools
import re

from bot.answering.textnorm import CJK_RE

_WORD_RE = re.compile(r"[a-z]+")
# The shape of a toneless pinyin syllable (initial + final): "what", "is" and "kpi" are not, so English
# questions never load the sound table.
_SYLLABLE_RE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|an|ao|ei|en|er|ia|ie|in|iu|ou|ua|ue|ui|un|uo|ve|a|e|i|o|u|v)")


class PinyinReader:
    def __init__(self, vocabulary: dict[str, int], idf):
        self._vocabulary = vocabulary
        self._idf = idf
        self._words: dict[tuple[str, str], str] | None = None  # (syllable, syllable) → 汉字 bigram
        self._syllables: frozenset[str] = frozenset()

    def _load(self) -> None:
        from pypinyin import lazy_pinyin

        best: dict[tuple[str, str], tuple[float, str]] = {}
        syllables: set[str] = set()
        for term, i in self._vocabulary.items():
            if len(term) != 2 or not (CJK_RE.match(term[0]) and CJK_RE.match(term[1])):
                continue
            sound = tuple(lazy_pinyin(term, v_to_u=False))
            if len(sound) != 2:
                continue
            syllables.update(sound)
            weight = float(self._idf[i])  # lower IDF: the more common word of two that sound alike
            if sound not in best or weight < best[sound][0]:
                best[sound] = (weight, term)
        self._words = {sound: term for sound, (_, term) in best.items()}
        self._syllables = frozenset(syllables)

    def looks_like_pinyin(self, text: str) -> bool:
        """No Chinese, at least three words, and every word a syllable (cheap checks first)."""
        if CJK_RE.search(text):
            return False
        words = _WORD_RE.findall(text)
        if len(words) < 3 or not all(_SYLLABLE_RE.fullmatch(w) for w in words):
            return False
        if self._words is None:
            self._load()
        return all(w in self._syllables for w in words)

    def to_chinese(self, text: str) -> str | None:
        """The Chinese words heard in a pinyin question, or None if it is not pinyin."""
        if not self.looks_like_pinyin(text):
            return None
        words = _WORD_RE.findall(text)
        found = [self._words[pair] for pair in itertools.pairwise(words) if pair in self._words]
        return " ".join(found) or None
