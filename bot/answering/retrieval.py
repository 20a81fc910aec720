"""Bilingual TF-IDF retrieval: fitted with scikit-learn, served with numpy from a cached index.

Each entry is indexed as several *units*, the columns of one precomputed transposed matrix XT:

- its document: title, clause, keywords, alternate questions, answer and details, weighted by field;
- its clause number, scored as an exact hit ("4.2.3" in the question);
- each alternate question (and title), scored by cosine; the entry keeps its best one.

One query costs `q @ XT` over the query's few terms, whatever the size of the knowledge base, then a
blend of the unit scores per entry (see `IndexParams`). Fitting needs scikit-learn (about a second to
import), so the fitted arrays are cached on disk, keyed by a hash of the knowledge files, these settings
and this code; serving imports only numpy.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bot.answering.textnorm import CJK_RE, Analyzer, AnalyzerParams, Normalizer
from bot.kb.atomicfile import atomic_write

log = logging.getLogger(__name__)
INDEX_VERSION = "5"


@dataclass(frozen=True)
class IndexParams:
    """Weights chosen on the development set (docs/retrieval.md, benchmarks/tune_retrieval.py)."""

    analyzer: AnalyzerParams = AnalyzerParams()  # noqa: RUF009 - a frozen, immutable default
    # Field weights inside the document unit.
    w_title: float = 2.0
    w_clause: float = 3.0
    w_keywords: float = 1.5
    w_questions: float = 1.5
    w_answer: float = 1.0
    w_details: float = 0.5
    # Token-type weights, applied as IDF multipliers.
    w_char_ngram: float = 1.0
    w_zh_unigram: float = 1.0
    w_en_bigram: float = 1.0
    # Entry score = doc_share * document + (1 - doc_share) * question match + w_clause_hit * clause hit,
    # where question match = (1 - w_second) * best + w_second * second-best alternate question: a soft
    # maximum, less at the mercy of one question that happens to share a word.
    doc_share: float = 0.6  # re-tuned with question_words_only (docs/retrieval.md)
    w_second: float = 0.4
    w_clause_hit: float = 0.2
    # Character n-grams in each alternate question count this much (1: fully; 0: only in documents).
    # Low: typos still match a question, without n-grams of common words outweighing whole words.
    w_ngram_in_questions: float = 0.0
    ngrams_for_unknown_only: bool = False  # True: a query's correctly spelt words get no character n-grams
    # Question units hold no character n-grams, so they are matched with the query's words only (the
    # query re-normalised without its n-grams). Otherwise an English question, whose n-grams carry ~80 %
    # of its norm, could never score above ~0.45 against an alternate it matches word for word.
    question_words_only: bool = True
    words_power: float = 1.0  # 1: the words-only norm; between 0 and 1: part of the way there
    # sklearn's max_df: terms in more than 10 % of texts (什么, how, common n-grams) carry little and have the
    # longest posting lists; dropping them is neutral for top-1 and raised top-3 (docs/retrieval.md).
    max_df: float = 0.1
    # Static index pruning: a term keeps its `max_postings` highest-weight units. Exact for the shipped
    # base (no term comes close); above it, what is dropped is the smallest contributions of the most
    # common terms, and a query's cost stops growing with the size of the base.
    max_postings: int = 4000
    # Above this many entries, the question blend is computed for candidate entries only (the best
    # documents and the owners of the best question units): the top results are unchanged in practice.
    exact_entries: int = 2000
    candidates: int = 256

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(frozen=True)
class Document:
    """What the index needs of one entry: its fields as text (both languages joined)."""

    id: str
    title: str
    clause: str
    keywords: str
    questions: tuple[str, ...]
    answer: str
    details: str


@dataclass
class IndexArrays:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (terms,), token-type multipliers included
    indptr: np.ndarray  # CSR of XT: one row per term, one column per unit
    indices: np.ndarray
    data: np.ndarray
    q_start: np.ndarray  # (entries,) first question unit of each entry; question units are contiguous
    entry_ids: list[str]
    n_units: int


def documents_from(kb) -> list[Document]:
    docs = []
    for e in kb.entries.values():
        both = ("zh", "en")
        questions = tuple(q for lang in both for q in e.questions[lang]) + tuple(e.title[lang] for lang in both)
        docs.append(Document(
            id=e.id,
            title=" ".join(e.title[lang] for lang in both),
            clause=e.clause or "",
            keywords=" ; ".join(k for lang in both for k in e.keywords[lang]),
            questions=questions,
            answer=" ".join(e.answer[lang] for lang in both),
            details=" ".join(e.details[lang] for lang in both) if e.details else "",
        ))
    return docs


def term_weights(terms, params: IndexParams) -> np.ndarray:
    """An IDF multiplier per term, by token type (see IndexParams)."""
    out = np.ones(len(terms))
    for i, term in enumerate(terms):
        if term.startswith("#"):
            out[i] = params.w_char_ngram
        elif " " in term:
            out[i] = params.w_en_bigram
        elif len(term) == 1 and CJK_RE.match(term):
            out[i] = params.w_zh_unigram
    return out


def fit_units(docs: Sequence[Document], analyzer: Analyzer, params: IndexParams):
    """Fit TF-IDF with scikit-learn over every field and question, in one tokenising pass.

    Returns the CountVectorizer and TfidfTransformer (together exactly a TfidfVectorizer), the unit matrix
    (one row per unit) and where each entry's question units start.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.preprocessing import normalize

    fields = {"title": params.w_title, "clause": params.w_clause, "keywords": params.w_keywords,
              "answer": params.w_answer, "details": params.w_details}
    n, nf = len(docs), len(fields)
    corpus = [getattr(d, f) for d in docs for f in fields] + [q for d in docs for q in d.questions]
    counter = CountVectorizer(analyzer=analyzer, lowercase=False, max_df=params.max_df)
    counts = counter.fit_transform(corpus).tocsr()
    tfidf = TfidfTransformer(sublinear_tf=True, norm="l2").fit(counts)
    tfidf.idf_ = tfidf.idf_ * term_weights(counter.get_feature_names_out(), params)
    idf = tfidf.idf_.astype(np.float64)
    vocabulary = counter.vocabulary_

    q_counts = counts[n * nf :]
    per_entry = np.array([len(d.questions) for d in docs], dtype=np.int64)
    owner = sparse.csr_matrix((np.ones(len(corpus) - n * nf), (np.repeat(np.arange(n), per_entry),
                                                                np.arange(len(corpus) - n * nf))))
    doc_rows = tfidf.transform(owner @ q_counts) * params.w_questions  # all of an entry's questions
    for i, w in enumerate(fields.values()):
        doc_rows = doc_rows + tfidf.transform(counts[i : n * nf : nf]) * w
    doc_rows = normalize(doc_rows)
    with_clause = [i for i, d in enumerate(docs) if d.clause in vocabulary]
    clause = sparse.csr_matrix(
        ([1.0 / idf[vocabulary[docs[i].clause]] for i in with_clause],
         (with_clause, [vocabulary[docs[i].clause] for i in with_clause])), shape=(n, len(idf)))
    q_rows = tfidf.transform(q_counts)
    if params.w_ngram_in_questions != 1.0:
        is_ngram = np.array([t.startswith("#") for t in counter.get_feature_names_out()])
        q_rows.data[is_ngram[q_rows.indices]] *= params.w_ngram_in_questions
        q_rows.eliminate_zeros()
        q_rows = normalize(q_rows)
    units = sparse.vstack([doc_rows, clause, q_rows]).tocsr()
    q_start = 2 * n + np.concatenate([[0], np.cumsum(per_entry)[:-1]])
    return counter, tfidf, units, q_start


def fit(docs: Sequence[Document], analyzer: Analyzer, params: IndexParams) -> IndexArrays:
    """The served form of a fit: XT as CSR arrays, the vocabulary and the IDF weights."""
    counter, tfidf, units, q_start = fit_units(docs, analyzer, params)
    vocabulary = {t: int(i) for t, i in counter.vocabulary_.items()}
    xt = _prune(units.T.tocsr(), params.max_postings)
    xt.sort_indices()
    return IndexArrays(
        vocabulary=vocabulary, idf=tfidf.idf_.astype(np.float64),
        indptr=xt.indptr.astype(np.int64), indices=xt.indices.astype(np.int32), data=xt.data.astype(np.float64),
        q_start=q_start.astype(np.int64), entry_ids=[d.id for d in docs], n_units=units.shape[0],
    )


def _prune(xt, keep: int):
    """Keep, per term (row), its `keep` highest-weight postings."""
    lengths = np.diff(xt.indptr)
    if lengths.max(initial=0) <= keep:
        return xt
    from scipy import sparse

    rows, cols, vals = [], [], []
    for r in range(xt.shape[0]):
        s, e = xt.indptr[r], xt.indptr[r + 1]
        idx, data = xt.indices[s:e], xt.data[s:e]
        if e - s > keep:
            top = np.argpartition(-data, keep - 1)[:keep]
            idx, data = idx[top], data[top]
        rows.append(np.full(len(idx), r))
        cols.append(idx)
        vals.append(data)
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=xt.shape)


class Retriever:
    """Scores a query: `q @ XT` over the query's terms, then the per-entry blend of unit scores."""

    def __init__(self, arrays: IndexArrays, analyzer: Analyzer, params: IndexParams):
        self.a = arrays
        self.analyzer = analyzer
        self.params = params
        self.n_entries = len(arrays.entry_ids)
        self.n_units = arrays.n_units
        self.q_offsets = arrays.q_start - 2 * self.n_entries
        self.q_counts = np.diff(np.append(self.q_offsets, self.n_units - 2 * self.n_entries))
        self.q_owner = np.repeat(np.arange(self.n_entries), self.q_counts)  # entry of each question unit
        self.is_ngram = np.zeros(len(arrays.idf), dtype=bool)
        self.is_ngram[[i for t, i in arrays.vocabulary.items() if t.startswith("#")]] = True

    def query_vector(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Term ids, l2-normalised TF-IDF weights (exactly sklearn's transform) and the raw norm."""
        vocabulary = self.a.vocabulary
        known = vocabulary if self.params.ngrams_for_unknown_only else None
        counts: dict[int, int] = {}
        for token in self.analyzer(text, known):
            i = vocabulary.get(token)
            if i is not None:  # a term the knowledge base never uses adds nothing
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0), 0.0
        ids = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        w = (1.0 + np.log(tf)) * self.a.idf[ids]
        norm = math.sqrt(float(w @ w))
        return ids, w / norm, norm

    def unit_scores(self, ids: np.ndarray, w: np.ndarray) -> np.ndarray:
        """`q @ XT`: gather the postings of the query's terms at once and sum them per unit."""
        a = self.a
        starts = a.indptr[ids]
        lengths = a.indptr[ids + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(self.n_units)
        # Positions of every posting: each term's run starts at its indptr entry.
        run_start = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        positions = run_start + np.arange(total)
        weights = a.data[positions] * np.repeat(w, lengths)
        return np.bincount(a.indices[positions], weights=weights, minlength=self.n_units)

    def words_factor(self, ids: np.ndarray, w: np.ndarray) -> float:
        """How much a question unit's score grows when the query is matched by its words alone."""
        if not self.params.question_words_only or self.params.w_ngram_in_questions:
            return 1.0
        words = w[~self.is_ngram[ids]]
        norm = math.sqrt(float(words @ words))
        return (1.0 / norm) ** self.params.words_power if norm else 1.0

    def entry_scores(self, text: str) -> np.ndarray:
        ids, w, norm = self.query_vector(text)
        if not len(ids):
            return np.zeros(self.n_entries)
        units = self.unit_scores(ids, w)
        n, p = self.n_entries, self.params
        questions = units[2 * n :] * self.words_factor(ids, w)
        scores = p.doc_share * units[:n] + (1.0 - p.doc_share) * self.question_match(questions)
        clause = units[n : 2 * n]
        if clause.any():
            scores += p.w_clause_hit * np.minimum(clause * norm, 1.0)
        return scores

    def question_match(self, q: np.ndarray, offsets=None, counts=None) -> np.ndarray:
        """Per entry: (1 - w_second) * best + w_second * second-best question score, vectorised.
        `q` holds each entry's question scores contiguously, starting at `offsets`."""
        offsets = self.q_offsets if offsets is None else offsets
        counts = self.q_counts if counts is None else counts
        best = np.maximum.reduceat(q, offsets)
        w2 = self.params.w_second
        if not w2:
            return best
        is_best = q >= np.repeat(best, counts)
        second = np.maximum.reduceat(np.where(is_best, -np.inf, q), offsets)
        tied = np.add.reduceat(is_best, offsets) > 1  # two questions share the best score
        second = np.where(tied | np.isneginf(second), best, second)
        return (1.0 - w2) * best + w2 * second

    def candidate_scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """For a large base: (entry indices, scores) of the candidates only."""
        ids, w, norm = self.query_vector(text)
        if not len(ids):
            return np.empty(0, dtype=np.int64), np.empty(0)
        units = self.unit_scores(ids, w)
        n, p, c = self.n_entries, self.params, self.params.candidates
        doc, clause, qs = units[:n], units[n : 2 * n], units[2 * n :] * self.words_factor(ids, w)
        touched = np.flatnonzero(qs)
        if len(touched) > c:
            touched = touched[np.argpartition(-qs[touched], c - 1)[:c]]
        cand = np.unique(np.concatenate([np.argpartition(-doc, c - 1)[:c], self.q_owner[touched],
                                         np.flatnonzero(clause)]))
        counts = self.q_counts[cand]
        ends = np.cumsum(counts)
        positions = np.repeat(self.q_offsets[cand] - (ends - counts), counts) + np.arange(ends[-1])
        match = self.question_match(qs[positions], ends - counts, counts)
        scores = p.doc_share * doc[cand] + (1.0 - p.doc_share) * match
        scores += p.w_clause_hit * np.minimum(clause[cand] * norm, 1.0)
        return cand, scores

    def search(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The k best entries with a positive score, best first (ties broken by entry order)."""
        if self.n_entries > max(self.params.exact_entries, self.params.candidates):
            cand, scores = self.candidate_scores(text)
            kk = min(k, len(cand))
            if kk <= 0:
                return []
            top = np.argpartition(-scores, kk - 1)[:kk]
            order = sorted(top.tolist(), key=lambda i: (-scores[i], cand[i]))
            return [(self.a.entry_ids[cand[i]], float(scores[i])) for i in order if scores[i] > 0]
        scores = self.entry_scores(text)
        k = min(k, self.n_entries)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < self.n_entries else np.arange(self.n_entries)
        top = top[np.lexsort((top, -scores[top]))]  # best first; ties by entry order
        ids = self.a.entry_ids
        return [(ids[i], s) for i, s in zip(top.tolist(), scores[top].tolist(), strict=True) if s > 0]


ARRAY_FIELDS = ("idf", "indptr", "indices", "data", "q_start")


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
                arrays = {name: z[name] for name in ARRAY_FIELDS}
        except (OSError, ValueError, KeyError):
            return None
        return IndexArrays(vocabulary=meta["vocabulary"], entry_ids=meta["entry_ids"], n_units=meta["n_units"],
                           **arrays)

    def save(self, key: str, arrays: IndexArrays) -> None:
        base = self.path(key)
        if base is None:
            return
        try:
            base.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(base.with_suffix(".npz"),
                          lambda f: np.savez(f, **{n: getattr(arrays, n) for n in ARRAY_FIELDS}))
            meta = {"key": key, "vocabulary": arrays.vocabulary, "entry_ids": arrays.entry_ids,
                    "n_units": arrays.n_units}
            atomic_write(base.with_suffix(".json"),
                          lambda f: f.write(json.dumps(meta, ensure_ascii=False).encode("utf-8")))
        except OSError as exc:  # a read-only cache only costs start-up time
            log.warning("index cache not written to %s: %s", self.directory, exc)


def cache_key(fingerprint: str, params: IndexParams) -> str:
    """Changes with the knowledge files, the settings, and the code that tokenises and fits."""
    import hashlib

    from bot.answering import textnorm

    h = hashlib.sha256(f"{INDEX_VERSION}|{fingerprint}|{params.key()}".encode())
    for module_file in (__file__, textnorm.__file__):
        h.update(Path(module_file).read_bytes())
    return h.hexdigest()


def make_analyzer(kb, params: IndexParams) -> Analyzer:
    synonyms = {v: g.canonical for g in kb.synonyms for v in g.variants}
    return Analyzer(Normalizer(synonyms, atomic=params.analyzer.atomic_terms), params.analyzer)


def build_retriever(kb, cache_dir: Path | None, params: IndexParams = IndexParams()) -> Retriever:
    """A retriever for a knowledge base: from the cache when nothing changed, else fitted and cached."""
    analyzer = make_analyzer(kb, params)
    cache = IndexCache(cache_dir)
    key = cache_key(kb.fingerprint, params)
    arrays = cache.load(key)
    if arrays is None or arrays.entry_ids != list(kb.entries):
        arrays = fit(documents_from(kb), analyzer, params)
        cache.save(key, arrays)
    return Retriever(arrays, analyzer, params)


def near_duplicates(kb, threshold: float = 0.6, params: IndexParams = IndexParams()) -> list[tuple[str, str, float]]:
    """Pairs of in-scope entries of different topics whose documents (title, keywords, questions, answer)
    are this similar by cosine: two entries that will compete for the same questions. For `awardbot check`."""
    entries = [e for e in kb.entries.values() if e.in_scope]
    docs = [d for d in documents_from(kb) if kb.entries[d.id].in_scope]
    _, _, units, _ = fit_units(docs, make_analyzer(kb, params), params)
    rows = units[: len(docs)]
    sims = (rows @ rows.T).toarray()
    pairs = []
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if sims[i, j] >= threshold and entries[i].topic != entries[j].topic:
                pairs.append((docs[i].id, docs[j].id, round(float(sims[i, j]), 2)))
    return sorted(pairs, key=lambda p: -p[2])
