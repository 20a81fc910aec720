"""A broken knowledge base is refused as a whole, with `file:entry: field: problem` lines."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from bot.kb.load import load
from bot.kb.problems import KnowledgeError
from tests.conftest import KNOWLEDGE, ROOT, run_cli


def problems_of(directory) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load(directory)
    return [str(p) for p in info.value.problems]


def edit_entry(path, entry_id, change):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for e in doc["entries"]:
        if e["id"] == entry_id:
            change(e)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_packaged_knowledge_base_is_valid_and_covers_every_contract_topic_in_both_languages():
    kb = load(KNOWLEDGE)
    contract = re.findall(r"^\| ([a-z0-9_.]+) \|", (ROOT / "docs" / "topics-contract.md").read_text("utf-8"), re.M)
    contract = [c for c in contract if c != "id"]
    assert len(contract) == 67
    counts = kb.topic_counts()
    for topic in contract:
        assert kb.topics[topic].contract, topic
        assert counts[topic]["zh"] >= 1, topic
        assert counts[topic]["en"] >= 1, topic


def test_every_entry_has_five_alternate_questions_per_language_and_cat_entries_are_actionable():
    kb = load(KNOWLEDGE)
    for e in kb.entries.values():
        assert len(e.questions["zh"]) >= 5, e.id
        assert len(e.questions["en"]) >= 5, e.id
        if e.topic.startswith("cat."):
            assert all((e.clause, e.points, e.evidence, e.pitfalls, e.first_step)), e.id
    # only results = 400 of 1000 is verified; every other value must be presented as commonly cited
    assert [e.id for e in kb.entries.values() if e.points_verified] == ["cat.results"]
    assert kb.entries["cat.results"].points == 400


def test_yaml_syntax_error_names_file_and_line(kb_copy):
    text = (kb_copy / "cat_strategy.yaml").read_text("utf-8").splitlines(keepends=True)
    assert text[6].rstrip().endswith("}")
    text[6] = text[6].rstrip()[:-1] + "\n"  # line 7: a flow mapping never closed
    (kb_copy / "cat_strategy.yaml").write_text("".join(text), "utf-8")
    lines = problems_of(kb_copy)
    # Where the parser gave up, and where the unclosed bracket was opened; and nothing else: the
    # cross-file checks (dangling related, uncovered topics) would only bury the one real problem.
    assert len(lines) == 1, lines
    assert lines[0].startswith("cat_strategy.yaml:-: yaml: syntax error at line 8, column 14: "), lines
    assert lines[0].endswith("flow mapping at line 7)"), lines  # libyaml and PyYAML word the middle differently


def test_unknown_missing_and_empty_fields_name_the_entry(kb_copy):
    edit_entry(kb_copy / "cat_strategy.yaml", "cat.strategy.deployment", lambda e: e.update(answr="x"))
    edit_entry(kb_copy / "cat_leadership.yaml", "cat.leadership", lambda e: e.pop("keywords"))
    edit_entry(kb_copy / "model.yaml", "model.overview", lambda e: e["answer"].update(en="   "))
    lines = problems_of(kb_copy)
    assert "cat_strategy.yaml:cat.strategy.deployment: answr: unknown field (did you mean `answer`?)" in lines
    assert "cat_leadership.yaml:cat.leadership: keywords: missing field" in lines
    assert "model.yaml:model.overview: answer.en: empty text" in lines


def test_missing_language_and_chinese_text_that_is_not_chinese(kb_copy):
    edit_entry(kb_copy / "award.yaml", "award.process", lambda e: e["title"].pop("en"))
    edit_entry(kb_copy / "award.yaml", "award.materials", lambda e: e["answer"].update(zh="Materials list"))
    lines = problems_of(kb_copy)
    assert "award.yaml:award.process: title.en: missing language" in lines
    assert any(line.startswith("award.yaml:award.materials: answer.zh: has no Chinese characters") for line in lines)


def test_duplicate_id_unknown_topic_and_dangling_related(kb_copy):
    doc = yaml.safe_load((kb_copy / "bot.yaml").read_text("utf-8"))
    clone = dict(doc["entries"][0])
    doc["entries"].append(clone)
    (kb_copy / "bot.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    edit_entry(kb_copy / "scoring.yaml", "scoring.bands", lambda e: e.update(topic="scoring.nonsense"))
    edit_entry(kb_copy / "practice.yaml", "practice.kpi", lambda e: e.update(related=["practice.kpj"]))
    lines = problems_of(kb_copy)
    assert any(line.startswith(f"bot.yaml:{clone['id']}: id: duplicate id") for line in lines), lines
    assert "scoring.yaml:scoring.bands: topic: unknown topic `scoring.nonsense` (see topics.yaml)" in lines
    assert any(line.startswith("practice.yaml:practice.kpi: related: `practice.kpj` is not an entry id")
               for line in lines)


def test_an_answer_too_long_for_one_telegram_message_is_refused(kb_copy):
    edit_entry(kb_copy / "glossary.yaml", "glossary.pdca", lambda e: e["answer"].update(en="x" * 4000))
    lines = problems_of(kb_copy)
    assert any(line.startswith("glossary.yaml:glossary.pdca: answer.en: 4000 characters") for line in lines)


def test_a_broken_synonym_list_and_quiz_bank_are_refused(kb_copy):
    syn = kb_copy / "synonyms.yaml"
    syn.write_text(syn.read_text("utf-8") + "  - canonical: something\n    variants: [podolidge]\n", "utf-8")
    quiz = yaml.safe_load((kb_copy / "quiz.yaml").read_text("utf-8"))
    quiz["categories"][0]["points"] = 111
    quiz["questions"][0]["options"][0]["band"] = 99
    (kb_copy / "quiz.yaml").write_text(yaml.safe_dump(quiz, allow_unicode=True), "utf-8")
    lines = problems_of(kb_copy)
    assert "synonyms.yaml:something: variants: `podolidge` is already a variant of `baldrige`" in lines
    assert "quiz.yaml:-: categories.points: category points add up to 1001, not 1000" in lines
    assert any(line.startswith(f"quiz.yaml:{quiz['questions'][0]['id']}: options: order options") for line in lines)


def test_check_cli_exit_codes_and_json(kb_copy, cli_env):
    ok = run_cli("check", "--json", env=cli_env)
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert report["ok"] is True
    assert report["errors"] == []
    assert report["entries"] >= 80
    assert report["topics"]["award.overview"] == {"zh": 1, "en": 1}

    edit_entry(kb_copy / "award.yaml", "award.process", lambda e: e.pop("title"))
    bad = run_cli("check", "--knowledge", str(kb_copy), env=cli_env)
    assert bad.returncode == 1
    assert "award.yaml:award.process: title: missing field" in bad.stdout.splitlines()
    bad_json = json.loads(run_cli("check", "--json", "--knowledge", str(kb_copy), env=cli_env).stdout)
    assert bad_json["ok"] is False
    assert "award.yaml:award.process: title: missing field" in bad_json["errors"]


def test_a_copied_knowledge_directory_validates_on_its_own(kb_copy, cli_env):
    moved = kb_copy.parent / "elsewhere"
    kb_copy.rename(moved)
    result = run_cli("check", "--knowledge", str(moved), env=cli_env)
    assert result.returncode == 0, result.stdout


def test_a_duplicate_id_is_the_only_problem_reported_for_it(kb_copy):
    """An author copies an entry's id into another file: one line names it, and the topic that the
    skipped entry covers is not also reported as uncovered."""
    # award.yaml is read before cat_strategy.yaml, so the real cat.strategy.deployment is the one skipped
    edit_entry(kb_copy / "award.yaml", "award.process", lambda e: e.update(id="cat.strategy.deployment"))
    lines = problems_of(kb_copy)
    duplicate = [line for line in lines if ": id: duplicate id" in line]
    assert len(duplicate) == 1, lines
    assert not any("contract topic has no entry" in line for line in lines), lines
