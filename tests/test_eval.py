"""The development question set holds the knowledge base and retrieval to their targets."""

from __future__ import annotations

import json
from collections import Counter

from bot.answering import evaluation
from tests.conftest import ROOT, run_cli

QUESTIONS = ROOT / "tests" / "eval" / "questions.yaml"


def test_the_development_set_is_large_varied_and_labelled_with_real_topics(knowledge):
    items = evaluation.load_items(QUESTIONS)
    kinds = Counter(it.kind for it in items)
    assert len(items) >= 300
    assert sum(it.expect == "decline" for it in items) >= 60
    assert sum(it.expect == "smalltalk" for it in items) >= 1
    for kind in ("typo", "traditional", "mixed", "oos_near", "oos_off"):
        assert kinds[kind] >= 10, kind
    for it in items:
        for topic in it.topics:
            assert topic in knowledge.kb.topics, topic
    # written independently: only a few short, generic phrases ("help") coincide with an alternate
    # question, and evaluation leaves those out
    assert len(evaluation.verbatim_alternates(items, knowledge.kb)) <= 0.05 * len(items)


def test_retrieval_meets_the_development_targets(knowledge):
    s = evaluation.run(knowledge.answerer, evaluation.load_items(QUESTIONS))
    assert s["top1"] >= 0.90, evaluation.report(s)
    assert s["top3"] >= 0.97, evaluation.report(s)
    assert s["out_of_scope_not_answered"] >= 0.90, evaluation.report(s)
    assert s["wrongly_declined"] <= 0.05, evaluation.report(s)
    assert s["smalltalk_recognised"] >= 0.9


def test_eval_cli_prints_the_figures_and_breakdowns(cli_env):
    out = run_cli("eval", "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    for key in ("top1", "top3", "wrongly_declined", "out_of_scope_not_answered", "smalltalk_recognised",
                "by_language", "by_kind", "confused"):
        assert key in s
    assert {"zh", "en"} <= set(s["by_language"])
    text = run_cli("eval", env=cli_env).stdout
    assert "top-1 accuracy" in text
    assert "most confused topic pairs" in text
