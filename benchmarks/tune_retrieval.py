"""Compare tokeniser settings, field weights and blending on the development question set.

    python benchmarks/tune_retrieval.py [--knowledge DIR] [--questions FILE]

Prints one line per configuration (top-1, top-3, answered-correctly, wrongly declined, out-of-scope not
answered, small talk recognised). The table in docs/retrieval.md comes from this script.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import evaluation  # noqa: E402
from bot.answering.answerer import Answerer, Thresholds  # noqa: E402
from bot.answering.retrieval import IndexParams, Retriever, documents_from, fit  # noqa: E402
from bot.answering.textnorm import Analyzer, Normalizer  # noqa: E402
from bot.kb import load as knowledge  # noqa: E402


def configs():
    base = IndexParams()
    a = base.analyzer
    yield "chosen (default)", base
    yield "no English char n-grams", dataclasses.replace(base, analyzer=dataclasses.replace(a, en_char_ngrams=()))
    yield "English char 3-5", dataclasses.replace(base, analyzer=dataclasses.replace(a, en_char_ngrams=(3, 4, 5)))
    yield "no stemming", dataclasses.replace(base, analyzer=dataclasses.replace(a, stem=False))
    yield "no English word bigrams", dataclasses.replace(base, analyzer=dataclasses.replace(a, en_bigrams=False))
    yield "Chinese bigrams only", dataclasses.replace(base, analyzer=dataclasses.replace(a, zh_ngrams=(2,)))
    yield "Chinese 1+2+3-grams", dataclasses.replace(base, analyzer=dataclasses.replace(a, zh_ngrams=(1, 2, 3)))
    yield "Chinese 2+3-grams", dataclasses.replace(base, analyzer=dataclasses.replace(a, zh_ngrams=(2, 3)))
    yield "drop grammatical Chinese bigrams", dataclasses.replace(
        base, analyzer=dataclasses.replace(a, zh_bigram_stop=True))
    yield "no Chinese stop characters", dataclasses.replace(base, analyzer=dataclasses.replace(a, zh_stop=False))
    yield "no synonyms", "nosyn"
    yield "synonym terms not atomic", dataclasses.replace(base, analyzer=dataclasses.replace(a, atomic_terms=False))
    for w in (0.0, 0.2, 0.5):
        yield f"second-best question {w}", dataclasses.replace(base, w_second=w)
    for share in (0.0, 0.3, 0.7, 1.0):
        yield f"doc_share {share}", dataclasses.replace(base, doc_share=share)
    yield "equal field weights", dataclasses.replace(base, w_title=1, w_keywords=1, w_questions=1, w_answer=1,
                                                     w_details=1)
    yield "no details in document", dataclasses.replace(base, w_details=0.0)
    yield "answer weight 0.5", dataclasses.replace(base, w_answer=0.5)
    yield "title 3, questions 2", dataclasses.replace(base, w_title=3.0, w_questions=2.0)
    for w in (0.3, 0.5, 0.7):
        yield f"char n-gram weight {w}", dataclasses.replace(base, w_char_ngram=w)
    for w in (0.5, 0.7, 1.5):
        yield f"Chinese unigram weight {w}", dataclasses.replace(base, w_zh_unigram=w)
    for w in (0.5, 1.5):
        yield f"English bigram weight {w}", dataclasses.replace(base, w_en_bigram=w)
    for w in (0.0, 1.0, 5.0):
        yield f"clause weight {w}", dataclasses.replace(base, w_clause=w)
    for w in (0.0, 0.1, 0.3):
        yield f"clause hit {w}", dataclasses.replace(base, w_clause_hit=w)
    for df in (0.05, 0.1, 0.2):
        yield f"max_df {df}", dataclasses.replace(base, max_df=df)
    for w in (0.2, 0.35, 0.5, 1.0):
        yield f"n-grams in questions x{w}", dataclasses.replace(base, w_ngram_in_questions=w)
    yield "n-grams for unknown words only", dataclasses.replace(base, ngrams_for_unknown_only=True)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--knowledge", default=str(ROOT / "knowledge"))
    p.add_argument("--questions", default=str(ROOT / "tests" / "eval" / "questions.yaml"))
    p.add_argument("--only", default="", help="run configurations whose name contains this text")
    args = p.parse_args()
    kb = knowledge.load(args.knowledge)
    items = evaluation.load_items(Path(args.questions))
    synonyms = {v: g.canonical for g in kb.synonyms for v in g.variants}
    docs = documents_from(kb)
    print(f"{len(kb.entries)} entries, {len(items)} questions")
    print(f"{'configuration':<28} {'top1':>6} {'top3':>6} {'ans-ok':>6} {'wr-dec':>6} {'oos-na':>6} {'small':>6}  fit")
    for name, params in configs():
        if args.only and args.only not in name:
            continue
        syn = synonyms
        if params == "nosyn":
            params, syn = IndexParams(), {}
        analyzer = Analyzer(Normalizer(syn, atomic=params.analyzer.atomic_terms), params.analyzer)
        t0 = time.perf_counter()
        arrays = fit(docs, analyzer, params)
        fit_s = time.perf_counter() - t0
        answerer = Answerer(kb, Retriever(arrays, analyzer, params), Thresholds())
        s = evaluation.run(answerer, items)
        print(f"{name:<28} {s['top1']:>6.3f} {s['top3']:>6.3f} {s['answered_correctly']:>6.3f} "
              f"{s['wrongly_declined']:>6.3f} {s['out_of_scope_not_answered']:>6.3f} "
              f"{s['smalltalk_recognised']:>6.3f}  {fit_s:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
