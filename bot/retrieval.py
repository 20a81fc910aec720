"""Bilingual TF-IDF retrieval: fitted with scikit-learn, served with numpy from a cached index.

Each entry is indexed as several *units*: one weighted document (title, keywords, answer, details) and
one unit per alternate question and title. An entry's score blends its document score with its best
question score. Units are columns of a precomputed transposed matrix, so a query costs
`q @ XT` over the query's few terms only, whatever the size of the knowledge base.

Fitting needs scikit-learn (about a second to import), so the fitted arrays are cached on disk, keyed by
a hash of the knowledge files and these settings; serving imports only numpy.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bot.textnorm import Analyzer, AnalyzerParams, Normalizer

log = logging.getLogger(__name__)
INDEX_VERSION = "3"


@dataclass(frozen=True)
class IndexParams:
    """Field weights and blending, chosen on the development set (docs/retrieval.md)."""

    analyzer: AnalyzerParams = AnalyzerParams()
    w_title: float = 2.0
    w_keywords: float = 1.5
    w_questions: float = 1.5
    w_answer: float = 1.0
    w_details: float = 0.5
    doc_share: float = 0.5  # entry score = doc_share * document + (1 - doc_share) * best question

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(frozen=True)
class Document:
    """What the index needs of one entry: its fields as text, both languages joined."""

    id: str
    title: str
    keywords: str
    questions: tuple[str, ...]
    answer: str
    details: str


@dataclass
class IndexArrays:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (terms,)
    indptr: np.ndarray  # CSR of XT: one row per term, columns are units
    indices: np.ndarray
    data: np.ndarray
    doc_unit: np.ndarray  # (entries,) column of each entry's document unit
    q_start: np.ndarray  # (entries,) first question unit of each entry (question units are contiguous)
    unit_entry: np.ndarray  # (units,) entry of each unit
    entry_ids: list[str]
    sublinear_tf: bool = True


def documents_from(kb) -> list[Document]:
    """Index documents for the in-scope and out-of-scope entries of a knowledge base."""
    docs = []
    for e in kb.entries.values():
        both = ("zh", "en")
        questions = tuple(q for lang in both for q in e.questions[lang]) + tuple(e.title[lang] for lang in both)
        docs.append(
            Document(
                id=e.id,
                title=" ".join(e.title[lang] for lang in both),
                keywords=" ; ".join(k for lang in both for k in e.keywords[lang]),
                questions=questions,
                answer=" ".join(e.answer[lang] for lang in both),
                details=" ".join(e.details[lang] for lang in both) if e.details else "",
            )
        )
    return docs


def fit(docs: Sequence[Document], analyzer: Analyzer, params: IndexParams) -> IndexArrays:
    """Fit TF-IDF with scikit-learn over every field and build the unit matrix."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    corpus_fields = ("title", "keywords", "answer", "details")
    corpus = [getattr(d, f) for d in docs for f in corpus_fields] + [q for d in docs for q in d.questions]
    vec = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, norm="l2", lowercase=False)
    vec.fit(corpus)
    weights = {"title": params.w_title, "keywords": params.w_keywords, "answer": params.w_answer,
               "details": params.w_details}
    doc_rows = None
    for f, w in weights.items():
        part = vec.transform([getattr(d, f) for d in docs]) * w
        doc_rows = part if doc_rows is None else doc_rows + part
    q_texts = [" ".join(d.questions) for d in docs]
    doc_rows = doc_rows + vec.transform(q_texts) * params.w_questions
    doc_rows = normalize(doc_rows, norm="l2")
    q_rows = vec.transform([q for d in docs for q in d.questions])
    units = sparse.vstack([doc_rows, q_rows]).tocsr()
    counts = np.array([len(d.questions) for d in docs], dtype=np.int64)
    q_start = len(docs) + np.concatenate([[0], np.cumsum(counts)[:-1]])
    unit_entry = np.concatenate([np.arange(len(docs)), np.repeat(np.arange(len(docs)), counts)])
    xt = units.T.tocsr()
    xt.sort_indices()
    return IndexArrays(
        vocabulary={t: int(i) for t, i in vec.vocabulary_.items()},
        idf=vec.idf_.astype(np.float64),
        indptr=xt.indptr.astype(np.int64),
        indices=xt.indices.astype(np.int32),
        data=xt.data.astype(np.float64),
        doc_unit=np.arange(len(docs), dtype=np.int64),
        q_start=q_start.astype(np.int64),
        unit_entry=unit_entry.astype(np.int64),
        entry_ids=[d.id for d in docs],
    )


class Retriever:
    """Scores a query against the index: `q @ XT` over the query's terms, then the doc/question blend."""

    def __init__(self, arrays: IndexArrays, analyzer: Analyzer, doc_share: float):
        self.a = arrays
        self.analyzer = analyzer
        self.doc_share = doc_share
        self.n_entries = len(arrays.entry_ids)
        self.n_units = len(arrays.unit_entry)

    def query_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Term ids and l2-normalised TF-IDF weights of a query, exactly as sklearn's transform()."""
        counts = Counter(t for t in self.analyzer(text) if t in self.a.vocabulary)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        ids = np.fromiter((self.a.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.a.sublinear_tf:
            tf = 1.0 + np.log(tf)
        w = tf * self.a.idf[ids]
        return ids, w / math.sqrt(float(w @ w))

    def unit_scores(self, text: str) -> np.ndarray:
        ids, w = self.query_vector(text)
        scores = np.zeros(self.n_units)
        a = self.a
        for t, wt in zip(ids.tolist(), w.tolist(), strict=True):
            s, e = a.indptr[t], a.indptr[t + 1]
            scores[a.indices[s:e]] += wt * a.data[s:e]
        return scores

    def entry_scores(self, text: str) -> np.ndarray:
        units = self.unit_scores(text)
        doc = units[self.a.doc_unit]
        best_q = np.maximum.reduceat(units[self.n_entries :], self.a.q_start - self.n_entries)
        return self.doc_share * doc + (1.0 - self.doc_share) * best_q

    def search(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The k best entries with a positive score, best first (ties broken by entry order)."""
        scores = self.entry_scores(text)
        k = min(k, self.n_entries)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < self.n_entries else np.arange(self.n_entries)
        top = sorted(top.tolist(), key=lambda i: (-scores[i], i))
        return [(self.a.entry_ids[i], float(scores[i])) for i in top if scores[i] > 0]


class IndexCache:
    """Fitted arrays on disk: `<key>.npz` plus `<key>.json`, written atomically, read without pickle."""

    def __init__(self, directory: Path | None):
        self.directory = directory

    def path(self, key: str) -> Path | None:
        return self.directory / f"index-{key[:32]}" if self.directory else None

    def load(self, key: str) -> IndexArrays | None:
        base = self.path(key)
        if base is None:
            return None
        try:
            meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
            if meta.get("key") != key:
                return None
            with np.load(base.with_suffix(".npz"), allow_pickle=False) as z:
                arrays = {name: z[name] for name in z.files}
        except (OSError, ValueError, KeyError):
            return None
        return IndexArrays(vocabulary=meta["vocabulary"], entry_ids=meta["entry_ids"], **arrays)

    def save(self, key: str, arrays: IndexArrays) -> None:
        base = self.path(key)
        if base is None:
            return
        try:
            base.parent.mkdir(parents=True, exist_ok=True)
            fields = ("idf", "indptr", "indices", "data", "doc_unit", "q_start", "unit_entry")
            _atomic_write(base.with_suffix(".npz"),
                          lambda f: np.savez(f, **{n: getattr(arrays, n) for n in fields}))
            meta = {"key": key, "vocabulary": arrays.vocabulary, "entry_ids": arrays.entry_ids}
            _atomic_write(base.with_suffix(".json"),
                          lambda f: f.write(json.dumps(meta, ensure_ascii=False).encode("utf-8")))
        except OSError as exc:  # a read-only cache only costs start-up time
            log.warning("index cache not written to %s: %s", self.directory, exc)


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_key(fingerprint: str, params: IndexParams) -> str:
    """Changes with the knowledge files, the settings, and the code that tokenises and fits."""
    import hashlib

    from bot import textnorm

    h = hashlib.sha256(f"{INDEX_VERSION}|{fingerprint}|{params.key()}".encode())
    for module_file in (__file__, textnorm.__file__):
        h.update(Path(module_file).read_bytes())
    return h.hexdigest()


def build_retriever(kb, cache_dir: Path | None, params: IndexParams = IndexParams()) -> Retriever:
    """A retriever for a knowledge base: from the cache when the knowledge is unchanged, else fitted."""
    normalizer = Normalizer({v: g.canonical for g in kb.synonyms for v in g.variants})
    analyzer = Analyzer(normalizer, params.analyzer)
    cache = IndexCache(cache_dir)
    key = cache_key(kb.fingerprint, params)
    arrays = cache.load(key)
    if arrays is None or arrays.entry_ids != list(kb.entries):
        arrays = fit(documents_from(kb), analyzer, params)
        cache.save(key, arrays)
    return Retriever(arrays, analyzer, params.doc_share)
