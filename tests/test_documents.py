"""Office documents from sandboxed templates: work orders, callback lists, the overdue digest,
the confirmation sentence for each kind of intake, and office overrides that break."""
from __future__ import annotations

import pytest

import re

from conftest import line_of

DIGITS = re.compile(r"\d{4}")


OFFICE_LANG = None  # these tests read what a new office reads: Chinese, unless --lang en


def dispatched_complaint(office) -> str:
    tid = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001",
                        "--summary", "楼上噪音", "--detail", "晚上十点后仍有装修声，邻居电话88886666")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou", "--appointment", "2026-11-21 10:00")
    return tid


def dispatched_repair(office, *extra) -> str:
    tid = office.intake("--type", "repair", "--category", "leak", "--customer", "C-A001", "--summary", "卫生间渗水", *extra)
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou", "--appointment", "2026-11-21 10:00")
    return tid


def test_complaint_work_order_never_names_the_complainant(office):
    tid = dispatched_complaint(office)
    for lang in ("zh", "en"):
        for fmt in ("text", "html"):
            out = office.run("print", "workorder", tid, "--format", fmt, "--lang", lang).stdout
            assert "陈先生" not in out and "C-A001" not in out
            assert "3-2-1502" not in out and "1502" not in out
            assert "13800138000" not in out and "8000" not in out
            assert "88886666" not in out and "****6666" in out  # a number typed into the detail
            assert ("匿名业主" if lang == "zh" else "anonymous owner") in out
            assert "周师傅 (zhou)" in out  # the technician by name
    # a supervisor's --reveal does not name a complainant either
    revealed = office.run("print", "workorder", tid, "--reveal", user="zhao").stdout
    assert "陈先生" not in revealed and "13800138000" not in revealed


def test_repair_work_order_has_the_place_and_what_the_technician_fills_in(office):
    tid = dispatched_repair(office)
    out = office.run("workorder", tid).stdout
    for part in ("维修工作单", tid, "报修 渗漏水", "维修部", "周师傅 (zhou)", "3-2-1502", "138****8000", "卫生间渗水",
                 "2026-11-21 10:00", "使用材料", "用时", "维修人员签字", "客户签字"):
        assert part in out, part
    assert "陈先生" not in out and "13800138000" not in out
    english = office.run("workorder", tid, "--lang", "en").stdout
    for part in ("WORK ORDER", "repair leak", "Materials used", "Technician's signature", "Customer's signature"):
        assert part in english, part


def test_paid_work_order_has_the_agreed_fee_line(office):
    tid = office.intake("--type", "paid", "--customer", "C-A001", "--summary", "更换水龙头")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    assert "约定收费" in office.run("print", "workorder", tid).stdout
    assert "Agreed fee" in office.run("print", "workorder", tid, "--lang", "en").stdout
    assert "约定收费" not in office.run("print", "workorder", dispatched_repair(office)).stdout


def test_reveal_is_for_supervisors_and_directors_only(office):
    tid = dispatched_repair(office)
    refused = office.fails("print", "workorder", tid, "--reveal")
    assert refused.exit_code == 3
    assert refused.stderr.count("\n") == 1 and "主管或主任" in refused.stderr and "wang" in refused.stderr
    assert "--reveal" in office.fails("show", tid, "--reveal", "--lang", "en").stderr
    assert office.fails("customer", "list", "--reveal").exit_code == 3
    shown = office.run("print", "workorder", tid, "--reveal", user="wang").stdout
    assert "陈先生" in shown and "13800138000" in shown
    assert office.json("customer", "show", "C-A001", "--reveal", user="zhao")["phones"] == ["13800138000"]


def test_html_documents_escape_what_was_typed(office):
    tid = office.intake("--type", "repair", "--customer", "C-A001", "--summary", "<script>alert(1)</script>门锁坏")
    office.run("dispatch", tid, "--to", "维修部")
    html = office.run("print", "workorder", tid, "--format", "html").stdout
    assert html.startswith("<!DOCTYPE html>") and "<script>" not in html and "&lt;script&gt;" in html


def test_callback_list_carries_the_questions_of_000_3_1_4(office):
    tid = dispatched_repair(office)
    office.run("close", tid, "--result", "更换密封圈", "--leak-test-at", "2026-11-20 09:30")
    out = office.run("print", "callbacks").stdout  # li took the call and owns the callback: whom to ring
    assert tid in out and "更换密封圈" in out and "13800138000" in out and "陈先生" in out
    other = office.run("print", "callbacks", user="zhou").stdout
    assert tid in other and "138****8000" in other and "陈先生" not in other
    for question in ("服务质量", "问题是否已经解决", "满意度", "□1 □2 □3 □4 □5", "不足", "建议"):
        assert question in out, question
    english = office.run("print", "callbacks", "--lang", "en", "--format", "html").stdout
    for question in ("quality of our service", "Is the problem solved", "satisfaction", "fell short", "suggest"):
        assert question in english, question
    assert "目前没有需要回访的工单" in office.run("print", "callbacks", "--due", now="2026-11-20 09:40").stdout \
        or tid in office.run("print", "callbacks", "--due", now="2026-11-20 09:40").stdout


def test_digest_subject_first_grouped_by_who_must_act(office):
    emergency = office.intake("--type", "repair", "--emergency", "--customer", "C-A002", "--summary", "水管爆裂")
    office.run("dispatch", emergency, "--to", "维修部", "--assignee", "zhou")
    query = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费")
    result = office.run("overdue", "--digest", now="2026-11-20 12:00", ok=False)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "[翠苑物业管理处] 2 项已超时（2026-11-20 12:00）" and lines[1] == ""
    text = result.stdout
    assert "由 维修部 处理：" in text and "由 李娜 (li) 处理：" in text
    assert text.index("由 维修部 处理：") < text.index(emergency) < text.index("由 李娜 (li) 处理：") < text.index(query)
    assert "立即安排维修人员到场" in text
    assert "3-2-1502" not in text  # a query is not done in the unit: the digest does not say where the caller lives
    english = office.run("print", "digest", "--lang", "en", now="2026-11-20 12:00", ok=False).stdout
    assert english.splitlines()[0] == "[翠苑物业管理处] 2 overdue (2026-11-20 12:00)"
    assert "For 李娜 (li):" in english
    quiet = office.run("overdue", "--digest", now="2026-11-20 09:31")
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_each_kind_of_intake_gets_a_sentence_that_fits(office):
    answered = office.run("intake", "--type", "consultation", "--customer", "C-A001", "--summary", "物业费标准",
                          "--answer", "已告知收费标准").stdout.splitlines()[1]
    assert answered == "您的咨询已当场为您答复，感谢您对我们工作的支持！"
    logged = office.run("intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                        "--summary", "电梯噪音", "--at", "2026-11-16 09:00").stdout.splitlines()[1]
    assert logged.startswith("已补录11月16日（星期一）09:00受理的投诉，答复期限为") and "答复期限已过" in logged
    promise = office.run("intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                         "--summary", "电梯噪音").stdout.splitlines()[1]
    assert promise == "您的投诉内容我已详细记录，我们会尽快处理，并在11月23日（星期一）09:30前将处理结果答复给您。"
    visit = office.run("intake", "--type", "appointment", "--customer", "C-A001", "--summary", "上门量房",
                       "--appointment", "2026-11-25 14:00").stdout.splitlines()[1]
    assert visit == "您的预约我已详细记录，我们会在11月25日（星期三）14:00按约定时间上门为您服务。"
    repair = office.run("intake", "--type", "repair", "--customer", "C-A001", "--summary", "灯坏了").stdout.splitlines()[1]
    assert repair == "您的报修内容我已详细记录，我们会尽快处理，并将处理结果答复给您。"
    english = office.run("intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                         "--summary", "楼道灯不亮", "--lang", "en").stdout.splitlines()[1]
    assert english == ("Your complaint has been recorded in detail; we will handle it as soon as possible "
                       "and give you the result by Mon 23 Nov 09:30.")


def test_office_template_override_is_used(office):
    folder = office.root / "templates" / "zh"
    folder.mkdir(parents=True)
    (folder / "confirmation.txt").write_text("您的{{ kind }}已登记，{{ date or '尽快' }}前答复。\n", encoding="utf-8")
    out = office.run("intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001", "--summary", "噪音")
    assert out.stdout.splitlines()[1] == "您的投诉已登记，11月23日（星期一）09:30前答复。"
    assert office.run("check").exit_code == 0


def test_a_template_reaching_into_python_is_refused_with_its_line(office):
    tid = dispatched_repair(office)
    folder = office.root / "templates" / "zh"
    folder.mkdir(parents=True)
    path = folder / "workorder.txt"
    path.write_text("维修工作单 {{ order.id }}\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    refused = office.fails("print", "workorder", tid)
    assert refused.exit_code == 5 and refused.stderr.count("\n") == 1
    assert "templates/zh/workorder.txt:2" in refused.stderr and "SecurityError" in refused.stderr
    assert "subclasses" not in refused.stdout
    checked = office.run("check", ok=False)
    assert checked.exit_code == 1
    assert "templates/zh/workorder.txt:2: 模板无法使用" in checked.stdout


@pytest.mark.parametrize("expression", ["'a' * 1000000000", "[1] * 1000000000", "9 ** 999999999"])
def test_a_template_asking_for_an_endless_text_is_refused_at_once(office, expression):
    """An office template may arrive from another PC by sync: it must not stall the desk."""
    tid = dispatched_repair(office)
    folder = office.root / "templates" / "zh"
    folder.mkdir(parents=True)
    (folder / "workorder.txt").write_text("维修工作单 {{ order.id }}\n{{ " + expression + " }}\n", encoding="utf-8")
    refused = office.fails("print", "workorder", tid)
    assert refused.exit_code == 5 and "templates/zh/workorder.txt:2" in refused.stderr
    assert refused.stderr.count("\n") == 1 and "SecurityError" in refused.stderr


def test_broken_templates_are_reported_by_check_with_path_and_line(office):
    folder = office.root / "templates" / "en"
    folder.mkdir(parents=True)
    (folder / "digest.txt").write_text("subject\n\n{% for g in groups %}\n{{ g.who }\n{% endfor %}\n", encoding="utf-8")
    (folder / "callbacks.txt").write_text("{{ office }}\n{{ calls[0].nonexistent }}\n", encoding="utf-8")
    (folder / "notes.txt").write_text("hello\n", encoding="utf-8")
    import json

    problems = json.loads(office.run("check", "--format", "json", ok=False).stdout)
    by_path = {p["path"]: p for p in problems}
    assert by_path["templates/en/digest.txt"]["line"] == 4 and by_path["templates/en/digest.txt"]["severity"] == "error"
    assert by_path["templates/en/callbacks.txt"]["line"] == 2 and "nonexistent" in by_path["templates/en/callbacks.txt"]["message"]
    notes = next(p for p in problems if p["path"].endswith("templates/en/notes.txt"))
    assert notes["severity"] == "error" and "records layout" in notes["message"]


def test_check_warns_of_a_forbidden_phrase_in_an_office_template(office):
    folder = office.root / "templates" / "zh"
    folder.mkdir(parents=True)
    path = folder / "confirmation.txt"
    path.write_text("您的{{ kind }}已记录。\n这个我们不管，您找谁都没办法。\n", encoding="utf-8")
    result = office.run("check")
    assert result.exit_code == 0  # a warning: the office decides, nothing stops working
    for phrase in ("我们不管", "找谁", "没办法"):
        assert f"templates/zh/confirmation.txt:{line_of(path, phrase)}: 提示：含有服务禁用语 '{phrase}'" in result.stdout


def test_sample_data_for_check_has_the_shape_of_real_documents(office):
    """``svcctl check`` renders office templates with sample data: it must look like the real thing."""
    from svcctl.operations.env import Env
    from svcctl.present import documents, papers

    tid = dispatched_repair(office)
    office.run("close", tid, "--result", "更换密封圈", "--leak-test-at", "2026-11-20 09:30")
    env = Env(str(office.root), "wang", now_text="2026-11-30 09:00")
    view = env.view(env.records.ticket(tid))
    o = env.office
    real = {
        "workorder": papers.work_order(view, env.records.customer("C-A001"), o.roster, o.tz, env.now, o.name, "zh"),
        "callbacks": papers.callbacks([(view, view.deadline("callback"))], {}, o.roster, o.tz, env.now, o.name, "zh"),
        "digest": papers.digest([(view, view.deadline("callback"))], o.roster, o.tz, env.now, o.name, "zh"),
        "confirmation": papers.confirmation(view, o.tz, env.now, o.name, "zh"),
    }
    for name, data in real.items():
        assert documents.sample_shape(data) == documents.sample_shape(documents.SAMPLES[name]), name
