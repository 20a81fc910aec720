"""Interface strings of team assessment, the peer benchmark and the PDF report."""

from __future__ import annotations

TEAM_TEXTS: dict[str, dict[str, str]] = {
    "cmd_team": {"zh": "团队测评：/team new 名称", "en": "team assessment: /team new NAME"},
    "cmd_report": {"zh": "PDF 诊断报告（可加企业名称）", "en": "PDF report (optionally: /report ORGANISATION)"},
    "team_usage": {
        "zh": "团队测评：让领导、管理者和员工各自做诊断，比较看法的差异。\n• /team new 名称 —— 创建团队，得到邀请链接\n"
              "• /team report [名称] —— 团队报告（至少 3 人作答后）\n• /team link [名称] —— 更换邀请链接\n"
              "• /team close [名称] —— 关闭团队，不再接受新成员",
        "en": "Team assessment: leaders, managers and staff each take the quiz, and you compare how they see "
              "the organisation.\n• /team new NAME — create a team and get its invitation link\n"
              "• /team report [NAME] — the team report (once 3 people have answered)\n"
              "• /team link [NAME] — a new invitation link\n• /team close [NAME] — close the team to new members",
    },
    "team_even_line": {"zh": "各类目的团队平均相同，没有哪一项更强或更弱。",
                       "en": "Every category has the same team average: none is stronger or weaker."},
    "team_rec_weakest": {
        "zh": "团队平均 {mean}%，是七个类目里最低的：先一起读懂{category}要求什么、评审员看哪些证据。",
        "en": "The team's average is {mean}%, the lowest of the seven: start by reading together what "
              "{category} asks for and what evidence assessors look for.",
    },
    "team_rec_item": {"zh": "{category}的评分项：对照评审员要看的证据，逐条检查团队已有什么、缺什么。",
                      "en": "An item of {category}: go through the evidence assessors expect and note what the team "
                            "already has and what is missing."},
    "team_rec_weakest_tied": {
        "zh": "团队平均 {mean}%，与其他类目并列最低；其中{category}分值最高：先一起读懂它要求什么、评审员看哪些证据。",
        "en": "The team's average is {mean}%, tied for the lowest; {category} carries the most points of the "
              "tied categories: start by reading together what it asks for and what evidence assessors look for.",
    },
    "team_rec_even": {
        "zh": "各类目的团队平均相同，{category}分值最高，从它开始（团队平均 {mean}%）。",
        "en": "Every category has the same team average; {category} carries the most points, so start there "
              "(team average {mean}%).",
    },
    "team_rec_disagree": {
        "zh": "大家对{category}的看法分歧最大（标准差 {spread} 个百分点）：自评时先对照证据统一认识，再打分。",
        "en": "People disagree most about {category} (spread {spread} percentage points): in the "
              "self-assessment, agree on the evidence first, then score.",
    },
    "team_your": {"zh": "你创建的团队：", "en": "Your teams:"},
    "team_line": {"zh": "{name}（{status}，{n} 人作答）", "en": "{name} ({status}, {n} answered)"},
    "team_open": {"zh": "开放", "en": "open"},
    "team_closed": {"zh": "已关闭", "en": "closed"},
    "team_created": {
        "zh": "团队「{name}」已创建。把下面的链接发给同事，他们打开后选择自己的角色并完成诊断：\n{link}\n\n"
              "个人答案不会给任何人看；报告只显示平均值，人数少于 3 的角色组只计入总体。",
        "en": "Team \u201c{name}\u201d is ready. Send this link to colleagues; they open it, say their role and take "
              "the quiz:\n{link}\n\nNobody sees anyone's individual answers; the report shows averages only, and "
              "a role group with fewer than 3 people counts only in the totals.",
    },
    "team_link": {"zh": "团队「{name}」的新邀请链接（旧链接已失效）：\n{link}",
                  "en": "New invitation link for \u201c{name}\u201d (the old one no longer works):\n{link}"},
    "team_closed_done": {"zh": "团队「{name}」已关闭，不再接受新成员；已有结果仍可查看报告。",
                         "en": "Team \u201c{name}\u201d is closed to new members; its report stays available."},
    "team_not_found": {"zh": "没有找到你创建的这个团队。发送 /team 查看你的团队。",
                       "en": "I found no team of yours by that name. Send /team to see your teams."},
    "team_name_needed": {"zh": "请给团队起个名字，例如：/team new 质量部自评", "en": "Give the team a name, e.g. /team new Quality dept"},
    "team_join": {"zh": "你被邀请参加团队「{name}」的诊断。你的角色是？（只用于分组统计，不显示个人答案）",
                  "en": "You are invited to the \u201c{name}\u201d team assessment. What is your role? (Used only to "
                        "group averages; individual answers are never shown.)"},
    "team_join_closed": {"zh": "这个团队已关闭或链接已更换，请向发起人要新的链接。",
                         "en": "This team is closed or its link was renewed: ask its owner for the current link."},
    "role_leader": {"zh": "高层领导", "en": "Senior leader"},
    "role_manager": {"zh": "中层管理者", "en": "Manager"},
    "role_staff": {"zh": "员工", "en": "Staff"},
    "team_joined": {"zh": "已加入团队「{name}」（{role}）。下面开始诊断。", "en": "You joined \u201c{name}\u201d as {role}. Here is the quiz."},
    "team_report_title": {"zh": "团队报告：{name}（{n} 人作答：领导 {leader}，管理者 {manager}，员工 {staff}）",
                          "en": "Team report: {name} ({n} answered: {leader} leaders, {manager} managers, {staff} staff)"},
    "team_report_wait": {"zh": "团队「{name}」目前有 {n} 人作答，至少 3 人后才出报告（保护个人答案）。",
                         "en": "\u201c{name}\u201d has {n} answer(s) so far; the report appears from 3 on (to protect "
                               "individual answers)."},
    "team_report_line": {"zh": "{name}：平均 {mean}%（分歧 ±{spread}）", "en": "{name}: mean {mean}% (spread ±{spread})"},
    "team_report_roles": {"zh": "  领导 {leader} · 管理者 {manager} · 员工 {staff}{gap}",
                          "en": "  leaders {leader} · managers {manager} · staff {staff}{gap}"},
    "team_report_gap": {"zh": " · 领导−员工 {gap}", "en": " · leaders−staff {gap}"},
    "team_report_total": {"zh": "估计总分平均：{mean} / 1000", "en": "Mean estimated total: {mean} / 1000"},
    "team_report_disagree": {"zh": "看法分歧最大：{cats}", "en": "Most disagreement: {cats}"},
    "team_report_small": {"zh": "（人数少于 3 的角色组不单独显示，只计入平均。）",
                          "en": "(Role groups with fewer than 3 people are not shown separately; they count in the means.)"},
    "btn_team_report": {"zh": "📊 团队报告", "en": "📊 Team report"},
    "btn_team_pdf": {"zh": "📄 团队 PDF", "en": "📄 Team PDF"},
    "btn_peers": {"zh": "📈 与同行比较", "en": "📈 Compare with peers"},
    "btn_pdf": {"zh": "📄 PDF 报告", "en": "📄 PDF report"},
    "peers_industry": {"zh": "为了匿名比较，请选择所在行业：", "en": "For an anonymous comparison, choose your industry:"},
    "peers_size": {"zh": "企业规模（员工人数）：", "en": "Organisation size (employees):"},
    "ind_manufacturing": {"zh": "制造业", "en": "Manufacturing"},
    "ind_construction": {"zh": "建筑与工程", "en": "Construction"},
    "ind_services": {"zh": "商贸与服务", "en": "Trade and services"},
    "ind_it": {"zh": "信息技术", "en": "IT"},
    "ind_healthcare": {"zh": "医疗卫生", "en": "Health care"},
    "ind_education": {"zh": "教育", "en": "Education"},
    "ind_public": {"zh": "公共事业", "en": "Public sector"},
    "ind_other": {"zh": "其他", "en": "Other"},
    "size_lt50": {"zh": "50 人以下", "en": "under 50"},
    "size_50_299": {"zh": "50–299 人", "en": "50–299"},
    "size_300_999": {"zh": "300–999 人", "en": "300–999"},
    "size_ge1000": {"zh": "1000 人以上", "en": "1000 or more"},
    "peers_title": {"zh": "与{scope}的匿名比较（{n} 份其他结果）：", "en": "Anonymous comparison with {scope} ({n} other results):"},
    "peers_scope_same": {"zh": "同行业、同规模企业", "en": "organisations of your industry and size"},
    "peers_scope_all": {"zh": "所有参与者", "en": "all participants"},
    "peers_line": {"zh": "{name}：高于 {pct}% 的参与者", "en": "{name}: higher than {pct}% of participants"},
    # ties are not counted as "below": said apart
    "peers_line_same": {"zh": "{name}：高于 {pct}% 的参与者，与另外 {same} 人相同",
                        "en": "{name}: higher than {pct}% of participants, the same as {same} others"},
    "peers_none": {"zh": "{name}：—", "en": "{name}: —"},
    "peers_few": {"zh": "目前其他结果还不到 {min} 份，暂时无法比较；以后再试。你的行业和规模已记录。",
                  "en": "There are fewer than {min} other results so far, so no comparison yet; try later. Your "
                        "industry and size are recorded."},
    "peers_note": {"zh": "（同行业同规模不足 {min} 份时与全部参与者比较；不会显示任何单个结果。）",
                   "en": "(With fewer than {min} in your industry and size, all participants are used; no single "
                         "result is ever shown.)"},
    "report_none": {"zh": "你还没有完成诊断，先发送 /quiz。", "en": "You have no finished quiz yet: send /quiz first."},
    "report_caption": {"zh": "你的自评诊断报告（PDF）。", "en": "Your self-assessment report (PDF)."},
}
