"""The self-assessment report workbook, read back with python-docx: every clause of the topic contract,
length budgets, the diagnosis, both languages, East Asian fonts, team gaps, the CLI's errors and /workbook."""

from __future__ import annotations

import io
import json
import re

import docx
import pytest
from docx.oxml.ns import qn

from bot.dialogue import Dialogue
from bot.dialogue import teams as teamflow
from bot.kb.model import clause_order
from bot.reports import summary, workbook
from bot.reports.workbook_plan import budgets
from tests.conftest import run_cli
from tests.support.transcript import Chat

HIGHLIGHT = "FFF2CC"
BUDGET_LABEL = {"zh": "篇幅预算", "en": "Length budget"}


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def contract_clauses(kb) -> list[str]:
    entries = [e for e in kb.entries.values()
               if e.clause and kb.topics[e.topic].contract and e.topic.startswith("cat.")]
    return [e.clause for e in sorted(entries, key=clause_order)]


def blocks(doc):
    """("h", level, text), ("p", paragraph) and ("t", table) in reading order."""
    for block in doc.iter_inner_content():
        if isinstance(block, docx.table.Table):
            yield "t", block
        elif block.style.name.startswith("Heading"):
            yield "h", int(block.style.name.split()[-1]), block.text
        else:
            yield "p", block


def clause_of(text: str) -> str | None:
    m = re.match(r"(4(?:\.\d+)+) ", text)
    return m.group(1) if m else None


def sections(doc) -> dict[str, list]:
    """Everything from each clause heading to the next one, keyed by clause."""
    out: dict[str, list] = {}
    current = None
    for block in blocks(doc):
        if block[0] == "h" and block[1] <= 2:
            current = clause_of(block[2])
            if current:
                out[current] = []
            continue
        if current:
            out[current].append(block)
    return out


def shaded(paragraph) -> bool:
    shd = paragraph._p.pPr.find(qn("w:shd")) if paragraph._p.pPr is not None else None
    return shd is not None and shd.get(qn("w:fill")) == HIGHLIGHT


def section_text(section) -> str:
    return "\n".join(b[1].text if b[0] == "p" else "\n".join(c.text for r in b[1].rows for c in r.cells)
                     for b in section if b[0] in ("p", "t"))


def budget_of(section, lang: str) -> int:
    table = next(b[1] for b in section if b[0] == "t")
    row = next(r for r in table.rows if r.cells[0].text == BUDGET_LABEL[lang])
    return int(re.search(r"[\d,]+", row.cells[1].text).group().replace(",", ""))


def diagnosis_text(doc, lang: str) -> str:
    heading = {"zh": "诊断：从哪里着手", "en": "Diagnosis: where to start"}[lang]
    texts, inside = [], False
    for block in blocks(doc):
        if block[0] == "h" and block[1] == 1:
            inside = block[2] == heading
        elif inside:
            texts.append(section_text([block]) if block[0] != "h" else block[2])
    return "\n".join(texts)


def weak_results_answers(kb) -> dict[str, int]:
    """Quick answers: every question at band 80 except the results questions, at band 0."""
    return {qid: 0 if kb.quiz.questions[qid].category == "cat.results" else 4 for qid in kb.quiz.modes["quick"]}


# -- the document -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_clause_of_the_contract_has_a_heading_and_a_table_in_clause_order(knowledge, lang):
    kb = knowledge.kb
    doc = read(workbook.person_workbook(kb, "quick", weak_results_answers(kb), lang))
    expected = contract_clauses(kb)
    assert len(expected) == 30  # 7 categories and 23 items
    found = [clause_of(b[2]) for b in blocks(doc) if b[0] == "h" and b[1] <= 2 and clause_of(b[2])]
    assert found == expected
    by_clause = sections(doc)
    for entry in (e for e in kb.entries.values() if e.clause in expected and kb.topics[e.topic].contract):
        section = by_clause[entry.clause]
        assert any(b[0] == "t" for b in section), entry.clause
        text = section_text(section)
        assert entry.answer[lang].splitlines()[0].strip() in text  # what the clause asks, from the entry
        for evidence in entry.evidence[lang]:  # the checklist is pre-filled from the entry's evidence
            assert evidence in text, (entry.clause, evidence)
        assert str(entry.points) in text
    results = section_text(by_clause["4.7.4"])
    letci = {"zh": ("水平", "趋势", "对比", "整合"), "en": ("Levels", "Trends", "Comparisons", "Integration")}
    for dim in letci[lang]:
        assert dim in results
    process = section_text(by_clause["4.2.3"])
    adli = {"zh": ("方法", "展开", "学习", "整合"), "en": ("Approach", "Deployment", "Learning", "Integration")}
    for dim in adli[lang]:
        assert dim in process
    kpi = [b[1] for b in by_clause["4.7.4"] if b[0] == "t" and len(b[1].columns) == 8]
    assert kpi, "a KPI table template in a results item"
    header = [c.text for c in kpi[0].rows[0].cells]
    assert sum(bool(re.fullmatch(r"20\d\d", h)) for h in header) >= 3
    assert not any(len(b[1].columns) == 8 for b in by_clause["4.2.3"] if b[0] == "t")  # process items: no KPI table


def test_points_are_hedged_except_the_verified_results_total(knowledge):
    doc = read(workbook.build(knowledge.kb, "zh"))
    by_clause = sections(doc)
    assert "400 分" in section_text(by_clause["4.7"])
    assert "通常引用" not in section_text(by_clause["4.7"][:1])
    assert "通常引用的分值" in section_text(by_clause["4.2.3"][:1])


@pytest.mark.parametrize("words", [30000, 12345, 7])
def test_length_budgets_add_up_exactly_to_words(knowledge, words):
    kb = knowledge.kb
    doc = read(workbook.build(kb, "en", words=words))
    by_clause = sections(doc)
    cats = {c.clause for c in kb.quiz.categories.values()}
    items = {c: budget_of(s, "en") for c, s in by_clause.items() if c not in cats}
    assert sum(items.values()) == words
    for cat in cats:
        assert budget_of(by_clause[cat], "en") == sum(v for c, v in items.items() if c.startswith(cat + "."))
    if words == 30000:  # proportional to the commonly cited points: 4.7.2 (80) gets 8 times 4.4.6 (10)
        assert items["4.7.2"] == 2400
        assert items["4.4.6"] == 300


def test_largest_remainder_rounding():
    assert budgets({"a": 1, "b": 1, "c": 1}, 10) == {"a": 4, "b": 3, "c": 3}
    assert budgets({"a": 10, "b": 30}, 3) == {"a": 1, "b": 2}
    shares = budgets({"x": 50, "y": 30, "z": 30, "w": 15}, 1001)
    assert sum(shares.values()) == 1001


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_diagnosis_names_the_weakest_category_and_weak_clauses_are_highlighted(knowledge, lang):
    kb = knowledge.kb
    answers = weak_results_answers(kb)
    result = summary.score(kb, "quick", answers, lang)
    assert result["weakest"] == "cat.results"
    doc = read(workbook.person_workbook(kb, "quick", answers, lang, organisation="示例制造有限公司"))
    diagnosis = diagnosis_text(doc, lang)
    results_name = kb.quiz.categories["cat.results"].name[lang]
    assert f"4.7 {results_name}" in diagnosis
    assert kb.entries["cat.results"].first_step[lang] in diagnosis
    assert f"{round(result['total'])} / 1000" in diagnosis
    by_clause = sections(doc)
    weak = [b[1] for b in by_clause["4.7.3"] if b[0] == "p" and shaded(b[1])]
    question = kb.quiz.questions["rslt_customer"]
    assert any(question.options[0].text[lang] in p.text for p in weak)  # the answer given, highlighted
    assert any(kb.entries["cat.results.customer_market"].first_step[lang] in p.text for p in weak)
    strong = by_clause["4.1.2"]  # answered at band 80: shown, not highlighted
    assert not any(shaded(b[1]) for b in strong if b[0] == "p")
    assert kb.quiz.questions["lead_direction"].options[4].text[lang] in section_text(strong)
    assert "示例制造有限公司" in doc.paragraphs[4].text + "".join(p.text for p in doc.paragraphs[:12])


def test_both_languages_read_in_their_own_words(knowledge):
    kb = knowledge.kb
    zh, en = read(workbook.build(kb, "zh")), read(workbook.build(kb, "en"))
    zh_text = "\n".join(p.text for p in zh.paragraphs)
    en_text = "\n".join(p.text for p in en.paragraphs)
    assert "市长质量奖自评报告工作簿" in zh_text
    assert "内部讨论稿" in zh_text
    assert "self-assessment report workbook" in en_text
    assert "Draft for internal use" in en_text
    assert kb.entries["cat.strategy"].title["en"] in en_text
    assert kb.entries["cat.strategy"].title["zh"] in zh_text
    for text in (zh_text, en_text):  # the city rules are named, dated examples
        assert "3000" in text.replace(",", "") or "3,000" in text
    assert "深圳 2016" in "\n".join(c.text for t in zh.tables for r in t.rows for c in r.cells)
    assert "Shenzhen, 2016" in "\n".join(c.text for t in en.tables for r in t.rows for c in r.cells)
    assert "还没有诊断结果" in zh_text
    assert "No diagnosis yet" in en_text


def test_east_asian_fonts_are_set_in_the_styles(knowledge):
    doc = read(workbook.build(knowledge.kb, "en"))
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"

    def east_asia(name: str) -> str | None:
        return doc.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asia("Normal") == "宋体"
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        assert east_asia(name) == "黑体", name
        assert doc.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None


# -- teams ---------------------------------------------------------------------------------------------

def make_team(core, name: str, members: dict[str, tuple[str, int]], owner: str = "tg:1") -> Chat:
    """Members join through the real dialogue and answer every quick question with one option."""
    boss = Chat(Dialogue(core), owner)
    boss.say(f"/team new {name}")
    token = re.search(r"team_([\w-]+)", boss.text).group(1)
    for user, (role, option) in members.items():
        member = Chat(Dialogue(core), user)
        member.say(f"/start team_{token}")
        member.press_data(next(b.data for b in member.buttons() if b.data.startswith("tj:") and b.data.endswith(role)))
        for _ in range(len(core.kb.quiz.modes["quick"])):
            member.press_data(next(b.data for b in member.buttons()
                                   if b.data.startswith("q:") and b.data.endswith(f":{option}")))
    return boss


TEAM = {"tg:11": ("leader", 4), "tg:12": ("leader", 5), "tg:13": ("leader", 4),
        "tg:14": ("staff", 1), "tg:15": ("staff", 2), "tg:16": ("staff", 1)}


def test_team_workbook_shows_the_leaders_vs_staff_gaps(core, settings, cli_env, tmp_path):
    make_team(core, "质量部", TEAM)
    make_team(core, "Small", {"tg:21": ("staff", 1), "tg:22": ("staff", 2)}, owner="tg:2")
    report = teamflow.build_report(core, core.store.teams.find("质量部"))
    core.close()
    env = cli_env | {"AWARDBOT_DB": str(settings.db_path)}
    out = run_cli("workbook", "--team", "质量部", "--lang", "en", "--out", str(tmp_path / "team.docx"), env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"workbook written: {tmp_path / 'team.docx'}"
    doc = read((tmp_path / "team.docx").read_bytes())
    diagnosis = diagnosis_text(doc, "en")
    assert "Where leaders and staff see it differently" in diagnosis
    assert "6 respondents (3 leaders, 0 managers, 3 staff)" in diagnosis
    for cat, c in report["categories"].items():
        gap = c["gap_leaders_minus_staff"]
        assert gap > 0
        assert f"+{gap:g}" in diagnosis, cat
    assert "Answer in the quiz" not in "\n".join(p.text for p in doc.paragraphs)  # no one person's answers
    small = run_cli("workbook", "--team", "Small", "--out", str(tmp_path / "small.docx"), env=env)
    assert small.returncode == 2
    assert small.stderr.strip() == ("awardbot: team 'Small' has no result yet: 2 respondent(s), a team workbook "
                                    "needs at least 3")
    assert not (tmp_path / "small.docx").exists()


# -- the command line ----------------------------------------------------------------------------------

def test_cli_writes_a_workbook_from_answers(cli_env, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"lead_direction": 0, "rslt_financial": 4}), encoding="utf-8")
    target = tmp_path / "wb.docx"
    out = run_cli("workbook", "--answers", f"@{answers}", "--org", "ACME", "--words", "20000", "--out",
                  str(target), env=cli_env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"workbook written: {target}"
    doc = read(target.read_bytes())
    assert any("ACME" in p.text for p in doc.paragraphs[:12])
    assert "20,000" in "\n".join(p.text for p in doc.paragraphs)


@pytest.mark.parametrize(("args", "message"), [
    (["--team", "nobody"], "no team with id or name 'nobody'"),
    (["--words", "0"], "--words must be a whole number"),
    (["--words", "-5"], "--words must be a whole number"),
    (["--words", "many"], "--words must be a whole number"),
    (["--answers", "{nope"], "--answers is not valid JSON"),
    (["--answers", '{"nope": 1}'], "unknown question id `nope`"),
    (["--answers", '{"lead_direction": 9}'], "question `lead_direction`: option 9"),
    (["--answers", '{"lead_direction": 6}'], "no result to build on"),
    (["--answers", "{}"], "no result to build on"),
    (["--answers", "@missing.json"], "cannot read answers file missing.json"),
    (["--answers", '{"lead_direction": 1}', "--team", "x"], "not both"),
])
def test_bad_input_is_one_line_and_exit_2(cli_env, tmp_path, args, message):
    target = tmp_path / "wb.docx"
    out = run_cli("workbook", *args, "--out", str(target), env=cli_env)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("awardbot: ")
    assert message in lines[0]
    assert not target.exists()


def test_an_unwritable_target_is_one_line_and_exit_2(cli_env, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cases = {
        str(tmp_path / "no-such-dir" / "wb.docx"): "does not exist",
        str(blocker / "wb.docx"): "does not exist",
        str(tmp_path): "it is a directory",
    }
    for target, reason in cases.items():
        out = run_cli("workbook", "--out", target, env=cli_env)
        assert out.returncode == 2, target
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1, out.stderr
        assert reason in lines[0]


# -- /workbook in chat -------------------------------------------------------------------------------

def take_quick_quiz(chat: Chat, option: int) -> None:
    chat.say("/quiz quick")
    for _ in range(len(chat.dialogue.core.kb.quiz.modes["quick"])):
        chat.press_data(next(b.data for b in chat.buttons()
                             if b.data.startswith("q:") and b.data.endswith(f":{option}")))


def test_workbook_command_sends_the_latest_result_as_a_word_document(chat):
    chat.say("/workbook")
    assert chat.kinds() == ["workbook_none"]
    take_quick_quiz(chat, 1)
    chat.say("/workbook 示例公司")
    assert chat.kinds() == ["workbook"]
    document = chat.last[0]
    assert document.document_name.endswith(".docx")
    doc = read(document.document_bytes())
    assert any("示例公司" in p.text for p in doc.paragraphs[:12])
    kb = chat.dialogue.core.kb
    answered = sections(doc)["4.1.2"]  # band 20 in the quiz: the answer given is shaded
    chosen = kb.quiz.questions["lead_direction"].options[1].text["zh"]
    assert any(chosen in b[1].text and shaded(b[1]) for b in answered if b[0] == "p")


def test_workbook_command_in_the_console_writes_the_file_and_prints_its_path(core, tmp_path):
    from bot.channels.console import Console

    console = Console(Dialogue(core), tmp_path / "files", user="console:dora", out=io.StringIO())
    console.step("/quiz quick")
    for _ in range(len(core.kb.quiz.modes["quick"])):
        console.step("C")
    shown = console.step("/workbook")
    written = list((tmp_path / "files").rglob("*.docx"))  # in the user's own folder under files/
    assert len(written) == 1
    assert str(written[0]) in shown
    assert read(written[0].read_bytes()).paragraphs


def test_workbook_command_for_a_team(core):
    boss = make_team(core, "质量部", TEAM)
    boss.say("/workbook team 质量部")
    assert boss.kinds() == ["workbook"]
    doc = read(boss.last[0].document_bytes())
    diagnosis = diagnosis_text(doc, "zh")
    assert "领导与员工的看法差距" in diagnosis
    assert "6 人作答" in diagnosis
    boss.say("/workbook")  # no result of their own: the team they own
    assert boss.kinds() == ["workbook"]
    small = make_team(core, "Small", {"tg:21": ("staff", 1), "tg:22": ("staff", 2)}, owner="tg:2")
    small.say("/workbook team Small")
    assert small.kinds() == ["workbook_team_wait"]
    stranger = Chat(Dialogue(core), "tg:99")
    stranger.say("/workbook team 质量部")  # only the owner gets the team's workbook
    assert stranger.kinds() == ["team_not_found"]


def test_workbook_is_in_help_and_the_readme(chat):
    from tests.conftest import ROOT

    chat.say("/help")
    assert "/workbook" in chat.text
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "`/workbook`" in readme
    assert "awardbot workbook" in readme
    assert "docs/workbook-page.png" in readme
    assert (ROOT / "docs" / "workbook-page.png").stat().st_size < 300_000


async def test_workbook_through_telegram_is_a_document(fake, core):
    from tests.support.tgharness import TgChat, running_bot

    async with running_bot(core, fake):
        user = TgChat(fake, 5151)
        await user.say("/quiz quick")
        for _ in range(len(core.kb.quiz.modes["quick"])):
            await user.press("B")
        await user.say("/workbook")
        document = next(c for c in user.new_calls if c.method == "sendDocument")
    assert document.params["document"].filename.endswith(".docx")
    doc = read(bytes(document.params["document"]))
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == ["市长质量奖自评报告工作簿"]


def test_a_stored_result_without_answers_still_gives_its_diagnosis(core):
    kb = core.kb
    result = summary.score(kb, "quick", weak_results_answers(kb), "zh")
    core.store.touch_user("tg:77", "telegram")
    sid = core.store.start_quiz("tg:77", "quick", list(kb.quiz.modes["quick"]), 24)
    core.store.finish_quiz(sid, "tg:77", "quick", result)  # no answers were saved for this attempt
    chat = Chat(Dialogue(core), "tg:77")
    chat.say("/lang en")
    chat.say("/workbook")
    assert chat.kinds() == ["workbook"]
    diagnosis = diagnosis_text(read(chat.last[0].document_bytes()), "en")
    assert "4.7 Results" in diagnosis
