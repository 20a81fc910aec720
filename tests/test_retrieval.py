"""Retrieval: served scores equal scikit-learn's, the cache is faithful, and both languages find entries."""

from __future__ import annotations

import numpy as np
import pytest

from bot.answering.retrieval import (
    IndexCache,
    IndexParams,
    Retriever,
    build_retriever,
    documents_from,
    fit,
    fit_units,
    make_analyzer,
)
from bot.answering.textnorm import language_of
from bot.kb import load as knowledge
from tests.conftest import KNOWLEDGE

QUERIES = [
    "战略部署怎么写", "how is a results item scored?", "市长质量奖申报要什么材料", "卓越績效評價準則是什麼",
    "ＧＢ／Ｔ　１９５８０", "what is the podolidge award", "4.4.2 要哪些证据", "leadershp category",
    "自我评价报告怎么写",
]


@pytest.fixture(scope="module")
def kb():
    return knowledge.load(KNOWLEDGE)


def test_served_scores_equal_sklearn_transform(kb):
    """The numpy serving path (`q @ XT` over the query's terms) reproduces sklearn's transform exactly."""
    params = IndexParams()
    analyzer = make_analyzer(kb, params)
    docs = documents_from(kb)
    counter, tfidf, units, _ = fit_units(docs, analyzer, params)
    retriever = Retriever(fit(docs, analyzer, params), analyzer, params)
    for q in QUERIES:
        # CountVectorizer + TfidfTransformer is what TfidfVectorizer.transform does
        expected = (tfidf.transform(counter.transform([q])) @ units.T).toarray().ravel()
        ids, w, _ = retriever.query_vector(q)
        served = retriever.unit_scores(ids, w)
        assert np.allclose(served, expected, atol=1e-12), q
        assert expected.max() > 0, q


def test_the_large_base_candidate_path_ranks_like_the_exact_path(kb):
    """Above `exact_entries`, only candidate entries get the question blend: the top results agree."""
    import dataclasses

    from bot.answering import evaluation
    from tests.conftest import ROOT

    exact = IndexParams()
    approx = dataclasses.replace(exact, exact_entries=0, candidates=16)  # force the large-base path
    analyzer = make_analyzer(kb, exact)
    arrays = fit(documents_from(kb), analyzer, exact)
    full, cand = Retriever(arrays, analyzer, exact), Retriever(arrays, analyzer, approx)
    questions = [it.q for it in evaluation.load_items(ROOT / "tests" / "eval" / "questions.yaml") if it.q.strip()]
    same = sum(full.search(q, 3) == cand.search(q, 3) for q in questions)
    assert same / len(questions) >= 0.98


def test_cached_index_gives_identical_rankings_and_is_keyed_by_the_knowledge(kb, tmp_path, kb_copy):
    fresh = build_retriever(kb, tmp_path)  # fits and writes the cache
    assert list(tmp_path.glob("index-*.npz"))
    assert list(tmp_path.glob("index-*.json"))
    cached = build_retriever(kb, tmp_path)  # reads it
    for q in QUERIES:
        assert fresh.search(q, 5) == cached.search(q, 5)
    # an edited knowledge base gets a new key: the stale cache is never served
    (kb_copy / "bot.yaml").write_text((kb_copy / "bot.yaml").read_text("utf-8") + "\n# edited\n", "utf-8")
    assert knowledge.load(kb_copy).fingerprint != kb.fingerprint
    # a corrupt cache file is ignored (and rewritten): it only costs start-up time
    for f in tmp_path.glob("index-*.npz"):
        f.write_bytes(b"not an npz")
    key = next(tmp_path.glob("index-*.json")).stem
    assert IndexCache(tmp_path).load(key) is None
    assert IndexCache(None).load("x") is None


@pytest.mark.parametrize(("question", "entry"), [
    ("战略部署怎么写", "cat.strategy.deployment"),
    ("how is strategy deployed", "cat.strategy.deployment"),
    ("戰略部署怎麼寫", "cat.strategy.deployment"),  # traditional characters
    ("ＫＰＩ怎么选", "practice.kpi"),  # full-width letters
    ("what is the podolidge award", "framework.baldrige"),  # the seed article's machine translation
    ("what is the Daiming award", "framework.deming"),
    ("鲍德里奇奖是什么", "framework.baldrige"),
    ("自我评价报告怎么写", "practice.report_writing"),
    ("what is 4.4.4 about", "cat.resources.information_knowledge"),
])
def test_questions_find_their_entry(knowledge, question, entry):
    ranked = knowledge.answerer.retriever.search(question, 3)
    assert ranked[0][0] == entry, ranked


def test_every_entry_is_found_in_both_languages_by_its_title(knowledge):
    """Indexed in both languages: an entry's own title finds it whichever language it is read in."""
    kb = knowledge.kb
    for e in kb.entries.values():
        for lang in ("zh", "en"):
            top = [eid for eid, _ in knowledge.answerer.retriever.search(e.title[lang], 3)]
            assert e.id in top, (e.id, lang, top)


def test_language_of_a_message():
    assert language_of("战略部署怎么写") == "zh"
    assert language_of("KPI怎么定") == "zh"
    assert language_of("how is a results item scored?") == "en"
    assert language_of("how is 组织概述 scored") == "en"
    assert language_of("") == "en"


@pytest.mark.parametrize("question", ["b", "a b", "C", "x y z", "the b"])
def test_a_lone_letter_is_not_answered_with_whatever_entry_mentions_it(knowledge, question):
    ans = knowledge.answerer.answer(question)
    assert ans.status == "declined"
    assert ans.reason == "no_match"


@pytest.mark.parametrize(("question", "entry"), [("附录B", "model.organizational_profile"),
                                                 ("kpi", "practice.kpi"), ("4.2.3", "cat.strategy.deployment")])
def test_short_but_meaningful_questions_are_still_answered(knowledge, question, entry):
    ans = knowledge.answerer.answer(question)
    assert ans.status == "answered"
    assert ans.best.entry.id == entry
