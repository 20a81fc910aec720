"""Teams, the anonymous peer benchmark and the PDF report."""

from __future__ import annotations

import io
import json
import re
import statistics

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

from bot.assessment import benchmark
from bot.dialogue import Dialogue
from bot.reports import pdf as report_pdf
from bot.reports import pdf_layout, summary
from tests.conftest import run_cli
from tests.support.pdftext import extract
from tests.support.tgharness import TgChat, running_bot
from tests.support.transcript import Chat

OWNER = 5000
# Six members: option letter pressed for every quick question (A = lowest band … F = highest).
MEMBERS = {
    5001: ("leader", "E"), 5002: ("leader", "F"),
    5003: ("staff", "B"), 5004: ("staff", "C"), 5005: ("staff", "B"), 5006: ("staff", "D"),
}


def pdf_text(data: bytes) -> tuple[int, str]:
    return extract(data)


def page_texts(data: bytes) -> list[str]:
    """The text of each page, whitespace removed."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        single = PdfWriter()
        single.add_page(page)
        out = io.BytesIO()
        single.write(out)
        pages.append(extract(out.getvalue())[1])
    return pages


def font_names(data: bytes) -> set[str]:
    return {str(font.get_object()["/BaseFont"]) for page in PdfReader(io.BytesIO(data)).pages
            for font in page["/Resources"]["/Font"].values()}


async def test_a_team_of_six_through_telegram_matches_hand_computed_averages(fake, core, cli_env, settings):
    async with running_bot(core, fake):
        owner = TgChat(fake, OWNER)
        await owner.say("/team new 质量部自评")
        link = re.search(r"start=team_([\w-]+)", owner.text).group(1)
        for uid, (role, letter) in MEMBERS.items():
            member = TgChat(fake, uid)
            await member.say(f"/start team_{link}")
            assert "角色" in member.text
            await member.press({"leader": "高层领导", "staff": "员工"}[role])
            assert "第 1/14 题" in member.text
            for _ in range(14):
                await member.press(letter)
            assert "估计总分" in member.text
        await owner.say("/team report")
        report_text = owner.text
        await owner.press("团队 PDF")
        document = next(c for c in owner.new_calls if c.method == "sendDocument")
    # hand-computed: the band of each letter, the same for every question of a member
    band = {letter: core.kb.quiz.questions["lead_direction"].options["ABCDEF".index(letter)].band
            for letter in "BCDEF"}
    staff = [band[letter] for role, letter in MEMBERS.values() if role == "staff"]
    everyone = [band[letter] for _, letter in MEMBERS.values()]
    report = json.loads(run_cli("team", "report", "质量部自评", "--json",
                                env=cli_env | {"AWARDBOT_DB": str(settings.db_path)}).stdout)
    assert report["team"]["respondents"] == 6
    assert report["roles"] == {"leader": 2, "manager": 0, "staff": 4}
    for c in report["categories"].values():
        assert c["mean"] == pytest.approx(statistics.fmean(everyone), abs=0.05)
        assert c["spread"] == pytest.approx(statistics.pstdev(everyone), abs=0.05)
        assert c["by_role"]["staff"]["mean"] == pytest.approx(statistics.fmean(staff), abs=0.05)
        assert c["by_role"]["leader"] == {"n": 2, "mean": None, "suppressed": True}  # fewer than 3: not shown
        assert c["gap_leaders_minus_staff"] is None
    assert report["total"]["mean"] == pytest.approx(statistics.fmean(everyone) * 10, abs=0.5)
    assert f"{statistics.fmean(staff):.1f}".rstrip("0").rstrip(".") in report_text
    assert "领导 —" in report_text  # the two leaders only count in the means
    pages, text = pdf_text(bytes(document.params["document"]))
    assert pages >= 2
    assert "卓越绩效团队诊断报告" in text
    assert "质量部自评" in text


async def test_joining_needs_the_current_link_and_the_invitation(fake, core):
    alice = Chat(Dialogue(core), "tg:1")
    alice.say("/team new Ops")
    token = re.search(r"team_([\w-]+)", alice.text).group(1)
    team_id = core.store.teams.by_token(token)["id"]
    mallory = Chat(Dialogue(core), "tg:2")
    mallory.press_data(f"tj:{team_id}:leader")  # never opened the link: a forged press
    assert mallory.kinds() == ["expired"]
    assert core.store.teams.membership(team_id, "tg:2") is None
    alice.say("/team link Ops")
    mallory.say(f"/start team_{token}")  # the old link
    assert mallory.kinds() == ["team_join_closed"]
    bob = Chat(Dialogue(core), "tg:3")
    bob.say("/start team_" + core.store.teams.get(team_id)["token"])
    assert bob.kinds() == ["team_join"]
    alice.say("/team close Ops")
    bob.press("员工")  # closed in the meantime
    assert bob.kinds() == ["expired"]
    mallory.say("/team report Ops")
    assert mallory.kinds() == ["team_not_found"]  # only the owner sees the report


def finished(core, user: str, band_index: int, industry: str | None = None, size: str | None = None) -> dict:
    bank = core.kb.quiz
    answers = dict.fromkeys(bank.modes["quick"], band_index)
    result = summary.score(core.kb, "quick", answers)
    core.store.touch_user(user, "telegram")
    sid = core.store.start_quiz(user, "quick", list(bank.modes["quick"]), 24)
    core.store.finish_quiz(sid, user, "quick", result)
    if industry:
        core.store.teams.tag_result(sid, industry=industry, size=size)
    return result


def test_peer_percentiles_need_five_others_and_reveal_no_single_result(core):
    me = Chat(Dialogue(core), "tg:100")
    me.say("/quiz quick")
    for _ in range(14):
        me.press_data(next(b.data for b in me.buttons() if b.data.startswith("q:") and b.data.endswith(":3")))
    sid = me.buttons()[-3].data.split(":")[1]
    me.press("与同行比较")
    me.press("制造业")
    me.press("300–999")
    assert me.kinds() == ["peers_few"]  # nobody to compare with yet
    for i, idx in enumerate((1, 2, 3, 4, 5)):  # five others, of another industry
        finished(core, f"tg:{200 + i}", idx, "services", "lt50")
    me.press_data(f"ps:{sid}:manufacturing:300_999")
    assert me.kinds() == ["peers"]
    assert "所有参与者" in me.text  # fewer than five of the same industry and size: all participants
    mine = core.store.teams.result(sid)["result"]
    others = core.store.teams.peer_results("tg:100")
    expected = benchmark.percentiles(mine, others)["cat.results"]
    bands = sorted(o["categories"]["cat.results"]["score_pct"] for o in others)
    own = mine["categories"]["cat.results"]["score_pct"]
    assert expected == {"higher": round(100 * sum(b < own for b in bands) / 5), "same": sum(b == own for b in bands)}
    assert f"高于 {expected['higher']}%" in me.text
    for i in range(5):  # now five of the same industry and size
        finished(core, f"tg:{300 + i}", 2, "manufacturing", "300_999")
    me.press_data(f"ps:{sid}:manufacturing:300_999")
    assert "同行业、同规模" in me.text
    me.press_data("ps:ffffffff:manufacturing:300_999")  # somebody else's (or no) result
    assert me.kinds() == ["expired"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_report_in_each_language(core, lang):
    result = summary.score(core.kb, "quick", dict.fromkeys(core.kb.quiz.modes["quick"], 2), lang)
    pages, text = pdf_text(report_pdf.result_pdf(core.kb, result, lang, organisation="示例制造有限公司"))
    assert pages >= 2
    for cat in core.kb.quiz.categories.values():
        assert re.sub(r"\s+", "", cat.name[lang]) in text
    assert "示例制造有限公司" in text
    assert f"{round(result['total'])}/1000" in text
    first_evidence = core.kb.entries["cat.leadership"].evidence[lang][0]
    assert re.sub(r"\s+", "", first_evidence)[:12] in text


def test_report_command_sends_the_latest_result_as_a_pdf(chat):
    chat.say("/report")
    assert chat.kinds() == ["report_none"]
    chat.say("/quiz quick")
    for _ in range(14):
        chat.press_data(next(b.data for b in chat.buttons() if b.data.startswith("q:") and b.data.endswith(":1")))
    chat.say("/report 示例公司")
    assert chat.last[0].document_bytes()[:5] == b"%PDF-"
    assert chat.last[0].document_name.endswith(".pdf")


def test_report_cli_writes_a_pdf_and_rejects_bad_input(cli_env, tmp_path):
    answers = json.dumps({"lead_direction": 3, "rslt_financial": 2})
    out = run_cli("report", "--answers", answers, "--pdf", str(tmp_path / "r.pdf"), "--lang", "en", env=cli_env)
    assert out.returncode == 0, out.stderr
    _pages, text = pdf_text((tmp_path / "r.pdf").read_bytes())
    assert "Performance-excellenceself-assessmentreport" in text  # the title, whitespace removed
    bad = run_cli("report", "--answers", '{"nope": 1}', "--pdf", str(tmp_path / "x.pdf"), env=cli_env)
    assert bad.returncode == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_fonts_header_item_order_recommendations_and_page_numbers(core, lang):
    result = summary.score(core.kb, "full", dict.fromkeys(core.kb.quiz.modes["full"], 1), lang)
    data = report_pdf.result_pdf(core.kb, result, lang, organisation="示例制造有限公司")
    fonts = font_names(data)
    if lang == "en":  # Latin text in DejaVu Sans; the Chinese organization name falls back to Noto Sans SC
        assert any("DejaVuSans" in f for f in fonts), fonts
        assert any("NotoSansSC" in f for f in fonts), fonts
    else:
        assert all("NotoSansSC" in f for f in fonts), fonts
    pages = page_texts(data)
    for n, page in enumerate(pages, 1):
        assert (f"第{n}/{len(pages)}页" if lang == "zh" else f"Page{n}of{len(pages)}") in page
    text = "".join(pages)
    if lang == "zh":
        assert "组织：示例制造有限公司" in text
        assert "测评：完整版" in text
        assert re.search(r"日期：\d{4}-\d\d-\d\d", text)
    else:
        assert "Organization:示例制造有限公司" in text
        assert "Quiz:Full" in text
    assert result["recommendations"]
    for i, rec in enumerate(result["recommendations"], 1):  # number and title, then the reason: no dangling dash
        title = re.sub(r"\s+", "", rec["title"])
        assert f"{i}.{title}{re.sub(r'[ ]+', '', rec['why'])[:10]}" in text
        assert f"{title}—" not in text
    evidence = text[text.index(re.sub(r"\s+", "", report_pdf.LABELS["evidence"][lang])):]
    assert evidence.index("4.2.2") < evidence.index("4.2.3")  # items in clause order
    for cat in core.kb.quiz.categories.values():  # each heading on the page of its first evidence lines
        heading = re.sub(r"\s+", "", f"{cat.clause} {cat.name[lang]}") + "·"
        first = re.sub(r"\s+", "", core.kb.entries[cat.topic].evidence[lang][0])[:12]
        assert [heading in p for p in pages].index(True) == [first in p for p in pages].index(True), cat.topic


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wrapped_pdf_bullets_hang_under_their_text(lang):
    pdf = report_pdf.new_pdf("t", lang)
    pdf_layout.para(pdf, ("evidence " if lang == "en" else "证据材料") * 40, 9.5, marker="•")
    reader = PdfReader(io.BytesIO(bytes(pdf.output())))
    report_pdf.close_fonts(pdf)
    xs = [float(operands[0]) for operands, op in ContentStream(reader.pages[0].get_contents(), reader).operations
          if op == b"Td"]
    bullet, *lines = xs
    assert len(lines) >= 3
    assert bullet < lines[0]
    assert len(set(lines)) == 1  # continuation lines start where the first line's text does


def test_chinese_pdf_lines_never_start_with_closing_punctuation():
    pdf = report_pdf.new_pdf("t", "zh")
    pdf.set_font(pdf_layout.CJK_FONT, size=9.5)
    text = ("结果：你选择了「少数过程指标与行业平均或兄弟单位比较过，差距明显」。为三到五个关键过程指标确定比较对象，"
            "可来自行业协会、标杆企业（如 PDCA、QC 小组）或公开报告，并记录 4.7.2–4.7.7 的数据来源和口径。"
            "QC小组活动记录和KPI对照表应覆盖4.7.2–4.7.7的全部结果指标及其三年以上的趋势数据。")
    for width in range(30, 150, 2):
        lines = pdf_layout.wrap_cjk(pdf, text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(pdf.get_string_width(line) <= width for line in lines)
        assert not any(line[0] in pdf_layout.NO_LINE_START for line in lines[1:]), lines
        assert not any(line[-1] in pdf_layout.NO_LINE_END for line in lines), lines
        assert not any(re.search(r"PDC$|^A、|4\.7\.$", line) for line in lines), lines  # words stay whole
    report_pdf.close_fonts(pdf)
